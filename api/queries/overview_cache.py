"""A short-lived, in-process cache of the Secretariat overview's counts (`overview.counts`).

Why: the counts are one pass over every certification plus a semi-join over the past-due
deadlines, ~25 ms at 100,000 certifications (~50 ms while a freshly loaded table is not yet
vacuumed), and the overview is reloaded often. What it costs: for up to TTL_SECONDS the
overview's figures and charts can trail its lists (overdue, due soon, review queue), which are
always read fresh. Each API process has its own cache. Entries are keyed by database, standard
and day, so neither another scope nor a new day ever sees them; expired ones are dropped."""

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import AsyncConnection

from api.queries import overview

TTL_SECONDS = 5.0

Key = tuple[URL, str | None, date]


@dataclass
class CountsCache:
    ttl_seconds: float = TTL_SECONDS
    clock: Callable[[], float] = time.monotonic
    entries: dict[Key, tuple[float, overview.Counts]] = field(default_factory=dict)

    async def counts(self, conn: AsyncConnection, standard: str | None, today: date) -> overview.Counts:
        """`overview.counts`, read at most once per TTL for the same database, scope and day."""
        key = (conn.engine.url, standard, today)
        # Timed from before the read, so an entry is never older than the TTL says.
        now = self.clock()
        cached = self.entries.get(key)
        if cached is not None and now - cached[0] < self.ttl_seconds:
            return cached[1]
        counts = await overview.counts(conn, standard, today)
        self.entries = {k: v for k, v in self.entries.items() if now - v[0] < self.ttl_seconds}
        self.entries[key] = (now, counts)
        return counts

    def clear(self) -> None:
        """Forget every entry (bench/queries.py times the overview cold with this)."""
        self.entries.clear()


counts_cache = CountsCache()
"""The API's cache: one per process."""
