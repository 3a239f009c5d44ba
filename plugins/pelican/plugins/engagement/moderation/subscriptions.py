"""Reply-notification subscriptions: who asked to hear about replies, and whether they confirmed.

Double opt-in: ticking "tell me about replies" only creates an unconfirmed row and sends one
confirmation message; nothing else is ever sent to the address until its owner follows the link.
Once an address has confirmed, later subscriptions from it need no new confirmation (its owner has
shown they want these messages). Unsubscribing removes every subscription of the address, so one
click really stops all mail.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import func, select

from pelican.plugins.engagement.store import Store, utcnow
from pelican.plugins.engagement.store.schema import subscriptions

__all__ = ["Subscription", "confirm", "find", "forget", "replies_wanted", "subscribe", "unsubscribe"]


@dataclass(frozen=True)
class Subscription:
    id: int
    email: str
    thread: str
    entry_id: int | None
    token: str
    created_at: datetime
    confirmed_at: datetime | None

    @property
    def confirmed(self) -> bool:
        return self.confirmed_at is not None

    @classmethod
    def from_row(cls, row: object) -> Subscription:
        data = dict(row._mapping)  # type: ignore[attr-defined]
        for name in ("created_at", "confirmed_at"):
            if data[name] is not None and data[name].tzinfo is None:
                data[name] = data[name].replace(tzinfo=UTC)  # SQLite keeps no zone; we write UTC
        return cls(**data)


def subscribe(store: Store, email: str, thread: str, entry_id: int) -> Subscription:
    """Record that ``email`` wants to hear about replies to ``entry_id``.

    Confirmed at once when the address confirmed an earlier subscription; otherwise the caller
    sends the confirmation message (``Subscription.confirmed`` is False).
    """
    now = utcnow()
    with store.write() as conn:
        already = conn.execute(
            select(subscriptions.c.id)
            .where(_same_address(email), subscriptions.c.confirmed_at.is_not(None))
            .limit(1)
        ).first()
        token = secrets.token_urlsafe(32)
        result = conn.execute(
            subscriptions.insert().values(
                email=email, thread=thread, entry_id=entry_id, token=token, created_at=now,
                confirmed_at=now if already else None,
            )
        )
        row = conn.execute(
            select(subscriptions).where(subscriptions.c.id == result.inserted_primary_key[0])
        ).one()
    return Subscription.from_row(row)


def find(store: Store, token: str) -> Subscription | None:
    with store.read() as conn:
        row = conn.execute(select(subscriptions).where(subscriptions.c.token == token)).first()
    return Subscription.from_row(row) if row else None


def confirm(store: Store, token: str) -> Subscription | None:
    """Confirm the subscription with this token (and the address's other pending ones)."""
    with store.write() as conn:
        row = conn.execute(select(subscriptions).where(subscriptions.c.token == token)).first()
        if row is None:
            return None
        conn.execute(
            subscriptions.update()
            .where(_same_address(row.email), subscriptions.c.confirmed_at.is_(None))
            .values(confirmed_at=utcnow())
        )
        row = conn.execute(select(subscriptions).where(subscriptions.c.id == row.id)).one()
    return Subscription.from_row(row)


def unsubscribe(store: Store, token: str) -> str | None:
    """Remove every subscription of the address this token belongs to; returns the address."""
    with store.write() as conn:
        row = conn.execute(select(subscriptions).where(subscriptions.c.token == token)).first()
        if row is None:
            return None
        conn.execute(subscriptions.delete().where(_same_address(row.email)))
    return row.email


def replies_wanted(store: Store, parent_id: int) -> list[Subscription]:
    """Confirmed subscriptions of the people waiting for replies to ``parent_id``."""
    with store.read() as conn:
        rows = conn.execute(
            select(subscriptions).where(
                subscriptions.c.entry_id == parent_id, subscriptions.c.confirmed_at.is_not(None)
            )
        ).all()
    return [Subscription.from_row(row) for row in rows]


def forget(store: Store, email: str) -> int:
    """Delete every subscription of an address (part of ``engagement forget``)."""
    with store.write() as conn:
        return conn.execute(subscriptions.delete().where(_same_address(email))).rowcount


def _same_address(email: str):  # type: ignore[no-untyped-def]
    return func.lower(subscriptions.c.email) == email.strip().lower()
