"""`Service`: certflow deployed as separate processes, as docker-compose.yml runs it: a
PostgreSQL server and a Temporal dev server of the suite's own, and `certflow worker`,
`certflow api` and `certflow projector` configured by their environment (CERTFLOW_*,
DATABASE_URL). A scenario breaks one part (`service.worker.kill()`, `service.postgres.stop()`)
and watches the rest; the probes here say when the whole is working again."""

import asyncio
import os
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from contextlib import AsyncExitStack
from pathlib import Path

import httpx

from certflow.binaries import installed
from eventstore.database import create_engine
from tests.api.journey import http_call
from tests.api.serving import free_port
from tests.databases import own_database
from tests.faults.bounds import START_WITHIN
from tests.faults.ledger import Ledger
from tests.faults.load import Load
from tests.faults.postgres import Postgres
from tests.faults.process import Process, command
from tests.faults.readiness import ReadinessProbe
from tests.faults.temporal_server import TemporalServer
from tests.people import People, register
from tests.scenario import MEMBER, Story


def _port_pair() -> int:
    """A free port whose +1000 is free too (the dev server's UI listens there)."""
    while True:
        port = free_port()
        if port + 1000 < 65536:
            with socket.socket() as probe:
                try:
                    probe.bind(("127.0.0.1", port + 1000))
                    return port
                except OSError:
                    continue


