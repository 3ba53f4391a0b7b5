"""The OpenAPI document as a contract: schemathesis calls every operation the document
declares, with generated valid and invalid input, as the Secretariat and as a member, and
the API must never answer 5xx nor anything the document does not declare (status code,
content type, body).

The app is served for real, sending commands to real workflows, over a database and a
time-skipping Temporal server of this module's own: generated applications start real
certifications, which must not turn up in other tests' counts. Schemathesis calls from
synchronous test code, so the service runs in an event loop of its own, in a thread."""

import asyncio
import hashlib
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
import schemathesis
from anyio.from_thread import start_blocking_portal
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from api.app import create_app
from documents.store import DocumentStore
from domain import commands as cmd
from domain.actors import Actor
from domain.audits import AuditType
from domain.documents import DocumentKind
from eventstore import EventStore
from eventstore.database import create_engine
from projections.projector import Projector
from tests.api.conftest import pinned
from tests.api.factories import Programme, days
from tests.api.serving import serving
from tests.databases import own_database
from tests.people import People, register
from tests.scenario import AUDITOR, EPOCH, MEMBER, OTHER_AUDITOR, OTHER_MEMBER, SECRETARIAT, Lifecycle, findings, pdf
from tests.temporal import time_skipping
from worker import build_worker
from workflows.client import CertificationClient

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]

# What the module's database holds, named up front: schemathesis builds its cases when
# pytest collects them, before any fixture runs, and mixes these ids into the generated ones.
LIVE = "cert-contract"
"""A certification with a real workflow: certified after an audit, its documents attached."""
AUDIT = "A1"
DOCUMENTS = {DocumentKind.AUDIT_REPORT: pdf("the audit report"), DocumentKind.PUBLIC_SUMMARY: pdf("the public summary")}
STANDARD = "STD-CONTRACT"
SCRIPTED = [f"{STANDARD.lower()}-1", f"{STANDARD.lower()}-2"]
"""Read-model rows only (tests/api/factories.py), under a standard of their own."""
UNSTORABLE = "nul\x00inside"
"""Text PostgreSQL cannot store: the API must refuse it (422), not fail on it."""


@dataclass(frozen=True)
class Deployment:
    """Where the API answers, and the tokens of the people it knows."""

    url: str
    people: People


async def _certified_with_documents(lifecycle: Lifecycle, engine: AsyncEngine) -> None:
    lifecycle.certification_id = LIVE
    await lifecycle.admit()
    audit_id = await lifecycle.report(AuditType.CERTIFICATION, EPOCH, findings(minors=1))
    assert audit_id == AUDIT
    for kind, content in DOCUMENTS.items():
        await DocumentStore(engine).put(content)
        await lifecycle.attach(audit_id, kind, content)
    await lifecycle.send(cmd.AcceptReport(actor=SECRETARIAT, audit_id=audit_id))


async def _scripted(engine: AsyncEngine) -> None:
    """What a real history would take long to reach: deadlines open and overdue, a report
    awaiting review, an open major non-conformity, a timeline, material flows."""
    programme = Programme(engine, standard=STANDARD)
    certified = await programme.certification("Contract Smelting")
    suspended = await programme.certification(
        "Contract Rolling",
        certificate_status="suspended",
        open_majors=1,
        audit_firm_id=AUDITOR.organisation_id,
        audit_firm_name="Firm A Assurance",
        current_audit_id="audit-1",
        current_audit_status="report-submitted",
    )
    assert [certified, suspended] == SCRIPTED
    await programme.deadline(certified, "surveillance", days(200), opens=days(20))
    await programme.deadline(suspended, "cap", days(-2))
    await programme.audit(
        suspended,
        "surveillance",
        days(-40),
        audit_id="audit-1",
        status="report-submitted",
        report_submitted_at=days(-30),
        audit_firm_id=AUDITOR.organisation_id,
        major_ncs=1,
    )
    await programme.nonconformity(suspended, "4.2", "major", audit_id="audit-1")
    await programme.event(suspended, 1, "CertificateSuspended", "suspended", reason="major NC open")
    for certification_id in SCRIPTED:
        await programme.material_flow(certification_id, 2030, "primary-aluminium", "120.5", "80")


@asynccontextmanager
async def _deployed(server_url: str) -> AsyncIterator[Deployment]:
    async with own_database(server_url, "certflow_contract") as database_url:
        engine = create_engine(database_url)
        environment = await time_skipping()
        try:
            people = await register(engine)
            await _scripted(engine)
            async with build_worker(
                environment.client, engine, task_queue=f"certflow-contract-{uuid.uuid4()}"
            ) as worker:
                client = CertificationClient(environment.client, worker.task_queue)
                await _certified_with_documents(Lifecycle(environment, client, EventStore(engine)), engine)
                await Projector(engine).catch_up()
                # A projector leads beside the API, as deployed: /readyz wants its heartbeat.
                following, stop = Projector(engine), asyncio.Event()
                leading = asyncio.create_task(following.run(stop))
                try:
                    await asyncio.wait_for(following.leading.wait(), 10)
                    async with serving(pinned(create_app(engine, commands_client=client))) as url:
                        yield Deployment(url, people)
                finally:
                    stop.set()
                    await leading
        finally:
            await environment.shutdown()
            await engine.dispose()


