"""Entries changed → the pages showing them are refreshed.

Moderation is not the only thing that changes what a page shows: verification updates an
approved webmention when its source changed and deletes it when the source is gone (410) or no
longer links, auto-approval publishes one, and social backfeed will update entries the same way.
Whoever changes stored entries records each change as ``(before, after)`` and hands them to
:func:`refresh_changed`, which runs the fast page update once for the threads whose *shown*
entries changed (a change only the moderator sees, such as a verification timestamp, rebuilds
nothing).
"""

from __future__ import annotations

from collections.abc import Iterable

from pelican.plugins.engagement.comments.entries import PublicEntry
from pelican.plugins.engagement.moderation.actions import UNCHANGED, PageUpdate, refresh_pages
from pelican.plugins.engagement.settings import SiteConfig
from pelican.plugins.engagement.store import Entry, Store

#: One stored entry before and after a change (None: it did not exist / no longer exists).
Change = tuple[Entry | None, Entry | None]


def _public(entry: Entry | None) -> PublicEntry | None:
    """What a page shows of the entry, or None when pages do not show it."""
    if entry is None or entry.status != "approved":
        return None
    return PublicEntry.from_entry(entry)


def shown_change(before: Entry | None, after: Entry | None) -> bool:
    """Whether a page showing the entry's thread looks different after the change."""
    return _public(before) != _public(after)


def changed_threads(changes: Iterable[Change]) -> set[str]:
    """The threads whose shown entries changed."""
    threads: set[str] = set()
    for before, after in changes:
        if shown_change(before, after):
            threads.update(e.thread for e in (before, after) if e is not None)
    return threads


def refresh_changed(config: SiteConfig, changes: Iterable[Change], *, store: Store | None = None
                    ) -> PageUpdate:
    """Re-render the threads whose shown entries changed (one fast update for all of them), as an
    approval does (so the page worker and deploy-on-approve follow too); says what happened, for
    a log line or a command's output."""
    threads = changed_threads(changes)
    if not threads:
        return UNCHANGED
    return refresh_pages(config, threads, store)
