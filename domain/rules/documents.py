"""Audit documents: the audit firm attaches an audit's report and its public summary."""

from domain import commands as cmd
from domain import events as ev
from domain.actors import Actor, Role
from domain.audits import AuditStatus
from domain.documents import AttachedDocument, DocumentKind
from domain.errors import RuleViolation
from domain.events import Event
from domain.rules.access import require_assigned_firm, require_role
from domain.rules.emit import Emit
from domain.state import CertificationState

_SUBMITTED = frozenset({AuditStatus.REPORT_SUBMITTED, AuditStatus.RETURNED, AuditStatus.CLOSED})
"""The steps at which the audit's report has been submitted (a returned one included)."""


def _audit_status(state: CertificationState, audit_id: str) -> AuditStatus:
    """The step the named audit is at. A past audit is closed: a new audit is planned only
    once the one before it is (audit.one-at-a-time)."""
    if state.audit is not None and state.audit.audit_id == audit_id:
        return state.audit.status
    if audit_id in state.past_audit_ids:
        return AuditStatus.CLOSED
    raise RuleViolation("document.audit-known", f"audit {audit_id} is not an audit of this certification")


def _check_kind_fits_step(kind: DocumentKind, audit_id: str, status: AuditStatus) -> None:
    if kind == DocumentKind.AUDIT_REPORT and status == AuditStatus.CLOSED:
        raise RuleViolation(
            "document.report-open", f"the report of audit {audit_id} is accepted: its audit report is final"
        )
    if kind == DocumentKind.PUBLIC_SUMMARY and status not in _SUBMITTED:
        raise RuleViolation(
            "document.report-submitted",
            f"audit {audit_id} is {status}: a public summary follows the submitted report",
        )


ATTACHING = "attach an audit document"


def require_uploader(actor: Actor) -> None:
    """Only an auditor attaches documents: the part of `attach`'s access rule that needs no
    certification, so an upload from anyone else is refused before its bytes are read."""
    require_role(actor, ATTACHING, Role.AUDITOR)


def attach(state: CertificationState, command: cmd.AttachDocument, emit: Emit) -> list[Event]:
    require_assigned_firm(state, command.actor, ATTACHING)
    status = _audit_status(state, command.audit_id)
    if status == AuditStatus.PLANNED:
        raise RuleViolation("document.audit-started", f"audit {command.audit_id} has not started")
    _check_kind_fits_step(command.kind, command.audit_id, status)
    attached = AttachedDocument(audit_id=command.audit_id, kind=command.kind, sha256=command.sha256)
    if attached in state.documents:
        raise RuleViolation(
            "document.once",
            f"this {command.kind} ({command.sha256[:12]}...) is already attached to audit {command.audit_id}",
        )
    return [
        emit(
            ev.DocumentAttached,
            audit_id=command.audit_id,
            kind=command.kind,
            sha256=command.sha256,
            filename=command.filename,
            size_bytes=command.size_bytes,
            media_type=command.media_type,
        )
    ]
