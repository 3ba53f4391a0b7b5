"""`Journey`: a certification's life driven over real HTTP, each command sent by its actor
with that person's API token, through the API to the real workflow on the time-skipping
server. The same scenario steps as `Story` and `Lifecycle` (tests/scenario.py)."""

from typing import Any

import httpx
from temporalio.testing import WorkflowEnvironment

from domain import commands as cmd
from domain.actors import Actor
from domain.events import EVENT_ADAPTER, Event
from eventstore import EventStore
from tests.people import People
from tests.scenario import AUDITOR, Lifecycle
from workflows.client import CertificationClient


class CommandFailed(Exception):
    def __init__(self, response: httpx.Response) -> None:
        super().__init__(f"{response.status_code}: {response.text}")
        self.response = response


def http_call(command: cmd.Command, certification_id: str | None) -> tuple[str, dict[str, Any]]:
    """The path and JSON body that send this domain command."""
    if isinstance(command, cmd.Apply):
        body = command.model_dump(
            mode="json", include={"entity_name", "standard", "facilities", "external_certifications"}
        )
        return "/api/v1/certifications", body
    if isinstance(command, cmd.AssignAuditFirm):
        return f"/api/v1/certifications/{certification_id}/assign-audit-firm", {"firm_id": command.firm.firm_id}
    body = command.model_dump(mode="json", exclude={"actor", "type"})
    return f"/api/v1/certifications/{certification_id}/{command.type}", body


class Journey(Lifecycle):
    """Time passes as in `Lifecycle`; commands go over HTTP; the certification id is the
    one the API gave the application."""

    def __init__(
        self,
        env: WorkflowEnvironment,
        client: CertificationClient,
        store: EventStore,
        http: httpx.AsyncClient,
        people: People,
    ) -> None:
        super().__init__(env, client, store)
        self.http = http
        self.people = people
        self.responses: list[httpx.Response] = []

    async def post(self, command: cmd.Command, headers: dict[str, str] | None = None) -> httpx.Response:
        path, body = http_call(command, self.certification_id)
        response = await self.http.post(
            path, json=body, headers={**self.people.bearer(command.actor), **(headers or {})}
        )
        self.responses.append(response)
        return response

    async def upload(
        self, audit_id: str, kind: str, content: bytes, actor: Actor = AUDITOR, filename: str = "report.pdf"
    ) -> httpx.Response:
        """Uploads a document to the audit as `actor`, as a browser's form would."""
        return await self.http.post(
            f"/api/v1/certifications/{self.certification_id}/audits/{audit_id}/documents",
            data={"kind": kind},
            files={"file": (filename, content, "application/pdf")},
            headers=self.people.bearer(actor),
        )

    async def send(self, command: cmd.Command, command_id: str | None = None) -> list[Event]:
        response = await self.post(command)
        if response.status_code not in (200, 201):
            raise CommandFailed(response)
        answer = response.json()
        self.certification_id = answer["certification_id"]
        return [EVENT_ADAPTER.validate_python(e) for e in answer["events"]]
