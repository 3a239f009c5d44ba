"""Values the store keeps for the deployment itself (the generated secret key)."""

from __future__ import annotations

import secrets
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite

from pelican.plugins.engagement.store.base import StoreBase
from pelican.plugins.engagement.store.schema import meta


class MetaValues(StoreBase):
    """Keys and values in the ``meta`` table."""

    def secret_key(self) -> str:
        """The store's own secret (generated once), for deployments that configure none.

        Every worker of every instance asks at start, all at once after a deploy. Reading first and
        inserting when missing raced on PostgreSQL (two workers found no key, both inserted, one died
        on the primary key and gunicorn gave up). So each worker offers a key with one atomic
        insert-if-absent and then reads back the one that won.
        """
        if self._secret is None:
            with self.write() as conn:
                offer = _insert(conn.dialect.name).values(key="secret_key", value=secrets.token_hex(32))
                conn.execute(offer.on_conflict_do_nothing(index_elements=["key"]))
                self._secret = conn.execute(
                    select(meta.c.value).where(meta.c.key == "secret_key")).scalar_one()
        return self._secret


def _insert(dialect: str) -> Any:
    """The dialect's INSERT, which knows ``ON CONFLICT DO NOTHING`` (PostgreSQL and SQLite alike)."""
    if dialect == "postgresql":
        return postgresql.insert(meta)
    return sqlite.insert(meta)
