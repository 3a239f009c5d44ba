"""The moderation log: who did what to which entry, and when."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, select

from pelican.plugins.engagement.store.base import StoreBase
from pelican.plugins.engagement.store.records import utcnow
from pelican.plugins.engagement.store.schema import moderation_log


def record_action(conn: Connection, action: str, actor: str, entry_id: int | None, detail: str) -> None:
    """Add a log line inside the caller's transaction (so the action and its record commit together)."""
    conn.execute(
        moderation_log.insert().values(
            entry_id=entry_id, action=action, actor=actor, at=utcnow(), detail=detail or None
        )
    )


def record_actions(conn: Connection, action: str, actor: str, entry_ids: list[int], detail: str) -> None:
    """One log line per entry, inserted together (one executemany) inside the caller's transaction.

    A bulk decision is still one decision per entry in the log: the audit trail reads the same as
    when each entry was moderated on its own.
    """
    if not entry_ids:
        return
    at = utcnow()
    conn.execute(moderation_log.insert(), [
        {"entry_id": entry_id, "action": action, "actor": actor, "at": at, "detail": detail or None}
        for entry_id in entry_ids
    ])


class ModerationLog(StoreBase):
    """Reading and writing the log outside another transaction."""

    def log(self, action: str, *, actor: str, entry_id: int | None = None, detail: str = "") -> None:
        with self.write() as conn:
            record_action(conn, action, actor, entry_id, detail)

    def moderation_history(self, entry_id: int | None = None) -> list[dict[str, Any]]:
        query = select(moderation_log).order_by(moderation_log.c.id)
        if entry_id is not None:
            query = query.where(moderation_log.c.entry_id == entry_id)
        with self.read() as conn:
            return [dict(row._mapping) for row in conn.execute(query)]
