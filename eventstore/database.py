"""The one way certflow opens a database: an async engine whose JSON goes through orjson
(a rebuild decodes two JSON documents per event; orjson does it several times faster), whose
pool never lends a connection the server has closed, and the one way to use the driver's
own connection under it."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import asyncpg
import orjson
from asyncpg.exceptions import AdminShutdownError, CannotConnectNowError, CrashShutdownError, PostgresConnectionError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine

_DISCONNECTS = (
    asyncpg.InterfaceError,
    PostgresConnectionError,
    AdminShutdownError,
    CrashShutdownError,
    CannotConnectNowError,
    ConnectionError,
    TimeoutError,
)
"""What the driver raises when the server went away (a restart, a failover, a killed backend)."""


def dumps(value: object) -> str:
    return orjson.dumps(value).decode()


def create_engine(url: str, pool_size: int = 10) -> AsyncEngine:
    # Pre-ping: a pooled connection is checked (one round trip) before it is lent, so after a
    # database restart the first command gets a new connection instead of the dead one.
    return create_async_engine(
        url, pool_size=pool_size, pool_pre_ping=True, json_serializer=dumps, json_deserializer=orjson.loads
    )


@asynccontextmanager
async def driver_connection(conn: AsyncConnection) -> AsyncIterator[asyncpg.Connection]:
    """The asyncpg connection under `conn`, for statements run on the driver itself. A
    disconnect the driver raises never passes through SQLAlchemy, which alone invalidates a
    pooled connection: invalidate it here, or the pool keeps the dead connection."""
    driver: asyncpg.Connection = (await conn.get_raw_connection()).driver_connection
    try:
        yield driver
    except Exception as error:
        if isinstance(error, _DISCONNECTS) or driver.is_closed():
            await conn.invalidate(error)
        raise
