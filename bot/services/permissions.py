"""Who may do what to a lite project.

Anyone in the workspace may create projects and look at them. Changing a project — editing it,
pausing or resuming it, adding videos, approving or rejecting videos, exporting — and seeing its
spark codes is for its owner (who created it), its project managers, and workspace admins/owners.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.errors import Forbidden
from bot.services.workspaces import Actor
from storage import projects as project_queries
from storage.models import LiteProject

ACTIONS = {
    "edit": "edit",
    "pause": "pause or resume",
    "add_videos": "add videos to",
    "review": "approve or reject videos of",
    "export": "export the videos of",
    "spark_codes": "see the spark codes of",
    "archive": "archive or restore",
    "ads_manager": "add to Ads Manager the spark codes of",
}


class NotManager(Forbidden):
    """Someone who isn't the project's owner, a manager or an admin tried to change it.

    Carries whom to ask: Slack shows the sentence with mentions (see bot/blocks/refusals.py).
    """

    def __init__(self, project: LiteProject, *, what: str) -> None:
        super().__init__(
            f"Only the project's owner, its managers and workspace admins can {what} “{project.link_name}”. "
            "Ask its owner to add you as a project manager."
        )
        self.what = what
        self.project_name = project.link_name
        self.owner = project.created_by


async def may_manage(session: AsyncSession, *, actor: Actor, project: LiteProject) -> bool:
    if project.created_by == actor.user_id:
        return True
    assert project.id is not None
    if actor.user_id in await project_queries.project_manager_ids(session, project_id=project.id):
        return True
    # only now ask Slack: most changes are made by the owner or a manager
    return await actor.is_workspace_admin()


async def require_manager(session: AsyncSession, *, actor: Actor, project: LiteProject, action: str) -> None:
    if await may_manage(session, actor=actor, project=project):
        return
    raise NotManager(project, what=ACTIONS[action])


async def require_admin(actor: Actor, *, what: str) -> None:
    if not await actor.is_workspace_admin():
        raise Forbidden(f"Only workspace admins and owners can {what}.")
