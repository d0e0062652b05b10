"""The creator-facing catalogs: complete against the source, negotiated and formatted by Babel."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from types import SimpleNamespace

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from bot import i18n
from bot.portal import messages
from bot.services import deliveries, linking
from bot.services.deliveries import _clean_fields
from bot.services.errors import InvalidInput
from bot.tiktok.spark_codes import SparkCodeError, clean_spark_code
from bot.tiktok.urls import TikTokUrlError, clean_handle, parse_video_url

ROOT = Path(__file__).resolve().parents[2]
LOCALES = ROOT / "bot" / "locales"
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None, "gettext_": None, "ngettext_": (1, 2)}
PLACEHOLDER = re.compile(r"%\((\w+)\)s")
CATALOGS = sorted(LOCALES.glob("*/LC_MESSAGES/messages.po"))
# the languages the creators a brand invites read, at the least
EXPECTED = {"en", "es", "pt-BR", "id", "vi", "th", "ja", "ko", "de", "fr", "tr", "ar"}


def extracted() -> set[str | tuple[str, ...]]:
    """Every message the code and templates mark today, as `pybabel extract -F babel.cfg` finds them."""
    with (ROOT / "babel.cfg").open() as config:
        method_map, options_map = parse_mapping_cfg(config)
    found: set[str | tuple[str, ...]] = set()
    for _filename, _lineno, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=KEYWORDS
    ):
        found.add(message if isinstance(message, str) else tuple(message))
    return found


def ids_of(path: Path) -> set[str | tuple[str, ...]]:
    with path.open("rb") as source:
        catalog = read_po(source)
    return {
        message.id if isinstance(message.id, str) else tuple(message.id) for message in catalog if message.id
    }


def test_every_expected_language_has_a_catalog() -> None:
    assert set(lang.tag for lang in i18n.languages().values()) >= EXPECTED
    assert i18n.language("ar") is not None and i18n.language("ar").direction == "rtl"  # type: ignore[union-attr]


def test_the_template_matches_what_the_code_marks() -> None:
    source = extracted()
    template = ids_of(LOCALES / "messages.pot")

    assert source - template == set(), "new messages: run the pybabel extract in README (Languages)"
    assert template - source == set(), "messages no longer used: run the pybabel extract in README"


@pytest.mark.parametrize("path", CATALOGS, ids=lambda path: path.parent.parent.name)
def test_a_catalog_translates_every_message_with_its_placeholders(path: Path) -> None:
    template = ids_of(LOCALES / "messages.pot")
    with path.open("rb") as source:
        catalog = read_po(source)
    missing, fuzzy, broken = [], [], []
    for msgid in template:
        message = catalog.get(msgid if isinstance(msgid, str) else msgid[0])
        strings = None if message is None else message.string
        # a message without any string is as missing as one with an empty string
        forms = [strings] if isinstance(strings, str) else list(strings or [""])
        if message is None or not all(forms):
            missing.append(msgid)
            continue
        if message.fuzzy:
            fuzzy.append(msgid)
        allowed = set(PLACEHOLDER.findall(msgid if isinstance(msgid, str) else " ".join(msgid)))
        for form in forms:
            if not set(PLACEHOLDER.findall(form)) <= allowed:
                broken.append((msgid, form))
    assert missing == [], f"{path.parent.parent.name} misses {len(missing)} messages: {missing[:3]}"
    assert fuzzy == [] and broken == []
    assert len(catalog.plural_forms) > 0 and catalog.num_plurals >= 1


def test_negotiation_follows_the_browser_with_the_closest_catalog() -> None:
    def tag(header: str) -> str | None:
        lang = i18n.negotiate(header)
        return lang.tag if lang else None

    assert tag("pt-BR,pt;q=0.9,en-US;q=0.8") == "pt-BR"
    assert tag("pt-PT") == "pt-BR"  # a country without its own catalog still gets its language
    assert tag("es-MX,es;q=0.9") == "es"
    assert tag("zh-CN,ja;q=0.5,en;q=0.1") == "ja"
    assert tag("en;q=0.2,ar;q=0.9") == "ar"
    assert tag("ar;q=0,fr") == "fr"
    assert tag("pl-PL,pl") is None
    assert tag("") is None and tag("*") is None and tag(";;;,q=") is None


@pytest.mark.parametrize(
    ("header", "tags"),
    [
        ("pt-BR,pt;q=0.8,en;q=0.5", ["pt_BR", "pt", "en"]),
        ("en;q=0.5, ja", ["ja", "en"]),
        ("de, fr", ["de", "fr"]),  # equal weights keep the browser's order
        ("fr;q=0, de", ["de"]),  # q=0: not this one
        ("*, es;q=0.9", ["es"]),
        ("en;q=high, th", ["th"]),  # an unreadable weight counts as not wanted
        (" ja ; q=0.7 ,, ar;Q=0.9", ["ar", "ja"]),
        ("x" * 36 + ", it", ["it"]),  # no tag is that long
        ("", []),
        (None, []),
    ],
)
def test_an_accept_language_header_is_read_most_wanted_first(header: str | None, tags: list[str]) -> None:
    assert i18n.parse_accept_language(header) == tags


def test_only_the_first_entries_of_a_long_accept_language_header_are_read() -> None:
    header = ", ".join(["ja;q=0.1"] * i18n.MAX_ACCEPT_LANGUAGE + ["th"])

    assert i18n.parse_accept_language(header) == ["ja"] * i18n.MAX_ACCEPT_LANGUAGE


def test_a_choice_on_the_page_beats_the_browser_which_beats_the_project() -> None:
    assert i18n.choose(query="ja", accept_language="fr", default="de").language.tag == "ja"
    assert i18n.choose(query="nope", accept_language="fr", default="de").language.tag == "fr"
    assert i18n.choose(query=None, accept_language="pl", default="de").language.tag == "de"
    assert i18n.choose(query=None, accept_language=None, default="").language.tag == "en"


def test_dates_and_numbers_are_babels() -> None:
    day = dt.date(2026, 12, 7)
    pt, ja, ar = (i18n.language(tag) for tag in ("pt-BR", "ja", "ar"))

    assert i18n.format_date(day, lang=pt) == "segunda-feira, 7 de dezembro de 2026"
    assert i18n.format_date(day, lang=ja) == "2026年12月7日月曜日"
    assert "ديسمبر" in i18n.format_date(day, lang=ar)
    assert i18n.format_number(1234, lang=i18n.language("de")) == "1.234"


@pytest.mark.parametrize(
    ("text", "portuguese"),
    [
        ("https://www.youtube.com/watch?v=1", "Esse não é um link do TikTok"),
        ("https://www.tiktok.com/@someone", "Esse é o link de um perfil do TikTok"),
        ("x" * 501, "Esse texto é longo demais para um link do TikTok"),
    ],
)
def test_messages_from_the_tiktok_checks_are_looked_up_by_their_english(text: str, portuguese: str) -> None:
    with pytest.raises(TikTokUrlError) as refused:
        parse_video_url(text)

    with i18n.using(i18n.language("pt-BR")):  # type: ignore[arg-type]
        assert messages.translate(str(refused.value)).startswith(portuguese)


def test_messages_with_values_keep_them_in_the_translation() -> None:
    with pytest.raises(InvalidInput) as refused:
        _clean_fields(
            "https://www.tiktok.com/@other.one/video/7301234567890123456", "glow.maker", "a@b.co", None
        )
    with pytest.raises(SparkCodeError) as too_long:
        clean_spark_code("#" + "A" * 250)

    with i18n.using(i18n.language("de")):  # type: ignore[arg-type]
        assert messages.translate(refused.value.errors["url"]).startswith(
            "Dieses Video gehört zum Konto @other.one, nicht zu @glow.maker."
        )
        assert messages.translate(str(too_long.value)) == (
            "Dieser Spark-Code hat 251 Zeichen; ein Spark-Code hat höchstens 200."
        )


def test_a_message_nobody_translated_yet_shows_in_english() -> None:
    with i18n.using(i18n.language("ja")):  # type: ignore[arg-type]
        assert messages.translate("A brand-new check says this.") == "A brand-new check says this."


ID = "7301234567890123456"
# one text per refusal code of bot/tiktok/urls.py (its docstring lists them)
REFUSED_LINKS = {
    "empty": " ",
    "too_long": "x" * 501,
    "no_link": "my new video is up",
    "two_links": f"https://www.tiktok.com/@a.b/video/{ID} and https://vm.tiktok.com/ZMabcd12/",
    "not_tiktok": "https://www.youtube.com/watch?v=1",
    "not_a_video": "https://www.tiktok.com/music/summer-123",
    "profile": "https://www.tiktok.com/@someone",
    "photo_post": f"https://www.tiktok.com/@someone/photo/{ID}",
    "bad_id": "https://www.tiktok.com/@someone/video/123",
    "unicode_digits": "https://www.tiktok.com/@someone/video/"
    + ID.translate(str.maketrans("0123456789", "０１２３４５６７８９")),
    "bad_handle": f"https://www.tiktok.com/@no!pe/video/{ID}",
    "short_incomplete": "https://vm.tiktok.com/ab/",
}
REFUSED_HANDLES = {"handle_missing": "@", "handle_invalid": "a"}
REFUSED_SPARK_CODES = ["#abc def", "%23abc", "#" + "A" * 250, "A" * 64, "#abc$def", "#" + "A" * 20]


def refusals() -> list[str]:
    """Every English sentence the link, handle and spark-code checks can refuse with, and the
    services' own refusals on the creator pages (with values, as they are shown)."""
    found: dict[str, str] = {}
    for code, text in REFUSED_LINKS.items():
        with pytest.raises(TikTokUrlError) as refused:
            parse_video_url(text)
        found[code] = str(refused.value)
        assert refused.value.code == code, text
    for code, text in REFUSED_HANDLES.items():
        with pytest.raises(TikTokUrlError) as refused:
            clean_handle(text)
        assert refused.value.code == code
        found[code] = str(refused.value)
    sentences = list(found.values())
    for text in REFUSED_SPARK_CODES:
        with pytest.raises(SparkCodeError) as refused_code:
            clean_spark_code(text)
        sentences.append(str(refused_code.value))
    with pytest.raises(InvalidInput) as invalid:
        _clean_fields(f"https://www.tiktok.com/@a.b/video/{ID}", "a\u202eb", "a@b.co", "#" + "A" * 64)
    sentences.extend(invalid.value.errors.values())
    sentences += [deliveries.OWNER_NOT_CONFIRMED, deliveries.SPARK_CODE_TAKEN]
    assert len(set(sentences)) == len(sentences)  # each check says something of its own
    return sentences


