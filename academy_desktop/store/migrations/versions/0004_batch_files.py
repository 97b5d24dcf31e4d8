"""Files queued per exam, so that a batch cut short can be resumed from the window.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24

"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "batch_file",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("exam_id", sa.Integer(), nullable=False),
        sa.Column("scan_id", sa.Integer(), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["exam_id"], ["exam.id"], name="fk_batch_file_exam_id_exam", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["scan_id"], ["scan.id"], name="fk_batch_file_scan_id_scan"),
        sa.PrimaryKeyConstraint("id", name="pk_batch_file"),
        sa.UniqueConstraint("exam_id", "scan_id", name="uq_batch_file_exam_id"),
    )
    # files graded before this revision are finished work: record them as queued once,
    # so that the window's "unfinished files" check sees every file of an exam
    op.execute(
        "INSERT INTO batch_file (exam_id, scan_id, added_at) "
        "SELECT exam_id, scan_id, MIN(created_at) FROM submission GROUP BY exam_id, scan_id"
    )


def downgrade() -> None:
    op.drop_table("batch_file")
