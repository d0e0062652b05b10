"""TikTok video links in every form creators paste (TIKTOK.md), and handles.

The tables are data, one case a line: the forms TikTok's apps and site produce (TIKTOK.md), the
URL shapes other TikTok tools' test suites use (yt-dlp, gallery-dl, cobalt: web, embed, share,
mobile, short and photo links), and the paste leftovers people bring along.
"""

from __future__ import annotations

import pytest

from bot.tiktok import urls
from bot.tiktok.urls import TikTokUrlError, clean_handle, clean_video_id, parse_video_url

ID = "7301234567890123456"
CANONICAL = f"https://www.tiktok.com/@glow.maker/video/{ID}"
EMBED = f"https://www.tiktok.com/embed/v2/{ID}"
SHARE_TEXT = "Check out glow.maker's video! #TikTok"

# pasted text → (video id, handle the link names or None, canonical link)
ACCEPTED: list[tuple[str, str, str | None, str]] = [
    (CANONICAL, ID, "glow.maker", CANONICAL),
    (f"{CANONICAL}?is_from_webapp=1&sender_device=pc", ID, "glow.maker", CANONICAL),
    (
        f"{CANONICAL}?is_from_webapp=1&sender_device=pc&web_id=7301234567890000000",
        ID,
        "glow.maker",
        CANONICAL,
    ),
    (f"{CANONICAL}/", ID, "glow.maker", CANONICAL),
    (f"{CANONICAL}#comments", ID, "glow.maker", CANONICAL),
    (f"  {CANONICAL}  ", ID, "glow.maker", CANONICAL),
    (f"http://www.tiktok.com/@glow.maker/video/{ID}", ID, "glow.maker", CANONICAL),
    (f"www.tiktok.com/@glow.maker/video/{ID}", ID, "glow.maker", CANONICAL),
    (f"tiktok.com/@glow.maker/video/{ID}", ID, "glow.maker", CANONICAL),
    (f"https://tiktok.com/@glow.maker/video/{ID}", ID, "glow.maker", CANONICAL),
    (f"https://m.tiktok.com/@glow.maker/video/{ID}?lang=en", ID, "glow.maker", CANONICAL),
    (f"https://www.tiktok.com/@Glow.Maker/video/{ID}", ID, "glow.maker", CANONICAL),
    (f"HTTPS://WWW.TIKTOK.COM/@glow.maker/video/{ID}", ID, "glow.maker", CANONICAL),
    (f"https://www.tiktok.com/@glow.maker/Video/{ID}", ID, "glow.maker", CANONICAL),
    (f"https://www.tiktok.com//@glow.maker//video//{ID}//", ID, "glow.maker", CANONICAL),
    (f"https://www.tiktokv.com/@glow.maker/video/{ID}", ID, "glow.maker", CANONICAL),
    # yt-dlp's web cases (ids with their recorded posting times)
    (
        "https://www.tiktok.com/@leenabhushan/video/6748451240264420610",
        "6748451240264420610",
        "leenabhushan",
        "https://www.tiktok.com/@leenabhushan/video/6748451240264420610",
    ),
    (
        "https://www.tiktok.com/@patroxofficial/video/6742501081818877190?langCountry=en",
        "6742501081818877190",
        "patroxofficial",
        "https://www.tiktok.com/@patroxofficial/video/6742501081818877190",
    ),
    (
        "https://www.tiktok.com/@pokemonlife22/video/7059698374567611694",
        "7059698374567611694",
        "pokemonlife22",
        "https://www.tiktok.com/@pokemonlife22/video/7059698374567611694",
    ),
    (
        "https://www.tiktok.com/@barudakhb_/video/6984138651336838402",
        "6984138651336838402",
        "barudakhb_",
        "https://www.tiktok.com/@barudakhb_/video/6984138651336838402",
    ),
    # empty handle and TikTok's internal account id: the link names no account
    (f"https://www.tiktok.com/@/video/{ID}", ID, None, EMBED),
    (
        f"https://www.tiktok.com/@MS4wLjABAAAAdZ_Dc-7nyGi3gNbDd8W5GCr3hMi0bo0H8uoN8IWyl4lRY6b-d6wL1Z2qU3NM5K9b/video/{ID}",
        ID,
        None,
        EMBED,
    ),
    # embed, embed player, share, old app share, mobile
    (f"https://www.tiktok.com/embed/v2/{ID}", ID, None, EMBED),
    (f"https://www.tiktok.com/embed/{ID}?autoplay=1", ID, None, EMBED),
    (f"https://www.tiktok.com/embed/v2/{ID}?lang=en-US&referrer=https%3A%2F%2Fexample.com", ID, None, EMBED),
    (f"https://www.tiktok.com/player/v1/{ID}?music_info=1&description=1", ID, None, EMBED),
    (f"https://www.tiktok.com/share/video/{ID}", ID, None, EMBED),
    (f"https://www.tiktokv.com/share/video/{ID}/?tt_from=copy", ID, None, EMBED),
    (f"https://t.tiktok.com/i18n/share/video/{ID}/?_d=0&language=en&u_code=abc", ID, None, EMBED),
    (f"https://www.tiktok.com/i18n/share/video/{ID}", ID, None, EMBED),
    (f"https://m.tiktok.com/v/{ID}.html", ID, None, EMBED),
    (f"https://m.tiktok.com/v/{ID}.html?u_code=abc&share_item_id={ID}", ID, None, EMBED),
    (
        "https://m.tiktok.com/v/6745252542937410822",
        "6745252542937410822",
        None,
        "https://www.tiktok.com/embed/v2/6745252542937410822",
    ),
    # paste leftovers: zero-width characters, Slack's wrapping, a "Share to…" sentence
    (f"\u200b{CANONICAL}\u200b", ID, "glow.maker", CANONICAL),
    (f"\ufeff{CANONICAL}\u2060", ID, "glow.maker", CANONICAL),
    (f"<{CANONICAL}>", ID, "glow.maker", CANONICAL),
    (f"<{CANONICAL}|{CANONICAL}>", ID, "glow.maker", CANONICAL),
    (f"<{CANONICAL}|my video>", ID, "glow.maker", CANONICAL),
    (f"{SHARE_TEXT} {CANONICAL}", ID, "glow.maker", CANONICAL),
    (f"{SHARE_TEXT} {CANONICAL}?_t=8abc&_r=1 Download TikTok to watch more!", ID, "glow.maker", CANONICAL),
    (f"Watch this: ({CANONICAL}).", ID, "glow.maker", CANONICAL),
    (f"{CANONICAL} {CANONICAL}", ID, "glow.maker", CANONICAL),
    (f"Mira este video {CANONICAL}\n\u200b", ID, "glow.maker", CANONICAL),
]

