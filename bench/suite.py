"""The sections of the suite, each turning command-line options into rows of the table.

Sites are generated once per size and shared between sections: the approval section works on the
largest site the build section just built.
"""

from __future__ import annotations

import argparse
import importlib.util
from pathlib import Path

from bench import build_section, endpoint_section, pageweight
from bench.cli import progress
from bench.isso import IssoUnavailable
from bench.pelican_runs import BuildFailed, Checkout, build_once
from bench.servers import ServerFailed
from bench.sitegen import Site, generate
from bench.stats import Row

_sites: dict[int, Site] = {}
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
    return f"not available: {str(error).splitlines()[0]}"


def build(args: argparse.Namespace) -> list[Row]:
    rows: list[Row] = []
    for articles in args.sizes:
        site = site_of(args, articles)
        try:
            times = build_section.measure(site, args.runs, progress)
        except BuildFailed as error:
            progress(str(error))
            rows.extend(build_section.unavailable(articles, error))
            continue
        rows.extend(build_section.rows(times))
    return rows


def approval(args: argparse.Namespace) -> list[Row]:
    return [Row("2 approval", "approve to page", missing="not written yet")]


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
            max_requests=args.requests, max_seconds=args.seconds, progress=progress)
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
