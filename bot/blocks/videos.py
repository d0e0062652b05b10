"""Messages and modals about delivered videos: the new-video alert, details, the videos list."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ConfirmObject,
    ContextBlock,
    ImageElement,
    MarkdownTextObject,
    Option,
    SectionBlock,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from bot.blocks.payloads import encode_metadata, encode_value
from bot.blocks.text import escape, slack_date, truncate
from bot.services.spark_checks import (
    SPARK_CHECK_WORDS,
    Placement,
    is_too_short,
    may_ask_for_new_code,
    spark_check_word,
)
from bot.services.videos import (
    APPROVED,
    CODE_PROBLEMS,
    REJECTED,
    REVIEW_WORDS,
    STATUS_WORDS,
    TO_REVIEW,
    VIDEO_PAGE_SIZE,
    authorization_ends_at,
    authorization_is_estimated,
)
from storage.models import (
    AdsPlacement,
    LiteProject,
    OwnerCheck,
    ReviewState,
    SparkCheck,
    Video,
    VideoSource,
    VideoStatus,
)

# action ids of the video buttons; each button's value is the video id
VIDEO_DETAILS = "video_details"
VIDEO_COPY_SPARK_CODE = "video_copy_spark_code"
VIDEO_APPROVE = "video_approve"
VIDEO_REJECT = "video_reject"
VIDEO_ADD_TO_ADS = "video_add_to_ads"
VIDEO_ASK_NEW_CODE = "video_ask_new_code"
# opens the videos list filtered to what needs review; the value is the project id
VIDEO_LIST_TO_REVIEW = "video_list_to_review"


# the one vocabulary (bot.services.videos), capitalized where it starts a field
REVIEW_LABELS = {
    ReviewState.UNREVIEWED: ":hourglass_flowing_sand: To review",
    ReviewState.APPROVED: ":white_check_mark: Approved",
    ReviewState.REJECTED: ":x: Rejected",
}
STATUS_LABELS = {status: word.capitalize() for status, word in STATUS_WORDS.items()}
SOURCE_LABELS = {VideoSource.INVITE_LINK: "Invite link", VideoSource.LINKING_REQUEST: "Linking request"}


NOT_THE_OWNER = "Not from this creator's account"
UNAVAILABLE = "Unavailable"


def tiktok_check_notes(video: Video) -> list[str]:
    """What TikTok said that the team must know: another account's video, or a removed one."""
    notes = []
    if video.owner_check == OwnerCheck.OTHER_ACCOUNT:
        notes.append(
            f":warning: *{NOT_THE_OWNER}*: TikTok says this video is on "
            f"@{escape(video.owner_handle or '?')}'s account, not @{escape(video.creator_handle)}'s."
        )
    if video.unavailable_since is not None:
        notes.append(f":no_entry: *{UNAVAILABLE}*: TikTok says this video is private or removed.")
    return notes


def tiktok_check_label(video: Video) -> str:
    if video.owner_check == OwnerCheck.OTHER_ACCOUNT:
        return f":warning: {NOT_THE_OWNER} (TikTok: @{escape(video.owner_handle or '?')})"
    if video.owner_check == OwnerCheck.CONFIRMED:
        return ":white_check_mark: On this creator's account"
    return "Not checked with TikTok yet"


def short_link_note(lookups: bool) -> str:
    if lookups:
        return "Delivered as a short link; the video id is looked up with TikTok."
    return "Delivered as a short link; TikTok lookups are off, so the video id isn't known."


def review_label(video: Video) -> str:
    return REVIEW_LABELS[ReviewState(video.review_state)]


def day_label(moment: dt.datetime) -> str:
    return slack_date(moment, moment.strftime("%Y-%m-%d"))


def authorization_label(video: Video, project: LiteProject) -> str | None:
    """ "until Dec 9 (estimated)" for an authorized video; None before it is authorized."""
    ends = authorization_ends_at(video, project)
    if ends is None:
        return None
    verb = "ended" if video.status == VideoStatus.EXPIRED else "until"
    label = f"{verb} {day_label(ends)}"
    if authorization_is_estimated(video):
        start = "delivery" if video.source == VideoSource.INVITE_LINK else "authorization"
        label += f" (estimated: {project.authorization_days} days from the code's {start})"
    else:
        label += " (from TikTok)"
    return label


