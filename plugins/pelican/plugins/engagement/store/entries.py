"""Writing and reading entries: add, update, change state, delete, look up, list."""

from __future__ import annotations

import uuid as uuid_module
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection, func, select
from sqlalchemy.exc import IntegrityError

from pelican.plugins.engagement.store.base import StoreBase
from pelican.plugins.engagement.store.log import record_action
from pelican.plugins.engagement.store.records import ENTRY_COLUMNS, Entry, NewEntry, StoreError, utcnow
from pelican.plugins.engagement.store.schema import MAX_ID, STATUSES, entries

# Built once: building the statement (and its cache key) per comment cost more than running it.
_ENTRY_INSERT_RETURNING = entries.insert().returning(*entries.c)


class EntryQueries(StoreBase):
    """Entries one at a time, and lists of them for moderation."""

    def add(self, new: NewEntry, *, connection: Connection | None = None) -> Entry:
        """Insert an entry and commit it before returning."""
        new.validate()
        if connection is None:
            with self.write() as conn:
                return self.add(new, connection=conn)
        now = utcnow()
        created = new.created_at or now
        values = {
            name: getattr(new, name)
            for name in ENTRY_COLUMNS - {"id", "updated_at", "approved_at", "verify_attempts",
                                     "verify_error", "verified_at"}
        }
        values.update(
            uuid=new.uuid or str(uuid_module.uuid4()),
            created_at=created,
            updated_at=now,
            approved_at=now if new.status == "approved" else None,
            verify_attempts=0,
        )
        if new.parent_id is not None:
            parent = connection.execute(
                select(entries.c.thread).where(entries.c.id == new.parent_id)
            ).first()
            if parent is None or parent.thread != new.thread:
                raise StoreError(f"reply-to entry {new.parent_id} is not in this thread")
        # Parameters apart from the statement: SQLAlchemy then reuses one compiled INSERT.
        if connection.dialect.insert_returning:  # one round trip less inside the write lock
            return Entry.from_row(connection.execute(_ENTRY_INSERT_RETURNING, values).one())
        result = connection.execute(entries.insert(), values)
        entry_id = result.inserted_primary_key[0]
        row = connection.execute(select(entries).where(entries.c.id == entry_id)).one()
        return Entry.from_row(row)

    def add_or_update(self, new: NewEntry) -> tuple[Entry, bool]:
        """Insert by ``dedupe_key``, or update the existing entry's content; (entry, created).

        A re-sent webmention or a second import run lands here: the same key updates the row in
        place (keeping its moderation state) instead of adding a duplicate.
        """
        if not new.dedupe_key:
            raise StoreError("add_or_update needs a dedupe_key")
        with self.write() as conn:
            existing = conn.execute(
                select(entries).where(entries.c.dedupe_key == new.dedupe_key)
            ).first()
            if existing is None:
                try:
                    with conn.begin_nested():
                        return self.add(new, connection=conn), True
                except IntegrityError:
                    existing = conn.execute(
                        select(entries).where(entries.c.dedupe_key == new.dedupe_key)
                    ).one()
            changes = {
                name: getattr(new, name)
                for name in ("author_name", "author_url", "author_photo", "title", "blog_name",
                             "source_url", "mention_type", "body_source", "body_html",
                             "verification")
            }
            changes["updated_at"] = utcnow()
            conn.execute(entries.update().where(entries.c.id == existing.id).values(**changes))
            row = conn.execute(select(entries).where(entries.c.id == existing.id)).one()
            return Entry.from_row(row), False

    def get(self, entry_id: int) -> Entry | None:
        if not -MAX_ID <= entry_id <= MAX_ID:  # no row has it; PostgreSQL would raise, not answer
            return None
        with self.read() as conn:
            row = conn.execute(select(entries).where(entries.c.id == entry_id)).first()
        return Entry.from_row(row) if row else None

    def require(self, entry_id: int) -> Entry:
        entry = self.get(entry_id)
        if entry is None:
            raise StoreError(f"no entry with id {entry_id}")
        return entry

    def find_by_dedupe_key(self, key: str) -> Entry | None:
        with self.read() as conn:
            row = conn.execute(select(entries).where(entries.c.dedupe_key == key)).first()
        return Entry.from_row(row) if row else None

    def list(
        self,
        *,
        status: str | Iterable[str] | None = None,
        kind: str | Iterable[str] | None = None,
        thread: str | None = None,
        verification: str | None = None,
        limit: int | None = None,
        offset: int = 0,
        newest_first: bool = False,
    ) -> list[Entry]:
        query = select(entries)
        for column, wanted in ((entries.c.status, status), (entries.c.kind, kind)):
            if isinstance(wanted, str):
                query = query.where(column == wanted)
            elif wanted is not None:
                query = query.where(column.in_(list(wanted)))
        if thread is not None:
            query = query.where(entries.c.thread == thread)
        if verification is not None:
            query = query.where(entries.c.verification == verification)
        order = entries.c.created_at.desc() if newest_first else entries.c.created_at
        query = query.order_by(order, entries.c.id).offset(offset)
        if limit is not None:
            query = query.limit(limit)
        with self.read() as conn:
            return [Entry.from_row(row) for row in conn.execute(query)]

    def approved(self, thread: str | None = None) -> list[Entry]:
        """Approved entries (of one thread, or all) in the order they were written."""
        return self.list(status="approved", thread=thread)

    def update(self, entry_id: int, **changes: Any) -> Entry:
        unknown = set(changes) - ENTRY_COLUMNS
        if unknown:
            raise StoreError(f"unknown entry fields: {', '.join(sorted(unknown))}")
        changes["updated_at"] = utcnow()
        with self.write() as conn:
            result = conn.execute(
                entries.update().where(entries.c.id == entry_id).values(**changes)
            )
            if result.rowcount == 0:
                raise StoreError(f"no entry with id {entry_id}")
            row = conn.execute(select(entries).where(entries.c.id == entry_id)).one()
        return Entry.from_row(row)

    def set_status(self, entry_id: int, status: str, *, actor: str, detail: str = "") -> Entry:
        """Move an entry to a moderation state and record who did it."""
        if status not in STATUSES:
            raise StoreError(f"unknown status {status!r}; expected one of {', '.join(STATUSES)}")
        now = utcnow()
        with self.write() as conn:
            changes: dict[str, Any] = {"status": status, "updated_at": now}
            if status == "approved":
                changes["approved_at"] = now
            result = conn.execute(
                entries.update().where(entries.c.id == entry_id).values(**changes)
            )
            if result.rowcount == 0:
                raise StoreError(f"no entry with id {entry_id}")
            record_action(conn, status, actor, entry_id, detail)
            row = conn.execute(select(entries).where(entries.c.id == entry_id)).one()
        return Entry.from_row(row)

    def delete(self, entry_id: int, *, actor: str) -> Entry:
        """Remove an entry for good (replies to it keep their place, re-attached to the root)."""
        with self.write() as conn:
            row = conn.execute(select(entries).where(entries.c.id == entry_id)).first()
            if row is None:
                raise StoreError(f"no entry with id {entry_id}")
            # The replies changed place: a new updated_at tells readers' caches (thread_version).
            conn.execute(
                entries.update().where(entries.c.parent_id == entry_id)
                .values(parent_id=row.parent_id, updated_at=utcnow())
            )
            conn.execute(entries.delete().where(entries.c.id == entry_id))
            record_action(conn, "delete", actor, entry_id, "")
        return Entry.from_row(row)

    def forget(self, email: str, *, actor: str) -> list[Entry]:
        """Delete every entry written with this e-mail address (right to erasure)."""
        email = email.strip().lower()
        with self.write() as conn:
            rows = conn.execute(
                select(entries).where(func.lower(entries.c.author_email) == email)
            ).all()
            ids = [row.id for row in rows]
            if ids:
                conn.execute(
                    entries.update().where(entries.c.parent_id.in_(ids))
                    .values(parent_id=None, updated_at=utcnow())
                )
                conn.execute(entries.delete().where(entries.c.id.in_(ids)))
            record_action(conn, "forget", actor, None, f"{len(ids)} entries")
        return [Entry.from_row(row) for row in rows]
