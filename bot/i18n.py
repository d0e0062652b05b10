"""The languages creators read: gettext catalogs in `bot/locales`, negotiation and formatting by Babel.

A language is one catalog file, `bot/locales/<locale>/LC_MESSAGES/messages.po` (`pt_BR`, `ja`…);
English is the source language and needs none. Catalogs are compiled in memory when first used,
so a fresh clone needs no build step. Only creator-facing words are translated: the Slack side
stays in the team's language, and the brand's own words stay as the team wrote them.
"""

from __future__ import annotations

import datetime as dt
import functools
import gettext
import io
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path

from babel import Locale, UnknownLocaleError, dates, numbers
from babel.core import negotiate_locale
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

LOCALES_DIR = Path(__file__).resolve().parent / "locales"
SOURCE = "en"
MAX_ACCEPT_LANGUAGE = 64  # entries read from an Accept-Language header; the rest are ignored
# where CLDR's name for a language reads as something else to its speakers ("Indonesia" is the country)
NATIVE_NAMES = {"id": "Bahasa Indonesia"}


@dataclass(frozen=True)
class Language:
    tag: str  # BCP 47, as in `lang=` and `?lang=`: "pt-BR"
    locale: Locale
    translations: gettext.NullTranslations

    # cached: every creator page shows it, and CLDR's lookup of it costs more than the page's text
    @functools.cached_property
    def name(self) -> str:
        """The language's name in itself ("Português (Brasil)"), as a switcher shows it."""
        name = NATIVE_NAMES.get(self.tag) or self.locale.get_display_name(self.locale) or self.tag
        return name[:1].upper() + name[1:]

    @property
    def english_name(self) -> str:
        return self.locale.get_display_name("en") or self.tag

    @functools.cached_property
    def direction(self) -> str:
        return "rtl" if self.locale.text_direction == "rtl" else "ltr"

    def gettext(self, message: str) -> str:
        return self.translations.gettext(message)

    def ngettext(self, singular: str, plural: str, count: int) -> str:
        return self.translations.ngettext(singular, plural, count)


def _load(path: Path) -> gettext.NullTranslations:
    with path.open("rb") as source:
        catalog = read_po(source)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)  # fuzzy entries are left out: they show in English until reviewed
    compiled.seek(0)
    return Translations(compiled)


@functools.cache
def languages() -> dict[str, Language]:
    """Every language with a catalog, English first; keyed by lower-case tag."""
    found = {SOURCE: Language(SOURCE, Locale.parse(SOURCE), gettext.NullTranslations())}
    for path in sorted(LOCALES_DIR.glob("*/LC_MESSAGES/messages.po")):
        identifier = path.parent.parent.name
        try:
            locale = Locale.parse(identifier)
        except (ValueError, UnknownLocaleError):
            continue
        tag = identifier.replace("_", "-")
        found[tag.lower()] = Language(tag, locale, _load(path))
    return found


def source() -> Language:
    return languages()[SOURCE]


def language(tag: str | None) -> Language | None:
    """The language with this tag ("pt-BR", "pt_br", "ja"), or None when there is no catalog for it."""
    if not tag or len(tag) > 16:
        return None
    return languages().get(tag.strip().replace("_", "-").lower())


def parse_accept_language(header: str | None) -> list[str]:
    """The tags of an Accept-Language header, most wanted first (q=0 means "not this one")."""
    weighted: list[tuple[float, int, str]] = []
    for position, item in enumerate((header or "").split(",")[:MAX_ACCEPT_LANGUAGE]):
        tag, _, params = item.strip().partition(";")
        tag = tag.strip()
        if not tag or tag == "*" or len(tag) > 35:
            continue
        quality = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if quality > 0:
            weighted.append((-quality, position, tag.replace("-", "_")))
    return [tag for _, _, tag in sorted(weighted)]


# browsers send a few distinct headers, and every creator page negotiates one
@functools.lru_cache(maxsize=512)
def negotiate(header: str | None) -> Language | None:
    """The best language with a catalog for an Accept-Language header, by Babel's negotiation.

    A country we have no catalog for still gets its language ("pt-PT" reads pt-BR, "es-MX" reads
    es): each catalog also answers for its bare language code.
    """
    available = _negotiable()
    best = negotiate_locale(parse_accept_language(header), list(available), sep="_")
    return available.get(best) if best else None


