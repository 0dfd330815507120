"""case completeness: 案卷完整性 scores kept current on write

The supervisors' 案卷完整性 page loaded every decided case's full record and scored it in Python on each first read
after any new case event (47 s at 100,000 cases, ≈ 8 min projected at 1,000,000). This migration adds:

* ``case_completeness``: one row per decided case with its score, the number of missing items, the first of them and
  all of them, computed by db.completeness with domain.procedure.completeness; indexed for the lowest 50 (overall and
  per agency) and for the per-agency counts;
* ``case_completeness_certs``: the 执法证号 on each case's on-site steps, whose roster entry the score read;
* ``case_completeness_queue``: ids of decided cases whose row is stale, filled by the triggers below however rows
  are written (ORM, bulk COPY, import): a new step or correction, a review round or step, the decision (also when it
  is inserted or deleted), its penalty items, the case's own fields, its party, matter or agency (name or 救济途径
  becoming blank or not), and an officer whose certificate number a stored score names. Writes to a case without a
  decision queue nothing: it has no score until its decision is inserted, which queues it;
* ``summary_versions`` row 3: rises with every refresh that changed a row, and when an agency's short name (shown
  beside the scores) changes; the page caches per version.

The score reads no date but the recorded ones (no "today", no calendar), so nothing else can change it.
Every decided case is queued on upgrade; ``manage.py init`` (or ``manage.py refresh``) computes them.
The SQL is frozen here on purpose; later changes are new migrations.

Revision ID: 7d4b2e9c1a68
Revises: 7d4b2e9a1c30
Create Date: 2026-11-30 17:00:00
"""

import secrets
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '7d4b2e9c1a68'
down_revision: str | None = '7d4b2e9a1c30'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

QUEUE = "INSERT INTO case_completeness_queue (case_id)"
SQLITE_IGNORE = "INSERT OR IGNORE INTO case_completeness_queue (case_id)"
BUMP = "UPDATE summary_versions SET version = version + 1 WHERE id = 3;"
# Python's str.strip() removes exactly the characters for which str.isspace() is true: an agency's name or 救济途径
# counts for the score only as blank or not (domain.procedure: decision_fields), tested with the same set.
WHITESPACE = [c for c in range(0x110000) if chr(c).isspace()]
SQLITE_WS = f"char({', '.join(map(str, WHITESPACE))})"
PG_WS = " || ".join(f"chr({c})" for c in WHITESPACE)

# Columns of cases that CaseFacts is built from (db.events.build_case_facts), case_no for the page's list.
CASE_COLUMNS = ("case_no", "agency_id", "matter_id", "party_id", "procedure", "filed_on", "is_major", "major_reasons",
                "decision_extension_days", "facts")
PARTY_COLUMNS = ("name", "address", "party_type")
OFFICER_COLUMNS = ("name", "cert_no", "agency_id", "cert_valid_from", "cert_valid_to")
DECISION_COLUMNS = ("case_id", "decision_no", "decided_on", "category", "conclusion", "legal_basis", "fine_total")
REVIEW_COLUMNS = ("case_id", "round_no", "submitted_on", "reviewed_on", "outcome")


def _changed(columns: Sequence[str], distinct: str) -> str:
    return " OR ".join(f"OLD.{c} {distinct} NEW.{c}" for c in columns)


def _blank(value: str, sqlite: bool) -> str:
    if sqlite:
        return f"(trim(COALESCE({value}, ''), {SQLITE_WS}) = '')"
    return f"(btrim(COALESCE({value}, ''), {PG_WS}) = '')"


def _agency_blankness_changed(sqlite: bool) -> str:
    distinct = "IS NOT" if sqlite else "IS DISTINCT FROM"
    return " OR ".join(f"{_blank(f'OLD.{c}', sqlite)} {distinct} {_blank(f'NEW.{c}', sqlite)}"
                       for c in ("name", "remedy_channels"))


def _decided(case_id: str) -> str:
    """The case ``case_id`` if it has a decision: only decided cases have a score, and a decision's own insert queues
    its case with everything recorded before it."""
    return f"SELECT case_id FROM decisions WHERE case_id = {case_id}"


