"""Serving the app: a taken port is the caller's error, and stop ends the server."""

import asyncio
import socket

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from api.app import create_app
from api.server import serve
from tests.api.serving import free_port, wait_until_up


async def test_serve_raises_when_the_port_is_taken(engine: AsyncEngine) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        with pytest.raises(OSError):
            await serve(create_app(engine), "127.0.0.1", taken.getsockname()[1], asyncio.Event())


async def test_serve_answers_until_stop_is_set_then_returns(engine: AsyncEngine) -> None:
    port, stop = free_port(), asyncio.Event()
    server = asyncio.create_task(serve(create_app(engine), "127.0.0.1", port, stop))
    url = f"http://127.0.0.1:{port}"
    await wait_until_up(url, server)
    async with httpx.AsyncClient(base_url=url) as http:
        assert (await http.get("/healthz")).status_code == 200
        stop.set()
        await asyncio.wait_for(server, timeout=10)
        with pytest.raises(httpx.TransportError):
            await http.get("/healthz")


def test_the_listening_socket_declares_tcp_so_responses_are_not_held_back() -> None:
    """asyncio sets TCP_NODELAY only on sockets whose protocol is IPPROTO_TCP; without it a
    kept-alive connection waits ~40 ms per response (Nagle's algorithm + delayed ACK)."""
    from api.server import _listen

    sock = _listen("127.0.0.1", 0)
    try:
        assert sock.proto == socket.IPPROTO_TCP
    finally:
        sock.close()
