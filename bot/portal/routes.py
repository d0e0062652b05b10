"""`GET/POST /i/{token}`: the brief and the delivery form. Thin: the rules are in the services."""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Awaitable, Callable, Mapping
from contextvars import ContextVar
from dataclasses import dataclass
from functools import partial
from types import SimpleNamespace
from typing import Any, TypeVar
from urllib.parse import parse_qs, urlencode

import jinja2
from aiohttp import web
from limits.aio.storage import Storage
from markupsafe import Markup, escape
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot import i18n
from bot.keys import DISPATCHER_KEY, JOBS_KEY, SESSIONS_KEY, SETTINGS_KEY, WRITER_KEY
from bot.portal import messages, security
from bot.portal.security import MAX_BODY_BYTES, SECURITY_HEADERS, FormTokens, RateLimits
from bot.services import deliveries
from bot.services.deliveries import Brief, Delivery, ProjectPaused, VideoOfAnotherCreator
from bot.services.errors import InvalidInput, NotFound
from bot.tiktok.spark_codes import MAX_LENGTH as SPARK_CODE_MAX_LENGTH

log = logging.getLogger(__name__)

RATE_LIMITS_KEY = web.AppKey("portal_rate_limits", RateLimits)
FORM_TOKENS_KEY = web.AppKey("portal_form_tokens", FormTokens)
FORM_FIELDS = ("url", "creator_handle", "creator_email", "spark_code")
CSRF_FIELD = "form_token"

