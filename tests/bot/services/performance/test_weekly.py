"""The weekly performance summary: in the project's thread with the week's change, the best new
video and ads spending without results; nothing for a project without figures."""

from __future__ import annotations

import datetime as dt

from bot.blocks.videos import VIDEO_DETAILS
from bot.services.performance import sources as s
from bot.services.performance import weekly
from storage import metrics
from storage.models import utcnow
from tests.factories import make_project, make_video
from tests.harness.server import RunningServer
from tests.harness.slack_requests import USER_ID

TODAY = dt.date(2026, 11, 23)  # a Monday
LAST_WEEK = dt.date(2026, 11, 16)
AS_OF = dt.datetime(2026, 11, 23, 2, tzinfo=dt.UTC)
CARD_TS = "1700000000.000200"


def points(
    video_id: int, source: str, metric: str, first: dt.date, values: list[float]
) -> list[metrics.MetricPoint]:
    return [
        metrics.MetricPoint(video_id, source, metric, first + dt.timedelta(days=n), value, AS_OF)
        for n, value in enumerate(values)
    ]


async def test_the_week_is_summed_up_in_the_thread(server: RunningServer) -> None:
    async with server.sessions.begin() as session:
        project = await make_project(session, link_name="Summer glow")
        project.card_channel_id, project.card_ts = project.channel_id, CARD_TS
        project_channel = project.channel_id
        old = await make_video(session, project=project, creator_handle="old.one")
        new = await make_video(session, project=project, creator_handle="new.one")
        boosted = await make_video(session, project=project, creator_handle="boosted.one")
        quiet = await make_project(session, link_name="Quiet one")
        await make_video(session, project=quiet)
        assert old.id is not None and new.id is not None and boosted.id is not None
        await metrics.upsert_points(
            session,
            points=[
                # TikTok One's ad cost alone says nothing about results: not "spending without results"
                *points(boosted.id, s.TIKTOK_ONE, s.SPEND, LAST_WEEK - dt.timedelta(days=7), [1.0] * 14),
                *points(old.id, s.TIKTOK_ONE, s.VIEWS_ORGANIC, LAST_WEEK - dt.timedelta(days=7), [100] * 7),
                *points(old.id, s.TIKTOK_ONE, s.VIEWS_ORGANIC, LAST_WEEK, [150] * 7),
                *points(
                    new.id,
                    s.TIKTOK_ONE,
                    s.VIEWS_ORGANIC,
                    LAST_WEEK + dt.timedelta(days=3),
                    [500, 400, 300, 250],
                ),
                *points(old.id, s.ADS, s.SPEND, LAST_WEEK, [10.5] * 7),
                *points(old.id, s.ADS, s.CONVERSIONS, LAST_WEEK, [0] * 7),
                *points(new.id, s.ADS, s.SPEND, LAST_WEEK + dt.timedelta(days=3), [4.0] * 4),
                *points(new.id, s.ADS, s.CONVERSIONS, LAST_WEEK + dt.timedelta(days=3), [1, 0, 2, 1]),
            ],
        )
    await server.slack.command("subscribe summer glow performance", channel_id="C0RESULTS")
    await server.slack.command("subscribe summer glow delivered", channel_id="C0ALERTS")
    async with server.sessions.begin() as session:
        # the card's thread and the channel subscribed to `performance`; the quiet project gets none
        assert await weekly.queue_weekly_now(session, today=TODAY) == 1
    async with server.sessions.begin() as session:
        assert await weekly.queue_weekly_now(session, today=TODAY) == 0  # once per week

    posts = await server.fake.wait_for("chat.postMessage", count=2)
    await server.settle()
    assert sorted(post.args["channel"] for post in server.fake.of("chat.postMessage")) == sorted(
        [project_channel, "C0RESULTS"]
    )
    (posted,) = [post for post in posts if post.args.get("thread_ts") == CARD_TS]
    text = posted.args["blocks"][0]["text"]["text"]
    # 7 × 150 + 1,450 = 2,500 views against 700 the week before: +257%
    assert "*This week's results, Nov 16–Nov 22*: 2.5K views (+257% on the week before)." in text
    assert "Ad spend: 96.50." in text
    assert "boosted.one" not in text
    assert "Best new video: <" in text and "|@new.one>, 1.4K views." in text
    assert "Ads spending without results: <" in text and "|@old.one> (73.50)" in text
    assert "new.one> (" not in text  # its ads have results


