"""`Ledger`: what the event log and the read models hold, read straight from PostgreSQL as
evidence of what the service did: each command's events (by the `command_id` in their
metadata), the streams' versions, and how far the projections got. Each check opens a
connection of its own, so a PostgreSQL restart leaves the ledger readable."""

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import BigInteger, String, cast, func, select
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from eventstore.schema import events
from projections.fields import CERTIFICATION_EVENTS
from projections.tables import certifications, checkpoints


@dataclass(frozen=True)
class StreamGap:
    stream_id: str
    versions: int
    first: int
    last: int

    def __str__(self) -> str:
        return f"stream {self.stream_id} holds {self.versions} events with versions {self.first}..{self.last}"


class Ledger:
    def __init__(self, database_url: str) -> None:
        self._engine = create_async_engine(database_url, poolclass=NullPool)

    async def close(self) -> None:
        await self._engine.dispose()

    async def events_per_command(self, command_ids: Iterable[str]) -> dict[str, int]:
        """How many events the log holds for each command id (absent: none)."""
        command_id = events.c.metadata["command_id"].astext
        query = select(command_id, func.count()).where(command_id.in_(list(command_ids))).group_by(command_id)
        async with self._engine.connect() as conn:
            return {row[0]: row[1] for row in await conn.execute(query)}

    async def repeats(self, stream_ids: Iterable[str]) -> dict[str, int]:
        """Per stream, events beyond the first of each type: admission records each type once."""
        per_type = (
            select(events.c.stream_id, events.c.event_type, func.count().label("n"))
            .where(events.c.stream_id.in_(list(stream_ids)))
            .group_by(events.c.stream_id, events.c.event_type)
            .subquery()
        )
        query = select(per_type.c.stream_id, func.sum(per_type.c.n - 1)).group_by(per_type.c.stream_id)
        async with self._engine.connect() as conn:
            return {row[0]: int(row[1]) for row in await conn.execute(query) if row[1]}

    async def projected(self, certification_id: str) -> bool:
        """Whether the certification is in its read model (False while PostgreSQL is down)."""
        try:
            async with self._engine.connect() as conn:
                found = await conn.scalar(
                    select(certifications.c.version).where(certifications.c.certification_id == certification_id)
                )
        except Exception:  # PostgreSQL unreachable, as in an outage: not (yet) projected
            return False
        return found is not None

    async def gaps(self) -> list[StreamGap]:
        """Every stream in the log whose versions are not exactly 1..n."""
        count, first, last = func.count(), func.min(events.c.version), func.max(events.c.version)
        query = (
            select(events.c.stream_id, count, first, last)
            .group_by(events.c.stream_id)
            .having((first != 1) | (last != count))
        )
        async with self._engine.connect() as conn:
            return [StreamGap(*row) for row in await conn.execute(query)]

    async def projections_behind(self) -> list[str]:
        """What keeps the read models from matching the log: a projection short of the log's
        last event or that applied a different number of events than the log holds, a
        certification whose row is at another version than its stream. Empty: caught up."""
        behind: list[str] = []
        async with self._engine.connect() as conn:
            last = (
                await conn.execute(
                    select(cast(cast(events.c.transaction_id, String), BigInteger), events.c.global_position)
                    .order_by(events.c.transaction_id.desc(), events.c.global_position.desc())
                    .limit(1)
                )
            ).first()
            projectable = await conn.scalar(select(func.count()).where(events.c.event_type.in_(CERTIFICATION_EVENTS)))
            for name, transaction_id, position, applied in await conn.execute(
                select(
                    checkpoints.c.projection,
                    checkpoints.c.transaction_id,
                    checkpoints.c.global_position,
                    checkpoints.c.events_applied,
                )
            ):
                if last is not None and (transaction_id, position) != tuple(last):
                    behind.append(f"projection {name} is at position {position}, the log at {last[1]}")
                elif applied != projectable:
                    behind.append(f"projection {name} applied {applied} events, the log holds {projectable}")
            streams = (
                select(events.c.stream_id, func.max(events.c.version).label("version"))
                .group_by(events.c.stream_id)
                .subquery()
            )
            for stream_id, logged, projected in await conn.execute(
                select(streams.c.stream_id, streams.c.version, certifications.c.version)
                .outerjoin(certifications, certifications.c.certification_id == streams.c.stream_id)
                .where(streams.c.stream_id.like("cert-%"))
            ):
                if projected != logged:
                    behind.append(f"certification {stream_id}: version {projected} projected, {logged} logged")
        return behind
