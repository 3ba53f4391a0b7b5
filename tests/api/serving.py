"""Running the app under test for real: uvicorn on a free local port, in the test's loop."""

import asyncio
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
from fastapi import FastAPI

from api.server import serve


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def wait_until_up(url: str, server: "asyncio.Task[None]") -> None:
    """Until /healthz answers; raises what stopped the server if it stopped first."""
    async with httpx.AsyncClient(base_url=url) as probe:
        for _ in range(200):
            if server.done():
                await server
                raise RuntimeError(f"the API on {url} stopped before it answered")
            try:
                if (await probe.get("/healthz")).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.05)
    raise RuntimeError(f"the API did not come up on {url} within 10 s")


@asynccontextmanager
async def serving(app: FastAPI) -> AsyncIterator[str]:
    """`app` on http://127.0.0.1:<free port> until the block ends."""
    port, stop = free_port(), asyncio.Event()
    server = asyncio.create_task(serve(app, "127.0.0.1", port, stop))
    url = f"http://127.0.0.1:{port}"
    try:
        await wait_until_up(url, server)
        yield url
    finally:
        stop.set()
        await server


@asynccontextmanager
async def served(
    app: FastAPI, client_timeout: float = 5.0, headers: dict[str, str] | None = None
) -> AsyncIterator[httpx.AsyncClient]:
    """An httpx client calling `app` (each request waiting `client_timeout` at most), served as
    `serving` serves it, until the block ends."""
    async with serving(app) as url, httpx.AsyncClient(base_url=url, timeout=client_timeout, headers=headers) as client:
        yield client


async def readiness_becomes(http: httpx.AsyncClient, status: int, within_seconds: float = 15) -> dict:
    """The /readyz body once it answers `status`: processes that have just started (a
    projector before its first heartbeat) make it so within a bound, not at once."""
    async with asyncio.timeout(within_seconds):
        while True:
            response = await http.get("/readyz")
            if response.status_code == status:
                return dict(response.json())
            await asyncio.sleep(0.2)
