"""Serving an app with uvicorn inside the caller's event loop, until the caller says stop."""

import asyncio
import contextlib
import socket
from collections.abc import Iterator

import structlog
import uvicorn
from fastapi import FastAPI

log = structlog.get_logger("certflow.api")
GRACE_SECONDS = 5
"""How long in-flight requests (a CSV export) get to finish once stop is set."""


class _Server(uvicorn.Server):
    """Leaves signals alone: the caller owns SIGINT/SIGTERM and tells us through `stop`."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


def _listen(host: str, port: int) -> socket.socket:
    """Bind here, not in uvicorn, so a taken port raises OSError to the caller instead of
    uvicorn's sys.exit inside a task."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # IPPROTO_TCP, not 0: asyncio sets TCP_NODELAY only on sockets that say they are TCP;
    # without it every response on a kept-alive connection waits ~40 ms (Nagle + delayed ACK).
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError:
        sock.close()
        raise
    sock.set_inheritable(True)
    return sock


async def serve(app: FastAPI, host: str, port: int, stop: asyncio.Event) -> None:
    """Serve `app` on host:port until `stop` is set, then finish in-flight requests."""
    config = uvicorn.Config(
        app, host=host, port=port, log_config=None, lifespan="on", timeout_graceful_shutdown=GRACE_SECONDS
    )
    server = _Server(config)
    sock = _listen(host, port)
    running = asyncio.create_task(server.serve(sockets=[sock]), name=f"api-{host}:{port}")
    stopping = asyncio.create_task(stop.wait())
    url = f"http://{host}:{sock.getsockname()[1]}"
    log.info("api listening", url=url)
    try:
        await asyncio.wait({running, stopping}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        server.should_exit = True
        stopping.cancel()
        await running
        log.info("api stopped", url=url)