PLACEMENT_WORDS = {
    AdsPlacement.PENDING: ":hourglass_flowing_sand: adding…",
    AdsPlacement.ADDED: ":white_check_mark: added",
    AdsPlacement.ALREADY_ADDED: ":white_check_mark: already added",
    AdsPlacement.REFUSED: ":x: not added",
}


def spark_code_label(video: Video, project: LiteProject) -> str:
    if video.spark_code:
        if video.spark_check in (SparkCheck.OTHER_VIDEO, SparkCheck.INVALID, SparkCheck.EXPIRED):
            return f":x: Received · {spark_check_word(video, project)}"
        ends = authorization_label(video, project)
        check = " · :white_check_mark: verified" if video.spark_check is SparkCheck.VERIFIED else ""
        return f":key: Received{check} · {STATUS_WORDS[VideoStatus(video.status)]}" + (
            f" {ends}" if ends else ""
        )
    return f":warning: Missing — ask for a code of at least {project.authorization_days} days"


def spark_check_notes(video: Video, project: LiteProject) -> list[str]:
    """What the check with TikTok found that the team must act on, with the dates."""
    notes: list[str] = []
    if not video.spark_code:
        return notes
    if video.spark_check is SparkCheck.OTHER_VIDEO:
        notes.append(
            ":x: *This code unlocks a different video*: TikTok says it isn't this video's code. "
            "Ask the creator for this video's own code."
        )
    elif video.spark_check in (SparkCheck.INVALID, SparkCheck.EXPIRED):
        problem = video.spark_problem or SPARK_CHECK_WORDS[SparkCheck(video.spark_check)]
        notes.append(
            f":x: *Spark code {SPARK_CHECK_WORDS[SparkCheck(video.spark_check)]}*: {escape(problem)}."
        )
    elif is_too_short(video, project) and video.spark_ends_at is not None:
        start = video.authorized_at or video.delivered_at
        wanted = start + dt.timedelta(days=project.authorization_days)
        notes.append(
            f":warning: *Shorter than the project's period*: TikTok says this code ends {day_label(video.spark_ends_at)}, "
            f"but the project asks for {project.authorization_days} days (until {day_label(wanted)})."
        )
    if video.new_code_requested_at is not None:
        notes.append(f":hourglass_flowing_sand: New code requested {day_label(video.new_code_requested_at)}.")
    return notes


def ads_manager_url(advertiser_id: str) -> str:
    return f"https://ads.tiktok.com/i18n/dashboard?aadvid={advertiser_id}"


def placement_lines(placements: Sequence[Placement]) -> list[str]:
    lines = []
    for placement in placements:
        account = placement.account
        name = f"*{escape(account.display_name)}* ({escape(account.advertiser_id)})"
        if placement.state is None:
            lines.append(f"{name}: not added yet")
            continue
        line = f"{name}: {PLACEMENT_WORDS[placement.state]}"
        if placement.state in (AdsPlacement.ADDED, AdsPlacement.ALREADY_ADDED):
            if placement.seen:
                line += " · listed among the account's posts"
            line += f" · <{ads_manager_url(account.advertiser_id)}|Open in Ads Manager>"
        if placement.reason:
            line += f" — {escape(placement.reason)}"
        lines.append(line)
    return lines


def video_link(video: Video, label: str = "Open on TikTok") -> str:
    return f"<{escape(video.url)}|{escape(label)}>"


def creator_label(video: Video) -> str:
    return f"<https://www.tiktok.com/@{escape(video.creator_handle)}|@{escape(video.creator_handle)}>"


def delivered_label(video: Video) -> str:
    return slack_date(video.delivered_at, video.delivered_at.strftime("%Y-%m-%d %H:%M UTC"))


