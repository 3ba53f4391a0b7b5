"""Sending commands to certification workflows: what the API, the CLI and tests use."""

import asyncio
import contextlib
from collections.abc import Awaitable
from datetime import UTC, datetime, timedelta
from typing import TypeVar
from uuid import uuid4

from temporalio.client import Client, RPCTimeoutOrCancelledError, WorkflowUpdateFailedError
from temporalio.common import WorkflowIDReusePolicy
from temporalio.exceptions import ApplicationError, WorkflowAlreadyStartedError
from temporalio.service import RPCError, RPCStatusCode

from domain import commands as cmd
from domain.decide import decide
from domain.errors import DomainError
from domain.state import CertificationState
from workflows.certification import CertificationWorkflow
from workflows.messages import (
    APPEND_AS_LOCAL_ACTIVITY,
    MAX_HISTORY_LENGTH,
    CertificationParams,
    CommandOutcome,
    CommandRequest,
)
from workflows.tally import CommandTally

T = TypeVar("T")

COMMAND_TIMEOUT = timedelta(seconds=10)
"""How long a command waits for Temporal by default (the setting `command_timeout_seconds`)."""

_NO_ANSWER = (
    RPCStatusCode.UNAVAILABLE,
    RPCStatusCode.DEADLINE_EXCEEDED,
    RPCStatusCode.CANCELLED,
    RPCStatusCode.RESOURCE_EXHAUSTED,
    RPCStatusCode.ABORTED,
    RPCStatusCode.UNKNOWN,
)
"""RPC statuses that say Temporal did not answer (down, overloaded, too slow), not that it
refused: the command may or may not have been applied."""


class CommandUndelivered(Exception):
    """Temporal gave no answer in time: the command may or may not have been applied. Sent
    again with the same command id, it is applied at most once (the workflow dedupes ids)."""


class CommandRefused(Exception):
    """A domain rule (kind RuleViolation) or an access rule (kind NotPermitted) refused it."""

    def __init__(self, kind: str, rule: str, message: str) -> None:
        super().__init__(f"{rule}: {message}")
        self.kind = kind
        self.rule = rule
        self.message = message


QUERY_ATTEMPT = timedelta(seconds=2)
"""How long one query of a certification's state waits before it is asked again: a query that
reaches a run just as it continues as new is never answered (the worker's answer finds the run
closed), and asking again reaches the new run. The command timeout bounds all the attempts."""


class CertificationClient:
    def __init__(
        self,
        client: Client,
        task_queue: str,
        append_as_local_activity: bool = APPEND_AS_LOCAL_ACTIVITY,
        max_history_length: int = MAX_HISTORY_LENGTH,
        tally: CommandTally | None = None,
        command_timeout: timedelta = COMMAND_TIMEOUT,
    ) -> None:
        self._client = client
        self._timeout = command_timeout
        self._tally = tally or CommandTally()
        self._task_queue = task_queue
        self._local = append_as_local_activity
        self._max_history_length = max_history_length

    async def send(self, certification_id: str, command: cmd.Command, command_id: str | None = None) -> CommandOutcome:
        """Runs the command; the same command_id sent again is applied once."""
        try:
            outcome = await self._execute(certification_id, command, command_id)
        except CommandRefused as refused:
            self._tally.record_refused(command.type, refused.kind, refused.rule)
            raise
        self._tally.record_accepted(command.type)
        return outcome

    async def _answered(self, call: Awaitable[T]) -> T:
        """The call's result, or CommandUndelivered when Temporal does not answer within the
        command timeout. `rpc_timeout` bounds each RPC, but the SDK repeats the update RPC
        until the update is accepted and then polls for its outcome without one (a killed
        worker accepts nothing): only a deadline around the whole call bounds the wait."""
        try:
            async with asyncio.timeout(self._timeout.total_seconds()):
                return await call
        except (TimeoutError, RPCTimeoutOrCancelledError) as error:
            raise CommandUndelivered(f"Temporal did not answer within {self._timeout.total_seconds():g} s") from error
        except RPCError as error:
            if error.status in _NO_ANSWER:
                raise CommandUndelivered(f"Temporal did not answer ({error.status.name}: {error.message})") from error
            raise

    async def _execute(self, certification_id: str, command: cmd.Command, command_id: str | None) -> CommandOutcome:
        if isinstance(command, cmd.Apply):
            _check_application(certification_id, command)
            await self._answered(self._start(certification_id))
        handle = self._client.get_workflow_handle(certification_id)
        try:
            return await self._answered(
                handle.execute_update(
                    CertificationWorkflow.execute,
                    CommandRequest(command=command),
                    id=command_id or str(uuid4()),
                    rpc_timeout=self._timeout,
                )
            )
        except WorkflowUpdateFailedError as error:
            refused = _refused(error)
        except RPCError as error:
            if error.status not in (RPCStatusCode.NOT_FOUND, RPCStatusCode.FAILED_PRECONDITION):
                raise
            refused = await self._not_running(certification_id)
        raise refused from None

    async def _not_running(self, certification_id: str) -> CommandRefused:
        """Why a certification's workflow took no update: it ended, or it never existed."""
        try:
            description = await self._answered(self._client.get_workflow_handle(certification_id).describe())
        except RPCError:
            return CommandRefused("RuleViolation", "certification.exists", f"no certification {certification_id}")
        status = description.status.name.lower() if description.status else "closed"
        return CommandRefused(
            "RuleViolation", "lifecycle.ended", f"certification {certification_id} has ended ({status})"
        )

    async def state(self, certification_id: str) -> CertificationState:
        handle = self._client.get_workflow_handle(certification_id)

        async def asked_until_answered() -> CertificationState:
            while True:
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(QUERY_ATTEMPT.total_seconds()):
                        return await handle.query(CertificationWorkflow.state, rpc_timeout=self._timeout)

        return await self._answered(asked_until_answered())

    async def _start(self, certification_id: str) -> None:
        params = CertificationParams(
            certification_id=certification_id,
            append_as_local_activity=self._local,
            max_history_length=self._max_history_length,
        )
        # An application to a certification already begun: the update itself says whether this Apply is allowed.
        with contextlib.suppress(WorkflowAlreadyStartedError):
            await self._client.start_workflow(
                CertificationWorkflow.run,
                params,
                id=certification_id,
                task_queue=self._task_queue,
                # A certification id names one lifecycle, never a second one after it ends.
                id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
                rpc_timeout=self._timeout,
            )


def _check_application(certification_id: str, command: cmd.Apply) -> None:
    """The rules an application meets whatever the certification's state, checked before
    its workflow starts: a refused application must not leave a workflow waiting for one."""
    try:
        decide(CertificationState(certification_id=certification_id), command, datetime.now(UTC))
    except DomainError as error:
        raise CommandRefused(error.kind, error.rule, error.message) from None


def _refused(error: WorkflowUpdateFailedError) -> Exception:
    cause = error.cause
    if isinstance(cause, ApplicationError) and cause.type in ("RuleViolation", "NotPermitted"):
        details = cause.details[0] if cause.details else {}
        return CommandRefused(cause.type, details.get("rule", "unknown"), cause.message)
    return error
