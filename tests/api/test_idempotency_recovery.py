"""An Idempotency-Key's answer when its first request did not finish: the API died between
the workflow applying the command and recording the answer (or the database refused the
record). A repeat gets the command's own answer, its events, at once; and a key used again
after its record expired names a new command when the request differs."""

import asyncio
import time
import uuid
from datetime import UTC, datetime

from sqlalchemy import delete, update
from sqlalchemy.ext.asyncio import AsyncEngine

from api.idempotency import RETENTION
from domain import commands as cmd
from domain.audits import AuditType
from identity.tables import idempotency_keys
from tests.api.journey import Journey
from tests.scenario import EPOCH, SECRETARIAT, findings

K = idempotency_keys.c


async def _forget_the_answer(engine: AsyncEngine, key: str) -> None:
    """As if the process that claimed the key died before it recorded the answer."""
    async with engine.begin() as conn:
        await conn.execute(
            update(idempotency_keys)
            .where(K.idempotency_key == key)
            .values(completed_at=None, status_code=None, response=None)
        )


async def _lose_the_record(engine: AsyncEngine, key: str) -> None:
    async with engine.begin() as conn:
        await conn.execute(delete(idempotency_keys).where(K.idempotency_key == key))


async def _age(engine: AsyncEngine, key: str) -> None:
    async with engine.begin() as conn:
        await conn.execute(
            update(idempotency_keys)
            .where(K.idempotency_key == key)
            .values(created_at=datetime.now(UTC) - RETENTION * 2)
        )


async def test_a_repeat_of_a_command_whose_process_died_gets_its_events_at_once(
    journey: Journey, engine: AsyncEngine
) -> None:
    await journey.admit()
    plan = journey.plan_command(AuditType.CERTIFICATION, EPOCH)
    key = {"Idempotency-Key": f"plan-{uuid.uuid4()}"}
    first = await journey.post(plan, headers=key)
    assert first.status_code == 200, first.text
    await _forget_the_answer(engine, key["Idempotency-Key"])

    started = time.monotonic()
    repeated = await journey.post(plan, headers=key)
    waited = time.monotonic() - started

    assert repeated.status_code == 200, repeated.text
    assert waited < 5, f"the repeat waited {waited:.1f} s for a claim nobody held"
    assert repeated.json()["events"] == first.json()["events"] != []
    assert repeated.json()["command_id"] == first.json()["command_id"]
    assert [e.type for e in await journey.stored()].count("AuditPlanned") == 1


async def test_a_repeat_after_the_run_continued_as_new_gets_the_commands_own_events(
    journey: Journey, engine: AsyncEngine
) -> None:
    """Temporal dedupes update ids within one run; across continue-as-new (at each new
    certificate) the workflow says `duplicate` itself, and the API finds the events in the log."""
    await journey.admit()
    audit_id = await journey.report(AuditType.CERTIFICATION, EPOCH, findings())
    first_run = (await journey.env.client.get_workflow_handle(journey.certification_id).describe()).run_id
    key = {"Idempotency-Key": f"accept-{uuid.uuid4()}"}
    accept = cmd.AcceptReport(actor=SECRETARIAT, audit_id=audit_id)
    first = await journey.post(accept, headers=key)
    assert "CertificateGranted" in [e["type"] for e in first.json()["events"]]
    await _continued_as_new(journey, first_run)
    await _lose_the_record(engine, key["Idempotency-Key"])  # say, released after a 503

    repeated = await journey.post(accept, headers=key)

    assert repeated.status_code == 200, repeated.text
    assert repeated.json()["duplicate"] is True
    assert repeated.json()["events"] == first.json()["events"]
    assert repeated.json()["state"] == first.json()["state"]
    assert [e.type for e in await journey.stored()].count("CertificateGranted") == 1


async def _continued_as_new(journey: Journey, first_run: str | None) -> None:
    handle = journey.env.client.get_workflow_handle(journey.certification_id)
    for _ in range(100):
        if (await handle.describe()).run_id != first_run:
            return
        await asyncio.sleep(0.05)
    raise AssertionError("the certification did not continue as new at its new certificate")


async def test_a_key_used_again_after_it_expired_names_a_new_command_for_a_new_request(
    journey: Journey, engine: AsyncEngine
) -> None:
    await journey.on(EPOCH)
    key = {"Idempotency-Key": f"apply-{uuid.uuid4()}"}
    application = journey.apply_command()
    first = await journey.post(application, headers=key)
    await _age(engine, key["Idempotency-Key"])

    other = await journey.post(application.model_copy(update={"entity_name": "Another entity"}), headers=key)

    assert (first.status_code, other.status_code) == (201, 201), other.text
    assert other.json()["certification_id"] != first.json()["certification_id"]
    assert other.json()["state"]["entity_name"] == "Another entity"
    assert other.json()["duplicate"] is False


async def test_the_same_request_after_its_key_expired_is_still_applied_once(
    journey: Journey, engine: AsyncEngine
) -> None:
    await journey.on(EPOCH)
    key = {"Idempotency-Key": f"apply-{uuid.uuid4()}"}
    application = journey.apply_command()
    first = await journey.post(application, headers=key)
    journey.certification_id = first.json()["certification_id"]
    await journey.send(cmd.AcceptApplication(actor=SECRETARIAT))
    await _age(engine, key["Idempotency-Key"])

    again = await journey.post(application, headers=key)

    assert again.status_code == 201, again.text
    assert again.json()["certification_id"] == first.json()["certification_id"]
    assert again.json()["events"] == first.json()["events"]
    assert [e.type for e in await journey.stored()].count("ApplicationSubmitted") == 1