def _creator(video: Video) -> str:
    # a video delivered in TikTok One comes without the creator's handle (oEmbed may find the owner)
    handle = video.creator_handle or video.owner_handle
    return f"@{escape(handle)}" if handle else "a creator in TikTok One"


def _fallback_text(video: Video, project: LiteProject) -> str:
    code = "spark code received" if video.spark_code else "no spark code yet"
    return truncate(
        f"New video for {escape(project.link_name)} from {_creator(video)}: {escape(video.url)} ({code}; "
        f"{REVIEW_WORDS[ReviewState(video.review_state)]})",
        3000,
    )


def video_buttons(
    video: Video, *, details: bool = True, ads_manager: bool = False, project: LiteProject | None = None
) -> ActionsBlock:
    """View details (unless already in them), Copy spark code, Add to Ads Manager (when connected),
    Ask for a new code (in details), and the review not yet made."""
    value = encode_value(video.id)
    buttons = [ButtonElement(text="View details", action_id=VIDEO_DETAILS, value=value)] if details else []
    if video.spark_code:
        buttons.append(ButtonElement(text="Copy spark code", action_id=VIDEO_COPY_SPARK_CODE, value=value))
    if (
        ads_manager
        and video.spark_code
        and video.spark_check
        not in (
            SparkCheck.OTHER_VIDEO,
            SparkCheck.INVALID,
            SparkCheck.EXPIRED,
        )
    ):
        buttons.append(ButtonElement(text="Add to Ads Manager", action_id=VIDEO_ADD_TO_ADS, value=value))
    if not details and project is not None and may_ask_for_new_code(video, project):
        buttons.append(ButtonElement(text="Ask for a new code", action_id=VIDEO_ASK_NEW_CODE, value=value))
    if video.review_state != ReviewState.APPROVED:
        buttons.append(ButtonElement(text="Approve", action_id=VIDEO_APPROVE, value=value, style="primary"))
    if video.review_state != ReviewState.REJECTED:
        buttons.append(
            ButtonElement(
                text="Reject",
                action_id=VIDEO_REJECT,
                value=value,
                style="danger",
                confirm=ConfirmObject(
                    title="Reject this video?",
                    text="The video is marked rejected in liteproject. The creator isn't told by the app.",
                    confirm="Reject",
                    deny="Cancel",
                ),
            )
        )
    return ActionsBlock(block_id=f"video_actions_{video.id}", elements=buttons)


def render_video_alert(
    video: Video,
    project: LiteProject,
    *,
    reviewed_by: str | None = None,
    thumbnail_url: str | None = None,
    lookups: bool = True,
    ads_manager: bool = False,
    placements: Sequence[Placement] = (),
) -> dict[str, Any]:
    """The new-video alert posted in the project's channel; re-rendered when it is reviewed.

    With what TikTok said: the caption as title, the thumbnail beside it (its URL is fresh from
    the cached lookup, never stored with the video), and whether the video is the creator's own.
    """
    fields = [
        MarkdownTextObject(text=f"*Creator*\n{creator_label(video)}"),
        MarkdownTextObject(text=f"*Video*\n{video_link(video)}"),
        MarkdownTextObject(text=f"*Spark code*\n{spark_code_label(video, project)}"),
        MarkdownTextObject(text=f"*Delivered*\n{delivered_label(video)}"),
        MarkdownTextObject(text=f"*Review*\n{review_label(video)}"),
    ]
    heading = f":clapper: New video for *{escape(project.link_name)}* from *{_creator(video)}*"
    if video.title:
        heading += f"\n>{escape(truncate(' '.join(video.title.split()), 300))}"
    blocks: list[Block] = [
        SectionBlock(
            text=MarkdownTextObject(text=truncate(heading, 3000)),
            accessory=ImageElement(
                image_url=thumbnail_url, alt_text=truncate(video.title or "Video thumbnail", 2000)
            )
            if thumbnail_url
            else None,
        ),
        SectionBlock(fields=fields),
    ]
    notes = tiktok_check_notes(video) + spark_check_notes(video, project)
    if video.needs_resolution:
        notes.append(short_link_note(lookups))
    if reviewed_by and video.review_state != ReviewState.UNREVIEWED:
        notes.append(f"{ReviewState(video.review_state).value.capitalize()} by <@{reviewed_by}>.")
    asked = [placement for placement in placements if placement.state is not None]
    if asked:
        notes.append("*Ads Manager*: " + "; ".join(placement_lines(asked)))
    if notes:
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=truncate(" ".join(notes), 3000))]))
    blocks.append(video_buttons(video, ads_manager=ads_manager))
    return {"text": _fallback_text(video, project), "blocks": [block.to_dict() for block in blocks]}


