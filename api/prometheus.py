"""The Prometheus text exposition format (0.0.4), written by hand: a few gauges and counters
do not justify a dependency."""

from collections.abc import Sequence
from dataclasses import dataclass, field

from api.models.operations import Pollers
from api.queries.projector import ProjectionLag
from projections.heartbeats import PROJECTOR, Heartbeat, ProcessKind
from workflows.tally import CommandTally

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"

_METRICS = (
    ("certflow_projector_lag_events", "gauge", "Event log positions past the projection's checkpoint.", "lag_events"),
    (
        "certflow_projector_lag_seconds",
        "gauge",
        "Seconds since the checkpoint moved, while the projection is behind.",
        "lag_seconds",
    ),
    ("certflow_events_projected_total", "counter", "Events the projection has applied.", "events_applied"),
)


@dataclass
class Sources:
    """What /metrics could read, and which of its sources answered."""

    lags: Sequence[ProjectionLag] = ()
    heartbeats: Sequence[Heartbeat] = ()
    pollers: Pollers | None = None
    up: dict[str, bool] = field(default_factory=dict)
    """Per source ("database", "temporal"): whether it could be read for this scrape."""
    heartbeat_stale_seconds: float = 10.0


def _label(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def _family(name: str, kind: str, help_text: str) -> list[str]:
    return [f"# HELP {name} {help_text}", f"# TYPE {name} {kind}"]


def exposition(sources: Sources, tally: CommandTally | None = None) -> str:
    lines = _family("certflow_source_up", "gauge", "Whether /metrics could read the source (1) or not (0).")
    lines += [f'certflow_source_up{{source="{_label(s)}"}} {int(up)}' for s, up in sorted(sources.up.items())]
    for name, kind, help_text, attribute in _METRICS:
        lines += _family(name, kind, help_text)
        lines += [
            f'{name}{{projection="{_label(lag.projection)}"}} {_number(getattr(lag, attribute))}'
            for lag in sources.lags
        ]
    if sources.up.get("database"):
        lines += _projector(sources)
        lines += _workers([b for b in sources.heartbeats if b.kind == ProcessKind.WORKER])
    if sources.pollers is not None:
        lines += _pollers(sources.pollers)
    if tally is not None:
        lines += _commands(tally)
    return "\n".join(lines) + "\n"


def _projector(sources: Sources) -> list[str]:
    leader = next((b for b in sources.heartbeats if b.process == PROJECTOR), None)
    leading = leader is not None and leader.age_seconds <= sources.heartbeat_stale_seconds
    lines = _family("certflow_projector_leading", "gauge", "1 while a projector leads (its heartbeat is fresh).")
    lines.append(f"certflow_projector_leading {int(leading)}")
    if leader is not None:
        name = "certflow_projector_heartbeat_age_seconds"
        lines += _family(name, "gauge", "Seconds since the leading projector's last heartbeat.")
        lines.append(f"{name} {_number(round(leader.age_seconds, 3))}")
    return lines


def _workers(workers: Sequence[Heartbeat]) -> list[str]:
    families = (
        (
            "certflow_worker_heartbeat_age_seconds",
            "gauge",
            "Seconds since the worker's last heartbeat.",
            lambda w: round(w.age_seconds, 3),
        ),
        (
            "certflow_worker_appends_total",
            "counter",
            "Appends the worker made, as of its last heartbeat.",
            lambda w: w.appends,
        ),
        (
            "certflow_worker_append_failures_total",
            "counter",
            "Appends that failed on the database, as of the worker's last heartbeat.",
            lambda w: w.append_failures,
        ),
    )
    lines: list[str] = []
    for name, kind, help_text, value in families:
        lines += _family(name, kind, help_text)
        lines += [f'{name}{{worker="{_label(w.holder)}"}} {_number(value(w))}' for w in workers]
    return lines


def _pollers(pollers: Pollers) -> list[str]:
    name = "certflow_worker_pollers"
    lines = _family(name, "gauge", "Workers that polled the task queue lately, by task type (0: no worker).")
    queue = _label(pollers.task_queue)
    lines.append(f'{name}{{task_queue="{queue}",type="workflow"}} {pollers.workflow}')
    lines.append(f'{name}{{task_queue="{queue}",type="activity"}} {pollers.activity}')
    return lines


def _commands(tally: CommandTally) -> list[str]:
    name = "certflow_commands_total"
    lines = _family(name, "counter", "Commands this process sent to certification workflows, by outcome.")
    lines += [f'{name}{{type="{_label(t)}",outcome="accepted"}} {n}' for t, n in sorted(tally.accepted.items())]
    lines += [
        f'{name}{{type="{_label(t)}",outcome="refused",kind="{_label(k)}",rule="{_label(r)}"}} {n}'
        for (t, k, r), n in sorted(tally.refused.items())
    ]
    return lines
