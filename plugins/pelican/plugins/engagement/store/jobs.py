"""Durable page jobs (refresh threads, push files) and leases, for updates that outlive a request.

A job row is written before anyone is told the work will happen and removed from the queue only
when it is done, so a deploy target that is down for an hour loses nothing: the job waits with its
error and its next attempt time. A lease lets exactly one page worker act at a time among several
endpoint instances; it expires, so a second worker takes over when the first dies. A worker records
what it did only while it still holds the lease (:class:`Lease` given to :meth:`PageJobs.finish_jobs`
and :meth:`PageJobs.retry_jobs`): one whose lease was taken over must not mark the jobs its
successor is redoing, nor queue the pushes of pages it rendered from an older state.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, bindparam, func, select
from sqlalchemy.exc import IntegrityError

from pelican.plugins.engagement.store.base import StoreBase
from pelican.plugins.engagement.store.records import StoreError, aware, utcnow
from pelican.plugins.engagement.store.schema import leases, page_jobs

JOB_KINDS = ("refresh", "push")
#: Finished jobs are kept this long (what was pushed when, for a look back), then deleted.
KEEP_FINISHED_SECONDS = 7 * 86400


class LeaseLost(StoreError):
    """The lease the work ran under is someone else's now: the work's results are not recorded."""


@dataclass(frozen=True)
class Lease:
    """A lease as one holder knows it: what it must still hold for its results to count."""

    name: str
    holder: str

#: Is any job of these kinds due? Built once: the page worker asks it five times a second.
_ANY_DUE = (select(page_jobs.c.id)
            .where(page_jobs.c.kind.in_(bindparam("kinds", expanding=True)), page_jobs.c.done_at.is_(None),
                   page_jobs.c.next_attempt_at <= bindparam("now"))
            .limit(1))


@dataclass(frozen=True)
class PageJob:
    """One queued piece of page work."""

    id: int
    kind: str
    items: list[str]
    created_at: datetime
    attempts: int
    next_attempt_at: datetime
    last_error: str | None

    @classmethod
    def from_row(cls, row: Any) -> PageJob:
        return cls(row.id, row.kind, json.loads(row.items), aware(row.created_at),  # type: ignore[arg-type]
                   row.attempts, aware(row.next_attempt_at), row.last_error)  # type: ignore[arg-type]


class PageJobs(StoreBase):
    """The queue of page jobs and the leases that serialise their workers."""

    def add_job(self, kind: str, items: list[str]) -> int:
        """Queue ``items`` (thread keys or output paths); durable when this returns."""
        with self.write() as conn:
            return _insert_job(conn, kind, items)

    def due_jobs(self, kind: str, now: datetime | None = None) -> list[PageJob]:
        """Unfinished jobs of ``kind`` whose next attempt is due, oldest first."""
        query = (select(page_jobs)
                 .where(page_jobs.c.kind == kind, page_jobs.c.done_at.is_(None),
                        page_jobs.c.next_attempt_at <= (now or utcnow()))
                 .order_by(page_jobs.c.id))
        with self.read() as conn:
            return [PageJob.from_row(row) for row in conn.execute(query)]

    def any_due(self, kinds: tuple[str, ...]) -> bool:
        """Whether a job of one of ``kinds`` is due: the page worker's idle look, one cheap read."""
        with self.read() as conn:
            return conn.execute(_ANY_DUE, {"kinds": list(kinds), "now": utcnow()}).first() is not None

    def pending_jobs(self, kind: str | None = None) -> list[PageJob]:
        """Every unfinished job (due or waiting for a retry), oldest first."""
        query = select(page_jobs).where(page_jobs.c.done_at.is_(None)).order_by(page_jobs.c.id)
        if kind is not None:
            query = query.where(page_jobs.c.kind == kind)
        with self.read() as conn:
            return [PageJob.from_row(row) for row in conn.execute(query)]

    def last_finished_at(self) -> datetime | None:
        """When page work last ended (the newest finished job of any kind); None if none is kept.

        The page worker's coalescing starts from it: jobs that arrive while work runs or just
        after it wait for their burst to end, the first one after a quiet spell does not.
        """
        with self.read() as conn:
            value = conn.execute(select(func.max(page_jobs.c.done_at))).scalar()
        return aware(value) if value is not None else None  # type: ignore[arg-type]

    def finish_jobs(self, ids: list[int], *, lease: Lease | None = None,
                    push: list[str] | None = None) -> int:
        """Mark jobs done; returns how many were still open (a racing worker may have been first).

        With ``lease``, only while its holder still holds it (else :class:`LeaseLost`, nothing
        written); ``push`` queues those output paths as a push job in the same transaction, so the
        pages an update wrote are never left without their push, nor pushed by a worker that lost
        its lease.
        """
        if not ids:
            return 0
        with self.write() as conn:
            _check_lease(conn, lease)
            if push:
                _insert_job(conn, "push", push)
            return conn.execute(page_jobs.update()
                                .where(page_jobs.c.id.in_(ids), page_jobs.c.done_at.is_(None))
                                .values(done_at=utcnow())).rowcount

    def retry_jobs(self, ids: list[int], error: str, delay: timedelta, *, lease: Lease | None = None) -> None:
        """Record a failed attempt; the jobs become due again after ``delay`` (only while holding
        ``lease``, if given: a worker that lost it must not push back its successor's jobs)."""
        if not ids:
            return
        with self.write() as conn:
            _check_lease(conn, lease)
            conn.execute(page_jobs.update().where(page_jobs.c.id.in_(ids))
                         .values(attempts=page_jobs.c.attempts + 1, last_error=error[:2000],
                                 next_attempt_at=utcnow() + delay))

    def prune_page_jobs(self, older_than_seconds: float = KEEP_FINISHED_SECONDS) -> int:
        """Delete jobs finished longer ago than that; unfinished ones stay, however old.

        Every approval that changes pages adds a job, and nothing reads a finished one: without
        this the table would only grow. The endpoint's hourly housekeeping calls it.
        """
        cutoff = utcnow() - timedelta(seconds=older_than_seconds)
        with self.write() as conn:
            return conn.execute(page_jobs.delete().where(page_jobs.c.done_at.is_not(None),
                                                         page_jobs.c.done_at <= cutoff)).rowcount

    def take_lease(self, name: str, holder: str, seconds: float) -> bool:
        """Hold lease ``name`` for ``seconds`` if it is free, expired or already ours.

        One conditional UPDATE (or the first INSERT) decides, so two workers can never both win.
        """
        now = utcnow()
        expires = now + timedelta(seconds=seconds)
        with self.write() as conn:
            taken = conn.execute(
                leases.update()
                .where(leases.c.name == name, (leases.c.expires_at < now) | (leases.c.holder == holder))
                .values(holder=holder, expires_at=expires)
            ).rowcount
            if taken:
                return True
            if conn.execute(select(leases.c.name).where(leases.c.name == name)).first() is not None:
                return False
            try:
                with conn.begin_nested():
                    conn.execute(leases.insert().values(name=name, holder=holder, expires_at=expires))
            except IntegrityError:
                return False
            return True

    def renew_lease(self, name: str, holder: str, seconds: float) -> bool:
        """Extend a lease ``holder`` still holds; False once another took it (or it was released).

        Unlike :meth:`take_lease` it never takes a free or expired lease: a holder that lost
        its lease mid-work must find out, not quietly take it back after its successor.
        """
        with self.write() as conn:
            return bool(conn.execute(
                leases.update().where(leases.c.name == name, leases.c.holder == holder)
                .values(expires_at=utcnow() + timedelta(seconds=seconds))
            ).rowcount)

    def release_lease(self, name: str, holder: str) -> None:
        with self.write() as conn:
            conn.execute(leases.delete().where(leases.c.name == name, leases.c.holder == holder))


