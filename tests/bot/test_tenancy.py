"""Two workspaces in one database, through the real server: neither reaches the other's projects.

Every request is signed and carries its own team id; the values inside (button values, a modal's
private_metadata, a project's name in a command) are forged to point at the other workspace's rows.
"""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import dataclass
from typing import Any, TypedDict

import pytest

from bot.blocks.projects import MANAGE_PROJECT, OPEN_PROJECT, PAUSE_PROJECT, SHOW_VIDEOS
from bot.blocks.videos import VIDEO_APPROVE, VIDEO_COPY_SPARK_CODE, VIDEO_DETAILS
from storage.models import LiteProject, ReviewState, Video
from tests.factories import make_ads_account, make_project, make_video, make_workspace
from tests.harness.server import RunningServer


class Who(TypedDict):
    """Who sends a request: the workspace and the person."""

    team_id: str
    user_id: str


@dataclass(frozen=True)
class Tenant:
    team_id: str
    user_id: str
    channel_id: str
    link_name: str
    spark_code: str
    project_id: int = 0
    video_id: int = 0
    account_id: int = 0
    invite_token: str = ""

    @property
    def prefix(self) -> str:
        """What a user types to name the project (commands take a prefix), short of its full name."""
        return self.link_name.lower()[:-3]


ALPHA = Tenant(
    team_id="T0ALPHA01",
    user_id="U0ALPHA01",
    channel_id="C0ALPHA01",
    link_name="Alpha serum launch",
    spark_code="#4lrl4IIbnY3H31X1KfPKGpyupUzbnHF5S7T/UbUsEBnnUOP4tYz9+Ek7tt6i7ms=",
)
BRAVO = Tenant(
    team_id="T0BRAVO02",
    user_id="U0BRAVO02",
    channel_id="C0BRAVO02",
    link_name="Bravo sneaker drop",
    spark_code="#9zQx2WvBnY3H31X1KfPKGpyupUzbnHF5S7T/UbUsEBnnUOP4tYz9+Ek7tt6Bravo=",
)


async def seed(server: RunningServer, tenant: Tenant) -> Tenant:
    async with server.sessions.begin() as session:
        workspace = await make_workspace(session, team_id=tenant.team_id)
        project = await make_project(
            session,
            workspace=workspace,
            link_name=tenant.link_name,
            channel_id=tenant.channel_id,
            created_by=tenant.user_id,
        )
        video = await make_video(
            session,
            project=project,
            creator_handle=f"maker.{tenant.team_id.lower()}",
            spark_code=tenant.spark_code,
        )
        account = await make_ads_account(session, workspace=workspace)
    assert project.id is not None and video.id is not None and account.id is not None
    return Tenant(
        **{
            **tenant.__dict__,
            "project_id": project.id,
            "video_id": video.id,
            "account_id": account.id,
            "invite_token": project.invite_token,
        }
    )


@pytest.fixture
async def tenants(server: RunningServer) -> tuple[Tenant, Tenant]:
    return await seed(server, ALPHA), await seed(server, BRAVO)


def manage_values(tenant: Tenant, link_name: str) -> dict[str, Any]:
    return {
        "link_name": {"value": {"type": "plain_text_input", "value": link_name}},
        "description": {"value": {"type": "plain_text_input", "value": "Taken over"}},
        "ads_accounts": {
            "value": {"type": "multi_static_select", "selected_options": [{"value": str(tenant.account_id)}]}
        },
        "deliverable": {"value": {"type": "plain_text_input", "value": "One video"}},
        "requirements": {"value": {"type": "plain_text_input", "value": None}},
        "deadline": {"value": {"type": "datepicker", "selected_date": None}},
        "contact": {"value": {"type": "plain_text_input", "value": "x@example.com"}},
        "channel": {"value": {"type": "conversations_select", "selected_conversation": tenant.channel_id}},
    }


def everything_sent(server: RunningServer, answers: list[Any]) -> str:
    """All that reached Slack (acks, response_url replies, Web API calls), as one string."""
    return json.dumps(
        [answer.text for answer in answers] + [[call.method, call.args] for call in server.fake.calls],
        default=str,
    )


