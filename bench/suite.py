"""The sections of the suite, each turning command-line options into rows of the table.

Sites are generated once per size and shared between sections: the approval section works on the
largest site the build section just built.
"""

from __future__ import annotations

import argparse
import importlib.util
import time
from pathlib import Path

from bench import approval_section, build_section, endpoint_section, pageweight
from bench.cli import progress
from bench.isso import IssoUnavailable
from bench.pelican_runs import BuildFailed, Checkout, build_once, prepare, run_pelican
from bench.servers import ServerFailed
from bench.sitegen import Site, generate
from bench.stats import Figure, Row

_sites: dict[int, Site] = {}
_build_times: dict[int, build_section.BuildTimes] = {}
SHOWCASE_KEY = -1
SHOWCASE_ARTICLES = 12
#: The site's origin as the endpoint sees it (the Origin header our clients send); nothing listens.
ENDPOINT_SITE_URL = "http://127.0.0.1:8000"


def site_of(args: argparse.Namespace, articles: int) -> Site:
    """The generated site of ``articles`` articles (generated on first use in this run)."""
    if articles not in _sites:
        root: Path = args.workdir / f"site-{articles}"
        progress(f"generating {articles} articles with {args.comments} comments each in {root}")
        _sites[articles] = generate(root, articles, args.comments)
    return _sites[articles]


def _first_line(error: Exception) -> str:
    summary = getattr(error, "summary", "") or str(error).splitlines()[0]
    return f"not available: {summary}"


#: Seconds the other sections need at the default sizes, kept free when the builds share the budget.
RESERVED = {"approval": 45.0, "endpoint": 160.0, "weight": 45.0}


def _time_left(args: argparse.Namespace) -> float:
    """Seconds left for the builds: the budget minus what the other chosen sections need."""
    if not args.budget:
        return float("inf")
    reserve = sum(RESERVED[name] for name in args.only if name in RESERVED)
    return args.started + args.budget - reserve - time.monotonic()


def _deadline(args: argparse.Namespace, articles: int, sizes_left: list[int]) -> float | None:
    """When the builds of this size should end: its share (by article count) of the time left."""
    left = _time_left(args)
    if left == float("inf"):
        return None
    return time.monotonic() + max(0.0, left) * articles / sum(sizes_left)


def _first_round(times: build_section.BuildTimes) -> float:
    return sum(runs[0] for runs in times.runs.values())


def build(args: argparse.Namespace) -> list[Row]:
    rows: list[Row] = []
    sizes = sorted(args.sizes)
    previous: tuple[int, float] | None = None  # (articles, seconds to generate and build one round)
    for position, articles in enumerate(sizes):
        if previous is not None:
            expected = previous[1] * articles / previous[0]
            if expected > _time_left(args):
                rows.append(Row(build_section.SECTION, f"{articles:,} articles", missing=(
                    f"skipped: one round would take about {expected:.0f} s (scaled from "
                    f"{previous[0]:,} articles), more than the time budget left; run with --budget 0")))
                progress(f"build {articles}: skipped, about {expected:.0f} s expected")
                continue
        started = time.monotonic()
        site = site_of(args, articles)
        generating = time.monotonic() - started
        deadline = _deadline(args, articles, sizes[position:])
        try:
            times = build_section.measure(site, args.runs, progress, deadline=deadline)
        except BuildFailed as error:
            progress(f"{error}\nretrying cold builds with the content cache off")
            try:
                times = build_section.measure(site, args.runs, progress, cache=False, deadline=deadline)
            except BuildFailed as second:
                progress(str(second))
                rows.extend(build_section.unavailable(articles, second))
                continue
            times.warm_missing = build_section.failure(error)
        previous = (articles, generating + _first_round(times))
        _build_times[articles] = times
        rows.extend(build_section.rows(times))
        if args.profile and articles == min(args.sizes):
            _profile_build(site, times.cached, _profile_path(args, f"build-{articles}.txt"))
    return rows


