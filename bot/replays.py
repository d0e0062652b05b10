"""Refuse replayed Slack requests and handle each event once, across replicas.

Bolt checks the signature and the timestamp (5 minutes), but a signed request captured on the
way can be sent again within those 5 minutes, and Slack itself retries an event it thinks was not
acked. Both are remembered in the shared database (`storage.shared.remember_once`), so the second
copy is turned away whichever replica it reaches. Both marks are one write unit (`storage.writer`):
on SQLite, the marks of many requests share one commit.
"""

from __future__ import annotations

import json
import logging
import time
from functools import partial

from aiohttp import web
from slack_sdk.signature import SignatureVerifier
from sqlalchemy.engine import Connection
from sqlalchemy.exc import SQLAlchemyError

from storage.shared import remember_once
from storage.writer import Writer

log = logging.getLogger(__name__)

# Slack refuses (and Bolt refuses) timestamps more than 5 minutes off: a signature is only worth
# replaying within that window either side, so it is remembered a little longer than both
SIGNATURE_MEMORY_SECONDS = 11 * 60
# Slack retries an event up to 3 times over about an hour and a half
EVENT_MEMORY_SECONDS = 3 * 3600


async def refuse_repeats(
    request: web.Request, writer: Writer, verifier: SignatureVerifier
) -> web.Response | None:
    """None to go on; else the answer to a replay (401) or to an event already handled (200).

    Only correctly signed requests are remembered: a forged one can't spend a real one's mark.
    """
    body = (await request.read()).decode("utf-8", errors="replace")
    timestamp = request.headers.get("X-Slack-Request-Timestamp", "")
    signature = request.headers.get("X-Slack-Signature", "")
    if not verifier.is_valid(body, timestamp, signature):
        return None  # Bolt answers it with its own 401
    event_id = _event_id(body, request.content_type)
    try:
        seen = await writer.run(
            partial(_remember, event_id=event_id, signature=signature[-64:], now=time.time())
        )
    except (SQLAlchemyError, OSError) as exc:
        # the database is down: whatever the request asks fails with the app's own words anyway
        # (and a replay can't change what it can't reach), so it goes on to say them
        log.warning("could not check the request for a replay: %s", exc.__class__.__name__)
        return None
    if seen == "event":
        # acked again so Slack stops retrying, but not run twice
        log.info("event %s already handled; not running it again", event_id)
        return web.Response(status=200)
    if seen == "signature":
        log.warning("refused a replayed Slack request (a signature seen before)")
        return web.json_response({"error": "this request was already received"}, status=401)
    return None


def _remember(connection: Connection, *, event_id: str | None, signature: str, now: float) -> str | None:
    """One write unit for both marks: what was seen before ("event", "signature"), else None."""
    if event_id is not None and not remember_once(
        connection, key=f"event:{event_id}", keep_seconds=EVENT_MEMORY_SECONDS, now=now
    ):
        return "event"
    if not remember_once(connection, key=f"sig:{signature}", keep_seconds=SIGNATURE_MEMORY_SECONDS, now=now):
        return "signature"
    return None


def _event_id(body: str, content_type: str) -> str | None:
    if content_type != "application/json":
        return None
    try:
        envelope = json.loads(body)
    except ValueError:
        return None
    if not isinstance(envelope, dict) or envelope.get("type") != "event_callback":
        return None
    event_id = envelope.get("event_id")
    return str(event_id)[:100] if event_id else None
