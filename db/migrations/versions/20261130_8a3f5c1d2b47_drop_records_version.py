"""drop the case-record version: summary_versions row 2 and the triggers that raised it

Row 2 keyed the caches of the review board and the completeness overview while both were computed per read. Both are
now stored tables with their own versions (rows 4 and 3, migrations 7d4b2e9a1c30 and 7d4b2e9c1a68), so nothing reads
row 2 any more, yet every written case, party, agency, matter, officer, rule, decision or penalty item still raised it
(one UPDATE per row on SQLite). This migration drops those ``sv_*`` triggers (and PostgreSQL's function) and the row.
The downgrade recreates them from migration 5e7c2a9d4f61's own definitions.

Revision ID: 8a3f5c1d2b47
Revises: 7d4b2e9c1a68
Create Date: 2026-11-30 20:10:00
"""

import importlib.util
import secrets
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType

from alembic import op

revision: str = '8a3f5c1d2b47'
down_revision: str | None = '7d4b2e9c1a68'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The tables whose writes raised row 2 (5e7c2a9d4f61's RECORD_SOURCES), frozen here.
TABLES = ("cases", "decisions", "penalty_items", "parties", "agencies", "matters", "officers", "major_review_rules")


def _decision_facts_migration() -> ModuleType:
    path = Path(__file__).with_name("20261130_5e7c2a9d4f61_decision_facts.py")
    spec = importlib.util.spec_from_file_location("decision_facts_5e7c2a9d4f61", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for table in TABLES:
            for event in "iud":
                op.execute(f"DROP TRIGGER IF EXISTS sv_{table}_a{event}")
    else:
        for table in TABLES:
            op.execute(f"DROP TRIGGER IF EXISTS sv_{table} ON {table}")
        op.execute("DROP FUNCTION IF EXISTS sv_records_bump()")
    op.execute("DELETE FROM summary_versions WHERE id = 2")


def downgrade() -> None:
    old = _decision_facts_migration()
    if op.get_bind().dialect.name == "sqlite":
        for name, body in old._sqlite_triggers().items():
            if name.startswith("sv_"):
                op.execute(f"CREATE TRIGGER {name} {body}")
    else:
        for statement in old._pg_statements():
            if "sv_records_bump" in statement:
                op.execute(statement)
    op.execute(f"INSERT INTO summary_versions (id, version) VALUES (2, {secrets.randbits(40)})")
