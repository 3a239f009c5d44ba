"""The store's connection handling, which every group of queries builds on."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Self

from sqlalchemy import Connection, Engine

from pelican.plugins.engagement.store.engine import create_store_engine, migrate
from pelican.plugins.engagement.store.wal_sync import WalSync


class StoreBase:
    """An engine and its transactions. :class:`~pelican.plugins.engagement.store.Store` adds the queries."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._secret: str | None = None
        database = engine.url.database if engine.dialect.name == "sqlite" else None
        # SQLite on a file: writes share the WAL's fsync (wal_sync.py); PostgreSQL's commit is
        # durable by itself, and it already lets concurrent commits share one WAL flush.
        self._wal_sync = WalSync(f"{database}-wal") if database and database != ":memory:" else None

    @classmethod
    def open(cls, url: str, *, run_migrations: bool = True) -> Self:
        engine = create_store_engine(url)
        if run_migrations:
            migrate(engine)
        return cls(engine)

    def close(self) -> None:
        self.engine.dispose()
        if self._wal_sync is not None:
            self._wal_sync.close()

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """A write transaction, committed and on disk when the block ends without error.

        On SQLite the commit itself does not wait for the disk (``synchronous=NORMAL`` for this
        transaction only, so the write lock is released at once); the fsync of the WAL that makes
        it durable is shared with the writers committing at the same moment (:mod:`.wal_sync`),
        and this returns only after it. Every other connection use keeps ``synchronous=FULL``.
        """
        with self.engine.connect() as connection:
            # sqlite_poll_lock: wait for the write lock in short retries (store/engine.py).
            connection = connection.execution_options(sqlite_begin="IMMEDIATE", sqlite_poll_lock=True)
            if self._wal_sync is None:
                with connection.begin():
                    yield connection
                return
            raw = connection.connection.dbapi_connection
            raw.execute("PRAGMA synchronous=NORMAL")
            try:
                with connection.begin():
                    yield connection
            finally:
                raw.execute("PRAGMA synchronous=FULL")
            self._wal_sync.sync()

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """A read transaction: one consistent snapshot for everything read inside it."""
        with self.engine.connect() as connection, connection.begin():
            yield connection
