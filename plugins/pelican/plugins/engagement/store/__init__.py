"""One data layer for SQLite (the default) and PostgreSQL (larger sites).

Everything that reads or writes comments and mentions goes through :class:`Store`: the endpoint,
the CLI, the build and the importers. Writes commit before they return, so a caller that answers
2xx after ``Store.add`` has made the entry durable (SQLite runs in WAL mode with
``synchronous=FULL``; ``Store.write`` commits with ``NORMAL`` and returns after a WAL fsync it shares with
the writers committing at the same moment, :mod:`.wal_sync`).

The queries are grouped by concern, one module each: :mod:`.entries` (writing and listing
entries), :mod:`.threads` (what readers see), :mod:`.limits` (rate limits), :mod:`.idempotency`
(the first answer to a retried comment), :mod:`.log` (the moderation log), :mod:`.meta` (the
generated secret), :mod:`.transfer` (export and import), :mod:`.jobs` (page jobs and leases),
:mod:`.moderation_queries` (the moderation page's counts and search) and :mod:`.syndication` (where
articles were posted on Mastodon/Bluesky, and what came back); :mod:`.engine` opens the database and
migrates it, :mod:`.records` holds the entry records.
"""

from __future__ import annotations

from pelican.plugins.engagement.store.engine import create_store_engine, database_revision, migrate
from pelican.plugins.engagement.store.idempotency import IdempotencyKey, Replayed, StoredAnswer
from pelican.plugins.engagement.store.jobs import Lease, LeaseLost, PageJob, PageJobs
from pelican.plugins.engagement.store.limits import RateLimit, RateLimited, RateLimits
from pelican.plugins.engagement.store.log import ModerationLog
from pelican.plugins.engagement.store.meta import MetaValues
from pelican.plugins.engagement.store.moderation_queries import History, ModerationQueries
from pelican.plugins.engagement.store.records import Entry, NewEntry, StoreError, dedupe_key, utcnow
from pelican.plugins.engagement.store.schema import KINDS, MENTION_TYPES, STATUSES, VERIFICATIONS
from pelican.plugins.engagement.store.syndication import Syndication, Syndications
from pelican.plugins.engagement.store.threads import ThreadQueries
from pelican.plugins.engagement.store.transfer import Transfer

__all__ = [
    "KINDS",
    "MENTION_TYPES",
    "STATUSES",
    "VERIFICATIONS",
    "Entry",
    "History",
    "IdempotencyKey",
    "Lease",
    "LeaseLost",
    "NewEntry",
    "PageJob",
    "RateLimit",
    "RateLimited",
    "Replayed",
    "Store",
    "StoreError",
    "StoredAnswer",
    "Syndication",
    "create_store_engine",
    "database_revision",
    "dedupe_key",
    "migrate",
    "utcnow",
]


class Store(RateLimits, ThreadQueries, ModerationLog, MetaValues, Transfer, PageJobs, ModerationQueries,
            Syndications):
    """The comment and mention store. Create with :meth:`open`; share one per process.

    Each base class is one group of queries over the same engine (see the module list above); a
    new concern gets a module of its own and joins this list.
    """
