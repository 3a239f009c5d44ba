"""The gallery's response-time overview: a chart drawn at build time, and the same figures as tables.

Every case with a known response time becomes a dot on a logarithmic time axis (a minute and a
day both stay readable), one row per verdict, over three bands: within the site's goal, within
``RESPONSE_GOAL_SLACK`` times the goal, and beyond (see :mod:`~pelican.plugins.engagement.cases.goal`).
The template (``engagement/gallery_overview.html``) draws it as inline SVG whose x positions are
percentages, so it scales to any width without shrinking its text and needs no chart script.
Beside it, behind a disclosure, tables give every case and the median per brand and per platform.
"""

from __future__ import annotations

import bisect
import math
import statistics
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from pelican.plugins.engagement.cases.durations import human_duration
from pelican.plugins.engagement.cases.goal import Goal

ROW_LABELS = {"beauty": "Beauties", "beast": "Beasts", "": "Rated"}
ROW_HEIGHT = 40
_TICKS = (60, 300, 900, 1800, 3600, 7200, 21600, 43200, 86400, 172800, 604800, 2419200)
_MARGIN = 3.0  # percent kept free at each end of the axis


def short_duration(seconds: int) -> str:
    """Axis text: "15 min", "2 h", "1 d", "1 wk"."""
    for size, unit in ((604800, "wk"), (86400, "d"), (3600, "h"), (60, "min")):
        if seconds >= size:
            return f"{seconds / size:.3g} {unit}"
    return f"{seconds} s"


@dataclass(frozen=True)
class Dot:
    """One case on the chart."""

    x: float  # percent of the width
    y: int
    verdict: str
    grade: str
    label: str  # "JetBlue on Twitter: 12 minutes" (the dot's <title>)
    item: Any  # the GalleryCase


@dataclass(frozen=True)
class Median:
    """A brand's or platform's median response time."""

    name: str
    cases: int
    seconds: int
    within: int  # how many of its cases were within the goal
    grade: str

    @property
    def text(self) -> str:
        return human_duration(self.seconds)


@dataclass(frozen=True)
class Overview:
    """What ``gallery_overview.html`` draws. Empty (falsy ``dots``) when no case has a time."""

    goal: Goal
    dots: tuple[Dot, ...]
    rows: tuple[tuple[str, int], ...]  # (label, y of the row's dots)
    bands: tuple[tuple[str, float, float], ...]  # (grade, x from, width), percent
    ticks: tuple[tuple[float, str], ...]
    goal_x: float
    by_brand: tuple[Median, ...]
    by_platform: tuple[Median, ...]

    @property
    def height(self) -> int:
        return len(self.rows) * ROW_HEIGHT + 26

    @property
    def counts(self) -> dict[str, int]:
        """How many dots fall in each grade (for the chart's text alternative)."""
        found = {"within": 0, "near": 0, "beyond": 0}
        for dot in self.dots:
            found[dot.grade] += 1
        return found


class _Scale:
    """Seconds → percent of the width on a log axis."""

    def __init__(self, low: int, high: int) -> None:
        self.low, self.span = math.log(low), math.log(high) - math.log(low)

    def __call__(self, seconds: int) -> float:
        share = (math.log(max(seconds, 1)) - self.low) / self.span
        return round(_MARGIN + min(max(share, 0.0), 1.0) * (100 - 2 * _MARGIN), 2)


def _ticks(scale: _Scale, low: int, high: int, goal: Goal) -> tuple[tuple[float, str], ...]:
    """Round durations inside the range, at least 20 % apart (their labels must not touch on a
    phone), always including the goal."""
    chosen = [(scale(goal.seconds), short_duration(goal.seconds))]
    for seconds in _TICKS:
        x = scale(seconds)
        if low <= seconds <= high and all(abs(x - other) >= 20 for other, _ in chosen):
            chosen.append((x, short_duration(seconds)))
    return tuple(sorted(chosen))


def _medians(items: list[Any], key: str, goal: Goal) -> tuple[Median, ...]:
    groups: dict[str, list[int]] = {}
    for item in items:
        name = getattr(item.case, key)
        if name:
            groups.setdefault(name, []).append(item.case.response_seconds)
    result = []
    for name, times in sorted(groups.items(), key=lambda pair: pair[0].lower()):
        middle = round(statistics.median(times))
        result.append(Median(name, len(times), middle, sum(1 for t in times if t <= goal.seconds),
                             goal.grade(middle)))
    return tuple(result)


def _neighbours(placed: list[float], x: float) -> int:
    """How many dots already placed (ascending, none right of ``x``) lie less than 2 % left of it.

    Only the tail of the list can (bisect), so a row of thousands of dots is not quadratic; the
    comparison itself is the original one, so the chart stays byte for byte the same.
    """
    start = bisect.bisect_left(placed, x - 2.001)
    return sum(1 for other in placed[start:] if abs(other - x) < 2)


def build(items: Iterable[Any], goal: Goal) -> Overview:
    """The overview of ``items`` (GalleryCase objects); only cases with a response time count."""
    timed = [item for item in items if item.case.response_seconds is not None]
    times = [item.case.response_seconds for item in timed] or [goal.seconds]
    low = max(30, min(min(times), goal.seconds) // 2)
    high = max(max(times) * 2, goal.limit * 2)
    scale = _Scale(low, high)
    verdicts = [v for v in ROW_LABELS if any(item.case.verdict == v for item in timed)]
    rows = tuple((ROW_LABELS[v], index * ROW_HEIGHT + 27) for index, v in enumerate(verdicts))
    dots: list[Dot] = []
    for verdict, (_label, y) in zip(verdicts, rows, strict=True):
        placed: list[float] = []
        for item in sorted((i for i in timed if i.case.verdict == verdict),
                           key=lambda i: i.case.response_seconds):
            case = item.case
            x = scale(case.response_seconds)
            crowded = _neighbours(placed, x)
            placed.append(x)
            where = f" on {case.platform}" if case.platform else ""
            dots.append(Dot(x, y + (0 if not crowded else (-6 if crowded % 2 else 6)), verdict,
                            goal.grade(case.response_seconds),
                            f"{case.brand}{where}: {case.response_text}", item))
    goal_x, limit_x = scale(goal.seconds), scale(goal.limit)
    bands = (("within", 0.0, goal_x), ("near", goal_x, limit_x - goal_x), ("beyond", limit_x, 100 - limit_x))
    return Overview(goal, tuple(dots), rows, bands, _ticks(scale, low, high, goal), goal_x,
                    _medians(timed, "brand", goal), _medians(timed, "platform", goal))
