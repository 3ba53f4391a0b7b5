"""A local SMTP sink for `certflow dev`: an aiosmtpd server on 127.0.0.1 that accepts every
mail and keeps it in `sink_messages` (migration 0013) for the Secretariat's Mail page, so a
newcomer sees reminders go out without a mail server. A message sent twice (a dispatcher
killed between sending and recording) is kept once, by its Message-ID.

aiosmtpd's Controller serves on a thread of its own with its own event loop; each message is
stored on the loop that owns the database engine, and accepted only once stored."""

import asyncio
import hashlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from email import message_from_bytes, policy
from email.message import EmailMessage

import structlog
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session
from sqlalchemy import ARRAY, BigInteger, Column, DateTime, Identity, MetaData, Table, Text, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

log = structlog.get_logger("certflow.mail_sink")

sink_messages = Table(
    "sink_messages",
    MetaData(),
    Column("number", BigInteger, Identity(always=True), primary_key=True),
    Column("message_id", Text, nullable=False, unique=True),
    Column("sender", Text, nullable=False),
    Column("recipients", ARRAY(Text), nullable=False),
    Column("subject", Text, nullable=False),
    Column("text", Text),
    Column("html", Text),
    Column("received_at", DateTime(timezone=True), nullable=False),
)
S = sink_messages.c
SINK_HOST = "127.0.0.1"
"""Only this machine may send to it: it accepts anything."""
PAGE_SIZE = 100


@dataclass(frozen=True)
class SunkMessage:
    message_id: str
    sender: str
    recipients: list[str]
    subject: str
    text: str | None
    html: str | None


@dataclass(frozen=True)
class StoredMessage(SunkMessage):
    number: int
    received_at: datetime


def _part(message: EmailMessage, subtype: str) -> str | None:
    part = message.get_body(preferencelist=(subtype,))
    if part is None:
        return None
    content: str = part.get_content()
    return content.replace("\r\n", "\n")  # as written, not as SMTP carries it


def parse(sender: str, recipients: list[str], content: bytes) -> SunkMessage:
    """A received mail as the Mail page shows it; a mail without a Message-ID is known by
    its bytes' digest instead."""
    message = message_from_bytes(content, policy=policy.default)
    assert isinstance(message, EmailMessage)  # policy.default builds EmailMessage
    message_id = str(message.get("Message-ID") or "").strip() or f"<{hashlib.sha256(content).hexdigest()}@sink>"
    return SunkMessage(
        message_id=message_id,
        sender=sender,
        recipients=list(recipients),
        subject=str(message.get("Subject") or ""),
        text=_part(message, "plain"),
        html=_part(message, "html"),
    )


async def keep(engine: AsyncEngine, message: SunkMessage) -> bool:
    """True when kept now; False for a message already kept (the same Message-ID)."""
    row = {**message.__dict__, "received_at": datetime.now().astimezone()}
    async with engine.begin() as conn:
        inserted = await conn.execute(insert(sink_messages).values(row).on_conflict_do_nothing())
    return inserted.rowcount == 1


class SinkHandler:
    """aiosmtpd's handler: stores each message through `engine` on `loop` (the engine's)."""

    def __init__(self, engine: AsyncEngine, loop: asyncio.AbstractEventLoop) -> None:
        self._engine = engine
        self._loop = loop

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        content = envelope.original_content or b""
        message = parse(str(envelope.mail_from or ""), [str(r) for r in envelope.rcpt_tos], content)
        try:
            kept = asyncio.run_coroutine_threadsafe(keep(self._engine, message), self._loop)
            await asyncio.wrap_future(kept)
        except Exception as error:  # the sender keeps it and tries again later
            log.warning("mail not kept", message_id=message.message_id, error=f"{type(error).__name__}: {error}")
            return "451 Requested action aborted: the sink could not store it"
        return "250 Message accepted for delivery"


@asynccontextmanager
async def mail_sink(engine: AsyncEngine, port: int) -> AsyncIterator[Controller]:
    """The sink on SINK_HOST:`port` while the block runs."""
    handler = SinkHandler(engine, asyncio.get_running_loop())
    controller = Controller(handler, hostname=SINK_HOST, port=port)
    await asyncio.to_thread(controller.start)  # it waits for its thread to answer
    log.info("mail sink listening", host=SINK_HOST, port=port)
    try:
        yield controller
    finally:
        await asyncio.to_thread(controller.stop)


async def recent(conn: AsyncConnection, limit: int = PAGE_SIZE) -> list[StoredMessage]:
    """The newest messages first."""
    rows = await conn.execute(select(sink_messages).order_by(S.number.desc()).limit(limit))
    return [StoredMessage(**row._mapping) for row in rows]


async def stored(conn: AsyncConnection, number: int) -> StoredMessage | None:
    row = (await conn.execute(select(sink_messages).where(S.number == number))).first()
    return StoredMessage(**row._mapping) if row is not None else None
