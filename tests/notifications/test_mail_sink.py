"""The local SMTP sink (`certflow dev`): a real aiosmtpd server on 127.0.0.1 receives mail sent
with aiosmtplib and keeps each message once, for the Secretariat's Mail page (served for real,
and only while the sink is on)."""

import uuid
from collections.abc import AsyncIterator
from email.message import EmailMessage

import aiosmtplib
import pytest
from sqlalchemy import select
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from api.app import create_app
from eventstore.database import create_engine
from notifications.mail_sink import SINK_HOST, mail_sink, sink_messages
from tests.api.serving import free_port, served
from tests.people import People
from tests.scenario import MEMBER, SECRETARIAT


def reminder(subject: str, message_id: str | None) -> EmailMessage:
    message = EmailMessage()
    message["From"] = "certflow@asi.example"
    message["To"] = "ola@fjord.example"
    message["Subject"] = subject
    if message_id:
        message["Message-ID"] = message_id
    message.set_content("The CAP for Fjord Rolling is due in 7 days.\n")
    message.add_alternative("<p>The CAP is due in <b>7 days</b>.</p><script>alert('x')</script>", subtype="html")
    return message


@pytest.fixture
async def sink_port(engine: AsyncEngine) -> AsyncIterator[int]:
    port = free_port()
    async with mail_sink(engine, port):
        yield port


async def _kept(engine: AsyncEngine, subject: str) -> list[tuple[str, list[str], str | None, str | None]]:
    S = sink_messages.c
    async with engine.connect() as conn:
        rows = await conn.execute(select(S.message_id, S.recipients, S.text, S.html).where(S.subject == subject))
    return [tuple(r) for r in rows]  # type: ignore[misc]


async def test_the_sink_keeps_each_message_once_by_its_message_id(engine: AsyncEngine, sink_port: int) -> None:
    subject = f"Reminder: CAP due in 7 days ({uuid.uuid4().hex[:8]})"
    message_id = f"<{uuid.uuid4()}@certflow>"
    for _ in range(2):  # a dispatcher killed between sending and recording sends again
        await aiosmtplib.send(reminder(subject, message_id), hostname=SINK_HOST, port=sink_port)
    [(kept_id, recipients, text, html)] = await _kept(engine, subject)
    assert (kept_id, recipients) == (message_id, ["ola@fjord.example"])
    assert text == "The CAP for Fjord Rolling is due in 7 days.\n"
    assert html is not None and "<b>7 days</b>" in html

    anonymous = f"No Message-ID ({uuid.uuid4().hex[:8]})"
    same = reminder(anonymous, None).as_bytes()
    for _ in range(2):
        await aiosmtplib.send(same, sender="certflow@asi.example", recipients=["ola@fjord.example"], port=sink_port)
    [(derived_id, _, _, _)] = await _kept(engine, anonymous)
    assert derived_id.endswith("@sink>"), "known by its bytes' digest"


async def test_the_mail_page_shows_the_sinks_messages_to_the_secretariat_only(
    engine: AsyncEngine, sink_port: int, people: People
) -> None:
    subject = f"Reminder: report due in 3 days ({uuid.uuid4().hex[:8]})"
    await aiosmtplib.send(reminder(subject, f"<{uuid.uuid4()}@certflow>"), hostname=SINK_HOST, port=sink_port)
    async with served(create_app(engine, mail_sink=True)) as http:
        listing = await http.get("/mail", headers=people.bearer(SECRETARIAT))
        assert listing.status_code == 200
        assert subject in listing.text
        overview = await http.get("/", headers=people.bearer(SECRETARIAT))
        assert 'href="http://127.0.0.1' in overview.text and '/mail">Mail</a>' in overview.text
        async with engine.connect() as conn:
            number = await conn.scalar(select(sink_messages.c.number).where(sink_messages.c.subject == subject))
        one = await http.get(f"/mail/{number}", headers=people.bearer(SECRETARIAT))
        assert one.status_code == 200
        assert "The CAP for Fjord Rolling is due in 7 days." in one.text
        assert "<script>alert" not in one.text, "the mail's HTML is never the page's"
        assert 'sandbox=""' in one.text
        assert (await http.get("/mail", headers=people.bearer(MEMBER))).status_code == 403
        assert (await http.get("/mail/0", headers=people.bearer(SECRETARIAT))).status_code == 404
    async with served(create_app(engine)) as http:
        assert (await http.get("/mail", headers=people.bearer(SECRETARIAT))).status_code == 404
        overview = await http.get("/", headers=people.bearer(SECRETARIAT))
        assert '/mail">Mail</a>' not in overview.text


async def test_a_message_the_sink_cannot_store_is_refused_for_the_sender_to_retry(database_url: str) -> None:
    """Accepted means stored: with its database gone, the sink answers 451 (try again later)."""
    gone = create_engine(make_url(database_url).set(database="certflow_no_such_database").render_as_string(False))
    port = free_port()
    try:
        async with mail_sink(gone, port):
            with pytest.raises(aiosmtplib.SMTPDataError) as refused:
                await aiosmtplib.send(reminder("Lost?", "<lost@certflow>"), hostname=SINK_HOST, port=port)
        assert refused.value.code == 451
    finally:
        await gone.dispose()
