"""Request bodies bounded while they stream, before anything parses them or asks who sent
them: each route has a limit (small for commands and forms, the document limit for
uploads). A declared Content-Length over it is answered 413 at once without reading a
byte; a body streamed past it (chunked) is cut off with 413 the moment it passes; a body
that stops arriving is answered 408. Nothing is buffered here.

Counting is Starlette's `RequestBodyLimitMiddleware` (FastAPI turns its overrun into an
HTTPException wherever the body is read); this adds the limit per route, the refusal before
the app runs, and the deadline, which uvicorn does not have (its `timeout_keep_alive` only
bounds the wait between requests, and closes the connection after our answer)."""

import asyncio
import re
import time
from collections.abc import Iterable, Mapping

from fastapi.exceptions import HTTPException
from fastapi.routing import RouteContext
from starlette.datastructures import Headers
from starlette.middleware.body_limit import RequestBodyLimitMiddleware
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.errors import refusal, too_large

DEFAULT_LIMIT = 1024 * 1024
"""Bytes in a JSON command or a form: a command's text is bounded far below this."""
MULTIPART_OVERHEAD = 64 * 1024
"""An upload's form fields and part headers beside the document itself."""
BODY_TIMEOUT_SECONDS = 30.0
"""A body must keep coming: no wait for its next chunk longer than this..."""
BODY_DEADLINE_FACTOR = 4
"""... and all of it within this many times as long (a trickle of a byte a second is cut off)."""


class BodyLimit:
    """Pure ASGI middleware; `larger` gives the routes (by name) that take more than
    `default` bytes; `routes` are the app's, as `fastapi.routing.iter_route_contexts` lists
    them (each with its full path)."""

    def __init__(
        self,
        app: ASGIApp,
        routes: Iterable[RouteContext],
        larger: Mapping[str, int],
        default: int = DEFAULT_LIMIT,
        timeout_seconds: float = BODY_TIMEOUT_SECONDS,
    ) -> None:
        self._default, self._timeout = default, timeout_seconds
        self._larger = [
            (re.compile(route.path_regex.pattern), larger[route.name])
            for route in routes
            if route.name is not None and route.name in larger
        ]
        self._counted = {limit: RequestBodyLimitMiddleware(app, limit) for limit in {default, *larger.values()}}

    def limit_for(self, path: str) -> int:
        return next((limit for pattern, limit in self._larger if pattern.match(path)), self._default)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self._counted[self._default](scope, receive, send)
            return
        limit = self.limit_for(scope["path"])
        declared = Headers(scope=scope).get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            response = await refusal(Request(scope, receive), HTTPException(413, too_large(limit)))
            await response(scope, receive, send)
            return
        await self._counted[limit](scope, _Deadline(receive, self._timeout), send)


class _Deadline:
    """`receive`, refusing with 408 when the body's next chunk is later than `timeout`, or
    the whole body later than BODY_DEADLINE_FACTOR times that. Once the body is in, waits
    (for a disconnect) are the app's business and unbounded."""

    def __init__(self, receive: Receive, timeout: float) -> None:
        self._receive, self._timeout = receive, timeout
        self._ends = time.monotonic() + timeout * BODY_DEADLINE_FACTOR
        self._complete = False

    async def __call__(self) -> Message:
        if self._complete:
            return await self._receive()
        wait = min(self._timeout, self._ends - time.monotonic())
        try:
            async with asyncio.timeout(max(wait, 0)):
                message = await self._receive()
        except TimeoutError:
            raise HTTPException(408, f"request body: not received within {self._timeout:g} seconds") from None
        if message["type"] != "http.request" or not message.get("more_body", False):
            self._complete = True
        return message
