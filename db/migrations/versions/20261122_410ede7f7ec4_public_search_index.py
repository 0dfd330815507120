"""public search index

The public decision search must stay fast at 1,000,000 decisions (issue 3 item 2). Joining disclosures, decisions,
cases and parties to count and page the list took 10-30 s at that size on SQLite, so this migration adds:

* ``public_search``: one narrow row per decision the public may see (published, not withheld, not confidential, not
  a minor's), with the facets; the publication period is checked at query time;
* ``public_search_doc``: the searchable text (natural persons only by their masked name);
* ``public_search_source``: a view that computes both from the base tables — the ONE definition used by the
  triggers below and by db.search.rebuild_search_index;
* triggers that keep both tables in step with disclosures, decisions, cases, parties and penalty_items, so that the
  ORM, the bulk seeder (executemany / COPY) and the importer all fill the index without knowing about it;
* SQLite: an FTS5 table with the trigram tokenizer over public_search_doc (external content) and an fts5vocab table
  of its terms (used for 1–2 character queries, see db/search.py);
* PostgreSQL: the pg_trgm extension and a GIN trigram index on public_search_doc.doc.

The FTS5 tables, the vocab table and the trigram index are not in the SQLAlchemy metadata; db.migrate.include_name /
include_object keep them out of autogenerate and of the drift test. Existing rows are indexed on upgrade.

The SQL below is frozen on purpose (migrations must not change when application code does): the masked-name
expression repeats domain.redaction.mask_person_name and its compound surnames, and the listed statuses repeat
db.public.LISTED_STATUSES; tests/db/test_search.py checks both against the Python originals.

Revision ID: 410ede7f7ec4
Revises: c784ca873f75
Create Date: 2026-11-22 02:51:33.676072
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import db.types

revision: str = '410ede7f7ec4'
down_revision: str | None = 'c784ca873f75'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COMPOUND_SURNAMES = (
    "上官 东方 令狐 公孙 南宫 司徒 司马 呼延 夏侯 宇文 尉迟 慕容 欧阳 澹台 独孤 皇甫 端木 西门 诸葛 赫连 轩辕 长孙".split()
)
LISTED_STATUSES = ("已公示", "已更正", "已撤回")
WITHDRAWN = "已撤回"
NATURAL_PERSON = "自然人"

COLUMNS = ("decision_id", "agency_id", "category", "decided_on", "published_on", "expires_on", "status", "fine_total",
           "penalty_types")


def _masked_name(n: str) -> str:
    """SQL for domain.redaction.mask_person_name(n) with the default 某: 张伟 → 张某, 欧阳娜娜 → 欧阳某, 张某某 stays."""
    compound = ", ".join(f"'{s}'" for s in COMPOUND_SURNAMES)
    keep = f"(CASE WHEN length({n}) >= 3 AND substr({n}, 1, 2) IN ({compound}) THEN 2 ELSE 1 END)"
    return (
        f"(CASE WHEN {n} = '' THEN '' "
        f"WHEN length({n}) <= {keep} THEN (CASE WHEN {n} = '某' THEN {n} ELSE {n} || '某' END) "
        f"WHEN replace(substr({n}, {keep} + 1), '某', '') = '' THEN {n} "
        f"ELSE substr({n}, 1, {keep}) || '某' END)"
    )


def _source_select(dialect: str, key: str | None = None) -> str:
    """The one definition of an index row (the view, and the PostgreSQL refresh with ``key``: the row of one
    decision id, e.g. ``x.id`` of a LATERAL join)."""
    sqlite = dialect == "sqlite"
    sep = "char(31)" if sqlite else "chr(31)"
    false = "= 0" if sqlite else "IS FALSE"
    types = ("(SELECT group_concat(i.penalty_type, '|') FROM penalty_items i WHERE i.decision_id = d.id)" if sqlite
             else "(SELECT string_agg(i.penalty_type, '|' ORDER BY i.id) FROM penalty_items i WHERE i.decision_id = d.id)")
    listed = ", ".join(f"'{s}'" for s in LISTED_STATUSES)
    name = "trim(p.name)"
    doc = f" || {sep} || ".join((
        f"(CASE WHEN p.party_type = '{NATURAL_PERSON}' THEN {_masked_name(name)} ELSE {name} END)",
        "d.decision_no",
        f"(CASE WHEN p.party_type = '{NATURAL_PERSON}' THEN '' ELSE COALESCE(p.uscc, '') END)",
        "c.violation",
        "d.legal_basis",
        # A withdrawn decision's content is hidden on its tombstone, so it must not be findable by that content.
        f"(CASE WHEN s.status = '{WITHDRAWN}' THEN '' ELSE d.conclusion END)",
    ))
    # Two trailing separators: every character of the text then starts a trigram, which is what lets a 1–2
    # character query be answered from the trigram vocabulary (db/search.py).
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
WHERE s.status IN ({listed}) AND s.withheld_reason IS NULL AND s.published_on IS NOT NULL
  AND c.confidential {false} AND p.is_minor {false}{one}
"""


