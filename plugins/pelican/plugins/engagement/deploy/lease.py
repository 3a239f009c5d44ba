"""Holding the store's ``pages`` lease for one piece of page work: taken before, kept alive by a
heartbeat while the work runs, released after.

Only the holder of the lease updates pages and pushes them, so several endpoint instances and
page workers never do the same job twice. The lease expires (30 s) so that another worker takes
over when its holder dies; but a live holder's work may last longer than that (an S3 push of many
files with retries, a slow link), and renewing only between pieces of work would let the lease
run out mid-push and a second worker redo the same jobs. So a heartbeat thread renews it every
third of its length while the work lasts, and stops with it. A holder that lost its lease anyway
(stalled longer than the lease, then overtaken) learns it from the store when it records its
results (:class:`~pelican.plugins.engagement.store.LeaseLost`) and records nothing.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from pelican.plugins.engagement.store import Lease, Store

log = logging.getLogger(__name__)

#: The lease that serialises page work (updates and pushes) among instances and workers.
LEASE = "pages"
#: How long it lasts without renewal: how soon another worker takes over from a dead holder.
LEASE_SECONDS = 30.0


@contextmanager
def holding(store: Store, holder: str, *, seconds: float = LEASE_SECONDS) -> Iterator[Lease | None]:
    """Hold the ``pages`` lease for the block, renewed every ``seconds``/3; None if another has it."""
    if not store.take_lease(LEASE, holder, seconds):
        yield None
        return
    lease = Lease(LEASE, holder)
    stop = threading.Event()
    beat = threading.Thread(target=_heartbeat, args=(store, lease, seconds, stop),
                            name="engagement-lease", daemon=True)
    beat.start()
    try:
        yield lease
    finally:
        stop.set()
        beat.join()
        store.release_lease(LEASE, holder)  # only if still ours: a successor's lease stays


def _heartbeat(store: Store, lease: Lease, seconds: float, stop: threading.Event) -> None:
    """Renew until ``stop``; give up (and say so) once another worker holds the lease."""
    while not stop.wait(seconds / 3):
        try:
            if not store.renew_lease(lease.name, lease.holder, seconds):
                log.warning("%s lost the %r lease mid-work; its results will not be recorded",
                            lease.holder, lease.name)
                return
        except Exception:  # a store hiccup: try again at the next beat (results are checked anyway)
            log.exception("renewing the %r lease failed", lease.name)
