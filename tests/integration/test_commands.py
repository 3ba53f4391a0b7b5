"""Commands through the workflow: refusals, idempotency, conflicts and crashes."""

import asyncio
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine
from temporalio import activity
from temporalio.client import Client
from temporalio.exceptions import ApplicationError
from temporalio.testing import ActivityEnvironment, WorkflowEnvironment
from temporalio.worker import Worker

from activities.events import EventActivities
from activities.messages import AppendEventsInput, AppendEventsOutput
from activities.notifications import NotificationActivities
from domain import commands as cmd
from domain import events as ev
from domain.actors import SYSTEM
from domain.audits import AuditType
from domain.decide import decide
from domain.records import to_record
from eventstore import EventStore, NewEvent
from tests.scenario import EPOCH, FIRM, MEMBER, SECRETARIAT, SMELTER, Lifecycle, findings
from worker import WORKFLOW_RUNNER
from workflows.certification import CertificationWorkflow
from workflows.client import CertificationClient, CommandRefused
from workflows.tally import CommandTally


async def accepted_update_ids(lifecycle: Lifecycle) -> list[str]:
    handle = lifecycle.env.client.get_workflow_handle(lifecycle.certification_id)
    history = await handle.fetch_history()
    return [
        e.workflow_execution_update_accepted_event_attributes.accepted_request.meta.update_id
        for e in history.events
        if e.HasField("workflow_execution_update_accepted_event_attributes")
    ]


async def test_a_refused_command_names_its_rule_appends_nothing_and_never_enters_history(
    lifecycle: Lifecycle,
) -> None:
    await lifecycle.admit(facilities=(SMELTER,))
    version = (await lifecycle.state()).version
    too_soon = lifecycle.plan_command(AuditType.CERTIFICATION, date(2040, 2, 1))
    with pytest.raises(CommandRefused) as refused:
        await lifecycle.send(too_soon, command_id="plan-too-soon")
    assert (refused.value.kind, refused.value.rule) == ("RuleViolation", "audit-plan.lead-time")
    assert "earliest start 2040-02-13" in refused.value.message
    assert (await lifecycle.state()).version == version
    assert len(await lifecycle.stored()) == version
    assert "plan-too-soon" not in await accepted_update_ids(lifecycle)


async def test_a_command_outside_the_role_is_not_permitted(lifecycle: Lifecycle) -> None:
    await lifecycle.on(EPOCH)
    await lifecycle.apply()
    with pytest.raises(CommandRefused) as refused:
        await lifecycle.send(cmd.AcceptApplication(actor=MEMBER))
    assert (refused.value.kind, refused.value.rule) == ("NotPermitted", "access.role")


async def test_system_commands_cannot_be_sent_from_outside(lifecycle: Lifecycle) -> None:
    await lifecycle.on(EPOCH)
    await lifecycle.apply()
    with pytest.raises(CommandRefused) as refused:
        await lifecycle.send(cmd.RecordMissedDeadline(actor=SYSTEM, deadline_id="expiry:1"))
    assert refused.value.rule == "access.system-only"


async def test_the_same_command_id_is_applied_once(lifecycle: Lifecycle) -> None:
    await lifecycle.on(EPOCH)
    await lifecycle.apply()
    first = await lifecycle.send(cmd.AcceptApplication(actor=SECRETARIAT), command_id="accept-1")
    again = await lifecycle.send(cmd.AcceptApplication(actor=SECRETARIAT), command_id="accept-1")
    assert [e.type for e in first] == [e.type for e in again] == ["ApplicationAccepted"]
    assert await lifecycle.stored_types() == ["ApplicationSubmitted", "ApplicationAccepted"]


async def test_of_two_conflicting_decisions_at_once_one_wins(lifecycle: Lifecycle) -> None:
    await lifecycle.admit()
    audit_id = await lifecycle.report(AuditType.CERTIFICATION, EPOCH)
    outcomes = await asyncio.gather(
        lifecycle.send(cmd.AcceptReport(actor=SECRETARIAT, audit_id=audit_id)),
        lifecycle.send(cmd.ReturnReport(actor=SECRETARIAT, audit_id=audit_id, reason="evidence missing")),
        return_exceptions=True,
    )
    refusals = [o for o in outcomes if isinstance(o, CommandRefused)]
    assert len(refusals) == 1, outcomes
    assert refusals[0].rule == "audit.order"
    stored = await lifecycle.stored_types()
    assert ("ReportAccepted" in stored) != ("ReportReturned" in stored)


