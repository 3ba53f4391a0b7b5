"""The database out of reach (restarting, failing over, refusing connections) as HTTP 503
with `Retry-After`: the service is down for a moment, the request was not wrong. Only
connection-level failures count; any other database error is still a defect (500)."""

import errno

import asyncpg
import sqlalchemy.exc
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response

from api.pages.templating import templates

RETRY_AFTER_SECONDS = 5
"""About a PostgreSQL restart's length."""

_DRIVER_DISCONNECTS = (
    asyncpg.PostgresConnectionError,  # ConnectionDoesNotExistError, ConnectionFailureError, ...
    asyncpg.CannotConnectNowError,  # the server is starting up or shutting down
    asyncpg.AdminShutdownError,
    asyncpg.TooManyConnectionsError,
    asyncpg.InterfaceError,  # "connection is closed"
)
_NETWORK_ERRNOS = {
    errno.ECONNREFUSED,
    errno.ECONNRESET,
    errno.ECONNABORTED,
    errno.EHOSTUNREACH,
    errno.ENETUNREACH,
    errno.ETIMEDOUT,
    errno.EPIPE,
    errno.ENOENT,  # a Unix socket with no server behind it: gone while PostgreSQL restarts
}


def database_unavailable(error: BaseException) -> bool:
    """Whether `error` says the database could not be reached, rather than that it refused
    the statement: worth answering 503 and trying again."""
    if isinstance(error, sqlalchemy.exc.DBAPIError):
        if error.connection_invalidated:
            return True
        return error.orig is not None and database_unavailable(error.orig)
    if isinstance(error, _DRIVER_DISCONNECTS):
        return True
    if isinstance(error, (ConnectionError, TimeoutError)):
        return True
    if isinstance(error, OSError):
        return error.errno in _NETWORK_ERRNOS
    # The asyncpg adapter wraps the driver's errors in its own classes, keeping the original.
    cause = error.__cause__ or getattr(error, "orig", None)
    return isinstance(cause, BaseException) and cause is not error and database_unavailable(cause)


MESSAGE = (
    "the database is unavailable for a moment; send the request again (a command with the same"
    " Idempotency-Key is applied at most once)"
)


async def _unavailable(request: Request, error: Exception) -> Response:
    if not database_unavailable(error):
        raise error
    headers = {"Retry-After": str(RETRY_AFTER_SECONDS)}
    if "text/html" in request.headers.get("accept", ""):
        # A person's browser: the public error page, as no session can be looked up now.
        context = {"status": 503, "message": MESSAGE, "problems": [], "public": True}
        return templates.TemplateResponse(request, "error.html", context, status_code=503, headers=headers)
    return JSONResponse({"detail": MESSAGE}, 503, headers=headers)


def install_unavailable_handler(app: FastAPI) -> None:
    """Answers a request that failed to reach the database 503, on every route."""
    for kind in (sqlalchemy.exc.DBAPIError, *_DRIVER_DISCONNECTS, OSError):
        app.add_exception_handler(kind, _unavailable)
