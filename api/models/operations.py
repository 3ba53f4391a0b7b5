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


class Pollers(BaseModel):
    """Workers that polled the task queue lately (Temporal's describe_task_queue), by task kind."""

    task_queue: str
    workflow: int
    activity: int
