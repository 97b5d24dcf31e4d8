"""Indexes for listing results fast: an exam's submissions by status or student,
a submission's review decisions, and the outbox items that are due.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24

"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # plain CREATE INDEX: SQLite needs no table copy for an index
    op.create_index("ix_submission_exam_status", "submission", ["exam_id", "status"])
    op.create_index("ix_submission_exam_student", "submission", ["exam_id", "student_id"])
    op.create_index("ix_review_decision_submission", "review_decision", ["submission_id"])
    op.create_index("ix_outbox_item_state_next_run", "outbox_item", ["state", "next_run_at"])


def downgrade() -> None:
    op.drop_index("ix_outbox_item_state_next_run", table_name="outbox_item")
    op.drop_index("ix_review_decision_submission", table_name="review_decision")
    op.drop_index("ix_submission_exam_student", table_name="submission")
    op.drop_index("ix_submission_exam_status", table_name="submission")
