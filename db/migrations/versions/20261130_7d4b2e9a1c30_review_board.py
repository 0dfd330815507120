"""review board: the legal-review status board per major case, kept current on write

The supervisors' 执法监督概览 and the public 法制审核情况 loaded every major case (≈ 275,000 at 1,000,000 cases) with
its review rounds and computed status, approval, overdue and working days in review in Python whenever a write
changed the cache key (18.7 s cold at 1,000,000 cases). This migration adds:

* ``review_board``: one row per major case (``cases.is_major``, or a decision marked 未经法制审核) with what does not
  depend on today, computed by db.board with the domain rules (working days with 调休): status, rounds, approval,
  violation, the working days in review of a closed case, whether a concluded round was overdue; and for the read,
  ``open_since`` (a case still in review counts until today) and ``open_due`` (a running clock is overdue once today
  passes it); ``window_from``/``window_to`` bound the working days the stored dates were counted over;
* ``review_board_queue``: ids of cases whose row may be stale, filled by the triggers below however rows are written
  (ORM, bulk COPY, import): a case's major flag, reasons, agency or number; its decision; its review rounds and
  steps; every row with rounds of an agency whose review time limit changes; every row whose window holds an entered
  or removed calendar day;
* ``summary_versions`` row 4, raised by db.board with every refreshed row and by the triggers with every calendar
  entry (today's open durations count working days), every declared year and every renamed agency (the board names
  agencies when read): the board caches are keyed by it.

Every major case is queued on upgrade; ``manage.py init`` (or ``manage.py refresh``) computes them.
The SQL is frozen here on purpose; later changes are new migrations.

Revision ID: 7d4b2e9a1c30
Revises: 5e7c2a9d4f61
Create Date: 2026-11-30 18:00:00
"""

import secrets
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '7d4b2e9a1c30'
down_revision: str | None = '5e7c2a9d4f61'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

VERSION_ROW = 4
QUEUE = "INSERT INTO review_board_queue (case_id)"
SQLITE_IGNORE = "INSERT OR IGNORE INTO review_board_queue (case_id)"
BUMP = f"UPDATE summary_versions SET version = version + 1 WHERE id = {VERSION_ROW};"
CASE_COLUMNS = "is_major, major_reasons, agency_id, case_no"
DECISION_COLUMNS = "case_id, decision_no, decided_on, unreviewed_major"
ROUND_COLUMNS = "case_id, round_no, submitted_on, reviewed_on, outcome"
RULE_COLUMNS = "agency_id, review_workdays, review_extension_workdays"


def _on_board(case_id: str) -> str:
    return f"EXISTS (SELECT 1 FROM review_board WHERE case_id = {case_id})"


def _rule_ids(agency_id: str) -> str:
    """Rows with review rounds of the agency: their due dates follow its time limit."""
    return f"SELECT case_id FROM review_board WHERE agency_id = {agency_id} AND rounds > 0"


def _calendar_day_ids(day: str) -> str:
    """Rows whose stored dates count the working day ``day``: it lies in (window_from, window_to]."""
    return f"SELECT case_id FROM review_board WHERE window_from < {day} AND window_to >= {day}"


def _round_case(review_id: str) -> str:
    return f"SELECT case_id FROM legal_reviews WHERE id = {review_id}"