# pasted short link → the kept, normalised link (the id comes from a lookup)
SHORT: list[tuple[str, str]] = [
    ("https://vm.tiktok.com/ZMabc1234/", "https://vm.tiktok.com/ZMabc1234/"),
    ("https://vm.tiktok.com/ZMabc1234", "https://vm.tiktok.com/ZMabc1234/"),
    ("https://vm.tiktok.com//ZMabc1234//", "https://vm.tiktok.com/ZMabc1234/"),
    ("vt.tiktok.com/ZSabc1234/?k=1", "https://vt.tiktok.com/ZSabc1234/"),
    ("http://vt.tiktok.com/ZSabc1234/", "https://vt.tiktok.com/ZSabc1234/"),
    ("https://vm.tiktok.com/ZTR45GpSF/", "https://vm.tiktok.com/ZTR45GpSF/"),
    ("https://vm.tiktok.com/JhaCyM2/", "https://vm.tiktok.com/JhaCyM2/"),
    ("https://www.tiktok.com/t/ZTabc1234/", "https://www.tiktok.com/t/ZTabc1234/"),
    ("https://www.tiktok.com/t/ZTabc1234?_r=1", "https://www.tiktok.com/t/ZTabc1234/"),
    ("https://www.tiktok.com//t//ZTabc1234//", "https://www.tiktok.com/t/ZTabc1234/"),
    ("https://tiktok.com/t/ZTabc1234/", "https://www.tiktok.com/t/ZTabc1234/"),
    ("<https://vm.tiktok.com/ZMabc1234/>", "https://vm.tiktok.com/ZMabc1234/"),
    (f"{SHARE_TEXT} https://vm.tiktok.com/ZMabc1234/ ", "https://vm.tiktok.com/ZMabc1234/"),
    ("\u200bhttps://vt.tiktok.com/ZSabc1234/\u200b", "https://vt.tiktok.com/ZSabc1234/"),
]

