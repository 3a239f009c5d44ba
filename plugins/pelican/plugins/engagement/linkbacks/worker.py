"""Asynchronous verification of queued webmentions and trackbacks.

The endpoint stores a webmention or trackback with ``verification="queued"`` and answers at once;
this module fetches each source later and settles the entry:

- the source links to the article: ``verified`` (a webmention takes the author, title, text and
  type its page gives; a trackback keeps what the ping said). With ``WEBMENTION_AUTO_APPROVE`` a
  verified webmention is approved.
- the source is gone (404/410), refused (private address) or no longer links: ``failed`` and the
  entry is marked ``deleted`` (Webmention §3.2.4: a 410 or a missing link deletes the mention). A
  later re-send that verifies brings it back, unless a moderator removed it.
- the source is unreachable for now (timeout, 5xx): tried again, up to
  ``LINKBACK_VERIFY_ATTEMPTS`` times, then ``failed`` (kept for the moderator to see).

When an entry the pages show changes (an approved mention updated or removed, a webmention
auto-approved), the ``refresh`` callback gets the ``(before, after)`` pairs of the batch, so the
pages follow at once (the endpoint and ``engagement worker`` pass
:func:`pelican.plugins.engagement.moderation.refresh.refresh_changed`).

A :class:`VerificationThread` runs inside the endpoint and wakes when the endpoint queues
something; ``engagement worker`` runs the same loop as its own process.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from pelican.plugins.engagement.comments.threads import Manifest
from pelican.plugins.engagement.linkbacks.avatars import store_avatar
from pelican.plugins.engagement.linkbacks.intake import VERIFIER, report_fields
from pelican.plugins.engagement.linkbacks.verify import HiddenLink, VerificationFailed, verify_source
from pelican.plugins.engagement.moderation import screening
from pelican.plugins.engagement.settings import EngagementSettings
from pelican.plugins.engagement.store import Entry, Store, utcnow

log = logging.getLogger(__name__)

#: Told the (before, after) entry pairs a verification batch changed; returns a summary.
Refresh = Callable[[list[tuple[Entry, Entry]]], object]

#: Seconds before the first retry of a source that failed for a passing reason.
RETRY_BACKOFF = 60


@dataclass
class Outcome:
    entry_id: int
    result: str  # verified | removed | retry | failed | spam
    detail: str = ""


def verify_queued(store: Store, settings: EngagementSettings, manifest: Manifest, *,
                  avatars_dir: Any = None, limit: int | None = None,
                  now: datetime | None = None, refresh: Refresh | None = None) -> list[Outcome]:
    """Verify every queued linkback that is due (oldest first); returns what happened to each.

    An entry whose last try failed for a passing reason waits ``RETRY_BACKOFF`` seconds, doubled
    per attempt, so a source that is down is not fetched again at once. ``refresh`` is called once
    with every entry's (before, after), after the batch.
    """
    now = now or utcnow()
    queued = store.list(verification="queued", kind=("webmention", "trackback", "pingback"))
    due = [entry for entry in queued if _due(entry, now)][:limit]
    outcomes: list[Outcome] = []
    changes: list[tuple[Entry, Entry]] = []
    for entry in due:
        outcomes.append(verify_entry(store, settings, manifest, entry, avatars_dir=avatars_dir))
        changes.append((entry, store.require(entry.id)))
    if refresh is not None and changes:
        refresh(changes)
    return outcomes


def _due(entry: Entry, now: datetime) -> bool:
    if not entry.verify_attempts or not entry.verify_error:
        return True
    return entry.updated_at + timedelta(seconds=RETRY_BACKOFF * 2 ** (entry.verify_attempts - 1)) <= now


def verify_entry(store: Store, settings: EngagementSettings, manifest: Manifest, entry: Entry, *,
                 avatars_dir: Any = None) -> Outcome:
    thread = manifest.get(entry.thread)
    if thread is None or not entry.source_url:
        return _remove(store, entry, "the article no longer exists")
    try:
        report = verify_source(entry.source_url, thread.url, settings=settings)
    except HiddenLink as failure:
        screening.mark_spam(store, entry.id, screening.hidden_link(failure.reason))
        store.update(entry.id, verification="failed", verify_error=failure.reason,
                     verify_attempts=entry.verify_attempts + 1)
        return Outcome(entry.id, "spam", failure.reason)
    except VerificationFailed as failure:
        if failure.permanent:
            return _remove(store, entry, failure.reason)
        return _retry(store, settings, entry, failure.reason)
    changes: dict[str, Any] = {"verification": "verified", "verified_at": utcnow(),
                               "verify_error": None}
    if entry.kind == "webmention":
        changes.update(report_fields(report))
        if report.author_photo_url and avatars_dir is not None:
            changes["author_photo"] = store_avatar(report.author_photo_url, avatars_dir,
                                                   settings=settings) or entry.author_photo
    # Status first, verification last: whoever waits for "verified" then sees the final status.
    judged = screening.judge_linkback(settings, replace(entry, **{
        k: v for k, v in changes.items() if k in ("author_name", "author_url", "body_source")}), thread)
    if judged is not None and judged.action == "spam":
        screening.mark_spam(store, entry.id, judged)
    else:
        if judged is not None:  # Akismet could not answer: a person decides, never auto-approval
            screening.hold(store, entry.id, judged)
        _settle_status(store, settings, entry, auto_approve=judged is None)
    store.update(entry.id, **changes)
    return Outcome(entry.id, "verified")


def _settle_status(store: Store, settings: EngagementSettings, entry: Entry, *, auto_approve: bool) -> None:
    """Bring back a mention the verifier removed earlier; auto-approve webmentions if configured
    (and ``auto_approve``: no rule held it)."""
    status = entry.status
    if status == "deleted" and _last_actor(store, entry.id) == VERIFIER:
        store.set_status(entry.id, "pending", actor=VERIFIER, detail="source verified again")
        status = "pending"
    automatic = auto_approve and entry.kind == "webmention" and settings.WEBMENTION_AUTO_APPROVE
    if status == "pending" and automatic:
        store.set_status(entry.id, "approved", actor="auto-approve",
                         detail="verified webmention (ENGAGEMENT_WEBMENTION_AUTO_APPROVE)")


def _last_actor(store: Store, entry_id: int) -> str | None:
    history = store.moderation_history(entry_id)
    return history[-1]["actor"] if history else None


def _remove(store: Store, entry: Entry, reason: str) -> Outcome:
    if entry.status != "deleted":
        store.set_status(entry.id, "deleted", actor=VERIFIER, detail=reason)
    store.update(entry.id, verification="failed", verify_error=reason,
                 verify_attempts=entry.verify_attempts + 1)
    log.info("linkback %s from %s removed: %s", entry.id, entry.source_url, reason)
    return Outcome(entry.id, "removed", reason)


def _retry(store: Store, settings: EngagementSettings, entry: Entry, reason: str) -> Outcome:
    attempts = entry.verify_attempts + 1
    if attempts >= settings.LINKBACK_VERIFY_ATTEMPTS:
        store.update(entry.id, verification="failed", verify_error=reason, verify_attempts=attempts)
        return Outcome(entry.id, "failed", reason)
    store.update(entry.id, verify_error=reason, verify_attempts=attempts)
    return Outcome(entry.id, "retry", reason)


class VerificationThread(threading.Thread):
    """Verifies queued linkbacks in the endpoint process: woken by :meth:`wake`, else every
    ``interval`` seconds (to pick up retries and entries queued by other instances)."""

    def __init__(self, store: Store, settings: EngagementSettings, manifest: Manifest, *,
                 avatars_dir: Any = None, interval: float = 60.0,
                 refresh: Refresh | None = None) -> None:
        super().__init__(name="engagement-verifier", daemon=True)
        self.store, self.settings, self.manifest = store, settings, manifest
        self.avatars_dir, self.refresh = avatars_dir, refresh
        self.interval = interval
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self.idle = threading.Event()  # set whenever the queue was found empty (tests wait on it)

    def wake(self) -> None:
        self.idle.clear()
        self._wake.set()

    def stop(self) -> None:
        self._stopping.set()
        self._wake.set()

    def run(self) -> None:
        while not self._stopping.is_set():
            self._wake.clear()
            try:
                while verify_queued(self.store, self.settings, self.manifest,
                                    avatars_dir=self.avatars_dir, limit=20,
                                    refresh=self.refresh):
                    if self._stopping.is_set():
                        break
            except Exception:  # a broken entry or a database hiccup must not end the thread
                log.exception("linkback verification failed")
            self.idle.set()
            self._wake.wait(self.interval)
