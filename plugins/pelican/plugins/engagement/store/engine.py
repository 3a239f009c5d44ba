"""Opening the database: an engine set up for durability and concurrency, and schema migration.

Write transactions on SQLite start with ``BEGIN IMMEDIATE``: two processes that both read and then
write would otherwise deadlock on the lock upgrade and one of them would fail with "database is
locked" instead of waiting its turn. A writer waits for that lock by retrying every millisecond or
two (:func:`begin_immediate`, for ``Store.write``), not by SQLite's growing sleeps. Migrations keep
SQLite's own busy handler: concurrent instances migrating a fresh store were seen to collide on
Alembic's batch table copy with the short retries (tests/reliability/test_instances.py).
"""

from __future__ import annotations

import fcntl
import random
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.exc import DBAPIError

from pelican.plugins.engagement.store.schema import SCHEMA_REVISION

MIGRATIONS = Path(__file__).with_name("migrations")
BUSY_TIMEOUT_MS = 30000


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let us issue BEGIN ourselves (pysqlite's implicit transactions defer the lock).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        options = connection.get_execution_options()
        mode = options.get("sqlite_begin", "DEFERRED")
        if mode == "IMMEDIATE" and options.get("sqlite_poll_lock"):
            begin_immediate(connection)
        else:
            connection.exec_driver_sql(f"BEGIN {mode}")


#: How long a writer waits for the lock in all (as ``busy_timeout`` did).
WRITE_LOCK_SECONDS = 30.0


def begin_immediate(connection: Connection) -> None:
    """``BEGIN IMMEDIATE``, retried every 0.2–2 ms while another writer holds the lock.

    SQLite's own busy handler sleeps longer the longer a writer has waited (1, 2, 5, … up to 100 ms
    between tries), so under a burst of comments an unlucky writer sleeps through many short
    transactions of the others: profiled under 8 concurrent POSTs, the slowest few per cent spent
    nearly all their time asleep there (docs/benchmarks.md). Short, jittered retries keep that
    wait close to the real queue (a kernel lock handing the turn from writer to writer was tried
    too: fair, but each hand-over waits for the next process to be scheduled, which cost more
    requests/s than it saved at p99). The commit itself is unchanged: durable before the 2xx.
    After :data:`WRITE_LOCK_SECONDS` it raises "database is locked" as the busy timeout did.
    """
    raw = connection.connection.dbapi_connection
    deadline = time.monotonic() + WRITE_LOCK_SECONDS
    raw.execute("PRAGMA busy_timeout=0")
    try:
        while True:
            try:
                raw.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as error:
                if not _busy(error):
                    break  # not the lock: SQLAlchemy's own try below raises it, wrapped as usual
            if time.monotonic() >= deadline:
                break
            time.sleep(random.uniform(0.0002, 0.002))
        # Still locked (or failing otherwise): one last try through SQLAlchemy, which raises its
        # usual OperationalError ("database is locked") if it fails again.
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    finally:
        raw.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")


def _busy(error: sqlite3.OperationalError) -> bool:
    code = getattr(error, "sqlite_errorcode", None)
    return code in (sqlite3.SQLITE_BUSY, 261) or "locked" in str(error)  # 261: SQLITE_BUSY_RECOVERY


def create_store_engine(url: str) -> Engine:
    """An engine set up for this store's durability and concurrency needs."""
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30})
        _configure_sqlite(engine)
        return engine
    if url.startswith("postgresql://"):
        # Name the driver we depend on, so a bare postgresql:// URL works.
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=5)


def database_revision(engine: Engine) -> str | None:
    """The Alembic revision the database is at, or None for a database never migrated."""
    try:
        with engine.connect() as connection:
            return connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
    except DBAPIError:
        return None


def migrate(engine: Engine) -> None:
    """Bring the database to the newest schema; safe to call from many processes at once.

    A database already at :data:`SCHEMA_REVISION` is left alone without loading Alembic, so
    short-lived commands (``engagement moderate approve``) start fast.
    """
    if database_revision(engine) == SCHEMA_REVISION:
        return
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.connect() as connection:
        connection = connection.execution_options(sqlite_begin="IMMEDIATE")
        if connection.dialect.name == "postgresql":
            # Serialise concurrent upgrades (several workers starting at once).
            with connection.begin():
                connection.exec_driver_sql("SELECT pg_advisory_lock(7231001)")
            try:
                config.attributes["connection"] = connection
                command.upgrade(config, "head")
                connection.commit()
            finally:
                with connection.begin():
                    connection.exec_driver_sql("SELECT pg_advisory_unlock(7231001)")
        else:
            with _sqlite_upgrade_lock(engine):
                # Another process may have upgraded while we waited: Alembic reads the version
                # before its write transaction starts, so it would run the same steps again.
                if database_revision(engine) == SCHEMA_REVISION:
                    return
                config.attributes["connection"] = connection
                command.upgrade(config, "head")
                connection.commit()


@contextmanager
def _sqlite_upgrade_lock(engine: Engine) -> Iterator[None]:
    """One upgrading process at a time per SQLite file (a lock file beside it)."""
    database = engine.url.database
    if not database or database == ":memory:":
        yield
        return
    with open(f"{database}.upgrade-lock", "a+b") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
