"""Guessing passwords is slowed per client address: 5 failures for a user id from one
address within 15 minutes, or 30 from one address for any user ids, and that address waits
(429 with Retry-After). The count and the check are one atomic step, so concurrent guesses
cannot slip past the limit, and a guesser's failures never lock the user out from another
address."""

import asyncio
import uuid

import pytest
from pydantic import SecretStr
from sqlalchemy.ext.asyncio import AsyncEngine

from identity.directory import MAX_SIGN_IN_FAILURES, MAX_SIGN_IN_FAILURES_PER_ADDRESS, Directory, SignInThrottled
from tests.integration.test_identity import a_member

PASSWORD = "s3cret-enough"


def an_address() -> str:
    """A client address no other test uses (198.18.0.0/15, kept for benchmarks)."""
    n = uuid.uuid4().int
    return f"198.{18 + n % 2}.{n // 2 % 256}.{n // 512 % 256}"


async def a_user_with_a_password(directory: Directory) -> str:
    user = a_member().model_copy(update={"password": SecretStr(PASSWORD)})
    await directory.create_user(user)
    return user.user_id


async def attempt(directory: Directory, user_id: str, password: str, address: str) -> str:
    """What one sign-in came to: signed in, refused (the password was checked), or throttled."""
    try:
        return "refused" if await directory.sign_in(user_id, password, address=address) is None else "signed in"
    except SignInThrottled:
        return "throttled"


async def test_of_twenty_concurrent_wrong_passwords_only_the_limit_are_checked(engine: AsyncEngine) -> None:
    directory = Directory(engine)
    user_id, guesser = await a_user_with_a_password(directory), an_address()

    outcomes = await asyncio.gather(*(attempt(directory, user_id, "wrong", guesser) for _ in range(20)))

    assert outcomes.count("refused") == MAX_SIGN_IN_FAILURES
    assert outcomes.count("throttled") == 20 - MAX_SIGN_IN_FAILURES


async def test_a_guesser_does_not_lock_the_user_out_from_another_address(engine: AsyncEngine) -> None:
    directory = Directory(engine)
    user_id, guesser, owner = await a_user_with_a_password(directory), an_address(), an_address()
    for _ in range(MAX_SIGN_IN_FAILURES):
        assert await attempt(directory, user_id, "wrong", guesser) == "refused"

    assert await attempt(directory, user_id, PASSWORD, guesser) == "throttled"
    assert await attempt(directory, user_id, PASSWORD, owner) == "signed in"
    assert await attempt(directory, user_id, PASSWORD, guesser) == "throttled"  # the owner's success does not free it


async def test_an_address_guessing_across_many_user_ids_is_throttled_for_all(engine: AsyncEngine) -> None:
    directory = Directory(engine)
    user_id = await a_user_with_a_password(directory)
    sprayer, owner = an_address(), an_address()
    for n in range(MAX_SIGN_IN_FAILURES_PER_ADDRESS):
        assert await attempt(directory, f"sprayed-{uuid.uuid4().hex[:8]}-{n}", "guess", sprayer) == "refused"

    assert await attempt(directory, user_id, PASSWORD, sprayer) == "throttled"
    assert await attempt(directory, user_id, PASSWORD, owner) == "signed in"


@pytest.mark.parametrize("wrong_first", [0, MAX_SIGN_IN_FAILURES - 1])
async def test_a_success_forgets_that_addresses_failures(engine: AsyncEngine, wrong_first: int) -> None:
    directory = Directory(engine)
    user_id, owner = await a_user_with_a_password(directory), an_address()
    for _ in range(wrong_first):
        await attempt(directory, user_id, "wrong", owner)
    assert await attempt(directory, user_id, PASSWORD, owner) == "signed in"
    for _ in range(MAX_SIGN_IN_FAILURES):
        assert await attempt(directory, user_id, "wrong", owner) == "refused"
    assert await attempt(directory, user_id, "wrong", owner) == "throttled"
