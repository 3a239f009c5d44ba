"""Syndication records (POSSE) and the social avatar cache.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "syndications",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("thread", sa.String(512), nullable=False),
        sa.Column("platform", sa.String(16), nullable=False),
        sa.Column("url", sa.String(2048), nullable=False),
        sa.Column("remote_id", sa.String(512), nullable=False),
        sa.Column("instance", sa.String(2048), nullable=True),
        sa.Column("origin", sa.String(16), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("backfed_at", TZ, nullable=True),
        sa.Column("backfeed_error", sa.Text, nullable=True),
        sa.UniqueConstraint("thread", "platform", name="uq_syndications_thread_platform"),
    )
    op.create_table(
        "social_avatars",
        sa.Column("url_hash", sa.String(64), primary_key=True),
        sa.Column("file_name", sa.String(100), nullable=True),
        sa.Column("fetched_at", TZ, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("social_avatars")
    op.drop_table("syndications")
