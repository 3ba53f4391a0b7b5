"""The dispatcher: delivers the recorded deliveries (e-mail over SMTP, signed webhooks),
retrying failures with backoff until they succeed or become dead letters.

It claims due deliveries in batches (notifications/claims.py: `FOR UPDATE SKIP LOCKED` and a
lease), sends each (several senders at once, each over one SMTP connection kept for the
batch) and marks it sent in its own short transaction right after the receiver accepted it.
It wakes on NOTIFY of DELIVERIES_CHANNEL, which recording a notice sends on commit, on a
connection of its own, and polls every few seconds as a fallback (and for retries falling
due). A database outage does not end it: it reconnects with backoff.

What "once" means here, honestly:
- Two dispatchers running at once never hold the same delivery: a claim skips rows another
  claim has locked, and a committed claim leases its rows until the lease runs out.
- A dispatcher stopped by SIGTERM or SIGINT finishes the sends in flight, records them, and
  gives back what it claimed but did not try: nothing is sent twice.
- A dispatcher killed (SIGKILL, a lost machine) leaves its leased rows to whoever claims them
  after the lease expires: nothing is lost. What each sender had in flight (sent, but not yet
  recorded) goes out again: at most one message per sender, carrying the same Message-ID
  (e-mail) or `webhook-id` (webhook), so a receiver can drop the repeat. Standard Webhooks
  asks receivers to dedupe on `webhook-id`; mail clients thread or dedupe on Message-ID, but
  a person may see that one mail twice. The same holds when recording "sent" fails because
  the database went away after the receiver accepted.
- A lease shorter than a batch's sending time would let another dispatcher take rows still
  waiting in this one's batch: keep the lease well above batch size x send time / senders.
"""

import asyncio
import time
from collections import deque
from dataclasses import dataclass

import aiosmtplib
import asyncpg
import httpx
import structlog
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.notices import Channel
from eventstore.database import driver_connection
from health.backoff import Backoff
from health.state_log import StateLog
from notifications import claims
from notifications.mail import Mailer, MailSettings, compose
from notifications.notices import Claimed
from notifications.recording import DELIVERIES_CHANNEL
from notifications.webhook_posts import RefusedByReceiver, WebhookSettings, post

log = structlog.get_logger("certflow.dispatcher")

DATABASE_ERRORS = (SQLAlchemyError, asyncpg.PostgresError, asyncpg.InterfaceError, OSError, TimeoutError)
"""Losing the database: the dispatcher reconnects with backoff."""
SEND_ERRORS = (aiosmtplib.SMTPException, httpx.HTTPError, RefusedByReceiver, OSError, TimeoutError)
"""A send that failed: retried later (a 4xx from a receiver too: receivers get misconfigured)."""


class Pacing(BaseModel):
    """How the dispatcher claims, sends and retries."""

    model_config = ConfigDict(frozen=True)

    batch_size: int = Field(default=200, ge=1)
    senders: int = Field(default=4, ge=1, description="sends at once, each over its own SMTP connection")
    lease_seconds: float = Field(default=60.0, gt=0)
    poll_seconds: float = Field(default=2.0, gt=0)
    max_attempts: int = Field(default=8, ge=1)
    retry_base_seconds: float = Field(default=30.0, gt=0)
    retry_cap_seconds: float = Field(default=3600.0, gt=0)


def retry_delay(pacing: Pacing, attempts: int) -> float:
    """After the `attempts`-th failure: doubling from the base up to the cap, with jitter
    (health/backoff.py: drawn from the upper half of each step, so a receiver that failed is
    never hit again at once, and deliveries that failed together spread out)."""
    return Backoff(pacing.retry_base_seconds, pacing.retry_cap_seconds, attempts=attempts - 1).next_delay()


@dataclass
class Tally:
    sent: int = 0
    failed: int = 0
    dead: int = 0


