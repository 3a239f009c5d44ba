"""Backups: the whole store as one JSON document, and loading such a document back."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import fields
from datetime import datetime
from typing import Any

from sqlalchemy import select

from pelican.plugins.engagement.export_sql import SYNDICATION_FIELDS
from pelican.plugins.engagement.export_stream import DRIVERS, Export, encoded, header
from pelican.plugins.engagement.store.base import StoreBase
from pelican.plugins.engagement.store.records import ENTRY_COLUMNS, Entry, StoreError, aware, utcnow
from pelican.plugins.engagement.store.schema import entries, syndications


class Transfer(StoreBase):
    """``engagement export`` / ``engagement import FILE.json`` and database-free CI builds."""

    def export(self, *, private: bool = True) -> dict[str, Any]:
        """Every entry in every state, read in one snapshot, as a JSON-ready document."""
        with self.read() as conn:
            return {**header(private), "entries": list(_entry_records(conn, private)),
                    "syndications": _syndication_records(conn)}

    @contextmanager
    def export_stream(self, *, private: bool = True) -> Iterator[Export]:
        """The export as bytes, encoded by the database, over one of the engine's connections.

        ``engagement export`` usually opens the database with its driver alone
        (:mod:`pelican.plugins.engagement.export_stream`); this is the same stream for a store
        opened here (just created or migrated, or a URL only SQLAlchemy reads).
        """
        raw = self.engine.raw_connection()
        try:
            yield Export(raw.driver_connection, self.dialect, private=private)
        finally:
            raw.close()

    def export_text(self, *, private: bool = True) -> tuple[str, int]:
        """The export as JSON text, one entry per line (diffs stay readable); and how many entries.

        Encoded by the database (:meth:`export_stream`); in Python for a driver it cannot read.
        """
        if DRIVERS.get(self.dialect) != self.engine.dialect.driver:
            document = self.export(private=private)
            return encoded(document).decode("utf-8"), len(document["entries"])
        with self.export_stream(private=private) as export:
            return export.text(), export.count

    def import_(self, document: dict[str, Any]) -> tuple[int, int]:
        """Load an export; entries whose uuid is already stored are skipped. (added, skipped)

        Rows go in as multi-row inserts (``executemany`` with ``RETURNING`` the new ids), all in one
        transaction: an archive of 100,000 comments loads in seconds, not one round trip per row.
        A reply waits for its parent's batch so its ``parent_id`` names the parent's new id.
        """
        if document.get("format") != "engagement-export":
            raise StoreError("not an engagement export (missing format: engagement-export)")
        records = document.get("entries", [])
        added = skipped = 0
        with self.write() as conn:
            stored = conn.execute(select(entries.c.uuid, entries.c.id))
            batch = _Batch(conn, {row.uuid: row.id for row in stored})
            old_uuid = {record["id"]: record["uuid"] for record in records}
            for record in sorted(records, key=lambda r: r["id"]):
                if batch.holds(record["uuid"]):
                    skipped += 1
                    continue
                parent = record.get("parent_id")
                batch.add(_entry_values(record), old_uuid.get(parent, "") if parent else None)
                added += 1
            batch.flush()
            _import_syndications(conn, document.get("syndications") or [])
        return added, skipped


#: The export's fields, in :class:`Entry`'s order; the private ones only in a private backup.
_FIELDS = tuple(f.name for f in fields(Entry))
_TIMES = frozenset(("created_at", "updated_at", "approved_at", "verified_at"))
_FLAGS = frozenset(("notify", "by_author"))


def _entry_records(conn: Any, private: bool) -> Iterator[dict[str, Any]]:
    """Each entry as its export record (times in ISO 8601 with their zone), in id order."""
    names = [name for name in _FIELDS if private or name not in Entry.PRIVATE]
    times = [i for i, name in enumerate(names) if name in _TIMES]
    flags = [i for i, name in enumerate(names) if name in _FLAGS]
    query = select(*(entries.c[name] for name in names)).order_by(entries.c.id)
    for row in conn.execute(query):
        values = list(row)
        for i in times:
            if values[i] is not None:
                values[i] = aware(values[i]).isoformat()  # type: ignore[union-attr]
        for i in flags:
            values[i] = bool(values[i])
        yield dict(zip(names, values, strict=True))


def _syndication_records(conn: Any) -> list[dict[str, Any]]:
    """Where articles were posted (Mastodon, Bluesky): a database-free build shows "Also on"."""
    posts = conn.execute(select(syndications).order_by(syndications.c.id))
    return [{**{name: getattr(row, name) for name in SYNDICATION_FIELDS},
             "created_at": row.created_at.isoformat()} for row in posts]


def _entry_values(record: dict[str, Any]) -> dict[str, Any]:
    """An export record as the ``entries`` columns to insert (new id, dates parsed)."""
    values = {k: v for k, v in record.items() if k in ENTRY_COLUMNS and k != "id"}
    for name in ("created_at", "updated_at", "approved_at", "verified_at"):
        if values.get(name):
            values[name] = datetime.fromisoformat(values[name])
    return values


class _Batch:
    """Rows waiting for one multi-row insert, and the new id of every uuid stored or inserted."""

    #: Rows per ``executemany``; the driver splits it further into statements it can send.
    SIZE = 2000

    def __init__(self, conn: Any, ids: dict[str, int]) -> None:
        self.conn = conn
        self.ids = ids
        self.rows: list[dict[str, Any]] = []
        self.waiting: dict[str, str | None] = {}  # uuid -> its parent's uuid, for this batch

    def holds(self, uuid: str) -> bool:
        """Already stored, or already in this import (a document naming a uuid twice)."""
        return uuid in self.ids or uuid in self.waiting

    def add(self, values: dict[str, Any], parent_uuid: str | None) -> None:
        # One executemany needs one set of columns; a reply needs its parent's id first.
        if self.rows and (parent_uuid in self.waiting or values.keys() != self.rows[0].keys()
                          or len(self.rows) >= self.SIZE):
            self.flush()
        values["parent_id"] = self.ids.get(parent_uuid) if parent_uuid else None
        self.rows.append(values)
        self.waiting[values["uuid"]] = parent_uuid

    def flush(self) -> None:
        """Insert the waiting rows; remember their new ids (by uuid: rows may come back in any order)."""
        if not self.rows:
            return
        statement = entries.insert().returning(entries.c.uuid, entries.c.id)
        for uuid, new_id in self.conn.execute(statement, self.rows):
            self.ids[uuid] = new_id
        self.rows = []
        self.waiting = {}


def _import_syndications(conn: Any, records: list[dict[str, Any]]) -> None:
    """Syndication records an export carried; one already stored for (article, platform) wins."""
    stored = {(row.thread, row.platform) for row in conn.execute(
        select(syndications.c.thread, syndications.c.platform))}
    for record in records:
        if not isinstance(record, dict) or (record.get("thread"), record.get("platform")) in stored:
            continue
        values = {name: record.get(name) for name in SYNDICATION_FIELDS}
        if not all(values[name] for name in ("thread", "platform", "url", "remote_id")):
            continue
        values["origin"] = values["origin"] or "posted"
        values["status"] = values["status"] or "active"
        values["created_at"] = datetime.fromisoformat(record.get("created_at") or utcnow().isoformat())
        conn.execute(syndications.insert().values(**values))
        stored.add((values["thread"], values["platform"]))
