"""The team's side of delivered videos: look at them, approve or reject them.

Every lookup is scoped by the workspace of the verified Slack request: a video id from another
workspace is simply not found.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import spark_checks
from bot.services.errors import InvalidInput, NotFound
from bot.services.notices import queue_card_refresh
from bot.services.permissions import may_manage, require_manager
from bot.services.workspaces import Actor, workspace_id_of
from storage import audit as audit_queries
from storage import projects as project_queries
from storage import videos as video_queries
from storage.models import LiteProject, ReviewState, Video

VIDEO_NOT_FOUND = "That video doesn't exist any more, or isn't in this workspace."
REVIEW_STATES = (ReviewState.APPROVED, ReviewState.REJECTED)


@dataclass(frozen=True)
class VideoDetails:
    video: Video
    project: LiteProject
    manager: bool = False  # may see the spark code and the creator's email, and review


@dataclass(frozen=True)
class ReviewChange:
    video: Video
    project: LiteProject
    changed: bool


async def get_video(
    session: AsyncSession, *, actor: Actor, video_id: int, require_spark_code: bool = False
) -> VideoDetails:
    """A video of the actor's workspace; its spark code and email only for the project's managers.

    `require_spark_code` refuses (Forbidden) those who may not, instead of hiding the code.
    """
    workspace_id = await workspace_id_of(session, actor)
    video = await video_queries.get_video(session, workspace_id=workspace_id, video_id=video_id)
    video, project = await _with_project(session, video)
    if require_spark_code:
        await require_manager(session, actor=actor, project=project, action="spark_codes")
    visible = await may_manage(session, actor=actor, project=project)
    return VideoDetails(video=video, project=project, manager=visible)


async def _with_project(session: AsyncSession, video: Video | None) -> tuple[Video, LiteProject]:
    """A video found in the actor's workspace, and its project; NotFound when either is gone."""
    if video is not None:
        project = await project_queries.get_project(
            session, workspace_id=video.workspace_id, project_id=video.project_id
        )
        if project is not None:
            return video, project
    raise NotFound(VIDEO_NOT_FOUND)


async def set_review(
    session: AsyncSession, *, actor: Actor, video_id: int, state: ReviewState | str
) -> ReviewChange:
    """Approve or reject a video. Doing it twice is a no-op; changing one's mind is allowed."""
    try:
        state = ReviewState(state)
    except ValueError:
        state = ReviewState.UNREVIEWED
    if state not in REVIEW_STATES:
        raise InvalidInput({"review_state": "A video can be approved or rejected."})
    workspace_id = await workspace_id_of(session, actor)
    video = await video_queries.get_video_for_update(session, workspace_id=workspace_id, video_id=video_id)
    video, project = await _with_project(session, video)
    await require_manager(session, actor=actor, project=project, action="review")
    if video.review_state == state:
        return ReviewChange(video=video, project=project, changed=False)
    assert video.id is not None
    before = video.review_state
    video.review_state = state
    event = audit_queries.add_audit_event(
        session,
        workspace_id=workspace_id,
        actor=actor.user_id,
        action=f"video.{state.value}",
        target_type="video",
        target_id=video.id,
        before={"review_state": ReviewState(before).value},
        after={"review_state": state.value},
    )
    await session.flush()
    await queue_card_refresh(session, project=project, reason=f"audit-{event.id}")
    # wherever the video's alert was posted, it shows the decision (reviewing from a list too)
    await spark_checks.refresh_alerts(
        session, project=project, video=video, reason=f"review-{event.id}", reviewed_by=actor.user_id
    )
    return ReviewChange(video=video, project=project, changed=True)
