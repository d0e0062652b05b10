"""`/liteproject status`."""

from __future__ import annotations

from typing import Any

from slack_sdk.models.blocks import Block, ContextBlock, MarkdownTextObject, SectionBlock

from bot.blocks.text import escape
from bot.services.send_status import SendStatus


def render_status(status: SendStatus, *, retried: int | None = None) -> dict[str, Any]:
    summary = f"*Notifications* · {status.pending} waiting · {status.sent} sent · {status.failed} failed"
    blocks: list[Block] = []
    if retried is not None:
        blocks.append(
            SectionBlock(
                text=MarkdownTextObject(
                    text=f":repeat: Trying {retried} failed notifications and lookups again."
                )
            )
        )
    blocks.append(SectionBlock(text=MarkdownTextObject(text=summary)))
    if status.jobs_pending or status.jobs_failed:
        jobs = f"*TikTok lookups and other background jobs* · {status.jobs_pending} waiting · {status.jobs_failed} failed"
        lines = [
            f"• {escape(job.kind.replace('_', ' '))} · {job.attempts} tries · {escape(job.last_error or 'unknown')}"
            for job in status.job_failures
        ]
        blocks.append(SectionBlock(text=MarkdownTextObject(text="\n".join([jobs, *lines]))))
    if status.recent_failures and not retried:
        lines = [
            f"• <#{message.channel_id}> · {escape(message.kind.replace('_', ' '))} · {escape(message.last_error or 'unknown')}"
            for message in status.recent_failures
        ]
        blocks.append(SectionBlock(text=MarkdownTextObject(text="*Latest failures*\n" + "\n".join(lines))))
        blocks.append(
            ContextBlock(
                elements=[
                    MarkdownTextObject(
                        text="Fix the cause, then `/liteproject status retry` sends them again."
                    )
                ]
            )
        )
    return {
        "response_type": "ephemeral",
        "text": summary.replace("*", ""),
        "blocks": [block.to_dict() for block in blocks],
    }
