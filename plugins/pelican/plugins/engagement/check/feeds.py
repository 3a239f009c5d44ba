"""Feeds must parse: a feed reader that meets a broken feed silently stops updating.

Every ``.xml``, ``.atom`` and ``.rss`` file in the output is read with ``feedparser`` (what most
Python feed readers use). A file it flags as ill-formed (``bozo``) is a problem; so is an entry
whose link points into the site at a page that is not there.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import feedparser

from pelican.plugins.engagement.check.links import LinkResolver
from pelican.plugins.engagement.check.report import Problem

FEED_SUFFIXES = (".xml", ".atom", ".rss")


def feed_files(root: Path) -> Iterator[str]:
    for suffix in FEED_SUFFIXES:
        for path in root.rglob(f"*{suffix}"):
            yield path.relative_to(root).as_posix()


def _error_line(exception: Any) -> int:
    get_line = getattr(exception, "getLineNumber", None)
    try:
        return int(get_line()) if get_line else 0
    except (TypeError, ValueError):
        return 0


def check_feed(root: Path, path: str, resolver: LinkResolver) -> list[Problem]:
    parsed = feedparser.parse((root / path).read_bytes())
    if parsed.bozo:
        error = parsed.bozo_exception
        return [Problem(path, _error_line(error), "feed", f"does not parse: {error}")]
    if not parsed.version:
        return []  # well-formed XML that is not a feed (a sitemap, say)
    problems = []
    for entry in parsed.entries:
        link = entry.get("link", "")
        absolute = resolver.absolute(link, path) if link else None
        if absolute and resolver.is_internal(absolute) and resolver.target(absolute).path is None:
            problems.append(Problem(path, 0, "feed",
                                    f"entry {entry.get('title', '')!r} links to {link}, "
                                    "which is not in the output"))
    return problems
