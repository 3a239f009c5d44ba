"""Indexes for large stores: a thread's approved comments in order, histories by e-mail.

At 100,000 comments SQLite read a 500-comment thread for the API through the (status, created_at)
index, walking every approved entry in time order to find the thread's (0.7 s instead of 0.5 ms),
and the moderation page's histories scanned every address to compare ``lower(author_email)``.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Equality on thread, status and kind, then the thread's order: the API, the version query
    # and the fast update's threads all read this index; it replaces (thread, status).
    op.create_index("ix_entries_thread_status_kind_created", "entries",
                    ["thread", "status", "kind", "created_at", "id"])
    op.drop_index("ix_entries_thread_status", table_name="entries")
    op.create_index("ix_entries_author_email_lower", "entries", [sa.text("lower(author_email)")])


def downgrade() -> None:
    op.drop_index("ix_entries_author_email_lower", table_name="entries")
    op.create_index("ix_entries_thread_status", "entries", ["thread", "status"])
    op.drop_index("ix_entries_thread_status_kind_created", table_name="entries")
