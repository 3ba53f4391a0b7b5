"""One durable Temporal workflow per certification, alive for its whole life; the task queue
it runs on comes from the settings (CERTFLOW_TASK_QUEUE)."""
