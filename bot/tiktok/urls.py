"""TikTok video URLs as creators and teams paste them (see TIKTOK.md), and creator handles.

Every accepted form is reduced to one identity, the video id: 19 ASCII digits whose top 32 bits
are the Unix time the post was made. A web link's `@handle` is only what the sender typed
(TikTok serves `/@anyone/video/<id>`), so the owner is proven later by a lookup; links that name
no account (embed, player, mobile, share) leave the handle empty. Short links (vm., vt., /t/)
reveal the id only through a lookup: they are kept, normalised, and marked for resolution.

Photo posts are refused: TikTok One speaks of videos for lite projects, and the creator page
says so next to the link field.

Every refusal carries a stable `code` and an English message saying what to paste instead; the
messages are plain module-level constants so the creator pages can translate them by their text.
"""

from __future__ import annotations

import re
import time
import unicodedata
from dataclasses import dataclass
from urllib.parse import urlsplit

MAX_URL_LENGTH = 500
MAX_TEXT_LENGTH = 2000  # a "Share to…" text around a link
WEB_HOSTS = {"tiktok.com", "www.tiktok.com", "m.tiktok.com", "t.tiktok.com", "www.tiktokv.com", "tiktokv.com"}
SHORT_HOSTS = {"vm.tiktok.com", "vt.tiktok.com"}
TIKTOK_HOSTS = WEB_HOSTS | SHORT_HOSTS

HANDLE = re.compile(r"^[A-Za-z0-9_.]{2,24}$", re.ASCII)
# TikTok's internal account ids (sec_uid) start with this base64 prefix; they name no handle
INTERNAL_ACCOUNT_PREFIX = "MS4wLjABAAAA"
SHORT_CODE = re.compile(r"^[A-Za-z0-9]{4,20}$", re.ASCII)

# the id part is any run of characters up to a separator, checked apart to say what is wrong
ID = r"(?P<id>[^/?#.]+)"
WEB_POST = re.compile(rf"^/+@(?P<handle>[^/]*)/+(?P<kind>video|photo)/+{ID}/*$", re.IGNORECASE)
EMBED = re.compile(rf"^/+embed(?:/+v2)?/+{ID}/*$")
PLAYER = re.compile(rf"^/+player/+v1/+{ID}/*$")
SHARE = re.compile(rf"^/+(?:i18n/+)?share/+video/+{ID}/*$")
MOBILE = re.compile(rf"^/+v/+{ID}(?:\.html)?/*$")
SHORT_PATH = re.compile(r"^/+(?P<code>[^/]+)/*$")
T_PATH = re.compile(r"^/+t/+(?P<code>[^/]+)/*$")
PROFILE = re.compile(r"^/+@[^/]+/*$")

# a post id is 19 digits today; its top 32 bits, the posting time, fall between TikTok's
# launch and now (a day's grace for clocks): anything else was mistyped or made up
ID_DIGITS = 19
EARLIEST_POST = 1451606400  # 2016-01-01 UTC
CLOCK_GRACE = 86400

ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))
SLACK_LINK = re.compile(r"<(?P<url>[^<>|\s]+)(?:\|[^<>]*)?>")
# trailing punctuation of a sentence around a link is not part of it
TRAILING = ".,;:!?)]}\"'»”’"

# --- what each refusal says (English; the creator pages translate these by their text) ----------
EMPTY = "Paste the link to your TikTok video."
TOO_LONG = "That text is too long for a TikTok link. In TikTok, tap Share → Copy link, and paste only that."
NO_LINK = "There's no link in that text. In TikTok, tap Share → Copy link, and paste it here."
TWO_LINKS = "That text has more than one link. Paste the link to one video only."
NOT_TIKTOK = "That isn't a TikTok link. Open your video in TikTok, tap Share → Copy link, and paste it here."
NOT_A_VIDEO = "That isn't a link to a TikTok video. Open your video in TikTok, tap Share → Copy link, and paste it here."
PROFILE_LINK = (
    "That's a link to a TikTok profile. Open the video itself, tap Share → Copy link, and paste it here."
)
PHOTO_POST = (
    "That's a photo post. Lite projects take videos only: paste the link to a video "
    "(in TikTok, Share → Copy link)."
)
BAD_ID = (
    "The video number in that link isn't a TikTok video id (19 digits). "
    "Copy the link again from TikTok (Share → Copy link) instead of typing it."
)
UNICODE_DIGITS = (
    "The video number in that link has characters that only look like digits. "
    "Copy the link again from TikTok (Share → Copy link) instead of typing it."
)
BAD_HANDLE_IN_LINK = (
    "The account name in that link isn't a valid TikTok handle. "
    "Copy the link again from TikTok (Share → Copy link)."
)
SHORT_INCOMPLETE = "That short TikTok link looks incomplete. Copy it again from TikTok (Share → Copy link)."
HANDLE_MISSING = "Enter your TikTok handle, e.g. @yourname."
HANDLE_INVALID = "A TikTok handle has 2–24 letters, digits, underscores or dots, and doesn't end with a dot."


