"""activities: the office's own work for the year-end summary

Revision ID: 0004_activities
Revises: 0004_privacy
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0004_activities"
down_revision = "0004_privacy"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "activities",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("on_date", sa.Date(), nullable=False),
        sa.Column("people", sa.Integer(), nullable=True),
        sa.Column("note", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("activities", schema=None) as batch_op:
        batch_op.create_index("ix_activities_on_date", ["on_date"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("activities", schema=None) as batch_op:
        batch_op.drop_index("ix_activities_on_date")
    op.drop_table("activities")
