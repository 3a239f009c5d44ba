"""Durable page jobs (refresh threads, push files) and leases, for updates that outlive a request.

A job row is written before anyone is told the work will happen and removed from the queue only
when it is done, so a deploy target that is down for an hour loses nothing: the job waits with its
error and its next attempt time. A lease lets exactly one page worker act at a time among several
endpoint instances; it expires, so a second worker takes over when the first dies.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from pelican.plugins.engagement.store.base import StoreBase
from pelican.plugins.engagement.store.records import StoreError, aware, utcnow
from pelican.plugins.engagement.store.schema import leases, page_jobs

JOB_KINDS = ("refresh", "push")
#: Finished jobs are kept this long (what was pushed when, for a look back), then deleted.
KEEP_FINISHED_SECONDS = 7 * 86400


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
        if kind not in JOB_KINDS:
            raise StoreError(f"unknown job kind {kind!r}; expected one of {', '.join(JOB_KINDS)}")
        now = utcnow()
        with self.write() as conn:
            result = conn.execute(page_jobs.insert().values(
                kind=kind, items=json.dumps(sorted(set(items))), created_at=now, attempts=0,
                next_attempt_at=now,
            ))
            return int(result.inserted_primary_key[0])

    def due_jobs(self, kind: str, now: datetime | None = None) -> list[PageJob]:
        """Unfinished jobs of ``kind`` whose next attempt is due, oldest first."""
        query = (select(page_jobs)
                 .where(page_jobs.c.kind == kind, page_jobs.c.done_at.is_(None),
                        page_jobs.c.next_attempt_at <= (now or utcnow()))
                 .order_by(page_jobs.c.id))
        with self.read() as conn:
            return [PageJob.from_row(row) for row in conn.execute(query)]

    def pending_jobs(self, kind: str | None = None) -> list[PageJob]:
        """Every unfinished job (due or waiting for a retry), oldest first."""
        query = select(page_jobs).where(page_jobs.c.done_at.is_(None)).order_by(page_jobs.c.id)
        if kind is not None:
            query = query.where(page_jobs.c.kind == kind)
        with self.read() as conn:
            return [PageJob.from_row(row) for row in conn.execute(query)]

    def finish_jobs(self, ids: list[int]) -> int:
        """Mark jobs done; returns how many were still open (a racing worker may have been first)."""
        if not ids:
            return 0
        with self.write() as conn:
            return conn.execute(page_jobs.update()
                                .where(page_jobs.c.id.in_(ids), page_jobs.c.done_at.is_(None))
                                .values(done_at=utcnow())).rowcount

    def retry_jobs(self, ids: list[int], error: str, delay: timedelta) -> None:
        """Record a failed attempt; the jobs become due again after ``delay``."""
        if not ids:
            return
        with self.write() as conn:
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

    def release_lease(self, name: str, holder: str) -> None:
        with self.write() as conn:
            conn.execute(leases.delete().where(leases.c.name == name, leases.c.holder == holder))
