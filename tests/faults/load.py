"""`Load`: members applying for certification at the same time over real HTTP, each taking its
certification through admission (apply, accepted by the Secretariat, self-assessment, audit
firm engaged: four commands, tests/scenario.py's `admit`). Each command goes with an
Idempotency-Key of its own and is sent again with the same key after a 503, a lost answer or
an Idempotency-Key still "running", as a careful client does; every attempt is recorded."""

import asyncio
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import groupby
from typing import Any

import httpx

from domain import commands as cmd
from domain.actors import Actor
from tests.api.journey import http_call
from tests.faults.bounds import ANSWER_WITHIN
from tests.people import People
from tests.scenario import FIRM, MEMBER, SECRETARIAT, Story

SEND_AGAIN_AFTER = 0.2
"""Seconds a client waits before sending again, unless the answer's Retry-After says (up to 1 s)."""


def admission() -> list[cmd.Command]:
    """The commands that take one certification from application to an engaged audit firm."""
    return [
        Story().apply_command(),
        cmd.AcceptApplication(actor=SECRETARIAT),
        cmd.SubmitSelfAssessment(actor=MEMBER, summary="all criteria assessed"),
        cmd.AssignAuditFirm(actor=MEMBER, firm=FIRM),
    ]


@dataclass(frozen=True)
class Attempt:
    status: int | None
    """None: no answer (`error` says why)."""
    error: str | None
    seconds: float

    @property
    def hung(self) -> bool:
        return self.error is not None and "Timeout" in self.error

    @property
    def server_error(self) -> bool:
        """A 5xx that is not 503: the service failed instead of saying "send again"."""
        return self.status is not None and self.status >= 500 and self.status != 503


@dataclass
class Sent:
    """One command, under one Idempotency-Key, and every attempt to send it."""

    certification: int
    kind: str
    key: str
    attempts: list[Attempt] = field(default_factory=list)
    answer: dict[str, Any] | None = None
    """The 2xx answer's body."""
    refusal: str | None = None
    """A 4xx that sending again cannot change."""

    @property
    def acknowledged(self) -> bool:
        return self.answer is not None

    def describe(self) -> str:
        """The attempts' answers in order, repeats counted: `ConnectError x15, 409 x61`."""
        runs = [(answer, len(list(same))) for answer, same in groupby(a.status or a.error for a in self.attempts)]
        answers = ", ".join(f"{answer} x{n}" if n > 1 else str(answer) for answer, n in runs) or "no attempt finished"
        return f"certification {self.certification} {self.kind} (key {self.key}): {answers}"


def _retry_after(response: httpx.Response) -> float:
    try:
        return min(float(response.headers.get("Retry-After", SEND_AGAIN_AFTER)), 1.0)
    except ValueError:
        return SEND_AGAIN_AFTER


def _in_flight_key(response: httpx.Response) -> bool:
    """A 409 naming no domain rule: the Idempotency-Key's first request is still running."""
    try:
        return response.status_code == 409 and "rule" not in response.json()
    except ValueError:
        return False


class Load:
    def __init__(self, base_url: str, people: People, certifications: int, label: str) -> None:
        self._base_url = base_url
        self._people = people
        self._certifications = certifications
        self._label = label
        self._tasks: list[asyncio.Task[None]] = []
        self._client: httpx.AsyncClient | None = None
        self.sent: list[Sent] = []
        self.in_flight = 0

    async def __aenter__(self) -> "Load":
        self._client = httpx.AsyncClient(base_url=self._base_url, timeout=ANSWER_WITHIN)
        self._tasks = [asyncio.create_task(self._admit(i)) for i in range(self._certifications)]
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.close()

    @property
    def acknowledged(self) -> list[Sent]:
        return [s for s in self.sent if s.acknowledged]

    @property
    def attempts(self) -> Iterator[Attempt]:
        return (a for s in self.sent for a in s.attempts)

    async def until_acknowledged(self, count: int, within: float) -> None:
        """Waits until `count` commands are acknowledged (the fault then hits the rest in flight)."""
        deadline = time.monotonic() + within
        while len(self.acknowledged) < count:
            if time.monotonic() > deadline:
                raise RuntimeError(f"{len(self.acknowledged)} of {count} acknowledgements within {within} s")
            if all(task.done() for task in self._tasks):
                raise RuntimeError(f"the load ended with {len(self.acknowledged)} acknowledgements: " + self.summary())
            await asyncio.sleep(0.02)

    async def until_answered(self, within: float) -> bool:
        """Whether any command got an answer (of any status) within `within` seconds."""
        deadline = time.monotonic() + within
        while not any(a.status is not None for a in self.attempts):
            if time.monotonic() > deadline:
                return False
            await asyncio.sleep(0.05)
        return True

    async def finished(self, within: float) -> bool:
        """Whether every certification's commands were answered within `within` seconds; what
        is still running then is cancelled."""
        done, pending = await asyncio.wait(self._tasks, timeout=within)
        for task in pending:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        for task in done:
            if task.exception() is not None:
                raise task.exception()  # type: ignore[misc]
        return not pending

    async def close(self) -> None:
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        if self._client is not None:
            await self._client.aclose()

    def summary(self) -> str:
        return "; ".join(s.describe() for s in self.sent if not s.acknowledged) or "every command acknowledged"

    async def _admit(self, certification: int) -> None:
        certification_id: str | None = None
        for command in admission():
            key = f"faults-{self._label}-{certification}-{command.type}-{uuid.uuid4()}"
            sent = Sent(certification, command.type, key)
            self.sent.append(sent)
            path, body = http_call(command, certification_id)
            await self._send(sent, path, body, command.actor)
            if sent.answer is None:
                return
            certification_id = sent.answer["certification_id"]

    async def _send(self, sent: Sent, path: str, body: dict[str, Any], actor: Actor) -> None:
        """Sends until acknowledged or refused; cancelled by `finished` past its bound."""
        assert self._client is not None
        headers = {**self._people.bearer(actor), "Idempotency-Key": sent.key}
        while True:
            started = time.monotonic()
            self.in_flight += 1
            try:
                response = await self._client.post(path, json=body, headers=headers)
            except httpx.HTTPError as error:
                sent.attempts.append(Attempt(None, type(error).__name__, time.monotonic() - started))
                await asyncio.sleep(SEND_AGAIN_AFTER)
                continue
            finally:
                self.in_flight -= 1
            sent.attempts.append(Attempt(response.status_code, None, time.monotonic() - started))
            if response.is_success:
                sent.answer = response.json()
                return
            if response.status_code < 500 and not _in_flight_key(response):
                sent.refusal = f"{response.status_code} {response.text[:300]}"
                return
            await asyncio.sleep(_retry_after(response))
