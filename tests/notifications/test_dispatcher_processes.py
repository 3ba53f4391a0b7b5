"""`certflow notifier` processes: two at once deliver each delivery once; after one killed
with SIGKILL mid-batch, a dispatcher delivers everything once the lease runs out, repeating at
most what each of the killed one's senders had in flight, under the same Message-ID; one
stopped with SIGTERM mid-batch finishes its sends and gives the rest back, repeating nothing."""

import asyncio
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import select

from domain.notices import Channel
from notifications.dispatcher import Pacing
from notifications.recording import delivery_id
from notifications.status import DeliveryStatus
from notifications.tables import deliveries
from tests.notifications.conftest import Notices, dispatching
from tests.notifications.notifiers import Notifier, start_notifier
from tests.notifications.receivers import MailSink, mail_sink

SENDERS = 4
AGAIN = Pacing(senders=SENDERS, poll_seconds=0.1)
"""The dispatcher that takes over (in this process: the notifier's start-up is tested above)."""
PACING = {"delivery_senders": SENDERS, "delivery_poll_seconds": 0.2, "delivery_retry_base_seconds": 0.1}


@pytest.fixture
async def notifiers(tmp_path: Path) -> AsyncIterator[list[Notifier]]:
    """The notifiers a test starts; killed at the end whatever happened."""
    started: list[Notifier] = []
    yield started
    for notifier in started:
        if notifier.process.poll() is None:
            notifier.kill()


async def record(notices: Notices, people: int, count: int) -> tuple[list, set[str]]:
    """`count` notices to a member of `people` people: their ids and the Message-IDs expected."""
    member = await notices.member(people=people)
    recorded = [await notices.notice(member) for _ in range(count)]
    expected = {
        f"<{delivery_id(n.notice_id, Channel.EMAIL, user)}@certflow>" for n in recorded for user in member.user_ids
    }
    return [n.notice_id for n in recorded], expected


async def received(sink: MailSink, at_least: int, seconds: float = 60.0) -> None:
    async with asyncio.timeout(seconds):
        while len(sink.messages) < at_least:  # noqa: ASYNC110 - filled by the SMTP server's thread
            await asyncio.sleep(0.01)


async def test_two_notifiers_at_once_deliver_each_of_200_deliveries_once(
    notices: Notices, notices_url: str, tmp_path: Path, notifiers: list[Notifier]
) -> None:
    with mail_sink(delay_seconds=0.002) as sink:
        for name in ("first", "second"):
            notifiers.append(start_notifier(notices_url, sink.port, tmp_path, name, delivery_batch_size=10, **PACING))
        for notifier in notifiers:
            await notifier.listening()
        notice_ids, expected = await record(notices, people=10, count=20)
        assert await notices.settled(notice_ids, seconds=60) == {DeliveryStatus.SENT: 200}
        for notifier in notifiers:
            assert await notifier.stop() == 0

    assert len(sink.messages) == 200 and set(sink.message_ids) == expected
    first, second = (n.sent() for n in notifiers)
    assert first + second == 200 and first > 0 and second > 0, "both took part"


async def test_a_notifier_killed_mid_batch_loses_nothing_and_only_what_it_had_in_flight_goes_out_again(
    notices: Notices, notices_url: str, tmp_path: Path, notifiers: list[Notifier]
) -> None:
    settings = {"delivery_batch_size": 25, "delivery_lease_seconds": 1, **PACING}
    notice_ids, expected = await record(notices, people=10, count=20)
    with mail_sink(delay_seconds=0.01) as sink:
        notifiers.append(start_notifier(notices_url, sink.port, tmp_path, "killed", **settings))
        await received(sink, 60)
        notifiers[0].kill()
        at_kill = len(sink.messages)
        assert at_kill < 200, "killed before it was done"
        async with dispatching(notices.engine, sink.port, AGAIN):  # once its lease has run out
            assert await notices.settled(notice_ids, seconds=60) == {DeliveryStatus.SENT: 200}

    assert set(sink.message_ids) == expected, "nothing lost"
    repeated = {message_id: n for message_id, n in Counter(sink.message_ids).items() if n > 1}
    assert sum(n - 1 for n in repeated.values()) <= SENDERS, "at most each sender's message in flight"
    assert set(repeated) <= expected and all(n == 2 for n in repeated.values())


async def test_a_notifier_stopped_mid_batch_finishes_its_sends_and_gives_the_rest_back(
    notices: Notices, notices_url: str, tmp_path: Path, notifiers: list[Notifier]
) -> None:
    settings = {"delivery_batch_size": 100, "delivery_lease_seconds": 60, **PACING}
    notice_ids, expected = await record(notices, people=10, count=20)
    with mail_sink(delay_seconds=0.01) as sink:
        notifiers.append(start_notifier(notices_url, sink.port, tmp_path, "stopped", **settings))
        await received(sink, 30)
        assert await notifiers[0].stop() == 0
        statuses = await notices.statuses(notice_ids)
        assert statuses.get(DeliveryStatus.PENDING, 0) > 0 and statuses[DeliveryStatus.SENT] == len(sink.messages)
        # Given back: not leased for a minute, their attempt unspent, for the next dispatcher at once.
        async with notices.engine.connect() as conn:
            pending = await conn.execute(
                select(deliveries.c.lease_until, deliveries.c.attempts).where(
                    deliveries.c.notice_id.in_(notice_ids), deliveries.c.status == DeliveryStatus.PENDING
                )
            )
            assert {tuple(row) for row in pending.all()} == {(None, 0)}
        async with dispatching(notices.engine, sink.port, AGAIN):
            assert await notices.settled(notice_ids, seconds=60) == {DeliveryStatus.SENT: 200}

    assert sorted(sink.message_ids) == sorted(expected), "each once"
