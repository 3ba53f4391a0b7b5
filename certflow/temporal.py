"""The Temporal client, always with the pydantic data converter (workers and replayers too)."""

from datetime import timedelta

from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter

from certflow.settings import Settings
from workflows.client import CertificationClient
from workflows.tally import CommandTally


async def connect(settings: Settings) -> Client:
    return await Client.connect(
        settings.temporal_address,
        namespace=settings.temporal_namespace,
        data_converter=pydantic_data_converter,
    )


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
