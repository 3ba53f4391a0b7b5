"""The database out of reach (restarting, refusing connections): every request is answered
503 with `Retry-After`, saying to send it again, never 500."""

from pathlib import Path

import httpx
import pytest

from api.app import create_app
from api.idempotency import Answer, IdempotencyKeys
from eventstore.database import create_engine
from tests.api.serving import free_port, served
from tests.people import People
from tests.scenario import MEMBER


@pytest.mark.parametrize("where", ["tcp", "unix-socket"])
async def test_while_the_database_refuses_connections_requests_are_503_with_retry_after(
    people: People, tmp_path: Path, where: str
) -> None:
    """Over TCP the connect is refused; over a Unix socket (the embedded default) a server
    that is down has left no socket file."""
    url = {
        "tcp": f"postgresql+asyncpg://certflow@127.0.0.1:{free_port()}/certflow",
        "unix-socket": f"postgresql+asyncpg://certflow@/certflow?host={tmp_path}",
    }[where]
    nowhere = create_engine(url)
    try:
        async with served(create_app(nowhere)) as http:
            answers: list[httpx.Response] = [
                await http.get("/api/v1/certifications", headers=people.bearer(MEMBER)),
                await http.post(
                    "/api/v1/certifications/cert-x/suspend", json={"reason": "x"}, headers=people.bearer(MEMBER)
                ),
                await http.get("/api/v1/register"),
            ]
            page = await http.get("/register", headers={"Accept": "text/html"})
    finally:
        await nowhere.dispose()

    assert [a.status_code for a in answers] == [503, 503, 503], [a.text for a in answers]
    assert all(int(a.headers["Retry-After"]) > 0 for a in answers)
    assert all("send the request again" in a.json()["detail"] for a in answers)
    assert page.status_code == 503 and page.headers["content-type"].startswith("text/html")
    assert "send the request again" in page.text and int(page.headers["Retry-After"]) > 0


async def test_an_answer_the_database_cannot_record_still_goes_to_the_caller() -> None:
    """Recording a key's answer is retried through a short outage, then given up: the claim
    left open does not block a repeat (tests/api/test_idempotency_recovery.py)."""
    nowhere = create_engine(f"postgresql+asyncpg://certflow@127.0.0.1:{free_port()}/certflow")
    try:
        await IdempotencyKeys(nowhere).complete(MEMBER.user_id, "a-key", Answer(200, b"{}"))  # does not raise
    finally:
        await nowhere.dispose()
