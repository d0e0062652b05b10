"""The invite link's page and deliveries, through the real server and a fake Slack."""

from __future__ import annotations

import asyncio
import contextvars
import datetime as dt
import itertools
import json
import re
import zlib
from dataclasses import dataclass
from typing import Any

import aiohttp
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import configure_mappers
from sqlmodel import col

from bot import i18n
from bot.portal.routes import FORM_TOKENS_KEY, page, received_page
from bot.services import deliveries, projects
from bot.services.workspaces import Actor
from storage.models import AuditEvent, LiteProject, Video, unit_row
from tests.factories import a_spark_code, make_brand, make_project, make_workspace
from tests.harness.fake_slack import TEAM_ID, Call, check_blocks
from tests.harness.server import RunningServer
from tests.harness.slack_requests import USER_ID

VIDEO_ID = "7301234567890123456"
URL = f"https://www.tiktok.com/@glow.maker/video/{VIDEO_ID}?is_from_webapp=1&sender_device=pc"
CANONICAL = f"https://www.tiktok.com/@glow.maker/video/{VIDEO_ID}"
CODE = "#4lrl4IIbnY3H31X1KfPKGpyupUzbnHF5S7T/UbUsEBnnUOP4tYz9+Ek7tt6i7ms="
CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src https: data:; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'"
)


@dataclass
class Page:
    status: int
    text: str
    headers: dict[str, str]

    @property
    def form_token(self) -> str:
        match = re.search(r'name="form_token" value="([^"]+)"', self.text)
        assert match, "the page has no form"
        return match.group(1)


async def fetch(method: str, url: str, **kwargs: Any) -> Page:
    async with aiohttp.ClientSession() as session:
        async with session.request(method, url, allow_redirects=False, **kwargs) as response:
            return Page(response.status, await response.text(), dict(response.headers))


async def open_page(server: RunningServer, token: str) -> Page:
    return await fetch("GET", f"{server.url}/i/{token}")


async def submit(server: RunningServer, token: str, *, form_token: str | None = "", **fields: str) -> Page:
    """Post the delivery form; the form token comes from a fresh GET unless given (None: left out)."""
    data = {
        "url": URL,
        "creator_handle": "@glow.maker",
        "creator_email": "maker@example.com",
        "spark_code": CODE,
    }
    data.update(fields)
    if "spark_code" not in fields and data["url"] != URL:
        # a code unlocks one video: another video gets a code of its own
        data["spark_code"] = a_spark_code(zlib.crc32(data["url"].encode()))
    if form_token == "":
        form_token = server.runner.app[FORM_TOKENS_KEY].issue(token)
    if form_token is not None:
        data["form_token"] = form_token
    return await fetch("POST", f"{server.url}/i/{token}", data=data)


async def new_project(server: RunningServer, **kwargs: Any) -> LiteProject:
    async with server.sessions.begin() as session:
        return await make_project(session, **kwargs)


async def stored_videos(server: RunningServer) -> list[Video]:
    async with server.sessions() as session:
        return list((await session.execute(select(Video).order_by(col(Video.id)))).scalars().all())


async def audit_count(server: RunningServer) -> int:
    async with server.sessions() as session:
        return int((await session.execute(select(func.count()).select_from(AuditEvent))).scalar_one())


def video_alerts(server: RunningServer) -> list[Call]:
    return [
        call
        for call in server.fake.of("chat.postMessage")
        if str(call.args.get("text", "")).startswith("New video")
    ]


async def wait_for_alerts(server: RunningServer, count: int, *, settle: float = 0.4) -> list[Call]:
    """Wait for `count` alerts, then a little longer so an extra one would show up too."""
    for _ in range(100):
        if len(video_alerts(server)) >= count:
            break
        await asyncio.sleep(0.05)
    await asyncio.sleep(settle)
    return video_alerts(server)


