"""privacy: salted seals for personal values, purged cases, petitioner marks

Revision ID: 0004_privacy
Revises: 0003
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0004_privacy"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.add_column(sa.Column("purged_on", sa.Date(), nullable=True))
        batch_op.add_column(
            sa.Column("petitioner_ref", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True)
        )
        batch_op.create_index("ix_cases_petitioner_ref", ["petitioner_ref"], unique=False)
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("salt", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True)
        )
        batch_op.add_column(
            sa.Column("redacted", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.drop_column("redacted")
        batch_op.drop_column("salt")
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_index("ix_cases_petitioner_ref")
        batch_op.drop_column("petitioner_ref")
        batch_op.drop_column("purged_on")
