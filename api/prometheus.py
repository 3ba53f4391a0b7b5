"""The Prometheus text exposition format (0.0.4), written by hand: a few gauges and counters
do not justify a dependency."""

from collections.abc import Sequence

from api.queries.projector import ProjectionLag
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


def _label(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def exposition(lags: Sequence[ProjectionLag], tally: CommandTally | None = None) -> str:
    lines = []
    for name, kind, help_text, field in _METRICS:
        lines += [f"# HELP {name} {help_text}", f"# TYPE {name} {kind}"]
        lines += [f'{name}{{projection="{_label(lag.projection)}"}} {_number(getattr(lag, field))}' for lag in lags]
    if tally is not None:
        lines += _commands(tally)
    return "\n".join(lines) + "\n"


def _commands(tally: CommandTally) -> list[str]:
    name = "certflow_commands_total"
    lines = [f"# HELP {name} Commands this process sent to certification workflows, by outcome.",
             f"# TYPE {name} counter"]
    lines += [f'{name}{{type="{_label(t)}",outcome="accepted"}} {n}' for t, n in sorted(tally.accepted.items())]
    lines += [
        f'{name}{{type="{_label(t)}",outcome="refused",kind="{_label(k)}",rule="{_label(r)}"}} {n}'
        for (t, k, r), n in sorted(tally.refused.items())
    ]
    return lines
