"""decision facts: per-decision statistics kept current on write; summary versions

The annual data, the disclosure clock and the supervision overview aggregated every decision in Python on each cold
page run (24–40 s at 1,000,000 decisions, issue 14). This migration adds:

* ``decision_facts``: one narrow row per decision with what those pages count (deadline, lateness at publication,
  annual-report column, amount …), computed in Python by db.summaries because working days with 调休 cannot be
  computed in SQL;
* ``decision_facts_queue``: ids of decisions whose row is stale, filled by the triggers below however rows are
  written (ORM, bulk COPY, import), including every decision whose deadline window contains an entered or removed
  calendar day, or that touches a year declared official;
* ``summary_versions``: row 1 rises whenever db.summaries changes a fact (and with every calendar entry), row 2 with
  every write to what the case-record aggregates (completeness scores, review board) read that no append-only id
  reveals; pages cache per version;
* ``ix_cases_agency_id_filed_on``: which agencies have case data in a year, one probe per agency.

Every existing decision is queued on upgrade; ``manage.py init`` (or ``manage.py refresh``) computes them.
The SQL is frozen here on purpose; later changes are new migrations.

Revision ID: 5e7c2a9d4f61
Revises: 5e7c1a9b3d24
Create Date: 2026-11-30 13:40:00
"""

import secrets
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import db.types

revision: str = '5e7c2a9d4f61'
down_revision: str | None = '5e7c1a9b3d24'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

QUEUE = "INSERT INTO decision_facts_queue (decision_id)"
SQLITE_IGNORE = "INSERT OR IGNORE INTO decision_facts_queue (decision_id)"
# A calendar entry also changes how late an unpublished decision is today, which no stored row holds: the version the
# pages cache by rises with it.
BUMP = "UPDATE summary_versions SET version = version + 1 WHERE id = 1;"
BUMP_RECORDS = "UPDATE summary_versions SET version = version + 1 WHERE id = 2;"
# table → columns whose change moves a case-record aggregate (None: any change). Case events, review rounds and
# review steps are append-only: their largest id is part of the cache key instead. cases.chain_head changes with
# every event and is left out.
RECORD_SOURCES = {
    "cases": ("is_major", "major_reasons", "agency_id", "party_id", "matter_id", "procedure", "filed_on",
              "decision_extension_days", "facts", "case_no"),
    "decisions": None,
    "penalty_items": None,
    "parties": None,
    "agencies": None,
    "matters": None,
    "officers": None,
    "major_review_rules": None,
}


def _calendar_day_ids(day: str) -> str:
    """Decisions whose stored facts count the working day ``day``: their deadline window (decided_on, deadline] or
    their lateness window (deadline, published_on] contains it."""
    return (f"SELECT decision_id FROM decision_facts WHERE decided_on < {day} "
            f"AND (deadline >= {day} OR published_on >= {day})")


def _calendar_year_ids(first: str, last: str) -> str:
    """Decisions whose deadline window touches the year from ``first`` to ``last`` (its 暂定 mark may change)."""
    return f"SELECT decision_id FROM decision_facts WHERE decided_on < {last} AND deadline >= {first}"


