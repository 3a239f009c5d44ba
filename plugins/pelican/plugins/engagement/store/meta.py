"""Values the store keeps for the deployment itself (the generated secret key)."""

from __future__ import annotations

import secrets

from sqlalchemy import select

from pelican.plugins.engagement.store.base import StoreBase
from pelican.plugins.engagement.store.schema import meta


class MetaValues(StoreBase):
    """Keys and values in the ``meta`` table."""

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
