"""``engagement export``: the whole store in one snapshot, streamed by the database driver into the file.

At 100,000 comments the export is a 90 MB document, and an editor (or a nightly backup job) waits
for it. The database encodes every entry (:mod:`.export_sql`) and the lines go into the file a
block at a time (:func:`files.write_chunks`): no 90 MB string in memory. A big store on
PostgreSQL is read in two halves at once over two connections that share one snapshot.

This module imports neither SQLAlchemy nor the store package (a quarter of a second of a short
command's start): :func:`connect` opens the database with its driver when the URL is a plain
SQLite file or a PostgreSQL address and the schema is current; anything else (a store to create
or migrate, another driver) goes through ``Store.open`` first, then streams the same way.
"""

from __future__ import annotations

import itertools
import json
import queue
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pelican.plugins.engagement.export_sql import (
    entry_lines_sql,
    field_names,
    postgresql_blocks,
    sqlite_blocks,
    syndication_records,
)

#: The schema :mod:`.export_sql` reads (``store.schema.SCHEMA_REVISION``; a test keeps them equal).
#: A database at another revision is opened through ``Store.open``, which migrates it.
SCHEMA_REVISION = "0006"
#: From how many ids (max - min) a PostgreSQL export is read in two halves at once (:class:`Export`).
SPLIT_AT = 20_000
#: How long a SQLite reader waits for a lock (as the store's engine: recovery, a checkpoint).
BUSY_TIMEOUT_S = 30.0

#: The drivers whose connections :class:`Export` reads (SQLAlchemy's names for them).
DRIVERS = {"sqlite": "pysqlite", "postgresql": "psycopg"}

_encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def header(private: bool) -> dict[str, Any]:
    return {"format": "engagement-export", "version": 1, "exported_at": datetime.now(UTC).isoformat(),
            "private": private}


def _head(fields: dict[str, Any]) -> bytes:
    """The document up to its first entry: the header's fields, then the entries' list opens."""
    return (_encode(fields)[:-1] + ',\n"entries":[\n').encode("utf-8")


def _tail(syndications: list[dict[str, Any]]) -> bytes:
    return f'\n],\n"syndications":{_encode(syndications)}}}\n'.encode()


def encoded(document: dict[str, Any]) -> bytes:
    """A document from ``Store.export`` in the file's layout, encoded in Python (one entry a line).

    For a store whose driver :class:`Export` does not read; the same bytes as the stream.
    """
    lines = ",\n".join(_encode(record) for record in document["entries"]).encode("utf-8")
    fields = {key: value for key, value in document.items() if key not in ("entries", "syndications")}
    return _head(fields) + lines + _tail(document["syndications"])


class Export:
    """One export read in one snapshot from a DB-API connection (``sqlite3`` or ``psycopg``).

    Iterating gives the document's bytes, block by block; ``count`` is the number of entries once
    it has been read. The connection must not be in a transaction; it is left out of one.

    With ``reopen`` (a function opening another connection to the same database, or giving None
    when the server refuses one more), a big store on
    PostgreSQL is read in two halves at once, the second on a thread, over a second connection
    that sees the same snapshot (:class:`_Snapshot`): encoding the JSON is the server's CPU work,
    and two server processes halve it. The second half waits in memory until the first is written.
    """

    def __init__(self, connection: Any, dialect: str, *, private: bool,
                 reopen: Callable[[], Any] | None = None) -> None:
        if dialect not in ("sqlite", "postgresql"):
            raise ValueError(f"no streamed export for {dialect}")
        self.connection = connection
        self.dialect = dialect
        self.private = private
        self.reopen = reopen
        self.count = 0

    def __iter__(self) -> Iterator[bytes]:
        names = field_names(self.private)
        read = sqlite_blocks if self.dialect == "sqlite" else postgresql_blocks
        with _Snapshot(self.connection, self.dialect, self.reopen) as snapshot:
            posts = syndication_records(self.connection)
            yield _head(header(self.private))
            if snapshot.helper is None:
                parts: list[Iterable[tuple[bytes, int]]] = [
                    read(self.connection, entry_lines_sql(self.dialect, names))]
            else:
                middle = snapshot.middle
                snapshot.background = _Background(read(
                    snapshot.helper, entry_lines_sql(self.dialect, names, f"WHERE id > {middle}")))
                parts = [read(self.connection, entry_lines_sql(self.dialect, names, f"WHERE id <= {middle}")),
                         snapshot.background]
            for block, count in itertools.chain.from_iterable(parts):
                yield b",\n" + block if self.count else block
                self.count += count
        yield _tail(posts)

    def text(self) -> str:
        """The whole document as text (tests, ``Transfer.export_text``)."""
        return b"".join(self).decode("utf-8")


