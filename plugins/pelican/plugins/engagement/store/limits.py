"""Rate limits kept in the database, so every worker and every instance shares them exactly."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Connection, bindparam, func, select

from pelican.plugins.engagement.store.entries import EntryQueries
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


class RateLimits(EntryQueries):
    """Counting events per scope and window; admitting an entry and inserting it in one transaction."""

    def add_admitted(self, new: NewEntry, limits: Iterable[RateLimit]) -> Entry:
        """Count the entry against every limit and insert it, all in ONE write transaction.

        One lock round trip and one durable commit instead of one per limit: the comment endpoint's
        path. Limits hold exactly as with :meth:`admit`; the first one used up raises
        :class:`RateLimited` and nothing (no event, no entry) is written.
        """
        new.validate()
        limits = [limit for limit in limits if limit.limit > 0]
        with self.write() as conn:
            # Lock every scope up front in one global order, so two writers never wait on each other.
            for scope in sorted({limit.scope for limit in limits}):
                self._lock_scope(conn, scope)
            now = utcnow()
            for limit in limits:
                if not self._admit(conn, limit, now):
                    raise RateLimited(limit)
            return self.add(new, connection=conn)

    def admit(self, scope: str, limit: int, window_seconds: float, now: datetime | None = None
              ) -> bool:
        """Count one event against ``scope`` if fewer than ``limit`` happened in the window.

        The check and the insert happen in one serialised transaction (SQLite's write lock, a
        PostgreSQL advisory lock per scope), so concurrent workers cannot both take the last slot.
        """
        if limit <= 0:  # 0 turns the limit off
            return True
        with self.write() as conn:
            self._lock_scope(conn, scope)
            return self._admit(conn, RateLimit(scope, limit, window_seconds), now or utcnow())

    @staticmethod
    def _lock_scope(conn: Connection, scope: str) -> None:
        """PostgreSQL: serialise the writers of one scope (SQLite's write lock already does)."""
        if conn.dialect.name == "postgresql":
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
