"""public records projection

Public text was redacted on the read path: three fields (违法行为类型, 处罚内容, 裁量说明) never passed the redaction,
and one unredactable value made the public guard raise for a whole listing. This migration adds ``public_records``,
the projection of each decision built once by domain.publication when the decision is written, and makes the search
index read its text from there:

* ``public_search_source`` (the one definition of an index row) now joins ``public_records`` and lists a decision
  only while its projection exists and is not held (``held_reason IS NULL``); the searchable text is the projected,
  already redacted text (natural persons by their masked name);
* triggers on ``public_records`` refresh the index row of that decision;
* "stale" triggers: when a source text of a decision changes (decisions, cases, parties, disclosures, a new
  disclosure version) its projection is marked held until the application writes a new one — a path that forgot
  to re-project publishes nothing rather than stale or unredacted text.

Existing decisions have no projection after this upgrade: ``manage.py init`` projects every decision that lacks
one (db.projection.project_missing), so an upgraded database is public again once init has run.

The SQL is frozen here on purpose, like migration 410ede7f7ec4's.

Revision ID: 8b1e4c2d9f30
Revises: 410ede7f7ec4
Create Date: 2026-11-30 10:05:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import db.types

revision: str = '8b1e4c2d9f30'
down_revision: str | None = '410ede7f7ec4'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LISTED_STATUSES = ("已公示", "已更正", "已撤回")
WITHDRAWN = "已撤回"
STALE = "待脱敏复核：原文已修改，待重新生成公示内容"
COLUMNS = ("decision_id", "agency_id", "category", "decided_on", "published_on", "expires_on", "status", "fine_total",
           "penalty_types")

# table → (columns whose change makes the projection stale, SQL selecting the affected decision ids from NEW)
STALE_SOURCES = {
    "decisions": ("decision_no, conclusion, legal_basis, discretion_statement, case_id", "SELECT NEW.id"),
    "cases": ("violation, facts, party_id", "SELECT id FROM decisions WHERE case_id = NEW.id"),
    "parties": ("name, party_type, uscc, legal_representative",
                "SELECT d.id FROM decisions d JOIN cases c ON c.id = d.case_id WHERE c.party_id = NEW.id"),
    "disclosures": ("public_explanation", "SELECT NEW.decision_id"),
}


def _source_select(dialect: str, key: str | None = None) -> str:
    sqlite = dialect == "sqlite"
    sep = "char(31)" if sqlite else "chr(31)"
    false = "= 0" if sqlite else "IS FALSE"
    types = ("(SELECT group_concat(i.penalty_type, '|') FROM penalty_items i WHERE i.decision_id = d.id)" if sqlite
             else "(SELECT string_agg(i.penalty_type, '|' ORDER BY i.id) FROM penalty_items i WHERE i.decision_id = d.id)")
    listed = ", ".join(f"'{s}'" for s in LISTED_STATUSES)
    doc = f" || {sep} || ".join((
        "trim(r.party_name)",
        "d.decision_no",
        "r.uscc",
        "r.violation",
        "r.legal_basis",
        # A withdrawn decision's content is hidden on its tombstone, so it must not be findable by that content.
        f"(CASE WHEN s.status = '{WITHDRAWN}' THEN '' ELSE r.conclusion END)",
    ))
    one = f" AND d.id = {key}" if key else ""
    return f"""
SELECT d.id AS decision_id, c.agency_id AS agency_id, d.category AS category, d.decided_on AS decided_on,
       s.published_on AS published_on, s.expires_on AS expires_on, s.status AS status,
       CASE WHEN s.status = '{WITHDRAWN}' THEN NULL ELSE d.fine_total END AS fine_total,
       CASE WHEN s.status = '{WITHDRAWN}' THEN '' ELSE '|' || COALESCE({types}, '') || '|' END AS penalty_types,
       {doc} || {sep} || {sep} AS doc
FROM decisions d
JOIN disclosures s ON s.decision_id = d.id
JOIN cases c ON c.id = d.case_id
JOIN parties p ON p.id = c.party_id
JOIN public_records r ON r.decision_id = d.id
WHERE s.status IN ({listed}) AND s.withheld_reason IS NULL AND s.published_on IS NOT NULL
  AND c.confidential {false} AND p.is_minor {false} AND r.held_reason IS NULL{one}