class _Snapshot:
    """A read-only transaction around the export: every row from one consistent snapshot.

    On PostgreSQL a second connection (``reopen``, for a store of :data:`SPLIT_AT` ids or more)
    is given the same snapshot by ``pg_export_snapshot()`` / ``SET TRANSACTION SNAPSHOT``, as
    ``pg_dump --jobs`` does. SQLite is read in one part: two threads encoding at once took twice
    the CPU and more time than one (measured: SQLite's allocator serialises them on one mutex).
    """

    def __init__(self, connection: Any, dialect: str, reopen: Callable[[], Any] | None) -> None:
        self.connection = connection
        self.dialect = dialect
        self.reopen = reopen
        self.helper: Any = None
        self.middle = 0
        self.background: _Background | None = None

    def __enter__(self) -> _Snapshot:
        if self.dialect == "sqlite":
            self.connection.execute("BEGIN")  # the snapshot starts at the first read, right after
            return self
        _begin_postgresql(self.connection)
        low, high = self.connection.execute("SELECT min(id), max(id) FROM entries").fetchone()
        if self.reopen is None or high is None or high - low < SPLIT_AT:
            return self
        helper = self.reopen()
        if helper is None:
            return self
        self.middle = (low + high) // 2
        try:
            (token,) = self.connection.execute("SELECT pg_export_snapshot()").fetchone()
            _begin_postgresql(helper, token)
        except BaseException:
            helper.close()
            self.connection.rollback()
            raise
        self.helper = helper
        return self

    def __exit__(self, *_exc: object) -> None:
        if self.background is not None:
            self.background.join()  # its connection is closed only once it is done with it
        if self.dialect == "sqlite":
            self.connection.execute("ROLLBACK")
            return
        self.connection.rollback()
        if self.helper is not None:
            self.helper.rollback()
            self.helper.close()


def _begin_postgresql(connection: Any, snapshot: str | None = None) -> None:
    connection.rollback()  # a pooled connection's ping may have opened a transaction
    statements = ["SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY"]
    if snapshot is not None:
        statements.append(f"SET TRANSACTION SNAPSHOT '{snapshot}'")
    statements += [
        "SET LOCAL client_encoding TO 'UTF8'",  # COPY hands over the server's bytes as they are
        # Without statistics (a store just imported) the planner sorts the finished JSON, 90 MB
        # spilled to disk; walking the primary key gives the rows in order with no sort.
        "SET LOCAL enable_sort TO off",
        # A big table makes the plan "expensive": compiling it costs more than it saves here.
        "SET LOCAL jit TO off",
    ]
    for statement in statements:
        connection.execute(statement)


class _Background:
    """Blocks read on a thread of their own, handed over in order (the export's second half).

    psycopg lets the other thread run while it waits for the server, which does the encoding.
    """

    def __init__(self, blocks: Iterator[tuple[bytes, int]]) -> None:
        self.queue: queue.SimpleQueue[tuple[bytes, int] | BaseException | None] = queue.SimpleQueue()
        self.thread = threading.Thread(target=self._run, args=(blocks,), name="export", daemon=True)
        self.thread.start()

    def _run(self, blocks: Iterator[tuple[bytes, int]]) -> None:
        try:
            for block in blocks:
                self.queue.put(block)
        except BaseException as error:  # raised again in the thread that writes the file
            self.queue.put(error)
        else:
            self.queue.put(None)

    def __iter__(self) -> Iterator[tuple[bytes, int]]:
        while (item := self.queue.get()) is not None:
            if isinstance(item, BaseException):
                raise item
            yield item

    def join(self) -> None:
        self.thread.join()


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
        raise _store_error(_first_line(error)) from None


def _driver_errors(dialect: str) -> type[Exception]:
    if dialect == "sqlite":
        return sqlite3.Error
    import psycopg

    return psycopg.Error


def _first_line(error: Exception) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else "unknown reason"


def _store_error(reason: str) -> Exception:
    """The CLI's one-line error for a store that cannot be read (as for SQLAlchemy's errors)."""
    from pelican.plugins.engagement.store import StoreError

    return StoreError(f"the comment store cannot be used: {reason}")


def _reopen(url: str) -> Any:
    """A second PostgreSQL connection for the export's second half; None if the server refuses
    one more (its connection limit): the export is then read in one part."""
    import psycopg

    try:
        return psycopg.connect("postgresql://" + url.split("://", 1)[1])
    except psycopg.OperationalError:
        return None


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
            reopen = (lambda: _reopen(url)) if dialect == "postgresql" else None
            export = Export(connection, dialect, private=private, reopen=reopen)
            write_chunks(output, export, mode=mode, durable=True)
            return export.count
        except _driver_errors(dialect) as error:  # a lost server, a lock never released
            raise _store_error(_first_line(error)) from None
        finally:
            connection.close()
    from pelican.plugins.engagement.store import Store

    store = Store.open(url)  # creates or migrates the store, and reads any URL SQLAlchemy reads
    try:
        if DRIVERS.get(store.dialect) != store.engine.dialect.driver:
            document = store.export(private=private)
            write_chunks(output, (encoded(document),), mode=mode, durable=True)
            return len(document["entries"])
        with store.export_stream(private=private) as export:
            write_chunks(output, export, mode=mode, durable=True)
            return export.count
    finally:
        store.close()

