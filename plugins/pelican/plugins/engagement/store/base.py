"""The store's connection handling, which every group of queries builds on."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Self

from sqlalchemy import Connection, Engine

from pelican.plugins.engagement.store.engine import create_store_engine, migrate


class StoreBase:
    """An engine and its transactions. :class:`~pelican.plugins.engagement.store.Store` adds the queries."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._secret: str | None = None

    @classmethod
    def open(cls, url: str, *, run_migrations: bool = True) -> Self:
        engine = create_store_engine(url)
        if run_migrations:
            migrate(engine)
        return cls(engine)

    def close(self) -> None:
        self.engine.dispose()

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """A write transaction, committed (durably) when the block ends without error."""
        with self.engine.connect() as connection:
            # sqlite_poll_lock: wait for the write lock in short retries (store/engine.py).
            connection = connection.execution_options(sqlite_begin="IMMEDIATE", sqlite_poll_lock=True)
            with connection.begin():
                yield connection

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """A read transaction: one consistent snapshot for everything read inside it."""
        with self.engine.connect() as connection, connection.begin():
            yield connection