def _profile_path(args: argparse.Namespace, name: str) -> Path | None:
    return args.workdir / "profiles" / name if args.profile else None


def _profile_build(site: Site, cached: bool, output: Path | None) -> None:
    """One more cold build of ours under pyinstrument (not counted in the table)."""
    checkout = Checkout(site, "ours")
    settings = prepare(checkout, load_cache=False, cache=cached)
    run_pelican(checkout, settings, profile=output)
    progress(f"profile of the {site.articles}-article build in {output}")


def approval(args: argparse.Namespace) -> list[Row]:
    if importlib.util.find_spec("engagement.rebuild") is None:
        return [Row(approval_section.SECTION, "approve to page",
                    missing="not available yet: engagement.rebuild (the fast page update)")]
    # The largest site the build section built (it may have skipped one for the time budget).
    articles = max(_build_times) if _build_times else max(args.sizes)
    site = site_of(args, articles)
    checkout = Checkout(site, "ours")
    built = _build_times.get(articles)
    try:
        if built is not None and ("ours", "warm") in built.runs:
            full, label = built.figure("ours", "warm"), "full rebuild, ours, warm cache"
            settings = checkout.settings_file(load_cache=True)
        else:
            # No usable build from section 1 (not run, or its cached builds failed): build once.
            started = time.perf_counter()
            settings = build_once(checkout)
            full = Figure.of([time.perf_counter() - started], "s")
            label = "full rebuild, ours, no cache"
        times = approval_section.measure(site, checkout.output, settings, args.runs, progress,
                                         profile=_profile_path(args, "approve-cli.txt"))
    except (BuildFailed, approval_section.ApprovalFailed) as error:
        progress(str(error))
        return [Row(approval_section.SECTION, f"{articles:,} articles", missing=_first_line(error))]
    return approval_section.rows(times, full, label)


def showcase_site(args: argparse.Namespace) -> Site:
    """A small site whose first article has six cases and 50 comments (endpoint, page weight)."""
    if SHOWCASE_KEY not in _sites:
        root: Path = args.workdir / "site-showcase"
        progress(f"generating the showcase site in {root}")
        _sites[SHOWCASE_KEY] = generate(root, SHOWCASE_ARTICLES, args.comments)
    return _sites[SHOWCASE_KEY]


def endpoint(args: argparse.Namespace) -> list[Row]:
    # Look for the module without importing it: importing builds the app from ./pelicanconf.py.
    if importlib.util.find_spec("engagement.endpoint.wsgi") is None:
        return [Row(endpoint_section.SECTION, "GET/POST",
                    missing="not available yet: engagement.endpoint.wsgi (the gunicorn app)")]
    site = showcase_site(args)
    try:
        settings = build_once(Checkout(site, "ours"), site_url=ENDPOINT_SITE_URL)
        rounds, isso_version = endpoint_section.measure(
            site, settings, ENDPOINT_SITE_URL, args.workdir, runs=args.runs,
            max_requests=args.requests, max_seconds=args.seconds, progress=progress,
            profile=args.profile)
    except (BuildFailed, IssoUnavailable, ServerFailed) as error:
        progress(str(error))
        return [Row(endpoint_section.SECTION, "GET/POST", missing=_first_line(error))]
    return endpoint_section.rows(rounds, isso_version)


def weight(args: argparse.Namespace) -> list[Row]:
    from tests.support.browser import CHROMIUM

    if not Path(CHROMIUM).exists():
        return [Row(pageweight.SECTION, "HTML+CSS+JS", missing=f"Chromium not found at {CHROMIUM}")]
    site = showcase_site(args)
    try:
        return pageweight.measure(site, progress)
    except BuildFailed as error:
        progress(str(error))
        return [Row(pageweight.SECTION, "HTML+CSS+JS", missing=_first_line(error))]
