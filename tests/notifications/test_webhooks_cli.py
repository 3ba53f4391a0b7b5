"""`certflow webhooks add/rotate/list`: the secret printed once and never listed; a URL that
is not https refused naming `url` (exit code 2), nothing stored."""

import asyncio

from click.testing import Result
from typer.testing import CliRunner

from certflow.cli import app
from tests.notifications.conftest import Notices


async def certflow(database_url: str, *args: str) -> Result:
    # In a thread: the command runs its own event loop.
    runner = CliRunner(env={"DATABASE_URL": database_url, "CERTFLOW_LOG_FORMAT": "json"})
    return await asyncio.to_thread(runner.invoke, app, list(args))


async def test_an_endpoint_added_rotated_and_listed_from_the_command_line(notices: Notices, notices_url: str) -> None:
    member = await notices.member()

    refused = await certflow(notices_url, "webhooks", "add", member.organisation_id, "http://hooks.example.org/x")
    assert refused.exit_code == 2 and "url:" in refused.output
    assert (await certflow(notices_url, "webhooks", "list", member.organisation_id)).output == ""

    added = await certflow(notices_url, "webhooks", "add", member.organisation_id, "https://hooks.example.org/x")
    assert added.exit_code == 0, added.output
    endpoint_id = added.output.split("endpoint id:")[1].split()[0]
    secret = added.output.split("secret:")[1].split()[0]
    assert secret.startswith("whsec_")
    rotated = await certflow(notices_url, "webhooks", "rotate", endpoint_id)
    assert rotated.exit_code == 0 and secret not in rotated.output and "whsec_" in rotated.output
    listed = await certflow(notices_url, "webhooks", "list", member.organisation_id)
    assert listed.output.split() == [endpoint_id, member.organisation_id, "https://hooks.example.org/x", "active"]
    unknown = await certflow(notices_url, "webhooks", "add", "no-such-org", "https://hooks.example.org/x")
    assert unknown.exit_code == 2 and "organisation:" in unknown.output