class TikTokUrlError(ValueError):
    """The text isn't a TikTok video link; the message says why, for the person who pasted it.

    `code` names the reason, stable for tests and logs: empty, too_long, no_link, two_links,
    not_tiktok, not_a_video, profile, photo_post, bad_id, unicode_digits, bad_handle,
    short_incomplete, handle_missing, handle_invalid.
    """

    def __init__(self, message: str, code: str = "invalid") -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class VideoUrl:
    """A parsed TikTok video link.

    `url` is the canonical link when the id is known, or the normalised short link otherwise;
    `handle` is the account the link names, when it names a usable one (a claim, not a proof).
    """

    url: str
    video_id: str | None
    handle: str | None
    needs_resolution: bool = False

    @property
    def key(self) -> str:
        """What identifies the video within a project: its id, else the short link."""
        return self.video_id or self.url

    def with_handle(self, handle: str) -> VideoUrl:
        """The canonical link for a link that didn't name its account (embed, mobile, share)."""
        if self.video_id is None or self.handle is not None:
            return self
        return VideoUrl(canonical_url(handle, self.video_id), self.video_id, handle)


def canonical_url(handle: str, video_id: str) -> str:
    return f"https://www.tiktok.com/@{handle}/video/{video_id}"


def clean_handle(value: str | None) -> str:
    """A TikTok handle, without the `@`, lower-cased (TikTok handles ignore case)."""
    handle = (value or "").translate(ZERO_WIDTH).strip().removeprefix("@")
    if not handle:
        raise TikTokUrlError(HANDLE_MISSING, "handle_missing")
    if not HANDLE.match(handle) or handle.endswith("."):
        raise TikTokUrlError(HANDLE_INVALID, "handle_invalid")
    return handle.lower()


def video_id_time(video_id: str) -> int:
    """The Unix time a post id says it was made (its top 32 bits)."""
    return int(video_id) >> 32


def clean_video_id(value: str, *, now: float | None = None) -> str:
    """A post id as 19 ASCII digits that decode to a plausible posting time; refused otherwise.

    `\\d` and `int()` accept any Unicode digit, so the check is on ASCII explicitly: a fullwidth
    or Arabic-Indic copy of an id must not become a second identity for one video. With zero
    padding refused too, the id's text is canonical: comparing ids as text compares the numbers.
    """
    if not value.isascii():
        if all(unicodedata.category(ch) == "Nd" for ch in value):
            raise TikTokUrlError(UNICODE_DIGITS, "unicode_digits")
        raise TikTokUrlError(BAD_ID, "bad_id")
    if len(value) != ID_DIGITS or not value.isdigit() or value.startswith("0"):
        raise TikTokUrlError(BAD_ID, "bad_id")
    posted = video_id_time(value)
    latest = (time.time() if now is None else now) + CLOCK_GRACE
    if not EARLIEST_POST <= posted <= latest:
        raise TikTokUrlError(BAD_ID, "bad_id")
    return value


