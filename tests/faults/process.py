"""`Process`: one OS process the suite starts, kills and restarts by name. Each start
writes its output to a log file of its own (`<name>.<n>.log`), so a failure can show what the
process said."""

import contextlib
import os
import signal
import subprocess
from collections.abc import Callable
from pathlib import Path

Launch = Callable[[Path], "subprocess.Popen[bytes]"]
"""Starts the process with its output going to the given log file."""


def command(argv: list[str], env: dict[str, str], cwd: Path) -> Launch:
    """How to launch `argv` in a session of its own (so a kill reaches its children too)."""

    def launch(log: Path) -> "subprocess.Popen[bytes]":
        with log.open("ab") as output:
            return subprocess.Popen(
                argv,
                env=env,
                cwd=cwd,
                stdin=subprocess.DEVNULL,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    return launch


class Process:
    def __init__(self, name: str, launch: Launch, log_dir: Path) -> None:
        self.name = name
        self._launch = launch
        self._log_dir = log_dir
        self._popen: subprocess.Popen[bytes] | None = None
        self.starts = 0

    @property
    def log(self) -> Path:
        """The log of the latest start."""
        return self._log_dir / f"{self.name}.{self.starts}.log"

    @property
    def pid(self) -> int | None:
        return self._popen.pid if self._popen else None

    @property
    def alive(self) -> bool:
        return self._popen is not None and self._popen.poll() is None

    @property
    def exit_code(self) -> int | None:
        return self._popen.poll() if self._popen else None

    def start(self) -> None:
        assert not self.alive, f"{self.name} is already running (pid {self.pid})"
        self.starts += 1
        self._popen = self._launch(self.log)

    def kill(self) -> None:
        """kill -9, as a crash or the OOM killer would: no chance to clean up."""
        self._signal(signal.SIGKILL)
        self._reap(5)

    def terminate(self) -> None:
        """SIGTERM, as an orchestrator stops a process; `stop` waits for it."""
        if self.alive:
            self._signal(signal.SIGTERM)

    def stop(self, grace: float = 10) -> None:
        """SIGTERM, and SIGKILL after `grace` seconds if it has not stopped by then."""
        if not self.alive:
            return
        self.terminate()
        if not self._reap(grace):
            self.kill()

    def _signal(self, sig: signal.Signals) -> None:
        if self._popen is None:
            return
        with contextlib.suppress(ProcessLookupError):  # already gone: its group with it
            os.killpg(self._popen.pid, sig)

    def _reap(self, seconds: float) -> bool:
        assert self._popen is not None
        try:
            self._popen.wait(timeout=seconds)
            return True
        except subprocess.TimeoutExpired:
            return False

    def tail(self, lines: int = 30) -> str:
        if not self.log.exists():
            return f"--- {self.name}: no log yet"
        last = self.log.read_text(errors="replace").splitlines()[-lines:]
        state = "running" if self.alive else f"exited {self.exit_code}"
        return "\n".join([f"--- {self.name} (start {self.starts}, pid {self.pid}, {state}), {self.log}:", *last])
