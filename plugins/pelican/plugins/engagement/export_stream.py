"""``engagement export``: the whole store, encoded by the database, streamed by its driver into the file.

At 100,000 comments the export is a 90 MB document, and an editor (or a nightly backup job) waits
for it. SQLite's ``json_object`` and PostgreSQL's ``row_to_json`` encode each entry; the driver
hands the lines over as bytes (a ``BLOB`` cast on SQLite, ``COPY … TO STDOUT`` on PostgreSQL), and
they go into the file batch by batch: no Python object per column, no decoding and re-encoding, no
90 MB string joined in memory. This module imports neither SQLAlchemy nor the store package (about
a quarter of a second of a short command's start): :func:`connect` opens the database with its
driver when the URL is a plain SQLite file or a PostgreSQL address and the schema is current;
anything else (a store to create or migrate, another driver) goes through ``Store.open`` first.

The document is the one :meth:`Transfer.export` describes, one entry per line: times as Python's
``isoformat()`` of the UTC time writes them (``2024-01-01T09:30:00+00:00``, microseconds only when
there are some), flags as ``true``/``false``, keys in :class:`Entry`'s order, compact separators
on both databases, so ``engagement import`` reads either as it reads one encoded in Python.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
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
#: The schema this module's queries read (``store.schema.SCHEMA_REVISION``; a test keeps them equal).
#: A database at another revision is opened through ``Store.open``, which migrates it.
SCHEMA_REVISION = "0006"

#: Entries per batch read from SQLite and per block written (about 1 MB of JSON).
BATCH = 1000
BUSY_TIMEOUT_S = 30.0

_encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


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


def entry_lines_sql(dialect: str, names: Sequence[str]) -> str | None:
    """The query giving one JSON text per entry in id order (bytes on SQLite), or None elsewhere.

    ``names`` are ``entries`` columns (schema names, never user input). PostgreSQL's
    ``row_to_json`` writes compact JSON (``json_build_object`` puts spaces around every colon and
    comma: 10 % more bytes, and a third more of the server's time).
    """
    if dialect == "sqlite":
        pairs = ", ".join(f"'{name}', {_sqlite_value(name)}" for name in names)
        return f"SELECT CAST(json_object({pairs}) AS BLOB) FROM entries ORDER BY id"
    if dialect == "postgresql":
        columns = ", ".join(f"{_postgresql_value(name)} AS {name}" for name in names)
        return f"SELECT row_to_json(e) FROM (SELECT {columns} FROM entries) AS e ORDER BY e.id"
    return None


class Export:
    """One export read in one snapshot from a DB-API connection (``sqlite3`` or ``psycopg``).

    Iterating gives the document's bytes, block by block; ``count`` is the number of entries once
    it has been read. The connection must not be in a transaction; it is left out of one.
    """

    def __init__(self, connection: Any, dialect: str, *, private: bool) -> None:
        if dialect not in ("sqlite", "postgresql"):
            raise ValueError(f"no streamed export for {dialect}")
        self.connection = connection
        self.dialect = dialect
        self.private = private
        self.count = 0

    def __iter__(self) -> Iterator[bytes]:
        header = {"format": "engagement-export", "version": 1,
                  "exported_at": datetime.now(UTC).isoformat(), "private": self.private}
        sql = entry_lines_sql(self.dialect, field_names(self.private))
        with _snapshot(self.connection, self.dialect):
            posts = _encode(_syndications(self.connection, self.dialect))
            yield (_encode(header)[:-1] + ',\n"entries":[\n').encode("utf-8")
            blocks = (_sqlite_blocks if self.dialect == "sqlite" else _postgresql_blocks)(
                self.connection, sql)
            for n, (block, count) in enumerate(blocks):
                yield b",\n" + block if n else block
                self.count += count
        yield f'\n],\n"syndications":{posts}}}\n'.encode()

    def text(self) -> str:
        """The whole document as text (tests, ``Transfer.export_text``)."""
        return b"".join(self).decode("utf-8")


class _snapshot:
    """A read-only transaction around the export: every row from one consistent snapshot."""

    def __init__(self, connection: Any, dialect: str) -> None:
        self.connection = connection
        self.dialect = dialect

    def __enter__(self) -> None:
        if self.dialect == "sqlite":
            self.connection.execute("BEGIN")
            return
        self.connection.rollback()  # a pooled connection's ping may have opened one
        for statement in (
            "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY",
            "SET LOCAL client_encoding TO 'UTF8'",  # COPY hands over the server's bytes as they are
            # Without statistics (a store just imported) the planner sorts the finished JSON, 90 MB
            # spilled to disk; walking the primary key gives the rows in order with no sort.
            "SET LOCAL enable_sort TO off",
            # A big table makes the plan "expensive": compiling it costs more than it saves here.
            "SET LOCAL jit TO off",
        ):
            self.connection.execute(statement)

    def __exit__(self, *_exc: object) -> None:
        if self.dialect == "sqlite":
            self.connection.execute("ROLLBACK")
        else:
            self.connection.rollback()


def _sqlite_blocks(connection: sqlite3.Connection, sql: str) -> Iterator[tuple[bytes, int]]:
    cursor = connection.execute(sql)
    while rows := cursor.fetchmany(BATCH):
        yield b",\n".join(line for (line,) in rows), len(rows)


def _postgresql_blocks(connection: Any, sql: str) -> Iterator[tuple[bytes, int]]:
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


def _syndications(connection: Any, dialect: str) -> list[dict[str, Any]]:
    """Where articles were posted (Mastodon, Bluesky): a database-free build shows "Also on"."""
    rows = connection.execute(f"SELECT {', '.join(SYNDICATION_FIELDS)}, created_at "
                              "FROM syndications ORDER BY id").fetchall()
    out = []
    for *values, created in rows:
        if isinstance(created, str):  # SQLite: the text SQLAlchemy stored, read back as it would
            created = datetime.fromisoformat(created)
        out.append({**dict(zip(SYNDICATION_FIELDS, values, strict=True)), "created_at": created.isoformat()})
    return out


def connect(url: str) -> tuple[Any, str] | None:
    """A driver connection to a current store at ``url`` and its dialect; None for ``Store.open``.

    None when the URL needs SQLAlchemy's reading (another driver, an in-memory or missing SQLite
    file, query options), or the schema is not at :data:`SCHEMA_REVISION` (``Store.open``
    creates or migrates it). A PostgreSQL server that refuses the connection is an error here.
    """
    opened = _open_sqlite(url) if url.startswith("sqlite:") else _open_postgresql(url)
    if opened is None:
        return None
    connection, dialect, error = opened
    try:
        current = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    except error:  # no such table (never migrated): Store.open creates the schema
        current = None
    if dialect == "postgresql":
        connection.rollback()
    if current is None or current[0] != SCHEMA_REVISION:
        connection.close()
        return None
    return connection, dialect


def _open_sqlite(url: str) -> tuple[sqlite3.Connection, str, type[Exception]] | None:
    prefix = "sqlite:///"
    path = url[len(prefix):] if url.startswith(prefix) else ""
    if not path or path == ":memory:" or "?" in path or "%" in path or not Path(path).is_file():
        return None
    # isolation_level=None: the transaction is ours (BEGIN … ROLLBACK), as in the store's engine.
    return sqlite3.connect(path, timeout=BUSY_TIMEOUT_S, isolation_level=None), "sqlite", sqlite3.Error


def _open_postgresql(url: str) -> tuple[Any, str, type[Exception]] | None:
    for prefix in ("postgresql://", "postgresql+psycopg://"):
        if url.startswith(prefix):
            break
    else:
        return None
    import psycopg

    try:
        # The rest of the URL is a libpq URI, as SQLAlchemy hands it to psycopg (query: libpq options).
        return psycopg.connect("postgresql://" + url[len(prefix):]), "postgresql", psycopg.Error
    except psycopg.OperationalError as error:
        from pelican.plugins.engagement.store import StoreError

        reason = str(error).strip().splitlines()[0] if str(error).strip() else "unknown reason"
        raise StoreError(f"the comment store cannot be used: {reason}") from None


def write_export(url: str, output: str, *, private: bool) -> int:
    """Write the export of the store at ``url`` to ``output`` (file, device, pipe or ``-``); entries.

    A file is replaced in one step (:func:`files.write_chunks`), as every file the plugin writes.
    """
    from pelican.plugins.engagement.files import write_chunks

    mode = 0o600 if private else 0o644  # a private backup (e-mail addresses): its owner only
    opened = connect(url)
    if opened is not None:
        connection, dialect = opened
        try:
            export = Export(connection, dialect, private=private)
            write_chunks(output, export, mode=mode, durable=True)
            return export.count
        finally:
            connection.close()
    from pelican.plugins.engagement.store import Store

    store = Store.open(url)  # creates or migrates the store, and reads any URL SQLAlchemy reads
    try:
        with store.export_stream(private=private) as export:
            write_chunks(output, export, mode=mode, durable=True)
            return export.count
    finally:
        store.close()
