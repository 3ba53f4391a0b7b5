"""A stored event in plain words, for the timeline a person reads."""

from collections.abc import Callable
from typing import Any

Data = dict[str, Any]


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _document(d: Data) -> str:
    kind = d["kind"].replace("-", " ").capitalize()
    return f"{kind} {d['filename']} attached to audit {d['audit_id']}"


def _deadline(d: Data) -> str:
    return f"{d['deadline']['kind']} deadline set, due {d['deadline']['due']}"


_SAYINGS: dict[str, Callable[[Data], str]] = {
    "ApplicationSubmitted": lambda d: (
        f"{d['member_name']} applied for {d['entity_name']} against "
        f"{d['standard']['code']} {d['standard']['version']} ({_count(len(d['facilities']), 'facility', 'facilities')})"
    ),
    "ApplicationAccepted": lambda d: "Application accepted",
    "ApplicationRejected": lambda d: "Application rejected",
    "SelfAssessmentSubmitted": lambda d: "Self-assessment submitted",
    "AuditFirmAssigned": lambda d: f"{d['firm_name']} engaged as audit firm",
    "AuditPlanned": lambda d: (
        f"{d['audit_type'].capitalize()} audit {d['audit_id']} planned "
        f"{d['starts_on']} to {d['ends_on']}, lead auditor {d['lead_auditor']}"
    ),
    "AuditStarted": lambda d: f"Audit {d['audit_id']} started",
    "FindingsRecorded": lambda d: f"{len(d['findings'])} findings recorded in audit {d['audit_id']}",
    "ReportSubmitted": lambda d: f"Report of audit {d['audit_id']} submitted (on site until {d['on_site_ended_on']})",
    "ReportReturned": lambda d: f"Report of audit {d['audit_id']} returned to the auditor",
    "ReportAccepted": lambda d: (
        f"Report of audit {d['audit_id']} accepted: {d['major_ncs']} major and "
        f"{d['minor_ncs']} minor NCs" + (", critical breach" if d["critical_breach"] else "")
    ),
    "DocumentAttached": _document,
    "CertificateGranted": lambda d: (
        f"{d['kind'].capitalize()} certificate granted, valid {d['valid_from']} to {d['valid_until']}"
    ),
    "CertificationDeferred": lambda d: f"Decision on audit {d['audit_id']} deferred",
    "CertificationRefused": lambda d: "Certification refused",
    "NonConformityRaised": lambda d: (
        f"{d['severity'].capitalize()} NC {d['nc_id']} raised on criterion {d['criterion']}"
    ),
    "CorrectiveActionPlanSubmitted": lambda d: f"Corrective action plan submitted for {d['nc_id']}",
    "NonConformityClosed": lambda d: f"NC {d['nc_id']} verified closed",
    "CertificateSuspended": lambda d: "Certificate suspended",
    "CertificateReinstated": lambda d: "Certificate reinstated",
    "CertificateWithdrawn": lambda d: "Certificate withdrawn",
    "CertificateRevoked": lambda d: "Certificate revoked",
    "CertificateExpired": lambda d: f"Certificate expired (valid until {d['valid_until']})",
    "MaterialFlowReported": lambda d: (
        f"Material flows of {d['year']} reported "
        f"({_count(len(d['flows']), 'material category', 'material categories')})"
    ),
    "DeadlineSet": _deadline,
    "DeadlineMet": lambda d: f"Deadline {d['deadline_id']} met",
    "DeadlineMissed": lambda d: (
        f"Deadline {d['deadline_id']} missed (due {d['due']})"
        + (": still owed, overdue until met" if d.get("outstanding") else "")
    ),
    "DeadlineExtended": lambda d: f"Deadline {d['deadline_id']} extended from {d['previous_due']} to {d['new_due']}",
}


def describe(event_type: str, data: Data) -> str:
    saying = _SAYINGS.get(event_type)
    return saying(data) if saying else event_type
