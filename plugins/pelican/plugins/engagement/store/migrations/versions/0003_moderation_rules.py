"""Moderation rules: why an entry is in its state, the context Akismet needs, author replies.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("entries") as batch:
        # The rule that held the entry or marked it spam ("max-links: 3 links", …); null: none did.
        batch.add_column(sa.Column("moderation_reason", sa.Text, nullable=True))
        # JSON with the client address, user agent and referrer, kept only while Akismet is on, so
        # that the moderator's spam/not-spam decision can be reported back (Akismet needs them).
        batch.add_column(sa.Column("spam_context", sa.Text, nullable=True))
        # The site's author answering (the "Approve and reply" button): marked as such in the thread.
        batch.add_column(
            sa.Column("by_author", sa.Boolean, nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table("entries") as batch:
        batch.drop_column("by_author")
        batch.drop_column("spam_context")
        batch.drop_column("moderation_reason")