def _sqlite_triggers() -> dict[str, str]:
    q = SQLITE_IGNORE
    by_cert = "SELECT case_id FROM case_completeness_certs WHERE cert_no = {0}.cert_no"
    by_review = "SELECT d.case_id FROM legal_reviews r JOIN decisions d ON d.case_id = r.case_id WHERE r.id = {0}"
    by_case = "SELECT d.case_id FROM cases c JOIN decisions d ON d.case_id = c.id WHERE c.{0} = NEW.id"
    return {
        "cc_case_events_ai": f"AFTER INSERT ON case_events BEGIN {q} {_decided('NEW.case_id')}; END",
        "cc_review_steps_ai": f"AFTER INSERT ON review_steps BEGIN {q} {by_review.format('NEW.review_id')}; END",
        "cc_legal_reviews_ai": f"AFTER INSERT ON legal_reviews BEGIN {q} {_decided('NEW.case_id')}; END",
        "cc_legal_reviews_au": (f"AFTER UPDATE OF {', '.join(REVIEW_COLUMNS)} ON legal_reviews "
                                f"WHEN {_changed(REVIEW_COLUMNS, 'IS NOT')} "
                                f"BEGIN {q} {_decided('OLD.case_id')}; {q} {_decided('NEW.case_id')}; END"),
        "cc_legal_reviews_ad": f"AFTER DELETE ON legal_reviews BEGIN {q} {_decided('OLD.case_id')}; END",
        "cc_decisions_ai": f"AFTER INSERT ON decisions BEGIN {q} VALUES (NEW.case_id); END",
        "cc_decisions_au": (f"AFTER UPDATE OF {', '.join(DECISION_COLUMNS)} ON decisions "
                            f"WHEN {_changed(DECISION_COLUMNS, 'IS NOT')} "
                            f"BEGIN {q} VALUES (OLD.case_id); {q} VALUES (NEW.case_id); END"),
        "cc_decisions_ad": f"AFTER DELETE ON decisions BEGIN {q} VALUES (OLD.case_id); END",
        "cc_penalty_items_ai": (f"AFTER INSERT ON penalty_items BEGIN {q} SELECT case_id FROM decisions "
                                "WHERE id = NEW.decision_id; END"),
        "cc_penalty_items_au": (f"AFTER UPDATE OF decision_id ON penalty_items WHEN OLD.decision_id IS NOT NEW.decision_id "
                                f"BEGIN {q} SELECT case_id FROM decisions WHERE id IN (OLD.decision_id, NEW.decision_id); END"),
        "cc_penalty_items_ad": (f"AFTER DELETE ON penalty_items BEGIN {q} SELECT case_id FROM decisions "
                                "WHERE id = OLD.decision_id; END"),
        "cc_cases_au": (f"AFTER UPDATE OF {', '.join(CASE_COLUMNS)} ON cases WHEN {_changed(CASE_COLUMNS, 'IS NOT')} "
                        f"BEGIN {q} {_decided('NEW.id')}; END"),
        "cc_parties_au": (f"AFTER UPDATE OF {', '.join(PARTY_COLUMNS)} ON parties "
                          f"WHEN {_changed(PARTY_COLUMNS, 'IS NOT')} BEGIN {q} {by_case.format('party_id')}; END"),
        "cc_matters_au": (f"AFTER UPDATE OF category ON matters WHEN OLD.category IS NOT NEW.category "
                          f"BEGIN {q} {by_case.format('matter_id')}; END"),
        "cc_agencies_au": (f"AFTER UPDATE OF name, remedy_channels ON agencies "
                           f"WHEN {_agency_blankness_changed(True)} BEGIN {q} {by_case.format('agency_id')}; END"),
        "cc_agencies_short_name_au": ("AFTER UPDATE OF short_name ON agencies WHEN OLD.short_name IS NOT NEW.short_name "
                                      f"BEGIN {BUMP} END"),
        "cc_officers_ai": f"AFTER INSERT ON officers BEGIN {q} {by_cert.format('NEW')}; END",
        "cc_officers_au": (f"AFTER UPDATE OF {', '.join(OFFICER_COLUMNS)} ON officers "
                           f"WHEN {_changed(OFFICER_COLUMNS, 'IS NOT')} "
                           f"BEGIN {q} {by_cert.format('OLD')}; {q} {by_cert.format('NEW')}; END"),
        "cc_officers_ad": f"AFTER DELETE ON officers BEGIN {q} {by_cert.format('OLD')}; END",
    }


