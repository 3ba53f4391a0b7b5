"""The Temporal client, always with the pydantic data converter (workers and replayers too);
connecting with backoff while the server is not up yet (the client reconnects by itself once
connected); and what the task queue's pollers say about the workers."""

import asyncio
from datetime import UTC, datetime, timedelta

from temporalio.api.enums.v1 import TaskQueueType
from temporalio.api.taskqueue.v1 import TaskQueue
from temporalio.api.workflowservice.v1 import DescribeTaskQueueRequest, GetSystemInfoRequest
from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter

from api.models.operations import Pollers
from certflow.settings import Settings
from health.backoff import Backoff
from health.state_log import StateLog
from workflows.client import CertificationClient
from workflows.tally import CommandTally

CONNECT_TIMEOUT_SECONDS = 10.0
RPC_TIMEOUT = timedelta(seconds=2)
POLLER_FRESH = timedelta(seconds=75)
"""A live worker renews its long polls (about a minute each) before this; the server lists a
gone worker's pollers for minutes, with the time each last polled."""


async def connect(settings: Settings) -> Client:
    return await Client.connect(
        settings.temporal_address,
        namespace=settings.temporal_namespace,
        data_converter=pydantic_data_converter,
    )


async def connect_when_up(settings: Settings, stop: asyncio.Event, state: StateLog) -> Client | None:
    """Connects, retrying with backoff until Temporal answers (or `stop`: then None). Logs
    "unreachable" once, however many attempts fail, and "connected" once."""
    backoff = Backoff(initial=0.2, maximum=5.0)
    while not stop.is_set():
        try:
            async with asyncio.timeout(CONNECT_TIMEOUT_SECONDS):
                client = await connect(settings)
        except (RuntimeError, TimeoutError, OSError) as error:
            state.enter("Temporal unreachable", healthy=False, address=settings.temporal_address, error=str(error))
            if not await backoff.wait(stop):
                return None
        else:
            state.enter("connected to Temporal", address=settings.temporal_address)
            return client
    return None


async def ping(client: Client) -> bool:
    await client.workflow_service.get_system_info(GetSystemInfoRequest(), timeout=RPC_TIMEOUT)
    return True


async def pollers(client: Client, task_queue: str) -> Pollers:
    """How many workers polled the task queue lately, for workflow tasks and activity tasks."""
    fresh_since = datetime.now(UTC) - POLLER_FRESH
    counts = []
    for kind in (TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW, TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY):
        request = DescribeTaskQueueRequest(
            namespace=client.namespace, task_queue=TaskQueue(name=task_queue), task_queue_type=kind
        )
        described = await client.workflow_service.describe_task_queue(request, timeout=RPC_TIMEOUT)
        counts.append(sum(1 for p in described.pollers if p.last_access_time.ToDatetime(UTC) >= fresh_since))
    return Pollers(task_queue=task_queue, workflow=counts[0], activity=counts[1])


def certification_client(client: Client, settings: Settings, tally: CommandTally | None = None) -> CertificationClient:
    """Sends commands with the configured task queue, append mode and history bound."""
    return CertificationClient(
        client,
        settings.task_queue,
        append_as_local_activity=settings.append_as_local_activity,
        max_history_length=settings.max_history_length,
        tally=tally,
        command_timeout=timedelta(seconds=settings.command_timeout_seconds),
    )