class Service:
    def __init__(self, log_dir: Path) -> None:
        self._log_dir = log_dir
        self._own_dir = Path(tempfile.mkdtemp(prefix="certflow-faults-"))
        self._stack = AsyncExitStack()
        self.postgres = Postgres(self._own_dir / "postgres")
        self.temporal = TemporalServer(f"127.0.0.1:{_port_pair()}", self._own_dir / "temporal")
        self.api_url = f"http://127.0.0.1:{free_port()}"
        self.readiness = ReadinessProbe(self.api_url)
        self.people = People()
        self.database_url = ""
        self._ledger: Ledger | None = None
        self.probe_said = "no probe sent yet"
        """What the latest command `recovers` sent was answered."""
        self.worker = self._certflow("worker")
        self.api = self._certflow("api")
        self.projector = self._certflow("projector")

    @property
    def ledger(self) -> Ledger:
        assert self._ledger is not None, "the service has not started"
        return self._ledger

    @property
    def processes(self) -> tuple[Process, ...]:
        return (self.worker, self.api, self.projector)

    def _certflow(self, name: str) -> Process:
        def launch(log: Path) -> "subprocess.Popen[bytes]":
            # The environment as of this start: the database URL is known only once it exists.
            return command([installed("certflow"), name], self._environment(), self._own_dir)(log)

        return Process(name, launch, self._log_dir)

    def _environment(self) -> dict[str, str]:
        inherited = {k: v for k, v in os.environ.items() if not k.startswith("CERTFLOW_") and k != "DATABASE_URL"}
        return {
            **inherited,
            "DATABASE_URL": self.database_url,
            "CERTFLOW_TEMPORAL_ADDRESS": self.temporal.address,
            "CERTFLOW_TASK_QUEUE": "certflow-faults",
            "CERTFLOW_API_HOST": "127.0.0.1",
            "CERTFLOW_API_PORT": self.api_url.rpartition(":")[2],
            "CERTFLOW_LOG_FORMAT": "json",
            # How old a worker's or the projector's heartbeat may be before /readyz says it is
            # gone (10 s by default): short, so that a scenario sees a killed part noticed in
            # a few seconds, well within NOTICE_WITHIN.
            "CERTFLOW_HEARTBEAT_STALE_SECONDS": "4",
            "PYTHONUNBUFFERED": "1",
        }

    async def _start_temporal_on_free_ports(self, attempts: int = 3) -> None:
        """The first start, on other ports if a probed one was taken before the server bound it
        (another test process may be starting servers too)."""
        for attempt in range(attempts):
            try:
                await self.temporal.start(START_WITHIN)
                return
            except RuntimeError:
                if self.temporal.alive or attempt == attempts - 1:
                    raise
                self.temporal = TemporalServer(f"127.0.0.1:{_port_pair()}", self._own_dir / f"temporal-{attempt + 1}")

    async def start(self) -> None:
        """Everything, from empty data directories: a migrated database, people with tokens.
        What does not depend on each other starts side by side (two shared cores)."""
        await asyncio.gather(asyncio.to_thread(self.postgres.start), self._start_temporal_on_free_ports())
        self.database_url = await self._stack.enter_async_context(own_database(self.postgres.url(), "certflow_faults"))
        self._ledger = Ledger(self.database_url)
        for process in self.processes:
            process.start()
        engine = create_engine(self.database_url)
        try:
            self.people = await register(engine)  # while the processes start
        finally:
            await engine.dispose()
        await self.whole()

    async def whole(self) -> None:
        """Starts whatever is not running and waits until the service takes commands: what
        each scenario begins from, whatever the one before it left."""
        if not self.postgres.running:
            self.postgres.start()
        if not self.temporal.alive:
            await self.temporal.start(START_WITHIN)
        for process in self.processes:
            if not process.alive:
                process.start()
        # Known by what they do, not by what they log: the probe needs every one of them.
        if await self.recovers(START_WITHIN) is None:
            raise RuntimeError(f"the service did not take a command within {START_WITHIN} s\n{self.tails()}")

    async def api_answers(self, within: float) -> None:
        """Waits until the API process answers /healthz (it needs neither Temporal nor the worker)."""
        deadline = time.monotonic() + within
        async with httpx.AsyncClient(base_url=self.api_url, timeout=2) as client:
            while True:
                try:
                    if (await client.get("/healthz")).status_code == 200:
                        return
                except httpx.HTTPError:
                    pass
                if not self.api.alive or time.monotonic() > deadline:
                    raise RuntimeError(f"the API did not answer /healthz within {within} s\n{self.api.tail()}")
                await asyncio.sleep(0.1)

    def stop_processes(self) -> None:
        """SIGTERM to each, side by side; SIGKILL to any still running 5 s later."""
        for process in self.processes:
            process.terminate()
        for process in self.processes:
            process.stop(grace=5)

    async def close(self) -> None:
        self.stop_processes()
        self.temporal.stop()
        if self._ledger is not None:
            await self._ledger.close()
        if self.database_url and not self.postgres.running:
            self.postgres.start()  # to drop the database as own_database does
        try:
            await self._stack.aclose()
        finally:
            self.postgres.close()
            shutil.rmtree(self._own_dir, ignore_errors=True)

    def load(self, certifications: int, label: str) -> Load:
        return Load(self.api_url, self.people, certifications, label)

    def pids(self) -> dict[str, int | None]:
        return {process.name: process.pid for process in self.processes}

    async def recovers(self, within: float, since: float | None = None) -> float | None:
        """Seconds since `since` (a time.monotonic(); default now) until the service works
        again, or None if not within `within` of it: a new certification's application is
        acknowledged (API, Temporal, worker and PostgreSQL all took part), the projector has
        put it in the read model, and /readyz says ready."""
        started = time.monotonic() if since is None else since
        deadline = started + within
        path, body = http_call(Story().apply_command(), None)
        headers = {**self.people.bearer(MEMBER), "Idempotency-Key": f"faults-probe-{uuid.uuid4()}"}
        certification_id: str | None = None
        async with httpx.AsyncClient(base_url=self.api_url) as client:
            while time.monotonic() < deadline:
                if certification_id is None:
                    try:
                        timeout = max(0.5, deadline - time.monotonic())
                        response = await client.post(path, json=body, headers=headers, timeout=timeout)
                        self.probe_said = f"{response.status_code} {response.text[:200]}"
                        certification_id = response.json()["certification_id"] if response.is_success else None
                    except httpx.HTTPError as error:
                        self.probe_said = f"no answer: {type(error).__name__}"
                if (
                    certification_id is not None
                    and await self.ledger.projected(certification_id)
                    and (await self.readiness.now()).ready
                ):
                    return time.monotonic() - started
                await asyncio.sleep(0.2)
        return None

    async def projections_caught_up(self, within: float, since: float | None = None) -> list[str]:
        """Waits for the read models to match the log; what still differs `within` seconds
        after `since` (a time.monotonic(); default now)."""
        deadline = (time.monotonic() if since is None else since) + within
        while True:
            try:
                behind = await self.ledger.projections_behind()
            except Exception as error:  # PostgreSQL itself unreachable: that is behind too
                behind = [f"the ledger could not be read: {type(error).__name__}: {error}"]
            if not behind or time.monotonic() > deadline:
                return behind
            await asyncio.sleep(0.2)

    def tails(self) -> str:
        parts = [p.tail() for p in self.processes] + [self.temporal.tail(), self.postgres.tail()]
        return "\n".join([f"/readyz last said: {self.readiness.last.said}", *parts])
