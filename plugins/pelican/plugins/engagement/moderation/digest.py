"""The editor's e-mail about new entries, batched: at most one per ``NOTIFY_BATCH_MINUTES``.

The first entry after a quiet period is mailed at once (the usual single-entry notice); entries
arriving within the next ``N`` minutes wait, and one message then gives their count per state and
the first few that are not spam, so a spam wave costs the editor one e-mail, not hundreds.

"When was the last message sent" lives in the store's ``meta`` table and is claimed in one write
transaction, so several worker processes or endpoint instances still send one message per window.
Each process keeps at most one timer for the end of the window; if the process ends first, the
next entry sends the overdue message.
"""

from __future__ import annotations

import logging
import threading
from datetime import datetime, timedelta

from pelican.plugins.engagement.comments.threads import Manifest
from pelican.plugins.engagement.moderation import notify
from pelican.plugins.engagement.settings import SiteConfig
from pelican.plugins.engagement.store import Entry, Store, utcnow

log = logging.getLogger(__name__)

META_KEY = "editor-notice-sent-at"
#: Entries listed in a digest (the rest are counted).
FIRST_FEW = 5

_timer_lock = threading.Lock()
_timer: threading.Timer | None = None


def notify_editor(config: SiteConfig, store: Store, entry: Entry, title: str, url: str) -> bool:
    """Tell the editor about ``entry`` now, or later in a digest; True when a message went out."""
    minutes = config.engagement.NOTIFY_BATCH_MINUTES
    if minutes <= 0:
        return notify.send_quietly(config, notify.editor_notice(config, entry, title, url))
    if send_due(config, store):
        return True
    _schedule(config, store, minutes * 60)
    return False


def send_due(config: SiteConfig, store: Store, now: datetime | None = None) -> bool:
    """Send the message for everything since the last one, if the window has passed."""
    now = now or utcnow()
    window = timedelta(minutes=config.engagement.NOTIFY_BATCH_MINUTES)
    previous = store.claim_meta(META_KEY, now.isoformat(), unless_newer_than=(now - window).isoformat())
    if previous is None:
        return False  # a message went out less than a window ago (here or in another process)
    since = datetime.fromisoformat(previous) if previous else now - window
    count, states, first = store.created_since(since, limit=FIRST_FEW)
    if count == 0:
        return False
    entries = [Entry.from_row(row) for row in first]
    manifest = Manifest(config.threads_manifest)
    if count == 1 and entries:
        known = manifest.get(entries[0].thread)
        title = known.title if known else entries[0].thread
        url = known.url if known else f"{config.site_url}/{entries[0].thread}"
        return notify.send_quietly(config, notify.editor_notice(config, entries[0], title, url))
    titles = {e.thread: (manifest.get(e.thread).title if manifest.get(e.thread) else e.thread)
              for e in entries}
    return notify.send_quietly(config, notify.editor_digest(config, count, states, entries, titles))


def _schedule(config: SiteConfig, store: Store, seconds: float) -> None:
    """One timer per process for the end of the current window."""
    global _timer
    with _timer_lock:
        if _timer is not None and _timer.is_alive():
            return
        _timer = threading.Timer(seconds + 1, _fire, args=(config, store))
        _timer.daemon = True
        _timer.start()


def _fire(config: SiteConfig, store: Store) -> None:
    try:
        send_due(config, store)
    except Exception:  # a timer thread must not die silently with the message unsent
        log.exception("sending the editor's digest failed")
