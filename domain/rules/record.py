"""A certification's record must travel whole: the state an Update answers with, and that
continue-as-new carries, plus the events a command records (domain/limits.py says why)."""

from domain.errors import RuleViolation
from domain.events import Event
from domain.evolve import evolve
from domain.limits import RECORD_BYTES
from domain.state import CertificationState


def within_record_size(state: CertificationState, events: list[Event]) -> None:
    """Refuses events that would grow the record past RECORD_BYTES. Each command is bounded,
    but some add up (findings recorded on one audit in many commands)."""
    after = state
    for event in events:
        after = evolve(after, event)
    size = len(after.model_dump_json()) + sum(len(event.model_dump_json()) for event in events)
    if size > RECORD_BYTES:
        raise RuleViolation(
            "record.size",
            f"this would grow the certification's record to {size:,} bytes; at most {RECORD_BYTES:,} fit",
        )
