"""`Backoff`: the delays between attempts to reach a server that is down, exponential with
jitter, so that processes restarted together do not retry in step."""

import asyncio
import random
from dataclasses import dataclass


@dataclass
class Backoff:
    """Delays between attempts: doubling from `initial` up to `maximum`, each drawn at random
    from its upper half ("equal jitter"), back to `initial` after a success."""

    initial: float = 0.1
    maximum: float = 5.0
    attempts: int = 0

    def next_delay(self) -> float:
        ceiling = min(self.maximum, self.initial * 2**self.attempts)
        self.attempts += 1
        return random.uniform(ceiling / 2, ceiling)

    def reset(self) -> None:
        self.attempts = 0

    async def wait(self, stop: asyncio.Event) -> bool:
        """Sleeps the next delay, or until `stop` is set; returns whether to go on."""
        try:
            await asyncio.wait_for(stop.wait(), self.next_delay())
        except TimeoutError:
            return True
        return False
