"""The endpoint's backfeed: ``engagement backfeed`` every ``ENGAGEMENT_BACKFEED_INTERVAL`` seconds.

Every endpoint process starts a :class:`BackfeedThread` when the site has a platform account or
syndicated posts; the threads take turns through the store (``Store.claim_run``), so however many
workers and hosts share one database, one run happens per interval.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from pelican.plugins.engagement.settings import SiteConfig
from pelican.plugins.engagement.store import Store

log = logging.getLogger(__name__)
JOB = "backfeed"
EXTENSION = "engagement_backfeed"


class BackfeedThread(threading.Thread):
    """Checks every ``check`` seconds whether a run is due, and runs it when it gets the turn."""

    def __init__(self, config: SiteConfig, store: Store, *, check: float = 60.0) -> None:
        super().__init__(name="engagement-backfeed", daemon=True)
        self.config, self.store = config, store
        self.interval = config.engagement.BACKFEED_INTERVAL
        self.check = min(check, self.interval)
        self._stopping = threading.Event()
        self.runs = 0

    def stop(self) -> None:
        self._stopping.set()

    def run(self) -> None:
        from pelican.plugins.engagement.social.backfeed import backfeed

        while not self._stopping.is_set():
            try:
                if self.store.claim_run(JOB, self.interval):
                    report = backfeed(self.config, self.store)
                    self.runs += 1
                    log.info("backfeed: %s", str(report).replace("\n", "; "))
            except Exception:  # a platform or database hiccup must not end the thread
                log.exception("backfeed failed")
            self._stopping.wait(self.check)


def wanted(config: SiteConfig, store: Store) -> bool:
    """Backfeed from the endpoint: an interval is set and there is something to read."""
    settings = config.engagement
    if not settings.BACKFEED_INTERVAL:
        return False
    if settings.MASTODON_INSTANCE or settings.BLUESKY_HANDLE:
        return True
    try:
        return bool(store.syndications())
    except Exception:  # a store not migrated yet has no syndications
        return False


def start(app: Any, config: SiteConfig, store: Store) -> BackfeedThread | None:
    """Start the app's backfeed thread when :func:`wanted`; the thread, or None."""
    if not wanted(config, store):
        return None
    thread = BackfeedThread(config, store)
    app.extensions[EXTENSION] = thread
    thread.start()
    return thread
