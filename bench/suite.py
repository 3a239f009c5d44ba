"""The sections of the suite, each turning command-line options into rows of the table.

Sites are generated once per size and shared between sections: the approval section works on the
largest site the build section just built.
"""

from __future__ import annotations

import argparse
import importlib.util
import time
from collections.abc import Callable
from pathlib import Path

from bench import (
    approval_section,
    build_section,
    bulk_section,
    deploy_section,
    endpoint_section,
    pageweight,
    scale_section,
)
from bench.cli import progress
from bench.isso import IssoUnavailable
from bench.pelican_runs import BuildFailed, Checkout, build_once, prepare, run_pelican
from bench.servers import ServerFailed
from bench.sitegen import Site, generate
from bench.stats import Figure, Row
from bench.wrk import WrkUnavailable

SHOWCASE_ARTICLES = 12
#: The site's origin as the endpoint sees it (the Origin header our clients send); nothing listens.
ENDPOINT_SITE_URL = "http://127.0.0.1:8000"
#: Seconds the other sections need at the default sizes, kept free when the builds share the budget.
RESERVED = {"approval": 35.0, "endpoint": 130.0, "weight": 30.0, "scale": 420.0}


def _first_line(error: Exception) -> str:
    summary = getattr(error, "summary", "") or str(error).splitlines()[0]
    return f"not available: {summary}"


def _first_round(times: build_section.BuildTimes) -> float:
    return sum(runs[0] for runs in times.runs.values())


