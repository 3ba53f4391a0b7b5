"""Request bodies are bounded while they stream, before anything parses them: a declared
Content-Length over the route's limit is refused at once, a chunked body the moment it
passes the limit (413, naming the limit), and a body that does not arrive in time is 408.
Each answer comes within a bounded time, and nothing is stored or recorded."""

import asyncio
import time
from collections.abc import AsyncIterator

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from api.app import create_app
from documents.tables import documents
from domain.audits import AuditType
from tests.api.journey import Journey
from tests.api.serving import serving
from tests.people import People
from tests.scenario import AUDITOR, EPOCH, SECRETARIAT, findings

MiB = 1024 * 1024
BODY_SECONDS = 1.0
"""The body deadline of the app under test: short, so the slow-body tests stay fast."""


@pytest.fixture
async def limited_url(engine: AsyncEngine, certifications: object) -> AsyncIterator[str]:
    """The API with commands, a 1 KiB document limit and a one-second body deadline."""
    app = create_app(
        engine,
        commands_client=certifications,
        max_document_bytes=1024,  # type: ignore[arg-type]
        body_timeout_seconds=BODY_SECONDS,
    )
    async with serving(app) as url:
        yield url


async def chunks(total: int, size: int = 64 * 1024, first: bytes = b"") -> AsyncIterator[bytes]:
    """A body streamed without Content-Length (chunked), `total` bytes in all."""
    yield first
    sent = len(first)
    while sent < total:
        piece = b" " * min(size, total - sent)
        sent += len(piece)
        yield piece


async def raw_exchange(url: str, head: str, body: bytes = b"", wait: float = 10.0) -> bytes:
    """Sends a request head and the start of a body over a bare socket, then waits (sending
    nothing more) for the answer's status line and headers, for at most `wait` seconds."""
    host, port = url.removeprefix("http://").split(":")
    reader, writer = await asyncio.open_connection(host, int(port))
    try:
        writer.write(head.encode() + b"\r\n" + body)
        await writer.drain()
        return await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), wait)
    finally:
        writer.close()


async def documents_stored(engine: AsyncEngine) -> int:
    async with engine.connect() as conn:
        return int(await conn.scalar(select(func.count()).select_from(documents)) or 0)


async def test_a_declared_body_over_the_limit_is_413_at_once_before_authentication(base_url: str) -> None:
    head = (
        "POST /api/v1/certifications/anything/suspend HTTP/1.1\r\nHost: x\r\n"
        "Content-Type: application/json\r\nContent-Length: 52428800\r\n"
    )
    started = time.monotonic()
    answer = await raw_exchange(base_url, head, b'{"reason": "')

    assert answer.startswith(b"HTTP/1.1 413"), answer
    assert time.monotonic() - started < 5


async def test_a_large_json_body_is_413_naming_the_limit_and_records_nothing(journey: Journey, people: People) -> None:
    await journey.admit()
    before = await journey.stored()
    path = f"/api/v1/certifications/{journey.certification_id}/suspend"
    headers = {**people.bearer(SECRETARIAT), "Content-Type": "application/json"}
    declared = await journey.http.post(path, content=b'{"reason": "' + b"x" * (2 * MiB) + b'"}', headers=headers)
    streamed = await journey.http.post(path, content=chunks(50 * MiB, first=b'{"reason": "'), headers=headers)

    for refused in (declared, streamed):
        assert refused.status_code == 413, refused.text
        assert refused.json()["detail"] == "request body: over the limit of 1,048,576 bytes"
    assert await journey.stored() == before


async def test_an_upload_streamed_past_the_document_limit_is_413_and_stores_nothing(
    journey: Journey, limited_url: str, engine: AsyncEngine, people: People
) -> None:
    await journey.admit()
    audit_id = await journey.report(AuditType.CERTIFICATION, EPOCH, findings())
    before, stored = await journey.stored(), await documents_stored(engine)
    boundary = "limit-test"
    start = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="kind"\r\n\r\naudit-report\r\n'
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.pdf"\r\n'
        "Content-Type: application/pdf\r\n\r\n%PDF-1.4\n"
    ).encode()
    async with httpx.AsyncClient(base_url=limited_url, timeout=30) as client:
        refused = await client.post(
            f"/api/v1/certifications/{journey.certification_id}/audits/{audit_id}/documents",
            content=chunks(10 * MiB, first=start),
            headers={**people.bearer(AUDITOR), "Content-Type": f"multipart/form-data; boundary={boundary}"},
        )

    assert refused.status_code == 413, refused.text
    assert refused.json()["detail"] == f"request body: over the limit of {1024 + 64 * 1024:,} bytes"
    assert await journey.stored() == before and await documents_stored(engine) == stored


async def test_a_body_that_does_not_arrive_in_time_is_408(journey: Journey, limited_url: str, people: People) -> None:
    await journey.admit()
    before = await journey.stored()
    token = people.bearer(SECRETARIAT)["Authorization"]
    head = (
        f"POST /api/v1/certifications/{journey.certification_id}/suspend HTTP/1.1\r\nHost: x\r\n"
        f"Authorization: {token}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n"
    )
    started = time.monotonic()
    answer = await raw_exchange(limited_url, head, b'{"reason": "slow')

    assert answer.startswith(b"HTTP/1.1 408"), answer
    assert time.monotonic() - started < BODY_SECONDS + 5
    assert await journey.stored() == before


async def test_a_page_form_over_the_limit_is_an_html_413(base_url: str) -> None:
    async with httpx.AsyncClient(base_url=base_url, timeout=10) as client:
        refused = await client.post(
            "/login",
            content=chunks(2 * MiB, first=b"user_id="),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )

    assert refused.status_code == 413
    assert refused.headers["content-type"].startswith("text/html")
    assert "over the limit of 1,048,576 bytes" in refused.text
