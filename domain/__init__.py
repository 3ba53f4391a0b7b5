"""The certification domain: pure commands, events, state, rules and per-scheme policy.

Nothing here does I/O or knows of Temporal or SQL; workflows, activities and the API build on it.
"""

from domain.commands import Command
from domain.decide import decide
from domain.errors import DomainError, NotPermitted, RuleViolation
from domain.events import Event
from domain.evolve import evolve, replay
from domain.policy import Policy, policy_by_id, policy_for_standard
from domain.state import CertificationState

__all__ = [
    "CertificationState",
    "Command",
    "DomainError",
    "Event",
    "NotPermitted",
    "Policy",
    "RuleViolation",
    "decide",
    "evolve",
    "policy_by_id",
    "policy_for_standard",
    "replay",
]