def _source_view(dialect: str) -> str:
    return "CREATE VIEW public_search_source AS" + _source_select(dialect)


def _refresh_sqlite(pred: str) -> str:
    """Statements that recompute the index rows of the decisions selected by ``pred`` (a condition on decision_id)."""
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


SQLITE_TRIGGERS = {
    # The insert trigger runs once per disclosure during a bulk seed: only the two inserts, nothing to delete.
    "ps_disclosures_ai": f"""AFTER INSERT ON disclosures BEGIN
    INSERT INTO public_search ({", ".join(COLUMNS)}) SELECT {", ".join(COLUMNS)} FROM public_search_source
        WHERE decision_id = NEW.decision_id
        ON CONFLICT (decision_id) DO UPDATE SET {", ".join(f"{c} = excluded.{c}" for c in COLUMNS[1:])};
    INSERT INTO public_search_doc (decision_id, doc) SELECT decision_id, doc FROM public_search_source
        WHERE decision_id = NEW.decision_id
        ON CONFLICT (decision_id) DO UPDATE SET doc = excluded.doc WHERE doc IS NOT excluded.doc;
END""",
    "ps_disclosures_au": f"""AFTER UPDATE ON disclosures BEGIN{_refresh_sqlite("IN (OLD.decision_id, NEW.decision_id)")}
END""",
    "ps_disclosures_ad": f"""AFTER DELETE ON disclosures BEGIN{_refresh_sqlite("= OLD.decision_id")}
END""",
    "ps_decisions_au": f"""AFTER UPDATE OF decision_no, decided_on, category, conclusion, legal_basis, fine_total, case_id
    ON decisions BEGIN{_refresh_sqlite("IN (OLD.id, NEW.id)")}
END""",
    "ps_decisions_ad": f"""AFTER DELETE ON decisions BEGIN{_refresh_sqlite("= OLD.id")}
END""",
    "ps_cases_au": f"""AFTER UPDATE OF violation, confidential, agency_id, party_id ON cases BEGIN{
        _refresh_sqlite("IN (SELECT id FROM decisions WHERE case_id = NEW.id)")}
END""",
    "ps_parties_au": f"""AFTER UPDATE OF name, party_type, uscc, is_minor ON parties BEGIN{
        _refresh_sqlite("IN (SELECT d.id FROM decisions d JOIN cases c ON c.id = d.case_id WHERE c.party_id = NEW.id)")}
END""",
    # Penalty items change only the types column; during a seed they come before the disclosure, so there is no
    # row yet and the update does nothing.
    "ps_penalty_items_ai": """AFTER INSERT ON penalty_items BEGIN
    UPDATE public_search SET penalty_types = (SELECT penalty_types FROM public_search_source
        WHERE decision_id = NEW.decision_id) WHERE decision_id = NEW.decision_id;
END""",
    "ps_penalty_items_au": """AFTER UPDATE ON penalty_items BEGIN
    UPDATE public_search SET penalty_types = (SELECT penalty_types FROM public_search_source
        WHERE decision_id = public_search.decision_id) WHERE decision_id IN (OLD.decision_id, NEW.decision_id);
END""",
    "ps_penalty_items_ad": """AFTER DELETE ON penalty_items BEGIN
    UPDATE public_search SET penalty_types = (SELECT penalty_types FROM public_search_source
        WHERE decision_id = OLD.decision_id) WHERE decision_id = OLD.decision_id;
END""",
    # External-content FTS5: the index follows public_search_doc (the upsert's DO UPDATE fires the update trigger).
    "ps_doc_ai": """AFTER INSERT ON public_search_doc BEGIN
    INSERT INTO public_search_fts (rowid, doc) VALUES (NEW.decision_id, NEW.doc);
END""",
    "ps_doc_ad": """AFTER DELETE ON public_search_doc BEGIN
    INSERT INTO public_search_fts (public_search_fts, rowid, doc) VALUES ('delete', OLD.decision_id, OLD.doc);
END""",
    "ps_doc_au": """AFTER UPDATE ON public_search_doc BEGIN
    INSERT INTO public_search_fts (public_search_fts, rowid, doc) VALUES ('delete', OLD.decision_id, OLD.doc);
    INSERT INTO public_search_fts (rowid, doc) VALUES (NEW.decision_id, NEW.doc);
END""",
}

