"""What the store holds and hands out: entries as records, and the few helpers every query uses."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, fields
from datetime import UTC, datetime
from typing import Any

from pelican.plugins.engagement.store.schema import KINDS, MENTION_TYPES, STATUSES, VERIFICATIONS, entries


class StoreError(Exception):
    """A request the store cannot carry out (unknown entry, invalid state)."""


#: The public columns of a thread's comments, in the order the JSON API shows them.
PUBLIC_COLUMNS = (
    entries.c.id, entries.c.thread, entries.c.parent_id, entries.c.kind, entries.c.author_name,
    entries.c.author_url, entries.c.body_html, entries.c.created_at, entries.c.by_author,
)

#: What the pages show of an entry (``comments.entries.PublicEntry``): never an e-mail or IP hash.
SHOWN_COLUMNS = (
    entries.c.id, entries.c.thread, entries.c.parent_id, entries.c.kind, entries.c.author_name,
    entries.c.author_url, entries.c.author_photo, entries.c.title, entries.c.blog_name,
    entries.c.source_url, entries.c.mention_type, entries.c.body_html, entries.c.created_at,
    entries.c.by_author,
)


def utcnow() -> datetime:
    return datetime.now(UTC)


def dedupe_key(*parts: str) -> str:
    """The idempotency key stored for a linkback or an imported entry."""
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


def aware(value: datetime | None) -> datetime | None:
    """A stored time with its UTC zone back (SQLite keeps no time zone; everything we write is UTC)."""
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


@dataclass(frozen=True)
class Entry:
    """A stored comment, trackback, pingback or webmention."""

    id: int
    uuid: str
    thread: str
    parent_id: int | None
    kind: str
    status: str
    author_name: str
    author_email: str | None
    author_url: str | None
    author_photo: str | None
    title: str | None
    blog_name: str | None
    source_url: str | None
    mention_type: str | None
    body_source: str
    body_html: str
    created_at: datetime
    updated_at: datetime
    approved_at: datetime | None
    ip_hash: str | None
    notify: bool
    verification: str
    verify_attempts: int
    verify_error: str | None
    verified_at: datetime | None
    dedupe_key: str | None
    moderation_reason: str | None = None
    spam_context: str | None = None
    by_author: bool = False

    #: Fields that identify a person (or say how the moderators judged them) and never leave the
    #: store except in a private backup.
    PRIVATE = ("author_email", "ip_hash", "moderation_reason", "spam_context")

    @classmethod
    def from_row(cls, row: Any) -> Entry:
        data = dict(row._mapping)
        for name in ("created_at", "updated_at", "approved_at", "verified_at"):
            data[name] = aware(data[name])
        data["notify"] = bool(data["notify"])
        data["by_author"] = bool(data.get("by_author"))
        return cls(**data)

    def to_dict(self, *, private: bool = False) -> dict[str, Any]:
        """JSON-ready fields; e-mail and IP hash only when ``private`` (backups)."""
        # A shallow copy: every field is a plain value (asdict deep-copied each datetime).
        data = {name: getattr(self, name) for name in _ENTRY_FIELDS}
        for name, value in data.items():
            if isinstance(value, datetime):
                data[name] = value.isoformat()
        if not private:
            for name in self.PRIVATE:
                data.pop(name)
        return data


@dataclass
class NewEntry:
    """What a caller supplies to create an entry; the store fills in ids and times."""

    thread: str
    kind: str = "comment"
    author_name: str = ""
    body_source: str = ""
    body_html: str = ""
    status: str = "pending"
    parent_id: int | None = None
    author_email: str | None = None
    author_url: str | None = None
    author_photo: str | None = None
    title: str | None = None
    blog_name: str | None = None
    source_url: str | None = None
    mention_type: str | None = None
    ip_hash: str | None = None
    notify: bool = False
    verification: str = "none"
    dedupe_key: str | None = None
    created_at: datetime | None = None
    uuid: str | None = None
    moderation_reason: str | None = None
    spam_context: str | None = None
    by_author: bool = False
    extra: dict[str, Any] = field(default_factory=dict)

    def validate(self) -> None:
        if self.kind not in KINDS:
            raise StoreError(f"unknown kind {self.kind!r}; expected one of {', '.join(KINDS)}")
        if self.status not in STATUSES:
            raise StoreError(f"unknown status {self.status!r}")
        if self.verification not in VERIFICATIONS:
            raise StoreError(f"unknown verification state {self.verification!r}")
        if self.mention_type is not None and self.mention_type not in MENTION_TYPES:
            raise StoreError(f"unknown mention type {self.mention_type!r}")
        if not self.thread:
            raise StoreError("an entry needs a thread")


#: Every column of ``entries``, by name (what :meth:`Store.update` accepts).
ENTRY_COLUMNS = frozenset(f.name for f in fields(Entry))
_ENTRY_FIELDS = tuple(f.name for f in fields(Entry))