"""


def _refresh_sqlite(pred: str) -> str:
    cols = ", ".join(COLUMNS)
    updates = ", ".join(f"{c} = excluded.{c}" for c in COLUMNS[1:])
    return f"""
    DELETE FROM public_search WHERE decision_id {pred}
        AND decision_id NOT IN (SELECT decision_id FROM public_search_source WHERE decision_id {pred});
    DELETE FROM public_search_doc WHERE decision_id {pred}
        AND decision_id NOT IN (SELECT decision_id FROM public_search_source WHERE decision_id {pred});
    INSERT INTO public_search ({cols}) SELECT {cols} FROM public_search_source WHERE decision_id {pred}
        ON CONFLICT (decision_id) DO UPDATE SET {updates};
    INSERT INTO public_search_doc (decision_id, doc) SELECT decision_id, doc FROM public_search_source
        WHERE decision_id {pred}
        ON CONFLICT (decision_id) DO UPDATE SET doc = excluded.doc WHERE doc IS NOT excluded.doc;"""


def _stale_update(ids: str) -> str:
    return (f"UPDATE public_records SET held_reason = '{STALE}' WHERE decision_id IN ({ids}) "
            "AND held_reason IS NULL")


SQLITE_TRIGGERS = {
    "pr_records_ai": f"AFTER INSERT ON public_records BEGIN{_refresh_sqlite('= NEW.decision_id')}\nEND",
    "pr_records_au": f"AFTER UPDATE ON public_records BEGIN{_refresh_sqlite('IN (OLD.decision_id, NEW.decision_id)')}\nEND",
    "pr_records_ad": f"AFTER DELETE ON public_records BEGIN{_refresh_sqlite('= OLD.decision_id')}\nEND",
    **{f"pr_stale_{table}": f"AFTER UPDATE OF {columns} ON {table} BEGIN {_stale_update(ids)}; END"
       for table, (columns, ids) in STALE_SOURCES.items()},
    "pr_stale_versions": "AFTER INSERT ON disclosure_versions BEGIN "
                         f"{_stale_update('SELECT decision_id FROM disclosures WHERE id = NEW.disclosure_id')}; END",
}

_BY_ID = "(SELECT DISTINCT unnest({ids}) AS id) x CROSS JOIN LATERAL ({select} OFFSET 0) v"


def _pg_refresh(select: str) -> str:
    return f"""
CREATE OR REPLACE FUNCTION public_search_refresh(ids integer[]) RETURNS void LANGUAGE plpgsql
SET enable_seqscan = off SET jit = off AS $$
DECLARE
    present integer[];
    gone integer[];
BEGIN
    IF ids IS NULL OR cardinality(ids) = 0 THEN
        RETURN;
    END IF;
    WITH up AS (
        INSERT INTO public_search ({", ".join(COLUMNS)})
        SELECT {", ".join(f"v.{c}" for c in COLUMNS)}
        FROM {_BY_ID.format(ids="ids", select=select)}
        ON CONFLICT (decision_id) DO UPDATE SET {", ".join(f"{c} = EXCLUDED.{c}" for c in COLUMNS[1:])}
        RETURNING decision_id
    )
    SELECT COALESCE(array_agg(decision_id), '{{}}') INTO present FROM up;
    gone := ARRAY(SELECT unnest(ids) EXCEPT SELECT unnest(present));
    IF cardinality(gone) > 0 THEN
        DELETE FROM public_search WHERE decision_id = ANY(gone);
        DELETE FROM public_search_doc WHERE decision_id = ANY(gone);
    END IF;
    IF cardinality(present) > 0 THEN
        INSERT INTO public_search_doc (decision_id, doc)
        SELECT v.decision_id, v.doc FROM {_BY_ID.format(ids="present", select=select)}
        ON CONFLICT (decision_id) DO UPDATE SET doc = EXCLUDED.doc
        WHERE public_search_doc.doc IS DISTINCT FROM EXCLUDED.doc;
    END IF;
END $$;
"""


PG_RECORD_TRIGGERS = (
    ("pr_records_ins", "INSERT", "NEW TABLE AS changed"),
    ("pr_records_upd", "UPDATE", "OLD TABLE AS changed_before NEW TABLE AS changed"),
    ("pr_records_del", "DELETE", "OLD TABLE AS changed"),
)


def _pg_stale_function(name: str, ids: str) -> str:
    return f"""
CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    {_stale_update(ids)};
    RETURN NULL;
