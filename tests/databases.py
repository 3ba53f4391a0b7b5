"""A database of one's own on the tests' PostgreSQL server: created, migrated to head, and
dropped afterwards, so no run (and no test module that needs its own) sees another's data."""

import asyncio
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import asyncpg
from sqlalchemy.engine import make_url

from migrations import upgrade


async def _as_admin(server_url: str, statement: str) -> None:
    """Runs one statement on the server's maintenance database."""
    url = make_url(server_url).set(drivername="postgresql", database="postgres")
    connection = await asyncpg.connect(url.render_as_string(hide_password=False))
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


@asynccontextmanager
async def own_database(server_url: str, prefix: str) -> AsyncIterator[str]:
    """The URL of a fresh, migrated database named `<prefix>_<random>`, dropped at the end."""
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    await _as_admin(server_url, f'CREATE DATABASE "{name}"')
    try:
        url = make_url(server_url).set(database=name).render_as_string(hide_password=False)
        await asyncio.to_thread(upgrade, url)
        yield url
    finally:
        await _as_admin(server_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
