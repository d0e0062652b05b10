"""`/liteproject export`: a CSV uploaded with files upload v2, safe against formula injection."""

from __future__ import annotations

import csv
import datetime as dt
import io

from bot.services.performance import sources as s
from bot.services.videos import EXPORT_COLUMNS, PERFORMANCE_COLUMNS
from storage import metrics
from storage.models import ReviewState, VideoSource, VideoStatus
from tests.factories import make_project, make_video
from tests.harness.server import RunningServer
from tests.harness.slack_requests import CHANNEL_ID, USER_ID

AT = dt.datetime(2026, 5, 1, 12, 0, tzinfo=dt.UTC)
VIDEO_A = "7301234567890123456"
VIDEO_B = "7301234567890123457"
CODE = "#4lrl4IIbnY3H31X1KfPKGpyupUzbnHF5S7T/UbUsEBnnUOP4tYz9+Ek7tt6i7ms="


async def test_export_sends_every_video_with_codes_to_the_requester_alone(server: RunningServer) -> None:
    async with server.sessions.begin() as session:
        project = await make_project(session, link_name="Summer glow", authorization_days=30)
        await make_video(
            session, project=project, creator_handle="plain.one", tiktok_video_id=VIDEO_A, delivered_at=AT
        )
        linked = await make_video(
            session,
            project=project,
            creator_handle="linked.one",
            tiktok_video_id=VIDEO_B,
            spark_code=CODE,
            delivered_at=AT + dt.timedelta(days=1),
        )
        linked.source = VideoSource.LINKING_REQUEST
        linked.status = VideoStatus.AUTHORIZED
        linked.authorized_at = AT + dt.timedelta(days=2)
        linked.review_state = ReviewState.APPROVED

    await server.slack.command("export Summer glow")

    (opened,) = await server.fake.wait_for("conversations.open")
    assert opened.args["users"] == USER_ID
    (complete,) = await server.fake.wait_for("files.completeUploadExternal")
    assert complete.args["channel_id"] == opened.answer["channel"]["id"] != CHANNEL_ID
    (file_id,) = server.fake.uploads
    rows = list(csv.reader(io.StringIO(server.fake.uploads[file_id].decode("utf-8"))))
    # without figures from TikTok, the performance columns stay empty
    assert rows[0][len(EXPORT_COLUMNS) :] == list(PERFORMANCE_COLUMNS)
    assert [row[len(EXPORT_COLUMNS) :] for row in rows[1:]] == [[""] * len(PERFORMANCE_COLUMNS)] * 2
    assert [row[: len(EXPORT_COLUMNS)] for row in rows] == [
        [
            "Creator",
            "Video URL",
            "Status",
            "Review",
            "Delivered",
            "Authorized",
            "Authorization ends",
            "Spark code",
            "Source",
            "TikTok account",
            "On TikTok",
            "Code check",
            "End date from",
        ],
        [
            "plain.one",
            f"https://www.tiktok.com/@plain.one/video/{VIDEO_A}",
            "delivered",
            "to review",
            "2026-05-01",
            "",
            "",
            "",
            "invite link",
            "not checked",
            "",
            "",
            "",
        ],
        [
            "linked.one",
            f"https://www.tiktok.com/@linked.one/video/{VIDEO_B}",
            "authorized",
            "approved",
            "2026-05-02",
            "2026-05-03",
            "2026-06-02",
            CODE,
            "linking request",
            "not checked",
            "",
            "not checked with TikTok",
            "estimated",
        ],
    ]
    (reply,) = await server.fake.wait_for("respond")
    assert "Sent you 2 videos" in reply.args["text"] and "direct message" in reply.args["text"]


async def test_export_here_posts_in_the_channel_without_spark_codes(server: RunningServer) -> None:
    async with server.sessions.begin() as session:
        project = await make_project(session, link_name="Summer glow")
        await make_video(session, project=project, creator_handle="coded.one", spark_code=CODE)
        await make_video(session, project=project, creator_handle="plain.one")

    await server.slack.command("export summer glow here")

    (complete,) = await server.fake.wait_for("files.completeUploadExternal")
    assert complete.args["channel_id"] == CHANNEL_ID
    assert not server.fake.of("conversations.open")
    (content,) = server.fake.uploads.values()
    text = content.decode("utf-8")
    assert CODE not in text and "@example.com" not in text
    rows = list(csv.reader(io.StringIO(text)))
    assert {row[0]: row[7] for row in rows[1:]} == {"coded.one": "(sent privately)", "plain.one": ""}
    assert "left out" in complete.args["initial_comment"]
    (reply,) = await server.fake.wait_for("respond")
    assert "to this channel, without spark codes" in reply.args["text"]


