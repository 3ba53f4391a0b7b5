"""`ReadinessProbe`: asks the API's /readyz as an orchestrator would, and waits for it to
say ready or not ready. An API that does not answer is not ready."""

import asyncio
import time
from dataclasses import dataclass

import httpx
from pydantic import ValidationError

from api.models.operations import Readiness

ASK_EVERY = 0.25


@dataclass(frozen=True)
class Seen:
    ready: bool
    said: str
    """The checks /readyz named, or why it could not be asked."""


class ReadinessProbe:
    def __init__(self, base_url: str) -> None:
        self._base_url = base_url
        self.last = Seen(False, "not asked yet")

    async def now(self) -> Seen:
        try:
            async with httpx.AsyncClient(base_url=self._base_url, timeout=5) as client:
                response = await client.get("/readyz")
            answer = Readiness.model_validate_json(response.content)
            ready = response.status_code == 200 and answer.status == "ready"
            seen = Seen(ready, f"{response.status_code} {answer.checks}")
        except httpx.HTTPError as error:
            seen = Seen(False, f"no answer: {type(error).__name__}")
        except ValidationError:
            seen = Seen(False, f"{response.status_code} {response.text[:200]}")
        self.last = seen
        return seen

    async def becomes(self, ready: bool, within: float) -> float | None:
        """Seconds until /readyz said `ready` (or not), or None if it did not within `within`."""
        started = time.monotonic()
        while (await self.now()).ready != ready:
            if time.monotonic() - started > within:
                return None
            await asyncio.sleep(ASK_EVERY)
        return time.monotonic() - started
