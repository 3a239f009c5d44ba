"""The sections of the suite, each turning command-line options into rows of the table.

Sites are generated once per size and shared between sections: the approval section works on the
largest site the build section just built.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from bench import build_section
from bench.cli import progress
from bench.pelican_runs import BuildFailed
from bench.sitegen import Site, generate
from bench.stats import Row

_sites: dict[int, Site] = {}


def site_of(args: argparse.Namespace, articles: int) -> Site:
    """The generated site of ``articles`` articles (generated on first use in this run)."""
    if articles not in _sites:
        root: Path = args.workdir / f"site-{articles}"
        progress(f"generating {articles} articles with {args.comments} comments each in {root}")
        _sites[articles] = generate(root, articles, args.comments)
    return _sites[articles]


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


def endpoint(args: argparse.Namespace) -> list[Row]:
    return [Row("3 endpoint", "GET/POST", missing="not written yet")]


def weight(args: argparse.Namespace) -> list[Row]:
    return [Row("4 page weight", "HTML+CSS+JS", missing="not written yet")]
