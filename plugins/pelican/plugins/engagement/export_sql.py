"""The export's SQL: each entry encoded as JSON by SQLite (``json_object``) or PostgreSQL
(``row_to_json``), and the lines read back as bytes, a block at a time.

At 100,000 comments, reading each row into Python and encoding it there took seconds of CPU; the
databases' own JSON functions do it in a fraction of that, and the driver hands the lines over
as bytes (a ``BLOB`` cast on SQLite, ``COPY … TO STDOUT`` on PostgreSQL): no Python object per
column, no decoding and re-encoding. Times come out as Python's ``isoformat()`` of the UTC time
writes them (``2024-01-01T09:30:00+00:00``, microseconds only when there are some), flags as
``true``/``false``, keys in :class:`Entry`'s order, compact separators on both databases, so
``engagement import`` reads the lines exactly as it reads an export encoded in Python.

Plain ``sqlite3`` and ``psycopg``, no SQLAlchemy: :mod:`.export_stream` runs without it.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Any

#: The export's fields in :class:`~pelican.plugins.engagement.store.records.Entry`'s order, and
#: those that stay out of a public export (``Entry.PRIVATE``); a test keeps both equal to Entry's.
FIELDS = (
    "id", "uuid", "thread", "parent_id", "kind", "status", "author_name", "author_email",
    "author_url", "author_photo", "title", "blog_name", "source_url", "mention_type", "body_source",
    "body_html", "created_at", "updated_at", "approved_at", "ip_hash", "notify", "verification",
    "verify_attempts", "verify_error", "verified_at", "dedupe_key", "moderation_reason",
    "spam_context", "by_author",
)
PRIVATE = ("author_email", "ip_hash", "moderation_reason", "spam_context")
TIMES = frozenset(("created_at", "updated_at", "approved_at", "verified_at"))
FLAGS = frozenset(("notify", "by_author"))
#: What an export keeps of a syndication record (all of it is public: the post's address and id).
SYNDICATION_FIELDS = ("thread", "platform", "url", "remote_id", "instance", "origin", "status")


def field_names(private: bool) -> list[str]:
    return [name for name in FIELDS if private or name not in PRIVATE]


def _sqlite_value(name: str) -> str:
    if name in FLAGS:
        return f"CASE WHEN {name} THEN json('true') ELSE json('false') END"
    if name in TIMES:
        # Stored as "YYYY-MM-DD HH:MM:SS.ffffff" (SQLAlchemy's SQLite format), always UTC; NULL stays NULL.
        return f"replace(replace({name}, '.000000', ''), ' ', 'T') || '+00:00'"
    return name


def _postgresql_value(name: str) -> str:
    if name in TIMES:
        whole, fraction = 'YYYY-MM-DD"T"HH24:MI:SS"+00:00"', 'YYYY-MM-DD"T"HH24:MI:SS.US"+00:00"'
        return (f"to_char(({name} AT TIME ZONE 'UTC'), CASE WHEN date_trunc('second', {name}) = {name} "
                f"THEN '{whole}' ELSE '{fraction}' END)")
    return name


def entry_lines_sql(dialect: str, names: Sequence[str], where: str = "") -> str | None:
    """The query giving one JSON text per entry in id order (bytes on SQLite), or None elsewhere.

    ``names`` are ``entries`` columns (schema names, never user input); ``where`` a condition on
    ``id`` (whole numbers only: ``COPY`` takes no parameters). PostgreSQL's
    ``row_to_json`` writes compact JSON (``json_build_object`` puts spaces around every colon and
    comma: 10 % more bytes, and a third more of the server's time).
    """
    if dialect == "sqlite":
        pairs = ", ".join(f"'{name}', {_sqlite_value(name)}" for name in names)
        return f"SELECT CAST(json_object({pairs}) AS BLOB) FROM entries {where} ORDER BY id"
    if dialect == "postgresql":
        columns = ", ".join(f"{_postgresql_value(name)} AS {name}" for name in names)
        return f"SELECT row_to_json(e) FROM (SELECT {columns} FROM entries {where}) AS e ORDER BY e.id"
    return None

#: Entries per batch read from SQLite and per block handed over (about 1 MB of JSON).
BATCH = 1000


def sqlite_blocks(connection: sqlite3.Connection, sql: str) -> Iterator[tuple[bytes, int]]:
    cursor = connection.execute(sql)
    while rows := cursor.fetchmany(BATCH):
        yield b",\n".join(line for (line,) in rows), len(rows)


def postgresql_blocks(connection: Any, sql: str) -> Iterator[tuple[bytes, int]]:
    """The lines through ``COPY … TO STDOUT``: the server's bytes, no per-row result objects.

    CSV with a quote and a delimiter that never occur unescaped in JSON (\\x01, \\x02) passes each
    line through untouched (text format would double every backslash); each line ends in a
    newline, which JSON text never contains, so the lines are joined by replacing it.
    """
    copy = f"COPY ({sql}) TO STDOUT WITH (FORMAT csv, QUOTE E'\\x01', DELIMITER E'\\x02')"
    parts: list[bytes] = []
    size = 0
    with connection.cursor() as cursor, cursor.copy(copy) as rows:
        for data in rows:
            parts.append(bytes(data))
            size += len(data)
            if size >= BATCH * 1000:
                yield _joined(parts)
                parts, size = [], 0
    if parts:
        yield _joined(parts)


def _joined(parts: list[bytes]) -> tuple[bytes, int]:
    lines = b"".join(parts)
    return lines[:-1].replace(b"\n", b",\n"), lines.count(b"\n")


def syndication_records(connection: Any) -> list[dict[str, Any]]:
    """Where articles were posted (Mastodon, Bluesky): a database-free build shows "Also on"."""
    rows = connection.execute(f"SELECT {', '.join(SYNDICATION_FIELDS)}, created_at "
                              "FROM syndications ORDER BY id").fetchall()
    out = []
    for *values, created in rows:
        if isinstance(created, str):  # SQLite: the text SQLAlchemy stored, read back as it would
            created = datetime.fromisoformat(created)
        out.append({**dict(zip(SYNDICATION_FIELDS, values, strict=True)), "created_at": created.isoformat()})
    return out
