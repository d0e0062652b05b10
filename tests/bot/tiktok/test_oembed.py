"""The oEmbed client against the fake TikTok: answers, removed videos, short links, failures."""

from __future__ import annotations

import aiohttp
import pytest

from bot.tiktok.oembed import OEmbedAnswer, OEmbedClient, OEmbedUnavailable
from tests.harness.fake_tiktok import FakeTikTok

ID = "7301234567890123456"
LINK = f"https://www.tiktok.com/@glow.maker/video/{ID}"


async def lookup(fake: FakeTikTok, link: str = LINK, *, timeout: float | None = None) -> OEmbedAnswer:
    async with aiohttp.ClientSession() as http:
        return await OEmbedClient(fake.url, http, timeout=timeout).lookup(link)


async def test_an_answer_names_the_owner_title_id_and_thumbnail(fake_tiktok: FakeTikTok) -> None:
    fake_tiktok.add_video(ID, owner="real.owner", title="Morning routine")

    answer = await lookup(fake_tiktok)

    assert answer.available
    assert (answer.author_unique_id, answer.embed_product_id, answer.title) == (
        "real.owner",
        ID,
        "Morning routine",
    )
    assert answer.thumbnail_url is not None and answer.thumbnail_url.startswith("https://")
    assert fake_tiktok.calls == [LINK]


async def test_a_short_link_answers_its_video_id(fake_tiktok: FakeTikTok) -> None:
    fake_tiktok.add_video(ID, owner="glow.maker")
    fake_tiktok.add_short_link("https://vt.tiktok.com/ZSabc1234/", ID)

    answer = await lookup(fake_tiktok, "https://vt.tiktok.com/ZSabc1234/")

    assert answer.embed_product_id == ID


async def test_a_removed_video_answers_without_an_id(fake_tiktok: FakeTikTok) -> None:
    fake_tiktok.add_video(ID, owner="glow.maker")
    fake_tiktok.remove(ID)

    answer = await lookup(fake_tiktok)

    assert not answer.available
    assert answer.status_code == 10101


async def test_a_429_is_retried_after_tiktoks_delay(fake_tiktok: FakeTikTok) -> None:
    fake_tiktok.rate_limit(retry_after=7)

    with pytest.raises(OEmbedUnavailable) as failed:
        await lookup(fake_tiktok)

    assert failed.value.retry_after == 7.0


@pytest.mark.parametrize("status", [500, 502, 503])
async def test_a_5xx_is_worth_retrying(fake_tiktok: FakeTikTok, status: int) -> None:
    fake_tiktok.server_error(status=status)

    with pytest.raises(OEmbedUnavailable, match=f"HTTP {status}"):
        await lookup(fake_tiktok)


async def test_a_slow_answer_times_out(fake_tiktok: FakeTikTok) -> None:
    fake_tiktok.add_video(ID, owner="glow.maker")
    fake_tiktok.slow(2.0)

    with pytest.raises(OEmbedUnavailable, match="didn't answer"):
        await lookup(fake_tiktok, timeout=0.2)


async def test_an_unreachable_endpoint_is_worth_retrying() -> None:
    async with aiohttp.ClientSession() as http:
        with pytest.raises(OEmbedUnavailable):
            await OEmbedClient("http://127.0.0.1:9/oembed", http, timeout=1).lookup(LINK)


def test_an_id_given_as_a_number_is_read_as_text() -> None:
    from bot.tiktok.oembed import OEmbedAnswer

    answer = OEmbedAnswer.model_validate({"embed_product_id": 7301234567890123456, "title": "x"})

    assert answer.embed_product_id == ID