def render_video_check_note(video: Video, project: LiteProject) -> dict[str, Any]:
    """The note in the project's thread when TikTok says a delivered video is unavailable or
    on another account than its creator's."""
    notes = tiktok_check_notes(video) or ["TikTok's answer about this video changed."]
    text = (
        f"The video @{escape(video.creator_handle)} delivered to *{escape(project.link_name)}* "
        f"({video_link(video)}):\n" + "\n".join(notes)
    )
    problems = []
    if video.owner_check == OwnerCheck.OTHER_ACCOUNT:
        problems.append("is not from this creator's account")
    if video.unavailable_since is not None:
        problems.append("is unavailable on TikTok")
    fallback = f"A video @{video.creator_handle} delivered to {project.link_name} {' and '.join(problems) or 'was checked'}."
    return {
        "text": truncate(fallback, 3000),
        "blocks": [SectionBlock(text=MarkdownTextObject(text=truncate(text, 3000))).to_dict()],
    }


def render_video_gone(project: LiteProject) -> dict[str, Any]:
    text = f"A video was delivered to {project.link_name}, but it has since been removed."
    return {"text": text, "blocks": [SectionBlock(text=MarkdownTextObject(text=escape(text))).to_dict()]}


def render_video_details(
    video: Video,
    project: LiteProject,
    *,
    manager: bool = True,
    thumbnail_url: str | None = None,
    lookups: bool = True,
    performance: list[Block] | None = None,
    ads_manager: bool = False,
    placements: Sequence[Placement] = (),
) -> dict[str, Any]:
    """The "View details" modal: every field, and for managers the spark code to copy, the
    creator's email and the review buttons. Others see that there is a code, and whom to ask."""
    details = [
        f"*Creator*\n{creator_label(video)}",
        f"*TikTok account*\n{tiktok_check_label(video)}",
        f"*Email*\n{escape(video.creator_email or '—')}"
        if manager
        else "*Email*\nFor the project's managers",
        f"*Video*\n{video_link(video, video.url)}",
        f"*Status*\n{STATUS_LABELS[VideoStatus(video.status)]}",
        f"*Review*\n{review_label(video)}",
        f"*Source*\n{SOURCE_LABELS[VideoSource(video.source)]}",
        f"*Delivered*\n{delivered_label(video)}",
        f"*Project*\n{escape(project.link_name)}",
    ]
    ends = authorization_label(video, project)
    if ends is not None:
        details.append(f"*Ad authorization*\n{ends.capitalize()}")
    blocks: list[Block] = []
    if video.title:
        blocks.append(
            SectionBlock(
                text=MarkdownTextObject(text=truncate(f"*{escape(' '.join(video.title.split()))}*", 3000)),
                accessory=ImageElement(image_url=thumbnail_url, alt_text=truncate(video.title, 2000))
                if thumbnail_url
                else None,
            )
        )
    blocks.append(SectionBlock(fields=[MarkdownTextObject(text=truncate(item, 2000)) for item in details]))
    if video.spark_code:
        check = spark_check_word(video, project)
        if video.spark_auth_status:
            check += f" · TikTok status {escape(video.spark_auth_status)}"
        blocks.append(
            SectionBlock(text=MarkdownTextObject(text=f"*Spark code check*\n{check[0].upper()}{check[1:]}"))
        )
    if notes := tiktok_check_notes(video) + spark_check_notes(video, project):
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=truncate(" ".join(notes), 3000))]))
    blocks += performance or []  # the video's own figures from TikTok, when the workspace is connected
    if video.spark_code and placements and (ads_manager or any(p.state for p in placements)):
        lines = "\n".join(placement_lines(placements))
        blocks.append(SectionBlock(text=MarkdownTextObject(text=truncate(f"*Ads Manager*\n{lines}", 3000))))
    if video.spark_code and not manager:
        blocks.append(
            SectionBlock(
                text=MarkdownTextObject(
                    text=f"*Spark code*\nReceived. Only <@{project.created_by}>, the project's managers and "
                    "workspace admins can see it, and review the video."
                )
            )
        )
    elif video.spark_code:
        blocks += [
            SectionBlock(text=MarkdownTextObject(text="*Spark code* (paste it in TikTok Ads Manager)")),
            SectionBlock(text=MarkdownTextObject(text=f"```{escape(video.spark_code)}```")),
        ]
    else:
        blocks.append(
            SectionBlock(
                text=MarkdownTextObject(
                    text=f"*Spark code*\nNone yet. Ask the creator for a code of at least "
                    f"{project.authorization_days} days; they can deliver the same video again with it."
                )
            )
        )
    if video.needs_resolution:
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=short_link_note(lookups))]))
    if manager:
        blocks.append(video_buttons(video, details=False, ads_manager=ads_manager, project=project))
    view = View(
        type="modal",
        callback_id="video_details",
        title="Video details",
        close="Close",
        blocks=blocks,
        private_metadata=encode_metadata(video_id=video.id),
    )
    return view.to_dict()