def _sqlite_triggers() -> dict[str, str]:
    q = SQLITE_IGNORE
    triggers = {
        "rb_cases_ai": f"AFTER INSERT ON cases WHEN NEW.is_major BEGIN {q} VALUES (NEW.id); END",
        "rb_cases_au": (f"AFTER UPDATE OF {CASE_COLUMNS} ON cases WHEN NEW.is_major OR OLD.is_major OR "
                        f"{_on_board('NEW.id')} BEGIN {q} VALUES (NEW.id); END"),
        "rb_cases_ad": (f"AFTER DELETE ON cases WHEN OLD.is_major OR {_on_board('OLD.id')} "
                        f"BEGIN {q} VALUES (OLD.id); END"),
        "rb_decisions_ai": ("AFTER INSERT ON decisions WHEN NEW.unreviewed_major OR EXISTS (SELECT 1 FROM cases "
                            f"WHERE id = NEW.case_id AND is_major) BEGIN {q} VALUES (NEW.case_id); END"),
        "rb_decisions_au": (f"AFTER UPDATE OF {DECISION_COLUMNS} ON decisions BEGIN {q} VALUES (OLD.case_id); "
                            f"{q} VALUES (NEW.case_id); END"),
        "rb_decisions_ad": f"AFTER DELETE ON decisions BEGIN {q} VALUES (OLD.case_id); END",
        "rb_legal_reviews_ai": f"AFTER INSERT ON legal_reviews BEGIN {q} VALUES (NEW.case_id); END",
        "rb_legal_reviews_au": (f"AFTER UPDATE OF {ROUND_COLUMNS} ON legal_reviews BEGIN {q} VALUES (OLD.case_id); "
                                f"{q} VALUES (NEW.case_id); END"),
        "rb_legal_reviews_ad": f"AFTER DELETE ON legal_reviews BEGIN {q} VALUES (OLD.case_id); END",
        "rb_review_steps_ai": f"AFTER INSERT ON review_steps BEGIN {q} {_round_case('NEW.review_id')}; END",
        "rb_review_steps_au": (f"AFTER UPDATE ON review_steps BEGIN {q} {_round_case('OLD.review_id')}; "
                               f"{q} {_round_case('NEW.review_id')}; END"),
        "rb_review_steps_ad": f"AFTER DELETE ON review_steps BEGIN {q} {_round_case('OLD.review_id')}; END",
        "rb_major_review_rules_ai": f"AFTER INSERT ON major_review_rules BEGIN {q} {_rule_ids('NEW.agency_id')}; END",
        "rb_major_review_rules_au": (f"AFTER UPDATE OF {RULE_COLUMNS} ON major_review_rules "
                                     f"BEGIN {q} {_rule_ids('OLD.agency_id')}; {q} {_rule_ids('NEW.agency_id')}; END"),
        "rb_major_review_rules_ad": f"AFTER DELETE ON major_review_rules BEGIN {q} {_rule_ids('OLD.agency_id')}; END",
        "rb_calendar_days_ai": f"AFTER INSERT ON calendar_days BEGIN {q} {_calendar_day_ids('NEW.day')}; {BUMP} END",
        "rb_calendar_days_au": (f"AFTER UPDATE ON calendar_days BEGIN {q} {_calendar_day_ids('OLD.day')}; "
                                f"{q} {_calendar_day_ids('NEW.day')}; {BUMP} END"),
        "rb_calendar_days_ad": f"AFTER DELETE ON calendar_days BEGIN {q} {_calendar_day_ids('OLD.day')}; {BUMP} END",
        # A declared year changes only 暂定 marks, which the board does not show; the version rises all the same.
        "rb_calendar_years_ai": f"AFTER INSERT ON calendar_years BEGIN {BUMP} END",
        "rb_calendar_years_au": f"AFTER UPDATE ON calendar_years BEGIN {BUMP} END",
        "rb_calendar_years_ad": f"AFTER DELETE ON calendar_years BEGIN {BUMP} END",
        "rb_agencies_au": f"AFTER UPDATE OF short_name ON agencies BEGIN {BUMP} END",
        "rb_agencies_ad": f"AFTER DELETE ON agencies BEGIN {BUMP} END",
    }
    return triggers


