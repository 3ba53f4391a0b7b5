"""Continue-as-new with updates in flight, on the real dev server: the time-skipping server
has failed such tests (sdk-python #826), so this path is covered here."""

import asyncio
import uuid

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine
from temporalio.testing import WorkflowEnvironment

from domain import commands as cmd
from eventstore import EventStore
from tests.scenario import MEMBER, SECRETARIAT, Lifecycle
from worker import build_worker
from workflows.client import CertificationClient

pytestmark = pytest.mark.devserver
WAVES = 10
"""Waves of 10 concurrent commands: enough history to continue as new several times."""


@pytest.mark.parametrize("local", [True, False], ids=["local-activity", "activity"])
async def test_continuing_past_the_history_bound_loses_no_update_in_flight(
    dev_server: WorkflowEnvironment, engine: AsyncEngine, store: EventStore, local: bool
) -> None:
    task_queue = f"can-{uuid.uuid4()}"
    async with build_worker(dev_server.client, engine, task_queue):
        client = CertificationClient(
            dev_server.client, task_queue, append_as_local_activity=local, max_history_length=100
        )
        lifecycle = Lifecycle(dev_server, client, store)
        await lifecycle.apply()
        await lifecycle.send(cmd.AcceptApplication(actor=SECRETARIAT))
        for wave in range(WAVES):
            await asyncio.gather(
                *(
                    lifecycle.send(
                        cmd.SubmitSelfAssessment(actor=MEMBER, summary=f"revision {wave}.{i}"),
                        command_id=f"revision-{wave}.{i}",
                    )
                    for i in range(10)
                )
            )
        state = await lifecycle.state()
        records = await store.read_stream(lifecycle.certification_id)
        assert state.version == len(records) == 2 + WAVES * 10
        summaries = sorted(r.data["summary"] for r in records if r.event_type == "SelfAssessmentSubmitted")
        assert summaries == sorted(f"revision {w}.{i}" for w in range(WAVES) for i in range(10))
        assert len(await lifecycle.histories()) >= 3, "the history bound made it continue as new"

        resent = await client.send(
            lifecycle.certification_id,
            cmd.SubmitSelfAssessment(actor=MEMBER, summary="revision 0.0"),
            command_id="revision-0.0",
        )
        assert (resent.duplicate, resent.events, resent.version) == (True, [], 2 + WAVES * 10)
        assert len(await store.read_stream(lifecycle.certification_id)) == 2 + WAVES * 10
