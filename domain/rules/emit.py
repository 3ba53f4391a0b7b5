"""Builds events stamped with the deciding actor and the decision time."""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, TypeVar

from domain.actors import Actor
from domain.events import _Event

E = TypeVar("E", bound=_Event)


@dataclass(frozen=True)
class Emit:
    actor: Actor
    at: datetime

    @property
    def today(self) -> date:
        return self.at.date()

    def __call__(self, event_type: type[E], **fields: Any) -> E:
        return event_type(actor=self.actor, occurred_at=self.at, **fields)
