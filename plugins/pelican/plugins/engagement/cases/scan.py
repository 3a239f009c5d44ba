"""Find every social-post URL the content refers to, without building the site.

The CLI's ``refresh`` and ``prune`` need the list; it is found by running the same Markdown
preprocessor the build uses over each Markdown file, so the two can never disagree about what
counts as an embed.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

from markdown import Markdown

from pelican.plugins.engagement.cases.blocks import CaseError
from pelican.plugins.engagement.cases.library import Library
from pelican.plugins.engagement.cases.markdown_ext import BlocksExtension, Found, display_path

MARKDOWN_SUFFIXES = (".md", ".markdown", ".mkd", ".mdown")


def references(content_path: str | Path, books: Library) -> dict[str, list[str]]:
    """URL → ["file:line", …] for every post URL (alone on a line, or a case's ``post``)."""
    extension = BlocksExtension(lambda url: books.match(url) is not None)
    found_urls: dict[str, list[str]] = {}
    for path in sorted(Path(content_path).rglob("*")):
        if path.suffix not in MARKDOWN_SUFFIXES or not path.is_file():
            continue
        extension.found = Found(source=display_path(str(path)))
        # The build reports malformed cases; the CLI only needs the URLs it can find.
        with contextlib.suppress(CaseError):
            Markdown(extensions=[extension]).convert(path.read_text("utf-8"))
        for ref in extension.found.embeds:
            found_urls.setdefault(ref.url, []).append(f"{ref.source}:{ref.line}")
        for case in extension.found.cases:
            if case.post:
                found_urls.setdefault(case.post, []).append(f"{case.source}:{case.line_of('post')}")
    return found_urls
