"""Backups: the whole store as one JSON document, and loading such a document back."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select

from pelican.plugins.engagement.store.base import StoreBase
from pelican.plugins.engagement.store.records import ENTRY_COLUMNS, Entry, StoreError, utcnow
from pelican.plugins.engagement.store.schema import entries, syndications

#: What an export keeps of a syndication record (all of it is public: the post's address and id).
SYNDICATION_FIELDS = ("thread", "platform", "url", "remote_id", "instance", "origin", "status")


class Transfer(StoreBase):
    """``engagement export`` / ``engagement import FILE.json`` and database-free CI builds."""

    def export(self, *, private: bool = True) -> dict[str, Any]:
        """Every entry in every state, read in one snapshot, as a JSON-ready document."""
        with self.read() as conn:
            rows = conn.execute(select(entries).order_by(entries.c.id)).all()
            posts = conn.execute(select(syndications).order_by(syndications.c.id)).all()
        return {
            "format": "engagement-export",
            "version": 1,
            "exported_at": utcnow().isoformat(),
            "private": private,
            "entries": [Entry.from_row(row).to_dict(private=private) for row in rows],
            # Where articles were posted (Mastodon, Bluesky): a database-free build shows "Also on".
            "syndications": [{**{name: getattr(row, name) for name in SYNDICATION_FIELDS},
                              "created_at": row.created_at.isoformat()} for row in posts],
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
            _import_syndications(conn, document.get("syndications") or [])
        return added, skipped


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
