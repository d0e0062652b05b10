"""A creator on a phone, in a real headless Chromium: open the invite link, deliver, see it received.

Each test saves phone-sized (390×844) screenshots in `test-artifacts/` for a person to look at:
one invite page per language (Thai, Japanese and Arabic especially: fonts, wrapping, right to
left), and the moments a creator on a phone could get lost (errors, a long link, Decline, a logo
that doesn't load, too many tries).
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from limits import RateLimitItemPerHour
from sqlalchemy import select

from bot import i18n
from bot.portal.routes import RATE_LIMITS_KEY
from storage.models import LinkingRequest, LinkingRequestStatus, Video
from tests.factories import make_brand, make_project, make_workspace, new_linking_request
from tests.harness.server import RunningServer

if TYPE_CHECKING:
    from playwright.async_api import ViewportSize

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE: ViewportSize = {"width": 390, "height": 844}
# nothing listens there: the logo fails to load, as a brand's expired CDN link would
BROKEN_LOGO = "https://127.0.0.1:9/logo.png"
CODE = "#4lrl4IIbnY3H31X1KfPKGpyupUzbnHF5S7T/UbUsEBnnUOP4tYz9+Ek7tt6i7ms="
LONG_HANDLE = "the.longest_handle.2024"

pytestmark = pytest.mark.skipif(
    not os.path.exists(CHROMIUM), reason=f"no Chromium at {CHROMIUM} (.ci/run installs it)"
)


@pytest.fixture
async def phone() -> AsyncIterator[Any]:
    """A new phone-sized browser context per test (Chromium itself, started once per test)."""
    from playwright.async_api import async_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:

            async def new_page(locale: str = "en-US") -> Any:
                context = await browser.new_context(
                    viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True, locale=locale
                )
                # Any: the page also carries `blocked`, what the Content Security Policy refused
                page: Any = await context.new_page()
                page.blocked = []
                page.on(
                    "console",
                    lambda message: (
                        page.blocked.append(message.text)
                        if "Content Security Policy" in message.text
                        else None
                    ),
                )
                return page

            yield new_page
        finally:
            await browser.close()


async def no_sideways_scroll(page: Any) -> None:
    assert await page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


async def test_a_creator_delivers_a_video_from_a_phone(server: RunningServer, phone: Any) -> None:
    async with server.sessions.begin() as session:
        project = await make_project(session, link_name="Summer glow")
    page = await phone()

    response = await page.goto(f"{server.url}/i/{project.invite_token}")
    assert response is not None and response.status == 200
    assert await page.locator("h1").inner_text() == "Summer glow"
    assert "@glowco.com" in await page.locator(".verify").inner_text()
    await no_sideways_scroll(page)
    await page.screenshot(path=str(ARTIFACTS / "portal-phone.png"), full_page=True)

    await page.get_by_label("TikTok video link").fill(
        "https://www.tiktok.com/@glow.maker/video/7301234567890123456?is_from_webapp=1"
    )
    await page.get_by_label("Your TikTok handle").fill("@glow.maker")
    await page.get_by_label("Your email").fill("maker@example.com")
    await page.get_by_label("Spark code").fill(CODE)
    await page.get_by_role("button", name="Send my video").click()

    await page.wait_for_selector("text=your video was received")
    assert "https://www.tiktok.com/@glow.maker/video/7301234567890123456" in await page.content()
    await page.screenshot(path=str(ARTIFACTS / "portal-phone-received.png"), full_page=True)
    assert page.blocked == []

    async with server.sessions() as session:
        [video] = (await session.execute(select(Video))).scalars().all()
    assert video.creator_handle == "glow.maker"
    assert video.project_id == project.id
    assert (ARTIFACTS / "portal-phone.png").stat().st_size > 10_000


# screenshots for a person to look at, ~15 s: each catalog's page is checked over HTTP in
# test_languages.py and the phone layout by the tests around this one
@pytest.mark.slow
async def test_the_invite_page_in_every_language_on_a_phone(server: RunningServer, phone: Any) -> None:
    async with server.sessions.begin() as session:
        workspace = await make_workspace(session)
        brand = await make_brand(session, workspace=workspace, name="GlowCo", logo_url=BROKEN_LOGO)
        project = await make_project(
            session, workspace=workspace, brand=brand, link_name="Summer glow", deadline=_deadline()
        )

    for lang in i18n.languages().values():
        page = await phone(locale=lang.tag)  # the phone's own language: Accept-Language
        await page.goto(f"{server.url}/i/{project.invite_token}")

        assert await page.get_attribute("html", "lang") == lang.tag
        assert await page.get_attribute("html", "dir") == lang.direction
        if lang.direction == "rtl":
            assert await page.evaluate("getComputedStyle(document.body).direction") == "rtl"
        await no_sideways_scroll(page)
        await page.screenshot(path=str(ARTIFACTS / f"portal-phone-{lang.tag}.png"), full_page=True)
        if lang.tag in ("ar", "ja", "th"):  # the scripts most likely to break a layout: a refused send too
            await page.locator("#url").fill("https://www.youtube.com/watch?v=dQw4w9WgXcQ")
            await page.locator("#creator_handle").fill("@glow.maker")
            await page.locator("#creator_email").fill("maker@example.com")
            await page.locator("button[type=submit]").click()
            await page.wait_for_selector("#errors")
            await no_sideways_scroll(page)
            await page.screenshot(path=str(ARTIFACTS / f"portal-phone-{lang.tag}-errors.png"))
        assert page.blocked == []
        await page.context.close()


async def test_a_logo_that_fails_to_load_shows_the_brands_initial(server: RunningServer, phone: Any) -> None:
    async with server.sessions.begin() as session:
        workspace = await make_workspace(session)
        brand = await make_brand(session, workspace=workspace, name="GlowCo", logo_url=BROKEN_LOGO)
        project = await make_project(session, workspace=workspace, brand=brand, link_name="Summer glow")
    page = await phone()

    await page.goto(f"{server.url}/i/{project.invite_token}")
    logo = page.locator(".brand img")
    await page.wait_for_function("document.querySelector('.brand img').complete")

    assert await logo.evaluate("image => image.naturalWidth") == 0  # it did fail to load
    box = await logo.bounding_box()
    assert box is not None and round(box["width"]) == 48 and round(box["height"]) == 48
    assert await logo.get_attribute("alt") == ""  # nothing for Chromium to draw beside a broken icon
    await page.locator("header.card").screenshot(path=str(ARTIFACTS / "portal-phone-broken-logo.png"))


async def test_after_a_refused_send_the_phone_opens_at_the_errors(server: RunningServer, phone: Any) -> None:
    async with server.sessions.begin() as session:
        project = await make_project(session, link_name="Summer glow")
    page = await phone(locale="pt-BR")

    await page.goto(f"{server.url}/i/{project.invite_token}")
    await page.locator("#url").fill("https://www.youtube.com/watch?v=dQw4w9WgXcQ")
    await page.locator("#creator_handle").fill("@glow.maker")
    await page.locator("#creator_email").fill("maker@example.com")
    await page.locator("#spark_code").fill("#short")
    await page.get_by_role("button", name="Enviar meu vídeo").click()
    await page.wait_for_selector("#errors")

    assert page.url.endswith("#errors")
    top = await page.locator("#errors").evaluate("summary => summary.getBoundingClientRect().top")
    assert -1 <= top < PHONE["height"] / 2, "the error summary isn't in view"
    assert await page.evaluate("window.scrollY") > 0
    summary = await page.locator("#errors").inner_text()
    assert "Nada foi enviado ainda." in summary and "Esse não é um link do TikTok" in summary
    assert await page.locator("#url").input_value() == "https://www.youtube.com/watch?v=dQw4w9WgXcQ"
    await page.screenshot(path=str(ARTIFACTS / "portal-phone-errors.png"))  # what the phone shows

    # the whole flow stays in Portuguese: fix the link, send, and read the confirmation
    await page.locator("#url").fill("https://www.tiktok.com/@glow.maker/video/7301234567890123456")
    await page.locator("#spark_code").fill(CODE)
    await page.get_by_role("button", name="Enviar meu vídeo").click()
    await page.wait_for_selector("text=Obrigado! Seu vídeo foi recebido")
    received = await page.locator("main").inner_text()
    assert "O que recebemos" in received and " de 20" in received  # Babel's date: "7 de dezembro de 2026"
    await page.screenshot(path=str(ARTIFACTS / "portal-phone-received-pt-BR.png"), full_page=True)


async def test_a_linking_request_on_a_phone_wraps_links_and_asks_before_declining(
    server: RunningServer, phone: Any
) -> None:
    request = await _linking_request(server)
    page = await phone()

    await page.goto(f"{server.url}/a/{request.token}")
    await no_sideways_scroll(page)
    link = page.locator(".hint a").first
    card = page.locator("section[aria-labelledby=authorize]")
    link_box, card_box = await link.bounding_box(), await card.bounding_box()
    assert link_box is not None and card_box is not None
    assert link_box["x"] + link_box["width"] <= card_box["x"] + card_box["width"]
    assert LONG_HANDLE in await link.inner_text()
    await page.screenshot(path=str(ARTIFACTS / "portal-phone-linking.png"), full_page=True)

    await page.get_by_role("link", name="Decline").click()
    await page.wait_for_selector("text=Decline this request?")
    assert page.url.endswith("?decline=1#decline")
    await page.screenshot(path=str(ARTIFACTS / "portal-phone-decline.png"))
    async with server.sessions() as session:
        assert (await session.execute(select(LinkingRequest))).scalar_one().status == "pending"

    await page.get_by_role("button", name="Yes, decline").click()
    await page.wait_for_selector("text=You declined the request")
    async with server.sessions() as session:
        stored = (await session.execute(select(LinkingRequest))).scalar_one()
    assert stored.status == LinkingRequestStatus.DECLINED


async def test_a_linking_request_in_arabic_reads_right_to_left(server: RunningServer, phone: Any) -> None:
    request = await _linking_request(server)
    page = await phone(locale="ar")

    await page.goto(f"{server.url}/a/{request.token}")

    assert await page.get_attribute("html", "dir") == "rtl"
    await no_sideways_scroll(page)
    await page.screenshot(path=str(ARTIFACTS / "portal-phone-linking-ar.png"), full_page=True)


async def test_too_many_tries_keeps_what_was_typed_and_sends_it_again(
    server: RunningServer, phone: Any
) -> None:
    async with server.sessions.begin() as session:
        project = await make_project(session, link_name="Summer glow")
    limits = server.runner.app[RATE_LIMITS_KEY]
    limits.posts_per_client = RateLimitItemPerHour(1)
    await limits.check_post("127.0.0.1")  # this phone has used up its tries, for now
    page = await phone()

    await page.goto(f"{server.url}/i/{project.invite_token}")
    await page.locator("#url").fill("https://www.tiktok.com/@glow.maker/video/7301234567890123456")
    await page.locator("#creator_handle").fill("@glow.maker")
    await page.locator("#creator_email").fill("maker@example.com")
    await page.locator("#spark_code").fill(CODE)
    await page.get_by_role("button", name="Send my video").click()
    await page.wait_for_selector("text=Too many tries")

    kept = await page.locator("main").inner_text()
    assert "maker@example.com" in kept and CODE in kept
    assert await page.get_by_role("link", name="Back to the project").count() == 1
    await no_sideways_scroll(page)
    await page.screenshot(path=str(ARTIFACTS / "portal-phone-too-many.png"), full_page=True)

    limits.posts_per_client = None  # the wait is over
    await page.get_by_role("button", name="Send again").click()
    await page.wait_for_selector("text=your video was received")
    async with server.sessions() as session:
        [video] = (await session.execute(select(Video))).scalars().all()
    assert video.creator_email == "maker@example.com" and video.spark_code == CODE


def _deadline() -> Any:
    import datetime as dt

    return dt.date.today() + dt.timedelta(days=40)


async def _linking_request(server: RunningServer) -> LinkingRequest:
    return await new_linking_request(
        server.sessions,
        urls=(
            f"https://www.tiktok.com/@{LONG_HANDLE}/video/7301234567890123456\n"
            f"https://www.tiktok.com/@{LONG_HANDLE}/video/7301234567890123457"
        ),
        logo_url=BROKEN_LOGO,
    )
