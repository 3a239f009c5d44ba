"""What readers see of a thread: its version (for HTTP caching), its public entries, counts."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import cached_property
from typing import Any

from sqlalchemy import bindparam, func, select

from pelican.plugins.engagement.store.base import StoreBase
from pelican.plugins.engagement.store.records import PUBLIC_COLUMNS, SHOWN_COLUMNS, aware
from pelican.plugins.engagement.store.schema import entries


class ThreadQueries(StoreBase):
    """Read-only queries on the hot path of the endpoint's thread API and of the build."""

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
                "created_at": aware(row.created_at).isoformat(),  # type: ignore[union-attr]
                "by_author": bool(row.by_author),
            }
            for row in rows
        ]

    def approved_rows(self, threads: Iterable[str] | None = None) -> list[Any]:
        """Approved entries of every kind (of ``threads`` only, when given) as plain rows of the
        fields a page may show, oldest first.

        What a build and the fast update render: one Core query, no :class:`Entry` per row (at
        100,000 comments building those objects cost seconds of a build), no private column read.
        """
        query = select(*SHOWN_COLUMNS).where(entries.c.status == "approved")
        if threads is not None:
            query = query.where(entries.c.thread.in_(sorted(set(threads))))
        with self.read() as conn:
            rows = conn.execute(query).all()
        # Sorted here: asked to order, SQLite walks the (status, created_at) index through every
        # approved entry instead of seeking the few threads of a fast update.
        return sorted(rows, key=lambda row: (aware(row.created_at), row.id))

    def approved_counts(self, kinds: Iterable[str] = ("comment",)) -> dict[str, int]:
        """Approved entries per thread, counting only ``kinds`` (comments, by default)."""
        query = (
            select(entries.c.thread, func.count())
            .where(entries.c.status == "approved", entries.c.kind.in_(list(kinds)))
            .group_by(entries.c.thread)
        )
        with self.read() as conn:
            return {thread: count for thread, count in conn.execute(query)}
