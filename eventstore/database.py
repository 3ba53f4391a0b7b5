"""The one way certflow opens a database: an async engine whose JSON goes through orjson
(a rebuild decodes two JSON documents per event; orjson does it several times faster), whose
pool does not lend a connection the server has closed, and the one way to use the driver's
own connection under it."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import asyncpg
import orjson
from asyncpg.exceptions import AdminShutdownError, CannotConnectNowError, CrashShutdownError, PostgresConnectionError
from sqlalchemy import event
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine
from sqlalchemy.pool import ConnectionPoolEntry, PoolProxiedConnection

CONNECT_TIMEOUT_SECONDS = 10

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
    engine = create_async_engine(
        url,
        pool_size=pool_size,
        json_serializer=dumps,
        json_deserializer=orjson.loads,
        # asyncpg waits 60 s for a server that does not answer; a process stopping or probing must not.
        connect_args={"timeout": CONNECT_TIMEOUT_SECONDS},
    )
    event.listen(engine.sync_engine, "checkout", _refuse_closed)
    return engine


def _refuse_closed(dbapi_connection: object, _entry: ConnectionPoolEntry, _proxy: PoolProxiedConnection) -> None:
    """A connection the server closed (a restart, a killed backend) is replaced before it is
    lent: the pool invalidates it and checks out another. asyncpg notices the close as soon as
    the socket does, so this costs an attribute read. pool_pre_ping would also catch a close
    not yet noticed, but its BEGIN, ping and ROLLBACK cost a quarter of the append throughput
    (bench/README.md); such a connection fails its statement and is invalidated then."""
    if dbapi_connection.driver_connection.is_closed():  # type: ignore[attr-defined]
        raise DisconnectionError("the server closed this connection")


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