# Bulk writes (COPY of thousands of rows) queue their ids with one statement: statement triggers over the transition
# tables for inserts and deletes. Updates are row triggers on the columns the board reads (PostgreSQL allows no
# column list on a trigger with transition tables).
def _pg_statements() -> list[str]:
    statement_bodies = {
        "rb_queue_cases_ins": f"{QUEUE} SELECT id FROM changed WHERE is_major ON CONFLICT DO NOTHING;",
        "rb_queue_cases_del": (f"{QUEUE} SELECT o.id FROM changed o WHERE o.is_major OR {_on_board('o.id')} "
                               "ON CONFLICT DO NOTHING;"),
        "rb_queue_decisions_ins": (f"{QUEUE} SELECT DISTINCT n.case_id FROM changed n JOIN cases c ON c.id = n.case_id "
                                   "WHERE n.unreviewed_major OR c.is_major ON CONFLICT DO NOTHING;"),
        "rb_queue_by_case_id": f"{QUEUE} SELECT DISTINCT case_id FROM changed ON CONFLICT DO NOTHING;",
        "rb_queue_review_steps": (
            "IF TG_OP = 'UPDATE' THEN "
            f"{QUEUE} SELECT r.case_id FROM legal_reviews r WHERE r.id IN (SELECT review_id FROM changed_before "
            "UNION SELECT review_id FROM changed) ON CONFLICT DO NOTHING; "
            "ELSE "
            f"{QUEUE} SELECT r.case_id FROM legal_reviews r WHERE r.id IN (SELECT review_id FROM changed) "
            "ON CONFLICT DO NOTHING; END IF;"),
        "rb_bump": BUMP,
    }
    row_bodies = {
        "rb_queue_case": (f"IF NEW.is_major OR OLD.is_major OR {_on_board('NEW.id')} THEN "
                          f"{QUEUE} VALUES (NEW.id) ON CONFLICT DO NOTHING; END IF;"),
        "rb_queue_case_change": (f"{QUEUE} VALUES (OLD.case_id) ON CONFLICT DO NOTHING; "
                                 f"{QUEUE} VALUES (NEW.case_id) ON CONFLICT DO NOTHING;"),
        "rb_queue_rules": (
            f"IF TG_OP <> 'INSERT' THEN {QUEUE} {_rule_ids('OLD.agency_id')} ON CONFLICT DO NOTHING; END IF; "
            f"IF TG_OP <> 'DELETE' THEN {QUEUE} {_rule_ids('NEW.agency_id')} ON CONFLICT DO NOTHING; END IF;"),
        "rb_queue_calendar_day": (
            f"IF TG_OP <> 'INSERT' THEN {QUEUE} {_calendar_day_ids('OLD.day')} ON CONFLICT DO NOTHING; END IF; "
            f"IF TG_OP <> 'DELETE' THEN {QUEUE} {_calendar_day_ids('NEW.day')} ON CONFLICT DO NOTHING; END IF; "
            f"{BUMP}"),
    }
    out = [f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN {body} RETURN NULL; END $$"
           for name, body in {**statement_bodies, **row_bodies}.items()]
    new, old = "REFERENCING NEW TABLE AS changed", "REFERENCING OLD TABLE AS changed"
    both = "REFERENCING OLD TABLE AS changed_before NEW TABLE AS changed"
    each_statement, each_row = "FOR EACH STATEMENT EXECUTE FUNCTION", "FOR EACH ROW EXECUTE FUNCTION"
    out += [
        f"CREATE TRIGGER rb_cases_ins AFTER INSERT ON cases {new} {each_statement} rb_queue_cases_ins()",
        f"CREATE TRIGGER rb_cases_upd AFTER UPDATE OF {CASE_COLUMNS} ON cases {each_row} rb_queue_case()",
        f"CREATE TRIGGER rb_cases_del AFTER DELETE ON cases {old} {each_statement} rb_queue_cases_del()",
        f"CREATE TRIGGER rb_decisions_ins AFTER INSERT ON decisions {new} {each_statement} rb_queue_decisions_ins()",
        f"CREATE TRIGGER rb_decisions_upd AFTER UPDATE OF {DECISION_COLUMNS} ON decisions "
        f"{each_row} rb_queue_case_change()",
        f"CREATE TRIGGER rb_decisions_del AFTER DELETE ON decisions {old} {each_statement} rb_queue_by_case_id()",
        f"CREATE TRIGGER rb_legal_reviews_ins AFTER INSERT ON legal_reviews {new} {each_statement} "
        "rb_queue_by_case_id()",
        f"CREATE TRIGGER rb_legal_reviews_upd AFTER UPDATE OF {ROUND_COLUMNS} ON legal_reviews "
        f"{each_row} rb_queue_case_change()",
        f"CREATE TRIGGER rb_legal_reviews_del AFTER DELETE ON legal_reviews {old} {each_statement} "
        "rb_queue_by_case_id()",
        f"CREATE TRIGGER rb_review_steps_ins AFTER INSERT ON review_steps {new} {each_statement} "
        "rb_queue_review_steps()",
        f"CREATE TRIGGER rb_review_steps_upd AFTER UPDATE ON review_steps {both} {each_statement} "
        "rb_queue_review_steps()",
        f"CREATE TRIGGER rb_review_steps_del AFTER DELETE ON review_steps {old} {each_statement} "
        "rb_queue_review_steps()",
        f"CREATE TRIGGER rb_major_review_rules AFTER INSERT OR UPDATE OF {RULE_COLUMNS} OR DELETE "
        f"ON major_review_rules {each_row} rb_queue_rules()",
        f"CREATE TRIGGER rb_calendar_days AFTER INSERT OR UPDATE OR DELETE ON calendar_days "
        f"{each_row} rb_queue_calendar_day()",
        f"CREATE TRIGGER rb_calendar_years AFTER INSERT OR UPDATE OR DELETE ON calendar_years {each_statement} "
        "rb_bump()",
        f"CREATE TRIGGER rb_agencies AFTER UPDATE OF short_name OR DELETE ON agencies {each_statement} rb_bump()",
    ]
    return out


