"""What operators and probes read."""

from typing import Literal

from pydantic import BaseModel


class Liveness(BaseModel):
    status: Literal["alive"]


class Readiness(BaseModel):
    status: Literal["ready", "not ready"]
    checks: dict[str, str]
    """Each check's outcome: "ok", "not configured", or what went wrong."""
    failed: list[str]