class Dispatcher:
    def __init__(
        self,
        engine: AsyncEngine,
        pacing: Pacing | None = None,
        mail: MailSettings | None = None,
        webhooks: WebhookSettings | None = None,
    ) -> None:
        self._engine = engine
        self.pacing = pacing or Pacing()
        self._mail = mail or MailSettings()
        self._webhooks = webhooks or WebhookSettings()
        self._wake = asyncio.Event()
        self.tally = Tally()
        self.state = StateLog("dispatcher")

    async def run(self, stop: asyncio.Event) -> None:
        """Delivers until `stop`, then finishes the sends in flight and gives back the rest."""
        backoff = Backoff(initial=0.1, maximum=max(5.0, self.pacing.poll_seconds))
        timeout = httpx.Timeout(self._webhooks.timeout_seconds)
        async with httpx.AsyncClient(timeout=timeout, follow_redirects=False) as http:
            while not stop.is_set():
                try:
                    await self._listen_and_deliver(http, stop, backoff)
                except DATABASE_ERRORS as error:
                    self.state.enter("lost the database", healthy=False, error=f"{type(error).__name__}: {error}")
                    if not await backoff.wait(stop):
                        break
        self.state.enter("stopped")

    async def _listen_and_deliver(self, http: httpx.AsyncClient, stop: asyncio.Event, backoff: Backoff) -> None:
        async with self._engine.connect() as listener:
            raw = (await listener.get_raw_connection()).driver_connection
            assert raw is not None, "a checked-out connection has its driver's"
            await raw.add_listener(DELIVERIES_CHANNEL, self._on_notify)
            self.state.enter("listening", channel=DELIVERIES_CHANNEL)
            backoff.reset()
            try:
                while not stop.is_set():
                    if raw.is_closed():
                        raise ConnectionError("the listening connection is closed")
                    self._wake.clear()
                    await self.deliver_due(http, stop)
                    await _wait(stop, self.pacing.poll_seconds, self._wake)
            finally:
                if raw.is_closed():
                    await listener.invalidate()
                else:
                    await raw.remove_listener(DELIVERIES_CHANNEL, self._on_notify)

    def _on_notify(self, *_: object) -> None:
        self._wake.set()

    async def deliver_due(self, http: httpx.AsyncClient, stop: asyncio.Event) -> int:
        """Claims and sends batches until none is due (or `stop`); returns how many were tried."""
        tried = 0
        while not stop.is_set():
            async with self._engine.begin() as conn:
                batch = await claims.claim(conn, self.pacing.batch_size, self.pacing.lease_seconds)
            if not batch:
                break
            started = time.monotonic()
            before = self.tally.sent
            await self._deliver(batch, http, stop)
            tried += len(batch)
            log.info(
                "deliveries sent",
                claimed=len(batch),
                sent=self.tally.sent - before,
                seconds=round(time.monotonic() - started, 3),
            )
            if len(batch) < self.pacing.batch_size:
                break
        return tried

    async def _deliver(self, batch: list[Claimed], http: httpx.AsyncClient, stop: asyncio.Event) -> None:
        waiting = deque(batch)
        try:
            # A group: a sender that loses the database stops the others (their rows stay leased).
            async with asyncio.TaskGroup() as senders:
                for _ in range(min(self.pacing.senders, len(batch))):
                    senders.create_task(self._sender(waiting, http, stop))
        except* DATABASE_ERRORS as lost:
            raise lost.exceptions[0] from None
        if waiting:  # stopping: what was claimed but not tried goes back, its attempt unspent
            async with self._engine.begin() as conn:
                await claims.release(conn, [c.delivery_id for c in waiting])

    async def _sender(self, waiting: deque[Claimed], http: httpx.AsyncClient, stop: asyncio.Event) -> None:
        """Sends one after another over one SMTP connection, recording each on one database
        connection, until the batch is done."""
        async with self._engine.connect() as conn, driver_connection(conn) as driver, Mailer(self._mail) as mailer:
            while waiting and not stop.is_set():
                await self._deliver_one(waiting.popleft(), mailer, http, driver)

    async def _deliver_one(
        self, claimed: Claimed, mailer: Mailer, http: httpx.AsyncClient, driver: asyncpg.Connection
    ) -> None:
        if claimed.channel == Channel.WEBHOOK and claimed.secrets is None:
            async with self._engine.begin() as conn:
                await claims.mark_discarded(conn, claimed.delivery_id, "the webhook endpoint was disabled")
            return
        try:
            if claimed.channel == Channel.EMAIL:
                await mailer.send(compose(claimed, self._mail))
            else:
                assert claimed.secrets is not None
                await post(http, claimed, claimed.secrets)
        except SEND_ERRORS as error:
            await self._failed(claimed, f"{type(error).__name__}: {error}")
            return
        except Exception as error:
            # A bug (in a template, say) fails this delivery, not the dispatcher: it becomes a
            # dead letter after its attempts instead of stopping every other delivery.
            log.exception("delivery could not be composed or sent", delivery_id=str(claimed.delivery_id))
            await self._failed(claimed, f"{type(error).__name__}: {error}")
            return
        await claims.mark_sent(driver, claimed.delivery_id)
        self.tally.sent += 1

    async def _failed(self, claimed: Claimed, error: str) -> None:
        self.tally.failed += 1
        last = claimed.attempts >= self.pacing.max_attempts
        delay = None if last else retry_delay(self.pacing, claimed.attempts)
        async with self._engine.begin() as conn:
            await claims.mark_failed(conn, claimed.delivery_id, error, delay)
        if last:
            self.tally.dead += 1
            log.warning("delivery dead", delivery_id=str(claimed.delivery_id), attempts=claimed.attempts, error=error)
        else:
            log.info("delivery failed", delivery_id=str(claimed.delivery_id), attempts=claimed.attempts, error=error)


async def _wait(stop: asyncio.Event, seconds: float, wake: asyncio.Event) -> None:
    waiters = [asyncio.create_task(stop.wait()), asyncio.create_task(wake.wait())]
    _, pending = await asyncio.wait(waiters, timeout=seconds, return_when=asyncio.FIRST_COMPLETED)
    for task in pending:
        task.cancel()
