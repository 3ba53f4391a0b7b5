"""The percentile the lag and query benchmarks report (bench/roundtrip.py keeps its nearest rank)."""

from collections.abc import Sequence


def percentile_ms(seconds: Sequence[float], q: float) -> float:
    """The sample at index int(q * n) of the n sorted samples (the last one at most), in ms."""
    ordered = sorted(seconds)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000