# pasted text → the refusal's code
REFUSED: list[tuple[str, str]] = [
    ("", "empty"),
    ("   ", "empty"),
    ("\u200b\u200b", "empty"),
    ("x" * 2001, "too_long"),
    ("https://www.tiktok.com/@a/video/" + "1" * 600, "too_long"),
    ("my video is the one from yesterday", "no_link"),
    (f"{CANONICAL} https://vm.tiktok.com/ZMabc1234/", "two_links"),
    (f"{CANONICAL} https://www.tiktok.com/@glow.maker/video/7301234567890123457", "two_links"),
    ("https://example.com/a https://example.com/b", "two_links"),
    (f"https://www.youtube.com/watch?v={ID}", "not_tiktok"),
    (f"https://tiktok.com.evil.example/@a/video/{ID}", "not_tiktok"),
    (f"https://www.tiktok.com@evil.example/@a/video/{ID}", "not_tiktok"),
    (f"https://user@www.tiktok.com/@glow.maker/video/{ID}", "not_tiktok"),
    (f"https://www.tiktok.com:8443/@glow.maker/video/{ID}", "not_tiktok"),
    (f"https://www.tiktok.com%2eevil.example/@glow.maker/video/{ID}", "not_tiktok"),
    (f"https://www.tiktok.com%2F@evil.example/@glow.maker/video/{ID}", "not_tiktok"),
    (f"https://www.tiktok\u3002com/@glow.maker/video/{ID}", "not_tiktok"),
    (f"https://www.tiktok.co/@glow.maker/video/{ID}", "not_tiktok"),
    (f"https://wwwtiktok.com/@glow.maker/video/{ID}", "not_tiktok"),
    (f"https://us.tiktok.com.cdn.example/@a/video/{ID}", "not_tiktok"),
    (f"ftp://www.tiktok.com/@glow.maker/video/{ID}", "not_tiktok"),
    (f"javascript:alert(1)//www.tiktok.com/@a/video/{ID}", "not_tiktok"),
    (f"data:text/html,https://www.tiktok.com/@a/video/{ID}", "not_tiktok"),
    ("https://www.tiktok.com/@glow.maker", "profile"),
    ("https://www.tiktok.com/@glow.maker/", "profile"),
    ("https://www.tiktok.com/", "not_a_video"),
    ("https://www.tiktok.com/tag/skincare", "not_a_video"),
    ("https://www.tiktok.com/music/original-sound-7301234567890123456", "not_a_video"),
    (f"https://www.tiktok.com/@glow.maker/live/{ID}", "not_a_video"),
    (f"https://www.tiktok.com/%40glow.maker/video/{ID}", "not_a_video"),
    (f"https://www.tiktok.com/@glow.maker/photo/{ID}?lang=en", "photo_post"),
    ("https://www.tiktok.com/@chillezy/photo/7240568259186019630", "photo_post"),
    ("https://www.tiktok.com/@glow.maker/video/123", "bad_id"),
    ("https://www.tiktok.com/@glow.maker/video/notanid", "bad_id"),
    (f"https://www.tiktok.com/@glow.maker/video/0{ID}", "bad_id"),
    (f"https://www.tiktok.com/@glow.maker/video/00{ID[:17]}", "bad_id"),
    (f"https://www.tiktok.com/@glow.maker/video/{ID}0", "bad_id"),
    (f"https://www.tiktok.com/@glow.maker/video/{ID[:18]}", "bad_id"),
    ("https://www.tiktok.com/@glow.maker/video/1301234567890123456", "bad_id"),
    ("https://www.tiktok.com/@glow.maker/video/9301234567890123456", "bad_id"),
    ("https://www.tiktok.com/@glow.maker/video/6000000000000000000", "bad_id"),
    ("https://www.tiktok.com/@glow.maker/video/+301234567890123456", "bad_id"),
    (f"https://www.tiktok.com/@glow.maker/video/{ID[:18]}\u0661", "unicode_digits"),
    (
        "https://www.tiktok.com/@glow.maker/video/\uff17\uff13\uff10\uff11\uff12\uff13\uff14\uff15\uff16\uff17\uff18\uff19\uff10\uff11\uff12\uff13\uff14\uff15\uff16",
        "unicode_digits",
    ),
    (
        "https://www.tiktok.com/embed/v2/\u0667\u0663\u0660\u0661\u0662\u0663\u0664\u0665\u0666\u0667\u0668\u0669\u0660\u0661\u0662\u0663\u0664\u0665\u0666",
        "unicode_digits",
    ),
    (f"https://m.tiktok.com/v/{ID[:18]}.html", "bad_id"),
    (f"https://www.tiktok.com/@bad!name/video/{ID}", "bad_handle"),
    (f"https://www.tiktok.com/@ends.with.dot./video/{ID}", "bad_handle"),
    (f"https://www.tiktok.com/@gl\u00f6w/video/{ID}", "bad_handle"),
    ("https://vm.tiktok.com/", "short_incomplete"),
    ("https://vm.tiktok.com/ZM$bad/", "short_incomplete"),
    ("https://vm.tiktok.com/ZM/", "short_incomplete"),
    ("https://vt.tiktok.com/ZSabc1234/extra", "short_incomplete"),
    ("https://www.tiktok.com/t/Z%2e/", "short_incomplete"),
]


