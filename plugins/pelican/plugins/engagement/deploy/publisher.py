"""After a moderation action: queue the changed files, push them, retry until the target takes them.

The fast page update returns exactly the output files it changed. With
``ENGAGEMENT_DEPLOY_ON_APPROVE`` they become a durable ``push`` job in the store before anything is
attempted, and a drainer pushes every due job at once (a burst of approvals is one push), then runs
the purge command. A failure keeps the jobs with their error and a later attempt time (back-off
from 5 s to 10 min), so a target that is down for an hour loses nothing.

With ``ENGAGEMENT_PAGE_UPDATES = "worker"`` a moderation action only records a ``refresh`` job;
an ``engagement worker`` holding the ``pages`` lease (:mod:`.lease`) re-renders the threads of the
due jobs and pushes the result. The first job after a quiet spell is taken at once, so a lone
approval is live without any added wait; jobs that arrive while work runs or within
:data:`SETTLE` after it wait until their burst has settled and are done together (50 approvals in
2 s: the first alone, the other 49 in one update and one push). A worker that dies lets its lease
expire and another takes over.
"""

from __future__ import annotations

import logging
import os
import shlex
import socket
import subprocess
import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from pelican.plugins.engagement.deploy import DeployError, push
from pelican.plugins.engagement.deploy.lease import LEASE_SECONDS, holding
from pelican.plugins.engagement.settings import SiteConfig
from pelican.plugins.engagement.store import Lease, LeaseLost, PageJob, Store, utcnow

log = logging.getLogger(__name__)

FIRST_RETRY = timedelta(seconds=5)
LONGEST_RETRY = timedelta(minutes=10)
#: Refresh jobs that arrive within this of page work (while it runs or after it ended) wait until
#: the newest is this old (the rest of a burst of approvals is one update) …
SETTLE = timedelta(seconds=1)
#: … but never longer than this after the oldest.
MAX_WAIT = timedelta(seconds=5)


@dataclass
class PushResult:
    """What one drain did."""

    jobs: int = 0
    files: list[str] = field(default_factory=list)
    error: str = ""


@dataclass
class PageWork:
    """What one worker tick did: the threads it re-rendered and what it pushed."""

    threads: list[str] = field(default_factory=list)
    pushed: PushResult = field(default_factory=PushResult)
    error: str = ""  # the update failed (to be retried) or the lease was lost mid-work


def retry_delay(attempts: int) -> timedelta:
    """Back-off after ``attempts`` failed attempts: 5 s, 10 s, 20 s … at most 10 min."""
    return min(FIRST_RETRY * (2 ** max(0, attempts)), LONGEST_RETRY)


def queue_push(store: Store, paths: list[str]) -> int | None:
    """Record the changed files as a push job (durable when this returns); None when there are none."""
    return store.add_job("push", paths) if paths else None


def push_due(config: SiteConfig, store: Store, *, waiting_too: bool = False,
             lease: Lease | None = None) -> PushResult:
    """Push every due push job's files in one go, then purge; on failure, schedule a retry.

    ``waiting_too`` includes jobs still in their back-off (``engagement deploy --retry``). With
    ``lease`` the outcome is recorded only while it is still held (else
    :class:`~pelican.plugins.engagement.store.LeaseLost`).
    """
    jobs = store.pending_jobs("push") if waiting_too else store.due_jobs("push")
    result = PushResult(jobs=len(jobs))
    if not jobs:
        return result
    result.files = sorted({path for job in jobs for path in job.items})
    ids = [job.id for job in jobs]
    try:
        push(config.output_path, config.engagement, result.files)
    except DeployError as error:
        result.error = str(error)
        delay = retry_delay(max(job.attempts for job in jobs))
        log.warning("pushing %d changed file(s) failed (%s); retrying in %s", len(result.files), error, delay)
        store.retry_jobs(ids, result.error, delay, lease=lease)
        return result
    store.finish_jobs(ids, lease=lease)
    purge(config, result.files)
    return result


def purge(config: SiteConfig, paths: list[str]) -> None:
    """Run ``ENGAGEMENT_DEPLOY_PURGE_COMMAND`` with the changed URLs on its standard input."""
    command = config.engagement.DEPLOY_PURGE_COMMAND
    if not command or not paths:
        return
    urls = "".join(f"{config.site_url}/{_url_path(path)}\n" for path in paths)
    try:
        done = subprocess.run(shlex.split(command), input=urls, text=True, capture_output=True,
                              timeout=60, check=False)
    except (OSError, subprocess.TimeoutExpired) as error:
        log.warning("the purge command failed: %s", error)
        return
    if done.returncode != 0:
        log.warning("the purge command exited with %s: %s", done.returncode, done.stderr.strip()[-500:])


def _url_path(path: str) -> str:
    # A page is served at its folder's URL (…/index.html → …/), as its links name it.
    return path.removesuffix("index.html")


def ready(jobs: list[PageJob], now: datetime, last_work: datetime | None) -> bool:
    """Whether the due refresh jobs are taken now (leading edge) or wait for their burst to end.

    ``last_work`` is when page work last ended. Jobs that all arrived at least :data:`SETTLE`
    after it follow a quiet spell: at once. Jobs that arrived while work ran or within
    :data:`SETTLE` after it are the rest of a burst: they wait until the newest is
    :data:`SETTLE` old, or the oldest :data:`MAX_WAIT` old (a burst that never ends).
    """
    newest, oldest = max(job.created_at for job in jobs), min(job.created_at for job in jobs)
    if last_work is None or oldest - last_work >= SETTLE:
        return True
    return now - newest >= SETTLE or now - oldest >= MAX_WAIT


