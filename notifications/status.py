"""Where a delivery stands."""

from enum import StrEnum


class DeliveryStatus(StrEnum):
    PENDING = "pending"
    RETRYING = "retrying"
    """Failed at least once; tried again at next_attempt_at."""
    SENT = "sent"
    DEAD = "dead"
    """Failed every attempt: a dead letter, for the Secretariat to retry or discard."""
    DISCARDED = "discarded"


WAITING = (DeliveryStatus.PENDING, DeliveryStatus.RETRYING)
