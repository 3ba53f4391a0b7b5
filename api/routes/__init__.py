"""One router per resource of the JSON API (under /api/v1) and the operators' endpoints."""
