"""Creator-facing messages written in English by the services and `bot/tiktok`, translated here.

The services and the TikTok checks speak English (the Slack side uses the same words). A creator
page translates what they say by looking the English sentence up as a gettext msgid. A message
that carries values (a length, a handle) is listed with `%(name)s` placeholders and matched as a
pattern. A message missing from this list is shown as it is, in English, until someone adds it
here and to the catalogs.
"""

from __future__ import annotations

import functools
import re

from bot.i18n import N_, gettext_

MESSAGES = (
    # TikTok video links and handles (bot/tiktok/urls.py)
    N_("Enter your TikTok handle, e.g. @yourname."),
    N_("A TikTok handle has 2–24 letters, digits, underscores or dots, and doesn't end with a dot."),
    N_("Paste the link to your TikTok video."),
    N_("That link is %(count)s characters; a TikTok video link is much shorter."),
    N_("Paste only the link to your video, without spaces."),
    N_("That isn't a TikTok link. Open your video in TikTok, tap Share → Copy link, and paste it here."),
    N_("That short TikTok link looks incomplete; copy it again from TikTok."),
    N_("That's a photo post, not a video. Deliver the link to a video."),
    N_("The account name in that link isn't a valid TikTok handle."),
    N_("That's a link to a TikTok profile; paste the link to the video itself."),
    N_(
        "That isn't a link to a TikTok video. Open your video in TikTok, tap Share → Copy link, and paste it here."
    ),
    # spark codes (bot/tiktok/spark_codes.py)
    N_("A spark code has no spaces; copy it again from TikTok."),
    N_("That spark code is too short; copy the whole code from TikTok."),
    N_(
        "A spark code has only letters, digits and + / = _ - (and may start with #); copy it again from TikTok."
    ),
    N_("That spark code is %(count)s characters; a spark code has at most %(limit)s."),
    # deliveries through the invite link (bot/services/deliveries.py, validation.py)
    N_("This is %(count)s characters; the limit is %(limit)s."),
    N_("Email should look like name@company.com."),
    N_(
        "This video is on @%(owner)s's account, not @%(handle)s's. "
        "Deliver your own videos, with the handle they're posted under."
    ),
    N_(
        "“%(name)s” is paused and isn't accepting videos right now. "
        "Nothing was sent; try again when the brand resumes it."
    ),
    N_(
        "This video was already delivered to this project by another creator. "
        "If it's yours, contact the brand using the details on this page."
    ),
    # linking requests (bot/services/linking.py, bot/portal/linking.py)
    N_("Enter this video's spark code: in TikTok, turn on ad authorization and copy the code."),
    N_("This is the same code as video %(number)s; each video has its own code."),
    N_("Choose to authorize or to decline."),
    # the form gate (bot/portal/routes.py, bot/portal/linking.py)
    N_("Too much to send"),
    N_("Please reload the page"),
    N_("Too many tries"),
    N_("That was more than this form takes. Go back, keep each answer short, and send it again."),
    N_(
        "This form expired or didn't come from this page, so nothing was sent. "
        "Open the invite link again and send your video from there."
    ),
    N_("That was more than this form takes. Go back and send only the spark codes."),
    N_(
        "This form expired or didn't come from this page, so nothing was sent. "
        "Open the link again and answer from there."
    ),
)

PLACEHOLDER = re.compile(r"%\((\w+)\)s")


@functools.cache
def _patterns() -> list[tuple[re.Pattern[str], str]]:
    patterns = []
    for msgid in MESSAGES:
        if not PLACEHOLDER.search(msgid):
            continue
        parts = PLACEHOLDER.split(msgid)  # text, name, text, name, ..., text
        regex = "".join(
            re.escape(part) if index % 2 == 0 else f"(?P<{part}>.+?)" for index, part in enumerate(parts)
        )
        patterns.append((re.compile(rf"^{regex}$", re.DOTALL), msgid))
    return patterns


def translate(message: str) -> str:
    """The message in the page's language when the catalog has it, else as it was written."""
    translated = gettext_(message)
    if translated != message:
        return translated
    for pattern, msgid in _patterns():
        match = pattern.match(message)
        if match:
            return gettext_(msgid) % match.groupdict()
    return message
