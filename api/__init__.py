"""certflow's HTTP face: the Secretariat's oversight API and dashboard, the public register,
and the health and metrics endpoints operators scrape. It only reads the read models."""

from api.app import create_app
from api.server import serve

__all__ = ["create_app", "serve"]
