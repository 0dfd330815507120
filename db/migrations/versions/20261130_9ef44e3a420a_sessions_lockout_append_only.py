"""sessions, lockout, append-only record tables, chain v2 and anchors

* ``user_sessions``: signed-in browsers as rows (a cookie carries a random token; the row stores its SHA-256), so a
  login survives reloads and restarts and can be revoked; ended by logout, 30 minutes idle or 12 hours of age.
* ``users.failed_logins`` / ``users.locked_until`` / ``users.password_changed_at``: account lockout and password
  changes.
* ``case_events.chain_version`` ("v1" for every existing event; new appends are "v2", whose hash also covers the
  event's officers and evidence sha256 values) and ``chain_anchors`` (the daily 记录链锚点, db/anchors.py).
* Triggers refusing UPDATE and DELETE on case_events, event_officers, evidence_files and audit_log, and on
  legal_reviews once a round is decided (a pending round may be decided once).

The trigger SQL is a frozen copy of db/append_only.py as of this revision; a later change to the triggers is a new
migration.

Revision ID: 9ef44e3a420a
Revises: 405d28e353b5
Create Date: 2026-11-30 10:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import db.types

revision: str = '9ef44e3a420a'
down_revision: str | None = '405d28e353b5'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

APPEND_ONLY_TABLES = ("case_events", "event_officers", "evidence_files", "audit_log", "review_steps", "proposed_penalties")
DECIDED_ONCE_TABLE = "legal_reviews"
REFUSED = "append-only"


def _create_sql(dialect: str) -> list[str]:
    if dialect == "sqlite":
        out = []
        for table in APPEND_ONLY_TABLES:
            for o in ("UPDATE", "DELETE"):
                out.append(f"CREATE TRIGGER append_only_{table}_{o.lower()} BEFORE {o} ON {table} "
                           f"BEGIN SELECT RAISE(ABORT, '{REFUSED}: {o} on {table} refused'); END")
        t = DECIDED_ONCE_TABLE
        out.append(f"CREATE TRIGGER append_only_{t}_update BEFORE UPDATE ON {t} WHEN OLD.outcome IS NOT NULL "
                   f"BEGIN SELECT RAISE(ABORT, '{REFUSED}: UPDATE of a decided round on {t} refused'); END")
        out.append(f"CREATE TRIGGER append_only_{t}_delete BEFORE DELETE ON {t} "
                   f"BEGIN SELECT RAISE(ABORT, '{REFUSED}: DELETE on {t} refused'); END")
        return out
    out = [f"""CREATE OR REPLACE FUNCTION append_only_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '{REFUSED}: % on % refused', TG_OP, TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
END $$"""]
    for table in APPEND_ONLY_TABLES:
        out.append(f"CREATE TRIGGER append_only_{table} BEFORE UPDATE OR DELETE ON {table} "
                   "FOR EACH ROW EXECUTE FUNCTION append_only_refuse()")
        out.append(f"CREATE TRIGGER append_only_{table}_truncate BEFORE TRUNCATE ON {table} "
                   "FOR EACH STATEMENT EXECUTE FUNCTION append_only_refuse()")
    t = DECIDED_ONCE_TABLE
    out.append(f"CREATE TRIGGER append_only_{t}_update BEFORE UPDATE ON {t} FOR EACH ROW "
               "WHEN (OLD.outcome IS NOT NULL) EXECUTE FUNCTION append_only_refuse()")
    out.append(f"CREATE TRIGGER append_only_{t}_delete BEFORE DELETE ON {t} FOR EACH ROW "
               "EXECUTE FUNCTION append_only_refuse()")
    out.append(f"CREATE TRIGGER append_only_{t}_truncate BEFORE TRUNCATE ON {t} "
               "FOR EACH STATEMENT EXECUTE FUNCTION append_only_refuse()")
    return out


def _drop_sql(dialect: str) -> list[str]:
    if dialect == "sqlite":
        names = [f"append_only_{t}_{o}" for t in (*APPEND_ONLY_TABLES, DECIDED_ONCE_TABLE) for o in ("update", "delete")]
        return [f"DROP TRIGGER IF EXISTS {n}" for n in names]
    out = []
    for table in APPEND_ONLY_TABLES:
        out += [f"DROP TRIGGER IF EXISTS append_only_{table} ON {table}",
                f"DROP TRIGGER IF EXISTS append_only_{table}_truncate ON {table}"]
    t = DECIDED_ONCE_TABLE
    out += [f"DROP TRIGGER IF EXISTS append_only_{t}_{s} ON {t}" for s in ("update", "delete", "truncate")]
    return out + ["DROP FUNCTION IF EXISTS append_only_refuse()"]


def upgrade() -> None:
    op.create_table('user_sessions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token_sha256', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('created_at', db.types.UTCDateTime(), nullable=False),
    sa.Column('last_seen_at', db.types.UTCDateTime(), nullable=False),
    sa.Column('revoked_at', db.types.UTCDateTime(), nullable=True),
    sa.Column('client', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_user_sessions_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_user_sessions')),
    sa.UniqueConstraint('token_sha256', name=op.f('uq_user_sessions_token_sha256'))
    )
    op.create_index(op.f('ix_user_sessions_user_id'), 'user_sessions', ['user_id'], unique=False)
    with op.batch_alter_table('users') as batch:
        batch.add_column(sa.Column('failed_logins', sa.Integer(), server_default='0', nullable=False))
        batch.add_column(sa.Column('locked_until', db.types.UTCDateTime(), nullable=True))
        batch.add_column(sa.Column('password_changed_at', db.types.UTCDateTime(), nullable=True))
    # Before the triggers: on SQLite a batch ALTER would rebuild the table (and drop its triggers).
    op.add_column('case_events', sa.Column('chain_version', sa.String(length=4), server_default='v1', nullable=False))
    op.create_table('chain_anchors',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('anchored_on', sa.Date(), nullable=False),
    sa.Column('anchored_at', db.types.UTCDateTime(), nullable=False),
    sa.Column('max_event_id', sa.Integer(), nullable=False),
    sa.Column('cases', sa.Integer(), nullable=False),
    sa.Column('root', sa.String(length=64), nullable=False),
    sa.Column('max_audit_id', sa.Integer(), nullable=False),
    sa.Column('audit_head', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_chain_anchors')),
    sa.UniqueConstraint('anchored_on', name=op.f('uq_chain_anchors_anchored_on'))
    )
    dialect = op.get_bind().dialect.name
    for statement in _create_sql(dialect):
        op.execute(statement)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    for statement in _drop_sql(dialect):
        op.execute(statement)
    op.drop_table('chain_anchors')
    with op.batch_alter_table('case_events') as batch:
        batch.drop_column('chain_version')
    with op.batch_alter_table('users') as batch:
        batch.drop_column('password_changed_at')
        batch.drop_column('locked_until')
        batch.drop_column('failed_logins')
    op.drop_index(op.f('ix_user_sessions_user_id'), table_name='user_sessions')
    op.drop_table('user_sessions')
