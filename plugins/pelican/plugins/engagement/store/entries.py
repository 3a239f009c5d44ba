"""Writing and reading entries: add, update, change state, delete, look up, list."""

from __future__ import annotations

import uuid as uuid_module
from collections.abc import Iterable, Iterator
from typing import Any

from sqlalchemy import Connection, Row, func, select
from sqlalchemy.exc import IntegrityError

from pelican.plugins.engagement.store.base import StoreBase
from pelican.plugins.engagement.store.log import record_action, record_actions
from pelican.plugins.engagement.store.records import ENTRY_COLUMNS, Entry, NewEntry, StoreError, utcnow
from pelican.plugins.engagement.store.schema import MAX_ID, STATUSES, entries

# Built once: building the statement (and its cache key) per comment cost more than running it.
_ENTRY_INSERT_RETURNING = entries.insert().returning(*entries.c)
#: Ids per ``IN (...)`` list: far below SQLite's 32,766 and PostgreSQL's 65,535 bound parameters.
ID_CHUNK = 1000


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
        changed, _missing = self.set_status_many([entry_id], status, actor=actor, detail=detail)
        if not changed:
            raise StoreError(f"no entry with id {entry_id}")
        return changed[0][1]

    def set_status_many(self, entry_ids: Iterable[int], status: str, *, actor: str, detail: str = ""
                        ) -> tuple[list[tuple[Entry, Entry]], list[int]]:
        """Move entries to a moderation state in ONE transaction; a log line per entry.

        Set-based (a few statements for any number of entries) because each commit is an fsync:
        500 entries committed one by one spent most of a bulk approval waiting for the disk.
        Returns the (before, after) pairs in the order given, and the ids no entry has (the
        others are still changed: one unknown id does not undo a moderator's whole selection).
        """
        if status not in STATUSES:
            raise StoreError(f"unknown status {status!r}; expected one of {', '.join(STATUSES)}")
        wanted = list(dict.fromkeys(entry_ids))
        now = utcnow()
        changes: dict[str, Any] = {"status": status, "updated_at": now}
        if status == "approved":
            changes["approved_at"] = now
        with self.write() as conn:
            before = _rows_by_id(conn, wanted, lock=True)
            found = [entry_id for entry_id in wanted if entry_id in before]
            for chunk in _chunks(sorted(found)):
                conn.execute(entries.update().where(entries.c.id.in_(chunk)).values(**changes))
            record_actions(conn, status, actor, found, detail)
            after = _rows_by_id(conn, found)
        pairs = [(Entry.from_row(before[i]), Entry.from_row(after[i])) for i in found]
        return pairs, [entry_id for entry_id in wanted if entry_id not in before]

    def delete(self, entry_id: int, *, actor: str) -> Entry:
        """Remove an entry for good (replies to it keep their place, re-attached to the root)."""
        removed, _missing = self.delete_many([entry_id], actor=actor)
        if not removed:
            raise StoreError(f"no entry with id {entry_id}")
        return removed[0]

    def delete_many(self, entry_ids: Iterable[int], *, actor: str) -> tuple[list[Entry], list[int]]:
        """Remove entries for good in ONE transaction; a log line per entry.

        A reply to a removed entry moves up to the nearest ancestor that stays (as if the
        entries had been deleted one after the other, in any order). Returns the removed
        entries in the order given and the ids no entry has.
        """
        wanted = list(dict.fromkeys(entry_ids))
        with self.write() as conn:
            rows = _rows_by_id(conn, wanted, lock=True)
            found = [entry_id for entry_id in wanted if entry_id in rows]
            by_new_parent: dict[int | None, list[int]] = {}
            for entry_id in found:
                by_new_parent.setdefault(_surviving_parent(rows, entry_id), []).append(entry_id)
            now = utcnow()
            for new_parent, gone in by_new_parent.items():
                for chunk in _chunks(gone):
                    # The replies changed place: a new updated_at tells readers' caches (thread_version).
                    # (Removed replies move too; they go a statement later.)
                    conn.execute(entries.update().where(entries.c.parent_id.in_(chunk))
                                 .values(parent_id=new_parent, updated_at=now))
            for chunk in _chunks(sorted(found)):
                conn.execute(entries.delete().where(entries.c.id.in_(chunk)))
            record_actions(conn, "delete", actor, found, "")
        return [Entry.from_row(rows[i]) for i in found], [i for i in wanted if i not in rows]

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


def _chunks(ids: list[int]) -> Iterator[list[int]]:
    """``ids`` in slices short enough for one ``IN (...)`` on either backend's parameter limit."""
    for start in range(0, len(ids), ID_CHUNK):
        yield ids[start:start + ID_CHUNK]


def _rows_by_id(conn: Connection, ids: list[int], *, lock: bool = False) -> dict[int, Row[Any]]:
    """The entries with these ids, by id; ids beyond the column's range simply match nothing.

    ``lock``: PostgreSQL locks the rows (in id order, so two bulk actions cannot deadlock) until
    the transaction ends; SQLite already holds the whole database's write lock.
    """
    found: dict[int, Row[Any]] = {}
    for chunk in _chunks(sorted(i for i in ids if -MAX_ID <= i <= MAX_ID)):
        query = select(entries).where(entries.c.id.in_(chunk)).order_by(entries.c.id)
        if lock:
            query = query.with_for_update()
        found.update((row.id, row) for row in conn.execute(query))
    return found


def _surviving_parent(rows: dict[int, Row[Any]], entry_id: int) -> int | None:
    """Where replies to a removed entry go: its nearest ancestor that is not removed too."""
    parent = rows[entry_id].parent_id
    seen = {entry_id}
    while parent in rows and parent not in seen:  # `seen` guards against a (corrupt) cycle
        seen.add(parent)
        parent = rows[parent].parent_id
    return parent
