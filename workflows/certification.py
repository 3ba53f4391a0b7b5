"""CertificationWorkflow: a certification's whole life as one durable workflow.

Commands arrive as the `execute` Update, whose validator runs `decide`, so a refused command
never enters history. Accepted events are appended by an activity with deterministic ids and
then evolved into state. Every deadline is a durable timer; a missed one is recorded and its
policy consequence applied. The run continues as new at each new certificate cycle and when
its history grows past a bound.
"""

import asyncio
import contextlib
from collections.abc import Callable
from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError, ApplicationError

with workflow.unsafe.imports_passed_through():
    import structlog

    from activities.messages import AppendEventsInput, AppendEventsOutput, Notification, StreamEvent
    from domain import commands as cmd
    from domain.actors import SYSTEM, Role
    from domain.deadlines import Deadline
    from domain.decide import decide
    from domain.errors import DomainError, NotPermitted
    from domain.events import DeadlineMissed, Event
    from domain.evolve import evolve
    from domain.lifecycle_notices import lifecycle_notices
    from domain.notices import Notice
    from domain.policy import Policy, policy_by_id
    from domain.reminders import escalation_notice, passed_on_arrival, reminder_notice
    from domain.state import CertificationState
    from workflows import legacy_reminders
    from workflows.alarms import DueAlarms, Schedule, due_alarms, next_alarm, reminders_to_carry_over
    from workflows.messages import CertificationParams, CommandOutcome, CommandRequest

_log = structlog.get_logger("certflow.workflow")

REMEMBERED_COMMANDS = 1_000
"""How many applied command ids a certification remembers across runs."""

CATCH_UP_ROUNDS = 3
"""Appends refused because the stream was ahead, caught up on, before the command fails: one
is all a lost workflow task can leave (appends here are one at a time, under the lock)."""

NOTICES_TO_PEOPLE = "notices-to-people"
"""The patch under which a run gives notices to people: per-kind reminder schedules, offsets
passed on arrival skipped, lifecycle notices, `record_notice`. Runs recorded before it replay
the old way (workflows/legacy_reminders.py) until their next run."""

OVERDUE_UNTIL_MET = "overdue-until-met"
"""The patch under which a missed deadline that the policy only escalates stays owed
(DeadlineMissed.outstanding) until met. Runs recorded before it decided such misses as closed,
and replay must decide them so again."""

_ACTIVITY_RETRY = RetryPolicy(
    initial_interval=timedelta(milliseconds=200),
    maximum_interval=timedelta(seconds=10),
)
"""What append_events refuses for good it raises as non-retryable (activities/events.py)."""


def refusal(error: DomainError) -> ApplicationError:
    """How a domain refusal crosses Temporal: its kind as the error type, its rule as the
    details (what workflows/client.py reads)."""
    return ApplicationError(error.message, {"rule": error.rule}, type=error.kind, non_retryable=True)


def _update_id() -> str:
    update = workflow.current_update_info()
    assert update is not None, "only called from the update's handler or validator"
    return update.id