def assert_security_headers(page: Page) -> None:
    assert page.headers["Content-Security-Policy"] == CSP
    assert page.headers["Referrer-Policy"] == "no-referrer"
    assert page.headers["X-Content-Type-Options"] == "nosniff"
    assert page.headers["X-Frame-Options"] == "DENY"
    assert page.headers["Cache-Control"] == "no-store"
    assert "<script" not in page.text


# --- the brief ----------------------------------------------------------------------------------


async def test_the_page_shows_the_brief_the_brands_domain_and_the_form(server: RunningServer) -> None:
    async with server.sessions.begin() as session:
        workspace = await make_workspace(session)
        brand = await make_brand(
            session, workspace=workspace, name="GlowCo", logo_url="https://cdn.glowco.com/logo.png"
        )
        project = await make_project(session, workspace=workspace, brand=brand, link_name="Summer glow")

    page = await open_page(server, project.invite_token)

    assert page.status == 200
    assert page.headers["Content-Type"].startswith("text/html")
    assert "<h1>Summer glow</h1>" in page.text
    assert "GlowCo" in page.text
    # the name is beside it, so the logo is decorative; a failed load shows the initial, not an icon
    assert '<img src="https://cdn.glowco.com/logo.png" alt="" data-initial="G"' in page.text
    assert (
        'Official emails about this project come from <strong class="domain"><bdi>@glowco.com</bdi></strong>'
        in page.text
    )
    assert "partners@glowco.com" in page.text
    assert "A vitamin C serum for sensitive skin" in page.text
    assert "One 30-60 s video showing your morning routine" in page.text
    assert "Mention #GlowCoPartner" in page.text
    assert "Serum page" in page.text and "https://www.glowco.com/serum" in page.text
    assert "choose at least 30 days" in page.text
    assert "Videos only: photo posts aren't accepted." in page.text
    for name in ("url", "creator_handle", "creator_email", "spark_code", "form_token"):
        assert f'name="{name}"' in page.text
    for name in ("url", "creator_handle", "creator_email", "spark_code"):
        assert f'<label for="{name}">' in page.text
    # a refused send reopens the page at its error summary
    assert f'action="/i/{project.invite_token}#errors"' in page.text
    assert_security_headers(page)


async def test_project_text_is_escaped_on_the_page(server: RunningServer) -> None:
    project = await new_project(server, link_name="<script>alert(1)</script> & co")

    page = await open_page(server, project.invite_token)

    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in page.text
    assert "<script>" not in page.text


async def test_a_paused_project_says_so_and_shows_no_form(server: RunningServer) -> None:
    project = await new_project(server, active=False)

    page = await open_page(server, project.invite_token)

    assert page.status == 200
    assert "This project is paused" in page.text
    assert "isn't accepting videos" in page.text
    assert "<form" not in page.text


@pytest.mark.parametrize("token", ["x" * 32, "nope", "a%2Fb", "", "..%2F..%2Fetc", "a" * 200])
async def test_unknown_and_malformed_tokens_get_one_generic_404(server: RunningServer, token: str) -> None:
    await new_project(server)
    reference = await open_page(server, "Z" * 32)

    page = await open_page(server, token)

    assert page.status == 404
    assert page.text == reference.text
    assert "This link isn't working" in page.text
    assert_security_headers(page)
    posted = await submit(server, token)
    assert posted.status == 404
    assert posted.text == reference.text
    assert await stored_videos(server) == []


# --- deliveries ---------------------------------------------------------------------------------