def refresh_due(config: SiteConfig, store: Store, *, settle: bool = True,
                lease: Lease | None = None) -> list[str]:
    """Worker mode: re-render the threads of every due refresh job once; queue the push.

    Returns the thread keys updated (empty while a burst is still arriving, see :func:`ready`;
    ``settle=False`` takes the jobs at once, for ``engagement worker --once``). With ``lease``
    the jobs are finished, and the push queued, only while it is still held.
    """
    from pelican.plugins.engagement.comments.rebuild import RebuildError, rebuild_threads

    jobs = store.due_jobs("refresh")
    if not jobs or (settle and not ready(jobs, utcnow(), store.last_finished_at())):
        return []
    threads = sorted({key for job in jobs for key in job.items})
    ids = [job.id for job in jobs]
    try:
        report = rebuild_threads(config, threads)
    except RebuildError as error:
        store.retry_jobs(ids, str(error), retry_delay(max(job.attempts for job in jobs)), lease=lease)
        log.warning("updating the pages of %d thread(s) failed: %s", len(threads), error)
        raise
    store.finish_jobs(ids, lease=lease, push=report.written if config.engagement.DEPLOY_ON_APPROVE else None)
    return threads


def _work_waiting(config: SiteConfig, store: Store, settle: bool) -> bool:
    """Read-only: is there page work to take the lease for? (An idle tick writes nothing.)"""
    pushing = config.engagement.DEPLOY_ON_APPROVE
    if not store.any_due(("refresh", "push") if pushing else ("refresh",)):
        return False  # the idle tick: one small read
    refresh = store.due_jobs("refresh")
    if refresh and (not settle or ready(refresh, utcnow(), store.last_finished_at())):
        return True
    return bool(pushing and store.due_jobs("push"))


def work_once(config: SiteConfig, store: Store, holder: str, *, settle: bool = True,
              lease_seconds: float = LEASE_SECONDS) -> PageWork | None:
    """One worker tick: with the lease, refresh and push what is due. None when another holds it.

    The lease is held (and kept alive, :mod:`.lease`) only while there is work, and released
    after it; a tick with nothing due only reads, so the worker can look often.
    """
    from pelican.plugins.engagement.comments.rebuild import RebuildError

    if not _work_waiting(config, store, settle):
        return PageWork()
    with holding(store, holder, seconds=lease_seconds) as lease:
        if lease is None:
            return None
        done = PageWork()
        try:
            done.threads = refresh_due(config, store, settle=settle, lease=lease)
            if config.engagement.DEPLOY_ON_APPROVE:
                done.pushed = push_due(config, store, lease=lease)
        except RebuildError as error:
            done.error = f"updating pages failed: {error}"
        except LeaseLost as error:
            log.warning("%s", error)
            done.error = str(error)
        return done


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


class Drainer(threading.Thread):
    """Pushes due jobs in the background of one process, then waits for the next kick or retry.

    One per output folder and process (:func:`kick` finds it), so approvals handled at once share
    one push; the moderation action never waits for it. A command that ends soon after (the CLI)
    calls :func:`settle` so its pushes are attempted before the process exits.
    """

    def __init__(self, config: SiteConfig, store: Store) -> None:
        super().__init__(name="engagement-publisher", daemon=True)
        self.config, self.store = config, store
        self._changed = threading.Condition()
        self._requested = self._attempted = 0

    def request(self) -> None:
        with self._changed:
            self._requested += 1
            self._changed.notify_all()

    def _push_exclusively(self) -> bool:
        """Push under the ``pages`` lease, so the workers of one instance never push twice."""
        with holding(self.store, f"{worker_name()}:{self.name}") as lease:
            if lease is None:
                return False
            try:
                push_due(self.config, self.store, lease=lease)
            except LeaseLost as error:  # stalled past the lease: whoever took it pushes these
                log.warning("%s", error)
        return True

    def settle(self, timeout: float) -> bool:
        """Wait until every push requested so far was attempted once; False on timeout."""
        with self._changed:
            target = self._requested
            return self._changed.wait_for(lambda: self._attempted >= target, timeout)

    def run(self) -> None:
        while True:
            with self._changed:
                target = self._requested
            timeout: float | None = None
            try:
                if self._push_exclusively():
                    waiting = self.store.pending_jobs("push")
                    if waiting:
                        next_at = min(job.next_attempt_at for job in waiting)
                        timeout = max(0.05, (next_at - utcnow()).total_seconds())
                else:
                    timeout = 1.0  # another process is pushing; look again soon
            except Exception:  # never let one bad push (or a store hiccup) stop the drainer
                log.exception("pushing changed files failed")
                timeout = FIRST_RETRY.total_seconds()
            with self._changed:
                self._attempted = target
                self._changed.notify_all()
                if self._requested == target:
                    self._changed.wait(timeout)


_drainers: dict[str, Drainer] = {}
_drainers_lock = threading.Lock()


def kick(config: SiteConfig, store: Store) -> Drainer:
    """Start (or wake) this process's drainer for the site's output folder."""
    key = str(config.output_path)
    with _drainers_lock:
        drainer = _drainers.get(key)
        if drainer is None or not drainer.is_alive():
            drainer = _drainers[key] = Drainer(config, store)
            drainer.start()
    drainer.request()
    return drainer


def settle(timeout: float = 60.0) -> bool:
    """Wait for every drainer of this process to attempt what it was asked (short-lived commands)."""
    with _drainers_lock:
        drainers = list(_drainers.values())
    return all(drainer.settle(timeout) for drainer in drainers)