templates = jinja2.Environment(
    loader=jinja2.PackageLoader("bot.portal", "templates"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    extensions=["jinja2.ext.i18n"],
    # compiled once and kept: no stat of the template files on every page
    auto_reload=False,
)
# `{% trans %}` blocks are extracted with `trimmed` too (babel.cfg), so msgids have no layout whitespace
templates.policies["ext.i18n.trimmed"] = True
templates.install_gettext_callables(  # type: ignore[attr-defined]
    gettext=i18n.gettext_, ngettext=i18n.ngettext_, newstyle=True
)


def _gettext(message: str, /, **variables: Any) -> Markup:
    """`_()` and `gettext()` in the templates, as jinja2's newstyle gettext under autoescape: the
    translation is markup, the variables are escaped into it. Jinja2's own reaches the catalog
    through two context calls per message, which took a third of a page's rendering."""
    translated = _translation(i18n.current().tag, message)
    if not variables and "%" not in translated:
        return translated  # what `%` would make of it
    return translated % variables


@functools.lru_cache(maxsize=4096)
def _translation(tag: str, message: str) -> Markup:
    """A message of the templates in the language `tag`, as markup (the templates' messages are
    few). Keyed by the tag: hashing a `Language` hashes its locale, which costs more than the
    lookup saves."""
    lang = i18n.language(tag)
    assert lang is not None
    return Markup(lang.gettext(message))


def _ngettext(singular: str, plural: str, num: int, /, **variables: Any) -> Markup:
    variables.setdefault("num", num)
    return Markup(i18n.ngettext_(singular, plural, num)) % variables


templates.globals.update(_=_gettext, gettext=_gettext, ngettext=_ngettext)
templates.filters["t"] = messages.translate
templates.filters["number"] = lambda value: i18n.format_number(value)
templates.filters["anchor_kind"] = messages.anchor_kind

# the path of the creator page being answered, for its language links
_page_path: ContextVar[str] = ContextVar("portal_page_path", default="/")

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
Found = TypeVar("Found")


def add_routes(app: web.Application, *, rate_limit_storage: Storage) -> None:
    """`/i/{token}`; the rate limits count in `rate_limit_storage` (shared by the replicas)."""
    settings = app[SETTINGS_KEY]
    i18n.languages()  # reads and compiles the catalogs now: a broken one stops the start, not a page
    app[RATE_LIMITS_KEY] = RateLimits(
        rate_limit_storage,
        views_per_client=settings.creator_views_per_client,
        posts_per_client=settings.creator_posts_per_client,
        posts_per_link=settings.creator_posts_per_link,
    )
    app[FORM_TOKENS_KEY] = FormTokens(settings.slack_signing_secret or "")
    sessions = app[SESSIONS_KEY]

    async def show(request: web.Request) -> web.StreamResponse:
        return await show_brief(request, sessions)

    async def deliver(request: web.Request) -> web.StreamResponse:
        return await receive_delivery(
            request,
            sessions,
            lookups=bool(settings.tiktok_oembed_url),
            server_token=settings.business_token_from_settings,
        )

    # `.*` so that malformed tokens get the same generic page as unknown ones
    app.router.add_get("/i/{token:.*}", with_headers(show))
    app.router.add_post("/i/{token:.*}", with_headers(deliver))


def with_headers(handler: Handler) -> Handler:
    async def wrapped(request: web.Request) -> web.StreamResponse:
        choose_language(request)
        _page_path.set(request.rel_url.raw_path)
        try:
            response = await handler(request)
        except web.HTTPException as exc:  # aiohttp's own refusals get the same headers
            exc.headers.update(SECURITY_HEADERS)
            raise
        except (SQLAlchemyError, OSError, TimeoutError) as exc:
            # the database is down, read-only or full: a page that says so, not a bare 500; each
            # request's transaction rolled back, so nothing was half-saved
            log.warning("creator page %s: database unavailable (%s)", request.method, exc.__class__.__name__)
            response = unavailable()
        response.headers.update(SECURITY_HEADERS)
        response.headers["Content-Language"] = i18n.current().tag
        response.headers["Vary"] = "Accept-Language"
        return response

    return wrapped


def choose_language(request: web.Request) -> None:
    """The creator page's language, from `?lang=` or the browser's (see `bot.i18n.choose`).

    Each request runs in its own task, so the language chosen here is this page's alone."""
    i18n.set_choice(
        i18n.choose(query=request.query.get("lang"), accept_language=request.headers.get("Accept-Language"))
    )


RETRY_AFTER_SECONDS = 30


def unavailable() -> web.Response:
    return page(
        "message.html",
        status=503,
        headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
        title="Back in a moment",
        message="This page can't be shown right now, and nothing you sent was saved. "
        "Please try again in a minute.",
        back_url=None,
    )


def keep_language(path: str, fragment: str = "", **params: str) -> str:
    """A link or form action on the creator pages that keeps a language chosen on the page."""
    choice = i18n.current_choice()
    if choice.explicit:
        params["lang"] = choice.language.tag
    query = f"?{urlencode(params)}" if params else ""
    return f"{path}{query}{fragment}"


def page(
    template: str, *, status: int = 200, headers: Mapping[str, str] | None = None, **values: Any
) -> web.Response:
    """A creator page in the language chosen for this request (see `bot.i18n.choose`)."""
    lang = i18n.current()
    values.setdefault("lang", lang)
    values.setdefault("language_links", _language_links(lang.tag))
    values.setdefault("keep", keep_language)
    body = templates.get_template(template).render(**values)
    return web.Response(text=body, status=status, content_type="text/html", charset="utf-8", headers=headers)


@functools.cache
def _language_links(tag: str) -> Markup:
    """The footer's language links on a page in the language `tag` (the current one)."""
    return Markup(templates.get_template("language_links.html").render(languages=i18n.switcher()))


def not_found() -> web.Response:
    return page("not_found.html", status=404)


async def page_of(
    sessions: async_sessionmaker[AsyncSession],
    read: Callable[[AsyncSession], Awaitable[Found]],
    render: Callable[[Found], web.Response],
) -> web.Response:
    """The page `render` draws from what `read` finds (a link's brief, a request), read in a
    session of its own; the not-found page when `read` finds no such link."""
    try:
        async with sessions() as session:
            found = await read(session)
    except NotFound:
        return not_found()
    return render(found)


def too_many(
    retry_after: int, *, form: Mapping[str, str] | None = None, back_url: str | None = None
) -> web.Response:
    """429: wait and try again. A refused form comes back filled in, ready to send again."""
    form = dict(form or {})
    return page(
        "too_many.html",
        status=429,
        headers={"Retry-After": str(retry_after)},
        retry_after=retry_after,
        wait=i18n.format_wait(retry_after),
        form=form,
        typed=[(label, form[name]) for name, label in _typed_fields(form) if form[name].strip()],
        back_url=back_url or _page_path.get(),
    )


def _typed_fields(form: Mapping[str, str]) -> list[tuple[str, str]]:
    """The creator's own answers in a posted form, each with its label on the page."""
    labels = {
        "url": i18n.gettext_("TikTok video link"),
        "creator_handle": i18n.gettext_("Your TikTok handle"),
        "creator_email": i18n.gettext_("Your email"),
        "spark_code": i18n.gettext_("Spark code"),
    }
    fields = []
    for name in form:
        if name in labels:
            fields.append((name, labels[name]))
        elif name.startswith("spark_code_") and name[11:].isdigit() and len(name) < 16:
            label = i18n.gettext_("Spark code for video %(number)s") % {"number": int(name[11:]) + 1}
            fields.append((name, label))
    return fields


def client_address(request: web.Request) -> str:
    return security.client_address(
        request.remote,
        request.headers.getall("X-Forwarded-For", []),
        request.app[SETTINGS_KEY].trusted_networks,
    )


# --- GET: the brief ---------------------------------------------------------------------------


async def show_brief(request: web.Request, sessions: async_sessionmaker[AsyncSession]) -> web.StreamResponse:
    wait = await request.app[RATE_LIMITS_KEY].check_view(client_address(request))
    if wait:
        return too_many(wait)
    return await page_of(
        sessions,
        partial(deliveries.get_brief, invite_token=request.match_info["token"]),
        lambda brief: brief_page(request, brief, values={}, errors={}),
    )


def brief_page(
    request: web.Request,
    brief: Brief,
    *,
    values: Mapping[str, str],
    errors: Mapping[str, str],
    status: int = 200,
    refusal: str | None = None,
) -> web.Response:
    project = brief.project
    i18n.prefer_default(project.creator_language)
    return page(
        "brief.html",
        status=status,
        project=project,
        brand=brief.brand,
        logo_url=safe_link(brief.brand.logo_url, schemes=("https://",)),
        anchor=brief.anchor,
        anchor_url=safe_link(brief.anchor.url),
        website_url=safe_link(brief.brand.website),
        deadline=i18n.format_date(project.deadline) or None,
        form_token=request.app[FORM_TOKENS_KEY].issue(project.invite_token),
        values=values,
        errors={name: messages.translate(message) for name, message in errors.items()},
        refusal=messages.translate(refusal) if refusal else None,
        limits=deliveries.FIELD_LIMITS | {"spark_code": SPARK_CODE_MAX_LENGTH},
    )


def safe_link(url: str | None, *, schemes: tuple[str, ...] = ("https://", "http://")) -> str | None:
    """A link the page may show (a web address, not `javascript:` or the like), else None.

    Logos ask for `https://` only: an `http://` image on the page would be mixed content."""
    return url if url and url.startswith(schemes) else None


# --- POST: a delivery -------------------------------------------------------------------------


async def receive_delivery(
    request: web.Request,
    sessions: async_sessionmaker[AsyncSession],
    *,
    lookups: bool = False,
    server_token: bool = False,
) -> web.StreamResponse:
    token = request.match_info["token"]
    form = await checked_form(
        request,
        token,
        plausible=deliveries.is_plausible_token,
        too_much="That was more than this form takes. Go back, keep each answer short, and send it again.",
        expired="This form expired or didn't come from this page, so nothing was sent. "
        "Open the invite link again and send your video from there.",
    )
    if isinstance(form, web.StreamResponse):
        return form
    values = {name: form.get(name, "") for name in FORM_FIELDS}
    try:
        delivery = await deliveries.deliver(
            request.app[WRITER_KEY],
            sessions,
            invite_token=token,
            url=values["url"],
            creator_handle=values["creator_handle"],
            creator_email=values["creator_email"],
            spark_code=values["spark_code"],
            lookups=lookups,
            server_token=server_token,
        )
    except NotFound:
        return not_found()
    except ProjectPaused as exc:
        status, errors, message = 409, {}, exc.message
    except VideoOfAnotherCreator as exc:
        status, errors, message = 409, {"url": exc.message}, None
    except InvalidInput as exc:
        status, errors, message = 422, exc.errors, None
    else:
        if DISPATCHER_KEY in request.app:
            request.app[DISPATCHER_KEY].wake()  # send the alert now rather than at the next poll
        if delivery.jobs_queued and JOBS_KEY in request.app:
            request.app[JOBS_KEY].wake()  # look the video up now rather than at the next poll
        return received_page(delivery)
    # the brief again, with what was typed and why it was refused
    return await page_of(
        sessions,
        partial(deliveries.get_brief, invite_token=token),
        lambda brief: brief_page(
            request, brief, values=values, errors=errors, status=status, refusal=message
        ),
    )


async def checked_form(
    request: web.Request,
    token: str,
    *,
    plausible: Callable[[str], bool],
    too_much: str,
    expired: str,
    max_fields: int = 20,
) -> dict[str, str] | web.StreamResponse:
    """A creator page's posted form, or the page refusing it: too many posts (429, with what was
    typed, ready to send again), a token that can't be one (404), too much data (413),
    or a form token missing or not from this page (403).

    Every post counts against its sender's budget; only posts with this link's form token count
    against the link's, so junk can't close a link that creators are delivering to."""
    limits = request.app[RATE_LIMITS_KEY]
    # read first (it is bounded): a creator who is refused for going too fast keeps what they typed
    form = await read_form(request, max_fields=max_fields)
    genuine = (
        form is not None
        and plausible(token)
        and request.app[FORM_TOKENS_KEY].check(token, form.get(CSRF_FIELD))
    )
    wait = await limits.check_post(client_address(request))
    if not wait and genuine:
        wait = await limits.check_link(token)
    if wait:
        # what the creator typed comes back with the refusal, so nothing has to be typed again
        return too_many(wait, form=form or {})
    if not plausible(token):
        return not_found()
    if form is None:
        return page(
            "message.html", status=413, title="Too much to send", message=too_much, back_url=request.path
        )
    if not genuine:
        return page(
            "message.html", status=403, title="Please reload the page", message=expired, back_url=request.path
        )
    return form


async def read_form(request: web.Request, *, max_fields: int = 20) -> dict[str, str] | None:
    """The urlencoded form, first value per name; None when it is over the size limit."""
    if request.content_length is not None and request.content_length > MAX_BODY_BYTES:
        return None
    body = await request.content.read(MAX_BODY_BYTES + 1)
    if len(body) > MAX_BODY_BYTES:
        return None
    if request.content_type != "application/x-www-form-urlencoded":
        return {}
    try:
        parsed = parse_qs(body.decode("utf-8"), keep_blank_values=True, max_num_fields=max_fields)
    except (UnicodeDecodeError, ValueError):
        return {}
    return {name: values[0] for name, values in parsed.items()}


def received_page(delivery: Delivery) -> web.Response:
    """The answer to every delivery. Its HTML for one language and one shape (new or repeated, a
    spark code or not, …) is rendered once, with a slot for each of the delivery's own values;
    each answer puts those values in, escaped as the template escapes them, in one pass. Running
    the template for every delivery was a third of the request's time under load."""
    project, video = delivery.project, delivery.video
    i18n.prefer_default(project.creator_language)
    choice = i18n.current_choice()
    shape = ReceivedShape(
        language=choice.language.tag,
        explicit=choice.explicit,
        created=delivery.created,
        spark_code_added=delivery.spark_code_added,
        code_problem=bool(delivery.code_problem),
        needs_resolution=bool(video.needs_resolution),
        spark_code=bool(video.spark_code),
    )
    values = {
        "link_name": project.link_name,
        "invite_token": project.invite_token,
        "url": video.url,
        "creator_handle": video.creator_handle,
        "creator_email": video.creator_email,
        "spark_code": video.spark_code or "",
        "code_problem": delivery.code_problem or "",
        "delivered": i18n.format_moment(video.delivered_at),
    }
    body = _SLOT.sub(lambda slot: escape(values[slot.group(1)]), _received_skeleton(shape))
    return web.Response(text=body, content_type="text/html", charset="utf-8")


@dataclass(frozen=True)
class ReceivedShape:
    """What the received page's markup depends on, besides the delivery's own values."""

    language: str
    explicit: bool  # a language chosen on the page: its links keep `?lang=`
    created: bool
    spark_code_added: bool
    code_problem: bool
    needs_resolution: bool
    spark_code: bool


# a slot for one of a delivery's values in a rendered skeleton: no template or translation has a
# NUL in it, and the slots are filled in one pass over the skeleton, so a value is never read as a
# slot, whatever it holds
_SLOT = re.compile("\x00([a-z_]+)\x00")


@functools.lru_cache(maxsize=256)
def _received_skeleton(shape: ReceivedShape) -> str:
    """received.html for `shape`, rendered with slots for the values (under the current language
    choice, which `shape` names)."""

    def slot(name: str) -> str:
        return f"\x00{name}\x00"

    project = SimpleNamespace(link_name=slot("link_name"), invite_token=slot("invite_token"))
    video = SimpleNamespace(
        url=slot("url"),
        needs_resolution=shape.needs_resolution,
        creator_handle=slot("creator_handle"),
        creator_email=slot("creator_email"),
        spark_code=slot("spark_code") if shape.spark_code else None,
    )
    rendered = page(
        "received.html",
        project=project,
        video=video,
        created=shape.created,
        spark_code_added=shape.spark_code_added,
        code_problem=slot("code_problem") if shape.code_problem else None,
        delivered=slot("delivered"),
    )
    assert rendered.text is not None
    return rendered.text
