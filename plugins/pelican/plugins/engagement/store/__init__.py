"""One data layer for SQLite (the default) and PostgreSQL (larger sites).

Everything that reads or writes comments and mentions goes through :class:`Store`: the endpoint,
the CLI, the build and the importers. Writes commit before they return, so a caller that answers
2xx after ``Store.add`` has made the entry durable (SQLite runs in WAL mode with
``synchronous=FULL``).

Write transactions on SQLite start with ``BEGIN IMMEDIATE``: two processes that both read and then
write would otherwise deadlock on the lock upgrade and one of them would fail with "database is
locked" instead of waiting its turn.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid as uuid_module
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, fields
from datetime import UTC, datetime, timedelta
from functools import cached_property
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, bindparam, create_engine, event, func, select
from sqlalchemy.exc import DBAPIError, IntegrityError

from pelican.plugins.engagement.store.schema import (
    KINDS,
    MENTION_TYPES,
    SCHEMA_REVISION,
    STATUSES,
    VERIFICATIONS,
    entries,
    meta,
    moderation_log,
    rate_events,
)

__all__ = [
    "KINDS",
    "MENTION_TYPES",
    "STATUSES",
    "VERIFICATIONS",
    "Entry",
    "NewEntry",
    "RateLimit",
    "RateLimited",
    "Store",
    "StoreError",
    "dedupe_key",
    "utcnow",
]

MIGRATIONS = Path(__file__).with_name("migrations")


class StoreError(Exception):
    """A request the store cannot carry out (unknown entry, invalid state)."""


@dataclass(frozen=True)
class RateLimit:
    """At most ``limit`` events per ``window_seconds`` in ``scope`` (a ``limit`` of 0 is no limit)."""

    scope: str
    limit: int
    window_seconds: float


class RateLimited(StoreError):
    """:meth:`Store.add_admitted` refused the entry: ``limit`` was used up (nothing was written)."""

    def __init__(self, limit: RateLimit) -> None:
        super().__init__(f"rate limit reached for {limit.scope}")
        self.limit = limit


# Statements run inside the write lock on every comment, built once: building one per call (and its
# cache key) cost more than running it.
_RATE_EVENTS_SINCE = (
    select(func.count()).select_from(rate_events)
    .where(rate_events.c.scope == bindparam("scope"), rate_events.c.at > bindparam("since"))
)
_RATE_EVENT_INSERT = rate_events.insert()
_ENTRY_INSERT_RETURNING = entries.insert().returning(*entries.c)

#: The public columns of a thread's comments, in the order the JSON API shows them.
PUBLIC_COLUMNS = (
    entries.c.id, entries.c.thread, entries.c.parent_id, entries.c.kind, entries.c.author_name,
    entries.c.author_url, entries.c.body_html, entries.c.created_at,
)


def utcnow() -> datetime:
    return datetime.now(UTC)


def dedupe_key(*parts: str) -> str:
    """The idempotency key stored for a linkback or an imported entry."""
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


def _aware(value: datetime | None) -> datetime | None:
    # SQLite keeps no time zone; everything we write is UTC.
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

    #: Fields that identify a person and never leave the store except in a private backup.
    PRIVATE = ("author_email", "ip_hash")

    @classmethod
    def from_row(cls, row: Any) -> Entry:
        data = dict(row._mapping)
        for name in ("created_at", "updated_at", "approved_at", "verified_at"):
            data[name] = _aware(data[name])
        data["notify"] = bool(data["notify"])
        return cls(**data)

    def to_dict(self, *, private: bool = False) -> dict[str, Any]:
        """JSON-ready fields; e-mail and IP hash only when ``private`` (backups)."""
        data = asdict(self)
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


_COLUMNS = {f.name for f in fields(Entry)}


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


class Store:
    """The comment and mention store. Create with :meth:`open`; share one per process."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._secret: str | None = None

    @classmethod
    def open(cls, url: str, *, run_migrations: bool = True) -> Store:
        engine = create_store_engine(url)
        if run_migrations:
            migrate(engine)
        return cls(engine)

    def close(self) -> None:
        self.engine.dispose()

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    # --- transactions ------------------------------------------------------------------------

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """A write transaction, committed (durably) when the block ends without error."""
        with self.engine.connect() as connection:
            connection = connection.execution_options(sqlite_begin="IMMEDIATE")
            with connection.begin():
                yield connection

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """A read transaction: one consistent snapshot for everything read inside it."""
        with self.engine.connect() as connection, connection.begin():
            yield connection

    # --- entries -----------------------------------------------------------------------------

    def add_admitted(self, new: NewEntry, limits: Iterable[RateLimit]) -> Entry:
        """Count the entry against every limit and insert it, all in ONE write transaction.

        One lock round trip and one durable commit instead of one per limit: the comment endpoint's
        path. Limits hold exactly as with :meth:`admit`; the first one used up raises
        :class:`RateLimited` and nothing (no event, no entry) is written.
        """
        new.validate()
        limits = [limit for limit in limits if limit.limit > 0]
        with self.write() as conn:
            # Lock every scope up front in one global order, so two writers never wait on each other.
            for scope in sorted({limit.scope for limit in limits}):
                self._lock_scope(conn, scope)
            now = utcnow()
            for limit in limits:
                if not self._admit(conn, limit, now):
                    raise RateLimited(limit)
            return self.add(new, connection=conn)

    def add(self, new: NewEntry, *, connection: Connection | None = None) -> Entry:
        """Insert an entry and commit it before returning."""
        new.validate()
        if connection is None:
            with self.write() as conn:
                return self.add(new, connection=conn)
        now = utcnow()
        created = new.created_at or now
        values = {
            name: getattr(new, name)
            for name in _COLUMNS - {"id", "updated_at", "approved_at", "verify_attempts",
                                     "verify_error", "verified_at"}
        }
        values.update(
            uuid=new.uuid or str(uuid_module.uuid4()),
            created_at=created,
            updated_at=now,
            approved_at=now if new.status == "approved" else None,
            verify_attempts=0,
        )
        if new.parent_id is not None:
            parent = connection.execute(
                select(entries.c.thread).where(entries.c.id == new.parent_id)
            ).first()
            if parent is None or parent.thread != new.thread:
                raise StoreError(f"reply-to entry {new.parent_id} is not in this thread")
        # Parameters apart from the statement: SQLAlchemy then reuses one compiled INSERT.
        if connection.dialect.insert_returning:  # one round trip less inside the write lock
            return Entry.from_row(connection.execute(_ENTRY_INSERT_RETURNING, values).one())
        result = connection.execute(entries.insert(), values)
        entry_id = result.inserted_primary_key[0]
        row = connection.execute(select(entries).where(entries.c.id == entry_id)).one()
        return Entry.from_row(row)

    def add_or_update(self, new: NewEntry) -> tuple[Entry, bool]:
        """Insert by ``dedupe_key``, or update the existing entry's content; (entry, created).

        A re-sent webmention or a second import run lands here: the same key updates the row in
        place (keeping its moderation state) instead of adding a duplicate.
        """
        if not new.dedupe_key:
            raise StoreError("add_or_update needs a dedupe_key")
        with self.write() as conn:
            existing = conn.execute(
                select(entries).where(entries.c.dedupe_key == new.dedupe_key)
            ).first()
            if existing is None:
                try:
                    with conn.begin_nested():
                        return self.add(new, connection=conn), True
                except IntegrityError:
                    existing = conn.execute(
                        select(entries).where(entries.c.dedupe_key == new.dedupe_key)
                    ).one()
            changes = {
                name: getattr(new, name)
                for name in ("author_name", "author_url", "author_photo", "title", "blog_name",
                             "source_url", "mention_type", "body_source", "body_html",
                             "verification")
            }
            changes["updated_at"] = utcnow()
            conn.execute(entries.update().where(entries.c.id == existing.id).values(**changes))
            row = conn.execute(select(entries).where(entries.c.id == existing.id)).one()
            return Entry.from_row(row), False

    def get(self, entry_id: int) -> Entry | None:
        with self.read() as conn:
            row = conn.execute(select(entries).where(entries.c.id == entry_id)).first()
        return Entry.from_row(row) if row else None

    def require(self, entry_id: int) -> Entry:
        entry = self.get(entry_id)
        if entry is None:
            raise StoreError(f"no entry with id {entry_id}")
        return entry

    def find_by_dedupe_key(self, key: str) -> Entry | None:
        with self.read() as conn:
            row = conn.execute(select(entries).where(entries.c.dedupe_key == key)).first()
        return Entry.from_row(row) if row else None

    def list(
        self,
        *,
        status: str | Iterable[str] | None = None,
        kind: str | Iterable[str] | None = None,
        thread: str | None = None,
        verification: str | None = None,
        limit: int | None = None,
        offset: int = 0,
        newest_first: bool = False,
    ) -> list[Entry]:
        query = select(entries)
        for column, wanted in ((entries.c.status, status), (entries.c.kind, kind)):
            if isinstance(wanted, str):
                query = query.where(column == wanted)
            elif wanted is not None:
                query = query.where(column.in_(list(wanted)))
        if thread is not None:
            query = query.where(entries.c.thread == thread)
        if verification is not None:
            query = query.where(entries.c.verification == verification)
        order = entries.c.created_at.desc() if newest_first else entries.c.created_at
        query = query.order_by(order, entries.c.id).offset(offset)
        if limit is not None:
            query = query.limit(limit)
        with self.read() as conn:
            return [Entry.from_row(row) for row in conn.execute(query)]

    def approved(self, thread: str | None = None) -> list[Entry]:
        """Approved entries (of one thread, or all) in the order they were written."""
        return self.list(status="approved", thread=thread)

    def thread_version(self, thread: str, kind: str = "comment") -> tuple[int, str, int]:
        """(count, newest ``updated_at``, highest id) of a thread's approved ``kind`` entries.

        Every change a reader can see moves it: a new or approved entry raises the id or the time,
        an edit, a status change or a reply moving up sets ``updated_at``, a deletion lowers the
        count. The endpoint asks on every read to answer ``If-None-Match`` and to reuse its
        serialised JSON, so this is one indexed aggregate sent straight to the driver: building
        and caching a SQLAlchemy statement took longer than the query itself. One statement needs
        no explicit transaction to see one snapshot.
        """
        sql, params = self._thread_version_sql
        values = params({"thread": thread, "kind": kind})
        connection = self.engine.raw_connection()
        try:
            cursor = connection.cursor()
            cursor.execute(sql, values)
            count, newest, highest = cursor.fetchone()
            cursor.close()
        finally:
            connection.close()
        # SQLite gives the stored text, PostgreSQL a datetime: either is stable for one database.
        return count, str(newest) if newest is not None else "", highest or 0

    @cached_property
    def _thread_version_sql(self) -> tuple[str, Callable[[dict[str, Any]], Any]]:
        """The version query compiled once for this database's driver, and its parameter builder."""
        query = select(func.count(), func.max(entries.c.updated_at), func.max(entries.c.id)).where(
            entries.c.thread == bindparam("thread"),
            entries.c.status == "approved",
            entries.c.kind == bindparam("kind"),
        )
        compiled = query.compile(dialect=self.engine.dialect)
        order = compiled.positiontup

        def params(values: dict[str, Any]) -> Any:
            bound = compiled.construct_params(values)
            return tuple(bound[name] for name in order) if order else bound

        return str(compiled), params

    def public_thread(self, thread: str, kind: str = "comment") -> list[dict[str, Any]]:
        """A thread's approved ``kind`` entries as the public sees them, oldest first.

        Only :data:`PUBLIC_COLUMNS`, read as plain rows: no :class:`Entry` per row, no e-mail or IP
        hash ever loaded. The JSON API serves this on every page view.
        """
        query = (
            select(*PUBLIC_COLUMNS)
            .where(entries.c.thread == thread, entries.c.status == "approved", entries.c.kind == kind)
            .order_by(entries.c.created_at, entries.c.id)
        )
        with self.read() as conn:
            rows = conn.execute(query).all()
        return [
            {
                "id": row.id,
                "thread": row.thread,
                "parent": row.parent_id,
                "kind": row.kind,
                "author_name": row.author_name,
                "author_url": row.author_url,
                "body_html": row.body_html,
                "created_at": _aware(row.created_at).isoformat(),  # type: ignore[union-attr]
            }
            for row in rows
        ]

    def approved_counts(self, kinds: Iterable[str] = ("comment",)) -> dict[str, int]:
        """Approved entries per thread, counting only ``kinds`` (comments, by default)."""
        query = (
            select(entries.c.thread, func.count())
            .where(entries.c.status == "approved", entries.c.kind.in_(list(kinds)))
            .group_by(entries.c.thread)
        )
        with self.read() as conn:
            return {thread: count for thread, count in conn.execute(query)}

    def update(self, entry_id: int, **changes: Any) -> Entry:
        unknown = set(changes) - _COLUMNS
        if unknown:
            raise StoreError(f"unknown entry fields: {', '.join(sorted(unknown))}")
        changes["updated_at"] = utcnow()
        with self.write() as conn:
            result = conn.execute(
                entries.update().where(entries.c.id == entry_id).values(**changes)
            )
            if result.rowcount == 0:
                raise StoreError(f"no entry with id {entry_id}")
            row = conn.execute(select(entries).where(entries.c.id == entry_id)).one()
        return Entry.from_row(row)

    def set_status(self, entry_id: int, status: str, *, actor: str, detail: str = "") -> Entry:
        """Move an entry to a moderation state and record who did it."""
        if status not in STATUSES:
            raise StoreError(f"unknown status {status!r}; expected one of {', '.join(STATUSES)}")
        now = utcnow()
        with self.write() as conn:
            changes: dict[str, Any] = {"status": status, "updated_at": now}
            if status == "approved":
                changes["approved_at"] = now
            result = conn.execute(
                entries.update().where(entries.c.id == entry_id).values(**changes)
            )
            if result.rowcount == 0:
                raise StoreError(f"no entry with id {entry_id}")
            self._log(conn, status, actor, entry_id, detail)
            row = conn.execute(select(entries).where(entries.c.id == entry_id)).one()
        return Entry.from_row(row)

    def delete(self, entry_id: int, *, actor: str) -> Entry:
        """Remove an entry for good (replies to it keep their place, re-attached to the root)."""
        with self.write() as conn:
            row = conn.execute(select(entries).where(entries.c.id == entry_id)).first()
            if row is None:
                raise StoreError(f"no entry with id {entry_id}")
            # The replies changed place: a new updated_at tells readers' caches (thread_version).
            conn.execute(
                entries.update().where(entries.c.parent_id == entry_id)
                .values(parent_id=row.parent_id, updated_at=utcnow())
            )
            conn.execute(entries.delete().where(entries.c.id == entry_id))
            self._log(conn, "delete", actor, entry_id, "")
        return Entry.from_row(row)

    def forget(self, email: str, *, actor: str) -> list[Entry]:
        """Delete every entry written with this e-mail address (right to erasure)."""
        email = email.strip().lower()
        with self.write() as conn:
            rows = conn.execute(
                select(entries).where(func.lower(entries.c.author_email) == email)
            ).all()
            ids = [row.id for row in rows]
            if ids:
                conn.execute(
                    entries.update().where(entries.c.parent_id.in_(ids))
                    .values(parent_id=None, updated_at=utcnow())
                )
                conn.execute(entries.delete().where(entries.c.id.in_(ids)))
            self._log(conn, "forget", actor, None, f"{len(ids)} entries")
        return [Entry.from_row(row) for row in rows]

    # --- moderation log ------------------------------------------------------------------------

    def _log(
        self, conn: Connection, action: str, actor: str, entry_id: int | None, detail: str
    ) -> None:
        conn.execute(
            moderation_log.insert().values(
                entry_id=entry_id, action=action, actor=actor, at=utcnow(), detail=detail or None
            )
        )

    def log(self, action: str, *, actor: str, entry_id: int | None = None, detail: str = "") -> None:
        with self.write() as conn:
            self._log(conn, action, actor, entry_id, detail)

    def moderation_history(self, entry_id: int | None = None) -> list[dict[str, Any]]:
        query = select(moderation_log).order_by(moderation_log.c.id)
        if entry_id is not None:
            query = query.where(moderation_log.c.entry_id == entry_id)
        with self.read() as conn:
            return [dict(row._mapping) for row in conn.execute(query)]

    # --- rate limits ---------------------------------------------------------------------------

    def admit(self, scope: str, limit: int, window_seconds: float, now: datetime | None = None
              ) -> bool:
        """Count one event against ``scope`` if fewer than ``limit`` happened in the window.

        The check and the insert happen in one serialised transaction (SQLite's write lock, a
        PostgreSQL advisory lock per scope), so concurrent workers cannot both take the last slot.
        """
        if limit <= 0:  # 0 turns the limit off
            return True
        with self.write() as conn:
            self._lock_scope(conn, scope)
            return self._admit(conn, RateLimit(scope, limit, window_seconds), now or utcnow())

    @staticmethod
    def _lock_scope(conn: Connection, scope: str) -> None:
        """PostgreSQL: serialise the writers of one scope (SQLite's write lock already does)."""
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql(
                "SELECT pg_advisory_xact_lock(hashtextextended(%(scope)s, 0))",
                {"scope": scope},
            )

    @staticmethod
    def _admit(conn: Connection, limit: RateLimit, now: datetime) -> bool:
        """Count one event if the window has room; the caller holds the scope's lock."""
        since = now - timedelta(seconds=limit.window_seconds)
        used = conn.execute(_RATE_EVENTS_SINCE, {"scope": limit.scope, "since": since}).scalar_one()
        if used >= limit.limit:
            return False
        conn.execute(_RATE_EVENT_INSERT, {"scope": limit.scope, "at": now})
        return True

    def prune_rate_events(self, older_than_seconds: float = 86400) -> int:
        cutoff = utcnow() - timedelta(seconds=older_than_seconds)
        with self.write() as conn:
            return conn.execute(rate_events.delete().where(rate_events.c.at < cutoff)).rowcount

    # --- meta ----------------------------------------------------------------------------------

    def secret_key(self) -> str:
        """The store's own secret (generated once), for deployments that configure none."""
        if self._secret is None:
            with self.write() as conn:
                value = conn.execute(select(meta.c.value).where(meta.c.key == "secret_key")).scalar()
                if value is None:
                    value = secrets.token_hex(32)
                    conn.execute(meta.insert().values(key="secret_key", value=value))
            self._secret = value
        return self._secret

    # --- export / import ---------------------------------------------------------------------

    def export(self, *, private: bool = True) -> dict[str, Any]:
        """Every entry in every state, read in one snapshot, as a JSON-ready document."""
        with self.read() as conn:
            rows = conn.execute(select(entries).order_by(entries.c.id)).all()
        return {
            "format": "engagement-export",
            "version": 1,
            "exported_at": utcnow().isoformat(),
            "private": private,
            "entries": [Entry.from_row(row).to_dict(private=private) for row in rows],
        }

    def import_(self, document: dict[str, Any]) -> tuple[int, int]:
        """Load an export; entries whose uuid is already stored are skipped. (added, skipped)"""
        if document.get("format") != "engagement-export":
            raise StoreError("not an engagement export (missing format: engagement-export)")
        records = document.get("entries", [])
        added = skipped = 0
        with self.write() as conn:
            known = set(conn.execute(select(entries.c.uuid)).scalars())
            uuid_to_id = {
                row.uuid: row.id for row in conn.execute(select(entries.c.uuid, entries.c.id))
            }
            old_uuid = {record["id"]: record["uuid"] for record in records}
            for record in sorted(records, key=lambda r: r["id"]):
                if record["uuid"] in known:
                    skipped += 1
                    continue
                values = {k: v for k, v in record.items() if k in _COLUMNS and k != "id"}
                for name in ("created_at", "updated_at", "approved_at", "verified_at"):
                    if values.get(name):
                        values[name] = datetime.fromisoformat(values[name])
                parent = record.get("parent_id")
                values["parent_id"] = uuid_to_id.get(old_uuid.get(parent, "")) if parent else None
                result = conn.execute(entries.insert(), values)
                new_id = result.inserted_primary_key[0]
                uuid_to_id[record["uuid"]] = new_id
                known.add(record["uuid"])
                added += 1
        return added, skipped
