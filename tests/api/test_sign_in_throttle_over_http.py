"""The sign-in throttle over real HTTP, each test from a loopback address of its own (the
client socket bound to 127.x.y.z), so the address the server counts by is the real peer's."""

import asyncio
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx

from identity.directory import MAX_SIGN_IN_FAILURES
from tests.people import PASSWORD, People
from tests.scenario import MEMBER


@asynccontextmanager
async def from_own_address(base_url: str) -> AsyncIterator[httpx.AsyncClient]:
    n = uuid.uuid4().int
    address = f"127.{n % 250 + 1}.{n // 250 % 256}.{n // 64000 % 250 + 1}"
    transport = httpx.AsyncHTTPTransport(local_address=address)
    async with httpx.AsyncClient(base_url=base_url, timeout=30, transport=transport) as client:
        yield client


async def sign_in(client: httpx.AsyncClient, user_id: str, password: str, token: str) -> httpx.Response:
    """The sign-in form posted with `token` as its double-submit cookie (not the cookie jar's:
    each refusal sets a fresh one, and these run concurrently)."""
    return await client.post(
        "/login",
        data={"user_id": user_id, "password": password, "csrf_token": token, "next": ""},
        headers={"Cookie": f"certflow_sign_in={token}"},
    )


async def test_twenty_concurrent_wrong_passwords_are_checked_at_most_the_limit_the_rest_429(
    base_url: str, people: People
) -> None:
    async with from_own_address(base_url) as guesser:
        token = (await guesser.get("/login")).cookies["certflow_sign_in"]
        answers = await asyncio.gather(*(sign_in(guesser, MEMBER.user_id, "guess", token) for _ in range(20)))

    statuses = sorted(a.status_code for a in answers)
    assert statuses == [401] * MAX_SIGN_IN_FAILURES + [429] * (20 - MAX_SIGN_IN_FAILURES)
    assert all(0 < int(a.headers["Retry-After"]) <= 901 for a in answers if a.status_code == 429)


async def test_a_guessers_failures_do_not_lock_the_user_out_from_their_own_address(
    base_url: str, people: People
) -> None:
    async with from_own_address(base_url) as guesser, from_own_address(base_url) as owner:
        token = (await guesser.get("/login")).cookies["certflow_sign_in"]
        for _ in range(MAX_SIGN_IN_FAILURES):
            assert (await sign_in(guesser, MEMBER.user_id, "guess", token)).status_code == 401
        locked = await sign_in(guesser, MEMBER.user_id, PASSWORD, token)
        own_token = (await owner.get("/login")).cookies["certflow_sign_in"]
        signed_in = await sign_in(owner, MEMBER.user_id, PASSWORD, own_token)

    assert locked.status_code == 429
    assert signed_in.status_code == 303, signed_in.text
