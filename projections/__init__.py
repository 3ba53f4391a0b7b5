"""Read models projected from the event log (the oversight issue builds them here)."""