def render_spark_code_modal(video: Video) -> dict[str, Any]:
    """The code alone, so a long press or a triple click copies exactly it."""
    assert video.spark_code is not None
    return View(
        type="modal",
        callback_id="video_spark_code",
        title="Spark code",
        close="Done",
        blocks=[SectionBlock(text=MarkdownTextObject(text=escape(video.spark_code)))],
    ).to_dict()


def render_spark_code_arrived(project: LiteProject, video: Video) -> dict[str, Any]:
    """The thread's note when a creator sends the code for a video delivered without one."""
    ends = authorization_label(video, project)
    text = (
        f"@{video.creator_handle} sent the spark code for their video in {project.link_name}; "
        "its alert is updated."
    )
    headline = (
        f":key: *@{escape(video.creator_handle)}* sent the spark code for {video_link(video, 'their video')}: "
        f"it is authorized{' ' + ends if ends else ''}. Its alert is updated."
    )
    blocks: list[Block] = [
        SectionBlock(
            text=MarkdownTextObject(text=truncate(headline, 3000)),
            accessory=ButtonElement(
                text="View details", action_id=VIDEO_DETAILS, value=encode_value(video.id)
            ),
        )
    ]
    return {"text": truncate(text, 3000), "blocks": [block.to_dict() for block in blocks]}


VIDEO_LIST_FILTER = "video_list_filter"
VIDEO_LIST_PAGE = "video_list_page"  # _prev / _next; the value is "project_id:status:offset"
VIDEO_LIST_CALLBACK = "project_videos"
LIST_FILTER_LABELS = {
    "all": "All videos",
    TO_REVIEW: "To review",
    VideoStatus.DELIVERED.value: "Delivered",
    VideoStatus.AUTHORIZED.value: "Authorized",
    APPROVED: "Approved",
    REJECTED: "Rejected",
    VideoStatus.EXPIRED.value: "Expired",
    VideoStatus.PENDING_AUTHORIZATION.value: "Requested",
    VideoStatus.DECLINED.value: "Declined",
    CODE_PROBLEMS: "Code problems",
}


