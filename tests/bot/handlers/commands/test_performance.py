"""`/liteproject performance`: the figures at once, the chart as a PNG in the project's thread, and
a clear "connect first" (never an empty chart) for a workspace without TikTok."""

from __future__ import annotations

import asyncio
import datetime as dt
import struct

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.blocks.projects import SHOW_PERFORMANCE
from bot.services.performance import collector, seams
from bot.services.performance import sources as s
from bot.services.performance.chart import HEIGHT_PX, WIDTH_PX, short_number
from storage import metrics
from storage.models import Job, LiteProject, ProjectAdsAccount, TikTokConnectionKind, utcnow
from tests.factories import make_ads_account, make_connection, make_project, make_video, make_workspace
from tests.harness.fake_tiktok_business import FakeTikTokBusiness
from tests.harness.fake_tiktok_reports import FakeReports, standard
from tests.harness.server import RunningServer

ADVERTISER = "7100000000000000018"
CARD_TS = "1700000000.000100"


@pytest.fixture(autouse=True)
def campaign_seam(monkeypatch: pytest.MonkeyPatch) -> None:
    async def campaign_id_of(session: AsyncSession, *, project: LiteProject) -> str | None:
        return "1790000000000000001"

    monkeypatch.setattr(seams, "campaign_id_of", campaign_id_of)


async def connected_project(
    server: RunningServer, fake: FakeTikTokBusiness
) -> tuple[FakeReports, dict[str, str], int]:
    reports, items = standard(fake, today=utcnow().date(), advertiser_id=ADVERTISER)
    fake.add_token("act.business", [ADVERTISER])
    fake.add_token("act.one", [])
    async with server.sessions.begin() as session:
        workspace = await make_workspace(session)
        project = await make_project(session, workspace=workspace, link_name="Summer glow")
        project.card_channel_id, project.card_ts = project.channel_id, CARD_TS
        account = await make_ads_account(session, advertiser_id=ADVERTISER, workspace=workspace)
        session.add(ProjectAdsAccount(project_id=project.id, ads_account_id=account.id))  # type: ignore[arg-type]
        for name, item in items.items():
            await make_video(session, project=project, tiktok_video_id=item, creator_handle=f"c.{name}")
        for kind, token, accounts in (
            (TikTokConnectionKind.BUSINESS, "act.business", [ADVERTISER]),
            (TikTokConnectionKind.TIKTOK_ONE, "act.one", []),
        ):
            await make_connection(
                session,
                settings=server.settings,
                workspace_id=project.workspace_id,
                kind=kind,
                access_token=token,
                account_ids=accounts,
            )
        await collector.queue_collection(session, project=project, settings=server.settings, now=utcnow())
        assert project.id is not None
        project_id = project.id
    for _ in range(250):  # the server's job runner collects
        async with server.sessions() as session:
            if await metrics.count_points(session):
                break
        await asyncio.sleep(0.02)
    else:
        raise AssertionError("nothing was collected")
    return reports, items, project_id


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


async def test_performance_shows_the_figures_and_uploads_the_chart_into_the_thread(
    tiktok_server: RunningServer, fake_tiktok_business: FakeTikTokBusiness
) -> None:
    server = tiktok_server
    reports, items, _ = await connected_project(server, fake_tiktok_business)

    await server.slack.command("performance summer GLOW")

    (answer,) = await server.fake.wait_for("respond")
    blocks = answer.args["blocks"]
    fields = {field["text"].split("\n")[0]: field["text"].split("\n")[1] for field in blocks[1]["fields"]}
    text = str(blocks)
    since = utcnow().date() - dt.timedelta(days=collector.LOOKBACK_DAYS)
    organic = sum(reports.tto_total(item, s.VIEWS_ORGANIC, since=since) for item in items.values())
    # one source per video and figure: TikTok One's paid views where it reports the video at all
    paid = sum(reports.tto_total(item, s.VIEWS_PAID, since=since) for item in items.values())
    spend = sum(reports.ads_total(item, "spend", since=since) for item in items.values())
    assert fields["*Views*"] == short_number(organic + paid), fields
    assert fields["*Ad spend*"] == f"{spend:,.2f}"
    assert "@c.gappy" in text and "@c.frozen" in text
    assert "1 video without figures yet" in text  # the one posted yesterday
    assert "As of" in text and "chart is on its way" in text

    (complete,) = await server.fake.wait_for("files.completeUploadExternal", timeout=20)
    assert complete.args["thread_ts"] == CARD_TS
    (file_id,) = server.fake.uploads
    png = server.fake.uploads[file_id]
    assert png_size(png) == (WIDTH_PX, HEIGHT_PX)


async def test_a_workspace_without_tiktok_is_asked_to_connect_and_gets_no_chart(
    tiktok_server: RunningServer,
) -> None:
    server = tiktok_server
    async with server.sessions.begin() as session:
        project = await make_project(session, link_name="Winter glow")
        await make_video(session, project=project)

    await server.slack.command("performance Winter glow")

    (answer,) = await server.fake.wait_for("respond")
    assert answer.args["text"] == "Connect TikTok One or TikTok for Business to see results."
    (button,) = answer.args["blocks"][1]["elements"]
    assert button["text"]["text"] == "Connect TikTok for Business"
    assert button["url"].startswith(server.settings.public_base_url + "/tiktok/")
    async with server.sessions() as session:
        assert not (await session.execute(select(Job))).scalars().all()  # no chart is queued
    assert not server.fake.of("files.getUploadURLExternal")


async def test_the_cards_performance_button_answers_privately_with_the_figures(
    tiktok_server: RunningServer, fake_tiktok_business: FakeTikTokBusiness
) -> None:
    server = tiktok_server
    _, _, project_id = await connected_project(server, fake_tiktok_business)

    await server.slack.block_action(SHOW_PERFORMANCE, value=str(project_id))

    (answer,) = await server.fake.wait_for("respond")
    assert answer.args["response_type"] == "ephemeral"
    assert answer.args["blocks"][0]["text"]["text"] == "Performance: Summer glow"
    await server.fake.wait_for("files.completeUploadExternal", timeout=20)
