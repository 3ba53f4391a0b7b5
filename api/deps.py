"""What routes depend on, as `Annotated` aliases: the database, today's date, the app's
options, the directory. Each is one function, so a test can override it
(`app.dependency_overrides`). The sessions' and the document store's getters are here too,
for signing in and finding the caller, and for storing and serving documents."""

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Annotated, cast

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from api.dispatch import Dispatcher
from api.models.operations import Pollers
from documents.store import DocumentStore
from identity.directory import Directory
from identity.sessions import Sessions
from workflows.tally import CommandTally

PUBLIC_THRESHOLD = 3
"""The fewest distinct members a public figure may describe, unless configured otherwise."""
HEARTBEAT_STALE_SECONDS = 10.0
"""A projector's or worker's heartbeat older than this says it is gone, unless configured otherwise."""


@dataclass(frozen=True)
class Options:
    """How this app was built: see `create_app`."""

    public_threshold: int
    temporal_ping: Callable[[], Awaitable[bool]] | None
    max_projector_lag_events: int
    command_tally: CommandTally | None
    max_document_bytes: int
    worker_pollers: Callable[[], Awaitable[Pollers]] | None = None
    heartbeat_stale_seconds: float = HEARTBEAT_STALE_SECONDS


def get_engine(request: Request) -> AsyncEngine:
    return cast(AsyncEngine, request.app.state.engine)


async def get_connection(engine: Annotated[AsyncEngine, Depends(get_engine)]) -> AsyncIterator[AsyncConnection]:
    async with engine.connect() as conn:
        yield conn


def get_options(request: Request) -> Options:
    return cast(Options, request.app.state.options)


def get_directory(request: Request) -> Directory:
    return cast(Directory, request.app.state.directory)


def get_sessions(request: Request) -> Sessions:
    return cast(Sessions, request.app.state.sessions)


def get_document_store(request: Request) -> DocumentStore:
    """Uploaded documents' bytes, in the app's database."""
    return DocumentStore(get_engine(request))


def today() -> date:
    """Deadlines fall due by the calendar day in UTC, as the workflows count them."""
    return datetime.now(UTC).date()


Engine = Annotated[AsyncEngine, Depends(get_engine)]
Connection = Annotated[AsyncConnection, Depends(get_connection)]
AppOptions = Annotated[Options, Depends(get_options)]
Today = Annotated[date, Depends(today)]
Directory_ = Annotated[Directory, Depends(get_directory)]


def get_dispatcher(request: Request) -> Dispatcher:
    return cast(Dispatcher, request.app.state.dispatcher)


Dispatch = Annotated[Dispatcher, Depends(get_dispatcher)]
