"""Syndication records and the social entries the backfeed keeps in step with the platforms.

A syndicated post is recorded once per (article, platform). The backfeed saves each reply and
reaction by its ``dedupe_key`` and reports whether anything a page shows changed, so a run that
finds nothing new writes nothing and re-renders nothing (runs are idempotent).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from pelican.plugins.engagement.store.base import StoreBase
from pelican.plugins.engagement.store.records import Entry, NewEntry, aware, utcnow
from pelican.plugins.engagement.store.schema import entries, meta, social_avatars, syndications

#: Fields of a social entry the platform owns: a change upstream (an edit, a new display name or
#: avatar) is copied over; the moderation state stays ours.
UPSTREAM_FIELDS = ("author_name", "author_url", "author_photo", "title", "source_url", "body_source",
                   "body_html")


@dataclass(frozen=True)
class Syndication:
    """One article's post on one platform."""

    id: int
    thread: str
    platform: str
    url: str
    remote_id: str
    instance: str | None
    origin: str
    status: str
    created_at: datetime
    backfed_at: datetime | None
    backfeed_error: str | None

    @classmethod
    def from_row(cls, row: Any) -> Syndication:
        data = dict(row._mapping)
        data["created_at"] = aware(data["created_at"])
        data["backfed_at"] = aware(data["backfed_at"])
        return cls(**data)


class Syndications(StoreBase):
    """Queries for ``syndications``, ``social_avatars`` and the social entries."""

    def record_syndication(self, *, thread: str, platform: str, url: str, remote_id: str,
                           instance: str | None = None, origin: str = "posted") -> Syndication:
        """Record where an article was posted; an existing record for (article, platform) wins,
        except that a hand-named post follows its metadata when the author changes it."""
        with self.write() as conn:
            row = conn.execute(select(syndications).where(
                syndications.c.thread == thread, syndications.c.platform == platform)).first()
            if row is None:
                try:
                    with conn.begin_nested():
                        conn.execute(syndications.insert().values(
                            thread=thread, platform=platform, url=url, remote_id=remote_id,
                            instance=instance, origin=origin, status="active", created_at=utcnow()))
                except IntegrityError:
                    pass  # recorded meanwhile by another run: keep that one
            elif row.origin == "named" and origin == "named" and row.url != url:
                conn.execute(syndications.update().where(syndications.c.id == row.id).values(
                    url=url, remote_id=remote_id, instance=instance, status="active",
                    backfed_at=None, backfeed_error=None))
            found = conn.execute(select(syndications).where(
                syndications.c.thread == thread, syndications.c.platform == platform)).one()
        return Syndication.from_row(found)

    def syndications(self, threads: Iterable[str] | None = None) -> list[Syndication]:
        """Every syndication record (of ``threads`` only, when given), by thread and platform."""
        query = select(syndications).order_by(syndications.c.thread, syndications.c.platform)
        if threads is not None:
            query = query.where(syndications.c.thread.in_(sorted(set(threads))))
        with self.read() as conn:
            return [Syndication.from_row(row) for row in conn.execute(query)]

    def note_backfeed(self, syndication_id: int, *, error: str | None = None,
                      gone: bool = False) -> None:
        """Remember when a post was last read (and why it failed, or that it is gone upstream)."""
        values: dict[str, Any] = {"backfed_at": utcnow(), "backfeed_error": error}
        if gone:
            values["status"] = "gone"
        with self.write() as conn:
            conn.execute(syndications.update().where(syndications.c.id == syndication_id).values(**values))

    def social_entries(self, thread: str, platform: str) -> list[Entry]:
        """The entries a platform contributed to one article (every state but deleted)."""
        query = (select(entries).where(entries.c.thread == thread, entries.c.kind == platform,
                                       entries.c.status != "deleted")
                 .order_by(entries.c.created_at, entries.c.id))
        with self.read() as conn:
            return [Entry.from_row(row) for row in conn.execute(query)]

    def save_social(self, new: NewEntry) -> tuple[Entry | None, Entry]:
        """Insert or update a social entry by its ``dedupe_key``: (before, after), before being None
        for a new entry and equal to after when the platform's copy did not change."""
        new.validate()
        with self.write() as conn:
            row = conn.execute(select(entries).where(entries.c.dedupe_key == new.dedupe_key)).first()
            if row is None:
                try:
                    with conn.begin_nested():
                        return None, self.add(new, connection=conn)  # type: ignore[attr-defined]
                except IntegrityError:
                    row = conn.execute(select(entries).where(entries.c.dedupe_key == new.dedupe_key)).one()
            changes = {name: getattr(new, name) for name in UPSTREAM_FIELDS
                       if getattr(row, name) != getattr(new, name)}
            if new.parent_id != row.parent_id and _parent_ok(conn, new):
                changes["parent_id"] = new.parent_id
            before = Entry.from_row(row)
            if not changes:
                return before, before
            changes["updated_at"] = utcnow()
            conn.execute(entries.update().where(entries.c.id == row.id).values(**changes))
            updated = conn.execute(select(entries).where(entries.c.id == row.id)).one()
        return before, Entry.from_row(updated)

    def avatar_file(self, url: str) -> tuple[bool, str | None]:
        """(known, file name) of a remote avatar: known and None means it was not an image."""
        with self.read() as conn:
            row = conn.execute(select(social_avatars.c.file_name)
                               .where(social_avatars.c.url_hash == _hash(url))).first()
        return (row is not None, row.file_name if row else None)

    def remember_avatar(self, url: str, file_name: str | None) -> None:
        with self.write() as conn:
            key = _hash(url)
            conn.execute(social_avatars.delete().where(social_avatars.c.url_hash == key))
            conn.execute(social_avatars.insert().values(url_hash=key, file_name=file_name,
                                                        fetched_at=utcnow()))


    def claim_run(self, name: str, every_seconds: float, now: datetime | None = None) -> bool:
        """Take the turn for a periodic job: True for exactly one caller per ``every_seconds``,
        however many endpoint processes (and hosts on one database) ask at once."""
        now = now or utcnow()
        key = f"run:{name}"
        with self.write() as conn:
            last = conn.execute(select(meta.c.value).where(meta.c.key == key)).scalar()
            if last is None:
                try:
                    with conn.begin_nested():
                        conn.execute(meta.insert().values(key=key, value=now.isoformat()))
                    return True
                except IntegrityError:
                    return False
            if (now - datetime.fromisoformat(last)).total_seconds() < every_seconds:
                return False
            # Compare-and-set: of two processes that read the same time, one updates the row.
            result = conn.execute(meta.update().where(meta.c.key == key, meta.c.value == last)
                                  .values(value=now.isoformat()))
            return result.rowcount == 1


def _parent_ok(conn: Any, new: NewEntry) -> bool:
    if new.parent_id is None:
        return True
    parent = conn.execute(select(entries.c.thread).where(entries.c.id == new.parent_id)).first()
    return parent is not None and parent.thread == new.thread


def _hash(url: str) -> str:
    return hashlib.sha256(url.encode("utf-8")).hexdigest()