def _sqlite_triggers() -> dict[str, str]:
    by_case = "SELECT id FROM decisions WHERE case_id = NEW.id"
    by_party = "SELECT d.id FROM decisions d JOIN cases c ON c.id = d.case_id WHERE c.party_id = NEW.id"
    year = "printf('%04d-01-01', {0}.year)", "printf('%04d-12-31', {0}.year)"
    triggers = {
        "df_decisions_ai": f"AFTER INSERT ON decisions BEGIN {SQLITE_IGNORE} VALUES (NEW.id); END",
        "df_decisions_au": ("AFTER UPDATE OF case_id, decided_on, category, conclusion, fine_total, confiscation_total, "
                            f"unreviewed_major ON decisions BEGIN {SQLITE_IGNORE} VALUES (OLD.id); "
                            f"{SQLITE_IGNORE} VALUES (NEW.id); END"),
        "df_decisions_ad": f"AFTER DELETE ON decisions BEGIN {SQLITE_IGNORE} VALUES (OLD.id); END",
        "df_disclosures_ai": f"AFTER INSERT ON disclosures BEGIN {SQLITE_IGNORE} VALUES (NEW.decision_id); END",
        "df_disclosures_au": ("AFTER UPDATE OF decision_id, status, published_on, withheld_reason ON disclosures "
                              f"BEGIN {SQLITE_IGNORE} VALUES (OLD.decision_id); "
                              f"{SQLITE_IGNORE} VALUES (NEW.decision_id); END"),
        "df_disclosures_ad": f"AFTER DELETE ON disclosures BEGIN {SQLITE_IGNORE} VALUES (OLD.decision_id); END",
        "df_penalty_items_ai": f"AFTER INSERT ON penalty_items BEGIN {SQLITE_IGNORE} VALUES (NEW.decision_id); END",
        "df_penalty_items_au": (f"AFTER UPDATE ON penalty_items BEGIN {SQLITE_IGNORE} VALUES (OLD.decision_id); "
                                f"{SQLITE_IGNORE} VALUES (NEW.decision_id); END"),
        "df_penalty_items_ad": f"AFTER DELETE ON penalty_items BEGIN {SQLITE_IGNORE} VALUES (OLD.decision_id); END",
        "df_cases_au": f"AFTER UPDATE OF agency_id, party_id ON cases BEGIN {SQLITE_IGNORE} {by_case}; END",
        "df_parties_au": f"AFTER UPDATE OF party_type ON parties BEGIN {SQLITE_IGNORE} {by_party}; END",
        "df_calendar_days_ai": (f"AFTER INSERT ON calendar_days BEGIN {SQLITE_IGNORE} {_calendar_day_ids('NEW.day')}; "
                                f"{BUMP} END"),
        "df_calendar_days_au": (f"AFTER UPDATE ON calendar_days BEGIN {SQLITE_IGNORE} {_calendar_day_ids('OLD.day')}; "
                                f"{SQLITE_IGNORE} {_calendar_day_ids('NEW.day')}; {BUMP} END"),
        "df_calendar_days_ad": (f"AFTER DELETE ON calendar_days BEGIN {SQLITE_IGNORE} {_calendar_day_ids('OLD.day')}; "
                                f"{BUMP} END"),
    }
    for table, columns in RECORD_SOURCES.items():
        # An inserted decision or penalty item raises the facts version already; a new case may be a major one.
        events = ("UPDATE", "DELETE") if table in ("decisions", "penalty_items") else ("INSERT", "UPDATE", "DELETE")
        for event in events:
            of = f" OF {', '.join(columns)}" if columns and event == "UPDATE" else ""
            triggers[f"sv_{table}_a{event[0].lower()}"] = f"AFTER {event}{of} ON {table} BEGIN {BUMP_RECORDS} END"
    for event, row in (("INSERT", "NEW"), ("UPDATE", "NEW"), ("DELETE", "OLD")):
        first, last = (y.format(row) for y in year)
        triggers[f"df_calendar_years_a{event[0].lower()}"] = (
            f"AFTER {event} ON calendar_years BEGIN {SQLITE_IGNORE} {_calendar_year_ids(first, last)}; {BUMP} END")
    return triggers


# Bulk writes (COPY of thousands of rows) queue their ids with one statement: statement triggers over the transition
# tables. PostgreSQL does not allow a column list on a trigger with transition tables, so any update queues.
PG_STATEMENT = {"decisions": "id", "disclosures": "decision_id", "penalty_items": "decision_id"}


