"""Link previews in Slack: this app's invite links and TikTok links of videos the workspace has.

Only the workspace the link belongs to sees anything: an invite link of another workspace's
project, or a TikTok video this workspace never collected, gets no preview from the app.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import projects
from bot.services.deliveries import is_plausible_token
from bot.tiktok.urls import TikTokUrlError, parse_video_url
from storage import projects as project_queries
from storage import videos as video_queries
from storage import workspaces as workspace_queries
from storage.models import LiteProject, Video

MAX_LINKS = 5  # Slack sends at most a few links per message; more is not a person pasting


@dataclass(frozen=True)
class ProjectPreview:
    url: str
    overview: projects.ProjectOverview


@dataclass(frozen=True)
class VideoPreview:
    url: str
    video: Video
    project: LiteProject


Preview = ProjectPreview | VideoPreview


def invite_token_of(url: str, public_base_url: str) -> str | None:
    """The invite token in a link to this app's creator page, else None."""
    try:
        link, base = urlsplit(url), urlsplit(public_base_url)
        same_site = (link.hostname, link.port) == (base.hostname, base.port) and link.scheme in (
            "http",
            "https",
        )
    except ValueError:
        return None
    prefix = base.path.rstrip("/") + "/i/"
    if not same_site or not link.path.startswith(prefix):
        return None
    token = link.path.removeprefix(prefix).strip("/")
    return token if is_plausible_token(token) else None


async def previews(
    session: AsyncSession, *, team_id: str, enterprise_id: str, urls: Sequence[str], public_base_url: str
) -> list[Preview]:
    workspace = await workspace_queries.find_workspace(session, team_id=team_id, enterprise_id=enterprise_id)
    if workspace is None:
        return []
    found: list[Preview] = []
    for url in list(dict.fromkeys(urls))[:MAX_LINKS]:
        token = invite_token_of(url, public_base_url)
        if token is not None:
            project = await project_queries.get_project_by_token(session, invite_token=token)
            if project is not None and project.workspace_id == workspace.id:
                found.append(ProjectPreview(url, await projects.overview(session, project=project)))
            continue
        try:
            link = parse_video_url(url)
        except TikTokUrlError:
            continue
        assert workspace.id is not None
        row = await video_queries.newest_with_key(session, workspace_id=workspace.id, video_key=link.key)
        if row is not None:
            found.append(VideoPreview(url, *row))
    return found
