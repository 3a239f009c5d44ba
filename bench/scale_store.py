"""The stores of the scale section: 100,000 approved comments on SQLite and on PostgreSQL.

The comments go in through ``Store.import_`` (the export format, one transaction, multi-row
inserts), as an editor's WordPress or Disqus archive would. Most articles get about the same number
of comments; a few get long threads (500 by default), one in five of their comments a reply to the
comment before it, so the build, the fast update and the thread API meet real comment trees.
PostgreSQL is used when a server answers on the test address, in a schema this module creates
and drops.
"""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from bench.sitegen import ArticleSpec, Site

#: The server the test suite uses (README: trust auth, database ``test``); the environment wins.
POSTGRES_URL = os.environ.get("ENGAGEMENT_TEST_POSTGRES_URL",
                              "postgresql+psycopg://postgres@127.0.0.1:5432/test")
#: Every how many comments of a long thread one replies to the comment before it.
REPLY_EVERY = 5


@dataclass(frozen=True)
class StoreSite(Site):
    """The scale site's shared content with one of its stores; its builds live under ``root``."""

    shared_content: Path = Path()
    url: str = ""

    @property
    def content(self) -> Path:
        return self.shared_content

    @property
    def database_url(self) -> str:
        return self.url


def thread_sizes(specs: list[ArticleSpec], per_article: int, long_size: int) -> dict[str, int]:
    """Comments per thread: ``per_article`` on average, one long thread per 500 articles.

    The long threads' comments are taken from the others, so the total stays articles ×
    ``per_article`` (100,000 at 5,000 × 20).
    """
    total = len(specs) * per_article
    long_count = max(1, len(specs) // 500)
    long_threads = [spec.thread for spec in specs[1::max(1, len(specs) // long_count)][:long_count]]
    rest = [spec.thread for spec in specs if spec.thread not in set(long_threads)]
    left = max(0, total - long_size * len(long_threads))
    base, extra = divmod(left, len(rest)) if rest else (0, 0)
    sizes = {thread: long_size for thread in long_threads}
    sizes.update({thread: base + (1 if n < extra else 0) for n, thread in enumerate(rest)})
    return sizes


def records(sizes: dict[str, int], bodies: list[tuple[str, str]]) -> list[dict[str, Any]]:
    """Export records of approved comments: ``sizes[thread]`` per thread, replies in long threads."""
    first = datetime(2024, 1, 1, tzinfo=UTC)
    out: list[dict[str, Any]] = []
    longest = max(sizes.values(), default=0)
    for thread, count in sizes.items():
        for n in range(count):
            number = len(out) + 1
            source, html = bodies[n % len(bodies)]
            when = (first + timedelta(minutes=n)).isoformat()
            replies = count == longest and n % REPLY_EVERY == REPLY_EVERY - 1
            out.append({
                "id": number, "uuid": str(uuid.UUID(int=number)), "thread": thread,
                "parent_id": number - 1 if replies else None, "kind": "comment", "status": "approved",
                "author_name": f"Reader {n}", "author_email": f"reader{n}@example.org",
                "body_source": source, "body_html": html, "created_at": when, "updated_at": when,
                "approved_at": when, "notify": False, "verification": "none", "verify_attempts": 0,
            })
    return out


def fill(url: str, document: dict[str, Any]) -> int:
    """Import ``document`` into the store at ``url`` (created and migrated); the entries added."""
    from pelican.plugins.engagement.store import Store

    store = Store.open(url)
    try:
        added, _skipped = store.import_(document)
    finally:
        store.close()
    return added


def queue_pending(url: str, threads: list[str], count: int) -> list[int]:
    """``count`` readers' comments waiting for moderation, spread over ``threads``; their ids."""
    from pelican.plugins.engagement.markup import render_comment
    from pelican.plugins.engagement.store import NewEntry, Store

    html = render_comment("Waiting in the queue of the scale benchmark.")
    store = Store.open(url, run_migrations=False)
    ids = []
    try:
        with store.write() as connection:
            for n in range(count):
                entry = store.add(NewEntry(
                    thread=threads[n % len(threads)], author_name=f"Queued reader {n}",
                    author_email=f"queued{n}@example.org", body_source="Waiting.", body_html=html,
                    status="pending", created_at=datetime.now(UTC)), connection=connection)
                ids.append(entry.id)
    finally:
        store.close()
    return ids


def postgres_answers(url: str = POSTGRES_URL) -> bool:
    """True when the server in ``url`` accepts a TCP connection within a second."""
    parsed = urlparse(url)
    try:
        with socket.create_connection((parsed.hostname or "127.0.0.1", parsed.port or 5432), timeout=1):
            return True
    except OSError:
        return False


@contextmanager
def postgres_schema(base: str = POSTGRES_URL, prefix: str = "bench_scale") -> Iterator[str]:
    """A schema of its own on the server, dropped afterwards; yields a store URL that uses it.

    The test suite's PostgreSQL fixture uses it too (prefix ``t``), so the two cannot drift.
    """
    from sqlalchemy import create_engine, text

    schema = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base)
    try:
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        separator = "&" if "?" in base else "?"
        try:
            yield f"{base}{separator}options=-csearch_path%3D{schema}"
        finally:
            with admin.begin() as conn:
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    finally:
        admin.dispose()
