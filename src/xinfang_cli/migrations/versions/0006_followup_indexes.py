"""followup indexes: the closed cases still unrated (回访) found through an index, not by reading
every closed case

Revision ID: 0006_followup_indexes
Revises: 0005_letters
"""

from alembic import op

revision = "0006_followup_indexes"
down_revision = "0005_letters"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.create_index("ix_cases_rating_closed_on", ["rating", "closed_on"], unique=False)
        batch_op.create_index("ix_cases_rated_on", ["rated_on"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_index("ix_cases_rated_on")
        batch_op.drop_index("ix_cases_rating_closed_on")
