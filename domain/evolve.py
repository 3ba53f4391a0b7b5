"""evolve(state, event): the one place events change state. Total and pure: it trusts events,
which `decide` has already checked."""

from collections.abc import Iterable
from typing import Any

from domain import events as ev
from domain.audits import Audit, AuditStatus, AuditType, Finding
from domain.certificates import Certificate, CertificateKind, CertificateStatus, Validity, refusal_ends_certification
from domain.deadlines import Deadline
from domain.documents import AttachedDocument
from domain.events import Event
from domain.nonconformities import NonConformity
from domain.state import CertificationState, FirmRef, Phase


def replay(certification_id: str, history: Iterable[Event]) -> CertificationState:
    state = CertificationState(certification_id=certification_id)
    for event in history:
        state = evolve(state, event)
    return state


def evolve(state: CertificationState, event: Event) -> CertificationState:
    changes = _changes(state, event)
    return state.model_copy(update={**changes, "version": state.version + 1})


def _audit(state: CertificationState, **changes: Any) -> Audit:
    assert state.audit is not None
    return state.audit.model_copy(update=changes)


def _certificate(state: CertificationState, **changes: Any) -> Certificate:
    assert state.certificate is not None
    return state.certificate.model_copy(update=changes)


def _nc(state: CertificationState, nc_id: str, **changes: Any) -> dict[str, NonConformity]:
    updated = state.nonconformities[nc_id].model_copy(update=changes)
    return {**state.nonconformities, nc_id: updated}


