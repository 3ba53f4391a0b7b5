"""Where a certification's audit stands for its audit firm: the next step, in the words the
worklist shows, and which of the firm's step forms apply now. The domain still decides each
command; this only chooses what to offer."""

from enum import StrEnum

from domain.audits import AuditStatus
from domain.state import TERMINAL_PHASES


class NextStep(StrEnum):
    PLAN = "plan"
    START = "start"
    RECORD_FINDINGS = "record findings"
    SUBMIT_REPORT = "submit report"
    AWAITING_SECRETARIAT = "awaiting Secretariat"
    VERIFY_NCS = "verify NCs"
    CLOSED = "closed"


_AFTER = {
    AuditStatus.PLANNED: NextStep.START,
    AuditStatus.IN_PROGRESS: NextStep.RECORD_FINDINGS,
    AuditStatus.FINDINGS_RECORDED: NextStep.SUBMIT_REPORT,
    AuditStatus.RETURNED: NextStep.SUBMIT_REPORT,
    AuditStatus.REPORT_SUBMITTED: NextStep.AWAITING_SECRETARIAT,
}

# Findings may be added to (or corrected after a returned report) until the report goes in.
STEP_FORMS: dict[NextStep, tuple[str, ...]] = {
    NextStep.PLAN: ("plan-audit",),
    NextStep.START: ("start-audit",),
    NextStep.RECORD_FINDINGS: ("record-findings",),
    NextStep.SUBMIT_REPORT: ("record-findings", "submit-report"),
}


def next_step(phase: str, audit_status: str | None, open_majors: int) -> NextStep:
    if phase in TERMINAL_PHASES:
        return NextStep.CLOSED
    if audit_status in _AFTER:
        return _AFTER[AuditStatus(audit_status)]
    # No audit under way: a decision deferred for major NCs waits for their verification.
    return NextStep.VERIFY_NCS if open_majors else NextStep.PLAN
