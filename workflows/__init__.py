"""One durable Temporal workflow per certification, alive for its whole life."""

TASK_QUEUE = "certflow"
