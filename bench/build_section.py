"""Section 1 — build time: our site vs bare Pelican, cold and with a restored cache.

*Cold* is a CI job on a cache miss: fresh checkout, empty cache, the cache written at the end.
*Warm* is the next CI job: a fresh checkout (every mtime new), the saved cache restored, and one
article changed by the commit. Ours and bare alternate run by run, so a slow moment of a busy
machine falls on both.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from bench.pelican_runs import (
    VARIANTS,
    BuildFailed,
    Checkout,
    prepare,
    restore_cache,
    run_pelican_measured,
    save_cache,
    touch_one_article,
)
from bench.sitegen import Site
from bench.stats import Figure, Row, Target, ratio_at_most

SECTION = "1 build"
OUR_OVERHEAD_LIMIT = 1.15
WARM_SPEEDUP = 2.0
#: Issue 16's footprint targets, ours ÷ bare Pelican.
OUTPUT_BYTES_LIMIT = 2.0
OUTPUT_FILES_LIMIT = 1.6
PEAK_RSS_LIMIT = 1.5


@dataclass
class BuildTimes:
    """Seconds per run, by (variant, "cold" | "warm")."""

    articles: int
    cached: bool = True
    requested_runs: int = 1
    runs: dict[tuple[str, str], list[float]] = field(default_factory=dict)
    #: Why the warm builds are missing, when they are.
    warm_missing: str = ""
    #: (bytes, files) of each variant's output after its last build.
    output: dict[str, tuple[int, int]] = field(default_factory=dict)
    #: Peak resident memory (bytes) of each build, by (variant, "cold" | "warm").
    peak_rss: dict[tuple[str, str], list[int]] = field(default_factory=dict)

    def figure(self, variant: str, kind: str) -> Figure:
        return Figure.of(self.runs[(variant, kind)], "s")


def measure(site: Site, runs: int, progress: Callable[[str], None],
            variants: tuple[str, ...] = VARIANTS, *, cache: bool = True,
            deadline: Callable[[float], float | None] | None = None) -> BuildTimes:
    """Rounds of builds, each a cold then a warm build of every variant (variants alternate).

    Without ``cache`` only cold builds run, with Pelican's content cache off (the fallback when a
    cached build fails, so the cold comparison is still measured). ``deadline`` turns the first
    round's seconds into the ``time.monotonic()`` by which further rounds must end (None: no
    limit): the first round always runs, a further one only when it is expected to end in time;
    the figures then show how many runs they hold.
    """
    times = BuildTimes(site.articles, cached=cache, requested_runs=runs)
    checkouts = {variant: Checkout(site, variant) for variant in variants}
    kinds = ("cold", "warm") if cache else ("cold",)
    for run in range(runs):
        started = time.monotonic()
        for kind in kinds:
            for variant, checkout in checkouts.items():
                seconds, rss = _build(checkout, kind, cache)
                times.runs.setdefault((variant, kind), []).append(seconds)
                times.peak_rss.setdefault((variant, kind), []).append(rss)
                progress(f"build {site.articles} {variant} {kind} run {run + 1}/{runs}: {seconds:.2f} s")
        round_seconds = time.monotonic() - started
        times.output = {variant: output_size(checkout.output) for variant, checkout in checkouts.items()}
        end = deadline(round_seconds) if deadline is not None else None
        if end is not None and run + 1 < runs and time.monotonic() + round_seconds > end:
            progress(f"build {site.articles}: stopping after {run + 1} of {runs} runs (time budget)")
            break
    return times


def output_size(folder: Path) -> tuple[int, int]:
    """Total bytes and number of files a build wrote."""
    files = [path for path in folder.rglob("*") if path.is_file()]
    return sum(path.stat().st_size for path in files), len(files)


def _build(checkout: Checkout, kind: str, cache: bool) -> tuple[float, int]:
    """One build: (seconds, peak resident bytes)."""
    if kind == "cold":
        settings = prepare(checkout, load_cache=False, cache=cache)
        measured = run_pelican_measured(checkout, settings)
        if cache:
            save_cache(checkout)  # what the CI job's cache step keeps
        return measured
    settings = prepare(checkout, load_cache=True)
    restore_cache(checkout)
    touch_one_article(checkout)
    return run_pelican_measured(checkout, settings)


def rows(times: BuildTimes) -> list[Row]:
    n = f"{times.articles:,} articles"
    warm_target = Target(f"warm ≤ cold / {WARM_SPEEDUP:g}",
                         lambda row: None if row.ratio is None else row.ratio <= 1 / WARM_SPEEDUP)
    cold = Row(SECTION, f"{n}, cold" + ("" if times.cached else " (content cache off)"),
               times.figure("ours", "cold"), times.figure("bare", "cold"),
               baseline_label="bare Pelican, simple theme", target=ratio_at_most(OUR_OVERHEAD_LIMIT))
    if times.output:
        cold.notes.append("output: " + ", ".join(
            f"{variant} {size / 1e6:.1f} MB in {count:,} files"
            for variant, (size, count) in sorted(times.output.items())))
    footprint = _footprint_rows(times, n)
    done = len(times.runs[("ours", "cold")])
    if done < times.requested_runs:
        cold.notes.append(f"{done} of {times.requested_runs} runs: the time budget (--budget) ran out")
    if ("ours", "warm") not in times.runs:
        return [cold, Row(SECTION, f"{n}, warm cache after fresh checkout", target=warm_target,
                          missing=times.warm_missing or "not measured"), *footprint]
    return [
        cold,
        Row(SECTION, f"{n}, warm cache after fresh checkout", times.figure("ours", "warm"),
            times.figure("bare", "warm"), baseline_label="bare Pelican, simple theme",
            target=ratio_at_most(OUR_OVERHEAD_LIMIT)),
        Row(SECTION, f"{n}, ours warm vs ours cold", times.figure("ours", "warm"),
            times.figure("ours", "cold"), ours_label="ours warm", baseline_label="ours cold",
            target=warm_target),
        Row(SECTION, f"{n}, bare warm vs bare cold", times.figure("bare", "warm"),
            times.figure("bare", "cold"), ours_label="bare warm", baseline_label="bare cold"),
        *footprint,
    ]


def _footprint_rows(times: BuildTimes, n: str) -> list[Row]:
    """Output bytes and files after the cold build, and every cold build's peak memory."""
    label = "bare Pelican, simple theme"
    out: list[Row] = []
    if {"ours", "bare"} <= set(times.output):
        (ours_bytes, ours_files), (bare_bytes, bare_files) = times.output["ours"], times.output["bare"]
        out.append(Row(SECTION, f"{n}, output bytes", Figure.of([ours_bytes / 1e6], "MB"),
                       Figure.of([bare_bytes / 1e6], "MB"), baseline_label=label,
                       target=ratio_at_most(OUTPUT_BYTES_LIMIT)))
        out.append(Row(SECTION, f"{n}, output files", Figure.of([ours_files], "files"),
                       Figure.of([bare_files], "files"), baseline_label=label,
                       target=ratio_at_most(OUTPUT_FILES_LIMIT)))
    if ("ours", "cold") in times.peak_rss and ("bare", "cold") in times.peak_rss:
        memory = Row(SECTION, f"{n}, peak memory of the cold build (RSS)",
                     Figure.of([b / 1e6 for b in times.peak_rss[("ours", "cold")]], "MB"),
                     Figure.of([b / 1e6 for b in times.peak_rss[("bare", "cold")]], "MB"),
                     baseline_label=label, target=ratio_at_most(PEAK_RSS_LIMIT))
        # wait4 reports the largest of the process and the children it waited for, and ours runs
        # Pagefind as a child at the end: the figure may be the index's, not Pelican's.
        memory.notes.append("the largest of the pelican process and its children (ours: Pagefind, "
                            "which indexes the output at the end of the build)")
        out.append(memory)
    return out


def failure(error: BuildFailed) -> str:
    return f"not available: {error.summary}"


def unavailable(articles: int, error: BuildFailed) -> list[Row]:
    return [Row(SECTION, f"{articles:,} articles", missing=failure(error))]
