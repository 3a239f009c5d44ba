"""Putting rendered threads into the output folder; nothing here renders.

:func:`~pelican.plugins.engagement.comments.render.render_thread` produces a thread's finished
fragments, pages, comment locations and feed first; these functions only splice and write them.
Each returns the output-relative paths it changed (written or removed), so a caller can tell a
deployment exactly which files to push.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterable
from pathlib import Path

from pelican.plugins.engagement.comments.feeds import SITE_FEED_PATH, site_feed
from pelican.plugins.engagement.comments.render import PageFragments, ThreadFragments
from pelican.plugins.engagement.comments.splice import PageIndex, SpliceError, splice_page, write_atomic
from pelican.plugins.engagement.comments.views import (
    RenderContext,
    ThreadView,
    comments_base,
    comments_feed_path,
    page_path,
)
from pelican.plugins.engagement.minify import published_html


def _splice(text: str, thread: ThreadFragments, page: PageFragments) -> tuple[str, int]:
    """``page``'s fragments put into a page's ``text``, published as a full build publishes pages.

    The whole page is minified after the splice (the fragments are rendered unminified), so the
    result is what minifying the page Pelican would write with these fragments gives.
    """
    spliced, replaced = splice_page(text, thread.key, page.fragments, (page.article_url, page.jsonld))
    return published_html(spliced, minify=thread.minify_html), replaced


def splice_shown_pages(output: Path, index: PageIndex, thread: ThreadFragments) -> list[str]:
    """Put the thread's first page into every file the last build showed it in (article, lists)."""
    first = thread.pages[0]
    if first.number != 1:
        raise ValueError(f"{thread.key}: the shown pages need page 1, not page {first.number}")
    changed = []
    for relative in sorted(index.files.get(thread.key, ())):
        path = output / relative
        try:
            text = path.read_text("utf-8")
        except FileNotFoundError:
            raise SpliceError(f"{relative} is gone since the last build: run a full build") from None
        new_text, replaced = _splice(text, thread, first)
        if not replaced:
            raise SpliceError(f"{relative} has no engagement markers for {thread.key} (the theme changed "
                              "since the last build?): run a full build")
        if write_atomic(path, new_text):
            changed.append(relative)
    return changed


def write_comment_pages(output: Path, article_file: str, thread: ThreadFragments) -> list[str]:
    """Pages 2… of a long thread, each the article's page with that page's comments in it.

    Pages that no longer exist (the thread shrank) are removed, and ``comments/index.json`` maps
    every comment to its page so a permalink that moved still finds its comment (comment-index.js).
    """
    folder = output / comments_base(thread.key)
    if thread.num_pages == 1:
        removed = _files_under(output, folder)
        if folder.is_dir():
            shutil.rmtree(folder)
        return removed
    article_html = (output / article_file).read_text("utf-8")
    changed = []
    for page in thread.pages:
        if page.number == 1:
            continue
        html, replaced = _splice(article_html, thread, page)
        if not replaced:
            raise SpliceError(f"{article_file} has no engagement markers for {thread.key}")
        relative = f"{page_path(thread.key, page.number)}index.html"
        if write_atomic(output / relative, html):
            changed.append(relative)
    changed += _remove_pages_beyond(output, folder / "page", thread.num_pages)
    locations = json.dumps(thread.locations, sort_keys=True, separators=(",", ":"))
    if write_atomic(folder / "index.json", locations):
        changed.append(f"{comments_base(thread.key)}/index.json")
    return changed


def write_thread_feed(output: Path, thread: ThreadFragments) -> list[str]:
    """Write (or, once a thread has no comments left, remove) its feed.

    A thread without comments has no feed (the page links one only when there are comments):
    thousands of empty feeds would only slow the build down.
    """
    relative = comments_feed_path(thread.key)
    path = output / relative
    if thread.feed is None:
        if path.exists():
            path.unlink()
            return [relative]
        return []
    return [relative] if write_atomic(path, thread.feed) else []


def write_site_feed(output: Path, views: Iterable[ThreadView], context: RenderContext) -> list[str]:
    """The site-wide feed of the newest comments."""
    return [SITE_FEED_PATH] if write_atomic(output / SITE_FEED_PATH, site_feed(views, context)) else []


def _files_under(output: Path, folder: Path) -> list[str]:
    if not folder.is_dir():
        return []
    return sorted(str(p.relative_to(output)) for p in folder.rglob("*") if p.is_file())


def _remove_pages_beyond(output: Path, folder: Path, last: int) -> list[str]:
    removed: list[str] = []
    if not folder.is_dir():
        return removed
    for child in folder.iterdir():
        if child.is_dir() and child.name.isdigit() and int(child.name) > last:
            removed += _files_under(output, child)
            shutil.rmtree(child)
    return removed
