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
from storage.models import AnchorKind

MESSAGES = (
    # TikTok video links and handles (bot/tiktok/urls.py: every refusal constant there)
    N_("Enter your TikTok handle, e.g. @yourname."),
    N_("A TikTok handle has 2–24 letters, digits, underscores or dots, and doesn't end with a dot."),
    N_("Paste the link to your TikTok video."),
    N_("That text is too long for a TikTok link. In TikTok, tap Share → Copy link, and paste only that."),
    N_("There's no link in that text. In TikTok, tap Share → Copy link, and paste it here."),
    N_("That text has more than one link. Paste the link to one video only."),
    N_("That isn't a TikTok link. Open your video in TikTok, tap Share → Copy link, and paste it here."),
    N_(
        "That isn't a link to a TikTok video. Open your video in TikTok, tap Share → Copy link, and paste it here."
    ),
    N_("That's a link to a TikTok profile. Open the video itself, tap Share → Copy link, and paste it here."),
    N_(
        "That's a photo post. Lite projects take videos only: paste the link to a video "
        "(in TikTok, Share → Copy link)."
    ),
    N_(
        "The video number in that link isn't a TikTok video id (19 digits). "
        "Copy the link again from TikTok (Share → Copy link) instead of typing it."
    ),
    N_(
        "The video number in that link has characters that only look like digits. "
        "Copy the link again from TikTok (Share → Copy link) instead of typing it."
    ),
    N_(
        "The account name in that link isn't a valid TikTok handle. "
        "Copy the link again from TikTok (Share → Copy link)."
    ),
    N_("That short TikTok link looks incomplete. Copy it again from TikTok (Share → Copy link)."),
    # spark codes (bot/tiktok/spark_codes.py)
    N_("A spark code has no spaces; copy it again from TikTok."),
    N_(
        "This looks copied from a web address (it has %2B or similar in it). "
        "Copy the code itself from TikTok's ad authorization screen."
    ),
    N_("That spark code is %(count)s characters; a spark code has at most %(limit)s."),
    N_("A spark code starts with #. Copy the whole code from TikTok, including the #."),
    N_(
        "A spark code is # followed by letters, digits, + and / (and maybe = at the end); "
        "copy it again from TikTok."
    ),
    N_(
        "That spark code is only %(count)s characters; a whole code is about 65. "
        "It was probably cut off: copy the whole code from TikTok."
    ),
    N_(
        "This spark code was already given with another video. Each video has its own code: "
        "in TikTok, open this video's ad authorization and copy its code."
    ),
    # deliveries through the invite link (bot/services/deliveries.py, validation.py)
    N_("This is %(count)s characters; the limit is %(limit)s."),
    N_(
        "This has invisible or control characters (%(found)s), often pasted by accident; "
        "type it again without them."
    ),
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
    N_(
        "This video was already delivered to this project by another creator, and TikTok hasn't "
        "confirmed whose account it is on yet. If it's yours, send it again in a few minutes, or "
        "contact the brand using the details on this page."
    ),
    # linking requests (bot/services/linking.py, bot/portal/linking.py)
    N_("Enter this video's spark code: in TikTok, turn on ad authorization and copy the code."),
    N_("This is the same code as video %(number)s; each video has its own code."),
    N_("Choose to authorize or to decline."),
    N_("This request was answered meanwhile; a request is answered once."),
    N_("This project is paused"),
    # the form gate and the database being down (bot/portal/routes.py, bot/portal/linking.py)
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
    N_("Back in a moment"),
    N_("This page can't be shown right now, and nothing you sent was saved. Please try again in a minute."),
)

# what the brief calls the kind of thing a video promotes (`templates/brief.html`: `anchor_kind`)
ANCHOR_KINDS = {
    AnchorKind.WEBPAGE: N_("Web page"),
    AnchorKind.APP_DOWNLOAD: N_("App download"),
    AnchorKind.GAMING: N_("Game"),
    AnchorKind.TIKTOK_SHOP: N_("TikTok Shop product"),
}
OTHER_ANCHOR_KIND = N_("Link")


def anchor_kind(kind: AnchorKind) -> str:
    """The word for an anchor's kind in the page's language (a kind without a word reads "Link")."""
    return gettext_(ANCHOR_KINDS.get(kind, OTHER_ANCHOR_KIND))


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