def _list_line(video: Video, project: LiteProject) -> str:
    code = f":key: spark code ({spark_check_word(video, project)})" if video.spark_code else "no spark code"
    dates = [f"delivered {delivered_label(video)}"]
    if video.authorized_at is not None:
        dates.append(f"authorized {day_label(video.authorized_at)}")
        ends = authorization_label(video, project)
        if ends is not None:
            dates.append(ends)
    return (
        f"{creator_label(video)} · {video_link(video, 'video')} · {STATUS_LABELS[VideoStatus(video.status)]}"
        f" · {SOURCE_LABELS[VideoSource(video.source)]}"
        f"\n{review_label(video)} · {code} · {' · '.join(dates)}"
        + "".join(f"\n{note}" for note in tiktok_check_notes(video) + spark_check_notes(video, project))
    )


def _filter_block(project: LiteProject, status: str | None) -> ActionsBlock:
    options = [Option(value=value, text=label) for value, label in LIST_FILTER_LABELS.items()]
    initial = next(option for option in options if option.value == (status or "all"))
    return ActionsBlock(
        block_id="video_list_filter",
        elements=[
            StaticSelectElement(
                action_id=VIDEO_LIST_FILTER,
                placeholder="Filter",
                options=options,
                initial_option=initial,
            )
        ],
    )


def render_video_list(
    project: LiteProject,
    videos: Sequence[Video],
    total: int,
    *,
    offset: int = 0,
    status: str | None = None,
    addable: int = 0,
) -> dict[str, Any]:
    """A page of the project's videos, newest first, each with a way to its details.

    `addable`: verified codes not yet in every Ads Manager account (a button adds them all).

    A filter by status on top; Previous/Next when there are more than fit in one modal.
    """
    shown = list(videos[:VIDEO_PAGE_SIZE])
    noun = "video" if total == 1 else "videos"
    if status is not None:
        noun += f" {LIST_FILTER_LABELS.get(status, status).lower()}"
    intro = f"*{escape(project.link_name)}* · {total} {noun}"
    if shown and len(shown) < total:
        intro += (
            f" · showing the latest {len(shown)}"
            if offset == 0
            else f" · showing {offset + 1}–{offset + len(shown)}"
        )
    blocks: list[Block] = [
        SectionBlock(
            text=MarkdownTextObject(text=truncate(intro, 3000)),
            accessory=ButtonElement(
                text=f"Add {addable} verified code{'' if addable == 1 else 's'} to Ads Manager",
                action_id=VIDEO_LIST_ADD_ALL,
                value=encode_value(project.id),
            )
            if addable
            else None,
        ),
        _filter_block(project, status),
    ]
    if not shown:
        empty = (
            "Nothing to review: every video delivered so far is approved or rejected."
            if status == TO_REVIEW
            else "No videos with this status."
            if status is not None
            else "No videos yet. Share the invite link with creators; their deliveries appear here."
        )
        blocks.append(SectionBlock(text=MarkdownTextObject(text=empty)))
    for video in shown:
        blocks.append(
            SectionBlock(
                block_id=f"video_{video.id}",
                text=MarkdownTextObject(text=truncate(_list_line(video, project), 3000)),
                accessory=ButtonElement(
                    text="View details", action_id=VIDEO_DETAILS, value=encode_value(video.id)
                ),
            )
        )
    pages = []
    if offset > 0:
        previous = max(0, offset - VIDEO_PAGE_SIZE)
        pages.append(
            ButtonElement(
                text="Previous",
                action_id=f"{VIDEO_LIST_PAGE}_prev",
                value=encode_value(project.id, status, previous),
            )
        )
    if offset + len(shown) < total:
        pages.append(
            ButtonElement(
                text="Next",
                action_id=f"{VIDEO_LIST_PAGE}_next",
                value=encode_value(project.id, status, offset + len(shown)),
            )
        )
    if pages:
        blocks.append(ActionsBlock(block_id="video_list_pages", elements=pages))
    view = View(
        type="modal",
        callback_id=VIDEO_LIST_CALLBACK,
        title="Videos",
        close="Close",
        blocks=blocks,
        private_metadata=encode_metadata(project_id=project.id),
    )
    return view.to_dict()


