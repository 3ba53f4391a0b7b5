"""Sending a caller's command to its certification's workflow: the caller's reach (outside
it a certification is 404, as if it did not exist), the `Idempotency-Key`, and the domain's
refusals as HTTP answers (403 for an access rule, 409 for any other rule, each naming it)."""

import asyncio
import uuid
from dataclasses import dataclass
from datetime import timedelta

from fastapi import HTTPException
from fastapi.responses import Response
from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine
from temporalio.service import RPCError

from api.idempotency import Answer, Claimed, IdempotencyKeys, InFlight, Mismatch, Replay
from api.models.commands import CommandResult, Problem
from api.visibility import visible_to
from domain.commands import Command
from domain.records import from_record
from eventstore import EventStore
from identity.principal import OrganisationKind, Principal
from projections.tables import certifications
from workflows.client import CertificationClient, CommandRefused, CommandUndelivered

_KEYED_IDS = uuid.UUID("5b0b3c0e-7d7e-4c43-9a55-2b1f0d1e6a10")
REPLAYED_HEADER = "Idempotent-Replayed"
RETRY_AFTER_SECONDS = 2
UNREACHED_AFTER = timedelta(milliseconds=150)
"""The earliest a certification out of the caller's reach is answered 404, whatever the
workflow said by then: existence does not show in the timing. It sits well past the workflow
query's round trip (median 10 ms, at most 36 ms measured on a loaded test machine); each 404
costs it."""
REACH_QUERY_WITHIN = timedelta(seconds=2)
"""How long the workflow is given to say that a certification not yet projected is the
caller's. Longer than UNREACHED_AFTER: capped at that, a query slowed by load refused an
auditor the plan it had just been engaged for (a 404 until the projector caught up); past
UNREACHED_AFTER, only such a slow query can show in a 404's timing."""
UNDELIVERED = (
    "Temporal did not answer in time: the command may or may not have been applied. It is safe"
    " to send it again with the same Idempotency-Key (it is applied at most once)"
)


def keyed_id(caller: Principal, key: str | None, purpose: str, fingerprint: bytes) -> str:
    """An id the same caller, key and request always give (a fresh one without a key), so a
    repeat after a lost answer names the same certification and the same command.

    The request's fingerprint is part of it because a key's record goes after RETENTION and
    the key may then come back with another request: named by user and key alone, that one
    would be taken for the first (the workflow dedupes the id) and answered with the first's
    events. With the fingerprint, the same request is the same command however late it is
    repeated (never applied twice), and a different one a new command (never lost). Keeping
    expired keys' fingerprints to refuse them for ever would keep a table growing for ever,
    and lose nothing more: within retention a different request is refused (422) anyway."""
    if key is None:
        return str(uuid.uuid4())
    return str(uuid.uuid5(_KEYED_IDS, f"{purpose}\n{caller.user_id}\n{key}\n{fingerprint.hex()}"))


def new_certification_id(caller: Principal, key: str | None, fingerprint: bytes = b"") -> str:
    """The id of the certification an application begins (the same again for a repeated key)."""
    return "cert-" + keyed_id(caller, key, "certification", fingerprint)


def status_of(refusal: CommandRefused) -> int:
    if refusal.kind == "NotPermitted":
        return 403
    if refusal.rule == "certification.exists":
        return 404
    return 409


@dataclass(frozen=True)
class Delivery:
    """One command as the caller sent it."""

    caller: Principal
    certification_id: str
    command: Command
    idempotency_key: str | None
    fingerprint: bytes
    success_status: int = 200


