"""`StateLog`: a component's connection state, logged when it changes and only then.

A process moves between a few states: connected, leading, lost the database, waiting for
Temporal... Each change is logged once, with how long the previous state lasted and how many
failures it saw, instead of one line per failed attempt (an outage of a few seconds wrote
5,500 lines)."""

import time
from dataclasses import dataclass, field
from typing import Any

import structlog


@dataclass
class StateLog:
    """The current state of one component, logged when it changes and only then."""

    component: str
    state: str | None = None
    since: float = field(default_factory=time.monotonic)
    failures: int = 0
    """Failures reported while in the current state (logged with the next change)."""
    _log: Any = field(default_factory=lambda: structlog.get_logger("certflow.health"))

    def enter(self, state: str, *, healthy: bool = True, **details: object) -> bool:
        """Records `state`; logs it if it is a change. A repeat of an unhealthy state counts as
        one more failure. Returns whether the state changed."""
        if state == self.state:
            if not healthy:
                self.failures += 1
            return False
        now = time.monotonic()
        previous = {"previous": self.state, "previous_seconds": round(now - self.since, 3)} if self.state else {}
        if self.failures:
            previous["previous_failures"] = self.failures
        emit = self._log.info if healthy else self._log.warning
        emit(f"{self.component}: {state}", component=self.component, state=state, **previous, **details)
        self.state, self.since, self.failures = state, now, 0 if healthy else 1
        return True
