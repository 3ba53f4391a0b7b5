"""The Secretariat's decisions on a certificate: suspend, reinstate, withdraw."""

from domain import commands as cmd
from domain import events as ev
from domain.certificates import Certificate, CertificateStatus
from domain.deadlines import DeadlineKind
from domain.errors import RuleViolation
from domain.events import Event
from domain.policy import policy_by_id
from domain.rules.access import require_secretariat
from domain.rules.deadlines import meet, of_kind, suspension_limit
from domain.rules.emit import Emit
from domain.state import CertificationState


def _certificate(state: CertificationState, action: str, *statuses: CertificateStatus) -> Certificate:
    certificate = state.certificate
    if certificate is None or certificate.status not in statuses:
        current = certificate.status if certificate else "none"
        needed = " or ".join(s.value for s in statuses)
        raise RuleViolation("certificate.status", f"cannot {action}: the certificate is {current}, not {needed}")
    return certificate


def suspend(state: CertificationState, command: cmd.Suspend, emit: Emit) -> list[Event]:
    require_secretariat(command.actor, "suspend a certificate")
    _certificate(state, "suspend", CertificateStatus.ACTIVE)
    limit = suspension_limit(policy_by_id(state.policy_id), emit)
    return [
        emit(ev.CertificateSuspended, reason=command.reason),
        emit(ev.DeadlineSet, deadline=limit),
    ]


def reinstate(state: CertificationState, command: cmd.Reinstate, emit: Emit) -> list[Event]:
    require_secretariat(command.actor, "reinstate a certificate")
    certificate = _certificate(state, "reinstate", CertificateStatus.SUSPENDED)
    if emit.today > certificate.valid_until:
        raise RuleViolation("certificate.valid", f"the certificate expired on {certificate.valid_until}")
    reinstated = emit(ev.CertificateReinstated, reason=command.reason)
    return [reinstated, *meet(state, emit, *of_kind(state, DeadlineKind.SUSPENSION_LIMIT))]


def withdraw(state: CertificationState, command: cmd.Withdraw, emit: Emit) -> list[Event]:
    require_secretariat(command.actor, "withdraw a certificate")
    _certificate(state, "withdraw", CertificateStatus.ACTIVE, CertificateStatus.SUSPENDED)
    return [emit(ev.CertificateWithdrawn, reason=command.reason)]