async def test_a_delivery_is_confirmed_stored_and_alerted_once(server: RunningServer) -> None:
    project = await new_project(server, link_name="Summer glow")
    form_token = (await open_page(server, project.invite_token)).form_token

    page = await submit(server, project.invite_token, form_token=form_token)

    assert page.status == 200
    assert "your video was received" in page.text
    assert CANONICAL in page.text
    assert "@glow.maker" in page.text
    assert "maker@example.com" in page.text
    assert f'<code dir="ltr">{CODE}</code>' in page.text
    assert_security_headers(page)
    [video] = await stored_videos(server)
    assert (video.project_id, video.url, video.creator_handle, video.spark_code) == (
        project.id,
        CANONICAL,
        "glow.maker",
        CODE,
    )
    [alert] = await wait_for_alerts(server, 1)
    assert alert.args["channel"] == project.channel_id
    assert check_blocks(alert.args["blocks"]) is None
    rendered = str(alert.args["blocks"])
    assert "@glow.maker" in rendered
    assert CANONICAL in rendered
    assert "<!date^" in rendered
    action_ids = [
        e["action_id"] for b in alert.args["blocks"] if b["type"] == "actions" for e in b["elements"]
    ]
    assert action_ids == ["video_details", "video_copy_spark_code", "video_approve", "video_reject"]
    assert all(
        e["value"] == str(video.id)
        for b in alert.args["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
    )
    # the invite card is posted (or edited in place) with the new count
    cards: list[Call] = []
    for _ in range(50):
        sent = server.fake.of("chat.postMessage") + server.fake.of("chat.update")
        cards = [call for call in sent if "1 delivered" in json.dumps(call.args.get("blocks"))]
        if cards:
            break
        await asyncio.sleep(0.05)
    assert cards, "the invite card wasn't refreshed with the new count"


async def test_without_a_spark_code_the_alert_says_it_is_missing(server: RunningServer) -> None:
    project = await new_project(server, authorization_days=60)

    page = await submit(server, project.invite_token, spark_code="")

    assert page.status == 200
    [alert] = await wait_for_alerts(server, 1)
    rendered = str(alert.args["blocks"])
    assert "Missing" in rendered and "60 days" in rendered
    assert "video_copy_spark_code" not in rendered


async def test_a_short_link_is_accepted_and_marked(server: RunningServer) -> None:
    project = await new_project(server)

    page = await submit(server, project.invite_token, url="https://vm.tiktok.com/ZMabc123/")

    assert page.status == 200
    assert "short link" in page.text
    [video] = await stored_videos(server)
    assert video.needs_resolution is True
    assert video.url == "https://vm.tiktok.com/ZMabc123/"
    # with lookups off nothing will find the id: the alert says so rather than promise it
    [alert] = await wait_for_alerts(server, 1)
    assert "TikTok lookups are off" in json.dumps(alert.args["blocks"])


async def test_the_same_video_twice_is_already_received_and_alerted_once(server: RunningServer) -> None:
    project = await new_project(server)
    await submit(server, project.invite_token)

    page = await submit(server, project.invite_token, url=f"https://m.tiktok.com/v/{VIDEO_ID}.html")

    assert page.status == 200
    assert "This video was already received" in page.text
    assert len(await stored_videos(server)) == 1
    assert len(await wait_for_alerts(server, 1)) == 1


async def test_another_creator_delivering_the_same_video_is_refused(server: RunningServer) -> None:
    project = await new_project(server)
    await submit(server, project.invite_token, url=f"https://www.tiktok.com/embed/v2/{VIDEO_ID}")

    page = await submit(
        server,
        project.invite_token,
        url=f"https://www.tiktok.com/embed/v2/{VIDEO_ID}",
        creator_handle="copy.cat",
        creator_email="cat@example.com",
    )

    assert page.status == 409
    assert "already delivered to this project by another creator" in page.text
    assert 'value="copy.cat"' in page.text  # what they typed is kept
    [video] = await stored_videos(server)
    assert video.creator_handle == "glow.maker"
    assert len(await wait_for_alerts(server, 1)) == 1


async def test_a_paused_project_refuses_a_delivery_with_409_and_stores_nothing(server: RunningServer) -> None:
    project = await new_project(server, active=False)

    page = await submit(server, project.invite_token)

    assert page.status == 409
    assert "paused" in page.text
    assert await stored_videos(server) == []
    assert await audit_count(server) == 0
    await asyncio.sleep(0.3)
    assert video_alerts(server) == []


async def test_after_a_pause_and_a_resume_deliveries_are_accepted_again(server: RunningServer) -> None:
    project = await new_project(server)
    actor = Actor(team_id=TEAM_ID, user_id=USER_ID)
    form_token = (await open_page(server, project.invite_token)).form_token
    async with server.sessions.begin() as session:
        await projects.set_invite_link_active(session, actor=actor, project_id=project.id, active=False)

    refused = await submit(server, project.invite_token, form_token=form_token)
    async with server.sessions.begin() as session:
        await projects.set_invite_link_active(session, actor=actor, project_id=project.id, active=True)
    accepted = await submit(server, project.invite_token, form_token=form_token)

    assert refused.status == 409
    assert accepted.status == 200
    assert "your video was received" in accepted.text
    assert len(await stored_videos(server)) == 1
    assert len(await wait_for_alerts(server, 1)) == 1


# --- refusals with a clear page -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "field", "says"),
    [
        ({"url": "https://www.youtube.com/watch?v=1"}, "url", "isn't a TikTok link"),
        (
            {"url": f"https://www.tiktok.com/@glow.maker/photo/{VIDEO_ID}"},
            "url",
            "Lite projects take videos only",
        ),
        # one video, one identity: look-alike digits and zero padding don't make a second one
        (
            {
                "url": "https://www.tiktok.com/@glow.maker/video/"
                + VIDEO_ID.translate({ord(d): 0xFF10 + int(d) for d in "0123456789"})
            },
            "url",
            "only look like digits",
        ),
        ({"url": f"https://www.tiktok.com/@glow.maker/video/0{VIDEO_ID}"}, "url", "isn't a TikTok video id"),
        ({"spark_code": "#not a code!"}, "spark_code", "no spaces"),
        ({"spark_code": "#abc<def>ghijk" + "A" * 40}, "spark_code", "letters, digits"),
        ({"spark_code": CODE[:24]}, "spark_code", "probably cut off"),
        ({"spark_code": CODE.replace("+", "%2B")}, "spark_code", "copied from a web address"),
        ({"spark_code": CODE.removeprefix("#")}, "spark_code", "starts with #"),
        ({"creator_handle": "bad handle!"}, "creator_handle", "TikTok handle has"),
        ({"creator_email": "not-an-email"}, "creator_email", "should look like"),
        ({"creator_email": "a" * 300}, "creator_email", "the limit is 254"),
    ],
)
async def test_a_bad_field_is_shown_next_to_it_with_the_input_kept(
    server: RunningServer, fields: dict[str, str], field: str, says: str
) -> None:
    project = await new_project(server)

    page = await submit(server, project.invite_token, **fields)

    assert page.status == 422
    error = re.search(rf'<p class="error" id="{field}-error">([^<]*)</p>', page.text)
    assert error and says in error.group(1).replace("&#39;", "'")
    assert 'aria-invalid="true"' in page.text
    kept = fields[field].replace("<", "&lt;").replace(">", "&gt;")
    assert f'value="{kept}"' in page.text
    assert "Nothing was sent yet" in page.text
    assert_security_headers(page)
    assert await stored_videos(server) == []
    assert await audit_count(server) == 0


