"""Homework: assignments, their videos and photos as submissions, key frames.

A homework submission is a ``submission`` row with ``target_type="homework"``, the
homework it belongs to and no exam, so ``exam_id`` becomes nullable (a table copy on
SQLite; the rows and their ids stay). ``verdict`` is the verdict in effect and
``homework_frame`` keeps the pictures an analysis chose (PNG).

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-24

"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "homework",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column("group_name", sa.String(length=100), nullable=True),
        sa.Column("target_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_homework"),
        sa.UniqueConstraint("title", name="uq_homework_title"),
    )
    with op.batch_alter_table("submission") as batch:
        batch.alter_column("exam_id", existing_type=sa.Integer(), nullable=True)
        batch.add_column(sa.Column("homework_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("verdict", sa.String(length=20), nullable=True))
        batch.create_foreign_key(
            "fk_submission_homework_id_homework",
            "homework",
            ["homework_id"],
            ["id"],
            ondelete="CASCADE",
        )
        batch.create_unique_constraint(
            "uq_submission_homework_id", ["homework_id", "scan_id", "page"]
        )
        batch.create_index("ix_submission_homework_id", ["homework_id"])
    op.create_table(
        "homework_frame",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("page", sa.Integer(), nullable=False),
        sa.Column("which", sa.String(length=20), nullable=False),
        sa.Column("time_s", sa.Float(), nullable=True),
        sa.Column("png", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["submission_id"],
            ["submission.id"],
            name="fk_homework_frame_submission_id_submission",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_homework_frame"),
        sa.UniqueConstraint("submission_id", "position", name="uq_homework_frame_submission_id"),
    )


def downgrade() -> None:
    op.drop_table("homework_frame")
    op.execute("DELETE FROM submission WHERE exam_id IS NULL")
    with op.batch_alter_table("submission") as batch:
        batch.drop_index("ix_submission_homework_id")
        batch.drop_constraint("uq_submission_homework_id", type_="unique")
        batch.drop_constraint("fk_submission_homework_id_homework", type_="foreignkey")
        batch.drop_column("verdict")
        batch.drop_column("homework_id")
        batch.alter_column("exam_id", existing_type=sa.Integer(), nullable=False)
    op.drop_table("homework")
