"""`TemporalServer`: the Temporal dev server as `certflow dev` runs it (certflow/dev.py
`start_temporal`), persisting to a file under the suite's directory so that workflows outlive
a stop and start; the suite stops it to start other parts before it."""

import asyncio
import subprocess
import time
from pathlib import Path

from temporalio.client import Client

from certflow.dev import start_temporal
from certflow.settings import Settings


class TemporalServer:
    def __init__(self, address: str, data_dir: Path) -> None:
        self.address = address
        self._settings = Settings(temporal_address=address, data_dir=data_dir)
        self._server: subprocess.Popen[bytes] | None = None

    @property
    def alive(self) -> bool:
        return self._server is not None and self._server.poll() is None

    async def start(self, within: float) -> None:
        """Starts the server and waits until it takes a client's connection."""
        self._server = start_temporal(self._settings)
        deadline = time.monotonic() + within
        while True:
            if not self.alive:
                raise RuntimeError(f"the Temporal dev server exited\n{self.tail()}")
            try:
                await Client.connect(self.address)
                return
            except RuntimeError as refused:
                if time.monotonic() > deadline:
                    message = f"the Temporal dev server did not come up within {within} s\n{self.tail()}"
                    raise RuntimeError(message) from refused
                await asyncio.sleep(0.2)

    def stop(self) -> None:
        if self._server is None or not self.alive:
            return
        self._server.terminate()
        try:
            self._server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self._server.kill()
            self._server.wait()

    def tail(self, lines: int = 15) -> str:
        log = self._settings.data_dir / "temporal.log"
        said = log.read_text(errors="replace").splitlines()[-lines:] if log.exists() else []
        return "\n".join([f"--- temporal ({'running' if self.alive else 'stopped'}), {log}:", *said])
