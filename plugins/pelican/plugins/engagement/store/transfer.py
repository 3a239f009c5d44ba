"""Backups: the whole store as one JSON document, and loading such a document back."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select

from pelican.plugins.engagement.store.base import StoreBase
from pelican.plugins.engagement.store.records import ENTRY_COLUMNS, Entry, StoreError, utcnow
from pelican.plugins.engagement.store.schema import entries


class Transfer(StoreBase):
    """``engagement export`` / ``engagement import FILE.json`` and database-free CI builds."""

    def export(self, *, private: bool = True) -> dict[str, Any]:
        """Every entry in every state, read in one snapshot, as a JSON-ready document."""
        with self.read() as conn:
            rows = conn.execute(select(entries).order_by(entries.c.id)).all()
        return {
            "format": "engagement-export",
            "version": 1,
            "exported_at": utcnow().isoformat(),
            "private": private,
            "entries": [Entry.from_row(row).to_dict(private=private) for row in rows],
        }

    def import_(self, document: dict[str, Any]) -> tuple[int, int]:
        """Load an export; entries whose uuid is already stored are skipped. (added, skipped)"""
        if document.get("format") != "engagement-export":
            raise StoreError("not an engagement export (missing format: engagement-export)")
        records = document.get("entries", [])
        added = skipped = 0
        with self.write() as conn:
            known = set(conn.execute(select(entries.c.uuid)).scalars())
            uuid_to_id = {
                row.uuid: row.id for row in conn.execute(select(entries.c.uuid, entries.c.id))
            }
            old_uuid = {record["id"]: record["uuid"] for record in records}
            for record in sorted(records, key=lambda r: r["id"]):
                if record["uuid"] in known:
                    skipped += 1
                    continue
                values = {k: v for k, v in record.items() if k in ENTRY_COLUMNS and k != "id"}
                for name in ("created_at", "updated_at", "approved_at", "verified_at"):
                    if values.get(name):
                        values[name] = datetime.fromisoformat(values[name])
                parent = record.get("parent_id")
                values["parent_id"] = uuid_to_id.get(old_uuid.get(parent, "")) if parent else None
                result = conn.execute(entries.insert(), values)
                new_id = result.inserted_primary_key[0]
                uuid_to_id[record["uuid"]] = new_id
                known.add(record["uuid"])
                added += 1
        return added, skipped
