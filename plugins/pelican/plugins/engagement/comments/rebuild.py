"""The fast page update after a moderation action: only the pages that show the changed threads.

Pelican 4.12 can no longer write selected pages (``WRITE_SELECTED`` went in 4.9), and a full build
of a large site takes tens of seconds. The full build therefore leaves behind a page index
(``splice.PageIndex``) of where each thread's fragments are; :func:`rebuild_threads` renders the
changed threads' fragments with the same templates and code as the build and splices them into
those files, then rewrites the extra comment pages and the comment feeds. It never loads the site's
content. A full build gives the same bytes (``tests/rebuild`` checks it).
"""

from __future__ import annotations

import fcntl
import json
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from pelican.plugins.engagement.comments import feeds
from pelican.plugins.engagement.comments.render import (
    FragmentRenderer,
    RenderContext,
    ThreadView,
    comments_feed_path,
    latest_thread_keys,
    load_approved,
    thread_view,
)
from pelican.plugins.engagement.comments.splice import (
    PageIndex,
    SpliceError,
    fragments_for,
    index_path,
    splice_page,
    write_atomic,
    write_comment_pages,
)
from pelican.plugins.engagement.comments.threads import Thread
from pelican.plugins.engagement.settings import SiteConfig

__all__ = ["RebuildError", "RebuildReport", "rebuild_threads"]


class RebuildError(SpliceError):
    """The pages cannot be updated in place; the message says what to do (usually: full build)."""


@dataclass
class RebuildReport:
    """What a rebuild did: the threads it updated, the files it changed, what it skipped."""

    threads: list[str] = field(default_factory=list)
    written: list[str] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0

    def __str__(self) -> str:
        lines = [f"Updated {len(self.threads)} thread(s), {len(self.written)} file(s) changed "
                 f"in {self.seconds * 1000:.0f} ms."]
        lines += [f"  skipped {key}: {reason}" for key, reason in sorted(self.skipped.items())]
        return "\n".join(lines)


def _check_settings(index: PageIndex, context: RenderContext) -> None:
    current = context.as_dict()
    changed = sorted(name for name in set(current) | set(index.render)
                     if current.get(name) != index.render.get(name))
    if changed:
        detail = ", ".join(f"{name}: built {index.render.get(name)!r}, now {current.get(name)!r}"
                           for name in changed)
        raise RebuildError(f"the pages were built with other settings ({detail}); rebuild with the same "
                           "settings file as the build, or run a full build")


def _threads(path: Path) -> dict[str, Thread]:
    """The last build's threads by key (read directly: ``Manifest`` also indexes every URL)."""
    try:
        document = json.loads(Path(path).read_text("utf-8"))
    except FileNotFoundError:
        raise RebuildError(f"{path} not found: build the site once before a rebuild") from None
    return {key: Thread(**data) for key, data in document.get("threads", {}).items()}


def _update_files(output: Path, index: PageIndex, view: ThreadView, fragments: dict[str, str],
                  report: RebuildReport) -> None:
    for relative in sorted(index.files.get(view.key, ())):
        path = output / relative
        try:
            text = path.read_text("utf-8")
        except FileNotFoundError:
            raise RebuildError(f"{relative} is gone since the last build: run a full build") from None
        new_text, replaced = splice_page(text, view.key, fragments, (view.url, view.jsonld()))
        if not replaced:
            raise RebuildError(f"{relative} has no engagement markers for {view.key} (the theme changed "
                               "since the last build?): run a full build")
        if write_atomic(path, new_text):
            report.written.append(relative)


def rebuild_threads(config: SiteConfig, threads: Iterable[str], *, now: datetime | None = None
                    ) -> RebuildReport:
    """Re-render every page showing one of ``threads`` (thread keys, i.e. ``article.url``).

    Updates the article page (and its extra comment pages), every list page showing the count,
    the article's comment feed and the site-wide comment feed. Raises :class:`RebuildError` when
    the output is not from a build this can update (no index, other settings, missing markers).
    """
    started = time.perf_counter()
    try:
        with _exclusive(config.output_path):
            report = _rebuild(config, set(threads), now)
    except RebuildError:
        raise
    except SpliceError as error:
        raise RebuildError(str(error)) from None
    report.seconds = time.perf_counter() - started
    return report


@contextmanager
def _exclusive(output: Path) -> Iterator[None]:
    """One rebuild at a time per output folder.

    Two approvals handled at once (two endpoint workers, the CLI beside the admin page) would each
    read a list page, splice in their own thread and write it back: the second write would undo the
    first. The lock makes the second wait, then read what the first wrote and the entries it sees.
    """
    path = index_path(output)  # lock the page index itself: no extra file in the output
    if not path.is_file():
        yield  # nothing to update; PageIndex.load explains
        return
    with open(path, "rb") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def _rebuild(config: SiteConfig, threads: set[str], now: datetime | None) -> RebuildReport:
    report = RebuildReport()
    output = config.output_path
    index = PageIndex.load(output)
    context = RenderContext.from_settings(config.pelican, config.engagement)
    _check_settings(index, context)
    manifest = _threads(config.threads_manifest)
    wanted: dict[str, Thread] = {}
    for key in sorted(threads):
        thread = manifest.get(key)
        if thread is None:
            report.skipped[key] = "not an article of the last build"
        elif key not in index.files:
            report.skipped[key] = "no page shows it"
        else:
            wanted[key] = thread
    renderer = FragmentRenderer(config.pelican, context)
    feed_keys = latest_thread_keys(config.engagement, config.base_dir, context.feed_items)
    approved = load_approved(config.engagement, config.base_dir, threads=set(wanted) | feed_keys)
    for key, thread in wanted.items():
        view = thread_view(thread, approved.get(key, []), context, now)
        _update_files(output, index, view, fragments_for(renderer, view, index.jsonld.get(key)), report)
        if key in index.articles:
            pages = write_comment_pages(output, index.articles[key], renderer, view, index.jsonld.get(key))
            report.written += [str(p.relative_to(output)) for p in pages]
        if feeds.write_thread_feed(output, view):
            report.written.append(comments_feed_path(key))
        report.threads.append(key)
    feed_views = [thread_view(t, approved.get(k, []), context, now)
                  for k in sorted(feed_keys) if (t := manifest.get(k)) is not None]
    if report.threads and feeds.write_site_feed(output, feed_views, context):
        report.written.append(feeds.SITE_FEED_PATH)
    return report

