"""Commands sent by this process, by type and outcome: what the API's /metrics exposes."""

from collections import Counter
from dataclasses import dataclass, field


@dataclass
class CommandTally:
    accepted: Counter[str] = field(default_factory=Counter)
    """By command type."""
    refused: Counter[tuple[str, str, str]] = field(default_factory=Counter)
    """By (command type, NotPermitted or RuleViolation, rule)."""

    def record_accepted(self, command_type: str) -> None:
        self.accepted[command_type] += 1

    def record_refused(self, command_type: str, kind: str, rule: str) -> None:
        self.refused[(command_type, kind, rule)] += 1
