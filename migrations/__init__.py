"""Alembic migrations of certflow's database: the event log and the notification outbox."""

from pathlib import Path

from alembic import command
from alembic.config import Config

LOCATION = Path(__file__).parent


def alembic_config(database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(LOCATION))
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def upgrade(database_url: str, revision: str = "head") -> None:
    """Runs in a thread of its own: alembic's env drives its own event loop."""
    command.upgrade(alembic_config(database_url), revision)