END $$;"""


def _reindex(dialect: str) -> None:
    """Recompute the index from the new view (empty until decisions are projected)."""
    cols = ", ".join(COLUMNS)
    op.execute("DELETE FROM public_search")
    op.execute("DELETE FROM public_search_doc")
    op.execute(f"INSERT INTO public_search ({cols}) SELECT {cols} FROM public_search_source")
    op.execute("INSERT INTO public_search_doc (decision_id, doc) SELECT decision_id, doc FROM public_search_source")
    if dialect == "sqlite":
        op.execute("INSERT INTO public_search_fts (public_search_fts) VALUES ('rebuild')")


def upgrade() -> None:
    op.create_table('public_records',
    sa.Column('decision_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('party_type', sa.String(length=20), nullable=False),
    sa.Column('party_name', sa.String(length=200), nullable=False),
    sa.Column('uscc', sa.String(length=18), nullable=False),
    sa.Column('violation', sa.Text(), nullable=False),
    sa.Column('facts', sa.Text(), nullable=False),
    sa.Column('legal_basis', sa.Text(), nullable=False),
    sa.Column('conclusion', sa.Text(), nullable=False),
    sa.Column('discretion_statement', sa.Text(), nullable=False),
    sa.Column('public_explanation', sa.Text(), nullable=False),
    sa.Column('history', sa.Text(), nullable=False),
    sa.Column('held_reason', sa.String(length=500), nullable=True),
    sa.Column('projected_at', db.types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['decision_id'], ['decisions.id'], name=op.f('fk_public_records_decision_id_decisions')),
    sa.PrimaryKeyConstraint('decision_id', name=op.f('pk_public_records'))
    )
    with op.batch_alter_table('public_records', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_public_records_held_reason'), ['held_reason'], unique=False)

    dialect = op.get_bind().dialect.name
    op.execute("DROP VIEW IF EXISTS public_search_source")
    op.execute("CREATE VIEW public_search_source AS" + _source_select(dialect))
    if dialect == "sqlite":
        for name, body in SQLITE_TRIGGERS.items():
            op.execute(f"CREATE TRIGGER {name} {body}")
    else:
        op.execute(_pg_refresh(_source_select("postgresql", "x.id")))
        op.execute("""
CREATE FUNCTION ps_from_public_records() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        PERFORM public_search_refresh(ARRAY(SELECT decision_id FROM changed UNION SELECT decision_id FROM changed_before));
    ELSE
        PERFORM public_search_refresh(ARRAY(SELECT decision_id FROM changed));
    END IF;
    RETURN NULL;
END $$;""")
        for name, event, referencing in PG_RECORD_TRIGGERS:
            op.execute(f"CREATE TRIGGER {name} AFTER {event} ON public_records REFERENCING {referencing} "
                       "FOR EACH STATEMENT EXECUTE FUNCTION ps_from_public_records()")
        for table, (columns, ids) in STALE_SOURCES.items():
            op.execute(_pg_stale_function(f"pr_stale_{table}", ids))
            op.execute(f"CREATE TRIGGER pr_stale_{table} AFTER UPDATE OF {columns} ON {table} FOR EACH ROW "
                       f"EXECUTE FUNCTION pr_stale_{table}()")
        op.execute(_pg_stale_function("pr_stale_versions",
                                      "SELECT decision_id FROM disclosures WHERE id = NEW.disclosure_id"))
        op.execute("CREATE TRIGGER pr_stale_versions AFTER INSERT ON disclosure_versions FOR EACH ROW "
                   "EXECUTE FUNCTION pr_stale_versions()")
    _reindex(dialect)


def downgrade() -> None:
    """Back to the read-path redaction of 410ede7f7ec4: its view and refresh function, rebuilt from its own SQL."""
    import importlib

    previous = importlib.import_module("db.migrations.versions.20261122_410ede7f7ec4_public_search_index")
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for name in SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    else:
        for name, _event, _referencing in PG_RECORD_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name} ON public_records")
        op.execute("DROP FUNCTION IF EXISTS ps_from_public_records()")
        for table in (*STALE_SOURCES, "versions"):
            target = "disclosure_versions" if table == "versions" else table
            op.execute(f"DROP TRIGGER IF EXISTS pr_stale_{table} ON {target}")
            op.execute(f"DROP FUNCTION IF EXISTS pr_stale_{table}()")
        op.execute(previous.PG_REFRESH.replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION", 1))
    op.execute("DROP VIEW IF EXISTS public_search_source")
    op.execute(previous._source_view(dialect))
    _reindex(dialect)
    with op.batch_alter_table('public_records', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_public_records_held_reason'))
    op.drop_table('public_records')
