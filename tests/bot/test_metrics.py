"""`GET /metrics`: latency per route and Slack surface, outbox backlog, job queues, database waits."""

from __future__ import annotations

import datetime as dt

import aiohttp
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import delete, update
from sqlmodel import col

from bot import metrics
from storage import jobs
from storage.models import Job, OutboxMessage, utcnow
from tests.factories import make_outbox_messages, make_workspace
from tests.harness.server import RunningServer


async def scrape(server: RunningServer) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    async with aiohttp.ClientSession() as session, session.get(f"{server.url}/metrics") as response:
        assert response.status == 200
        assert response.headers["Content-Type"].startswith("text/plain")
        text = await response.text()
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def value(samples: dict[tuple[str, frozenset[tuple[str, str]]], float], name: str, **labels: str) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


async def test_requests_are_timed_per_route_and_per_slack_surface(server: RunningServer) -> None:
    before = await scrape(server)

    async with aiohttp.ClientSession() as session, session.get(f"{server.url}/healthz") as response:
        assert response.status == 200
    await server.slack.command("help")
    await server.slack.block_action("project_list_page_next", value="10")
    after = await scrape(server)

    def grew(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    assert grew("liteproject_http_request_seconds_count", route="/healthz", method="GET") == 1
    assert grew("liteproject_http_requests_total", route="/healthz", method="GET", status="200") == 1
    assert grew("liteproject_http_request_seconds_count", route="/slack/events", method="POST") == 2
    assert grew("liteproject_slack_request_seconds_count", surface="command") == 1
    assert grew("liteproject_slack_request_seconds_count", surface="block_actions") == 1
    # the database was waited for (the pool times every checkout)
    assert (
        value(
            after,
            "liteproject_db_wait_seconds_count",
            backend=server.settings.database_url.split(":")[0].split("+")[0],
        )
        > 0
    )


async def test_outbox_backlog_and_its_oldest_age_are_read_at_scrape_time(server: RunningServer) -> None:
    async with server.sessions.begin() as session:
        workspace = await make_workspace(session)
        await make_outbox_messages(session, workspace=workspace, count=3, key="later", channel_id="C0LATER")
        # due later, so the dispatcher leaves them waiting; made ten minutes ago
        await session.execute(
            update(OutboxMessage).values(
                next_attempt_at=utcnow() + dt.timedelta(hours=1),
                created_at=utcnow() - dt.timedelta(minutes=10),
            )
        )

    samples = await scrape(server)

    assert value(samples, "liteproject_outbox_backlog") == 3
    assert 590 <= value(samples, "liteproject_outbox_oldest_age_seconds") < 3600


async def test_a_job_queue_reports_its_depth_through_a_scrape_hook(server: RunningServer) -> None:
    async def spark_code_jobs(_sessions: object) -> None:
        metrics.set_job_queue_depth("spark_code_check", 4)

    metrics.add_scrape_hook(server.runner.app, spark_code_jobs)

    samples = await scrape(server)

    assert value(samples, "liteproject_job_queue_depth", kind="spark_code_check") == 4


async def test_durable_jobs_waiting_are_counted_by_kind_and_a_drained_kind_reads_zero(
    server: RunningServer,
) -> None:
    later = utcnow() + dt.timedelta(hours=1)  # due later, so the runner leaves them waiting
    async with server.sessions.begin() as session:
        for number in range(3):
            await jobs.add_job(session, kind="metrics_test_a", key=f"a:{number}", payload={}, run_at=later)
        await jobs.add_job(session, kind="metrics_test_b", key="b:0", payload={}, run_at=later)

    samples = await scrape(server)
    assert value(samples, "liteproject_job_queue_depth", kind="metrics_test_a") == 3
    assert value(samples, "liteproject_job_queue_depth", kind="metrics_test_b") == 1

    async with server.sessions.begin() as session:
        await session.execute(delete(Job).where(col(Job.kind) == "metrics_test_b"))
    samples = await scrape(server)
    assert value(samples, "liteproject_job_queue_depth", kind="metrics_test_b") == 0


async def test_a_forged_slack_body_adds_no_series(server: RunningServer) -> None:
    # the surface is read from the body before its signature is checked: a forged type must not
    # grow the metrics (and the memory they keep). The metrics are the process's, so what an
    # earlier test counted stays: the figure is read before and after
    before = await scrape(server)
    answer = await server.slack.post('{"type": "forged-kind-1"}', "application/json", signature="v0=forged")
    assert answer.status == 401
    samples = await scrape(server)

    assert not [key for key in samples if "forged" in str(key)]
    counted = [
        value(seen, "liteproject_slack_request_seconds_count", surface="other") for seen in (before, samples)
    ]
    assert counted[1] - counted[0] == 1
