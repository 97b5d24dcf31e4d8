"""Results table: ``submission.flags_open`` (flagged answers not yet reviewed), backfilled,
and indexes for sorting an exam's results by it and by score, for finding sheets that
read the same student number, and one covering index with every column the results
filters test.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25

"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# engine.result.FLAGGED as it was when this revision was written (a revision must not
# change meaning when the code moves on)
_FLAGGED = ("ambiguous", "low_confidence", "error")


def upgrade() -> None:
    # SQLite adds a NOT NULL column with a constant default in place (no table copy)
    op.add_column(
        "submission",
        sa.Column("flags_open", sa.Integer(), nullable=False, server_default="0"),
    )
    flagged = ", ".join(f"'{s}'" for s in _FLAGGED)
    # only a sheet waiting for review can have open flags (record_result and review
    # keep review_state 'needed' while one is left), so the others keep 0
    op.execute(
        "UPDATE submission SET flags_open = ("
        " SELECT count(*) FROM submission_answer AS a"
        " WHERE a.submission_id = submission.id AND NOT a.reviewed"
        f" AND json_extract(a.meta, '$.omr.status') IN ({flagged})"
        ") WHERE review_state = 'needed'"
    )
    op.create_index("ix_submission_exam_flags", "submission", ["exam_id", "flags_open"])
    op.create_index("ix_submission_exam_score", "submission", ["exam_id", "score"])
    op.create_index(
        "ix_submission_exam_number_read", "submission", ["exam_id", "student_number_read"]
    )
    # every filter of the results table reads only this index (the rows are large)
    op.create_index(
        "ix_submission_exam_listing",
        "submission",
        [
            "exam_id",
            "status",
            "review_state",
            "flags_open",
            "student_id",
            "student_number_read",
            "score",
        ],
    )


def downgrade() -> None:
    op.drop_index("ix_submission_exam_listing", table_name="submission")
    op.drop_index("ix_submission_exam_number_read", table_name="submission")
    op.drop_index("ix_submission_exam_score", table_name="submission")
    op.drop_index("ix_submission_exam_flags", table_name="submission")
    with op.batch_alter_table("submission") as batch:
        batch.drop_column("flags_open")
