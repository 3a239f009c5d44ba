"""Tracing a problem in a built page back to the source file and line an editor fixes.

The build leaves a map of output pages to their sources (:mod:`pelican.plugins.engagement.sources`).
A dead link in an article's page is looked up in the article's Markdown: first as the page has it,
then without the site's address (Pelican turns ``{filename}`` links into absolute URLs), then by its
``#fragment`` alone. A page with no source of its own (the index, a category, a tag) shows other
articles' summaries, so its problem is looked up in every source. A link found in no source came
from the theme (navigation, tag lists), and the problem keeps naming only the built page.

The same mistake shown on several pages (the article and every list of summaries) is reported once,
at its source line, with the number of other pages showing it.
"""

from __future__ import annotations

from dataclasses import replace
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


class SourceFinder:
    """Finds where a problem's URL is written, reading each source file at most once."""

    def __init__(self, content: Path, pages: dict[str, str], site_url: str) -> None:
        self.content = content
        self.pages = pages
        self.site_url = site_url.rstrip("/")
        self.every_source = sorted(set(pages.values()))
        self._lines: dict[str, list[str]] = {}

    def lines(self, source: str) -> list[str]:
        if source not in self._lines:
            try:
                text = (self.content / source).read_text("utf-8", errors="replace")
            except OSError:
                text = ""
            self._lines[source] = text.splitlines()
        return self._lines[source]

    def trace(self, problem: Problem) -> Problem:
        if not problem.target or problem.kind not in TRACED_KINDS:
            return problem
        own = self.pages.get(problem.path)
        candidates = [own] if own else self.every_source
        for needle in needles(problem.target, self.site_url):
            for source in candidates:
                line = sources.find_line_in(self.lines(source), [needle])
                if line:
                    return problem.found_in((self.content / source).as_posix(), line)
        return problem


def merge(problems: list[Problem]) -> list[Problem]:
    """One problem per mistake in a source line; the pages after the first are counted."""
    merged: list[Problem] = []
    first: dict[tuple[str, int, str, str], int] = {}
    for problem in problems:
        if not problem.source:
            merged.append(problem)
            continue
        key = (problem.source, problem.source_line, problem.kind, problem.message)
        if key in first:
            kept = merged[first[key]]
            merged[first[key]] = replace(kept, elsewhere=kept.elsewhere + 1)
            continue
        first[key] = len(merged)
        merged.append(problem)
    return merged


def trace(problems: list[Problem], output: Path, content: Path | None, site_url: str = "") -> list[Problem]:
    """``problems`` traced to their source lines where the build's map leads to them."""
    pages = sources.load(output) if content is not None else {}
    if not pages or content is None:
        return problems
    finder = SourceFinder(content, pages, site_url)
    return merge([finder.trace(problem) for problem in problems])
