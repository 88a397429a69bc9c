"""corrections: voided cases and lead-department handovers

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.add_column(sa.Column("voided_on", sa.Date(), nullable=True))
        batch_op.add_column(
            sa.Column("void_reason", sqlmodel.sql.sqltypes.AutoString(), nullable=True)
        )
    op.create_table(
        "lead_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("on_date", sa.Date(), nullable=False),
        sa.Column("from_dept", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("to_dept", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("lead_changes", schema=None) as batch_op:
        batch_op.create_index("ix_lead_changes_case_on", ["case_id", "on_date"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("lead_changes", schema=None) as batch_op:
        batch_op.drop_index("ix_lead_changes_case_on")
    op.drop_table("lead_changes")
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_column("void_reason")
        batch_op.drop_column("voided_on")