@functools.cache
def _negotiable() -> dict[str, Language]:
    """Each language by its locale identifier and by its bare language code."""
    available: dict[str, Language] = {}
    for lang in languages().values():
        available.setdefault(str(lang.locale), lang)
        available.setdefault(lang.locale.language, lang)
    return available


# --- the language of the page being rendered ---------------------------------------------------


@dataclass(frozen=True)
class Choice:
    language: Language
    explicit: bool  # chosen on the page (`?lang=`): kept in its links and form actions
    negotiated: bool  # from the browser's Accept-Language


_current: ContextVar[Choice | None] = ContextVar("creator_language", default=None)


def choose(*, query: str | None, accept_language: str | None, default: str | None = None) -> Choice:
    """`?lang=` first, then the browser's languages, then the project's Creator language, then English."""
    chosen = language(query)
    if chosen is not None:
        return Choice(chosen, explicit=True, negotiated=False)
    negotiated = negotiate(accept_language)
    if negotiated is not None:
        return Choice(negotiated, explicit=False, negotiated=True)
    return Choice(language(default) or source(), explicit=False, negotiated=False)


def current_choice() -> Choice:
    return _current.get() or Choice(source(), explicit=False, negotiated=False)


def current() -> Language:
    return current_choice().language


def set_choice(choice: Choice) -> None:
    _current.set(choice)


def prefer_default(default: str | None) -> None:
    """The project's Creator language, when neither the page nor the browser asked for one."""
    choice = current_choice()
    chosen = language(default)
    if chosen is not None and not choice.explicit and not choice.negotiated:
        _current.set(Choice(chosen, explicit=False, negotiated=False))


@contextmanager
def using(lang: Language) -> Iterator[None]:
    token = _current.set(Choice(lang, explicit=True, negotiated=False))
    try:
        yield
    finally:
        _current.reset(token)


def gettext_(message: str) -> str:
    return current().gettext(message)


def ngettext_(singular: str, plural: str, count: int) -> str:
    return current().ngettext(singular, plural, count)


def N_(message: str) -> str:
    """Marks a message for extraction; it is translated where it is shown."""
    return message


# --- formatting ----------------------------------------------------------------------------------


def format_date(
    day: dt.date | dt.datetime | None, *, lang: Language | None = None, length: str = "full"
) -> str:
    """A deadline or an expiry day, written out as the language does ("segunda-feira, 7 de dezembro")."""
    if day is None:
        return ""
    if isinstance(day, dt.datetime):
        day = day.date()
    return dates.format_date(day, format=length, locale=(lang or current()).locale)


def format_moment(moment: dt.datetime, *, lang: Language | None = None) -> str:
    """A moment in UTC: the long date and the short time, joined by the language's own pattern."""
    moment = moment.astimezone(dt.UTC) if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
    # a short time shows the minute at most: every moment of a minute reads the same, so a page
    # a second formats each minute once
    return _format_minute((lang or current()).tag, moment.replace(second=0, microsecond=0))


@functools.lru_cache(maxsize=1024)
def _format_minute(tag: str, moment: dt.datetime) -> str:
    """Keyed by the language's tag: hashing a `Language` hashes its locale, which costs more."""
    chosen = language(tag)
    assert chosen is not None
    locale = chosen.locale
    day = dates.format_date(moment.date(), format="long", locale=locale)
    time = dates.format_time(moment, format="short", tzinfo=dt.UTC, locale=locale)
    return str(locale.datetime_formats["medium"]).format(f"{time} UTC", day)


def format_wait(seconds: int, *, lang: Language | None = None) -> str:
    """How long to wait ("45 seconds", "1 hour"), rounded as people say it."""
    return dates.format_timedelta(
        dt.timedelta(seconds=max(1, seconds)), threshold=1, locale=(lang or current()).locale
    )


def format_number(value: int, *, lang: Language | None = None) -> str:
    return numbers.format_decimal(value, locale=(lang or current()).locale)


def switcher() -> list[Mapping[str, str]]:
    """Links to this page in every language, each named in itself.

    The links are query-only (`?lang=ja`), so they lead to the same page without repeating its path.
    """
    return _switcher(current().tag)


@functools.cache
def _switcher(here: str) -> list[Mapping[str, str]]:
    return [
        {
            "tag": lang.tag,
            "name": lang.name,
            "href": f"?lang={lang.tag}",
            "current": "true" if lang.tag == here else "",
        }
        for lang in languages().values()
    ]