@pytest.mark.parametrize(("pasted", "video_id", "handle", "canonical"), ACCEPTED)
def test_every_real_link_form_is_accepted(
    pasted: str, video_id: str, handle: str | None, canonical: str
) -> None:
    link = parse_video_url(pasted)

    assert (link.video_id, link.handle, link.url) == (video_id, handle, canonical)
    assert link.key == video_id
    assert link.needs_resolution is False


@pytest.mark.parametrize(("pasted", "kept"), SHORT)
def test_short_links_are_kept_and_marked_for_resolution(pasted: str, kept: str) -> None:
    link = parse_video_url(pasted)

    assert (link.url, link.key, link.video_id, link.needs_resolution) == (kept, kept, None, True)
    assert link.with_handle("someone").url == kept


@pytest.mark.parametrize(("pasted", "code"), REFUSED)
def test_other_text_is_refused_with_a_stable_code(pasted: str, code: str) -> None:
    with pytest.raises(TikTokUrlError) as refused:
        parse_video_url(pasted)

    assert refused.value.code == code
    # every refusal says what to paste instead
    assert str(refused.value).endswith((".", ")."))
    assert any(hint in str(refused.value) for hint in ("Copy", "Paste", "paste", "copy"))


def test_refusal_messages_are_plain_module_constants() -> None:
    """The creator pages translate refusals by their English text: each is a constant."""
    constants = {value for name, value in vars(urls).items() if name.isupper() and isinstance(value, str)}
    for pasted, _code in REFUSED:
        with pytest.raises(TikTokUrlError) as refused:
            parse_video_url(pasted)
        assert str(refused.value) in constants


def test_a_link_without_an_account_takes_the_creators_handle() -> None:
    link = parse_video_url(f"https://www.tiktok.com/share/video/{ID}")

    assert link.with_handle("glow.maker").url == CANONICAL
    assert parse_video_url(CANONICAL).with_handle("someone.else").url == CANONICAL


def test_ids_decode_to_their_posting_time() -> None:
    # yt-dlp's recorded timestamp for this post is 1571246252
    assert urls.video_id_time("6748451240264420610") == 1571246245
    # an id from the future (beyond a day's grace) is made up
    with pytest.raises(TikTokUrlError):
        clean_video_id("7301234567890123456", now=1_600_000_000)
    assert clean_video_id("7301234567890123456", now=1_700_000_000) == ID


def test_one_video_has_one_id_text() -> None:
    """Ids are compared as text; only the canonical ASCII form gets through, so that is exact."""
    assert clean_video_id(ID) == ID
    for copy in ("\uff17" + ID[1:], "0" + ID, " " + ID, ID + "\u200b"):
        with pytest.raises(TikTokUrlError):
            clean_video_id(copy)


@pytest.mark.parametrize(
    ("typed", "handle"),
    [
        ("@Glow.Maker", "glow.maker"),
        ("glow_maker_99", "glow_maker_99"),
        ("  @ab ", "ab"),
        ("\u200b@glow.maker", "glow.maker"),
        ("a" * 24, "a" * 24),
    ],
)
def test_handles_are_cleaned(typed: str, handle: str) -> None:
    assert clean_handle(typed) == handle


@pytest.mark.parametrize(
    "typed", ["", "@", "a", "a" * 25, "glow maker", "glow-maker", "glow.", "@@glow", "glöw", "ｇｌｏｗ"]
)
def test_bad_handles_are_refused(typed: str) -> None:
    with pytest.raises(TikTokUrlError):
        clean_handle(typed)