class Suite:
    """One run of the suite: its options, the sites it generated and the builds it measured."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.sites: dict[int, Site] = {}
        self.showcase: Site | None = None
        self.build_times: dict[int, build_section.BuildTimes] = {}

    # --- shared sites ------------------------------------------------------------------------

    def site_of(self, articles: int) -> Site:
        """The generated site of ``articles`` articles (generated on first use in this run)."""
        if articles not in self.sites:
            root: Path = self.args.workdir / f"site-{articles}"
            progress(f"generating {articles} articles with {self.args.comments} comments each in {root}")
            self.sites[articles] = generate(root, articles, self.args.comments)
        return self.sites[articles]

    def showcase_site(self) -> Site:
        """A small site whose first article has six cases and 50 comments (endpoint, page weight)."""
        if self.showcase is None:
            root: Path = self.args.workdir / "site-showcase"
            progress(f"generating the showcase site in {root}")
            self.showcase = generate(root, SHOWCASE_ARTICLES, self.args.comments)
        return self.showcase

    def profile_path(self, name: str) -> Path | None:
        return self.args.workdir / "profiles" / name if self.args.profile else None

    # --- time budget ---------------------------------------------------------------------------

    def builds_end(self) -> float:
        """When the builds must be done: the budget minus what the other chosen sections need."""
        if not self.args.budget:
            return float("inf")
        reserve = sum(RESERVED[name] for name in self.args.only if name in RESERVED)
        return self.args.started + self.args.budget - reserve

    def deadline_for(self, articles: int, generating: float, later: list[int]
                     ) -> Callable[[float], float | None]:
        """The deadline for further rounds of this size, once its first round took ``seconds``.

        Time is kept for one round of each larger size that can still fit (estimated per article
        from this size's generation and first round); a size too large to fit at all is skipped
        later anyway, so its time goes to more rounds of this one.
        """
        def deadline(seconds: float) -> float | None:
            end = self.builds_end()
            if end == float("inf"):
                return None
            per_article = (generating + seconds) / articles
            available = end - time.monotonic()
            kept = 0.0
            for size in later:
                if kept + per_article * size <= available:
                    kept += per_article * size
            return end - kept
        return deadline

    # --- sections ------------------------------------------------------------------------------

    def build(self) -> list[Row]:
        rows: list[Row] = []
        sizes = sorted(self.args.sizes)
        per_article: float | None = None  # seconds to generate and build one round, per article
        for position, articles in enumerate(sizes):
            if per_article is not None and time.monotonic() + per_article * articles > self.builds_end():
                rows.append(_skipped(articles, per_article * articles, self.builds_end()))
                continue
            started = time.monotonic()
            site = self.site_of(articles)
            generating = time.monotonic() - started
            deadline = self.deadline_for(articles, generating, sizes[position + 1:])
            try:
                times = self._measure_builds(site, deadline)
            except BuildFailed as error:
                progress(str(error))
                rows.extend(build_section.unavailable(articles, error))
                continue
            per_article = (generating + _first_round(times)) / articles
            self.build_times[articles] = times
            rows.extend(build_section.rows(times))
            if self.args.profile and articles == sizes[0]:
                self._profile_build(site, times.cached)
        return rows

    def _measure_builds(self, site: Site, deadline: Callable[[float], float | None]
                        ) -> build_section.BuildTimes:
        """Cold and warm builds; cold only, cache off, when a cached build fails (and why)."""
        try:
            return build_section.measure(site, self.args.runs, progress, deadline=deadline)
        except BuildFailed as error:
            progress(f"{error}\nretrying cold builds with the content cache off")
            times = build_section.measure(site, self.args.runs, progress, cache=False, deadline=deadline)
            times.warm_missing = build_section.failure(error)
            return times

    def _profile_build(self, site: Site, cached: bool) -> None:
        """One more cold build of ours under pyinstrument (not counted in the table)."""
        output = self.profile_path(f"build-{site.articles}.txt")
        checkout = Checkout(site, "ours")
        run_pelican(checkout, prepare(checkout, load_cache=False, cache=cached), profile=output)
        progress(f"profile of the {site.articles}-article build in {output}")

    def approval(self) -> list[Row]:
        if importlib.util.find_spec("pelican.plugins.engagement.comments.rebuild") is None:
            return [Row(approval_section.SECTION, "approve to page",
                        missing="not available yet: the fast page update "
                                "(pelican.plugins.engagement.comments.rebuild)")]
        # The largest site the build section built (it may have skipped one for the time budget).
        articles = max(self.build_times) if self.build_times else max(self.args.sizes)
        site = self.site_of(articles)
        checkout = Checkout(site, "ours")
        built = self.build_times.get(articles)
        try:
            if built is not None and ("ours", "warm") in built.runs:
                full, label = built.figure("ours", "warm"), "full rebuild, ours, warm cache"
                settings = checkout.settings_file(load_cache=True)
            elif built is not None:  # the last cold build's output is complete: update that
                full, label = built.figure("ours", "cold"), "full rebuild, ours, cold"
                settings = checkout.settings_file(load_cache=False)
            else:
                # The build section did not run: build once.
                started = time.perf_counter()
                settings = build_once(checkout)
                full = Figure.of([time.perf_counter() - started], "s")
                label = "full rebuild, ours, no cache"
            times = approval_section.measure(site, checkout.output, settings, self.args.runs, progress,
                                             profile=self.profile_path("approve-cli.txt"))
        except (BuildFailed, approval_section.ApprovalFailed) as error:
            progress(str(error))
            return [Row(approval_section.SECTION, f"{articles:,} articles", missing=_first_line(error))]
        return (approval_section.rows(times, full, label) + self._bulk(site, checkout, settings, times)
                + self._live(site, checkout, settings, times))

    def _bulk(self, site: Site, checkout: Checkout, settings: Path,
              times: approval_section.ApprovalTimes) -> list[Row]:
        """500 entries on 50 threads approved at once (CLI and the page's bulk action)."""
        try:
            bulk = bulk_section.measure(site, checkout.output, settings, progress)
        except approval_section.ApprovalFailed as error:
            progress(str(error))
            return [Row(approval_section.SECTION, "bulk approval", missing=_first_line(error))]
        return bulk_section.rows(bulk, Figure.of(times.cli, "s"))

    def _live(self, site: Site, checkout: Checkout, settings: Path,
              times: approval_section.ApprovalTimes) -> list[Row]:
        """Approval → live on an rsync folder and an S3 stand-in (after the approval rows)."""
        try:
            live = deploy_section.measure(site, checkout.output, settings, self.args.runs,
                                          first_run=1000, progress=progress)
        except (ImportError, approval_section.ApprovalFailed) as error:
            progress(str(error))
            return [Row(deploy_section.SECTION, "approval → live on the deploy target",
                        missing=_first_line(error))]
        return deploy_section.rows(site.articles, live, Figure.of(times.cli, "s"))

    def endpoint(self) -> list[Row]:
        # Look for the module without importing it: importing builds the app from ./pelicanconf.py.
        if importlib.util.find_spec("pelican.plugins.engagement.endpoint.wsgi") is None:
            return [Row(endpoint_section.SECTION, "GET/POST",
                        missing="not available yet: the gunicorn app "
                                "(pelican.plugins.engagement.endpoint.wsgi)")]
        site = self.showcase_site()
        try:
            settings = build_once(Checkout(site, "ours"), site_url=ENDPOINT_SITE_URL)
            rounds, isso_version = endpoint_section.measure(
                site, settings, ENDPOINT_SITE_URL, self.args.workdir, runs=self.args.runs,
                max_seconds=self.args.seconds, progress=progress,
                profile=self.args.profile)
        except (BuildFailed, IssoUnavailable, ServerFailed, WrkUnavailable) as error:
            progress(str(error))
            return [Row(endpoint_section.SECTION, "GET/POST", missing=_first_line(error))]
        return endpoint_section.rows(rounds, isso_version)

    def weight(self) -> list[Row]:
        from tests.support.browser import CHROMIUM

        if not Path(CHROMIUM).exists():
            return [Row(pageweight.SECTION, "HTML+CSS+JS", missing=f"Chromium not found at {CHROMIUM}")]
        try:
            return pageweight.measure(self.showcase_site(), progress)
        except BuildFailed as error:
            progress(str(error))
            return [Row(pageweight.SECTION, "HTML+CSS+JS", missing=_first_line(error))]

    def scale(self) -> list[Row]:
        """The scale section on its own site: it runs last and keeps to the end of the budget."""
        articles, per_article, long_size = self.args.scale
        end = self.args.started + self.args.budget if self.args.budget else float("inf")
        plan = scale_section.Plan(articles, per_article, long_size, self.args.runs, self.args.workdir, end)
        return scale_section.rows(scale_section.measure(plan, progress))


def _skipped(articles: int, expected: float, end: float) -> Row:
    left = max(0.0, end - time.monotonic())
    progress(f"build {articles}: skipped, about {expected:.0f} s expected, {left:.0f} s left")
    return Row(build_section.SECTION, f"{articles:,} articles", missing=(
        f"skipped: one round would take about {expected:.0f} s, {left:.0f} s of the time budget were "
        "left; run with --budget 0 for every size"))