async def test_no_summary_without_figures_and_none_outside_monday_morning(server: RunningServer) -> None:
    async with server.sessions.begin() as session:
        project = await make_project(session)
        await make_video(session, project=project)
    async with server.sessions.begin() as session:
        assert await weekly.queue_weekly_now(session, today=TODAY) == 0
        sunday = dt.datetime(2026, 11, 22, 12, tzinfo=dt.UTC)
        assert await weekly.queue_weekly(session, sunday, server.settings) == 0
    await server.settle()
    assert not server.fake.of("chat.postMessage")


async def test_app_home_shows_each_projects_views_and_spend_this_week(server: RunningServer) -> None:
    today = utcnow().date()
    async with server.sessions.begin() as session:
        project = await make_project(session, link_name="Summer glow")
        silent = await make_project(session, link_name="Silent")
        video = await make_video(session, project=project)
        await make_video(session, project=silent)
        assert video.id is not None
        await metrics.upsert_points(
            session,
            points=[
                *points(video.id, s.TIKTOK_ONE, s.VIEWS_ORGANIC, today - dt.timedelta(days=9), [1000] * 3),
                *points(video.id, s.TIKTOK_ONE, s.VIEWS_ORGANIC, today - dt.timedelta(days=6), [700] * 3),
                *points(video.id, s.ADS, s.SPEND, today - dt.timedelta(days=2), [2.25, 3.0]),
            ],
        )

    await server.slack.event({"type": "app_home_opened", "user": USER_ID, "channel": "D0HOME", "tab": "home"})

    view = (await server.fake.wait_for("views.publish"))[-1].args["view"]
    lines = [
        element["text"]
        for block in view["blocks"]
        if block["type"] == "context"
        for element in block["elements"]
        if element["text"].startswith("This week")
    ]
    assert len(lines) == 1  # the project without figures shows none
    assert lines[0].startswith("This week: 2.1K views · 5.25 spent · as of <!date^")


async def test_view_details_shows_the_videos_own_figures(server: RunningServer) -> None:
    async with server.sessions.begin() as session:
        project = await make_project(session, link_name="Summer glow")
        video = await make_video(session, project=project, creator_handle="counted.one")
        other = await make_video(session, project=project, creator_handle="other.one")
        assert video.id is not None and other.id is not None
        await metrics.upsert_points(
            session,
            points=[
                *points(video.id, s.TIKTOK_ONE, s.VIEWS_ORGANIC, LAST_WEEK, [100, 200, 300]),
                *points(video.id, s.TIKTOK_ONE, s.VIEWS_ORGANIC, LAST_WEEK + dt.timedelta(days=4), [800]),
                *points(other.id, s.TIKTOK_ONE, s.VIEWS_ORGANIC, LAST_WEEK, [99999]),
                *points(video.id, s.ADS, s.SPEND, LAST_WEEK, [6.0]),
                *points(video.id, s.ADS, s.CONVERSIONS, LAST_WEEK, [0]),
            ],
        )

    await server.slack.block_action(VIDEO_DETAILS, value=str(video.id))

    (opened,) = await server.fake.wait_for("views.open")
    texts = [block["text"]["text"] for block in opened.args["view"]["blocks"] if block.get("text")]
    (figures,) = [text for text in texts if text.startswith("*Performance*")]
    assert "*1.4K* views (1.4K organic, 0 paid)" in figures  # its own, not the other video's
    assert "Ads: 6.00 spent · 0 results · no results yet" in figures
    assert "Nov 07–Nov 20: `" + " " * 9 + "▁▂▃ █`" in figures  # two weeks of days, the unreported ones blank
