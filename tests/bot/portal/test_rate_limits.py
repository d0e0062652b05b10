"""The creator pages' ceilings through the real server: per client behind proxies, per link, per
deployment (replicas share them through the database), and what a refused creator sees."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from tests.bot.portal.test_routes import assert_security_headers, fetch, new_project, stored_videos
from tests.factories import a_spark_code
from tests.harness.fake_slack import FakeSlack
from tests.harness.server import RunningServer, start_server

PROXY = "127.0.0.1"  # the tests connect from loopback: that is "the load balancer"


def delivery(n: int) -> dict[str, str]:
    return {
        "url": f"https://www.tiktok.com/@maker.{n}/video/{7301234567890100000 + n}",
        "creator_handle": f"@maker.{n}",
        "creator_email": f"maker{n}@example.com",
        "spark_code": a_spark_code(n),
    }


async def post(
    server: RunningServer,
    token: str,
    fields: dict[str, str],
    *,
    client: str | None = None,
    form_token: bool = True,
) -> int:
    from bot.portal.routes import FORM_TOKENS_KEY

    data = dict(fields)
    if form_token:
        data["form_token"] = server.runner.app[FORM_TOKENS_KEY].issue(token)
    headers = {"X-Forwarded-For": client} if client else {}
    page = await fetch("POST", f"{server.url}/i/{token}", data=data, headers=headers)
    return page.status


@pytest.fixture
async def proxied(fake_slack: FakeSlack, database_url: str) -> AsyncIterator[RunningServer]:
    running = await start_server(fake_slack, database_url, trusted_proxies=f"{PROXY},10.0.0.0/8")
    yield running
    await running.stop()


async def test_a_hundred_creators_behind_the_load_balancer_deliver_to_one_link_in_a_minute(
    proxied: RunningServer,
) -> None:
    project = await new_project(proxied)

    statuses = [
        await post(proxied, project.invite_token, delivery(n), client=f"198.51.100.{n}") for n in range(100)
    ]

    assert statuses == [200] * 100
    assert len(await stored_videos(proxied)) == 100


async def test_each_client_behind_the_proxy_has_its_own_budget_and_a_forged_header_buys_none(
    proxied: RunningServer,
) -> None:
    project = await new_project(proxied)
    # one creator, whatever it writes on the left of the header, is the proxy's right-most entry
    statuses = [
        await post(proxied, project.invite_token, delivery(n), client=f"6.6.6.{n}, 198.51.100.1")
        for n in range(11)
    ]
    other = await post(proxied, project.invite_token, delivery(50), client="198.51.100.2")

    assert statuses == [200] * 10 + [429]
    assert other == 200


async def test_without_trusted_proxies_the_header_is_ignored(server: RunningServer) -> None:
    project = await new_project(server)

    statuses = [
        await post(server, project.invite_token, delivery(n), client=f"198.51.100.{n}") for n in range(11)
    ]

    assert statuses == [200] * 10 + [429]


async def test_junk_posts_without_a_form_token_cannot_close_a_link(
    fake_slack: FakeSlack, database_url: str
) -> None:
    server = await start_server(fake_slack, database_url, trusted_proxies=PROXY, creator_posts_per_link=5)
    try:
        project = await new_project(server)
        junk = [
            await post(server, project.invite_token, delivery(n), client=f"203.0.113.{n}", form_token=False)
            for n in range(20)
        ]
        real = await post(server, project.invite_token, delivery(99), client="198.51.100.99")
    finally:
        await server.stop()

    assert junk == [403] * 20
    assert real == 200


async def test_junk_views_of_made_up_links_do_not_close_pages_for_other_clients(
    proxied: RunningServer,
) -> None:
    project = await new_project(proxied)
    junk = [
        (
            await fetch("GET", f"{proxied.url}/i/made-up-{n}", headers={"X-Forwarded-For": "203.0.113.5"})
        ).status
        for n in range(61)
    ]

    page = await fetch(
        "GET", f"{proxied.url}/i/{project.invite_token}", headers={"X-Forwarded-For": "198.51.100.5"}
    )

    assert junk == [404] * 60 + [429]
    assert page.status == 200


async def test_page_views_over_the_ceiling_get_429(fake_slack: FakeSlack, database_url: str) -> None:
    server = await start_server(fake_slack, database_url, creator_views_per_client=3)
    try:
        project = await new_project(server)
        pages = [await fetch("GET", f"{server.url}/i/{project.invite_token}") for _ in range(4)]
    finally:
        await server.stop()

    assert [page.status for page in pages] == [200, 200, 200, 429]
    assert 1 <= int(pages[-1].headers["Retry-After"]) <= 60
    assert_security_headers(pages[-1])


async def test_a_ceiling_of_zero_means_no_limit(fake_slack: FakeSlack, database_url: str) -> None:
    server = await start_server(
        fake_slack, database_url, creator_views_per_client=0, creator_posts_per_client=0
    )
    try:
        project = await new_project(server)
        views = [(await fetch("GET", f"{server.url}/i/{project.invite_token}")).status for _ in range(70)]
        posts = [await post(server, project.invite_token, delivery(n)) for n in range(15)]
    finally:
        await server.stop()

    assert views == [200] * 70
    assert posts == [200] * 15


async def test_a_refused_delivery_keeps_what_the_creator_typed(
    fake_slack: FakeSlack, database_url: str
) -> None:
    server = await start_server(fake_slack, database_url, trusted_proxies=PROXY, creator_posts_per_link=1)
    try:
        project = await new_project(server)
        from bot.portal.routes import FORM_TOKENS_KEY

        assert await post(server, project.invite_token, delivery(1), client="198.51.100.1") == 200
        typed = delivery(2) | {"form_token": server.runner.app[FORM_TOKENS_KEY].issue(project.invite_token)}
        page = await fetch(
            "POST",
            f"{server.url}/i/{project.invite_token}",
            data=typed,
            headers={"X-Forwarded-For": "198.51.100.2"},
        )
    finally:
        await server.stop()

    assert page.status == 429
    assert 1 <= int(page.headers["Retry-After"]) <= 60
    assert_security_headers(page)
    assert "Too many requests" in page.text
    for value in ("@maker.2", "maker2@example.com", "7301234567890100002"):
        assert value in page.text
    assert len(await stored_videos(server)) == 1


async def test_one_client_alternating_between_two_replicas_has_one_budget(
    fake_slack: FakeSlack, database_url: str
) -> None:
    replicas = [await start_server(fake_slack, database_url, creator_views_per_client=4) for _ in range(2)]
    try:
        project = await new_project(replicas[0])
        statuses = []
        for n in range(6):
            page = await fetch("GET", f"{replicas[n % 2].url}/i/{project.invite_token}")
            statuses.append(page.status)
    finally:
        await asyncio.gather(*(replica.stop() for replica in replicas))

    assert statuses == [200] * 4 + [429] * 2


async def test_a_refused_linking_answer_keeps_the_spark_codes_typed(
    fake_slack: FakeSlack, database_url: str
) -> None:
    from tests.bot.portal.test_linking import CODE_A, new_request
    from tests.bot.portal.test_linking import post as answer

    server = await start_server(fake_slack, database_url, creator_posts_per_link=1)
    try:
        request = await new_request(server)
        first = await answer(server, request.token, answer="accept", spark_code_0="too-short")
        second = await answer(
            server, request.token, answer="accept", spark_code_0=CODE_A, spark_code_1="typed-2"
        )
    finally:
        await server.stop()

    assert first.status == 422
    assert second.status == 429
    assert 1 <= int(second.headers["Retry-After"]) <= 60
    assert CODE_A in second.text and "typed-2" in second.text