def _pg_statements() -> list[str]:
    out = []
    for table, column in PG_STATEMENT.items():
        out.append(f"""CREATE FUNCTION df_queue_{table}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        {QUEUE} SELECT {column} FROM changed_before UNION SELECT {column} FROM changed ON CONFLICT DO NOTHING;
    ELSE
        {QUEUE} SELECT DISTINCT {column} FROM changed ON CONFLICT DO NOTHING;
    END IF;
    RETURN NULL;
END $$""")
        out.append(f"CREATE TRIGGER df_{table}_ins AFTER INSERT ON {table} REFERENCING NEW TABLE AS changed "
                   f"FOR EACH STATEMENT EXECUTE FUNCTION df_queue_{table}()")
        out.append(f"CREATE TRIGGER df_{table}_upd AFTER UPDATE ON {table} "
                   "REFERENCING OLD TABLE AS changed_before NEW TABLE AS changed "
                   f"FOR EACH STATEMENT EXECUTE FUNCTION df_queue_{table}()")
        out.append(f"CREATE TRIGGER df_{table}_del AFTER DELETE ON {table} REFERENCING OLD TABLE AS changed "
                   f"FOR EACH STATEMENT EXECUTE FUNCTION df_queue_{table}()")
    # Cases change one row at a time (and cases.chain_head on every event), so these are row triggers on the columns
    # the facts read.
    row_functions = {
        "df_queue_case": f"{QUEUE} SELECT id FROM decisions WHERE case_id = NEW.id ON CONFLICT DO NOTHING;",
        "df_queue_party": (f"{QUEUE} SELECT d.id FROM decisions d JOIN cases c ON c.id = d.case_id "
                           "WHERE c.party_id = NEW.id ON CONFLICT DO NOTHING;"),
        "df_queue_calendar_day": (
            "IF TG_OP <> 'INSERT' THEN "
            f"{QUEUE} {_calendar_day_ids('OLD.day')} ON CONFLICT DO NOTHING; END IF; "
            "IF TG_OP <> 'DELETE' THEN "
            f"{QUEUE} {_calendar_day_ids('NEW.day')} ON CONFLICT DO NOTHING; END IF; {BUMP}"),
        "df_queue_calendar_year": (
            "IF TG_OP <> 'INSERT' THEN "
            f"{QUEUE} {_calendar_year_ids('make_date(OLD.year, 1, 1)', 'make_date(OLD.year, 12, 31)')} "
            "ON CONFLICT DO NOTHING; END IF; "
            "IF TG_OP <> 'DELETE' THEN "
            f"{QUEUE} {_calendar_year_ids('make_date(NEW.year, 1, 1)', 'make_date(NEW.year, 12, 31)')} "
            f"ON CONFLICT DO NOTHING; END IF; {BUMP}"),
    }
    for name, body in row_functions.items():
        out.append(f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN {body} RETURN NULL; END $$")
    out.append("CREATE FUNCTION sv_records_bump() RETURNS trigger LANGUAGE plpgsql AS $$ "
               f"BEGIN {BUMP_RECORDS} RETURN NULL; END $$")
    for table, columns in RECORD_SOURCES.items():
        events = "UPDATE OR DELETE" if table in ("decisions", "penalty_items") else "INSERT OR UPDATE OR DELETE"
        if columns:
            events = events.replace("UPDATE", f"UPDATE OF {', '.join(columns)}")
        out.append(f"CREATE TRIGGER sv_{table} AFTER {events} ON {table} "
                   "FOR EACH STATEMENT EXECUTE FUNCTION sv_records_bump()")
    out += [
        "CREATE TRIGGER df_cases_upd AFTER UPDATE OF agency_id, party_id ON cases "
        "FOR EACH ROW EXECUTE FUNCTION df_queue_case()",
        "CREATE TRIGGER df_parties_upd AFTER UPDATE OF party_type ON parties "
        "FOR EACH ROW EXECUTE FUNCTION df_queue_party()",
        "CREATE TRIGGER df_calendar_days AFTER INSERT OR UPDATE OR DELETE ON calendar_days "
        "FOR EACH ROW EXECUTE FUNCTION df_queue_calendar_day()",
        "CREATE TRIGGER df_calendar_years AFTER INSERT OR UPDATE OR DELETE ON calendar_years "
        "FOR EACH ROW EXECUTE FUNCTION df_queue_calendar_year()",
    ]
    return out


PG_FUNCTIONS = (*(f"df_queue_{t}" for t in PG_STATEMENT), "df_queue_case", "df_queue_party", "df_queue_calendar_day",
                "df_queue_calendar_year", "sv_records_bump")
PG_TRIGGERS = (*((f"df_{t}_{e}", t) for t in PG_STATEMENT for e in ("ins", "upd", "del")),
               ("df_cases_upd", "cases"), ("df_parties_upd", "parties"), ("df_calendar_days", "calendar_days"),
               ("df_calendar_years", "calendar_years"), *((f"sv_{t}", t) for t in RECORD_SOURCES))


def upgrade() -> None:
    op.create_table(
        'decision_facts',
        sa.Column('decision_id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('agency_id', sa.Integer(), nullable=False),
        sa.Column('category', sa.String(length=20), nullable=False),
        sa.Column('decided_on', sa.Date(), nullable=False),
        sa.Column('disclosed', sa.Boolean(), nullable=False),
        sa.Column('withheld', sa.Boolean(), nullable=False),
        sa.Column('deadline', sa.Date(), nullable=True),
        sa.Column('provisional', sa.Boolean(), nullable=False),
        sa.Column('published_on', sa.Date(), nullable=True),
        sa.Column('late_workdays', sa.Integer(), nullable=False),
        sa.Column('unreviewed_major', sa.Boolean(), nullable=False),
        sa.Column('natural_person', sa.Boolean(), nullable=False),
        sa.Column('report_column', sa.String(length=80), nullable=False),
        sa.Column('amount', db.types.Money(), nullable=False),
        sa.PrimaryKeyConstraint('decision_id', name=op.f('pk_decision_facts')),
    )
    op.create_index('ix_decision_facts_annual', 'decision_facts',
                    ['decided_on', 'agency_id', 'report_column', 'natural_person', 'amount'], unique=False)
    op.create_index('ix_decision_facts_late', 'decision_facts', ['late_workdays', 'decided_on'], unique=False)
    op.create_index('ix_decision_facts_unpublished', 'decision_facts', ['published_on', 'deadline'], unique=False)
    op.create_table(
        'decision_facts_queue',
        sa.Column('decision_id', sa.Integer(), autoincrement=False, nullable=False),
        sa.PrimaryKeyConstraint('decision_id', name=op.f('pk_decision_facts_queue')),
    )
    op.create_table(
        'summary_versions',
        sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('version', sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_summary_versions')),
    )
    # A random start, as for public_data_version: a recreated database never repeats a cached version.
    op.execute(f"INSERT INTO summary_versions (id, version) VALUES (1, {secrets.randbits(40)}), "
               f"(2, {secrets.randbits(40)})")
    op.create_index('ix_cases_agency_id_filed_on', 'cases', ['agency_id', 'filed_on'], unique=False)
    if op.get_bind().dialect.name == "sqlite":
        for name, body in _sqlite_triggers().items():
            op.execute(f"CREATE TRIGGER {name} {body}")
    else:
        for statement in _pg_statements():
            op.execute(statement)
    op.execute(f"{QUEUE} SELECT id FROM decisions")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name in _sqlite_triggers():
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    else:
        for name, table in PG_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
        for name in PG_FUNCTIONS:
            op.execute(f"DROP FUNCTION IF EXISTS {name}()")
    op.drop_index('ix_cases_agency_id_filed_on', table_name='cases')
    op.drop_table('summary_versions')
    op.drop_table('decision_facts_queue')
    op.drop_index('ix_decision_facts_unpublished', table_name='decision_facts')
    op.drop_index('ix_decision_facts_late', table_name='decision_facts')
    op.drop_index('ix_decision_facts_annual', table_name='decision_facts')
    op.drop_table('decision_facts')