def worker_appending_with(append: Callable[..., Any], client: Client, engine: AsyncEngine, task_queue: str) -> Worker:
    """The certification worker with a stand-in for `append_events`, registered under its name."""
    return Worker(
        client,
        task_queue=task_queue,
        workflows=[CertificationWorkflow],
        activities=[append, NotificationActivities(engine).deliver],
        workflow_runner=WORKFLOW_RUNNER,
    )


class CrashAfterCommit:
    """The real append, but the first attempt of each command dies after its commit,
    as a worker would that crashed before reporting back."""

    def __init__(self, store: EventStore) -> None:
        self._real = EventActivities(store)
        self.crashed: set[str] = set()

    @activity.defn(name="append_events")
    async def append_events(self, request: AppendEventsInput) -> AppendEventsOutput:
        result = await self._real.append_events(request)
        if request.command_id not in self.crashed:
            self.crashed.add(request.command_id)
            raise RuntimeError("worker died after the commit")
        assert result.duplicate, "the retry found the first attempt's events"
        return result


async def test_a_retried_append_after_a_crash_stores_nothing_twice(
    env: WorkflowEnvironment, engine: AsyncEngine, store: EventStore
) -> None:
    faulty = CrashAfterCommit(store)
    task_queue = f"crash-{uuid.uuid4()}"
    async with worker_appending_with(faulty.append_events, env.client, engine, task_queue):
        lifecycle = Lifecycle(env, CertificationClient(env.client, task_queue), store)
        await lifecycle.admit()
        await lifecycle.audit(AuditType.CERTIFICATION, EPOCH)
        assert len(faulty.crashed) == 9, "every command's first append died after committing"
        records = await store.read_stream(lifecycle.certification_id)
        version = (await lifecycle.state()).version
        assert version == 15
        assert [r.version for r in records] == list(range(1, version + 1))
        assert [r.event_type for r in records].count("CertificateGranted") == 1


async def test_the_client_counts_the_commands_it_sends_by_type_and_outcome(
    env: WorkflowEnvironment, worker: Worker, store: EventStore
) -> None:
    tally = CommandTally()
    lifecycle = Lifecycle(env, CertificationClient(env.client, worker.task_queue, tally=tally), store)
    await lifecycle.on(EPOCH)
    await lifecycle.apply()
    with pytest.raises(CommandRefused):
        await lifecycle.send(cmd.AcceptApplication(actor=MEMBER))
    await lifecycle.send(cmd.AcceptApplication(actor=SECRETARIAT))
    assert tally.accepted == {"apply": 1, "accept-application": 1}
    assert tally.refused == {("accept-application", "NotPermitted", "access.role"): 1}


async def test_a_command_to_an_ended_or_unknown_certification_is_refused_naming_why(lifecycle: Lifecycle) -> None:
    await lifecycle.admit()
    await lifecycle.audit(AuditType.CERTIFICATION, EPOCH, findings(majors=4))
    await lifecycle.env.client.get_workflow_handle(lifecycle.certification_id).result()
    with pytest.raises(CommandRefused) as ended:
        await lifecycle.send(cmd.SubmitSelfAssessment(actor=MEMBER, summary="too late"))
    assert (ended.value.rule, ended.value.message) == (
        "lifecycle.ended",
        f"certification {lifecycle.certification_id} has ended (completed)",
    )
    with pytest.raises(CommandRefused) as unknown:
        await lifecycle.client.send("cert-never-applied", cmd.SubmitSelfAssessment(actor=MEMBER, summary="x"))
    assert (unknown.value.rule, unknown.value.message) == (
        "certification.exists",
        "no certification cert-never-applied",
    )


async def test_an_event_postgresql_cannot_store_fails_its_append_for_good(store: EventStore) -> None:
    """Were an unstorable event ever decided (commands refuse NUL text), retrying its append
    could never succeed: the activity says so, rather than the command hanging on retries."""
    unstorable = ev.SelfAssessmentSubmitted(actor=MEMBER, occurred_at=datetime.now(UTC), summary="all\x00assessed")
    request = AppendEventsInput(
        stream_id=f"cert-{uuid.uuid4().hex[:8]}", expected_version=0, command_id="c1", events=[unstorable]
    )
    with pytest.raises(ApplicationError) as refused:
        await ActivityEnvironment().run(EventActivities(store).append_events, request)
    assert (refused.value.type, refused.value.non_retryable) == ("UnstorableEvent", True)


