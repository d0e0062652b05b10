"""`/liteproject videos <project>`."""

from __future__ import annotations

from bot.handlers.actions.video_pages import video_list_view
from bot.handlers.commands.registry import Invocation, subcommand
from bot.handlers.projects_flow import find_by_name

# the one vocabulary of bot.services.videos (STATUS_WORDS, REVIEW_WORDS), explained
VIDEO_WORDS = (
    "*What a video's words mean*\n"
    "Status, where the video is:\n"
    "• *delivered* — a creator sent it through the invite link, without a spark code yet.\n"
    "• *authorized* — it has a spark code: from an invite-link delivery (its end date is *estimated*: "
    "the project's ad authorization period from the day the code came) or from an accepted linking request.\n"
    "• *expired* — its ad authorization period is over; the code no longer works. The creator can make a new one.\n"
    "• *requested* / *declined* — a linking request is waiting for the creator / the creator said no.\n"
    "Review, what the team decided:\n"
    "• *to review* — nobody has approved or rejected it yet.\n"
    "• *approved* / *rejected* — decided with *Approve* or *Reject* on the alert or in *View details*.\n"
    "The *To review* filter of the list shows what is still to decide. A creator who forgot the code "
    "can deliver the same video again with it: the alert is updated and the thread says so.\n"
    "With TikTok for Business connected (Home tab), each code is *verified with TikTok* (its real end date "
    "replaces the estimate); the *Code problems* filter lists codes that unlock another video, are unknown, "
    "expired or shorter than the project's period, and the list's *Add … to Ads Manager* button adds every "
    "verified code to the project's Ads Manager accounts at once, with a summary when TikTok has answered."
)


@subcommand(
    "videos",
    usage="videos <project>",
    description="A project's videos: creator, source, status, dates, when each authorization ends.",
    details=VIDEO_WORDS,
)
async def show_videos(call: Invocation) -> None:
    await call.ack()
    project = await find_by_name(call.context, call.args)
    assert project.id is not None
    view = await video_list_view(call.context, project_id=project.id)
    await call.client.views_open(trigger_id=call.body["trigger_id"], view=view)
