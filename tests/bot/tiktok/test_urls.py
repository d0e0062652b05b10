"""TikTok video links in every form creators paste (TIKTOK.md), and handles."""

from __future__ import annotations

import pytest

from bot.tiktok.urls import TikTokUrlError, clean_handle, parse_video_url

VIDEO_ID = "7301234567890123456"
CANONICAL = f"https://www.tiktok.com/@glow.maker/video/{VIDEO_ID}"


@pytest.mark.parametrize(
    "pasted",
    [
        CANONICAL,
        f"{CANONICAL}?is_from_webapp=1&sender_device=pc",
        f"{CANONICAL}/",
        f"{CANONICAL}#comments",
        f"  {CANONICAL}  ",
        f"http://www.tiktok.com/@glow.maker/video/{VIDEO_ID}",
        f"www.tiktok.com/@glow.maker/video/{VIDEO_ID}",
        f"https://tiktok.com/@glow.maker/video/{VIDEO_ID}",
        f"https://m.tiktok.com/@glow.maker/video/{VIDEO_ID}?lang=en",
        f"https://www.tiktok.com/@Glow.Maker/video/{VIDEO_ID}",
        f"HTTPS://WWW.TIKTOK.COM/@glow.maker/video/{VIDEO_ID}",
    ],
)
def test_web_links_normalise_to_the_canonical_form(pasted: str) -> None:
    link = parse_video_url(pasted)

    assert link.url == CANONICAL
    assert link.video_id == VIDEO_ID
    assert link.handle == "glow.maker"
    assert link.key == VIDEO_ID
    assert link.needs_resolution is False


@pytest.mark.parametrize(
    "pasted",
    [
        f"https://www.tiktok.com/embed/v2/{VIDEO_ID}",
        f"https://www.tiktok.com/embed/{VIDEO_ID}?autoplay=1",
        f"https://m.tiktok.com/v/{VIDEO_ID}.html",
        f"https://m.tiktok.com/v/{VIDEO_ID}.html?u_code=abc&share_item_id={VIDEO_ID}",
    ],
)
def test_links_without_an_account_know_the_id_and_take_the_creators_handle(pasted: str) -> None:
    link = parse_video_url(pasted)

    assert link.video_id == VIDEO_ID
    assert link.handle is None
    assert link.needs_resolution is False
    assert link.with_handle("glow.maker").url == CANONICAL


@pytest.mark.parametrize(
    ("pasted", "kept"),
    [
        ("https://vm.tiktok.com/ZMabc123/", "https://vm.tiktok.com/ZMabc123/"),
        ("https://vm.tiktok.com/ZMabc123", "https://vm.tiktok.com/ZMabc123/"),
        ("vt.tiktok.com/ZSabc123/?k=1", "https://vt.tiktok.com/ZSabc123/"),
        ("http://vt.tiktok.com/ZSabc123/", "https://vt.tiktok.com/ZSabc123/"),
        ("https://www.tiktok.com/t/ZTabc123/", "https://www.tiktok.com/t/ZTabc123/"),
        ("https://www.tiktok.com/t/ZTabc123?_r=1", "https://www.tiktok.com/t/ZTabc123/"),
    ],
)
def test_short_links_are_kept_and_marked_for_resolution(pasted: str, kept: str) -> None:
    link = parse_video_url(pasted)

    assert link.needs_resolution is True
    assert link.url == kept
    assert link.key == kept
    assert link.video_id is None
    assert link.with_handle("someone").url == kept


def test_a_photo_post_is_named_as_such() -> None:
    with pytest.raises(TikTokUrlError, match="photo post, not a video"):
        parse_video_url(f"https://www.tiktok.com/@glow.maker/photo/{VIDEO_ID}?lang=en")


@pytest.mark.parametrize(
    ("pasted", "says"),
    [
        ("", "Paste the link"),
        ("   ", "Paste the link"),
        (f"https://www.youtube.com/watch?v={VIDEO_ID}", "isn't a TikTok link"),
        (f"https://tiktok.com.evil.example/@a/video/{VIDEO_ID}", "isn't a TikTok link"),
        (f"https://www.tiktok.com@evil.example/@a/video/{VIDEO_ID}", "isn't a TikTok link"),
        (f"https://user@www.tiktok.com/@glow.maker/video/{VIDEO_ID}", "isn't a TikTok link"),
        (f"https://www.tiktok.com:8443/@glow.maker/video/{VIDEO_ID}", "isn't a TikTok link"),
        (f"ftp://www.tiktok.com/@glow.maker/video/{VIDEO_ID}", "isn't a TikTok link"),
        (f"javascript:alert(1)//www.tiktok.com/@a/video/{VIDEO_ID}", "isn't a TikTok link"),
        ("https://www.tiktok.com/@glow.maker", "profile"),
        ("https://www.tiktok.com/@glow.maker/video/123", "isn't a link to a TikTok video"),
        ("https://www.tiktok.com/@glow.maker/video/notanid", "isn't a link to a TikTok video"),
        ("https://www.tiktok.com/", "isn't a link to a TikTok video"),
        (f"https://www.tiktok.com/@bad!name/video/{VIDEO_ID}", "isn't a valid TikTok handle"),
        (f"https://www.tiktok.com/@ends.with.dot./video/{VIDEO_ID}", "isn't a valid TikTok handle"),
        ("https://vm.tiktok.com/", "looks incomplete"),
        ("https://vm.tiktok.com/ZM$bad/", "looks incomplete"),
        (f"{CANONICAL} {CANONICAL}", "without spaces"),
        ("https://www.tiktok.com/@a/video/" + "1" * 600, "much shorter"),
    ],
)
def test_other_text_is_refused_with_a_reason(pasted: str, says: str) -> None:
    with pytest.raises(TikTokUrlError, match=says):
        parse_video_url(pasted)


@pytest.mark.parametrize(
    ("typed", "handle"),
    [
        ("@Glow.Maker", "glow.maker"),
        ("glow_maker_99", "glow_maker_99"),
        ("  @ab ", "ab"),
        ("a" * 24, "a" * 24),
    ],
)
def test_handles_are_cleaned(typed: str, handle: str) -> None:
    assert clean_handle(typed) == handle


@pytest.mark.parametrize(
    "typed", ["", "@", "a", "a" * 25, "glow maker", "glow-maker", "glow.", "@@glow", "glöw"]
)
def test_bad_handles_are_refused(typed: str) -> None:
    with pytest.raises(TikTokUrlError):
        clean_handle(typed)
