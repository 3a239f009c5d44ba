"""The store's tables, as SQLAlchemy Core metadata.

This module describes the *current* schema for queries; the database itself is created and changed
only by the Alembic migrations in ``migrations/versions`` (a test checks the two agree). One table,
``entries``, holds comments, trackbacks, pingbacks and webmentions alike, because they share one
moderation queue, one thread and one rendering path; the columns that only some kinds use are
nullable.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
    func,
)

metadata = MetaData()

#: The newest migration's revision id. ``Store.open`` compares the database's revision with this
#: constant and skips loading Alembic (about 0.5 s) when they match; a test keeps it equal to the
#: head of ``migrations/versions``.
SCHEMA_REVISION = "0006"

#: The largest id an INTEGER key holds on every backend (32 bits on PostgreSQL, 64 on SQLite): an
#: id beyond it can name no row, and the database driver would raise instead of finding nothing.
MAX_ID = 2**31 - 1

#: Entry kinds and states, in the order the CLI lists them.
#: "mastodon" and "bluesky" are replies (``mention_type`` "reply") and reactions ("like", "repost")
#: read back from a syndicated post by ``engagement backfeed``.
KINDS = ("comment", "trackback", "pingback", "webmention", "mastodon", "bluesky")
STATUSES = ("pending", "approved", "rejected", "spam", "deleted")
#: Webmention post types read from the source's microformats.
MENTION_TYPES = ("reply", "like", "repost", "bookmark", "mention")
#: Verification of a linkback's source: not needed (comments), waiting, done, failed.
VERIFICATIONS = ("none", "queued", "verified", "failed")

entries = Table(
    "entries",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    # Stable identity across export/import and across databases.
    Column("uuid", String(36), nullable=False, unique=True),
    # The article's URL relative to SITEURL (Pelican's ``article.url``): the thread key.
    Column("thread", String(512), nullable=False),
    Column("parent_id", Integer, ForeignKey("entries.id", ondelete="SET NULL"), nullable=True),
    Column("kind", String(16), nullable=False),
    Column("status", String(16), nullable=False),
    Column("author_name", String(200), nullable=False, default=""),
    Column("author_email", String(320), nullable=True),  # never rendered, never exported publicly
    Column("author_url", String(2048), nullable=True),
    Column("author_photo", String(2048), nullable=True),  # a *local* path, never a remote URL
    Column("title", String(500), nullable=True),
    Column("blog_name", String(200), nullable=True),
    Column("source_url", String(2048), nullable=True),
    Column("mention_type", String(16), nullable=True),
    Column("body_source", Text, nullable=False, default=""),  # what the author wrote
    Column("body_html", Text, nullable=False, default=""),  # rendered and sanitized once
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("approved_at", DateTime(timezone=True), nullable=True),
    Column("ip_hash", String(64), nullable=True),  # keyed hash, for rate limits only
    Column("notify", Boolean, nullable=False, default=False),
    Column("verification", String(16), nullable=False, default="none"),
    Column("verify_attempts", Integer, nullable=False, default=0),
    Column("verify_error", Text, nullable=True),
    Column("verified_at", DateTime(timezone=True), nullable=True),
    # SHA-256 (hex) of a natural key that makes re-delivery idempotent: source and target for
    # linkbacks, "wxr:<site>:<id>" for imports. Null for plain comments. See ``dedupe_key()``.
    Column("dedupe_key", String(64), nullable=True, unique=True),
    # Which rule held the entry or marked it spam (shown to the moderator; never published).
    Column("moderation_reason", Text, nullable=True),
    # Akismet's context (client address, user agent, referrer) as JSON, only while Akismet is on.
    Column("spam_context", Text, nullable=True),
    # The site's author replying from the moderation page; the thread marks it as such.
    Column("by_author", Boolean, nullable=False, default=False, server_default=false()),
    # A thread's approved comments in order (API, version query, fast update); migration 0006.
    Index("ix_entries_thread_status_kind_created", "thread", "status", "kind", "created_at", "id"),
    Index("ix_entries_status_created", "status", "created_at"),
    Index("ix_entries_verification", "verification"),
    Index("ix_entries_author_email", "author_email"),
)
# Histories and forget() compare addresses case-insensitively (migration 0006).
Index("ix_entries_author_email_lower", func.lower(entries.c.author_email))

#: One row per counted event; the rate limiter counts rows in a window inside one transaction so
#: that the limit holds across worker processes and endpoint instances.
rate_events = Table(
    "rate_events",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("scope", String(300), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Index("ix_rate_events_scope_at", "scope", "at"),
)

#: Reply-notification subscriptions (double opt-in: unconfirmed rows send nothing but the
#: confirmation message).
subscriptions = Table(
    "subscriptions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("email", String(320), nullable=False),
    Column("thread", String(512), nullable=False),
    Column("entry_id", Integer, ForeignKey("entries.id", ondelete="CASCADE"), nullable=True),
    Column("token", String(64), nullable=False, unique=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("confirmed_at", DateTime(timezone=True), nullable=True),
    Index("ix_subscriptions_thread", "thread"),
    Index("ix_subscriptions_email", "email"),
)

#: Every moderation action, who took it and when (audit trail).
moderation_log = Table(
    "moderation_log",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("entry_id", Integer, nullable=True),
    Column("action", String(32), nullable=False),
    Column("actor", String(200), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("detail", Text, nullable=True),
)

#: What `engagement send` has delivered: one row per (our article, their URL).
sent_links = Table(
    "sent_links",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("source", String(2048), nullable=False),
    Column("target", String(2048), nullable=False),
    Column("protocol", String(16), nullable=True),  # webmention | pingback | trackback | none
    Column("endpoint", String(2048), nullable=True),
    Column("status", String(32), nullable=False),  # sent | failed | no-endpoint | removed
    Column("detail", Text, nullable=True),
    Column("sent_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("source", "target", name="uq_sent_links_source_target"),
)

#: Small key/value facts about the store itself (the generated secret key, for one).
meta = Table(
    "meta",
    metadata,
    Column("key", String(100), primary_key=True),
    Column("value", Text, nullable=False),
)

#: Work that follows a moderation action when pages are updated by a worker or deployed: "refresh"
#: (thread keys whose pages must be re-rendered) and "push" (output paths to copy to the deploy
#: target). A row stays until it is done, so nothing is lost while a target is down; failures are
#: retried from ``next_attempt_at`` with back-off.
page_jobs = Table(
    "page_jobs",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("kind", String(16), nullable=False),
    Column("items", Text, nullable=False),  # JSON list of thread keys or output paths
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("attempts", Integer, nullable=False, default=0),
    Column("next_attempt_at", DateTime(timezone=True), nullable=False),
    Column("last_error", Text, nullable=True),
    Column("done_at", DateTime(timezone=True), nullable=True),
    Index("ix_page_jobs_kind_done_next", "kind", "done_at", "next_attempt_at"),
)

#: Named leases: one holder at a time (the page worker among several instances).
leases = Table(
    "leases",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("holder", String(200), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
)

#: Where an article was syndicated (POSSE): one row per (article, platform). ``remote_id`` is the
#: Mastodon status id or the Bluesky ``at://`` URI the backfeed reads; ``origin`` says whether
#: ``engagement syndicate`` posted it or the author named it (``Mastodon:``/``Bluesky:`` metadata).
syndications = Table(
    "syndications",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("thread", String(512), nullable=False),
    Column("platform", String(16), nullable=False),
    Column("url", String(2048), nullable=False),  # the post's public address (u-syndication)
    Column("remote_id", String(512), nullable=False),
    Column("instance", String(2048), nullable=True),  # Mastodon: the API base URL it lives on
    Column("origin", String(16), nullable=False),  # posted | named
    Column("status", String(16), nullable=False),  # active | gone (deleted upstream)
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("backfed_at", DateTime(timezone=True), nullable=True),
    Column("backfeed_error", Text, nullable=True),
    UniqueConstraint("thread", "platform", name="uq_syndications_thread_platform"),
)

#: Social avatars already downloaded: remote URL -> file name under ENGAGEMENT_AVATARS_PATH, so a
#: backfeed run fetches each person's picture once, not once per reply per run.
social_avatars = Table(
    "social_avatars",
    metadata,
    Column("url_hash", String(64), primary_key=True),  # SHA-256 of the remote URL
    Column("file_name", String(100), nullable=True),  # null: not a usable image
    Column("fetched_at", DateTime(timezone=True), nullable=False),
)

#: How long an ``Idempotency-Key`` is remembered: a retry within a day gets the first answer.
IDEMPOTENCY_TTL_SECONDS = 86400

#: A comment's ``Idempotency-Key`` (or the no-JS form's token), per client: the answer it got,
#: written in the same transaction as the entry, so a retry after any failure finds either both or
#: neither. ``client`` is the keyed hash of the client's address (as ``entries.ip_hash``);
#: ``fingerprint`` is SHA-256 of the posted fields, so the same key with another comment is told
#: apart. Deleting the entry deletes the answer (it repeats the comment's name and text).
idempotency_keys = Table(
    "idempotency_keys",
    metadata,
    Column("client", String(64), nullable=False),
    Column("key", String(300), nullable=False),
    Column("fingerprint", String(64), nullable=False),
    Column("entry_id", Integer, ForeignKey("entries.id", ondelete="CASCADE"), nullable=True),
    Column("status_code", Integer, nullable=False),
    Column("answer", Text, nullable=False),  # the JSON body, or the form's redirect address
    Column("created_at", DateTime(timezone=True), nullable=False),
    PrimaryKeyConstraint("client", "key", name="pk_idempotency_keys"),
    Index("ix_idempotency_keys_created", "created_at"),
    Index("ix_idempotency_keys_entry", "entry_id"),
)
