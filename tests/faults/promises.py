"""What every scenario checks, in its outcome: while the fault lasts, /readyz says "not
ready"; once it is repaired, the service takes commands and says ready again, the read models
catch up, the clients' commands were all answered, every process but the one the fault
replaced is the same process as before, and the log holds each acknowledged command's events
exactly once with no gaps."""

import time

from tests.faults.bounds import NOTICE_WITHIN, RECOVER_WITHIN
from tests.faults.load import Load
from tests.faults.outcome import Outcome
from tests.faults.process import Process
from tests.faults.service import Service

FINISH_WITHIN = 5.0
"""Once recovered, the clients' remaining commands (a few each) are answered within this."""


async def said_not_ready(service: Service, outcome: Outcome, fault: str) -> None:
    """/readyz says "not ready" within NOTICE_WITHIN of `fault` ("the worker was killed")."""
    outcome.noticed_seconds = await service.readiness.becomes(False, within=NOTICE_WITHIN)
    outcome.check(
        outcome.noticed_seconds is not None,
        f"/readyz still ready {NOTICE_WITHIN} s after {fault}: {service.readiness.last.said}",
    )


async def assess_recovery(
    service: Service,
    outcome: Outcome,
    load: Load,
    repaired_at: float,
    before: dict[str, int | None],
    replaced: tuple[Process, ...] = (),
) -> None:
    """`repaired_at`: the time.monotonic() the fault was repaired; `before`: the processes'
    ids when it struck; `replaced`: the processes the scenario itself killed and started."""
    outcome.recovery_seconds = await service.recovers(RECOVER_WITHIN, since=repaired_at)
    if outcome.recovery_seconds is None:
        outcome.violated(
            f"not working again {RECOVER_WITHIN} s after the repair: a new command was answered "
            f"{service.probe_said}; /readyz says {(await service.readiness.now()).said}"
        )
    finished = await load.finished(max(0.0, repaired_at + RECOVER_WITHIN - time.monotonic()) + FINISH_WITHIN)
    outcome.check(finished, f"clients' commands still unanswered {RECOVER_WITHIN + FINISH_WITHIN} s after the repair")
    # Once the clients are done, the log stands still and the read models can be compared with it.
    behind = await service.projections_caught_up(RECOVER_WITHIN + FINISH_WITHIN, since=repaired_at)
    outcome.check(not behind, f"read models not caught up with the log: {behind[:5]}")
    for process in service.processes:
        if process in replaced:
            continue
        outcome.check(process.alive, f"the {process.name} exited ({process.exit_code}) instead of recovering")
        outcome.check(process.pid == before[process.name], f"the {process.name} was restarted")
    await outcome.account(load, service.ledger)
