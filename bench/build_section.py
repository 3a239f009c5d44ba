"""Section 1 — build time: our site vs bare Pelican, cold and with a restored cache.

*Cold* is a CI job on a cache miss: fresh checkout, empty cache, the cache written at the end.
*Warm* is the next CI job: a fresh checkout (every mtime new), the saved cache restored, and one
article changed by the commit. Ours and bare alternate run by run, so a slow moment of a busy
machine falls on both.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from bench.pelican_runs import (
    VARIANTS,
    BuildFailed,
    Checkout,
    prepare,
    restore_cache,
    run_pelican,
    save_cache,
    touch_one_article,
)
from bench.sitegen import Site
from bench.stats import Figure, Row, Target, ratio_at_most

SECTION = "1 build"
OUR_OVERHEAD_LIMIT = 1.15
WARM_SPEEDUP = 2.0


@dataclass
class BuildTimes:
    """Seconds per run, by (variant, "cold" | "warm")."""

    articles: int
    runs: dict[tuple[str, str], list[float]] = field(default_factory=dict)

    def figure(self, variant: str, kind: str) -> Figure:
        return Figure.of(self.runs[(variant, kind)], "s")


def measure(site: Site, runs: int, progress: Callable[[str], None]) -> BuildTimes:
    """Cold then warm builds of both variants, ``runs`` of each, alternating the variants."""
    times = BuildTimes(site.articles)
    checkouts = {variant: Checkout(site, variant) for variant in VARIANTS}
    for kind in ("cold", "warm"):
        for run in range(runs):
            for variant, checkout in checkouts.items():
                if kind == "cold":
                    settings = prepare(checkout, load_cache=False)
                else:
                    settings = prepare(checkout, load_cache=True)
                    restore_cache(checkout)
                    touch_one_article(checkout)
                seconds = run_pelican(checkout, settings)
                times.runs.setdefault((variant, kind), []).append(seconds)
                progress(f"build {site.articles} {variant} {kind} run {run + 1}/{runs}: {seconds:.2f} s")
                if kind == "cold" and run == runs - 1:
                    save_cache(checkout)
    return times


def rows(times: BuildTimes) -> list[Row]:
    n = f"{times.articles:,} articles"
    warm_target = Target(f"warm ≤ cold / {WARM_SPEEDUP:g}",
                         lambda row: None if row.ratio is None else row.ratio <= 1 / WARM_SPEEDUP)
    return [
        Row(SECTION, f"{n}, cold", times.figure("ours", "cold"), times.figure("bare", "cold"),
            baseline_label="bare Pelican, simple theme", target=ratio_at_most(OUR_OVERHEAD_LIMIT)),
        Row(SECTION, f"{n}, warm cache after fresh checkout", times.figure("ours", "warm"),
            times.figure("bare", "warm"), baseline_label="bare Pelican, simple theme",
            target=ratio_at_most(OUR_OVERHEAD_LIMIT)),
        Row(SECTION, f"{n}, ours warm vs ours cold", times.figure("ours", "warm"),
            times.figure("ours", "cold"), ours_label="ours warm", baseline_label="ours cold",
            target=warm_target),
        Row(SECTION, f"{n}, bare warm vs bare cold", times.figure("bare", "warm"),
            times.figure("bare", "cold"), ours_label="bare warm", baseline_label="bare cold"),
    ]


def unavailable(articles: int, error: BuildFailed) -> list[Row]:
    first_line = str(error).splitlines()[0]
    return [Row(SECTION, f"{articles:,} articles", missing=f"build failed: {first_line}")]
