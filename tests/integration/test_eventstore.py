"""The PostgreSQL event log, scripted as trusted stores test themselves: conflicting appends,
idempotent retries, reads by stream and by global position."""

import asyncio
import uuid

import pytest

from domain import commands as cmd
from eventstore import ConcurrencyError, DuplicateEventError, EventStore, NewEvent
from tests.scenario import EPOCH, SECRETARIAT, Lifecycle


def new_events(count: int, kind: str = "Happened") -> list[NewEvent]:
    return [NewEvent(uuid.uuid4(), kind, {"n": i}, {"actor": {"user_id": "u"}, "reason": None}) for i in range(count)]


def a_stream() -> str:
    return f"stream-{uuid.uuid4()}"


async def test_a_stream_reads_back_in_version_order_with_data_and_metadata(store: EventStore) -> None:
    stream = a_stream()
    await store.append(stream, 0, new_events(2))
    await store.append(stream, 2, new_events(1, "Later"))
    records = await store.read_stream(stream)
    assert [(r.version, r.event_type, r.data) for r in records] == [
        (1, "Happened", {"n": 0}),
        (2, "Happened", {"n": 1}),
        (3, "Later", {"n": 0}),
    ]
    assert records[0].metadata == {"actor": {"user_id": "u"}, "reason": None}
    assert records[0].global_position < records[1].global_position < records[2].global_position
    assert [r.version for r in await store.read_stream(stream, after_version=2)] == [3]
    assert await store.stream_version(stream) == 3


@pytest.mark.parametrize("expected", [0, 1, 5])
async def test_a_wrong_expected_version_is_refused_naming_both_versions(store: EventStore, expected: int) -> None:
    stream = a_stream()
    await store.append(stream, 0, new_events(2))
    with pytest.raises(ConcurrencyError, match=f"expected version {expected}, but the stream is at version 2"):
        await store.append(stream, expected, new_events(1))
    assert await store.stream_version(stream) == 2


async def test_of_two_conflicting_appends_one_wins(store: EventStore) -> None:
    stream = a_stream()
    await store.append(stream, 0, new_events(1))
    outcomes = await asyncio.gather(*(store.append(stream, 1, new_events(3)) for _ in range(6)), return_exceptions=True)
    winners = [o for o in outcomes if not isinstance(o, Exception)]
    assert len(winners) == 1
    assert all(isinstance(o, ConcurrencyError) for o in outcomes if o not in winners)
    assert [r.version for r in await store.read_stream(stream)] == [1, 2, 3, 4]


async def test_a_retried_append_stores_nothing_twice(store: EventStore) -> None:
    stream = a_stream()
    batch = new_events(3)
    first = await store.append(stream, 0, batch)
    retry = await store.append(stream, 0, batch)
    assert (first.duplicate, retry.duplicate) == (False, True)
    assert retry.positions == first.positions and retry.version == 3
    assert len(await store.read_stream(stream)) == 3


async def test_a_stored_event_id_reused_elsewhere_is_refused(store: EventStore) -> None:
    stream = a_stream()
    batch = new_events(2)
    await store.append(stream, 0, batch)
    with pytest.raises(DuplicateEventError):
        await store.append(stream, 2, batch)
    with pytest.raises(DuplicateEventError):
        await store.append(a_stream(), 0, batch[:1])


async def test_an_append_needs_events(store: EventStore) -> None:
    with pytest.raises(ValueError, match="at least one event"):
        await store.append(a_stream(), 0, [])


async def test_the_whole_log_reads_in_pages_by_global_position(store: EventStore) -> None:
    start = (await store.read_all(after_position=0, limit=1_000_000) or [None])[-1]
    after = start.global_position if start else 0
    streams = [a_stream() for _ in range(3)]
    for stream in streams:
        await store.append(stream, 0, new_events(5))
    pages, position = [], after
    while page := await store.read_all(after_position=position, limit=4):
        pages.append(page)
        position = page[-1].global_position
    read = [r for page in pages for r in page]
    assert [len(p) for p in pages] == [4, 4, 4, 3]
    assert [r.stream_id for r in read] == [s for s in streams for _ in range(5)]
    assert [r.global_position for r in read] == sorted(r.global_position for r in read)


async def test_a_workflow_event_records_who_and_why(lifecycle: Lifecycle) -> None:
    await lifecycle.on(EPOCH)
    await lifecycle.apply()
    await lifecycle.send(cmd.RejectApplication(actor=SECRETARIAT, reason="not a member"), command_id="reject-7")
    [_, rejected] = await lifecycle.store.read_stream(lifecycle.certification_id)
    assert rejected.event_type == "ApplicationRejected"
    assert rejected.metadata == {
        "actor": {"user_id": "sam", "organisation_id": "asi", "role": "secretariat"},
        "reason": "not a member",
        "command_id": "reject-7",
    }
    assert rejected.data["occurred_at"].startswith(EPOCH.isoformat())
