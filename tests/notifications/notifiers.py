"""`certflow notifier` as a process of its own, as it runs in production: started with its
settings in the environment, its log lines (JSON) kept in a file, stopped or killed by signal."""

import asyncio
import json
import os
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

CERTFLOW = Path(sys.executable).parent / "certflow"


@dataclass
class Notifier:
    process: "subprocess.Popen[bytes]"
    log: Path

    def lines(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self.log.read_text().splitlines() if line.startswith("{")]

    def sent(self) -> int:
        return sum(line.get("sent", 0) for line in self.lines() if line.get("event") == "deliveries sent")

    async def listening(self, seconds: float = 60.0) -> None:
        async with asyncio.timeout(seconds):
            while not any(line.get("state") == "listening" for line in self.lines()):
                assert self.process.poll() is None, f"the notifier exited:\n{self.log.read_text()}"
                await asyncio.sleep(0.05)

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(10)

    async def stop(self, seconds: float = 30.0) -> int:
        """SIGTERM, then its exit status (it must stop by itself within `seconds`)."""
        self.process.send_signal(signal.SIGTERM)
        async with asyncio.timeout(seconds):
            while (status := self.process.poll()) is None:  # noqa: ASYNC110 - another process's exit
                await asyncio.sleep(0.05)
        return status


def start_notifier(database_url: str, smtp_port: int, workdir: Path, name: str, **settings: object) -> Notifier:
    """`certflow notifier` against `database_url`, mailing to `smtp_port`; `settings` are
    Settings fields (delivery_lease_seconds=1, say)."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "CERTFLOW_SMTP_PORT": str(smtp_port),
        "CERTFLOW_LOG_FORMAT": "json",
        **{f"CERTFLOW_{key.upper()}": str(value) for key, value in settings.items()},
    }
    log = workdir / f"{name}.log"
    with log.open("wb") as out:
        # cwd: the workdir, so no .env of the checkout's is read.
        process = subprocess.Popen([str(CERTFLOW), "notifier"], env=env, cwd=workdir, stdout=out, stderr=out)
    return Notifier(process, log)
