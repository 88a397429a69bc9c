"""initial schema: cases, co-departments, taxonomy versions, events

Revision ID: 0001
Revises:
Create Date: 2026-11-29 15:19:29.042520
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "cases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("channel", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("identity", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
        sa.Column("unit", sqlmodel.sql.sqltypes.AutoString(length=128), nullable=True),
        sa.Column("phone", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
        sa.Column("id_number", sqlmodel.sql.sqltypes.AutoString(length=18), nullable=True),
        sa.Column("persons", sa.Integer(), nullable=False),
        sa.Column("summary", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("content", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("nature", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
        sa.Column("category", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
        sa.Column("group_key", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
        sa.Column("repeat_of", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
        sa.Column("bypass", sa.Boolean(), nullable=False),
        sa.Column("confidential", sa.Boolean(), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("accept_days", sa.Integer(), nullable=False),
        sa.Column("handle_days", sa.Integer(), nullable=False),
        sa.Column("extend_max_days", sa.Integer(), nullable=False),
        sa.Column("day_mode", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("roll_over", sa.Boolean(), nullable=False),
        sa.Column("accept_due", sa.Date(), nullable=False),
        sa.Column("accepted_on", sa.Date(), nullable=True),
        sa.Column("lead_dept", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("leader", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("rejected_on", sa.Date(), nullable=True),
        sa.Column("reject_reason", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("referral", sqlmodel.sql.sqltypes.AutoString(length=128), nullable=True),
        sa.Column("handle_due", sa.Date(), nullable=True),
        sa.Column("extended_days", sa.Integer(), nullable=True),
        sa.Column("extend_reason", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("extended_on", sa.Date(), nullable=True),
        sa.Column("extend_approver", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("outcome", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
        sa.Column("result", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("aid_fen", sa.Integer(), nullable=True),
        sa.Column("rating", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
        sa.Column("rated_on", sa.Date(), nullable=True),
        sa.Column("created_at", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("number"),
        sa.UniqueConstraint("year", "seq", name="uq_cases_year_seq"),
    )
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.create_index("ix_cases_category", ["category"], unique=False)
        batch_op.create_index("ix_cases_closed_on", ["closed_on"], unique=False)
        batch_op.create_index("ix_cases_id_number", ["id_number"], unique=False)
        batch_op.create_index("ix_cases_lead_dept", ["lead_dept"], unique=False)
        batch_op.create_index("ix_cases_name_unit", ["name", "unit"], unique=False)
        batch_op.create_index("ix_cases_phone", ["phone"], unique=False)
        batch_op.create_index("ix_cases_received_on", ["received_on"], unique=False)
        batch_op.create_index("ix_cases_repeat_of", ["repeat_of"], unique=False)
        batch_op.create_index("ix_cases_status_accept_due", ["status", "accept_due"], unique=False)
        batch_op.create_index("ix_cases_status_due_on", ["status", "due_on"], unique=False)

    op.create_table(
        "events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_number", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
        sa.Column("at", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("on_date", sa.Date(), nullable=True),
        sa.Column("actor", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("action", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("changes", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("prev_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.create_index("ix_events_action", ["action"], unique=False)
        batch_op.create_index("ix_events_case_number", ["case_number"], unique=False)

    op.create_table(
        "taxonomy_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("loaded_at", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("actor", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("source", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("sha256", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "co_departments",
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("dept", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["cases.id"],
        ),
        sa.PrimaryKeyConstraint("case_id", "dept"),
    )


def downgrade() -> None:
    op.drop_table("co_departments")
    op.drop_table("taxonomy_versions")
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.drop_index("ix_events_case_number")
        batch_op.drop_index("ix_events_action")

    op.drop_table("events")
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_index("ix_cases_status_due_on")
        batch_op.drop_index("ix_cases_status_accept_due")
        batch_op.drop_index("ix_cases_repeat_of")
        batch_op.drop_index("ix_cases_received_on")
        batch_op.drop_index("ix_cases_phone")
        batch_op.drop_index("ix_cases_name_unit")
        batch_op.drop_index("ix_cases_lead_dept")
        batch_op.drop_index("ix_cases_id_number")
        batch_op.drop_index("ix_cases_closed_on")
        batch_op.drop_index("ix_cases_category")

    op.drop_table("cases")
