"""Opening the database: an engine set up for durability and concurrency, and schema migration.

Write transactions on SQLite start with ``BEGIN IMMEDIATE``: two processes that both read and then
write would otherwise deadlock on the lock upgrade and one of them would fail with "database is
locked" instead of waiting its turn.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.exc import DBAPIError

from pelican.plugins.engagement.store.schema import SCHEMA_REVISION

MIGRATIONS = Path(__file__).with_name("migrations")


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let us issue BEGIN ourselves (pysqlite's implicit transactions defer the lock).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        mode = connection.get_execution_options().get("sqlite_begin", "DEFERRED")
        connection.exec_driver_sql(f"BEGIN {mode}")


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
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
            connection.commit()
