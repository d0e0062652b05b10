"""TikTok video URLs as creators and teams paste them (see TIKTOK.md), and creator handles.

Every accepted form is reduced to the canonical `https://www.tiktok.com/@handle/video/<id>`;
the video id is the identity of a video. Short links (vm., vt., /t/) only reveal the id after
following a redirect, which can't be done offline: they are kept, normalised, and marked so
they can be resolved later.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

MAX_URL_LENGTH = 500
WEB_HOSTS = {"tiktok.com", "www.tiktok.com", "m.tiktok.com"}
SHORT_HOSTS = {"vm.tiktok.com", "vt.tiktok.com"}

HANDLE = re.compile(r"^[A-Za-z0-9_.]{2,24}$")
VIDEO_ID = r"(?P<id>\d{15,21})"
NOT_TIKTOK = "That isn't a TikTok link. Open your video in TikTok, tap Share → Copy link, and paste it here."
SHORT_CODE = re.compile(r"^[A-Za-z0-9]{4,20}$")

WEB_VIDEO = re.compile(rf"^/@(?P<handle>[^/]+)/video/{VIDEO_ID}/?$")
WEB_PHOTO = re.compile(rf"^/@(?P<handle>[^/]+)/photo/{VIDEO_ID}/?$")
EMBED = re.compile(rf"^/embed(?:/v2)?/{VIDEO_ID}/?$")
MOBILE = re.compile(rf"^/v/{VIDEO_ID}(?:\.html)?/?$")
SHORT_PATH = re.compile(r"^/(?P<code>[^/]+)/?$")
T_PATH = re.compile(r"^/t/(?P<code>[^/]+)/?$")


class TikTokUrlError(ValueError):
    """The text isn't a TikTok video link; the message says why, for the person who pasted it."""


@dataclass(frozen=True)
class VideoUrl:
    """A parsed TikTok video link.

    `url` is the canonical link when the id is known, or the normalised short link otherwise;
    `handle` is the account in the link, when the link names one.
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
        """The canonical link for a link that didn't name its account (embed, mobile)."""
        if self.video_id is None or self.handle is not None:
            return self
        return VideoUrl(canonical_url(handle, self.video_id), self.video_id, handle)


def canonical_url(handle: str, video_id: str) -> str:
    return f"https://www.tiktok.com/@{handle}/video/{video_id}"


def clean_handle(value: str | None) -> str:
    """A TikTok handle, without the `@`, lower-cased (TikTok handles ignore case)."""
    handle = (value or "").strip().removeprefix("@")
    if not handle:
        raise TikTokUrlError("Enter your TikTok handle, e.g. @yourname.")
    if not HANDLE.match(handle) or handle.endswith("."):
        raise TikTokUrlError(
            "A TikTok handle has 2–24 letters, digits, underscores or dots, and doesn't end with a dot."
        )
    return handle.lower()


def parse_video_url(value: str | None) -> VideoUrl:
    """Parse any TikTok video link form; raise TikTokUrlError with a clear message otherwise."""
    text = (value or "").strip()
    if not text:
        raise TikTokUrlError("Paste the link to your TikTok video.")
    if len(text) > MAX_URL_LENGTH:
        raise TikTokUrlError(f"That link is {len(text)} characters; a TikTok video link is much shorter.")
    if any(ch.isspace() for ch in text):
        raise TikTokUrlError("Paste only the link to your video, without spaces.")
    if "://" not in text:
        text = "https://" + text
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        raise TikTokUrlError(NOT_TIKTOK) from None
    host = (parts.hostname or "").lower()
    if (
        parts.scheme.lower() not in ("http", "https")
        or parts.username is not None
        or parts.password is not None
        or port not in (None, 80, 443)
        or host not in WEB_HOSTS | SHORT_HOSTS
    ):
        raise TikTokUrlError(NOT_TIKTOK)
    path = parts.path or "/"

    if host in SHORT_HOSTS:
        match = SHORT_PATH.match(path)
        if match and SHORT_CODE.match(match["code"]):
            return VideoUrl(f"https://{host}/{match['code']}/", None, None, needs_resolution=True)
        raise TikTokUrlError("That short TikTok link looks incomplete; copy it again from TikTok.")

    if (match := T_PATH.match(path)) is not None:
        if SHORT_CODE.match(match["code"]):
            return VideoUrl(f"https://www.tiktok.com/t/{match['code']}/", None, None, needs_resolution=True)
        raise TikTokUrlError("That short TikTok link looks incomplete; copy it again from TikTok.")

    if WEB_PHOTO.match(path):
        raise TikTokUrlError("That's a photo post, not a video. Deliver the link to a video.")

    if (match := WEB_VIDEO.match(path)) is not None:
        try:
            handle = clean_handle(match["handle"])
        except TikTokUrlError:
            raise TikTokUrlError("The account name in that link isn't a valid TikTok handle.") from None
        return VideoUrl(canonical_url(handle, match["id"]), match["id"], handle)

    if (match := EMBED.match(path) or MOBILE.match(path)) is not None:
        return VideoUrl(f"https://www.tiktok.com/embed/v2/{match['id']}", match["id"], None)

    if path.rstrip("/").startswith("/@") and "/" not in path.strip("/"):
        raise TikTokUrlError("That's a link to a TikTok profile; paste the link to the video itself.")
    raise TikTokUrlError(
        "That isn't a link to a TikTok video. Open your video in TikTok, tap Share → Copy link, and paste it here."
    )
