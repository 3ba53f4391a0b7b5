"""Determinism: every run of every scenario replays against the current workflow code, with
the worker's own data converter and sandbox; so do the histories recorded under
tests/histories by earlier versions. Set CERTFLOW_RECORD_HISTORIES=1 to (re)record them."""

import asyncio
import os
from datetime import date
from pathlib import Path

import pytest
from temporalio.client import WorkflowHistory
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.worker import Replayer

from domain import commands as cmd
from domain.audits import AuditType
from tests.scenario import EPOCH, SECRETARIAT, Lifecycle, findings
from worker import WORKFLOW_RUNNER
from workflows.certification import CertificationWorkflow

RECORDED = Path(__file__).parent.parent / "histories"

REPLAYER = Replayer(
    workflows=[CertificationWorkflow], data_converter=pydantic_data_converter, workflow_runner=WORKFLOW_RUNNER
)


async def full_lifecycle(lifecycle: Lifecycle) -> None:
    """Provisional, full, surveilled, renewed: three runs, every kind of step."""
    await lifecycle.admit()
    await lifecycle.audit(AuditType.CERTIFICATION, EPOCH, findings(majors=1, minors=1))
    await lifecycle.on(date(2040, 1, 20))
    await lifecycle.close_majors()
    await lifecycle.audit(AuditType.CERTIFICATION, date(2040, 6, 1))
    await lifecycle.send(
        cmd.ExtendDeadline(
            actor=SECRETARIAT, deadline_id="surveillance:2.1", new_due=date(2042, 5, 1), reason="flooding"
        )
    )
    await lifecycle.audit(AuditType.SURVEILLANCE, date(2041, 12, 1))
    await lifecycle.on(date(2043, 3, 1))
    await lifecycle.audit(AuditType.RECERTIFICATION, date(2043, 4, 1))


async def suspended_then_withdrawn(lifecycle: Lifecycle) -> None:
    await lifecycle.admit()
    await lifecycle.audit(AuditType.CERTIFICATION, EPOCH)
    await lifecycle.send(cmd.Suspend(actor=SECRETARIAT, reason="complaint"))
    await lifecycle.on(date(2041, 1, 1))


async def iso_deferred_then_granted(lifecycle: Lifecycle) -> None:
    await lifecycle.admit(standard="ISO-14001")
    await lifecycle.audit(AuditType.CERTIFICATION, EPOCH, findings(majors=2))
    await lifecycle.on(date(2040, 4, 1))
    await lifecycle.close_majors()
    await lifecycle.on(date(2040, 9, 1))


@pytest.mark.parametrize("scenario", [full_lifecycle, suspended_then_withdrawn, iso_deferred_then_granted])
async def test_every_run_of_the_scenario_replays_without_nondeterminism(lifecycle: Lifecycle, scenario) -> None:
    await scenario(lifecycle)
    histories = await lifecycle.histories()
    for history in histories:
        await REPLAYER.replay_workflow(history)
    if os.environ.get("CERTFLOW_RECORD_HISTORIES") == "1":
        for run, history in enumerate(histories, start=1):
            (RECORDED / f"{scenario.__name__}-run{run}.json").write_text(history.to_json())


def recorded() -> list[Path]:
    return sorted(RECORDED.glob("*.json"))


def test_histories_are_recorded() -> None:
    assert len(recorded()) >= 5, "record them: CERTFLOW_RECORD_HISTORIES=1 pytest tests/integration/test_replay.py"


@pytest.mark.parametrize("path", recorded(), ids=lambda p: p.stem)
async def test_a_recorded_history_replays_on_the_current_code(path: Path) -> None:
    history = WorkflowHistory.from_json(path.stem, await asyncio.to_thread(path.read_text))
    result = await REPLAYER.replay_workflow(history, raise_on_replay_failure=False)
    assert result.replay_failure is None, result.replay_failure
