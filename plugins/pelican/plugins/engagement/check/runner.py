"""Run every check over an output folder and collect the problems, sorted by file and line."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pelican.plugins.engagement.check import external, feeds, links, origins, validity
from pelican.plugins.engagement.check.pages import PageCache, Reference
from pelican.plugins.engagement.check.report import Problem
from pelican.plugins.engagement.net import FetchPolicy


@dataclass(frozen=True)
class CheckOptions:
    """What to check and how; the defaults suit an offline CI run."""

    #: The site's public URL (Pelican's SITEURL): absolute links that start with it are internal.
    site_url: str = ""
    #: URL prefixes never checked (the comment endpoint, which answers POSTs).
    ignore: tuple[str, ...] = ()
    #: Also probe external links (needs the network).
    external: bool = False
    #: auto | vnu | html5lib | none (see :mod:`pelican.plugins.engagement.check.validity`).
    validator: str = "auto"
    #: Limits of the external probes.
    fetch_policy: FetchPolicy = field(default_factory=FetchPolicy)
    #: The content folder the site was built from (Pelican's PATH): a problem in an article then
    #: also names the Markdown file and line (through the build's ``engagement/sources.json``).
    content: Path | None = None


def html_files(root: Path) -> list[str]:
    return sorted(path.relative_to(root).as_posix() for path in root.rglob("*.html"))


def check_output(
    root: Path,
    options: CheckOptions | None = None,
    *,
    progress: Callable[[str], None] | None = None,
    **option_values: Any,
) -> list[Problem]:
    """Every problem in the built site at ``root``; an empty list means it passed."""
    options = options or CheckOptions(**option_values)
    root = Path(root)
    if not root.is_dir():
        raise FileNotFoundError(f"output folder {root} does not exist; build the site first")
    say = progress or (lambda _message: None)
    resolver = links.LinkResolver(root, options.site_url, options.ignore)
    pages = PageCache(root)
    files = html_files(root)
    problems: list[Problem] = []
    outbound: dict[str, tuple[str, Reference]] = {}

    say(f"checking links, anchors, images and embeds in {len(files)} pages")
    for path in files:
        page = pages.get(path)
        problems += page.problems
        for reference in page.references:
            problem = links.check_reference(resolver, pages, path, reference)
            if problem:
                problems.append(problem)
        if options.external:
            for url, reference in links.external_urls(resolver, path, page.references).items():
                outbound.setdefault(url, (path, reference))

    feed_paths = sorted(feeds.feed_files(root))
    say(f"parsing {len(feed_paths)} feeds")
    for path in feed_paths:
        problems += feeds.check_feed(root, path, resolver)

    chosen = validity.choose(options.validator)
    say(f"validating HTML with {chosen}")
    problems += validity.validate(root, files, chosen)

    if options.external:
        say(f"probing {len(outbound)} external links")
        problems += external.check_external(outbound, options.fetch_policy)
    return origins.trace(sorted(problems), root, options.content, options.site_url)
