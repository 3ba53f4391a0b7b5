"""A database of one benchmark run's own: created fresh on a PostgreSQL server, migrated to
head, dropped at the end, so no run sees another's data.

The server is `--database-url` if given, else DATABASE_URL (as certflow's Settings read it),
else the embedded PostgreSQL server under .data/bench (started on first use, stopped at exit).
"""

import argparse
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg
from sqlalchemy.engine import make_url

from certflow.settings import Settings
from tests.databases import own_database

EMBEDDED_DATA_DIR = Path(__file__).resolve().parent.parent / ".data" / "bench"


def add_database_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--database-url",
        default=None,
        help="PostgreSQL server to create the run's database on (default: DATABASE_URL, else embedded)",
    )


def server_url(option: str | None) -> str:
    """A SQLAlchemy asyncpg URL of some database on the server to use."""
    if option:
        return Settings(DATABASE_URL=option).database_url or option
    configured = Settings().database_url
    if configured:
        return configured
    from eventstore.embedded import start_embedded

    return start_embedded(EMBEDDED_DATA_DIR, "postgres")


def asyncpg_arguments(url: str) -> dict[str, Any]:
    """asyncpg.connect / create_pool keyword arguments for a SQLAlchemy asyncpg URL
    (host may be a Unix socket directory, given as ?host=)."""
    parsed = make_url(url)
    return {
        "host": parsed.query.get("host") or parsed.host,
        "port": parsed.port,
        "user": parsed.username,
        "password": parsed.password,
        "database": parsed.database,
    }


@dataclass(frozen=True)
class BenchDatabase:
    url: str
    """SQLAlchemy asyncpg URL of the run's own database."""
    server_version: str

    @property
    def asyncpg_arguments(self) -> dict[str, Any]:
        return asyncpg_arguments(self.url)


async def _server_version(url: str) -> str:
    connection = await asyncpg.connect(**asyncpg_arguments(url))
    try:
        return str(await connection.fetchval("SHOW server_version"))
    finally:
        await connection.close()


@asynccontextmanager
async def fresh_database(server: str, prefix: str) -> AsyncIterator[BenchDatabase]:
    """A new database named `prefix_<random>` on the server, migrated; dropped afterwards
    (tests/databases.py's `own_database`, as the tests get theirs)."""
    async with own_database(server, prefix) as url:
        yield BenchDatabase(url, await _server_version(url))