async def test_cells_that_look_like_formulas_are_quoted(server: RunningServer) -> None:
    async with server.sessions.begin() as session:
        project = await make_project(session, link_name="Tricky")
        for handle, code in (
            ("eq", '=HYPERLINK("http://x")'),
            ("plus", "+1+1"),
            ("minus", "-2"),
            ("at", "@SUM(A1)"),
            ("tab", "\tx"),
            ("cr", "\rx"),
        ):
            await make_video(session, project=project, creator_handle=handle, spark_code=code)

    await server.slack.command("export Tricky")

    await server.fake.wait_for("files.completeUploadExternal")
    (content,) = server.fake.uploads.values()
    rows = list(csv.reader(io.StringIO(content.decode("utf-8"), newline="")))
    codes = {row[0]: row[7] for row in rows[1:]}
    assert codes == {
        "eq": '\'=HYPERLINK("http://x")',
        "plus": "'+1+1",
        "minus": "'-2",
        "at": "'@SUM(A1)",
        "tab": "'\tx",
        "cr": "'\rx",
    }


async def test_a_direct_message_that_cant_be_opened_posts_nothing_and_offers_here(
    server: RunningServer,
) -> None:
    async with server.sessions.begin() as session:
        project = await make_project(session, link_name="Summer glow")
        await make_video(session, project=project, spark_code=CODE)
    server.fake.fail("conversations.open", "missing_scope")

    await server.slack.command("export Summer glow")

    (reply,) = await server.fake.wait_for("respond")
    assert "couldn't open a direct message" in reply.args["text"]
    assert "export Summer glow here" in reply.args["text"]
    assert not server.fake.of("files.getUploadURLExternal") and not server.fake.uploads


async def test_an_upload_slack_refuses_is_explained(server: RunningServer) -> None:
    async with server.sessions.begin() as session:
        await make_project(session, link_name="Private one")
    server.fake.fail("files.getUploadURLExternal", "not_in_channel")

    await server.slack.command("export Private one here")

    (reply,) = await server.fake.wait_for("respond")
    assert "couldn't upload the file" in reply.args["text"] and "/invite @liteproject" in reply.args["text"]


async def test_export_carries_each_videos_latest_figures_and_their_date(server: RunningServer) -> None:
    as_of = dt.datetime(2026, 11, 20, 2, tzinfo=dt.UTC)
    day = dt.date(2026, 11, 1)
    async with server.sessions.begin() as session:
        project = await make_project(session, link_name="Summer glow")
        video = await make_video(session, project=project, creator_handle="counted.one")
        await make_video(session, project=project, creator_handle="waiting.one")
        assert video.id is not None
        await metrics.upsert_points(
            session,
            points=[
                metrics.MetricPoint(video.id, s.TIKTOK_ONE, s.VIEWS_ORGANIC, day, 1200, as_of, final=True),
                metrics.MetricPoint(
                    video.id,
                    s.TIKTOK_ONE,
                    s.VIEWS_ORGANIC,
                    day + dt.timedelta(days=1),
                    800,
                    as_of,
                    final=True,
                ),
                metrics.MetricPoint(video.id, s.TIKTOK_ONE, s.VIEWS_PAID, day, 300, as_of, final=True),
                metrics.MetricPoint(video.id, s.ADS, s.SPEND, day, 12.5, as_of),
                metrics.MetricPoint(video.id, s.ADS, s.CONVERSIONS, day, 3, as_of),
            ],
        )

    await server.slack.command("export summer glow here")

    await server.fake.wait_for("files.completeUploadExternal")
    (content,) = server.fake.uploads.values()
    rows = list(csv.reader(io.StringIO(content.decode("utf-8"))))
    by_creator = {row[0]: dict(zip(rows[0], row, strict=True)) for row in rows[1:]}
    counted = by_creator["counted.one"]
    assert (counted["Views"], counted["Organic views"], counted["Paid views"]) == ("2300", "2000", "300")
    assert (counted["Ad spend"], counted["Results"]) == ("12.50", "3")
    assert (counted["Figures as of"], counted["Figures final"]) == ("2026-11-20", "yes")
    assert by_creator["waiting.one"]["Views"] == "" and by_creator["waiting.one"]["Figures as of"] == ""