def _insert_job(conn: Connection, kind: str, items: list[str]) -> int:
    if kind not in JOB_KINDS:
        raise StoreError(f"unknown job kind {kind!r}; expected one of {', '.join(JOB_KINDS)}")
    now = utcnow()
    result = conn.execute(page_jobs.insert().values(
        kind=kind, items=json.dumps(sorted(set(items))), created_at=now, attempts=0, next_attempt_at=now,
    ))
    return int(result.inserted_primary_key[0])


def _check_lease(conn: Connection, lease: Lease | None) -> None:
    """Raise :class:`LeaseLost` unless ``lease``'s holder holds it, locking the row until commit.

    The row lock (PostgreSQL's ``FOR UPDATE``; SQLite's writes are serial anyway) makes a
    successor's :meth:`PageJobs.take_lease` wait for this transaction, so it reads these jobs as
    finished, never half-way. An expired lease nobody took is still the holder's: no one else
    can have started on the jobs.
    """
    if lease is None:
        return
    query = select(leases.c.holder).where(leases.c.name == lease.name).with_for_update()
    holder = conn.execute(query).scalar()
    if holder != lease.holder:
        raise LeaseLost(f"the {lease.name!r} lease is no longer {lease.holder}'s "
                        f"({'held by ' + holder if holder else 'released'}); its work is not recorded")
