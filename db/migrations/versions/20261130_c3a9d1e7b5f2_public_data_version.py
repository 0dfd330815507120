"""public data version

A one-row table whose ``version`` rises whenever ``public_search`` or ``public_records`` changes, kept by triggers
(row triggers on SQLite, statement triggers on PostgreSQL), so that the public list's counts and the API's HTTP
validators can be cached per version: a repeated question costs a primary-key read instead of a count over the
whole index, and any write — seed, import, a case event, a withdrawal — invalidates them.

Revision ID: c3a9d1e7b5f2
Revises: 8b1e4c2d9f30
Create Date: 2026-11-30 10:20:00
"""

import secrets
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'c3a9d1e7b5f2'
down_revision: str | None = '8b1e4c2d9f30'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

WATCHED = ("public_search", "public_records")
BUMP = "UPDATE public_data_version SET version = version + 1 WHERE id = 1"


def upgrade() -> None:
    op.create_table(
        'public_data_version',
        sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('version', sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_public_data_version')),
    )
    # A random start: a database dropped and created again at the same URL never repeats an earlier version, so a
    # count cached for the old database cannot answer for the new one.
    op.execute(f"INSERT INTO public_data_version (id, version) VALUES (1, {secrets.randbits(40)})")
    if op.get_bind().dialect.name == "sqlite":
        for table in WATCHED:
            for event in ("INSERT", "UPDATE", "DELETE"):
                op.execute(f"CREATE TRIGGER pdv_{table}_{event.lower()} AFTER {event} ON {table} "
                           f"BEGIN {BUMP}; END")
    else:
        op.execute("CREATE FUNCTION public_data_version_bump() RETURNS trigger LANGUAGE plpgsql AS $$ "
                   f"BEGIN {BUMP}; RETURN NULL; END $$")
        for table in WATCHED:
            op.execute(f"CREATE TRIGGER pdv_{table} AFTER INSERT OR UPDATE OR DELETE ON {table} "
                       "FOR EACH STATEMENT EXECUTE FUNCTION public_data_version_bump()")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for table in WATCHED:
            for event in ("insert", "update", "delete"):
                op.execute(f"DROP TRIGGER IF EXISTS pdv_{table}_{event}")
    else:
        for table in WATCHED:
            op.execute(f"DROP TRIGGER IF EXISTS pdv_{table} ON {table}")
        op.execute("DROP FUNCTION IF EXISTS public_data_version_bump()")
    op.drop_table('public_data_version')