async def test_an_oversized_request_is_refused_with_413(server: RunningServer) -> None:
    project = await new_project(server)

    page = await submit(server, project.invite_token, spark_code="A" * 20_000)

    assert page.status == 413
    assert "more than this form takes" in page.text
    assert_security_headers(page)
    assert await stored_videos(server) == []


@pytest.mark.parametrize(
    "form_token",
    [None, "", "garbage", "1700000000.deadbeef", "0.0"],
    ids=["missing", "empty", "garbage", "forged", "zero"],
)
async def test_a_missing_or_bad_form_token_is_refused_with_403(
    server: RunningServer, form_token: str | None
) -> None:
    project = await new_project(server)
    # "" would mean "fetch a good one" to the helper: send an explicitly empty value instead
    token_value = None if form_token is None else (form_token or " ")

    page = await submit(server, project.invite_token, form_token=token_value)

    assert page.status == 403
    assert "Please reload the page" in page.text
    assert_security_headers(page)
    assert await stored_videos(server) == []


async def test_a_form_token_of_another_invite_link_is_refused(server: RunningServer) -> None:
    project = await new_project(server)
    other = await new_project(server)
    other_token = (await open_page(server, other.invite_token)).form_token

    page = await submit(server, project.invite_token, form_token=other_token)

    assert page.status == 403
    assert await stored_videos(server) == []


