"""Reading back the events one command recorded on a stream, in version order."""

import uuid

from eventstore import EventStore, NewEvent


def _events(command_id: str, count: int) -> list[NewEvent]:
    return [NewEvent(uuid.uuid4(), "Happened", {"n": n}, {"command_id": command_id}) for n in range(count)]


async def test_a_commands_events_are_read_back_in_order_and_only_its_own(store: EventStore) -> None:
    stream, other = f"stream-{uuid.uuid4()}", f"stream-{uuid.uuid4()}"
    await store.append(stream, 0, _events("first", 1))
    await store.append(stream, 1, _events("second", 3))
    await store.append(stream, 4, _events("third", 1))
    await store.append(other, 0, _events("second", 2))  # the same id on another stream

    second = await store.read_command(stream, "second")

    assert [(e.version, e.data["n"]) for e in second] == [(2, 0), (3, 1), (4, 2)]
    assert {e.stream_id for e in second} == {stream}
    assert await store.read_command(stream, "never-sent") == []
