"""A creator on a phone, in a real headless Chromium: open the invite link, deliver, see it received."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from sqlalchemy import select

from storage.models import Video
from tests.factories import make_project
from tests.harness.server import RunningServer

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

pytestmark = pytest.mark.skipif(
    not os.path.exists(CHROMIUM), reason=f"no Chromium at {CHROMIUM} (.ci/run installs it)"
)


async def test_a_creator_delivers_a_video_from_a_phone(server: RunningServer) -> None:
    from playwright.async_api import async_playwright

    async with server.sessions.begin() as session:
        project = await make_project(session, link_name="Summer glow")
    ARTIFACTS.mkdir(exist_ok=True)

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            context = await browser.new_context(
                viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True, has_touch=True
            )
            page = await context.new_page()
            blocked: list[str] = []
            page.on(
                "console",
                lambda message: (
                    blocked.append(message.text) if "Content Security Policy" in message.text else None
                ),
            )

            response = await page.goto(f"{server.url}/i/{project.invite_token}")
            assert response is not None and response.status == 200
            assert await page.locator("h1").inner_text() == "Summer glow"
            assert "@glowco.com" in await page.locator(".verify").inner_text()
            # nothing overflows sideways at phone width
            assert await page.evaluate("document.documentElement.scrollWidth") <= 390
            await page.screenshot(path=str(ARTIFACTS / "portal-phone.png"), full_page=True)

            await page.get_by_label("TikTok video link").fill(
                "https://www.tiktok.com/@glow.maker/video/7301234567890123456?is_from_webapp=1"
            )
            await page.get_by_label("Your TikTok handle").fill("@glow.maker")
            await page.get_by_label("Your email").fill("maker@example.com")
            await page.get_by_label("Spark code").fill(
                "#4lrl4IIbnY3H31X1KfPKGpyupUzbnHF5S7T/UbUsEBnnUOP4tYz9+Ek7tt6i7ms="
            )
            await page.get_by_role("button", name="Send my video").click()

            await page.wait_for_selector("text=your video was received")
            assert "https://www.tiktok.com/@glow.maker/video/7301234567890123456" in await page.content()
            await page.screenshot(path=str(ARTIFACTS / "portal-phone-received.png"), full_page=True)
            assert blocked == []
        finally:
            await browser.close()

    async with server.sessions() as session:
        [video] = (await session.execute(select(Video))).scalars().all()
    assert video.creator_handle == "glow.maker"
    assert video.project_id == project.id
    assert (ARTIFACTS / "portal-phone.png").stat().st_size > 10_000
