"""The creator pages in the creator's language, through the real server."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import aiohttp
from limits import RateLimitItemPerHour
from sqlalchemy import select

from bot.portal.routes import FORM_TOKENS_KEY, RATE_LIMITS_KEY
from storage.models import LiteProject, Video
from tests.bot.test_outage import UNREACHABLE
from tests.factories import make_project
from tests.harness.fake_slack import FakeSlack
from tests.harness.server import RunningServer, start_server

URL = "https://www.tiktok.com/@glow.maker/video/7301234567890123456"
CODE = "#4lrl4IIbnY3H31X1KfPKGpyupUzbnHF5S7T/UbUsEBnnUOP4tYz9+Ek7tt6i7ms="


async def fetch(
    method: str, url: str, *, language: str | None = None, **kwargs: Any
) -> tuple[int, str, dict[str, str]]:
    headers = {"Accept-Language": language} if language else {}
    async with aiohttp.ClientSession() as session:
        async with session.request(method, url, headers=headers, allow_redirects=False, **kwargs) as response:
            return response.status, await response.text(), dict(response.headers)


async def new_project(server: RunningServer, **kwargs: Any) -> LiteProject:
    async with server.sessions.begin() as session:
        return await make_project(session, link_name="Summer glow", **kwargs)


def form(server: RunningServer, token: str, **fields: str) -> dict[str, str]:
    return {
        "url": URL,
        "creator_handle": "@glow.maker",
        "creator_email": "maker@example.com",
        "spark_code": CODE,
        "form_token": server.runner.app[FORM_TOKENS_KEY].issue(token),
        **fields,
    }


async def test_a_phone_set_to_portuguese_reads_the_page_in_portuguese(server: RunningServer) -> None:
    project = await new_project(server, deadline=dt.date(2031, 12, 1))

    status, text, headers = await fetch(
        "GET", f"{server.url}/i/{project.invite_token}", language="pt-BR,pt;q=0.9,en;q=0.8"
    )

    assert status == 200
    assert '<html lang="pt-BR" dir="ltr">' in text
    assert headers["Content-Language"] == "pt-BR" and "Accept-Language" in headers["Vary"]
    assert "Envie seu vídeo" in text and "Enviar meu vídeo" in text
    assert "Confira se é mesmo a" in text
    assert "segunda-feira, 1 de dezembro de 2031" in text  # the deadline, by Babel
    # the brand's own words stay as the team wrote them
    assert "A vitamin C serum for sensitive skin" in text and "Mention #GlowCoPartner" in text
    assert "Send my video" not in text


async def test_arabic_reads_right_to_left(server: RunningServer) -> None:
    project = await new_project(server)

    _, text, _ = await fetch("GET", f"{server.url}/i/{project.invite_token}", language="ar-EG,ar;q=0.9")

    assert '<html lang="ar" dir="rtl">' in text
    assert "سلّم الفيديو الخاص بك" in text


async def test_the_language_chosen_on_the_page_is_kept_in_its_form_and_links(server: RunningServer) -> None:
    project = await new_project(server)
    token = project.invite_token

    _, page, _ = await fetch("GET", f"{server.url}/i/{token}?lang=ja", language="fr")
    status, received, _ = await fetch(
        "POST", f"{server.url}/i/{token}?lang=ja", language="fr", data=form(server, token)
    )

    assert '<html lang="ja"' in page
    assert f'action="/i/{token}?lang=ja#errors"' in page
    # every language is one plain link away, named in itself
    for tag, name in (("pt-BR", "Português (Brasil)"), ("ar", "العربية"), ("th", "ไทย"), ("en", "English")):
        assert f'href="?lang={tag}" lang="{tag}" hreflang="{tag}"' in page and name in page
    assert 'href="?lang=ja" lang="ja" hreflang="ja" aria-current="true"' in page
    assert status == 200 and "動画を受け取りました" in received
    assert f'href="/i/{token}?lang=ja"' in received


async def test_the_projects_creator_language_is_the_default_when_the_browser_has_none_we_have(
    server: RunningServer,
) -> None:
    project = await new_project(server, creator_language="id")

    _, polish, _ = await fetch("GET", f"{server.url}/i/{project.invite_token}", language="pl-PL")
    _, french, _ = await fetch("GET", f"{server.url}/i/{project.invite_token}", language="fr-FR")
    _, unknown, _ = await fetch("GET", f"{server.url}/i/not-a-token-at-all-xxxxxxx", language="pl-PL")

    assert '<html lang="id"' in polish and "Kirim video kamu" in polish
    assert '<html lang="fr"' in french
    assert '<html lang="en"' in unknown  # no project, no default


async def test_validation_messages_come_translated_and_first(server: RunningServer) -> None:
    project = await new_project(server)
    token = project.invite_token

    status, text, _ = await fetch(
        "POST",
        f"{server.url}/i/{token}",
        language="es-MX",
        data=form(server, token, url="https://www.youtube.com/watch?v=1", spark_code="#short"),
    )

    assert status == 422
    summary = text.index('id="errors"')
    assert summary < text.index('<form method="post"')  # the error summary comes before the form
    assert "Todavía no se envió nada." in text
    assert '<a href="#url">Ese no es un enlace de TikTok.' in text
    assert "Ese código Spark tiene solo 6 caracteres" in text
    assert 'value="https://www.youtube.com/watch?v=1"' in text


async def test_a_linking_request_speaks_the_language_and_declines_after_asking(server: RunningServer) -> None:
    from tests.bot.portal.test_linking import new_request

    request = await new_request(server)
    page_url = f"{server.url}/a/{request.token}"

    _, page, _ = await fetch("GET", f"{page_url}?lang=th")
    _, confirm, _ = await fetch("GET", f"{page_url}?lang=th&decline=1")
    status, declined, _ = await fetch(
        "POST",
        f"{page_url}?lang=th",
        data={"answer": "decline", "form_token": server.runner.app[FORM_TOKENS_KEY].issue(request.token)},
    )

    assert "อนุญาตวิดีโอของคุณ" in page and 'value="decline"' not in page
    assert f'href="/a/{request.token}?decline=1&amp;lang=th#decline"' in page
    assert "ปฏิเสธคำขอนี้ใช่ไหม" in confirm and 'value="decline"' in confirm
    assert f'href="/a/{request.token}?lang=th">ไม่ กลับไป' in confirm
    assert status == 200 and "คุณปฏิเสธคำขอแล้ว" in declined


async def test_too_many_tries_keeps_what_was_typed_and_offers_a_way_back(server: RunningServer) -> None:
    project = await new_project(server)
    token = project.invite_token
    server.runner.app[RATE_LIMITS_KEY].posts_per_client = RateLimitItemPerHour(1)
    await fetch("POST", f"{server.url}/i/{token}", data=form(server, token, url="https://nope.example"))

    status, text, headers = await fetch(
        "POST",
        f"{server.url}/i/{token}?lang=pt-BR",
        data=form(server, token, creator_handle="@typed.handle", spark_code=CODE),
    )

    assert status == 429 and int(headers["Retry-After"]) > 0
    assert "Muitas tentativas" in text
    assert "O que você digitou está guardado" in text
    assert "@typed.handle" in text and CODE in text  # shown, and in the form that sends it again
    assert re.search(rf'<form method="post" action="/i/{token}\?lang=pt-BR#errors"', text)
    assert 'name="creator_handle" value="@typed.handle"' in text
    assert f'<a href="/i/{token}?lang=pt-BR">Voltar ao projeto</a>' in text
    async with server.sessions() as session:
        assert (await session.execute(select(Video))).first() is None


async def test_the_refusal_pages_speak_the_language_too(server: RunningServer) -> None:
    project = await new_project(server)
    token = project.invite_token

    forbidden = await fetch(
        "POST", f"{server.url}/i/{token}", language="de-DE", data=form(server, token, form_token="0.0")
    )
    missing = await fetch("GET", f"{server.url}/i/{'Z' * 32}", language="ko-KR")
    too_much = await fetch(
        "POST", f"{server.url}/a/{'Z' * 32}?lang=vi", data={"spark_code_0": "A" * 40_000, "answer": "accept"}
    )

    assert forbidden[0] == 403 and "Bitte lade die Seite neu" in forbidden[1]
    assert "Dieses Formular ist abgelaufen" in forbidden[1]
    assert missing[0] == 404 and "이 링크는 작동하지 않습니다" in missing[1]
    assert too_much[0] == 413 and "Nội dung quá lớn" in too_much[1]


async def test_a_photo_post_is_refused_in_portuguese_and_the_form_says_so_first(
    server: RunningServer,
) -> None:
    project = await new_project(server)
    token = project.invite_token

    _, page, _ = await fetch("GET", f"{server.url}/i/{token}", language="pt-BR")
    status, refused, _ = await fetch(
        "POST",
        f"{server.url}/i/{token}",
        language="pt-BR",
        data=form(server, token, url="https://www.tiktok.com/@glow.maker/photo/7301234567890123456"),
    )

    assert "Só vídeos: publicações de fotos não são aceitas." in page
    assert status == 422
    assert '<a href="#url">Essa é uma publicação de fotos. Projetos lite aceitam só vídeos' in refused
    assert "photo post" not in refused
    async with server.sessions() as session:
        assert (await session.execute(select(Video))).first() is None


async def test_a_cut_off_spark_code_is_refused_in_japanese_on_the_linking_page(server: RunningServer) -> None:
    from tests.bot.portal.test_linking import new_request

    request = await new_request(server)
    cut_off = CODE[:30]

    status, text, _ = await fetch(
        "POST",
        f"{server.url}/a/{request.token}?lang=ja",
        data={
            "answer": "accept",
            "spark_code_0": cut_off,
            "spark_code_1": CODE,
            "form_token": server.runner.app[FORM_TOKENS_KEY].issue(request.token),
        },
    )

    assert status == 422
    assert "このSparkコードは30文字しかありません。" in text and "cut off" not in text
    assert f'value="{cut_off}"' in text  # what was typed comes back to be fixed


async def test_a_paused_linking_request_says_so_in_german_with_a_german_date(server: RunningServer) -> None:
    from tests.bot.portal.test_linking import new_request

    request = await new_request(server, created=dt.datetime(2031, 11, 7, 9, 0, tzinfo=dt.UTC))
    async with server.sessions.begin() as session:
        (await session.execute(select(LiteProject))).scalar_one().active = False

    status, page, _ = await fetch("GET", f"{server.url}/a/{request.token}", language="de-DE")
    answered, refused, _ = await fetch(
        "POST",
        f"{server.url}/a/{request.token}",
        language="de-DE",
        data={"answer": "decline", "form_token": server.runner.app[FORM_TOKENS_KEY].issue(request.token)},
    )

    assert status == 200 and answered == 409
    for text in (page, refused):
        assert "Dieses Projekt ist pausiert" in text
        assert "bis zum 7. Dezember 2031" in text and "December" not in text


async def test_the_database_down_page_speaks_arabic(fake_slack: FakeSlack) -> None:
    running = await start_server(fake_slack, UNREACHABLE)
    try:
        status, text, headers = await fetch("GET", f"{running.url}/i/{'a' * 32}", language="ar")
    finally:
        await running.stop()

    assert status == 503 and headers["Retry-After"] == "30"
    assert '<html lang="ar" dir="rtl">' in text
    assert "سنعود بعد قليل" in text and "لم يُحفظ أي شيء أرسلته" in text
    assert "Back in a moment" not in text
