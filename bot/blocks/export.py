"""The words of `/liteproject export`: the file's title and comment, and the answers to the person."""

from __future__ import annotations

from dataclasses import dataclass

from bot.blocks.text import escape


@dataclass(frozen=True)
class ExportWords:
    title: str  # the file's title
    comment: str  # posted with the file
    done: str  # the answer once the file is up
    failed: str  # the answer when the upload fails
    no_dm: str  # the answer when no direct message could be opened (only without `here`)


def export_words(project_name: str, count: int, *, user_id: str, here: bool) -> ExportWords:
    """`here`: the file goes to the channel without spark codes; else to the person, with them."""
    name = escape(project_name)
    noun = f"{count} video{'' if count == 1 else 's'}"
    title = escape(f"{project_name}: videos")
    no_dm = (
        "I couldn't open a direct message with you for the file. Nothing was posted; "
        f"`/liteproject export {name} here` posts it in this channel without spark codes."
    )
    if here:
        return ExportWords(
            title=title,
            comment=f"Videos of “{name}” ({noun}), exported by <@{user_id}>. "
            "Spark codes are left out of this file; managers get them with "
            f"`/liteproject export {name}`.",
            done=f"Exported {noun} of “{name}” to this channel, without spark codes. "
            "Without `here`, the file with the codes comes to you in a direct message.",
            failed="I couldn't upload the file to this channel. If it's a private channel, invite me with "
            "/invite @liteproject and try again.",
            no_dm=no_dm,
        )
    return ExportWords(
        title=title,
        comment=f"Videos of “{name}” ({noun}), with their spark codes. Only you got this file.",
        done=f"Sent you {noun} of “{name}” in a direct message, with the spark codes "
        "(kept out of the channel). `here` posts a copy without codes in this channel.",
        failed="I couldn't send you the file in a direct message. Try again in a moment.",
        no_dm=no_dm,
    )