PG_FUNCTIONS = ("rb_queue_cases_ins", "rb_queue_cases_del", "rb_queue_decisions_ins", "rb_queue_by_case_id",
                "rb_queue_review_steps", "rb_bump", "rb_queue_case", "rb_queue_case_change", "rb_queue_rules",
                "rb_queue_calendar_day")
PG_TRIGGERS = (*((f"rb_cases_{e}", "cases") for e in ("ins", "upd", "del")),
               *((f"rb_decisions_{e}", "decisions") for e in ("ins", "upd", "del")),
               *((f"rb_legal_reviews_{e}", "legal_reviews") for e in ("ins", "upd", "del")),
               *((f"rb_review_steps_{e}", "review_steps") for e in ("ins", "upd", "del")),
               ("rb_major_review_rules", "major_review_rules"), ("rb_calendar_days", "calendar_days"),
               ("rb_calendar_years", "calendar_years"), ("rb_agencies", "agencies"))


def upgrade() -> None:
    op.create_table(
        'review_board',
        sa.Column('case_id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('agency_id', sa.Integer(), nullable=False),
        sa.Column('case_no', sa.String(length=50), nullable=False),
        sa.Column('decision_no', sa.String(length=100), nullable=False),
        sa.Column('triggers', sa.Text(), nullable=False),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('rounds', sa.Integer(), nullable=False),
        sa.Column('first_submitted_on', sa.Date(), nullable=True),
        sa.Column('approved_on', sa.Date(), nullable=True),
        sa.Column('decided_on', sa.Date(), nullable=True),
        sa.Column('violation', sa.Boolean(), nullable=False),
        sa.Column('latest_outcome', sa.String(length=20), nullable=False),
        sa.Column('review_workdays', sa.Integer(), nullable=True),
        sa.Column('open_since', sa.Date(), nullable=True),
        sa.Column('overdue_done', sa.Boolean(), nullable=False),
        sa.Column('open_due', sa.Date(), nullable=True),
        sa.Column('window_from', sa.Date(), nullable=True),
        sa.Column('window_to', sa.Date(), nullable=True),
        sa.PrimaryKeyConstraint('case_id', name=op.f('pk_review_board')),
    )
    op.create_index('ix_review_board_violation', 'review_board', ['violation', 'case_id'], unique=False)
    op.create_index('ix_review_board_tally', 'review_board', ['agency_id', 'status', 'violation', 'overdue_done',
                    'review_workdays', 'open_since', 'open_due', 'decided_on'], unique=False)
    op.create_table(
        'review_board_queue',
        sa.Column('case_id', sa.Integer(), autoincrement=False, nullable=False),
        sa.PrimaryKeyConstraint('case_id', name=op.f('pk_review_board_queue')),
    )
    # A random start, as for the other versions: a recreated database never repeats a cached version.
    op.execute(f"INSERT INTO summary_versions (id, version) VALUES ({VERSION_ROW}, {secrets.randbits(40)})")
    if op.get_bind().dialect.name == "sqlite":
        for name, body in _sqlite_triggers().items():
            op.execute(f"CREATE TRIGGER {name} {body}")
    else:
        for statement in _pg_statements():
            op.execute(statement)
    op.execute(f"{QUEUE} SELECT c.id FROM cases c LEFT JOIN decisions d ON d.case_id = c.id "
               "WHERE c.is_major OR d.unreviewed_major")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name in _sqlite_triggers():
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    else:
        for name, table in PG_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
        for name in PG_FUNCTIONS:
            op.execute(f"DROP FUNCTION IF EXISTS {name}()")
    op.execute(f"DELETE FROM summary_versions WHERE id = {VERSION_ROW}")
    op.drop_table('review_board_queue')
    op.drop_index('ix_review_board_tally', table_name='review_board')
    op.drop_index('ix_review_board_violation', table_name='review_board')
    op.drop_table('review_board')