def _changes(state: CertificationState, event: Event) -> dict[str, Any]:
    day = event.occurred_at.date()
    match event:
        case ev.ApplicationSubmitted():
            return {
                "phase": Phase.APPLIED,
                "policy_id": event.policy_id,
                "member_id": event.member_id,
                "member_name": event.member_name,
                "entity_name": event.entity_name,
                "standard": event.standard,
                "facilities": event.facilities,
                "external_certifications": event.external_certifications,
                "applied_on": day,
            }
        case ev.ApplicationAccepted():
            return {"phase": Phase.IN_CERTIFICATION}
        case ev.ApplicationRejected():
            return {"phase": Phase.APPLICATION_REJECTED, "deadlines": {}, "overdue": {}}
        case ev.SelfAssessmentSubmitted():
            return {"self_assessment_submitted": True}
        case ev.AuditFirmAssigned():
            return {"audit_firm": FirmRef(firm_id=event.firm_id, name=event.firm_name)}
        case ev.AuditPlanned():
            past = state.past_audit_ids + ((state.audit.audit_id,) if state.audit else ())
            audit = Audit(
                audit_id=event.audit_id,
                audit_type=event.audit_type,
                status=AuditStatus.PLANNED,
                starts_on=event.starts_on,
                ends_on=event.ends_on,
                lead_auditor=event.lead_auditor,
            )
            return {"audit": audit, "past_audit_ids": past}
        case ev.AuditStarted():
            return {"audit": _audit(state, status=AuditStatus.IN_PROGRESS)}
        case ev.FindingsRecorded():
            findings = _merge_findings(state, event)
            return {"audit": _audit(state, status=AuditStatus.FINDINGS_RECORDED, findings=findings)}
        case ev.ReportSubmitted():
            audit = _audit(state, status=AuditStatus.REPORT_SUBMITTED, on_site_ended_on=event.on_site_ended_on)
            return {"audit": audit}
        case ev.ReportReturned():
            return {"audit": _audit(state, status=AuditStatus.RETURNED, return_reason=event.reason)}
        case ev.ReportAccepted():
            surveilled = event.audit_type == AuditType.SURVEILLANCE
            return {
                "audit": _audit(state, status=AuditStatus.CLOSED),
                "surveillances_done": state.surveillances_done + surveilled,
            }
        case ev.DocumentAttached():
            attached = AttachedDocument(audit_id=event.audit_id, kind=event.kind, sha256=event.sha256)
            return {"documents": (*state.documents, attached)}
        case ev.CertificateGranted():
            return _granted(state, event)
        case ev.CertificationDeferred():
            return {"deferred_audit_id": event.audit_id}
        case ev.CertificationRefused():
            if not refusal_ends_certification(state.certificate.status if state.certificate else None):
                return {"deferred_audit_id": None}
            return {"deferred_audit_id": None, "phase": Phase.REFUSED, "deadlines": {}, "overdue": {}}
        case ev.NonConformityRaised():
            nc = NonConformity(
                nc_id=event.nc_id,
                audit_id=event.audit_id,
                criterion=event.criterion,
                severity=event.severity,
                raised_on=day,
            )
            return {"nonconformities": {**state.nonconformities, nc.nc_id: nc}}
        case ev.CorrectiveActionPlanSubmitted():
            return {"nonconformities": _nc(state, event.nc_id, cap_submitted_on=day)}
        case ev.NonConformityClosed():
            return {"nonconformities": _nc(state, event.nc_id, closed_on=day)}
        case ev.CertificateSuspended():
            status = CertificateStatus.SUSPENDED
            return {"certificate": _certificate(state, status=status, suspended_on=day)}
        case ev.CertificateReinstated():
            status = CertificateStatus.ACTIVE
            return {"certificate": _certificate(state, status=status, suspended_on=None)}
        case ev.CertificateWithdrawn():
            return _ended(state, CertificateStatus.WITHDRAWN)
        case ev.CertificateRevoked():
            return _ended(state, CertificateStatus.REVOKED)
        case ev.CertificateExpired():
            return _ended(state, CertificateStatus.EXPIRED)
        case ev.MaterialFlowReported():
            return {"material_flow_years": (*state.material_flow_years, event.year)}
        case ev.DeadlineSet():
            deadline = event.deadline
            return {"deadlines": {**state.deadlines, deadline.deadline_id: deadline}}
        case ev.DeadlineMissed(outstanding=True) if event.deadline_id in state.deadlines:
            overdue = {**state.overdue, event.deadline_id: state.deadlines[event.deadline_id]}
            return {"deadlines": _without(state.deadlines, event.deadline_id), "overdue": overdue}
        case ev.DeadlineMet() | ev.DeadlineMissed():
            return {
                "deadlines": _without(state.deadlines, event.deadline_id),
                "overdue": _without(state.overdue, event.deadline_id),
            }
        case ev.DeadlineExtended():
            extended = state.deadlines[event.deadline_id].model_copy(update={"due": event.new_due})
            return {"deadlines": {**state.deadlines, event.deadline_id: extended}}
    raise AssertionError(f"unhandled event {event!r}")  # pragma: no cover


def _merge_findings(state: CertificationState, event: ev.FindingsRecorded) -> tuple[Finding, ...]:
    """A later finding for the same criterion and facility replaces the earlier one."""
    assert state.audit is not None
    merged = {(f.criterion, f.facility_id): f for f in state.audit.findings}
    merged.update({(f.criterion, f.facility_id): f for f in event.findings})
    return tuple(merged.values())


def _granted(state: CertificationState, event: ev.CertificateGranted) -> dict[str, Any]:
    certificate = event.certificate()
    provisional = state.provisional_granted or event.kind == CertificateKind.PROVISIONAL
    validity = Validity(valid_from=event.valid_from, valid_until=event.valid_until)
    return {
        "certificate": certificate,
        "granted_validities": (*state.granted_validities, validity),
        "phase": Phase.CERTIFIED,
        "provisional_granted": provisional,
        "deferred_audit_id": None,
        "surveillances_done": 0,
    }


def _ended(state: CertificationState, status: CertificateStatus) -> dict[str, Any]:
    """An ended certificate leaves nothing due."""
    return {"certificate": _certificate(state, status=status), "phase": Phase.ENDED, "deadlines": {}, "overdue": {}}


def _without(deadlines: dict[str, Deadline], deadline_id: str) -> dict[str, Deadline]:
    return {k: v for k, v in deadlines.items() if k != deadline_id}
