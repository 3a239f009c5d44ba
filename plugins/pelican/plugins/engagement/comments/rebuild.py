"""The fast page update after a moderation action: only the pages that show the changed threads.

Pelican 4.12 can no longer write selected pages (``WRITE_SELECTED`` went in 4.9), and a full build
of a large site takes tens of seconds. The full build therefore leaves behind a page index
(``splice.PageIndex``) of where each thread's fragments are; :func:`rebuild_threads` renders each
changed thread completely first (``render.render_thread``: fragments, extra pages, feed), then hands
the finished set to :mod:`.write`, which splices it into those files and writes the rest. It never
loads the site's content. A full build gives the same bytes (``tests/comments/test_rebuild*.py`` check it).
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
from typing import Any

from pelican.plugins.engagement.comments.entries import latest_thread_keys, load_approved
from pelican.plugins.engagement.comments.render import FragmentRenderer, render_thread
from pelican.plugins.engagement.comments.splice import PageIndex, SpliceError, index_path
from pelican.plugins.engagement.comments.threads import Thread
from pelican.plugins.engagement.comments.views import RenderContext, ThreadView, thread_view
from pelican.plugins.engagement.comments.write import (
    splice_shown_pages,
    write_comment_pages,
    write_site_feed,
    write_thread_feed,
)
from pelican.plugins.engagement.linkbacks import avatars
from pelican.plugins.engagement.settings import SiteConfig
from pelican.plugins.engagement.social.view import load_syndications

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


class _Threads:
    """The last build's threads by key, read directly (``Manifest`` also indexes every URL).

    Only the threads asked for become :class:`Thread` objects: a fast update needs a few of an
    archive's thousands.
    """

    def __init__(self, path: Path) -> None:
        try:
            document = json.loads(Path(path).read_text("utf-8"))
        except FileNotFoundError:
            raise RebuildError(f"{path} not found: build the site once before a rebuild") from None
        self._data: dict[str, Any] = document.get("threads", {})

    def get(self, key: str) -> Thread | None:
        data = self._data.get(key)
        return None if data is None else Thread(**data)


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


def _publish_photos(config: SiteConfig, view: ThreadView) -> list[str]:
    """The mention photos the thread shows, copied into the output as the full build does."""
    source = avatars.avatars_dir(config.pelican, config.engagement)
    return avatars.publish((entry.author_photo for entry in view.entries), source, config.output_path)


def _rebuild(config: SiteConfig, threads: set[str], now: datetime | None) -> RebuildReport:
    report = RebuildReport()
    output = config.output_path
    index = PageIndex.load(output)
    context = RenderContext.from_settings(config.pelican, config.engagement)
    _check_settings(index, context)
    manifest = _Threads(config.threads_manifest)
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
    syndicated = load_syndications(config.engagement, config.base_dir, wanted)
    views = [thread_view(thread, approved.get(key, []), context, now, syndications=syndicated.get(key))
             for key, thread in wanted.items()]
    rendered = [render_thread(renderer, view, index.jsonld.get(view.key)) for view in views]
    for view, thread in zip(views, rendered, strict=True):
        report.written += splice_shown_pages(output, index, thread)
        if thread.key in index.articles:
            report.written += write_comment_pages(output, index.articles[thread.key], thread)
        report.written += write_thread_feed(output, thread)
        report.written += _publish_photos(config, view)
        report.threads.append(thread.key)
    if report.threads:
        feed_views = [thread_view(t, approved.get(k, []), context, now)
                      for k in sorted(feed_keys) if (t := manifest.get(k)) is not None]
        report.written += write_site_feed(output, feed_views, context)
    return report
