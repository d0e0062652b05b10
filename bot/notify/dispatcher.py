"""The outbox dispatcher: runs inside `serve`, sends queued notices to Slack exactly once.

- Rows are claimed with a lease (and `FOR UPDATE SKIP LOCKED` on PostgreSQL), so replicas don't
  send the same row; a row whose sender died is claimed again when its lease runs out.
- Before a send, the row is marked in flight. A row found in flight was maybe posted before a
  crash: the dispatcher looks for it in the channel by the message metadata it carries (its
  dedup key) and only sends when it isn't there, so a kill -9 neither loses nor repeats it.
- Each channel is paced to Slack's rate (about one message a second, short bursts allowed);
  a 429 pauses that channel for Retry-After; 5xx and network errors back off exponentially with
  jitter, and after `max_attempts` the row is parked as failed with the reason.
- When more than `digest_threshold` deliveries reach one channel within `digest_window`, the
  rest are folded into one digest message per window.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.notify.render import Outgoing, render_digest, render_outbox_message
from bot.pacing import ChannelPacer
from bot.retry import backoff_delay, finish_or_cancel
from bot.settings import Settings
from storage import outbox as outbox_queries
from storage.models import LiteProject, OutboxMessage, OutboxStatus, Workspace, utcnow

log = logging.getLogger(__name__)

METADATA_EVENT = "liteproject_notice"
DIGESTED_EVENTS = {"delivered"}
# errors retrying can't fix: the row is parked with the reason, for an admin to see
PERMANENT_ERRORS = {
    "channel_not_found": "the channel no longer exists",
    "is_archived": "the channel is archived",
    "not_in_channel": "liteproject isn't in this private channel; invite it with /invite @liteproject",
    "method_not_supported_for_channel_type": "liteproject can't join this channel; invite it with /invite @liteproject",
    "invalid_auth": "the bot token is invalid",
    "token_revoked": "the bot token was revoked",
    "account_inactive": "the bot token belongs to a deactivated app",
    "invalid_blocks": "Slack refused the message's blocks",
    "msg_too_long": "the message is too long",
    "user_not_found": "that person is no longer in the workspace",
    "not_installed": "liteproject is no longer installed in this workspace",
}

# a workspace's bot token from its (team id, enterprise id); None when it has none installed
TokenSource = Callable[[str, str], Awaitable[str | None]]


@dataclass
class DispatcherConfig:
    poll_seconds: float = 0.5
    max_attempts: int = 8
    backoff_base: float = 2.0  # seconds; doubled per attempt, capped at backoff_cap
    backoff_cap: float = 300.0
    lease_seconds: float = 60.0
    channel_rate: float = 1.0  # messages per second per channel
    channel_burst: int = 3
    digest_threshold: int = 5
    digest_window: float = 60.0
    batch_size: int = 200
    # transactions the dispatcher holds or waits for at once: requests share the connections (on
    # SQLite the one connection), so a round over many channels must not queue ahead of them all
    db_concurrency: int = 2
    stop_seconds: float = 10.0  # how long shutdown waits for the round in progress


def slack_error(exc: SlackApiError) -> str:
    """The `error` Slack gave, or `http_<status>` when the answer wasn't Slack's JSON."""
    data = exc.response.data
    if isinstance(data, dict) and data.get("error"):
        return str(data["error"])
    return f"http_{exc.response.status_code}"


def _reason(exc: Exception) -> str:
    """One line about a failed round, without SQL or parameters."""
    original = getattr(exc, "orig", None)
    return f"{exc.__class__.__name__}: {str(original or exc).splitlines()[0][:200] if str(original or exc) else ''}"


class RateLimited(Exception):
    def __init__(self, retry_after: float) -> None:
        super().__init__(f"rate limited for {retry_after}s")
        self.retry_after = retry_after


class OutboxDispatcher:
    def __init__(
        self,
        *,
        sessions: async_sessionmaker[AsyncSession],
        client: AsyncWebClient,
        settings: Settings,
        config: DispatcherConfig | None = None,
        tokens: TokenSource | None = None,
    ) -> None:
        self.sessions = sessions
        self.client = client
        # multi-workspace mode: each message goes out with the token of the workspace it belongs
        # to (never guessed from the channel: two workspaces can share one through Slack Connect)
        self.tokens = tokens
        self.settings = settings
        self.config = config or DispatcherConfig()
        self.pacer = ChannelPacer(self.config.channel_rate, self.config.channel_burst)
        self._task: asyncio.Task[None] | None = None
        self._wake = asyncio.Event()
        self._stopping = False
        self._joined: set[str] = set()
        self._db_slots = asyncio.Semaphore(self.config.db_concurrency)

    @contextlib.asynccontextmanager
    async def _transaction(self) -> AsyncIterator[AsyncSession]:
        async with self._db_slots, self.sessions.begin() as session:
            yield session

    # --- life cycle (aiohttp on_startup / on_cleanup) --------------------------------------------

    async def start(self, _app: object = None) -> None:
        self._task = asyncio.create_task(self._run(), name="outbox-dispatcher")

    async def stop(self, _app: object = None) -> None:
        """Finish the sends in progress (a send cut in half is what leaves rows in doubt), hand the
        rest of the round back to the queue, then stop."""
        if self._task is None:
            return
        self._stopping = True
        self._wake.set()
        await finish_or_cancel(self._task, seconds=self.config.stop_seconds)

    def wake(self) -> None:
        self._wake.set()

    async def _run(self) -> None:
        failures = 0  # rounds failed in a row: the database is down, read-only or not migrated
        while not self._stopping:
            try:
                handled = await self.drain_once()
            except Exception as exc:  # the loop must outlive a database outage; it backs off
                failures += 1
                if failures == 1:  # one line per state change, not a traceback per poll
                    log.warning("outbox: can't reach the outbox (%s); retrying with backoff", _reason(exc))
                handled = 0
            else:
                if failures:
                    log.info("outbox: the database answers again after %s failed rounds", failures)
                failures = 0
            if handled or self._stopping:
                continue
            self._wake.clear()
            wait = self.config.poll_seconds
            if failures:
                wait = min(self.config.backoff_cap, self.config.poll_seconds * 2 ** min(failures, 16))
            try:
                await asyncio.wait_for(self._wake.wait(), timeout=wait)
            except TimeoutError:
                pass

    # --- one round ----------------------------------------------------------------------------

    async def drain_once(self) -> int:
        """Claim due rows, send them channel by channel, record the outcomes; returns how many."""
        claimed = await self._claim()
        channels: dict[str, list[int]] = {}
        for message_id, channel in claimed:
            channels.setdefault(channel, []).append(message_id)
        await asyncio.gather(*(self._drain_channel(channel, ids) for channel, ids in channels.items()))
        return len(claimed)

    async def _claim(self) -> list[tuple[int, str]]:
        horizon = self.config.lease_seconds / 4
        taken: dict[str, int] = {}
        claimed = []
        async with self._transaction() as session:
            # the time once the transaction has its connection: it may have waited for it
            now = utcnow()
            lease = now + dt.timedelta(seconds=self.config.lease_seconds)
            for row in await outbox_queries.due_outbox_messages(
                session, now=now, limit=self.config.batch_size
            ):
                count = taken.get(row.channel_id, 0)
                if count >= self.pacer.budget(row.channel_id, horizon):
                    continue  # its turn comes in a later round; claiming it now would outlive the lease
                taken[row.channel_id] = count + 1
                claimed.append((row.id, row.channel_id))
            await outbox_queries.lease_outbox_messages(
                session, ids=[message_id for message_id, _ in claimed], until=lease
            )
        return claimed

    async def _drain_channel(self, channel: str, ids: list[int]) -> None:
        for index, message_id in enumerate(ids):
            await asyncio.sleep(0)  # let requests waiting on the loop run between two sends
            if self._stopping:
                # stopping: no send is cut in half, and what is still paced for later is handed
                # back now rather than held until its lease runs out
                await self._release(ids[index:], 0.0)
                return
            try:
                await self._deliver(message_id, channel)
            except RateLimited as limited:
                # keep the channel's order: what was claimed after this row waits too
                self.pacer.pause(channel, limited.retry_after)
                await self._release(ids[index:], limited.retry_after)
                return
            except Exception:
                log.exception("outbox %s: unexpected failure", message_id)
                await self._record_failure(message_id, "internal_error", keep_in_flight=True)

    async def _release(self, ids: list[int], delay: float) -> None:
        async with self._transaction() as session:
            await outbox_queries.release_outbox_messages(
                session, ids=ids, at=utcnow() + dt.timedelta(seconds=delay)
            )

    async def _deliver(self, message_id: int, channel: str) -> None:
        async with self._transaction() as session:
            message = await session.get(OutboxMessage, message_id)
            if message is None or message.status != OutboxStatus.PENDING:
                return
            if await self._hold_for_digest(session, message):
                return
            if message.digest_key is not None:
                group = await outbox_queries.pending_in_digest(session, digest_key=message.digest_key)
                if not group or group[0].id != message.id:
                    return  # the digest's first row sends it for all; this one is marked sent then
                outgoing = await render_digest(session, group, self.settings)
                group_ids = [row.id for row in group]
            else:
                outgoing = await render_outbox_message(session, message, self.settings)
                group_ids = [message_id]
            in_doubt = message.in_flight_since
            dedup_key = message.digest_key or message.dedup_key
            workspace = await session.get(Workspace, message.workspace_id) if self.tokens else None

        if outgoing.skip:
            await self._record_sent(group_ids, outgoing, None)
            return
        if self.tokens is not None:
            # looked up outside the transaction above: on SQLite it would wait for its own connection
            token = (
                await self.tokens(workspace.team_id, workspace.enterprise_id)
                if workspace is not None
                else None
            )
            if token is None:
                await self._record_failure(message_id, "not_installed")
                return
            outgoing.token = token
        existing = await self._find_posted(outgoing, dedup_key, in_doubt) if in_doubt else None
        if existing is not None:
            log.info("outbox %s was already posted before a restart; not sending again", message_id)
            await self._record_sent(group_ids, outgoing, existing)
            return
        await self._mark_in_flight(group_ids)
        await self.pacer.take(channel)
        try:
            ts = await self._send(outgoing, dedup_key)
        except SlackApiError as exc:
            await self._handle_slack_error(message_id, group_ids, channel, exc)
            return
        except (TimeoutError, OSError) as exc:  # the request may or may not have arrived
            log.warning("outbox %s: %s", message_id, exc)
            await self._record_failure(message_id, exc.__class__.__name__, keep_in_flight=True)
            return
        await self._record_sent(group_ids, outgoing, ts)

    async def _hold_for_digest(self, session: AsyncSession, message: OutboxMessage) -> bool:
        """Fold a delivery into this window's digest when the channel already had its share."""
        if message.event not in DIGESTED_EVENTS or message.digest_key is not None:
            return False
        window = self.config.digest_window
        now = utcnow()
        recent = await outbox_queries.count_recent_individual_sends(
            session,
            channel_id=message.channel_id,
            event=message.event,
            since=now - dt.timedelta(seconds=window),
        )
        if recent < self.config.digest_threshold:
            return False
        bucket = int(now.timestamp() // window)
        message.digest_key = f"digest:{message.channel_id}:{message.event}:{bucket}"
        message.next_attempt_at = dt.datetime.fromtimestamp((bucket + 1) * window, dt.UTC)
        return True

    async def _send(self, outgoing: Outgoing, dedup_key: str) -> str | None:
        if outgoing.update_ts:
            response = await self.client.chat_update(
                token=outgoing.token,
                channel=outgoing.channel,
                ts=outgoing.update_ts,
                text=outgoing.text,
                blocks=outgoing.blocks,
            )
            return outgoing.update_ts
        try:
            response = await self._post(outgoing, dedup_key)
        except SlackApiError as exc:
            if slack_error(exc) != "not_in_channel" or outgoing.channel in self._joined:
                raise
            # public channels can be joined once; private ones answer with a clear error
            self._joined.add(outgoing.channel)
            try:
                await self.client.conversations_join(token=outgoing.token, channel=outgoing.channel)
            except SlackApiError:
                raise exc from None  # private: what to do is told by the original not_in_channel
            response = await self._post(outgoing, dedup_key)
        return str(response.get("ts")) if response.get("ts") else None

    async def _post(self, outgoing: Outgoing, dedup_key: str) -> Any:
        return await self.client.chat_postMessage(
            token=outgoing.token,
            channel=outgoing.channel,
            text=outgoing.text,
            blocks=outgoing.blocks,
            thread_ts=outgoing.thread_ts,
            reply_broadcast=outgoing.reply_broadcast if outgoing.thread_ts else None,
            unfurl_links=False,
            unfurl_media=False,
            metadata={"event_type": METADATA_EVENT, "event_payload": {"dedup_key": dedup_key}},
        )

    async def _find_posted(self, outgoing: Outgoing, dedup_key: str, since: dt.datetime) -> str | None:
        """The ts of a message this row already posted (found by its metadata), if any.

        The earlier attempt may have posted it at the top of the channel or in a thread (the
        card's ts may have been unknown then), so both places are searched.
        """
        if outgoing.update_ts:
            return None  # an edit is safe to repeat
        # the same window and page in both places; a thread is read by its parent's ts
        search: dict[str, Any] = {
            "token": outgoing.token,
            "channel": outgoing.channel,
            "oldest": f"{since.timestamp() - 30:.6f}",
            "include_all_metadata": True,
            "limit": 200,
        }
        try:
            found = self._with_key(await self.client.conversations_history(**search), dedup_key)
            if found is None and outgoing.thread_ts:
                replies = await self.client.conversations_replies(ts=outgoing.thread_ts, **search)
                found = self._with_key(replies, dedup_key)
        except SlackApiError as exc:
            log.warning("could not check %s for an earlier post: %s", outgoing.channel, slack_error(exc))
            return None
        return found

    @staticmethod
    def _with_key(response: Any, dedup_key: str) -> str | None:
        messages: list[dict[str, Any]] = response.get("messages", [])
        for message in messages:
            payload = (message.get("metadata") or {}).get("event_payload") or {}
            if payload.get("dedup_key") == dedup_key:
                return str(message.get("ts"))
        return None

    async def _handle_slack_error(
        self, message_id: int, group_ids: list[int], channel: str, exc: SlackApiError
    ) -> None:
        status = getattr(exc.response, "status_code", 200)
        if status == 429:
            retry_after = float(
                exc.response.headers.get("Retry-After", exc.response.headers.get("retry-after", 1))
            )
            await self._clear_in_flight(group_ids)  # a 429 means Slack posted nothing
            raise RateLimited(retry_after)
        error = slack_error(exc)
        # a 5xx may still have posted: keep the in-flight mark so the retry checks first
        await self._record_failure(message_id, error, keep_in_flight=status >= 500)

    # --- recording outcomes -------------------------------------------------------------------

    async def _mark_in_flight(self, ids: list[int]) -> None:
        async with self._transaction() as session:
            await outbox_queries.mark_in_flight(session, ids=ids, now=utcnow())

    async def _clear_in_flight(self, ids: list[int]) -> None:
        async with self._transaction() as session:
            await outbox_queries.clear_in_flight(session, ids=ids)

    async def _record_sent(self, ids: list[int], outgoing: Outgoing, ts: str | None) -> None:
        async with self._transaction() as session:
            await outbox_queries.mark_outbox_sent(session, ids=ids, now=utcnow(), slack_ts=ts)
            if ts and outgoing.remember_card_of is not None and not outgoing.update_ts:
                project = await session.get(LiteProject, outgoing.remember_card_of)
                if project is not None:
                    project.card_channel_id = outgoing.channel
                    project.card_ts = ts

    async def _record_failure(self, message_id: int, error: str, *, keep_in_flight: bool = False) -> None:
        async with self._transaction() as session:
            message = await session.get(OutboxMessage, message_id)
            if message is None:
                return
            message.attempts += 1
            if not keep_in_flight:
                message.in_flight_since = None
            reason = PERMANENT_ERRORS.get(error)
            message.last_error = (reason or error)[:500]
            if reason or message.attempts >= self.config.max_attempts:
                message.status = OutboxStatus.FAILED
                log.warning(
                    "outbox %s parked after %s attempts: %s", message_id, message.attempts, message.last_error
                )
                return
            delay = backoff_delay(
                message.attempts, base=self.config.backoff_base, cap=self.config.backoff_cap
            )
            message.next_attempt_at = utcnow() + dt.timedelta(seconds=delay)