# The refresh looks rows up id by id: a LATERAL subquery fenced with OFFSET 0 is planned once as a lookup by
# decision id (primary and unique keys) and run for each id. A plain join let the planner start from disclosures when
# its statistics still described the nearly empty tables of a bulk load, and every 5,000-row COPY chunk then scanned
# all earlier rows (seconds per chunk at 20,000 cases, growing). JIT is off: it only adds compile time to these
# small statements.
_BY_ID = "(SELECT DISTINCT unnest({ids}) AS id) x CROSS JOIN LATERAL ({select} OFFSET 0) v"
PG_REFRESH = f"""
CREATE FUNCTION public_search_refresh(ids integer[]) RETURNS void LANGUAGE plpgsql
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
        FROM {_BY_ID.format(ids="ids", select=_source_select("postgresql", "x.id"))}
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
        SELECT v.decision_id, v.doc FROM {_BY_ID.format(ids="present", select=_source_select("postgresql", "x.id"))}
        ON CONFLICT (decision_id) DO UPDATE SET doc = EXCLUDED.doc
        WHERE public_search_doc.doc IS DISTINCT FROM EXCLUDED.doc;
    END IF;
END $$;
"""

# Statement-level: one COPY of 5,000 disclosures refreshes the index with one set-based statement instead of 5,000.
# Each function reads the transition table "changed" (and "changed_before" for updates), as in the PostgreSQL manual's
# emp_audit example. function name → the id column of its table
PG_STATEMENT_FUNCTIONS = {
    "ps_from_disclosures": "decision_id",
    "ps_from_decisions": "id",
    "ps_from_penalty_items": "decision_id",
}
PG_STATEMENT_TRIGGERS = (
    # name, event, table, function, REFERENCING clause
    ("ps_disclosures_ins", "INSERT", "disclosures", "ps_from_disclosures", "NEW TABLE AS changed"),
    ("ps_disclosures_upd", "UPDATE", "disclosures", "ps_from_disclosures",
     "OLD TABLE AS changed_before NEW TABLE AS changed"),
    ("ps_disclosures_del", "DELETE", "disclosures", "ps_from_disclosures", "OLD TABLE AS changed"),
    ("ps_decisions_upd", "UPDATE", "decisions", "ps_from_decisions",
     "OLD TABLE AS changed_before NEW TABLE AS changed"),
    ("ps_decisions_del", "DELETE", "decisions", "ps_from_decisions", "OLD TABLE AS changed"),
    ("ps_penalty_items_ins", "INSERT", "penalty_items", "ps_from_penalty_items", "NEW TABLE AS changed"),
    ("ps_penalty_items_upd", "UPDATE", "penalty_items", "ps_from_penalty_items",
     "OLD TABLE AS changed_before NEW TABLE AS changed"),
    ("ps_penalty_items_del", "DELETE", "penalty_items", "ps_from_penalty_items", "OLD TABLE AS changed"),
)
# Cases and parties change one row at a time (and cases.chain_head on every recorded event), so these are row
# triggers limited to the columns the index reads.
PG_ROW_TRIGGERS = (
    ("ps_cases_upd", "violation, confidential, agency_id, party_id", "cases",
     "SELECT id FROM decisions WHERE case_id = NEW.id"),
    ("ps_parties_upd", "name, party_type, uscc, is_minor", "parties",
     "SELECT d.id FROM decisions d JOIN cases c ON c.id = d.case_id WHERE c.party_id = NEW.id"),
)


def _upgrade_sqlite() -> None:
    op.execute(_source_view("sqlite"))
    cols = ", ".join(COLUMNS)
    op.execute(f"INSERT INTO public_search ({cols}) SELECT {cols} FROM public_search_source")
    op.execute("INSERT INTO public_search_doc (decision_id, doc) SELECT decision_id, doc FROM public_search_source")
    # detail=full keeps trigram positions, so a term is an exact phrase MATCH answered by the index alone; with
    # detail=none every candidate row had to be re-read and re-checked with LIKE, 3–5x slower for broad terms at
    # 1M rows. columnsize=0: no per-row size table (only used for ranking, which the list does not do).
    op.execute("CREATE VIRTUAL TABLE public_search_fts USING fts5(doc, content='public_search_doc', "
               "content_rowid='decision_id', tokenize='trigram', columnsize=0)")
    op.execute("INSERT INTO public_search_fts (public_search_fts) VALUES ('rebuild')")
    op.execute("CREATE VIRTUAL TABLE public_search_vocab USING fts5vocab(public_search_fts, 'row')")
    for name, body in SQLITE_TRIGGERS.items():
        op.execute(f"CREATE TRIGGER {name} {body}")
    # Statistics for the new indexes: without them the planner walks the wrong index on an upgraded large database.
    op.execute("ANALYZE public_search")


