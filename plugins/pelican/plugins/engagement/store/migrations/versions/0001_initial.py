"""Initial schema: entries, rate events, subscriptions, moderation log, sent links, meta.

Revision ID: 0001
Revises:
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "entries",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("uuid", sa.String(36), nullable=False, unique=True),
        sa.Column("thread", sa.String(512), nullable=False),
        sa.Column(
            "parent_id", sa.Integer, sa.ForeignKey("entries.id", ondelete="SET NULL"), nullable=True
        ),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("author_name", sa.String(200), nullable=False),
        sa.Column("author_email", sa.String(320), nullable=True),
        sa.Column("author_url", sa.String(2048), nullable=True),
        sa.Column("author_photo", sa.String(2048), nullable=True),
        sa.Column("title", sa.String(500), nullable=True),
        sa.Column("blog_name", sa.String(200), nullable=True),
        sa.Column("source_url", sa.String(2048), nullable=True),
        sa.Column("mention_type", sa.String(16), nullable=True),
        sa.Column("body_source", sa.Text, nullable=False),
        sa.Column("body_html", sa.Text, nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("updated_at", TZ, nullable=False),
        sa.Column("approved_at", TZ, nullable=True),
        sa.Column("ip_hash", sa.String(64), nullable=True),
        sa.Column("notify", sa.Boolean, nullable=False),
        sa.Column("verification", sa.String(16), nullable=False),
        sa.Column("verify_attempts", sa.Integer, nullable=False),
        sa.Column("verify_error", sa.Text, nullable=True),
        sa.Column("verified_at", TZ, nullable=True),
        sa.Column("dedupe_key", sa.String(64), nullable=True, unique=True),
    )
    op.create_index("ix_entries_thread_status", "entries", ["thread", "status"])
    op.create_index("ix_entries_status_created", "entries", ["status", "created_at"])
    op.create_index("ix_entries_verification", "entries", ["verification"])
    op.create_index("ix_entries_author_email", "entries", ["author_email"])

    op.create_table(
        "rate_events",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("scope", sa.String(300), nullable=False),
        sa.Column("at", TZ, nullable=False),
    )
    op.create_index("ix_rate_events_scope_at", "rate_events", ["scope", "at"])

    op.create_table(
        "subscriptions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("email", sa.String(320), nullable=False),
        sa.Column("thread", sa.String(512), nullable=False),
        sa.Column(
            "entry_id", sa.Integer, sa.ForeignKey("entries.id", ondelete="CASCADE"), nullable=True
        ),
        sa.Column("token", sa.String(64), nullable=False, unique=True),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("confirmed_at", TZ, nullable=True),
    )
    op.create_index("ix_subscriptions_thread", "subscriptions", ["thread"])
    op.create_index("ix_subscriptions_email", "subscriptions", ["email"])

    op.create_table(
        "moderation_log",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("entry_id", sa.Integer, nullable=True),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("at", TZ, nullable=False),
        sa.Column("detail", sa.Text, nullable=True),
    )

    op.create_table(
        "sent_links",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("source", sa.String(2048), nullable=False),
        sa.Column("target", sa.String(2048), nullable=False),
        sa.Column("protocol", sa.String(16), nullable=True),
        sa.Column("endpoint", sa.String(2048), nullable=True),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("detail", sa.Text, nullable=True),
        sa.Column("sent_at", TZ, nullable=False),
        sa.UniqueConstraint("source", "target", name="uq_sent_links_source_target"),
    )

    op.create_table(
        "meta",
        sa.Column("key", sa.String(100), primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
    )


def downgrade() -> None:
    for table in ("meta", "sent_links", "moderation_log", "subscriptions", "rate_events", "entries"):
        op.drop_table(table)
