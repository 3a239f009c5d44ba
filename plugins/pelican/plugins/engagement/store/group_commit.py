"""Group commit: writes that arrive together in one process share one transaction and one commit.

A comment is durable before its 2xx, and on SQLite (WAL, ``synchronous=FULL``) every commit is an
fsync taken one writer at a time: profiled under a burst of POSTs that commit, not the work inside
the transaction, bounded the requests/s (docs/benchmarks.md). Here the request threads of a worker
hand their write to whichever of them is the *leader*: the leader takes the write lock, then takes
every write queued by then (the others queue while it waits for the lock and while the previous
batch commits), runs each in its own savepoint, commits once, and only then wakes each caller with
its own outcome. So an answer is still sent only after its row is committed, a SIGKILL still loses
no acknowledged write, and one write refused (a used-up rate limit, a vanished parent) rolls back
alone. Nothing waits on a timer: a write arriving at a quiet moment is committed at once.

Leadership passes to the oldest queued caller when a batch is done, so no thread works for the
others longer than one batch, and a queued caller is never left without a leader.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from sqlalchemy import Connection

T = TypeVar("T")

#: Most writes in one transaction: bounds how long a batch holds the lock (each is a fraction of
#: a millisecond) while more than any worker's thread count, so a burst is one batch.
MAX_BATCH = 64


@dataclass(eq=False)
class _Job(Generic[T]):
    """One caller's write and, once its batch is done, its outcome."""

    work: Callable[[Connection], T]
    scopes: frozenset[str]
    turn: threading.Event = field(default_factory=threading.Event)
    lead: bool = False
    value: Any = None
    error: BaseException | None = None

    def outcome(self) -> T:
        if self.error is not None:
            raise self.error
        return self.value


class GroupCommit:
    """Runs writes from many threads of one process in shared transactions (see the module).

    ``begin`` opens a write transaction (``Store.write``: on SQLite it holds the write lock) and
    commits it when its block ends; ``lock_scopes`` takes, in the order given, any per-scope locks
    the writes rely on (PostgreSQL advisory locks for rate limits), so that a batch takes all its
    scopes at once in one global order and two batches never wait on each other in a cycle.
    """

    def __init__(self, begin: Callable[[], AbstractContextManager[Connection]],
                 lock_scopes: Callable[[Connection, list[str]], None]) -> None:
        self._begin = begin
        self._lock_scopes = lock_scopes
        self._mutex = threading.Lock()
        self._queue: list[_Job[Any]] = []
        self._leading = False

    @property
    def queued(self) -> int:
        """Writes waiting for a batch (not counting the one being committed)."""
        with self._mutex:
            return len(self._queue)

    def run(self, work: Callable[[Connection], T], scopes: Iterable[str] = ()) -> T:
        """Run ``work`` inside a committed transaction and return its result (or raise its error).

        Returns only after the transaction holding ``work`` has committed; an error raised by
        ``work`` rolls back its own savepoint and is raised here, the other writes go on.
        """
        job: _Job[T] = _Job(work, frozenset(scopes))
        with self._mutex:
            self._queue.append(job)
            lead = not self._leading
            self._leading = True
        if not lead:
            job.turn.wait()
            if not job.lead:
                return job.outcome()
        self._lead()
        return job.outcome()

    def _lead(self) -> None:
        """Commit one batch (which holds the leader's own job), then hand over or stand down."""
        batch: list[_Job[Any]] = []
        try:
            self._commit_batch(batch)
        except BaseException as error:  # BEGIN or COMMIT failed: nothing in the batch is stored
            if not batch:  # the lock never came: every write waiting for it fails, as before
                with self._mutex:
                    batch.extend(self._queue[:MAX_BATCH])
                    del self._queue[:MAX_BATCH]
            for job in batch:
                job.value, job.error = None, job.error or error
        finally:
            self._hand_over(batch)

    def _commit_batch(self, batch: list[_Job[Any]]) -> None:
        """Fill ``batch`` once the write lock is held, run every job in a savepoint, commit."""
        with self._begin() as connection:
            with self._mutex:
                batch.extend(self._queue[:MAX_BATCH])
                del self._queue[:MAX_BATCH]
            scopes = sorted(set().union(*(job.scopes for job in batch)))
            if scopes:
                self._lock_scopes(connection, scopes)
            for job in batch:
                try:
                    with connection.begin_nested():
                        job.value = job.work(connection)
                except Exception as error:  # this write alone is refused; its savepoint is undone
                    job.error = error

    def _hand_over(self, batch: list[_Job[Any]]) -> None:
        """Wake the batch's callers; make the oldest queued caller the next leader, if any."""
        with self._mutex:
            if self._queue:
                following = self._queue[0]
                following.lead = True
                following.turn.set()
            else:
                self._leading = False
        for job in batch:
            job.turn.set()
