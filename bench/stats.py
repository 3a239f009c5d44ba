"""Figures (several measurements of one thing) and the rows of the result table.

Every number the suite prints is a :class:`Figure`: the median of its runs with the spread
(min–max) beside it, so a reader sees at once whether a difference is larger than the noise.
Ratios are always taken between two figures measured side by side in the same run.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Figure:
    """Repeated measurements of one quantity, in one unit (``s``, ``ms``, ``req/s``, ``KB``, …)."""

    values: tuple[float, ...]
    unit: str

    @classmethod
    def of(cls, values: Sequence[float], unit: str) -> Figure:
        if not values:
            raise ValueError("a figure needs at least one measurement")
        return cls(tuple(float(v) for v in values), unit)

    @property
    def median(self) -> float:
        return statistics.median(self.values)

    @property
    def low(self) -> float:
        return min(self.values)

    @property
    def high(self) -> float:
        return max(self.values)

    def show(self) -> str:
        """``6.61 s [6.50–6.90] ×3``: median, spread and the number of runs."""
        if len(self.values) == 1:
            return f"{_fmt(self.median)} {self.unit} ×1"
        return (f"{_fmt(self.median)} {self.unit} [{_fmt(self.low)}–{_fmt(self.high)}]"
                f" ×{len(self.values)}")


def _fmt(value: float) -> str:
    magnitude = abs(value)
    if magnitude >= 100 or value == int(value):
        return f"{value:,.0f}"
    if magnitude >= 10:
        return f"{value:.1f}"
    if magnitude >= 1:
        return f"{value:.2f}"
    return f"{value:.3f}"


@dataclass(frozen=True)
class Target:
    """A goal from the issue, checked against a row's ratio or its own value."""

    text: str
    check: Callable[[Row], bool | None]


@dataclass
class Row:
    """One line of the result table: ours next to the baseline measured in the same run.

    ``ratio`` is ours/baseline of the medians. A row with ``missing`` set could not be measured
    (a part of the project is not there yet, a tool is missing) and says why instead.
    """

    section: str
    measure: str
    ours: Figure | None = None
    baseline: Figure | None = None
    ours_label: str = "ours"
    baseline_label: str = ""
    target: Target | None = None
    missing: str = ""
    notes: list[str] = field(default_factory=list)

    @property
    def ratio(self) -> float | None:
        if self.ours is None or self.baseline is None or self.baseline.median == 0:
            return None
        return self.ours.median / self.baseline.median

    def verdict(self) -> str:
        if self.missing:
            return "not measured"
        if self.target is None:
            return ""
        result = self.target.check(self)
        if result is None:
            return "?"
        return "met" if result else "MISSED"


def ratio_at_most(limit: float) -> Target:
    return Target(f"ours/baseline ≤ {limit:g}", lambda row: None if row.ratio is None
                  else row.ratio <= limit)


def ratio_at_least(limit: float) -> Target:
    return Target(f"ours/baseline ≥ {limit:g}", lambda row: None if row.ratio is None
                  else row.ratio >= limit)


def value_at_most(limit: float, text: str) -> Target:
    return Target(text, lambda row: None if row.ours is None else row.ours.median <= limit)


def percentile(samples: Sequence[float], fraction: float) -> float:
    """The nearest-rank percentile (p50, p99) of latency samples."""
    if not samples:
        raise ValueError("no samples")
    ordered = sorted(samples)
    rank = max(1, min(len(ordered), math.ceil(fraction * len(ordered))))
    return ordered[rank - 1]