def render_new_code_modal(video: Video, project: LiteProject, *, invite_url: str) -> dict[str, Any]:
    """The message to send the creator for a new code (liteproject doesn't email creators)."""
    reason = {
        SparkCheck.OTHER_VIDEO: "the code you sent unlocks a different video",
        SparkCheck.INVALID: "TikTok doesn't recognise the code you sent",
        SparkCheck.EXPIRED: "the code you sent has expired",
    }.get(SparkCheck(video.spark_check), "the ad authorization of your video ends soon")
    message = (
        f"Hi @{video.creator_handle}, thank you for your video for {project.link_name}: {video.url}\n"
        f"Could you send us a new spark code for it? ({reason}.) In TikTok, open the video, tap ⋯ › "
        f"Ad settings, turn on ad authorization for at least {project.authorization_days} days, copy the "
        f"code, and send it with the video's link here: {invite_url}"
    )
    to = video.creator_email or "no email given: reach the creator on TikTok"
    blocks: list[Block] = [
        SectionBlock(text=MarkdownTextObject(text=f"*To*\n{escape(to)}")),
        SectionBlock(text=MarkdownTextObject(text=truncate(f"*Message*\n```{escape(message)}```", 3000))),
        ContextBlock(
            elements=[
                MarkdownTextObject(
                    text="liteproject doesn't email creators: copy this into your email. The video is marked "
                    "*new code requested* until a code with a new end date arrives."
                )
            ]
        ),
    ]
    return View(
        type="modal", callback_id="video_new_code", title="Ask for a new code", close="Done", blocks=blocks
    ).to_dict()


def render_ads_queued(queued: int, accounts: int) -> dict[str, Any]:
    if queued == 0:
        text = "This code is already in every Ads Manager account of the project."
    else:
        noun = "account" if queued == 1 else "accounts"
        text = (
            f":hourglass_flowing_sand: Adding this code to {queued} Ads Manager {noun}. "
            "The alert and *View details* show each account's result in a moment."
        )
    return {"text": text, "blocks": [SectionBlock(text=MarkdownTextObject(text=text)).to_dict()]}


VIDEO_LIST_ADD_ALL = "video_list_add_all"


def render_ads_summary(project: LiteProject, payload: dict[str, Any]) -> dict[str, Any]:
    """The DM once every code of a bulk *Add to Ads Manager* has TikTok's answer."""
    videos = int(payload.get("videos") or 0)
    added = int(payload.get(AdsPlacement.ADDED.value) or 0)
    already = int(payload.get(AdsPlacement.ALREADY_ADDED.value) or 0)
    refused = int(payload.get(AdsPlacement.REFUSED.value) or 0)
    text = (
        f"Ads Manager, {project.link_name}: {videos} code{'' if videos == 1 else 's'} done — "
        f"{added} added, {already} already there, {refused} not added."
    )
    markup = (
        f":white_check_mark: *Ads Manager* · *{escape(project.link_name)}*: {videos} code{'' if videos == 1 else 's'} "
        f"done — *{added}* added, *{already}* already there, *{refused}* not added."
    )
    if refused:
        markup += " *View details* of each video shows TikTok's reason; the *Code problems* filter lists codes to replace."
    return {"text": text, "blocks": [SectionBlock(text=MarkdownTextObject(text=markup)).to_dict()]}


def render_ads_bulk_started(project: LiteProject, *, videos: int, calls: int) -> dict[str, Any]:
    if videos == 0:
        text = "Every verified code of this project is already in its Ads Manager accounts (or on its way)."
    else:
        text = (
            f":hourglass_flowing_sand: Adding {videos} verified code{'' if videos == 1 else 's'} to "
            f"Ads Manager ({calls} request{'' if calls == 1 else 's'} to TikTok). Each video's *View details* "
            "shows its progress per account; you'll get a summary in a direct message when TikTok has answered them all."
        )
    return View(
        type="modal",
        callback_id="video_list_add_all",
        title="Add to Ads Manager",
        close="Done",
        blocks=[SectionBlock(text=MarkdownTextObject(text=text))],
    ).to_dict()