async def test_too_many_deliveries_from_one_address_get_429_with_retry_after(server: RunningServer) -> None:
    project = await new_project(server)
    statuses = []
    for _ in range(10):
        statuses.append((await submit(server, project.invite_token, form_token=None)).status)

    page = await submit(server, project.invite_token)

    assert statuses == [403] * 10
    assert page.status == 429
    assert 1 <= int(page.headers["Retry-After"]) <= 60
    assert "Too many requests" in page.text
    assert_security_headers(page)
    assert await stored_videos(server) == []


# --- the received page, filled in from a skeleton ----------------------------------------------

HOSTILE = "<b>Glow & “co”</b> '%(name)s' {{ x }} %s \\ ü"


def a_delivery(
    *, created: bool, spark_code_added: bool, problem: bool, short: bool, code: bool, text: str
) -> deliveries.Delivery:
    configure_mappers()
    project = unit_row(
        LiteProject,
        dict(id=1, workspace_id=1, link_name=f"Summer {text}", invite_token="t" * 32, creator_language=""),
    )
    video = unit_row(
        Video,
        dict(
            id=2,
            workspace_id=1,
            project_id=1,
            video_key=VIDEO_ID,
            url=f'{URL}&x="{text}"',
            needs_resolution=short,
            creator_handle=f"glow.{text}",
            creator_email=f"a+{text}@example.com",
            spark_code=f"{CODE}&<{text}>" if code else None,
            delivered_at=dt.datetime(2026, 11, 26, 4, 30, 59, tzinfo=dt.UTC),
        ),
    )
    return deliveries.Delivery(
        project=project,
        video=video,
        created=created,
        spark_code_added=spark_code_added,
        code_problem=f"TikTok says: <{text}> & more" if problem else None,
    )


@pytest.mark.parametrize("language", ["en", "ar", "ja", "pt-BR"])
@pytest.mark.parametrize("explicit", [False, True])
@pytest.mark.parametrize("text", ["plain", HOSTILE])
def test_the_received_page_reads_exactly_as_the_template_renders_it(
    language: str, explicit: bool, text: str
) -> None:
    chosen = i18n.language(language)
    assert chosen is not None
    # the language choice is set in a context of this test's own, as a request's is
    contextvars.copy_context().run(compare_every_shape, chosen, explicit, text)


def compare_every_shape(chosen: i18n.Language, explicit: bool, text: str) -> None:
    fast: str | None = None
    for flags in itertools.product([False, True], repeat=5):
        created, added, problem, short, code = flags
        delivery = a_delivery(
            created=created, spark_code_added=added, problem=problem, short=short, code=code, text=text
        )
        i18n.set_choice(i18n.Choice(chosen, explicit=explicit, negotiated=False))
        fast = received_page(delivery).text
        expected = page(
            "received.html",
            project=delivery.project,
            video=delivery.video,
            created=created,
            spark_code_added=added,
            code_problem=delivery.code_problem,
            delivered=i18n.format_moment(delivery.video.delivered_at),
        ).text
        assert fast == expected, flags
        assert "\x00" not in (fast or "")
    if text == HOSTILE:
        assert "<b>Glow" not in (fast or "") and "&lt;b&gt;Glow &amp;" in (fast or "")