@pytest.fixture(scope="module")
def deployment(server_url: str) -> Iterator[Deployment]:
    """The served API, its database and Temporal server, for the whole module."""
    with start_blocking_portal() as portal, portal.wrap_async_context_manager(_deployed(server_url)) as deployed:
        yield deployed


def _document() -> dict[str, Any]:
    # The app's own document, built before any database exists: the factory connects to
    # nothing until a request comes (the served copy is compared with it below).
    return create_app(create_async_engine("postgresql+asyncpg://nowhere/none")).openapi()


DOCUMENT = _document()


def _contract(*, mode: str, examples: int, phases: tuple[str, ...]) -> schemathesis.schemas.BaseSchema:
    """The document with its generation settings; the stateful phase is never run (the
    commands' order is the workflow's business, tested in tests/api/test_commands_over_http.py)."""
    sometimes = 0.75
    config = {
        "seed": 20310314,  # the same cases every run: a finding reproduces, and CI never flakes on a new one
        "dictionaries": {
            "certifications": {"values": [LIVE, *SCRIPTED, UNSTORABLE]},
            "audits": {"values": [AUDIT, "audit-1"]},
            "documents": {"values": [hashlib.sha256(DOCUMENTS[DocumentKind.PUBLIC_SUMMARY]).hexdigest()]},
            "members": {"values": [MEMBER.organisation_id, OTHER_MEMBER.organisation_id]},
            "firms": {"values": [AUDITOR.organisation_id, OTHER_AUDITOR.organisation_id]},
            "standards": {"values": [STANDARD, "ASI-PS", UNSTORABLE]},
        },
        "parameters": {
            "path.certification_id": {"dictionary": "certifications", "probability": sometimes},
            "path.audit_id": {"dictionary": "audits", "probability": sometimes},
            "path.sha256": {"dictionary": "documents", "probability": sometimes},
            "query.standard": {"dictionary": "standards", "probability": sometimes},
            "body.member_id": {"dictionary": "members", "probability": sometimes},
            "body.firm_id": {"dictionary": "firms", "probability": sometimes},
            "body.audit_id": {"dictionary": "audits", "probability": sometimes},
            "body.standard.code": {"dictionary": "standards", "probability": sometimes},
        },
        "generation": {"mode": mode, "max-examples": examples, "database": "none"},
        "phases": {phase: {"enabled": phase in phases} for phase in ("examples", "coverage", "fuzzing", "stateful")},
    }
    return schemathesis.openapi.from_dict(DOCUMENT, config=SchemathesisConfig.from_dict(config))


# The Secretariat reaches every handler: valid and invalid input, boundary cases and fuzzing.
as_the_secretariat = _contract(mode="all", examples=20, phases=("examples", "coverage", "fuzzing"))
# A member mostly meets 403 and 404 (the same validation runs before): fewer, valid cases suffice.
as_a_member = _contract(mode="positive", examples=10, phases=("examples", "fuzzing"))


def _call(case: schemathesis.Case, deployment: Deployment, caller: Actor) -> None:
    case.call_and_validate(base_url=deployment.url, headers=deployment.people.bearer(caller), checks=CHECKS, timeout=10)


def test_the_served_document_is_the_one_the_contract_is_generated_from(deployment: Deployment) -> None:
    assert httpx.get(f"{deployment.url}/openapi.json").json() == DOCUMENT


# The caller as a parameter of one value names each item: pytest 9 builds an item's id from
# its parameters, so without any every operation's item would share the test's bare name.
@pytest.mark.parametrize("caller", [SECRETARIAT], ids=["secretariat"])
@as_the_secretariat.parametrize()
def test_every_operation_answers_the_secretariat_as_the_document_declares(
    case: schemathesis.Case, caller: Actor, deployment: Deployment
) -> None:
    _call(case, deployment, caller)


@pytest.mark.parametrize("caller", [MEMBER], ids=["member"])
@as_a_member.parametrize()
def test_every_operation_answers_a_member_as_the_document_declares(
    case: schemathesis.Case, caller: Actor, deployment: Deployment
) -> None:
    _call(case, deployment, caller)


def test_half_a_surrogate_pair_in_a_body_is_refused_with_a_readable_422(deployment: Deployment) -> None:
    # JSON may escape half a surrogate pair, which is not UTF-8: schemathesis never sends one.
    refused = httpx.post(
        f"{deployment.url}/api/v1/certifications/{LIVE}/suspend",
        content=b'{"reason": "half \\ud800 a pair"}',
        headers={**deployment.people.bearer(SECRETARIAT), "Content-Type": "application/json"},
    )

    assert refused.status_code == 422, refused.text
    [problem] = refused.json()["detail"]
    assert (problem["loc"], problem["input"]) == (["body", "reason"], "half ? a pair")