# Bulk writes (COPY of thousands of rows) queue their ids with one statement: statement triggers over the transition
# tables (PostgreSQL allows no column list on those, so any update queues). table → (events, the case ids of
# ``changed``).
PG_STATEMENT = {
    "case_events": (("ins",), "SELECT d.case_id FROM {0} e JOIN decisions d ON d.case_id = e.case_id"),
    "review_steps": (("ins",), "SELECT d.case_id FROM {0} s JOIN legal_reviews r ON r.id = s.review_id "
                               "JOIN decisions d ON d.case_id = r.case_id"),
    "legal_reviews": (("ins", "upd", "del"), "SELECT d.case_id FROM {0} r JOIN decisions d ON d.case_id = r.case_id"),
    "decisions": (("ins", "upd", "del"), "SELECT case_id FROM {0}"),
    "penalty_items": (("ins", "upd", "del"), "SELECT d.case_id FROM {0} i JOIN decisions d ON d.id = i.decision_id"),
}
PG_EVENT = {"ins": "INSERT", "upd": "UPDATE", "del": "DELETE"}


def _pg_statements() -> list[str]:
    out = []
    for table, (_events, ids) in PG_STATEMENT.items():
        out.append(f"""CREATE FUNCTION cc_queue_{table}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        {QUEUE} {ids.format('changed_before')} UNION {ids.format('changed')} ON CONFLICT DO NOTHING;
    ELSE
        {QUEUE} SELECT DISTINCT * FROM ({ids.format('changed')}) AS ids ON CONFLICT DO NOTHING;
    END IF;
    RETURN NULL;
END $$""")
    by_cert = "SELECT case_id FROM case_completeness_certs WHERE cert_no = {0}.cert_no ON CONFLICT DO NOTHING;"
    by_case = "SELECT d.case_id FROM cases c JOIN decisions d ON d.case_id = c.id WHERE c.{0} = NEW.id"
    row_functions = {
        "cc_queue_case": f"{QUEUE} {_decided('NEW.id')} ON CONFLICT DO NOTHING;",
        "cc_queue_party": f"{QUEUE} {by_case.format('party_id')} ON CONFLICT DO NOTHING;",
        "cc_queue_matter": f"{QUEUE} {by_case.format('matter_id')} ON CONFLICT DO NOTHING;",
        "cc_queue_agency": f"{QUEUE} {by_case.format('agency_id')} ON CONFLICT DO NOTHING;",
        "cc_bump_agency": BUMP,
        "cc_queue_officer": (f"IF TG_OP <> 'INSERT' THEN {QUEUE} {by_cert.format('OLD')} END IF; "
                             f"IF TG_OP <> 'DELETE' THEN {QUEUE} {by_cert.format('NEW')} END IF;"),
    }
    for name, body in row_functions.items():
        out.append(f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN {body} RETURN NULL; END $$")
    for table, (events, _ids) in PG_STATEMENT.items():
        for event in events:
            tables = {"ins": "NEW TABLE AS changed", "del": "OLD TABLE AS changed",
                      "upd": "OLD TABLE AS changed_before NEW TABLE AS changed"}[event]
            out.append(f"CREATE TRIGGER cc_{table}_{event} AFTER {PG_EVENT[event]} ON {table} REFERENCING {tables} "
                       f"FOR EACH STATEMENT EXECUTE FUNCTION cc_queue_{table}()")
    distinct = "IS DISTINCT FROM"
    out += [
        # Cases change one row at a time (and cases.chain_head on every event, which is left out).
        f"CREATE TRIGGER cc_cases_upd AFTER UPDATE OF {', '.join(CASE_COLUMNS)} ON cases FOR EACH ROW "
        f"WHEN ({_changed(CASE_COLUMNS, distinct)}) EXECUTE FUNCTION cc_queue_case()",
        f"CREATE TRIGGER cc_parties_upd AFTER UPDATE OF {', '.join(PARTY_COLUMNS)} ON parties FOR EACH ROW "
        f"WHEN ({_changed(PARTY_COLUMNS, distinct)}) EXECUTE FUNCTION cc_queue_party()",
        "CREATE TRIGGER cc_matters_upd AFTER UPDATE OF category ON matters FOR EACH ROW "
        "WHEN (OLD.category IS DISTINCT FROM NEW.category) EXECUTE FUNCTION cc_queue_matter()",
        "CREATE TRIGGER cc_agencies_upd AFTER UPDATE OF name, remedy_channels ON agencies FOR EACH ROW "
        f"WHEN ({_agency_blankness_changed(False)}) EXECUTE FUNCTION cc_queue_agency()",
        "CREATE TRIGGER cc_agencies_short_name_upd AFTER UPDATE OF short_name ON agencies FOR EACH ROW "
        "WHEN (OLD.short_name IS DISTINCT FROM NEW.short_name) EXECUTE FUNCTION cc_bump_agency()",
        "CREATE TRIGGER cc_officers_ins AFTER INSERT ON officers FOR EACH ROW EXECUTE FUNCTION cc_queue_officer()",
        f"CREATE TRIGGER cc_officers_upd AFTER UPDATE OF {', '.join(OFFICER_COLUMNS)} ON officers FOR EACH ROW "
        f"WHEN ({_changed(OFFICER_COLUMNS, distinct)}) EXECUTE FUNCTION cc_queue_officer()",
        "CREATE TRIGGER cc_officers_del AFTER DELETE ON officers FOR EACH ROW EXECUTE FUNCTION cc_queue_officer()",
    ]
    return out


PG_FUNCTIONS = (*(f"cc_queue_{t}" for t in PG_STATEMENT), "cc_queue_case", "cc_queue_party", "cc_queue_matter",
                "cc_queue_agency", "cc_bump_agency", "cc_queue_officer")
PG_TRIGGERS = (*((f"cc_{t}_{e}", t) for t, (events, _) in PG_STATEMENT.items() for e in events),
               ("cc_cases_upd", "cases"), ("cc_parties_upd", "parties"), ("cc_matters_upd", "matters"),
               ("cc_agencies_upd", "agencies"), ("cc_agencies_short_name_upd", "agencies"),
               ("cc_officers_ins", "officers"), ("cc_officers_upd", "officers"), ("cc_officers_del", "officers"))


def upgrade() -> None:
    op.create_table(
        'case_completeness',
        sa.Column('case_id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('agency_id', sa.Integer(), nullable=False),
        sa.Column('category', sa.String(length=20), nullable=False),
        sa.Column('procedure', sa.String(length=20), nullable=False),
        sa.Column('decided_on', sa.Date(), nullable=False),
        sa.Column('score', sa.Integer(), nullable=False),
        sa.Column('missing_count', sa.Integer(), nullable=False),
        sa.Column('first_missing', sa.Text(), nullable=False),
        sa.Column('missing', sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint('case_id', name=op.f('pk_case_completeness')),
    )
    op.create_index('ix_case_completeness_lowest', 'case_completeness',
                    ['score', sa.text('missing_count DESC'), sa.text('decided_on DESC'), 'case_id'], unique=False)
    op.create_index('ix_case_completeness_agency', 'case_completeness',
                    ['agency_id', 'score', sa.text('missing_count DESC'), sa.text('decided_on DESC'), 'case_id'],
                    unique=False)
    op.create_table(
        'case_completeness_certs',
        sa.Column('case_id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('cert_no', sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint('case_id', 'cert_no', name=op.f('pk_case_completeness_certs')),
        sqlite_with_rowid=False,
    )
    op.create_index(op.f('ix_case_completeness_certs_cert_no'), 'case_completeness_certs', ['cert_no'], unique=False)
    op.create_table(
        'case_completeness_queue',
        sa.Column('case_id', sa.Integer(), autoincrement=False, nullable=False),
        sa.PrimaryKeyConstraint('case_id', name=op.f('pk_case_completeness_queue')),
    )
    # A random start, as for the other rows: a recreated database never repeats a cached version.
    op.execute(f"INSERT INTO summary_versions (id, version) VALUES (3, {secrets.randbits(40)})")
    if op.get_bind().dialect.name == "sqlite":
        for name, body in _sqlite_triggers().items():
            op.execute(f"CREATE TRIGGER {name} {body}")
    else:
        for statement in _pg_statements():
            op.execute(statement)
    op.execute(f"{QUEUE} SELECT DISTINCT case_id FROM decisions")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name in _sqlite_triggers():
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    else:
        for name, table in PG_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
        for name in PG_FUNCTIONS:
            op.execute(f"DROP FUNCTION IF EXISTS {name}()")
    op.execute("DELETE FROM summary_versions WHERE id = 3")
    op.drop_table('case_completeness_queue')
    op.drop_index(op.f('ix_case_completeness_certs_cert_no'), table_name='case_completeness_certs')
    op.drop_table('case_completeness_certs')
    op.drop_index('ix_case_completeness_agency', table_name='case_completeness')
    op.drop_index('ix_case_completeness_lowest', table_name='case_completeness')
    op.drop_table('case_completeness')
