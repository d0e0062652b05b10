"""The answers to the person who paused, resumed, archived or restored a project (bot/blocks/projects.py)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from bot.blocks.projects import render_active_change, render_archive_change, render_bulk_change
from bot.services.projects import ActiveChange
from storage.models import LiteProject
from tests.harness.fake_slack import check_blocks

NOW = dt.datetime(2026, 6, 1, 12, tzinfo=dt.UTC)


def project(**fields: Any) -> LiteProject:
    return LiteProject(id=7, workspace_id=1, link_name="Glow <&> go", **fields)


def text(message: dict[str, Any]) -> str:
    assert check_blocks(message["blocks"]) is None
    assert message["response_type"] == "ephemeral" and message["replace_original"] is False
    return str(message["text"])


def test_pause_and_resume_say_what_creators_can_do_now() -> None:
    paused = text(render_active_change(ActiveChange(project(active=False), changed=True)))
    resumed = text(render_active_change(ActiveChange(project(active=True), changed=True)))
    again = text(render_active_change(ActiveChange(project(active=False), changed=False)))

    assert paused == (
        "Paused “Glow &lt;&amp;&gt; go”: creators can't deliver videos to this link until it is resumed."
    )
    assert resumed.startswith("Resumed “Glow &lt;&amp;&gt; go”: creators can deliver videos")
    assert again == "“Glow &lt;&amp;&gt; go” is already paused; nothing changed."


def test_a_tiktok_one_project_is_told_to_switch_there_too_only_when_it_changed() -> None:
    changed = text(render_active_change(ActiveChange(project(active=False, tto_account_id=3), changed=True)))
    unchanged = text(
        render_active_change(ActiveChange(project(active=False, tto_account_id=3), changed=False))
    )

    assert "switch it in TikTok One too" in changed
    assert "TikTok One" not in unchanged


def test_bulk_answers_count_the_projects() -> None:
    assert text(render_bulk_change([project(), project()], active=False)) == (
        "Paused 2 projects; a summary is posted here."
    )
    assert text(render_bulk_change([], active=True)) == "Every project is already active; nothing changed."


def test_archive_and_restore_answers_follow_the_projects_state() -> None:
    archived = text(render_archive_change(ActiveChange(project(archived_at=NOW), changed=True)))
    already = text(render_archive_change(ActiveChange(project(archived_at=NOW), changed=False)))
    restored = text(render_archive_change(ActiveChange(project(active=False), changed=True)))
    not_archived = text(render_archive_change(ActiveChange(project(), changed=False)))

    assert archived.startswith("Archived “Glow &lt;&amp;&gt; go”: its invite link is off")
    assert already == "“Glow &lt;&amp;&gt; go” is already archived; nothing changed."
    assert (
        restored
        == "Restored “Glow &lt;&amp;&gt; go”. It is paused: resume it when creators may deliver again."
    )
    assert not_archived == "“Glow &lt;&amp;&gt; go” isn't archived; nothing changed."
