"""Rate limits kept in the database, so every worker and every instance shares them exactly."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Connection, Engine, bindparam, func, select
from sqlalchemy.exc import IntegrityError, OperationalError

from pelican.plugins.engagement.store import idempotency
from pelican.plugins.engagement.store.entries import EntryQueries
from pelican.plugins.engagement.store.group_commit import GroupCommit
from pelican.plugins.engagement.store.idempotency import IdempotencyKey, IdempotencyKeys, Replayed
from pelican.plugins.engagement.store.records import Entry, NewEntry, StoreError, utcnow
from pelican.plugins.engagement.store.schema import rate_events


@dataclass(frozen=True)
class RateLimit:
    """At most ``limit`` events per ``window_seconds`` in ``scope`` (a ``limit`` of 0 is no limit)."""

    scope: str
    limit: int
    window_seconds: float


class RateLimited(StoreError):
    """:meth:`Store.add_admitted` refused the entry: ``limit`` was used up (nothing was written)."""

    def __init__(self, limit: RateLimit) -> None:
        super().__init__(f"rate limit reached for {limit.scope}")
        self.limit = limit


# Statements run inside the write lock on every comment, built once: building one per call (and its
# cache key) cost more than running it.
_RATE_EVENTS_SINCE = (
    select(func.count()).select_from(rate_events)
    .where(rate_events.c.scope == bindparam("scope"), rate_events.c.at > bindparam("since"))
)
_RATE_EVENT_INSERT = rate_events.insert()


class RateLimits(EntryQueries, IdempotencyKeys):
    """Counting events per scope and window; admitting an entry and inserting it in one transaction."""

    def __init__(self, engine: Engine) -> None:
        super().__init__(engine)
        # Comments posted together in this process share one transaction and one durable commit.
        self._group_commit = GroupCommit(self.write, self._lock_scopes)

    def add_admitted(self, new: NewEntry, limits: Iterable[RateLimit], key: IdempotencyKey | None = None,
                     answer: Callable[[Entry], tuple[int, str]] | None = None) -> Entry:
        """Count the entry against every limit and insert it, committed before this returns.

        The comment endpoint's path. Entries posted at the same moment by other threads of this
        process share the transaction and its one durable commit (:mod:`.group_commit`), each in its
        own savepoint: limits hold exactly as with :meth:`admit` (each entry counts the events the
        ones before it in the batch wrote), and the first limit used up raises
        :class:`RateLimited` with nothing (no event, no entry) written for this entry.

        With an idempotency ``key``, ``answer(entry)`` — the status code and body the caller will
        send — is stored with the entry in the same commit, so the answer is as durable as the entry
        it describes; a key already used raises
        :class:`~pelican.plugins.engagement.store.idempotency.Replayed` (nothing written, and
        before any rate limit: a retry is answered even when the client's limit is used up).
        """
        if key is not None and answer is None:
            raise StoreError("an idempotency key needs the answer to store with it")
        new.validate()
        limits = [limit for limit in limits if limit.limit > 0]
        scopes = {limit.scope for limit in limits}
        for last_try in (False, True):
            try:
                return self._group_commit.run(
                    lambda conn: self._admit_and_add(conn, new, limits, key, answer), scopes)
            except (Replayed, IntegrityError, OperationalError) as error:
                if key is None or not _lost_to_a_twin(error):
                    raise
                # The key was taken by a twin: in an earlier transaction, earlier in this batch (its
                # answer is real only if the batch committed) or, racing, in another process's. Read
                # it back committed; if the twin's write did not survive, the key is free again and
                # this comment is stored after all (once more).
                stored = self.idempotent_answer(key)
                if stored is not None:
                    raise Replayed(stored) from None
                if last_try:
                    raise
        raise AssertionError("unreachable")  # pragma: no cover

    def _admit_and_add(self, conn: Connection, new: NewEntry, limits: list[RateLimit],
                       key: IdempotencyKey | None, answer: Callable[[Entry], tuple[int, str]] | None
                       ) -> Entry:
        """Inside the write transaction, every scope already locked: insert, key, count.

        The key is written right after the entry (one statement, which also finds a used key), and
        the limits are counted last: all three are one savepoint, so the order changes nothing that
        is stored, only that a replay is found before a used-up limit refuses the comment.
        """
        now = utcnow()
        entry = self.add(new, connection=conn)
        if key is not None and answer is not None:
            idempotency.remember(conn, key, entry.id, answer(entry), now)
        for limit in limits:
            if not self._admit(conn, limit, now):
                raise RateLimited(limit)
        return entry

    def admit(self, scope: str, limit: int, window_seconds: float, now: datetime | None = None
              ) -> bool:
        """Count one event against ``scope`` if fewer than ``limit`` happened in the window.

        The check and the insert happen in one serialised transaction (SQLite's write lock, a
        PostgreSQL advisory lock per scope), so concurrent workers cannot both take the last slot.
        """
        if limit <= 0:  # 0 turns the limit off
            return True
        with self.write() as conn:
            self._lock_scopes(conn, [scope])
            return self._admit(conn, RateLimit(scope, limit, window_seconds), now or utcnow())

    @staticmethod
    def _lock_scopes(conn: Connection, scopes: list[str]) -> None:
        """PostgreSQL: serialise the writers of each scope, taken in the order given (the caller
        sorts them, so two writers never wait on each other); SQLite's write lock already does."""
        if conn.dialect.name == "postgresql":
            for scope in scopes:
                conn.exec_driver_sql(
                    "SELECT pg_advisory_xact_lock(hashtextextended(%(scope)s, 0))",
                    {"scope": scope},
                )

    @staticmethod
    def _admit(conn: Connection, limit: RateLimit, now: datetime) -> bool:
        """Count one event if the window has room; the caller holds the scope's lock."""
        since = now - timedelta(seconds=limit.window_seconds)
        used = conn.execute(_RATE_EVENTS_SINCE, {"scope": limit.scope, "since": since}).scalar_one()
        if used >= limit.limit:
            return False
        conn.execute(_RATE_EVENT_INSERT, {"scope": limit.scope, "at": now})
        return True

    def prune_rate_events(self, older_than_seconds: float = 86400) -> int:
        cutoff = utcnow() - timedelta(seconds=older_than_seconds)
        with self.write() as conn:
            return conn.execute(rate_events.delete().where(rate_events.c.at < cutoff)).rowcount


def _lost_to_a_twin(error: Exception) -> bool:
    """An error that a twin with the same idempotency key can cause: its answer is found, a primary
    key collision, or PostgreSQL's deadlock victim (two batches each waiting for the other's twin)."""
    if isinstance(error, OperationalError):
        return getattr(error.orig, "sqlstate", None) == "40P01"  # deadlock_detected
    return True
