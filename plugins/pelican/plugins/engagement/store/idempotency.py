"""Idempotency keys: the first answer to a comment, kept a day so that a retry gets it again.

A client that lost the answer to its POST (a killed worker, a dropped connection, a balancer's
retry) sends the comment again with the same key. The key's row is written in the transaction that
inserts the entry (:meth:`~pelican.plugins.engagement.store.limits.RateLimits.add_admitted`): once
the entry is durable, so is the answer, and a retry after any failure finds both or neither.
Concurrent duplicates meet on the table's primary key: SQLite has one writer, so the second finds
the first's row; on PostgreSQL the second one's insert waits for the first's commit and then finds
it. Either way the second one's savepoint (its entry with it) is undone and it gets the first answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from typing import Any

from sqlalchemy import Connection, bindparam, select
from sqlalchemy.dialects import postgresql, sqlite

from pelican.plugins.engagement.store.base import StoreBase
from pelican.plugins.engagement.store.records import utcnow
from pelican.plugins.engagement.store.schema import IDEMPOTENCY_TTL_SECONDS, idempotency_keys


@dataclass(frozen=True)
class IdempotencyKey:
    """One request's key: who sent it (keyed address hash), the key itself, what was posted."""

    client: str
    key: str
    fingerprint: str


@dataclass(frozen=True)
class StoredAnswer:
    """The answer remembered for a key, and the fingerprint of the request that earned it."""

    fingerprint: str
    status_code: int
    answer: str
    entry_id: int | None


class Replayed(Exception):
    """The key was used already: nothing new was written; ``stored`` is what the first request got.

    Not a :class:`StoreError`: callers that turn store errors into refusals must not swallow it.
    """

    def __init__(self, stored: StoredAnswer) -> None:
        super().__init__("idempotency key already used")
        self.stored = stored


def _cutoff(now: datetime) -> datetime:
    return now - timedelta(seconds=IDEMPOTENCY_TTL_SECONDS)


def find_answer(conn: Connection, key: IdempotencyKey, now: datetime | None = None) -> StoredAnswer | None:
    """The unexpired answer for ``key``, read on ``conn`` (inside the caller's transaction)."""
    row = conn.execute(
        select(idempotency_keys.c.fingerprint, idempotency_keys.c.status_code,
               idempotency_keys.c.answer, idempotency_keys.c.entry_id)
        .where(idempotency_keys.c.client == key.client, idempotency_keys.c.key == key.key,
               idempotency_keys.c.created_at > _cutoff(now or utcnow()))
    ).first()
    return StoredAnswer(row.fingerprint, row.status_code, row.answer, row.entry_id) if row else None


def remember(conn: Connection, key: IdempotencyKey, entry_id: int, answer: tuple[int, str],
             now: datetime) -> None:
    """Write the answer ``(status code, body)`` for ``key`` in the entry's own transaction, or
    raise :class:`Replayed` (the caller's savepoint then undoes the entry) if the key holds one.

    One statement when the key is new, the common case: an insert that on a live row of the key
    changes nothing and returns nothing, and on an expired one (pruning has not reached it yet)
    takes it over. On PostgreSQL a twin still in flight makes it wait for the twin's commit.
    """
    taken = conn.execute(_upsert(conn.dialect.name), {
        "client": key.client, "key": key.key, "fingerprint": key.fingerprint, "entry_id": entry_id,
        "status_code": answer[0], "answer": answer[1], "created_at": now, "cutoff": _cutoff(now),
    }).first()
    if taken is None:
        stored = find_answer(conn, key, now)
        assert stored is not None, "the key's row is live: the insert found it"
        raise Replayed(stored)


@cache
def _upsert(dialect: str) -> Any:
    """The key's insert-or-take-over-if-expired, built once per dialect (PostgreSQL and SQLite)."""
    insert = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(idempotency_keys)
    taken_over = ("fingerprint", "entry_id", "status_code", "answer", "created_at")
    return insert.on_conflict_do_update(
        index_elements=["client", "key"],
        set_={name: insert.excluded[name] for name in taken_over},
        where=idempotency_keys.c.created_at <= bindparam("cutoff"),
    ).returning(idempotency_keys.c.client)


class IdempotencyKeys(StoreBase):
    """Reading remembered answers before doing any work, and pruning expired ones."""

    def idempotent_answer(self, key: IdempotencyKey) -> StoredAnswer | None:
        """The answer already given for ``key`` (None: unknown or older than a day), committed.

        The plain form reads it first (a token reused for another comment must be judged by the
        once-only rule, not refused); ``add_admitted`` reads it back after losing to a twin.
        """
        with self.read() as conn:
            return find_answer(conn, key)

    def prune_idempotency_keys(self, older_than_seconds: float = IDEMPOTENCY_TTL_SECONDS) -> int:
        """Delete keys past their day (lookups ignore them already; this keeps the table small)."""
        cutoff = utcnow() - timedelta(seconds=older_than_seconds)
        with self.write() as conn:
            return conn.execute(
                idempotency_keys.delete().where(idempotency_keys.c.created_at <= cutoff)).rowcount
