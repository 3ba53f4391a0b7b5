"""`Outcome`: what one fault did, in the figures the issue asks the note to give (recovery
time, commands acknowledged / lost / doubled, 5xx answers) and every broken promise found
along the way. A scenario records all it sees before asserting, so a failing run still says
how far the service got."""

from dataclasses import dataclass, field

from tests.faults.ledger import Ledger
from tests.faults.load import Load


@dataclass
class Outcome:
    fault: str
    noticed_seconds: float | None = None
    """From the fault until /readyz said "not ready"; None: not within the bound."""
    recovery_seconds: float | None = None
    """From the repair (the part started again) until a new command was acknowledged and
    projected and /readyz said ready (`Service.recovers`); None: not within the bound."""
    acknowledged: int = 0
    lost: int = 0
    """Acknowledged, but its events are not all in the log."""
    doubled: int = 0
    """Events recorded twice: more than the answer listed, or one admission step twice in a stream."""
    server_errors: int = 0
    """Answers 5xx other than 503 (503 says "send again", which a client can act on)."""
    unavailable: int = 0
    hung: int = 0
    """Requests with no answer within the clients' timeout."""
    violations: list[str] = field(default_factory=list)

    def violated(self, promise: str) -> None:
        self.violations.append(promise)

    def check(self, holds: bool, promise: str) -> None:
        if not holds:
            self.violated(promise)

    async def account(self, load: Load, ledger: Ledger) -> None:
        """Counts what the clients were told against what the log holds."""
        attempts = list(load.attempts)
        self.server_errors = sum(a.server_error for a in attempts)
        self.unavailable = sum(a.status == 503 for a in attempts)
        self.hung = sum(a.hung for a in attempts)
        acknowledged = load.acknowledged
        self.acknowledged = len(acknowledged)
        logged = await ledger.events_per_command(s.answer["command_id"] for s in acknowledged if s.answer)
        repeats = await ledger.repeats({s.answer["certification_id"] for s in acknowledged if s.answer})
        for sent in acknowledged:
            assert sent.answer is not None
            answered, stored = len(sent.answer["events"]), logged.get(sent.answer["command_id"], 0)
            if stored == 0 or stored < answered:
                self.lost += 1
            elif stored > answered and not sent.answer["duplicate"]:
                self.doubled += 1
            if sent.answer["duplicate"] and not sent.answer["events"]:
                self.violated(f"a repeat answered 'duplicate, no events', not its first answer: {sent.describe()}")
        self.doubled += sum(repeats.values())
        self.check(self.lost == 0, f"{self.lost} acknowledged commands lost")
        self.check(self.doubled == 0, f"{self.doubled} events doubled: {repeats}")
        self.check(self.server_errors == 0, f"{self.server_errors} answers 5xx other than 503")
        self.check(self.hung == 0, f"{self.hung} requests unanswered within the clients' timeout")
        for sent in load.sent:
            if sent.refusal is not None:
                self.violated(f"refused: {sent.describe()}: {sent.refusal}")
            elif not sent.acknowledged:
                self.violated(f"never acknowledged: {sent.describe()}")
        gaps = await ledger.gaps()
        self.check(not gaps, "streams with gaps: " + "; ".join(map(str, gaps)))

    def row(self) -> str:
        noticed = f"{self.noticed_seconds:.1f} s" if self.noticed_seconds is not None else "never"
        recovery = f"{self.recovery_seconds:.1f} s" if self.recovery_seconds is not None else "never"
        verdict = "ok" if not self.violations else f"{len(self.violations)} broken promises"
        return (
            f"{self.fault:<38} {noticed:>8} {recovery:>9} {self.acknowledged:>6} {self.lost:>5} {self.doubled:>7} "
            f"{self.server_errors:>4} {self.unavailable:>4} {self.hung:>5}  {verdict}"
        )

    def explain(self) -> str:
        return "\n".join([f"{self.fault}:", *(f"  - {v}" for v in self.violations)])


HEADER = (
    f"{'fault':<38} {'noticed':>8} {'recovered':>9} {'acked':>6} {'lost':>5} {'doubled':>7} {'5xx':>4} {'503':>4}"
    f" {'hung':>5}  verdict"
)


ROW = "fault outcome"
"""The name a scenario's table row travels under in its test report (from an xdist worker too)."""