def extract_link(value: str | None) -> str:
    """The one link in what was pasted: unwrap Slack's `<url|label>`, drop zero-width characters,
    and take the TikTok link out of a "Share to…" sentence. Two different links are refused."""
    text = (value or "").translate(ZERO_WIDTH).strip()
    if not text:
        raise TikTokUrlError(EMPTY, "empty")
    if len(text) > MAX_TEXT_LENGTH:
        raise TikTokUrlError(TOO_LONG, "too_long")
    text = SLACK_LINK.sub(lambda match: f" {match['url']} ", text).strip()
    tokens = text.split()
    if len(tokens) == 1:
        return tokens[0]
    links: list[str] = []
    for token in tokens:
        token = token.strip(TRAILING).lstrip("([{\"'«“‘")
        if ("://" in token or _host_of(token) in TIKTOK_HOSTS) and token not in links:
            links.append(token)
    tiktok = [link for link in links if _host_of(link) in TIKTOK_HOSTS]
    if len(tiktok) > 1:
        raise TikTokUrlError(TWO_LINKS, "two_links")
    if tiktok:
        return tiktok[0]
    if len(links) > 1:
        raise TikTokUrlError(TWO_LINKS, "two_links")
    if links:
        return links[0]
    raise TikTokUrlError(NO_LINK, "no_link")


def _host_of(token: str) -> str:
    """The host a token would name as a URL (lower-cased), or '' when it has none."""
    candidate = token if "://" in token else "https://" + token
    try:
        return (urlsplit(candidate).hostname or "").lower()
    except ValueError:
        return ""


def parse_video_url(value: str | None, *, now: float | None = None) -> VideoUrl:
    """Parse any TikTok video link form; raise TikTokUrlError with a clear message otherwise."""
    text = extract_link(value)
    if len(text) > MAX_URL_LENGTH:
        raise TikTokUrlError(TOO_LONG, "too_long")
    if "://" not in text:
        text = "https://" + text
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        raise TikTokUrlError(NOT_TIKTOK, "not_tiktok") from None
    host = (parts.hostname or "").lower()
    if (
        parts.scheme.lower() not in ("http", "https")
        or parts.username is not None
        or parts.password is not None
        or port not in (None, 80, 443)
        or host not in TIKTOK_HOSTS
        or not parts.netloc.isascii()
    ):
        raise TikTokUrlError(NOT_TIKTOK, "not_tiktok")
    path = parts.path or "/"

    if host in SHORT_HOSTS:
        match = SHORT_PATH.match(path)
        if match and SHORT_CODE.match(match["code"]):
            return VideoUrl(f"https://{host}/{match['code']}/", None, None, needs_resolution=True)
        raise TikTokUrlError(SHORT_INCOMPLETE, "short_incomplete")

    if (match := T_PATH.match(path)) is not None:
        if SHORT_CODE.match(match["code"]):
            return VideoUrl(f"https://www.tiktok.com/t/{match['code']}/", None, None, needs_resolution=True)
        raise TikTokUrlError(SHORT_INCOMPLETE, "short_incomplete")

    if (match := WEB_POST.match(path)) is not None:
        if match["kind"].lower() == "photo":
            raise TikTokUrlError(PHOTO_POST, "photo_post")
        video_id = clean_video_id(match["id"], now=now)
        handle = _handle_in_link(match["handle"])
        if handle is None:
            return VideoUrl(embed_url(video_id), video_id, None)
        return VideoUrl(canonical_url(handle, video_id), video_id, handle)

    if (
        match := EMBED.match(path) or PLAYER.match(path) or SHARE.match(path) or MOBILE.match(path)
    ) is not None:
        video_id = clean_video_id(match["id"], now=now)
        return VideoUrl(embed_url(video_id), video_id, None)

    if PROFILE.match(path):
        raise TikTokUrlError(PROFILE_LINK, "profile")
    raise TikTokUrlError(NOT_A_VIDEO, "not_a_video")


def embed_url(video_id: str) -> str:
    """The link for a video whose account isn't known yet (TikTok serves it for any id)."""
    return f"https://www.tiktok.com/embed/v2/{video_id}"


def _handle_in_link(raw: str) -> str | None:
    """The handle a web link names; None for an empty one or TikTok's internal account id."""
    if not raw or raw.startswith(INTERNAL_ACCOUNT_PREFIX):
        return None
    try:
        return clean_handle(raw)
    except TikTokUrlError:
        raise TikTokUrlError(BAD_HANDLE_IN_LINK, "bad_handle") from None
