"""How long the service may take to notice a fault and to recover from it (issue 9): bounded
waits, not speed targets. A scenario records what it measured and fails past these."""

ANSWER_WITHIN = 15.0
"""Every request gets an answer (2xx, or 503 to send again) within this many seconds: the
clients' timeout. Past it the request counts as hung."""

RECOVER_WITHIN = 15.0
"""After the fault is repaired, every part is working again within this many seconds."""

NOTICE_WITHIN = 10.0
"""/readyz says "not ready" within this many seconds of a part going down."""

START_WITHIN = 30.0
"""A process or server the suite starts is up within this many seconds (two shared cores)."""
