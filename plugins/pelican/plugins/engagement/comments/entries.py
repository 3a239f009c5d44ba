"""Approved comments and mentions as pages may show them, and loading them for a build.

Only what a page may show leaves the store here (:class:`PublicEntry` has no e-mail and no IP
hash), and comment HTML is the ``body_html`` stored at accept time, never re-rendered. A build
reads them from the store, or from a JSON export for database-free CI builds.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pelican.plugins.engagement.settings import EngagementSettings, database_url

RESPONSE_MENTION_TYPES = ("reply", "mention", None)
#: Entry kinds read back from a syndicated post (pelican.plugins.engagement.social): their replies
#: join the thread, their likes and reposts are reactions.
SOCIAL_KINDS = ("mastodon", "bluesky")


class RenderError(Exception):
    """The comments cannot be loaded or rendered (bad export file, unreadable store)."""




@dataclass(frozen=True)
class PublicEntry:
    """The part of a stored entry a page may show: never an e-mail address or an IP hash."""

    id: int
    thread: str
    parent_id: int | None
    kind: str
    author_name: str
    author_url: str | None
    author_photo: str | None
    title: str | None
    blog_name: str | None
    source_url: str | None
    mention_type: str | None
    body_html: str
    created_at: datetime
    #: The site's author replying (the moderation page's "Approve and reply"); the thread marks it.
    by_author: bool = False

    @classmethod
    def from_record(cls, record: Mapping[str, Any]) -> PublicEntry:
        """From a store :class:`Entry` (``to_dict()``) or an export record."""
        created = record["created_at"]
        if isinstance(created, str):
            created = datetime.fromisoformat(created)
        if created.tzinfo is None:
            created = created.replace(tzinfo=UTC)
        return cls(
            id=int(record["id"]),
            thread=record["thread"],
            parent_id=record.get("parent_id"),
            kind=record["kind"],
            author_name=record.get("author_name") or "Anonymous",
            author_url=record.get("author_url") or None,
            author_photo=record.get("author_photo") or None,
            title=record.get("title"),
            blog_name=record.get("blog_name"),
            source_url=record.get("source_url"),
            mention_type=record.get("mention_type"),
            body_html=record.get("body_html") or "",
            created_at=created,
            by_author=bool(record.get("by_author", False)),
        )

    @classmethod
    def from_row(cls, row: Any) -> PublicEntry:
        """From a row of the store's ``SHOWN_COLUMNS`` (``Store.approved_rows``)."""
        created = row.created_at
        return cls(
            id=row.id, thread=row.thread, parent_id=row.parent_id, kind=row.kind,
            author_name=row.author_name or "Anonymous", author_url=row.author_url or None,
            author_photo=row.author_photo or None, title=row.title, blog_name=row.blog_name,
            source_url=row.source_url, mention_type=row.mention_type, body_html=row.body_html or "",
            created_at=created if created.tzinfo else created.replace(tzinfo=UTC),
            by_author=bool(row.by_author),
        )

    @classmethod
    def from_entry(cls, entry: Any) -> PublicEntry:
        """From a store :class:`~pelican.plugins.engagement.store.Entry`, without its private fields."""
        data = {name: getattr(entry, name) for name in _PUBLIC_FIELDS if name != "by_author"}
        data["by_author"] = bool(getattr(entry, "by_author", False))
        data.update(author_name=data["author_name"] or "Anonymous", author_url=data["author_url"] or None,
                    author_photo=data["author_photo"] or None, body_html=data["body_html"] or "")
        return cls(**data)

    @property
    def author_link(self) -> str | None:
        """Where the author's name links: their website, or a replying post; only http(s)."""
        for url in (self.author_url, self.source_url if self.kind == "webmention" else None):
            if url and url.lower().startswith(("https://", "http://")):
                return url
        return None

    @property
    def in_thread(self) -> bool:
        """Shown among the comments: a comment, or a webmention that replies."""
        return self.kind == "comment" or (
            self.kind in ("webmention", *SOCIAL_KINDS) and self.mention_type == "reply")

    @property
    def is_response(self) -> bool:
        """Counts as a reply: a comment, a trackback, a pingback, a replying webmention."""
        if self.kind in SOCIAL_KINDS:
            return self.mention_type == "reply"
        return self.kind != "webmention" or self.mention_type in RESPONSE_MENTION_TYPES


_PUBLIC_FIELDS = tuple(PublicEntry.__dataclass_fields__)


