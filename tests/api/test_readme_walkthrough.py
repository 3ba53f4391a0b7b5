"""The README's curl walkthrough, run as written against a real server (the API with real
workflows on the time-skipping server): what the README promises, a fresh clone does."""

import asyncio
import os
import re
import shutil
from pathlib import Path

import httpx
import pytest

from tests.people import People
from tests.scenario import AUDITOR, MEMBER, SECRETARIAT

README = Path(__file__).resolve().parents[2] / "README.md"


def walkthrough() -> str:
    found = re.search(
        r"<!-- walkthrough:start -->\n```sh\n(.*?)```\n<!-- walkthrough:end -->", README.read_text(), re.S
    )
    assert found, "README.md lost its walkthrough block"
    return found.group(1)


@pytest.mark.skipif(shutil.which("curl") is None, reason="the walkthrough uses curl")
async def test_the_readme_walkthrough_takes_an_application_to_a_full_certificate(
    service: httpx.AsyncClient, people: People
) -> None:
    env = {
        **os.environ,
        "API": str(service.base_url.join("/api/v1")),
        "FIRM": AUDITOR.organisation_id,
        "LEAD": AUDITOR.user_id,
        "MEMBER_TOKEN": people.tokens[MEMBER.user_id],
        "SECRETARIAT_TOKEN": people.tokens[SECRETARIAT.user_id],
        "AUDITOR_TOKEN": people.tokens[AUDITOR.user_id],
    }
    process = await asyncio.create_subprocess_exec(
        "bash",
        "-euo",
        "pipefail",
        "-c",
        walkthrough(),
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), timeout=60)

    assert process.returncode == 0, err.decode() + out.decode()
    refused, certificate = out.decode().strip().splitlines()
    assert refused == '{"detail":"a member may not accept an audit report (only: secretariat)","rule":"access.role"}'
    assert "'kind': 'full'" in certificate and "'status': 'active'" in certificate