@workflow.defn(name="Certification")
class CertificationWorkflow:
    @workflow.init
    def __init__(self, params: CertificationParams) -> None:
        self._params = params
        self._state = params.state or CertificationState(certification_id=params.certification_id)
        self._cycle_at_start = self._cycle()
        self._reminders_sent = set(params.reminders_sent)
        self._applied = list(params.applied_commands)
        self._lock = asyncio.Lock()
        self._changed = False
        self._outbox: list[Notice] = list(params.pending_notices)
        """Lifecycle notices the commands gave, for the main loop to record (not the update:
        a command's answer does not wait for them); carried over by continue-as-new."""
        self._notices_to_people: bool | None = None

    @workflow.run
    async def run(self, params: CertificationParams) -> CertificationState:
        if self._to_people() and params.state and params.state.policy_id and not params.notices_to_people:
            # Continued from a run on the old schedule: the new one's offsets already passed
            # are as if set now (that run sent what its own schedule had due).
            deadlines = params.state.deadlines.values()
            self._reminders_sent.update(passed_on_arrival(self._policy(), deadlines, workflow.now()))
        while True:
            await self._handle_due_alarms()
            if self._should_continue_as_new():
                break  # the next run records the notices still to record (_carry_over)
            await self._record_outbox()
            if self._state.is_terminal:
                break
            await self._sleep_until_next_alarm()
        await workflow.wait_condition(workflow.all_handlers_finished)
        if self._state.is_terminal:
            await self._record_outbox()
            self._log("certification ended", phase=self._state.phase)
            return self._state
        self._log("continuing as new", history_length=workflow.info().get_current_history_length())
        workflow.continue_as_new(self._carry_over())

    @workflow.query
    def state(self) -> CertificationState:
        return self._state

    @workflow.update
    async def execute(self, request: CommandRequest) -> CommandOutcome:
        command_id = _update_id()
        async with self._lock:
            if command_id in self._applied:
                return CommandOutcome(version=self._state.version, events=[], state=self._state, duplicate=True)
            try:
                # Decided again in there: state may have moved since the validator ran.
                events = await self._record(lambda: self._decide(request.command), command_id=command_id)
            except ActivityError as error:
                # The log refused the append: fail this command, not the workflow.
                raise ApplicationError(f"events not recorded: {error.cause}", type="AppendRefused") from None
            self._remember(command_id)
            self._give_lifecycle_notices(events)
        return CommandOutcome(version=self._state.version, events=events, state=self._state)

    @execute.validator
    def _validate(self, request: CommandRequest) -> None:
        if _update_id() not in self._applied:
            self._decide(request.command)

    def _decide(self, command: cmd.Command) -> list[Event]:
        if command.actor.role == Role.SYSTEM:
            raise refusal(NotPermitted("access.system-only", "system commands come from the workflow itself"))
        try:
            return decide(self._state, command, workflow.now())
        except DomainError as error:
            raise refusal(error) from None

    async def _record(self, decide_events: Callable[[], list[Event]], command_id: str) -> list[Event]:
        """Appends what `decide_events` gives and evolves from what the log then holds.

        A workflow never falls behind its own stream: an append commits before the workflow
        task that asked for it, and when that task is lost (a crash, a payload Temporal
        refuses) the retried append finds its own events (same ids) and returns them, or finds
        the stream ahead and returns what is there to catch up on before deciding again."""
        for _ in range(CATCH_UP_ROUNDS):
            events = decide_events()
            result = await self._append(events, command_id)
            if not result.ahead:
                recorded = result.stored or events
                self._evolve(recorded)
                assert self._state.version == result.version, (self._state.version, result.version)
                self._log("command recorded", command_id=command_id, types=[e.type for e in recorded])
                return recorded
            self._catch_up(result.ahead)
            mine = [e.event for e in result.ahead if e.command_id == command_id]
            if mine:
                return mine
        raise ApplicationError(f"the stream kept moving ahead of {command_id}", type="AppendRefused")

    async def _append(self, events: list[Event], command_id: str) -> AppendEventsOutput:
        request = AppendEventsInput(
            stream_id=self._state.certification_id,
            expected_version=self._state.version,
            command_id=command_id,
            events=events,
        )
        execute = (
            workflow.execute_local_activity if self._params.append_as_local_activity else workflow.execute_activity
        )
        result: AppendEventsOutput = await execute(
            "append_events",
            request,
            result_type=AppendEventsOutput,
            start_to_close_timeout=timedelta(seconds=10),
            retry_policy=_ACTIVITY_RETRY,
        )
        return result

    def _evolve(self, events: list[Event]) -> None:
        before = {d.occurrence for d in self._state.deadlines.values()}
        for event in events:
            self._state = evolve(self._state, event)
        self._changed = True
        arrived = [d for d in self._state.deadlines.values() if d.occurrence not in before]
        if arrived and self._to_people():
            self._reminders_sent.update(passed_on_arrival(self._policy(), arrived, workflow.now()))

    def _to_people(self) -> bool:
        """Whether this run gives notices to people (see NOTICES_TO_PEOPLE); asked once."""
        if self._notices_to_people is None:
            self._notices_to_people = workflow.patched(NOTICES_TO_PEOPLE)
        return self._notices_to_people

    def _policy(self) -> Policy:
        return policy_by_id(self._state.policy_id)

    def _give_lifecycle_notices(self, recorded: list[Event]) -> None:
        if self._to_people() and recorded:
            self._outbox += lifecycle_notices(self._state, recorded, workflow.now())
            self._changed = True

    def _catch_up(self, ahead: list[StreamEvent]) -> None:
        """Evolves from events a lost workflow task appended; their commands count as applied,
        so a client repeating one gets it as a duplicate, not applied twice."""
        expected = list(range(self._state.version + 1, self._state.version + len(ahead) + 1))
        if [e.version for e in ahead] != expected:
            raise ApplicationError(f"the stream has a gap after version {self._state.version}", type="StreamGap")
        self._evolve([e.event for e in ahead])
        self._give_lifecycle_notices([e.event for e in ahead])
        for command_id in dict.fromkeys(e.command_id for e in ahead if e.command_id):
            self._remember(command_id)
        self._log("caught up with the stream", versions=expected)

    def _remember(self, command_id: str) -> None:
        if command_id not in self._applied:
            self._applied = [*self._applied, command_id][-REMEMBERED_COMMANDS:]

    async def _handle_due_alarms(self) -> None:
        """Records missed deadlines one at a time (a consequence can close others), then
        sends the reminders that are due for what is still open."""
        if self._state.policy_id is None:
            return
        async with self._lock:
            while not self._state.is_terminal:
                due = due_alarms(self._state, self._schedule(), self._reminders_sent, workflow.now())
                if not due.missed:
                    await self._send_reminders(due)
                    return
                await self._record_missed(due.missed[0])

    async def _send_reminders(self, due: DueAlarms) -> None:
        for reminder in due.reminders:
            if self._to_people():
                await self._record_notice(reminder_notice(self._state, reminder, workflow.now()))
            else:
                await self._notify(legacy_reminders.reminder_notice(self._state, reminder))
            self._reminders_sent.add(reminder.key)
        self._reminders_sent.update(due.superseded)

    def _schedule(self) -> Schedule:
        if self._state.policy_id is None:
            return lambda _kind: ()
        policy = self._policy()
        if self._to_people():
            return policy.reminder_days
        return lambda _kind: policy.reminder_days_before

    async def _record_missed(self, deadline: Deadline) -> None:
        before = self._state
        command = cmd.RecordMissedDeadline(actor=SYSTEM, deadline_id=deadline.deadline_id)
        try:
            events = await self._record(
                lambda: self._decide_missed(command), command_id=f"missed:{deadline.occurrence}"
            )
        except DomainError:
            return  # caught up with the stream: the deadline was met, extended or missed there
        if self._to_people():
            consequence = self._policy().consequence_of(deadline.kind)
            await self._record_notice(escalation_notice(before, deadline, consequence, workflow.now()))
            return
        consequences = ", ".join(e.type for e in events[1:]) or "escalated to the Secretariat"
        await self._notify(legacy_reminders.escalation_notice(before, deadline, consequences))

    def _decide_missed(self, command: cmd.RecordMissedDeadline) -> list[Event]:
        events = decide(self._state, command, workflow.now())
        if workflow.patched(OVERDUE_UNTIL_MET):
            return events
        return [e.model_copy(update={"outstanding": False}) if isinstance(e, DeadlineMissed) else e for e in events]

    async def _record_outbox(self) -> None:
        while self._outbox:
            await self._record_notice(self._outbox[0])
            self._outbox.pop(0)

    async def _record_notice(self, notice: Notice) -> None:
        await workflow.execute_activity(
            "record_notice",
            notice,
            result_type=bool,
            start_to_close_timeout=timedelta(seconds=30),
            retry_policy=RetryPolicy(maximum_interval=timedelta(minutes=5)),
        )

    async def _notify(self, notification: Notification) -> None:
        await workflow.execute_activity(
            "deliver_notification",
            notification,
            result_type=bool,
            start_to_close_timeout=timedelta(seconds=30),
            retry_policy=RetryPolicy(maximum_interval=timedelta(minutes=5)),
        )

    async def _sleep_until_next_alarm(self) -> None:
        self._changed = False
        wake_at = next_alarm(self._state, self._schedule(), self._reminders_sent)
        timeout = None if wake_at is None else max(wake_at - workflow.now(), timedelta(seconds=1))
        with contextlib.suppress(TimeoutError):  # the alarm's time has come
            await workflow.wait_condition(
                lambda: self._changed or bool(self._outbox) or self._should_continue_as_new(), timeout=timeout
            )

    def _cycle(self) -> int:
        return self._state.certificate.cycle if self._state.certificate else 0

    def _should_continue_as_new(self) -> bool:
        info = workflow.info()
        return (
            self._cycle() != self._cycle_at_start
            or info.is_continue_as_new_suggested()
            or info.get_current_history_length() > self._params.max_history_length
        )

    def _carry_over(self) -> CertificationParams:
        sent = reminders_to_carry_over(self._state, self._reminders_sent)
        carried = {
            "state": self._state,
            "reminders_sent": sent,
            "applied_commands": self._applied,
            "notices_to_people": self._to_people(),
            "pending_notices": self._outbox,
        }
        return self._params.model_copy(update=carried)

    def _log(self, message: str, **fields: object) -> None:
        if workflow.unsafe.is_replaying():
            return
        info = workflow.info()
        _log.info(
            message,
            certification_id=self._state.certification_id,
            workflow_id=info.workflow_id,
            run_id=info.run_id,
            version=self._state.version,
            **fields,
        )
