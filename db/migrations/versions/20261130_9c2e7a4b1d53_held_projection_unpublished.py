"""held projections are unpublished on the disclosure clock

A decision whose public projection is held (待脱敏复核: personal data found after redaction, or a source text changed
without a new projection) or missing is not visible to the public, whatever its disclosure row says. The statistics
facts (db.summaries.fact_row) now count it as not yet published — its lateness grows with today until it is released
— so the supervisors' 公示时限 no longer reports such a decision as published on time, and the public page never
names it. This migration queues the facts of a decision when its projection is inserted, deleted, or becomes held or
released, and queues every decision that is held or unprojected now.

Revision ID: 9c2e7a4b1d53
Revises: 8a3f5c1d2b47
Create Date: 2026-11-30 20:30:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = '9c2e7a4b1d53'
down_revision: str | None = '8a3f5c1d2b47'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SQLITE_IGNORE = "INSERT OR IGNORE INTO decision_facts_queue (decision_id)"
QUEUE = "INSERT INTO decision_facts_queue (decision_id)"
HELD_CHANGED = "(OLD.held_reason IS NULL) <> (NEW.held_reason IS NULL)"


def _queue(row: str) -> str:
    """Queue ``row``'s decision unless it is queued. Not INSERT OR IGNORE: public_records is written by an upsert
    (INSERT … ON CONFLICT DO UPDATE), and SQLite then applies the outer statement's conflict handling to the
    trigger's own insert, which fails on a decision already queued."""
    return (f"{QUEUE} SELECT {row}.decision_id WHERE NOT EXISTS "
            f"(SELECT 1 FROM decision_facts_queue WHERE decision_id = {row}.decision_id);")


SQLITE_TRIGGERS = {
    "df_public_records_ai": f"AFTER INSERT ON public_records BEGIN {_queue('NEW')} END",
    "df_public_records_au": (f"AFTER UPDATE OF decision_id, held_reason ON public_records "
                             f"WHEN OLD.decision_id <> NEW.decision_id OR {HELD_CHANGED} "
                             f"BEGIN {_queue('OLD')} {_queue('NEW')} END"),
    "df_public_records_ad": f"AFTER DELETE ON public_records BEGIN {_queue('OLD')} END",
}

# Statement triggers over the transition tables, as for the other bulk-written tables (a COPY of thousands of rows
# queues with one statement). PostgreSQL allows no column list on them, so the update filters inside.
PG_STATEMENTS = [
    f"""CREATE FUNCTION df_queue_public_records() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        {QUEUE} SELECT o.decision_id FROM changed_before o JOIN changed n USING (decision_id)
            WHERE (o.held_reason IS NULL) <> (n.held_reason IS NULL)
        UNION SELECT o.decision_id FROM changed_before o WHERE NOT EXISTS
            (SELECT 1 FROM changed n WHERE n.decision_id = o.decision_id)
        UNION SELECT n.decision_id FROM changed n WHERE NOT EXISTS
            (SELECT 1 FROM changed_before o WHERE o.decision_id = n.decision_id)
        ON CONFLICT DO NOTHING;
    ELSE
        {QUEUE} SELECT decision_id FROM changed ON CONFLICT DO NOTHING;
    END IF;
    RETURN NULL;
END $$""",
    "CREATE TRIGGER df_public_records_ins AFTER INSERT ON public_records REFERENCING NEW TABLE AS changed "
    "FOR EACH STATEMENT EXECUTE FUNCTION df_queue_public_records()",
    "CREATE TRIGGER df_public_records_upd AFTER UPDATE ON public_records "
    "REFERENCING OLD TABLE AS changed_before NEW TABLE AS changed FOR EACH STATEMENT "
    "EXECUTE FUNCTION df_queue_public_records()",
    "CREATE TRIGGER df_public_records_del AFTER DELETE ON public_records REFERENCING OLD TABLE AS changed "
    "FOR EACH STATEMENT EXECUTE FUNCTION df_queue_public_records()",
]
PG_TRIGGERS = ("df_public_records_ins", "df_public_records_upd", "df_public_records_del")

NOT_VISIBLE = ("SELECT d.id FROM decisions d LEFT JOIN public_records r ON r.decision_id = d.id "
               "WHERE r.decision_id IS NULL OR r.held_reason IS NOT NULL")


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name, body in SQLITE_TRIGGERS.items():
            op.execute(f"CREATE TRIGGER {name} {body}")
        op.execute(f"{SQLITE_IGNORE} {NOT_VISIBLE}")
    else:
        for statement in PG_STATEMENTS:
            op.execute(statement)
        op.execute(f"{QUEUE} {NOT_VISIBLE} ON CONFLICT DO NOTHING")


def downgrade() -> None:
    # The facts of the decisions not visible now are recomputed by the old rule.
    if op.get_bind().dialect.name == "sqlite":
        for name in SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute(f"{SQLITE_IGNORE} {NOT_VISIBLE}")
    else:
        for name in PG_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name} ON public_records")
        op.execute("DROP FUNCTION IF EXISTS df_queue_public_records()")
        op.execute(f"{QUEUE} {NOT_VISIBLE} ON CONFLICT DO NOTHING")