async def stored(server: RunningServer, tenant: Tenant) -> tuple[LiteProject, Video]:
    async with server.sessions() as session:
        project = await session.get(LiteProject, tenant.project_id)
        video = await session.get(Video, tenant.video_id)
    assert project is not None and video is not None
    return project, video


async def quiet(server: RunningServer, timeout: float = 10.0) -> None:
    """Work after an ack is asynchronous: wait until the outbox is done and Slack hears nothing more."""
    await server.settle()
    deadline = time.monotonic() + timeout
    while True:
        count = len(server.fake.calls)
        await asyncio.sleep(0.3)
        if len(server.fake.calls) == count:
            return
        assert time.monotonic() < deadline, "the server never went quiet"


async def test_each_workspace_reaches_its_own_project(
    server: RunningServer, tenants: tuple[Tenant, Tenant]
) -> None:
    """The control: the same requests, with ids of one's own workspace, do reach the project."""
    for tenant in tenants:
        server.fake.calls.clear()
        who: Who = {"team_id": tenant.team_id, "user_id": tenant.user_id}
        answers = [
            await server.slack.command("list", **who, channel_id=tenant.channel_id),
            await server.slack.command(f"show {tenant.prefix}", **who, channel_id=tenant.channel_id),
            await server.slack.block_action(VIDEO_COPY_SPARK_CODE, value=str(tenant.video_id), **who),
        ]
        await quiet(server)

        sent = everything_sent(server, answers)
        assert tenant.link_name in sent
        assert tenant.spark_code in sent


@pytest.mark.parametrize("direction", ["alpha_attacks_bravo", "bravo_attacks_alpha"])
async def test_no_workspace_can_list_open_edit_pause_or_see_spark_codes_of_another(
    server: RunningServer, tenants: tuple[Tenant, Tenant], direction: str
) -> None:
    alpha, bravo = tenants
    attacker, victim = (alpha, bravo) if direction == "alpha_attacks_bravo" else (bravo, alpha)
    who: Who = {"team_id": attacker.team_id, "user_id": attacker.user_id}
    forged_project, forged_video = str(victim.project_id), str(victim.video_id)
    answers = []

    # list and open, by command
    answers.append(await server.slack.command("list", **who, channel_id=attacker.channel_id))
    answers.append(await server.slack.command(f"show {victim.prefix}", **who, channel_id=attacker.channel_id))
    answers.append(await server.slack.command(f"edit {victim.prefix}", **who, channel_id=attacker.channel_id))
    answers.append(
        await server.slack.command(f"pause {victim.prefix}", **who, channel_id=attacker.channel_id)
    )
    # open, manage, pause and list videos, by buttons with the other's project id
    for action_id in (OPEN_PROJECT, MANAGE_PROJECT, PAUSE_PROJECT, SHOW_VIDEOS):
        answers.append(await server.slack.block_action(action_id, value=forged_project, **who))
    # the spark code, by buttons with the other's video id
    for action_id in (VIDEO_DETAILS, VIDEO_COPY_SPARK_CODE, VIDEO_APPROVE):
        answers.append(await server.slack.block_action(action_id, value=forged_video, **who))
    # edit, by a modal submitted with the other's project id in its private_metadata
    edit = await server.slack.view_submission(
        "project_manage",
        manage_values(attacker, "Taken over"),
        private_metadata=json.dumps({"project_id": victim.project_id}),
        **who,
    )
    answers.append(edit)
    await quiet(server)

    assert all(answer.status == 200 for answer in answers), [answer.status for answer in answers]
    assert edit.json["response_action"] == "errors"
    sent = everything_sent(server, answers)
    for secret in (victim.link_name, victim.spark_code, victim.invite_token, victim.channel_id):
        assert secret not in sent, f"{secret!r} of the other workspace reached {attacker.team_id}"
    project, video = await stored(server, victim)
    assert (project.link_name, project.active, project.description) == (
        victim.link_name,
        True,
        "A vitamin C serum for sensitive skin; Gen Z skincare fans.",
    )
    assert video.review_state == ReviewState.UNREVIEWED
    assert not [call for call in server.fake.calls if call.args.get("channel") == victim.channel_id]
