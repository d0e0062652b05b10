"""The creator-facing catalogs: complete against the source, negotiated and formatted by Babel."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from bot import i18n
from bot.portal import messages
from bot.services.deliveries import _clean_fields
from bot.services.errors import InvalidInput
from bot.tiktok.spark_codes import SparkCodeError, clean_spark_code
from bot.tiktok.urls import TikTokUrlError, parse_video_url

ROOT = Path(__file__).resolve().parents[2]
LOCALES = ROOT / "bot" / "locales"
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None, "gettext_": None, "ngettext_": (1, 2)}
PLACEHOLDER = re.compile(r"%\((\w+)\)s")
CATALOGS = sorted(LOCALES.glob("*/LC_MESSAGES/messages.po"))
# the languages the creators a brand invites read (issue: at least these)
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
        forms = (
            [] if message is None else [message.string] if isinstance(message.string, str) else message.string
        )
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
        ("x" * 501, "Esse link tem 501 caracteres"),
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
