"""The notices a certification's own steps give: the act someone must take next, or the news
they must hear. One per event that calls for it, under an id of the event's place in the stream."""

from collections.abc import Callable
from datetime import datetime

from domain import events as ev
from domain.certificates import CertificateKind
from domain.deadlines import Party
from domain.events import Event
from domain.notices import Notice, NoticeKind, notice_id
from domain.policy import policy_by_id
from domain.reminders import audience
from domain.state import CertificationState

MEMBER, FIRM, SECRETARIAT = Party.MEMBER, Party.AUDIT_FIRM, Party.SECRETARIAT

Words = Callable[[CertificationState, Event], tuple[str, str]]
"""The subject and body of a notice, from the state after the event and the event."""


def _application(state: CertificationState, event: Event) -> tuple[str, str]:
    return f"Application to review: {state.entity_name}", (
        f"{state.member_name} applied to certify {state.entity_name} against {_standard(state)}. "
        "The application awaits the Secretariat's decision."
    )


def _report_submitted(state: CertificationState, event: Event) -> tuple[str, str]:
    assert isinstance(event, ev.ReportSubmitted)
    return f"Audit {event.audit_id} report submitted: {state.entity_name}", (
        f"The audit firm submitted the report of audit {event.audit_id} of {state.entity_name}. It awaits review."
    )


def _report_returned(state: CertificationState, event: Event) -> tuple[str, str]:
    assert isinstance(event, ev.ReportReturned)
    return f"Audit {event.audit_id} report returned: {state.entity_name}", (
        f"The Secretariat returned the report of audit {event.audit_id}: {event.reason}"
    )


def _application_decided(state: CertificationState, event: Event) -> tuple[str, str]:
    if isinstance(event, ev.ApplicationRejected):
        return f"Application rejected: {state.entity_name}", f"The application was rejected: {event.reason}"
    return f"Application accepted: {state.entity_name}", (
        f"The application to certify {state.entity_name} was accepted: engage an accredited audit firm next."
    )


def _refused(state: CertificationState, event: Event) -> tuple[str, str]:
    assert isinstance(event, ev.CertificationRefused)
    return f"Certification refused: {state.entity_name}", f"Certification was refused: {event.reason}"


def _deferred(state: CertificationState, event: Event) -> tuple[str, str]:
    assert isinstance(event, ev.CertificationDeferred)
    return f"Decision deferred: {state.entity_name}", f"The certification decision waits: {event.reason}"


def _granted(state: CertificationState, event: Event) -> tuple[str, str]:
    assert isinstance(event, ev.CertificateGranted)
    return f"{event.kind.capitalize()} certificate granted: {state.entity_name}", (
        f"A {event.kind} certificate for {state.entity_name} ({_standard(state)}) is valid from "
        f"{event.valid_from:%d %B %Y} until {event.valid_until:%d %B %Y}."
    )


def _status(news: str) -> Words:
    def words(state: CertificationState, event: Event) -> tuple[str, str]:
        reason = getattr(event, "reason", "")
        return f"Certificate {news}: {state.entity_name}", f"The certificate of {state.entity_name} is {news}: {reason}"

    return words


def _standard(state: CertificationState) -> str:
    return state.standard.code if state.standard else "its standard"


_NOTICES: dict[type[Event], tuple[NoticeKind, frozenset[Party], Words]] = {
    ev.ApplicationSubmitted: (NoticeKind.APPLICATION_TO_REVIEW, frozenset({SECRETARIAT}), _application),
    ev.ApplicationAccepted: (NoticeKind.DECISION_MADE, frozenset({MEMBER}), _application_decided),
    ev.ApplicationRejected: (NoticeKind.DECISION_MADE, frozenset({MEMBER}), _application_decided),
    ev.ReportSubmitted: (NoticeKind.REPORT_SUBMITTED, frozenset({SECRETARIAT}), _report_submitted),
    ev.ReportReturned: (NoticeKind.REPORT_RETURNED, frozenset({FIRM}), _report_returned),
    ev.CertificationDeferred: (NoticeKind.DECISION_MADE, frozenset({MEMBER, FIRM}), _deferred),
    ev.CertificationRefused: (NoticeKind.DECISION_MADE, frozenset({MEMBER, FIRM}), _refused),
    ev.CertificateGranted: (NoticeKind.CERTIFICATE_GRANTED, frozenset({MEMBER, FIRM}), _granted),
    ev.CertificateSuspended: (NoticeKind.SUSPENDED, frozenset({MEMBER, FIRM}), _status("suspended")),
    ev.CertificateReinstated: (NoticeKind.REINSTATED, frozenset({MEMBER, FIRM}), _status("reinstated")),
    ev.CertificateWithdrawn: (NoticeKind.WITHDRAWN, frozenset({MEMBER, FIRM}), _status("withdrawn")),
    ev.CertificateRevoked: (NoticeKind.WITHDRAWN, frozenset({MEMBER, FIRM}), _status("revoked")),
    ev.CertificateExpired: (NoticeKind.EXPIRED, frozenset({MEMBER, FIRM}), _status("expired")),
}


def _survey(state: CertificationState, event: Event, version: int, now: datetime) -> list[Notice]:
    """The scheme's survey goes to the member with each full certificate (a first or a renewed one)."""
    url = policy_by_id(state.policy_id).survey_url
    if not url or not isinstance(event, ev.CertificateGranted) or event.kind != CertificateKind.FULL:
        return []
    return [
        Notice(
            notice_id=notice_id(state.certification_id, f"survey/{version}"),
            kind=NoticeKind.SURVEY,
            certification_id=state.certification_id,
            at=now,
            audience=audience(state, MEMBER),
            subject=f"How did certification go? {state.entity_name}",
            body=f"{state.entity_name} is certified. The scheme asks a few minutes of your time for its survey.",
        )
    ]


def lifecycle_notices(state: CertificationState, recorded: list[Event], now: datetime) -> list[Notice]:
    """The notices the events just recorded call for; `state` is the state after them."""
    first = state.version - len(recorded) + 1
    notices = []
    for version, event in enumerate(recorded, start=first):
        spec = _NOTICES.get(type(event))
        if spec is None:
            continue
        kind, parties, words = spec
        subject, body = words(state, event)
        notices.append(
            Notice(
                notice_id=notice_id(state.certification_id, f"{kind}/{version}"),
                kind=kind,
                certification_id=state.certification_id,
                at=now,
                audience=audience(state, *parties),
                subject=subject,
                body=body,
            )
        )
        notices += _survey(state, event, version, now)
    return notices