def _upgrade_postgresql() -> None:
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    op.execute(_source_view("postgresql"))
    cols = ", ".join(COLUMNS)
    op.execute(f"INSERT INTO public_search ({cols}) SELECT {cols} FROM public_search_source")
    op.execute("INSERT INTO public_search_doc (decision_id, doc) SELECT decision_id, doc FROM public_search_source")
    op.execute("CREATE INDEX ix_public_search_doc_trgm ON public_search_doc USING gin (doc gin_trgm_ops)")
    op.execute(PG_REFRESH)
    for function, column in PG_STATEMENT_FUNCTIONS.items():
        op.execute(f"""
CREATE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        PERFORM public_search_refresh(ARRAY(SELECT {column} FROM changed UNION SELECT {column} FROM changed_before));
    ELSE
        PERFORM public_search_refresh(ARRAY(SELECT {column} FROM changed));
    END IF;
    RETURN NULL;
END $$;""")
    for name, event, table, function, referencing in PG_STATEMENT_TRIGGERS:
        op.execute(f"CREATE TRIGGER {name} AFTER {event} ON {table} REFERENCING {referencing} "
                   f"FOR EACH STATEMENT EXECUTE FUNCTION {function}()")
    for name, columns, table, ids in PG_ROW_TRIGGERS:
        op.execute(f"""
CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM public_search_refresh(ARRAY({ids}));
    RETURN NULL;
END $$;""")
        op.execute(f"CREATE TRIGGER {name} AFTER UPDATE OF {columns} ON {table} FOR EACH ROW "
                   f"EXECUTE FUNCTION {name}()")


def upgrade() -> None:
    op.create_table('public_search',
    sa.Column('decision_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('category', sa.String(length=20), nullable=False),
    sa.Column('decided_on', sa.Date(), nullable=False),
    sa.Column('published_on', sa.Date(), nullable=True),
    sa.Column('expires_on', sa.Date(), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('fine_total', db.types.Money(), nullable=True),
    sa.Column('penalty_types', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('decision_id', name=op.f('pk_public_search'))
    )
    with op.batch_alter_table('public_search', schema=None) as batch_op:
        batch_op.create_index('ix_public_search_decided_on', ['decided_on', 'published_on', 'expires_on', 'status', 'agency_id', 'category', 'fine_total', 'penalty_types'], unique=False)
        batch_op.create_index('ix_public_search_fine_total', ['fine_total', 'published_on', 'decided_on', 'expires_on', 'status', 'agency_id', 'category', 'penalty_types'], unique=False)
        batch_op.create_index('ix_public_search_published_on', ['published_on', 'decided_on', 'expires_on', 'status', 'agency_id', 'category', 'fine_total', 'penalty_types'], unique=False)

    op.create_table('public_search_doc',
    sa.Column('decision_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('doc', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('decision_id', name=op.f('pk_public_search_doc'))
    )
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        _upgrade_sqlite()
    elif dialect == "postgresql":
        _upgrade_postgresql()
    else:  # pragma: no cover - db.engine accepts only these two
        raise NotImplementedError(dialect)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for name in SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute("DROP TABLE IF EXISTS public_search_vocab")
        op.execute("DROP TABLE IF EXISTS public_search_fts")
    else:
        for name, _event, table, _function, _referencing in PG_STATEMENT_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
        for name, _columns, table, _ids in PG_ROW_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
            op.execute(f"DROP FUNCTION IF EXISTS {name}()")
        for function in PG_STATEMENT_FUNCTIONS:
            op.execute(f"DROP FUNCTION IF EXISTS {function}()")
        op.execute("DROP FUNCTION IF EXISTS public_search_refresh(integer[])")
        # pg_trgm stays: other objects may use it, and CREATE EXTENSION IF NOT EXISTS makes upgrade idempotent.
    op.execute("DROP VIEW IF EXISTS public_search_source")
    op.drop_table('public_search_doc')
    with op.batch_alter_table('public_search', schema=None) as batch_op:
        batch_op.drop_index('ix_public_search_published_on')
        batch_op.drop_index('ix_public_search_fine_total')
        batch_op.drop_index('ix_public_search_decided_on')

    op.drop_table('public_search')
