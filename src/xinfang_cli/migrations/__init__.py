"""The ledger's schema history as Alembic migrations, applied automatically when a ledger opens.

Add a step with `alembic revision` (script_location = this folder) and move HEAD_REVISION to it;
tests/test_migrations.py fails when HEAD_REVISION is not the newest step or the migrated schema
differs from models.py.
"""

HEAD_REVISION = "0006_followup_indexes"
