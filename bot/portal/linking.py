"""`GET/POST /a/{token}`: a creator answers a linking request. Thin: the rules are in the services."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from urllib.parse import parse_qs

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.portal.routes import (
    CSRF_FIELD,
    FORM_TOKENS_KEY,
    RATE_LIMITS_KEY,
    client_address,
    not_found,
    page,
    too_many,
    with_headers,
)
from bot.services import linking
from bot.services.errors import Conflict, InvalidInput, NotFound
from bot.services.linking import RequestView, spark_code_field
from bot.tiktok.spark_codes import MAX_LENGTH as SPARK_CODE_MAX_LENGTH

# a spark code per video (up to linking.MAX_LINKS of them), the answer and the form token
MAX_BODY_BYTES = 32 * 1024
MAX_FIELDS = linking.MAX_LINKS + 10


def add_linking_routes(app: web.Application) -> None:
    from bot.app import DISPATCHER_KEY, SESSIONS_KEY

    sessions = app[SESSIONS_KEY]

    async def show(request: web.Request) -> web.StreamResponse:
        return await show_request(request, sessions)

    async def answer(request: web.Request) -> web.StreamResponse:
        response = await receive_answer(request, sessions)
        if response.status == 200 and DISPATCHER_KEY in request.app:
            request.app[DISPATCHER_KEY].wake()  # post the answer to the channel now
        return response

    app.router.add_get("/a/{token:.*}", with_headers(show))
    app.router.add_post("/a/{token:.*}", with_headers(answer))


def _long_date(moment: dt.datetime) -> str:
    return f"{moment.strftime('%A')}, {moment.strftime('%B')} {moment.day}, {moment.year}"


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
    return page(
        "linking.html",
        status=status,
        project=view.project,
        brand=brand,
        logo_url=brand.logo_url if (brand.logo_url or "").startswith("https://") else None,
        website_url=brand.website if brand.website.startswith(("https://", "http://")) else None,
        handle=linking_request.creator_handle,
        token=linking_request.token,
        videos=[(spark_code_field(index), video) for index, video in enumerate(view.videos)],
        state=view.state,
        expires=_long_date(linking_request.expires_at),
        answered=_long_date(linking_request.answered_at) if linking_request.answered_at else None,
        form_token=request.app[FORM_TOKENS_KEY].issue(linking_request.token),
        values=values or {},
        errors=errors or {},
        refusal=refusal,
        max_length=SPARK_CODE_MAX_LENGTH,
    )


async def show_request(
    request: web.Request, sessions: async_sessionmaker[AsyncSession]
) -> web.StreamResponse:
    wait = request.app[RATE_LIMITS_KEY].check_view(client_address(request))
    if wait:
        return too_many(wait)
    try:
        async with sessions() as session:
            view = await linking.get_request(session, token=request.match_info["token"])
    except NotFound:
        return not_found()
    return request_page(request, view)


async def read_form(request: web.Request) -> dict[str, str] | None:
    """The urlencoded form, first value per name; None when it is over the size limit."""
    if request.content_length is not None and request.content_length > MAX_BODY_BYTES:
        return None
    body = await request.content.read(MAX_BODY_BYTES + 1)
    if len(body) > MAX_BODY_BYTES:
        return None
    if request.content_type != "application/x-www-form-urlencoded":
        return {}
    try:
        parsed = parse_qs(body.decode("utf-8"), keep_blank_values=True, max_num_fields=MAX_FIELDS)
    except (UnicodeDecodeError, ValueError):
        return {}
    return {name: values[0] for name, values in parsed.items()}


async def receive_answer(
    request: web.Request, sessions: async_sessionmaker[AsyncSession]
) -> web.StreamResponse:
    token = request.match_info["token"]
    wait = request.app[RATE_LIMITS_KEY].check_post(client_address(request), token)
    if wait:
        return too_many(wait)
    if not linking.is_plausible_token(token):
        return not_found()
    form = await read_form(request)
    if form is None:
        return page(
            "message.html",
            status=413,
            title="Too much to send",
            message="That was more than this form takes. Go back and send only the spark codes.",
            back_url=request.path,
        )
    if not request.app[FORM_TOKENS_KEY].check(token, form.get(CSRF_FIELD)):
        return page(
            "message.html",
            status=403,
            title="Please reload the page",
            message="This form expired or didn't come from this page, so nothing was sent. "
            "Open the link again and answer from there.",
            back_url=request.path,
        )
    choice = form.get("answer")
    values = {name: value for name, value in form.items() if name.startswith("spark_code_")}
    try:
        async with sessions.begin() as session:
            if choice == "accept":
                codes = [form.get(spark_code_field(index)) for index in range(linking.MAX_LINKS)]
                result = await linking.accept_request(session, token=token, spark_codes=codes)
            elif choice == "decline":
                result = await linking.decline_request(session, token=token)
            else:
                raise InvalidInput({"answer": "Choose to authorize or to decline."})
    except NotFound:
        return not_found()
    except Conflict as exc:
        return await _again(request, sessions, token, values, status=409, refusal=exc.message)
    except InvalidInput as exc:
        return await _again(request, sessions, token, values, status=422, errors=exc.errors)
    return page(
        "linking_done.html",
        project=result.view.project,
        brand=result.view.brand,
        accepted=result.accepted,
        count=len(result.view.videos),
    )


async def _again(
    request: web.Request,
    sessions: async_sessionmaker[AsyncSession],
    token: str,
    values: Mapping[str, str],
    *,
    status: int,
    errors: Mapping[str, str] | None = None,
    refusal: str | None = None,
) -> web.Response:
    """The request page again, with what was typed and why it was refused."""
    try:
        async with sessions() as session:
            view = await linking.get_request(session, token=token)
    except NotFound:
        return not_found()
    return request_page(request, view, values=values, errors=errors, status=status, refusal=refusal)