def _by_thread(entries: Iterable[PublicEntry]) -> dict[str, list[PublicEntry]]:
    grouped: dict[str, list[PublicEntry]] = defaultdict(list)
    for entry in sorted(entries, key=lambda e: (e.created_at, e.id)):
        grouped[entry.thread].append(entry)
    return dict(grouped)


def _read_export(path: Path) -> list[PublicEntry]:
    try:
        document = json.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        raise RenderError(f"ENGAGEMENT_EXPORT_PATH: {path} does not exist") from None
    except json.JSONDecodeError as error:
        raise RenderError(f"{path}:{error.lineno}: not valid JSON ({error.msg})") from None
    if not isinstance(document, dict) or document.get("format") != "engagement-export":
        raise RenderError(f"{path}: not an engagement export (run `engagement export`)")
    return [PublicEntry.from_record(r) for r in document.get("entries", []) if r.get("status") == "approved"]


def _sqlite_file_missing(url: str) -> bool:
    # A build must not create a database as a side effect: no file yet means no comments yet.
    prefix = "sqlite:///"
    return url.startswith(prefix) and url != "sqlite:///:memory:" and not Path(url[len(prefix):]).exists()


def load_approved(
    settings: EngagementSettings, base_dir: Path, threads: Iterable[str] | None = None
) -> dict[str, list[PublicEntry]]:
    """Approved entries per thread (of ``threads`` only, when given), oldest first.

    They come from the JSON export when ``ENGAGEMENT_EXPORT_PATH`` is set (a CI build needs no
    database), from the store otherwise.
    """
    wanted = None if threads is None else set(threads)
    archived = [e for e in _read_archive(settings, base_dir) if wanted is None or e.thread in wanted]
    if settings.EXPORT_PATH:
        path = Path(settings.EXPORT_PATH)
        entries = _read_export(path if path.is_absolute() else base_dir / path)
        if wanted is not None:
            entries = [e for e in entries if e.thread in wanted]
        return _by_thread([*entries, *archived])
    store = _open_store(settings, base_dir)
    if store is None:
        return _by_thread(archived)
    try:
        found = [PublicEntry.from_row(row) for row in store.approved_rows(wanted)]
    finally:
        store.close()
    return _by_thread([*found, *archived])


def _read_archive(settings: EngagementSettings, base_dir: Path) -> list[PublicEntry]:
    """``ENGAGEMENT_ARCHIVE_PATH``: entries kept from an earlier site, merged into every build.

    They use negative ids, so they never collide with (or are mistaken for) stored entries.
    """
    if not settings.ARCHIVE_PATH:
        return []
    path = Path(settings.ARCHIVE_PATH)
    path = path if path.is_absolute() else base_dir / path
    if not path.is_file():
        raise RenderError(f"ENGAGEMENT_ARCHIVE_PATH: {path} does not exist")
    entries = _read_export(path)
    positive = [e for e in entries if e.id >= 0]
    if positive:
        raise RenderError(f"{path}: archived entries need negative ids (entry {positive[0].id})")
    return entries


def _open_store(settings: EngagementSettings, base_dir: Path) -> Any:
    """The store, or None when its SQLite file does not exist yet (no comments yet).

    Migrations are the endpoint's job (it creates and upgrades the database); a build only
    reads, and skipping Alembic keeps the fast rebuild fast.
    """
    url = database_url(settings, base_dir)
    if _sqlite_file_missing(url):
        return None
    from pelican.plugins.engagement.store import Store

    return Store.open(url, run_migrations=False)


def latest_thread_keys(settings: EngagementSettings, base_dir: Path, count: int) -> set[str]:
    """Threads holding the ``count`` newest approved comments (what the site-wide feed shows)."""
    if settings.EXPORT_PATH:
        entries = [e for es in load_approved(settings, base_dir).values() for e in es if e.in_thread]
        entries.sort(key=lambda e: (e.created_at, e.id), reverse=True)
        return {e.thread for e in entries[:count]}
    store = _open_store(settings, base_dir)
    if store is None:
        return set()
    keys: set[str] = set()
    found = offset = 0
    try:
        while found < count:
            batch = store.list(status="approved", kind=("comment", "webmention", *SOCIAL_KINDS),
                               newest_first=True,
                               limit=count * 2, offset=offset)
            for entry in batch:
                if PublicEntry.from_entry(entry).in_thread and found < count:
                    keys.add(entry.thread)
                    found += 1
            if len(batch) < count * 2:
                break
            offset += len(batch)
    finally:
        store.close()
    return keys