class Dispatcher:
    def __init__(self, engine: AsyncEngine, client: CertificationClient | None) -> None:
        self._engine = engine
        self._client = client
        self._keys = IdempotencyKeys(engine)
        self._log = EventStore(engine)

    @property
    def client(self) -> CertificationClient:
        if self._client is None:
            raise HTTPException(
                503,
                "commands are unavailable: this API runs without Temporal",
                {"Retry-After": str(RETRY_AFTER_SECONDS)},
            )
        return self._client

    async def require_reach(self, caller: Principal, certification_id: str) -> None:
        """404 unless the certification is the caller's to act on. Every 404 takes
        UNREACHED_AFTER from the start, whether the certification is another organisation's
        or does not exist: answered sooner, the time the workflow takes to answer (a worker
        round trip, against Temporal's quick "not found") would tell which."""
        if caller.organisation_kind == OrganisationKind.SECRETARIAT:
            return  # the workflow itself says whether the certification exists
        loop = asyncio.get_running_loop()
        answer_at = loop.time() + UNREACHED_AFTER.total_seconds()
        query = select(certifications.c.certification_id).where(
            certifications.c.certification_id == certification_id, *visible_to(caller)
        )
        async with self._engine.execution_options(isolation_level="AUTOCOMMIT").connect() as conn:
            if (await conn.execute(query)).first() is not None:
                return
        try:
            async with asyncio.timeout(REACH_QUERY_WITHIN.total_seconds()):
                if await self._reached_before_projected(caller, certification_id):
                    return
        except TimeoutError:
            pass
        await asyncio.sleep(max(0.0, answer_at - loop.time()))
        raise HTTPException(404, f"no certification {certification_id}")

    async def _reached_before_projected(self, caller: Principal, certification_id: str) -> bool:
        """The read model trails the log by a moment (a certification just begun, a firm just
        engaged): before saying 404, ask the workflow, which knows."""
        if self._client is None:
            return False  # nothing to ask; and no command could be sent anyway
        try:
            state = await self._client.state(certification_id)
        except (RPCError, CommandUndelivered):
            return False  # not found, or no answer: a 404 either way, in the same time
        firm = state.audit_firm.firm_id if state.audit_firm else None
        return caller.organisation_id == (
            state.member_id if caller.organisation_kind == OrganisationKind.MEMBER else firm
        )

    async def deliver(self, delivery: Delivery) -> Response:
        key, user = delivery.idempotency_key, delivery.caller.user_id
        if key is None:
            answer = await self.run(delivery)
            return _response(answer)
        claim = await self._keys.claim(user, key, delivery.fingerprint)
        match claim:
            case Replay(answer):
                return _response(answer, {REPLAYED_HEADER: "true"})
            case Mismatch():
                raise HTTPException(422, "Idempotency-Key: already used for a different request")
            case InFlight():
                if (recorded := await self._keys.answer(user, key, delivery.fingerprint)) is not None:
                    return _response(recorded, {REPLAYED_HEADER: "true"})
                # Its claimer is slow or dead: send the same command id again. The workflow
                # applies an id once, and a running one is joined, not repeated.
                answer = await self.run(delivery)
            case Claimed():
                try:
                    answer = await self.run(delivery)
                except BaseException:
                    await self._keys.release(user, key)
                    raise
        await self._keys.complete(user, key, answer)
        return _response(answer)

    async def run(self, delivery: Delivery) -> Answer:
        """Sends the command (no Idempotency-Key record): the answer as status and JSON body."""
        command_id = keyed_id(delivery.caller, delivery.idempotency_key, "command", delivery.fingerprint)
        try:
            outcome = await self.client.send(delivery.certification_id, delivery.command, command_id)
        except CommandRefused as refusal:
            return Answer(status_of(refusal), _json(Problem(detail=refusal.message, rule=refusal.rule)))
        except CommandUndelivered:
            raise HTTPException(503, UNDELIVERED, {"Retry-After": str(RETRY_AFTER_SECONDS)}) from None
        events = outcome.events
        if outcome.duplicate:
            # Applied before (its first answer lost): the events it recorded then, from the log.
            recorded = await self._log.read_command(delivery.certification_id, command_id)
            events = [from_record(r.event_type, r.data, r.metadata) for r in recorded]
        result = CommandResult(
            certification_id=delivery.certification_id,
            command_id=command_id,
            version=outcome.version,
            duplicate=outcome.duplicate,
            events=events,
            state=outcome.state,
        )
        return Answer(delivery.success_status, _json(result))


def _json(model: BaseModel) -> bytes:
    # Serialized once, by pydantic-core: the same bytes answer the caller and are kept for
    # the key's repeats (a command's answer holds the whole state: worth not doing twice).
    return model.model_dump_json().encode()


def _response(answer: Answer, headers: dict[str, str] | None = None) -> Response:
    return Response(answer.body, answer.status_code, headers=headers, media_type="application/json")
