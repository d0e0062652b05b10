"""The ceilings: `python -m bench.bare aiohttp|bolt --port N [--slack-api-url URL]`.

- aiohttp: one handler answering a short text, nothing else (what the web server can do at best);
- bolt: a Bolt AsyncApp behind the same aiohttp adapter the app uses, whose only listener acks
  `/liteproject`: signature check, parsing and Bolt's dispatch, no database and no work after.
"""

from __future__ import annotations

import argparse
import logging

from aiohttp import web


def bare_aiohttp() -> web.Application:
    async def hello(request: web.Request) -> web.Response:
        await request.read()
        return web.Response(text="ok")

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", hello)
    return app


def bare_bolt(slack_api_url: str) -> web.Application:
    from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
    from slack_bolt.async_app import AsyncAck, AsyncApp
    from slack_sdk.web.async_client import AsyncWebClient

    from tests.harness.fake_slack import BOT_TOKEN
    from tests.harness.slack_requests import SIGNING_SECRET

    bolt = AsyncApp(
        name="bare",
        signing_secret=SIGNING_SECRET,
        client=AsyncWebClient(token=BOT_TOKEN, base_url=slack_api_url, timeout=10),
    )

    @bolt.command("/liteproject")
    async def ack_only(ack: AsyncAck) -> None:
        await ack()

    async def slack_events(request: web.Request) -> web.Response:
        return await to_aiohttp_response(await bolt.async_dispatch(await to_bolt_request(request)))

    app = web.Application()
    app.router.add_post("/slack/events", slack_events)
    return app


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.bare")
    parser.add_argument("kind", choices=("aiohttp", "bolt"))
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--slack-api-url", default="http://127.0.0.1:9/api/")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    app = bare_aiohttp() if args.kind == "aiohttp" else bare_bolt(args.slack_api_url)
    web.run_app(app, host="127.0.0.1", port=args.port, print=None, access_log=None)


if __name__ == "__main__":
    main()
