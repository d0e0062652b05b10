"""`GET/POST /a/{token}`: a creator answers a linking request. Thin: the rules are in the services."""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot import i18n
from bot.keys import DISPATCHER_KEY, SESSIONS_KEY, SETTINGS_KEY
from bot.portal import messages
from bot.portal.routes import (
    FORM_TOKENS_KEY,
    RATE_LIMITS_KEY,
    checked_form,
    client_address,
    not_found,
    page,
    page_of,
    safe_link,
    too_many,
    with_headers,
)
from bot.services import linking
from bot.services.errors import Conflict, InvalidInput, NotFound
from bot.services.linking import RequestPaused, RequestView, spark_code_field
from bot.tiktok.spark_codes import MAX_LENGTH as SPARK_CODE_MAX_LENGTH

# a spark code per video (up to linking.MAX_LINKS of them), the answer and the form token
MAX_BODY_BYTES = 32 * 1024
MAX_FIELDS = linking.MAX_LINKS + 10


def add_linking_routes(app: web.Application) -> None:
    sessions = app[SESSIONS_KEY]
    server_token = app[SETTINGS_KEY].business_token_from_settings

    async def show(request: web.Request) -> web.StreamResponse:
        return await show_request(request, sessions)

    async def answer(request: web.Request) -> web.StreamResponse:
        response = await receive_answer(request, sessions, server_token=server_token)
        if response.status == 200 and DISPATCHER_KEY in request.app:
            request.app[DISPATCHER_KEY].wake()  # post the answer to the channel now
        return response

    app.router.add_get("/a/{token:.*}", with_headers(show))
    app.router.add_post("/a/{token:.*}", with_headers(answer))


def request_page(
    request: web.Request,
    view: RequestView,
    *,
    values: Mapping[str, str] | None = None,
    errors: Mapping[str, str] | None = None,
    status: int = 200,
    refusal: str | None = None,
) -> web.Response:
    linking_request = view.request
    brand = view.brand
    i18n.prefer_default(view.project.creator_language)
    return page(
        "linking.html",
        status=status,
        project=view.project,
        brand=brand,
        logo_url=safe_link(brand.logo_url, schemes=("https://",)),
        website_url=safe_link(brand.website),
        handle=linking_request.creator_handle,
        token=linking_request.token,
        videos=[(spark_code_field(index), video) for index, video in enumerate(view.videos)],
        state=view.state,
        expires=i18n.format_date(linking_request.expires_at),
        answered=i18n.format_date(linking_request.answered_at) if linking_request.answered_at else None,
        # "Decline" asks once more: the link shows a confirmation, whose button sends the answer
        confirm_decline=request.method == "GET" and request.query.get("decline") == "1",
        form_token=request.app[FORM_TOKENS_KEY].issue(linking_request.token),
        values=values or {},
        errors={name: messages.translate(message) for name, message in (errors or {}).items()},
        refusal=messages.translate(refusal) if refusal else None,
        max_length=SPARK_CODE_MAX_LENGTH,
    )


async def show_request(
    request: web.Request, sessions: async_sessionmaker[AsyncSession]
) -> web.StreamResponse:
    wait = await request.app[RATE_LIMITS_KEY].check_view(client_address(request))
    if wait:
        return too_many(wait)
    return await page_of(
        sessions,
        partial(linking.get_request, token=request.match_info["token"]),
        lambda view: paused_page(view) if linking.is_paused(view) else request_page(request, view),
    )


# the same words as `linking.paused_message`, with the date written the way the page's language does
PAUSED = i18n.N_(
    "“%(name)s” is paused, so this request can't be answered right now and nothing was sent. "
    "Open this link again when %(brand)s resumes it (it can be answered until %(date)s)."
)


def paused_page(view: RequestView, *, status: int = 200) -> web.Response:
    i18n.prefer_default(view.project.creator_language)
    values = {
        "name": view.project.link_name,
        "brand": view.brand.name,
        "date": i18n.format_date(view.request.expires_at, length="long"),
    }
    return page(
        "message.html",
        status=status,
        title="This project is paused",
        message=i18n.gettext_(PAUSED) % values,
        back_url=None,
    )


async def receive_answer(
    request: web.Request, sessions: async_sessionmaker[AsyncSession], *, server_token: bool = False
) -> web.StreamResponse:
    token = request.match_info["token"]
    form = await checked_form(
        request,
        token,
        plausible=linking.is_plausible_token,
        too_much="That was more than this form takes. Go back and send only the spark codes.",
        expired="This form expired or didn't come from this page, so nothing was sent. "
        "Open the link again and answer from there.",
        max_fields=MAX_FIELDS,
    )
    if isinstance(form, web.StreamResponse):
        return form
    choice = form.get("answer")
    values = {name: value for name, value in form.items() if name.startswith("spark_code_")}
    read_again = partial(linking.get_request, token=token)  # the page again after a refusal
    try:
        async with sessions.begin() as session:
            if choice == "accept":
                codes = [form.get(spark_code_field(index)) for index in range(linking.MAX_LINKS)]
                result = await linking.accept_request(
                    session, token=token, spark_codes=codes, server_token=server_token
                )
            elif choice == "decline":
                result = await linking.decline_request(session, token=token)
            else:
                raise InvalidInput({"answer": "Choose to authorize or to decline."})
    except NotFound:
        return not_found()
    except RequestPaused:  # the project was paused before the answer came; nothing was stored
        return await page_of(sessions, read_again, lambda view: paused_page(view, status=409))
    except Conflict as exc:
        status, errors, refusal = 409, {}, exc.message
    except InvalidInput as exc:
        status, errors, refusal = 422, exc.errors, None
    else:
        i18n.prefer_default(result.view.project.creator_language)
        return page(
            "linking_done.html",
            project=result.view.project,
            brand=result.view.brand,
            accepted=result.accepted,
            count=len(result.view.videos),
        )

    def again(view: RequestView) -> web.Response:
        """The request page again, with what was typed and why it was refused; once answered or
        expired, the page itself says so, and when: no refusal on top."""
        pending = view.state == "pending"
        return request_page(
            request, view, values=values, errors=errors, status=status, refusal=refusal if pending else None
        )

    return await page_of(sessions, read_again, again)