@pytest.mark.parametrize("tag", sorted(EXPECTED - {"en"}))
def test_every_refusal_a_creator_can_meet_is_translated(tag: str) -> None:
    sentences = refusals()
    with pytest.raises(SparkCodeError) as cut_off:
        clean_spark_code("#" + "A" * 20)

    with i18n.using(i18n.language(tag)):  # type: ignore[arg-type]
        untranslated = [sentence for sentence in sentences if messages.translate(sentence) == sentence]
        translated_cut_off = messages.translate(str(cut_off.value))

    assert untranslated == []
    assert "21" in translated_cut_off and "%(" not in translated_cut_off  # the value is kept


def test_the_paused_request_page_says_what_the_service_says_with_the_date_in_the_language() -> None:
    from bot.portal.linking import PAUSED

    view = SimpleNamespace(
        project=SimpleNamespace(link_name="Summer glow"),
        brand=SimpleNamespace(name="GlowCo"),
        request=SimpleNamespace(expires_at=dt.datetime(2026, 12, 7, 10, 30)),
    )
    values = {"name": "Summer glow", "brand": "GlowCo", "date": ""}

    for tag, day in (("en", "December 7, 2026"), ("de", "7. Dezember 2026"), ("ja", "2026年12月7日")):
        lang = i18n.language(tag)
        assert lang is not None
        values["date"] = i18n.format_date(view.request.expires_at, lang=lang, length="long")
        assert values["date"] == day
        if tag == "en":
            assert PAUSED % values == linking.paused_message(view)  # type: ignore[arg-type]


def test_a_new_refusal_of_the_link_checks_cannot_slip_past_the_lookup_table() -> None:
    from bot.tiktok import urls

    documented = (urls.TikTokUrlError.__doc__ or "").split("logs:")[1].split(".")[0]
    sentences = [
        value
        for name, value in vars(urls).items()
        if name.isupper() and isinstance(value, str) and value.endswith(".")
    ]

    assert {code.strip() for code in documented.split(",")} == set(REFUSED_LINKS) | set(REFUSED_HANDLES)
    assert len(sentences) >= 14 and set(sentences) <= set(messages.MESSAGES)