class LoseTheTaskAfterCommit:
    """`append_events` that commits, then answers the first time with more than a workflow
    task may carry: Temporal's SDK refuses the task after the events are in the log, as it did
    for a 3 MiB command before commands were bounded."""

    def __init__(self, store: EventStore, doomed: str) -> None:
        self._real = EventActivities(store)
        self._doomed = doomed
        self.lost = 0

    @activity.defn(name="append_events")
    async def append_events(self, request: AppendEventsInput) -> dict[str, object]:
        result = (await self._real.append_events(request)).model_dump(mode="json")
        if request.command_id == self._doomed and not self.lost:
            self.lost += 1
            return {**result, "padding": "x" * (3 * 1024 * 1024)}
        return result


@pytest.mark.devserver
async def test_a_workflow_task_lost_after_its_append_committed_heals_from_the_log(
    dev_server: WorkflowEnvironment, engine: AsyncEngine, store: EventStore
) -> None:
    """On the dev server, where the clock runs while the task is retried: evolving its own
    events decided again, the workflow would hold other times than the log."""
    faulty = LoseTheTaskAfterCommit(store, doomed="self-assessment")
    task_queue = f"lost-task-{uuid.uuid4()}"
    async with worker_appending_with(faulty.append_events, dev_server.client, engine, task_queue):
        lifecycle = Lifecycle(dev_server, CertificationClient(dev_server.client, task_queue), store)
        await lifecycle.apply()
        await lifecycle.send(cmd.AcceptApplication(actor=SECRETARIAT))
        assessed = cmd.SubmitSelfAssessment(actor=MEMBER, summary="all criteria assessed")
        first = await lifecycle.client.send(lifecycle.certification_id, assessed, command_id="self-assessment")
        await lifecycle.send(cmd.SubmitSelfAssessment(actor=MEMBER, summary="revised"))

        assert faulty.lost == 1, "the first task was lost after the commit"
        assert [e.type for e in first.events] == ["SelfAssessmentSubmitted"]
        stored = await lifecycle.stored()
        assert [e.type for e in stored] == [
            "ApplicationSubmitted",
            "ApplicationAccepted",
            "SelfAssessmentSubmitted",
            "SelfAssessmentSubmitted",
        ]
        assert first.events == stored[2:3], "the workflow evolved from the log's copy, not a second decision"
        assert (await lifecycle.state()).version == len(stored)


async def test_a_workflow_behind_its_stream_catches_up_and_takes_the_next_command(
    env: WorkflowEnvironment, worker: Worker, store: EventStore
) -> None:
    """Whatever lost the task that appended (a crash, a refused payload), the next command
    finds the stream ahead: the workflow evolves from what is there, then decides again."""
    lifecycle = Lifecycle(env, CertificationClient(env.client, worker.task_queue), store)
    await lifecycle.on(EPOCH)
    await lifecycle.apply()
    await lifecycle.send(cmd.AcceptApplication(actor=SECRETARIAT))
    assessed = cmd.SubmitSelfAssessment(actor=MEMBER, summary="assessed in a task that was lost")
    state = await lifecycle.state()
    lost = decide(state, assessed, await env.get_current_time())
    records = [to_record(lifecycle.certification_id, "lost-command", i, e) for i, e in enumerate(lost)]
    await store.append(
        lifecycle.certification_id,
        state.version,
        [NewEvent(r.event_id, r.event_type, r.data, r.metadata) for r in records],
    )

    engaged = await lifecycle.send(cmd.AssignAuditFirm(actor=MEMBER, firm=FIRM))
    repeated = await lifecycle.client.send(lifecycle.certification_id, assessed, command_id="lost-command")

    assert [e.type for e in engaged] == ["AuditFirmAssigned"]
    after = await lifecycle.state()
    assert after.self_assessment_submitted and after.audit_firm is not None
    assert after.version == len(await lifecycle.stored()) == 4
    assert repeated.duplicate, "the lost task's command counts as applied: repeating it applies nothing"
    assert len(await lifecycle.stored()) == 4
