"""Idempotency keys: the first answer to a comment, kept a day so that a retry gets it again.

A client that lost the answer to its POST (a killed worker, a dropped connection, a balancer's
retry) sends the comment again with the same key. The key's row is written in the transaction that
inserts the entry (:meth:`~pelican.plugins.engagement.store.limits.RateLimits.add_admitted`): once
the entry is durable, so is the answer, and a retry after any failure finds both or neither.
Concurrent duplicates are serialised on the key (PostgreSQL: an advisory lock; SQLite: its single
writer), so the second one finds the first one's row instead of inserting a second entry; the
primary key is the backstop.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Connection, and_, select

from pelican.plugins.engagement.store.base import StoreBase
from pelican.plugins.engagement.store.records import utcnow
from pelican.plugins.engagement.store.schema import IDEMPOTENCY_TTL_SECONDS, idempotency_keys


@dataclass(frozen=True)
class IdempotencyKey:
    """One request's key: who sent it (keyed address hash), the key itself, what was posted."""

    client: str
    key: str
    fingerprint: str

    @property
    def lock_scope(self) -> str:
        """The advisory-lock scope that serialises requests carrying this key (PostgreSQL)."""
        return f"idempotency:{self.client}:{self.key}"


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


def claim(conn: Connection, key: IdempotencyKey, now: datetime) -> None:
    """Inside a write transaction: raise :class:`Replayed` if the key holds an answer.

    An expired row of the same key is deleted here, so that the insert of the new answer cannot
    collide with a row that only pruning has not reached yet.
    """
    stored = find_answer(conn, key, now)
    if stored is not None:
        raise Replayed(stored)
    conn.execute(idempotency_keys.delete().where(
        and_(idempotency_keys.c.client == key.client, idempotency_keys.c.key == key.key)))


def remember(conn: Connection, key: IdempotencyKey, entry_id: int, answer: tuple[int, str],
             now: datetime) -> None:
    """Write the answer ``(status code, body)`` for ``key``, in the entry's own transaction."""
    conn.execute(idempotency_keys.insert(), {
        "client": key.client, "key": key.key, "fingerprint": key.fingerprint,
        "entry_id": entry_id, "status_code": answer[0], "answer": answer[1], "created_at": now,
    })


class IdempotencyKeys(StoreBase):
    """Reading remembered answers before doing any work, and pruning expired ones."""

    def idempotent_answer(self, key: IdempotencyKey) -> StoredAnswer | None:
        """The answer already given for ``key`` (None: unknown or older than a day).

        Read before the comment is checked and screened, so a plain retry costs one read and no
        spam check; a retry racing its original is caught again inside the write transaction.
        """
        with self.read() as conn:
            return find_answer(conn, key)

    def prune_idempotency_keys(self, older_than_seconds: float = IDEMPOTENCY_TTL_SECONDS) -> int:
        """Delete keys past their day (lookups ignore them already; this keeps the table small)."""
        cutoff = utcnow() - timedelta(seconds=older_than_seconds)
        with self.write() as conn:
            return conn.execute(
                idempotency_keys.delete().where(idempotency_keys.c.created_at <= cutoff)).rowcount
