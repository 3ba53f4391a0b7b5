"""How a long-running process (the worker, the projector, the API's Temporal connection) tells
what state its connections are in, and retries them. Imports nothing of certflow's own, so every
layer may use it."""
