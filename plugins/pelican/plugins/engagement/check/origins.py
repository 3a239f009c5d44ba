"""Tracing a problem in a built page back to the source file and line an editor fixes.

The build leaves a map of output pages to their sources (:mod:`pelican.plugins.engagement.sources`).
A dead link in an article's page is looked up in the article's Markdown: first as the page has it,
then without the site's address (Pelican turns ``{filename}`` links into absolute URLs), then by its
``#fragment`` alone. A link not found there came from the theme (navigation, tag lists), and the
problem keeps naming only the built page.
"""

from __future__ import annotations

from pathlib import Path

from pelican.plugins.engagement import sources
from pelican.plugins.engagement.check.report import Problem

#: Problem kinds about a URL an author may have written.
TRACED_KINDS = frozenset({"link", "anchor", "alt"})


def needles(url: str, site_url: str) -> list[str]:
    """How the link may be written in the source, most exact first."""
    found = [url]
    if site_url and url.startswith(site_url + "/"):
        found.append(url[len(site_url):])
    fragment = url.partition("#")[2]
    if fragment:
        found.append("#" + fragment)
    return found


def trace(problems: list[Problem], output: Path, content: Path | None, site_url: str = "") -> list[Problem]:
    """``problems`` with the source file and line filled in where the build's map leads to them."""
    pages = sources.load(output) if content is not None else {}
    if not pages or content is None:
        return problems
    traced = []
    for problem in problems:
        source = pages.get(problem.path)
        if source and problem.target and problem.kind in TRACED_KINDS:
            path = content / source
            line = sources.find_line(path, needles(problem.target, site_url.rstrip("/")))
            if line:
                problem = problem.found_in(path.as_posix(), line)
        traced.append(problem)
    return traced
