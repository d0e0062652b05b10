"""Check each Slack request's signature once, then refuse replays and handle each event once,
across replicas.

Bolt checks the signature and the timestamp (5 minutes), but a signed request captured on the
way can be sent again within those 5 minutes, and Slack itself retries an event it thinks was not
acked. Both are remembered in the shared database (`storage.shared.remember_once`), so the second
copy is turned away whichever replica it reaches. Both marks are one write unit (`storage.writer`):
on SQLite, the marks of many requests share one commit.

`VerifyThenRefuseRepeats` takes the place of Bolt's own signature check (the app is built with
`request_verification_enabled=False` and this as `before_authorize`, which Bolt runs where its check
would have run): it is Bolt's check, run by Bolt's own middleware class, so a request it refuses
gets Bolt's answer, and only then are the marks written. The signature is checked once.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable
from functools import partial

from slack_bolt.middleware.request_verification.async_request_verification import (
    AsyncRequestVerification,
)
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse
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
ALREADY_RECEIVED = {"error": "this request was already received"}


class VerifyThenRefuseRepeats(AsyncRequestVerification):
    """Bolt's signature check, then the replay and event marks of a correctly signed request.

    Only correctly signed requests are remembered: a forged one can't spend a real one's mark.
    """

    def __init__(self, signing_secret: str, writer: Writer) -> None:
        super().__init__(signing_secret)
        self.writer = writer

    async def async_process(
        self, *, req: AsyncBoltRequest, resp: BoltResponse, next: Callable[[], Awaitable[BoltResponse]]
    ) -> BoltResponse:
        async def signed() -> BoltResponse:
            repeated = await refuse_repeats(req, self.writer)
            return repeated if repeated is not None else await next()

        # Bolt's own check: an unsigned, badly signed or stale request gets Bolt's own 401
        return await super().async_process(req=req, resp=resp, next=signed)


async def refuse_repeats(req: AsyncBoltRequest, writer: Writer) -> BoltResponse | None:
    """None to go on; else the answer to a replay (401) or to an event already handled (200)."""
    signature = req.headers.get("x-slack-signature", [""])[0]
    event_id = _event_id(req)
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
        return BoltResponse(status=200, body="")
    if seen == "signature":
        log.warning("refused a replayed Slack request (a signature seen before)")
        return BoltResponse(status=401, body=ALREADY_RECEIVED)
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


def _event_id(req: AsyncBoltRequest) -> str | None:
    """An Events API envelope's id (Bolt parsed the body already); None for anything else."""
    if req.content_type != "application/json":
        return None
    envelope = req.body
    if not isinstance(envelope, dict) or envelope.get("type") != "event_callback":
        return None
    event_id = envelope.get("event_id")
    return str(event_id)[:100] if event_id else None
