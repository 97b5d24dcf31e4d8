"""Sync outbox: why an item is held or needs attention, the server's 4xx body, the
uncertain-POST marker and its id floor, the file hash, attempt and send times, how it
reached the server, and the polled server status.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-26

"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_NEW_COLUMNS = (
    "held_reason",
    "attention_reason",
    "server_error",
    "post_uncertain",
    "id_floor",
    "file_sha256",
    "last_attempt_at",
    "sent_at",
    "sent_via",
    "server_status",
    "server_message",
    "status_polls",
    "status_next_poll_at",
    "status_checked_at",
)


def upgrade() -> None:
    # nullable columns, and NOT NULL ones with a constant default: SQLite adds them in
    # place (no table copy)
    op.add_column("outbox_item", sa.Column("held_reason", sa.Text(), nullable=True))
    op.add_column("outbox_item", sa.Column("attention_reason", sa.Text(), nullable=True))
    op.add_column("outbox_item", sa.Column("server_error", sa.JSON(), nullable=True))
    op.add_column(
        "outbox_item",
        sa.Column("post_uncertain", sa.Boolean(), nullable=False, server_default="0"),
    )
    op.add_column("outbox_item", sa.Column("id_floor", sa.Integer(), nullable=True))
    op.add_column("outbox_item", sa.Column("file_sha256", sa.String(length=64), nullable=True))
    op.add_column(
        "outbox_item", sa.Column("last_attempt_at", sa.DateTime(timezone=True), nullable=True)
    )
    op.add_column("outbox_item", sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("outbox_item", sa.Column("sent_via", sa.String(length=20), nullable=True))
    op.add_column("outbox_item", sa.Column("server_status", sa.String(length=20), nullable=True))
    op.add_column("outbox_item", sa.Column("server_message", sa.Text(), nullable=True))
    op.add_column(
        "outbox_item",
        sa.Column("status_polls", sa.Integer(), nullable=False, server_default="0"),
    )
    op.add_column(
        "outbox_item",
        sa.Column("status_next_poll_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.add_column(
        "outbox_item", sa.Column("status_checked_at", sa.DateTime(timezone=True), nullable=True)
    )
    # nothing was ever sent before this revision (no sync existed), but an item stuck in
    # "sending" is one whose POST may have reached the server
    op.execute("UPDATE outbox_item SET post_uncertain = 1 WHERE state = 'sending'")
    op.create_index("ix_outbox_item_state_poll", "outbox_item", ["state", "status_next_poll_at"])


def downgrade() -> None:
    op.drop_index("ix_outbox_item_state_poll", table_name="outbox_item")
    with op.batch_alter_table("outbox_item") as batch:
        for name in reversed(_NEW_COLUMNS):
            batch.drop_column(name)
