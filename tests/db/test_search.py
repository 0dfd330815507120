"""The public search (db/search.py, db/public.py) gives exactly what a plain substring scan of the public fields gives,
on SQLite (FTS5 trigram) and PostgreSQL (pg_trgm), for long and 1–2 character queries, with every facet and sort —
and the trigger-maintained index follows every kind of write."""

from __future__ import annotations

import datetime as dt
import importlib.util
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import Engine, select, text

import db.search
from db import models as m
from db.engine import make_engine
from db.projection import held_records, project_decisions
from db.public import (
    LISTED_STATUSES,
    count_public_decisions,
    iter_public_decisions,
    public_decision_rows,
    public_row,
    public_summary,
)
from db.search import rebuild_search_index, split_terms
from domain.enums import ActionCategory, DisclosureStatus, PartyType, PenaltyType
from domain.filters import AmountBand, DecisionFilters, SortKey
from domain.publication import STALE_REASON
from domain.redaction import mask_person_name
from sample_data.generator import AS_OF

TODAY = AS_OF
VERSIONS = Path(__file__).resolve().parents[2] / "db" / "migrations" / "versions"
MIGRATION = next(VERSIONS.glob("*public_search_index.py"))
PROJECTION_MIGRATION = next(VERSIONS.glob("*public_records_projection.py"))


def _migration(path: Path = MIGRATION):
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


# ------------------------------------------------------------------------------------------------ reference


def _reference_rows(conn, today: dt.date) -> list[dict]:
    """The public rows by the lifecycle rules on the base tables, with the text of the stored projection — not
    through the index, its SQL or its triggers."""
    d, c, p, s, a, pr = m.Decision, m.Case, m.Party, m.Disclosure, m.Agency, m.PublicRecord
    stmt = (
        select(d.id.label("id"), d.decision_no, a.name.label("agency"), a.id.label("agency_id"), pr.party_name,
               pr.party_type, pr.uscc, pr.violation, d.category, pr.conclusion, d.fine_total, d.confiscation_total,
               d.decided_on, s.published_on, s.status, pr.legal_basis)
        .select_from(s).join(d, d.id == s.decision_id).join(c, c.id == d.case_id).join(p, p.id == c.party_id)
        .join(a, a.id == c.agency_id).join(pr, pr.decision_id == d.id)
        .where(s.status.in_(LISTED_STATUSES), s.withheld_reason.is_(None), s.published_on.is_not(None),
               s.published_on <= today, (s.expires_on.is_(None)) | (s.expires_on > today),
               c.confidential.is_(False), p.is_minor.is_(False), pr.held_reason.is_(None))
    )
    rows = []
    for r in conn.execute(stmt).mappings():
        row = dict(r)
        for key in ("category", "status"):
            row[key] = row[key].value
        rows.append(row)
    return rows


class Reference:
    """Every public row with the public text of each searchable field — an oracle independent of the index."""

    def __init__(self, engine: Engine, today: dt.date = TODAY) -> None:
        with engine.connect() as conn:
            raw = _reference_rows(conn, today)
            types: dict[int, set[str]] = defaultdict(set)
            for decision_id, ptype in conn.execute(select(m.PenaltyItem.decision_id, m.PenaltyItem.penalty_type)):
                types[decision_id].add(ptype.value)
        self.rows = []
        for r in raw:
            public = public_row({k: v for k, v in r.items() if k != "legal_basis"})
            withdrawn = public["status"] == DisclosureStatus.WITHDRAWN.value
            public["agency_id"] = r["agency_id"]
            public["types"] = set() if withdrawn else types[r["id"]]
            public["text"] = [public["party_name"], public["decision_no"], public["uscc"] or "", public["violation"],
                              r["legal_basis"], "" if withdrawn else public["conclusion"]]
            self.rows.append(public)

    @staticmethod
    def _contains(fields: list[str], term: str) -> bool:
        # SQLite LIKE semantics: ASCII letters case-insensitive.
        return any(term.lower() in (f or "").lower() for f in fields)

    def matches(self, f: DecisionFilters) -> list[int]:
        terms = split_terms(f.q)
        out = []
        for r in self.rows:
            if f.agency_id is not None and r["agency_id"] != f.agency_id:
                continue
            if f.category is not None and r["category"] != f.category.value:
                continue
            if f.year is not None:
                if r["decided_on"].year != f.year or (f.month is not None and r["decided_on"].month != f.month):
                    continue
            if f.penalty_type is not None and f.penalty_type.value not in r["types"]:
                continue
            if f.amount is not None:
                low, high = f.amount.bounds
                fine = r["fine_total"]
                if fine is None or fine < low or (high is not None and fine >= high):
                    continue
            if f.status is not None and r["status"] != f.status.value:
                continue
            if not all(self._contains(r["text"], t) for t in terms):
                continue
            out.append(r)
        return [r["id"] for r in self._sorted(out, f)]

    @staticmethod
    def _sorted(rows: list[dict], f: DecisionFilters) -> list[dict]:
        if f.sort is SortKey.AMOUNT:
            present = [r for r in rows if r["fine_total"] is not None]
            missing = [r for r in rows if r["fine_total"] is None]
            present.sort(key=lambda r: (r["fine_total"], r["id"]), reverse=f.descending)
            missing.sort(key=lambda r: r["id"], reverse=f.descending)
            return present + missing
        key = "published_on" if f.sort is SortKey.PUBLISHED else "decided_on"
        return sorted(rows, key=lambda r: (r[key], r["id"]), reverse=f.descending)


def _ids(engine: Engine, f: DecisionFilters) -> list[int]:
    return [r["id"] for r in iter_public_decisions(engine, f, TODAY, batch=97)]


QUERIES = [
    "食品", "食", "罚", "罚款", "91", "2", "Y", "y4", "xm", "某", "张某", "第二十", "有限公司 罚款", "违法  食品",
    "〔2025〕", "临江市", "准予行政许可", "责令改正，罚款", "%", "_", "50%", '"', "AND", "食品*", "(", "NEAR",
    "zz", "罚款 zz", "许可 2023", "号", "条例》第", "\x1f",
]


def _sample_queries(ref: Reference) -> list[str]:
    """Queries made from the data itself: a full 文号, a credit code, a masked name, a company name fragment."""
    org = next(r for r in ref.rows if r["uscc"] and r["status"] == "已公示")
    person = next(r for r in ref.rows if r["party_type"] == PartyType.NATURAL_PERSON.value)
    return [org["decision_no"], org["uscc"], org["uscc"][-6:].lower(), org["party_name"][3:9], person["party_name"],
            org["decision_no"][:2]]


# ------------------------------------------------------------------------------------------------ SQLite


@pytest.fixture(scope="module")
def reference(seeded_sqlite) -> Reference:
    engine = make_engine(seeded_sqlite[0])
    yield Reference(engine)
    engine.dispose()


@pytest.mark.parametrize("q", QUERIES)
def test_sqlite_search_equals_substring_reference(seeded_engine, reference, q: str) -> None:
    f = DecisionFilters(q=q)
    assert _ids(seeded_engine, f) == reference.matches(f)


def test_sqlite_search_of_values_from_the_data(seeded_engine, reference) -> None:
    for q in _sample_queries(reference):
        f = DecisionFilters(q=q)
        expected = reference.matches(f)
        assert expected, q
        assert _ids(seeded_engine, f) == expected, q


@pytest.mark.parametrize("q", ["食", "罚款", "91", "某", "y4", "号", "有限公司 罚款"])
def test_short_terms_give_the_same_answer_through_the_scan_fallback(seeded_engine, reference, monkeypatch,
                                                                   q: str) -> None:
    """1–2 character terms are answered from the trigram vocabulary, or by a scan when they expand to too many
    trigrams; both paths must agree with the reference."""
    monkeypatch.setattr(db.search, "MAX_EXPANSION", 1)
    f = DecisionFilters(q=q)
    assert _ids(seeded_engine, f) == reference.matches(f)


FACETS = [
    DecisionFilters(year=2025),
    DecisionFilters(year=2025, month=3),
    DecisionFilters(category=ActionCategory.PENALTY, penalty_type=PenaltyType.FINE),
    DecisionFilters(penalty_type=PenaltyType.WARNING),
    DecisionFilters(amount=AmountBand.UNDER_10K),
    DecisionFilters(amount=AmountBand.FROM_10K, sort=SortKey.AMOUNT),
    DecisionFilters(amount=AmountBand.FROM_100K, sort=SortKey.AMOUNT, descending=False),
    DecisionFilters(amount=AmountBand.FROM_1M),
    DecisionFilters(status=DisclosureStatus.WITHDRAWN),
    DecisionFilters(status=DisclosureStatus.CORRECTED, sort=SortKey.DECIDED),
    DecisionFilters(agency_id=2, q="罚款", sort=SortKey.DECIDED, descending=False),
    DecisionFilters(q="食品", year=2025, penalty_type=PenaltyType.FINE),
    DecisionFilters(sort=SortKey.AMOUNT),
    DecisionFilters(sort=SortKey.AMOUNT, descending=False),
    DecisionFilters(sort=SortKey.PUBLISHED, descending=False),
]


@pytest.mark.parametrize("f", FACETS, ids=lambda f: ",".join(f"{k}={v}" for k, v in vars(f).items() if v))
def test_sqlite_facets_and_sort_equal_the_reference(seeded_engine, reference, f: DecisionFilters) -> None:
    expected = reference.matches(f)
    assert _ids(seeded_engine, f) == expected
    assert count_public_decisions(seeded_engine, f, TODAY) == len(expected)


def test_pages_concatenate_to_the_whole_result(seeded_engine, reference) -> None:
    f = DecisionFilters(q="罚款", sort=SortKey.AMOUNT, page_size=37)
    expected = reference.matches(f)
    seen: list[int] = []
    page = 1
    while True:
        rows, total = public_decision_rows(seeded_engine, f.with_page(page), TODAY)
        assert total == len(expected)
        if not rows:
            break
        seen += [r["id"] for r in rows]
        page += 1
    assert seen == expected


def test_natural_persons_are_not_findable_by_real_name_or_id_number(seeded_engine, reference) -> None:
    with seeded_engine.connect() as conn:
        people = conn.execute(
            select(m.Decision.id, m.Party.name, m.Party.id_number).join(m.Case, m.Case.id == m.Decision.case_id)
            .join(m.Party, m.Party.id == m.Case.party_id).where(m.Party.party_type == PartyType.NATURAL_PERSON)
        ).all()
    public_ids = {r["id"] for r in reference.rows}
    people = [p for p in people if p.id in public_ids]
    assert len(people) > 20
    masked_hits = 0
    for decision_id, name, id_number in people[:60]:
        for secret in (name, id_number):
            assert decision_id not in _ids(seeded_engine, DecisionFilters(q=secret)), "a real name or ID number matched"
        masked_hits += decision_id in _ids(seeded_engine, DecisionFilters(q=mask_person_name(name)))
    assert masked_hits == min(60, len(people))  # ... while the masked name finds them


def test_summary_counts_equal_the_reference(seeded_engine, reference) -> None:
    s = public_summary(seeded_engine, TODAY)
    assert s.published == len(reference.rows)
    assert s.withdrawn == sum(r["status"] == "已撤回" for r in reference.rows)
    assert s.corrected == sum(r["status"] == "已更正" for r in reference.rows)
    this_year = [r for r in reference.rows if r["decided_on"].year == TODAY.year and r["status"] != "已撤回"]
    assert s.this_year == len(this_year)
    assert s.fines_this_year == sum((r["fine_total"] for r in this_year), Decimal(0))


def test_index_holds_exactly_the_listable_decisions(seeded_engine, reference) -> None:
    """The seed (bulk executemany) filled the index through the triggers; expired ones stay in the index until
    their status changes but never pass the date rule."""
    with seeded_engine.connect() as conn:
        indexed = set(conn.execute(select(m.PublicSearch.decision_id)).scalars())
        docs = set(conn.execute(select(m.PublicSearchDoc.decision_id)).scalars())
        listable = set(conn.execute(
            select(m.Disclosure.decision_id).join(m.Decision, m.Decision.id == m.Disclosure.decision_id)
            .join(m.Case, m.Case.id == m.Decision.case_id).join(m.Party, m.Party.id == m.Case.party_id)
            .join(m.PublicRecord, m.PublicRecord.decision_id == m.Decision.id)
            .where(m.Disclosure.status.in_(LISTED_STATUSES), m.Disclosure.withheld_reason.is_(None),
                   m.Disclosure.published_on.is_not(None), m.Case.confidential.is_(False),
                   m.Party.is_minor.is_(False), m.PublicRecord.held_reason.is_(None))).scalars())
    assert indexed == docs == listable
    assert {r["id"] for r in reference.rows} <= indexed


def test_split_terms() -> None:
    assert split_terms("  食品  青市监 食品 ") == ("青市监", "食品")
    assert split_terms("罚款 罚") == ("罚款",)  # a term inside another adds nothing
    assert split_terms("a\x1fb") == ("a", "b")  # the field separator can never be searched for
    assert split_terms("") == ()
    assert len(split_terms(" ".join(f"词{i}" for i in range(20)))) == db.search.MAX_TERMS


# ------------------------------------------------------------------------------------------------ frozen SQL


def test_migration_repeats_the_python_rules() -> None:
    migration = _migration(PROJECTION_MIGRATION)
    assert migration.LISTED_STATUSES == tuple(s.value for s in LISTED_STATUSES)
    assert migration.WITHDRAWN == DisclosureStatus.WITHDRAWN.value
    assert migration.STALE == STALE_REASON


def test_seeded_natural_persons_are_indexed_by_their_masked_name(seeded_engine) -> None:
    with seeded_engine.connect() as conn:
        rows = conn.execute(
            select(m.Party.name, m.PublicSearchDoc.doc).join(m.Case, m.Case.party_id == m.Party.id)
            .join(m.Decision, m.Decision.case_id == m.Case.id)
            .join(m.PublicSearchDoc, m.PublicSearchDoc.decision_id == m.Decision.id)
            .where(m.Party.party_type == PartyType.NATURAL_PERSON)).all()
    assert rows
    for name, doc in rows:
        assert doc.split("\x1f")[0] == mask_person_name(name)
        assert name not in doc


# ------------------------------------------------------------------------------------------------ triggers


def _index_state(engine: Engine) -> tuple[list, list]:
    with engine.connect() as conn:
        return ([tuple(r) for r in conn.execute(select(m.PublicSearch).order_by(m.PublicSearch.decision_id))],
                [tuple(r) for r in conn.execute(select(m.PublicSearchDoc).order_by(m.PublicSearchDoc.decision_id))])


def _pick(engine: Engine, *, person: bool, status: str = "已公示", offset: int = 0) -> dict:
    d, c, p, s = m.Decision, m.Case, m.Party, m.Disclosure
    with engine.connect() as conn:
        return dict(conn.execute(
            select(d.id, d.decision_no, d.conclusion, c.id.label("case_id"), p.id.label("party_id"), p.name)
            .join(c, c.id == d.case_id).join(p, p.id == c.party_id).join(s, s.decision_id == d.id)
            .join(m.PublicSearch, m.PublicSearch.decision_id == d.id)
            .where((p.party_type == PartyType.NATURAL_PERSON) if person else (p.party_type == PartyType.LEGAL_PERSON),
                   s.status == status, m.PublicSearch.expires_on > TODAY,
                   d.id.in_(select(m.PenaltyItem.decision_id)))
            .order_by(d.id).offset(offset).limit(1)).mappings().one())


def _found(engine: Engine, q: str, **kw) -> set[int]:
    return {r["id"] for r in iter_public_decisions(engine, DecisionFilters(q=q, **kw), TODAY)}


def _writes_keep_the_index_current(engine: Engine) -> None:
    """``engine``: a database of the test's own, seeded with (300, 7)."""
    from db.bulk import insert_rows, max_id, reset_sequences

    org = _pick(engine, person=False)
    other = _pick(engine, person=False, offset=5)
    person = _pick(engine, person=True)
    with engine.begin() as conn:
        # a renamed organisation is found by its new name only
        conn.execute(m.Party.__table__.update().where(m.Party.id == org["party_id"]).values(name="临江市检索测试有限公司"))
        # a withdrawn decision: found by 文号, no longer by its hidden content; amount and types blank
        conn.execute(m.Disclosure.__table__.update().where(m.Disclosure.decision_id == other["id"]).values(
            status=DisclosureStatus.WITHDRAWN, withdrawn_on=TODAY, withdrawal_reason="撤销"))
        # a case marked confidential leaves the public index
        conn.execute(m.Case.__table__.update().where(m.Case.id == person["case_id"]).values(confidential=True))
        # a penalty item removed: the type facet follows
        conn.execute(m.PenaltyItem.__table__.delete().where(m.PenaltyItem.decision_id == org["id"]))
    # A source text changed without a new projection: the stale projection is held, the decision leaves every
    # public output (fail closed) and shows in the administrators' list.
    assert _found(engine, "检索测试") == set()
    assert org["id"] not in _found(engine, org["name"])
    assert org["id"] in set(held_records(engine)["id"])
    with engine.begin() as conn:  # what every write path does in its own transaction
        assert project_decisions(conn, [org["id"], other["id"]]) == {}
    assert _found(engine, "检索测试") == {org["id"]}
    assert org["id"] not in _found(engine, org["name"])
    assert other["id"] in _found(engine, other["decision_no"])
    assert other["id"] not in _found(engine, f"{other['decision_no']} {other['conclusion']}")
    assert other["id"] not in _found(engine, "", amount=AmountBand.UNDER_10K) | _found(engine, "", amount=AmountBand.FROM_10K)
    assert person["id"] not in _found(engine, person["decision_no"])
    with engine.connect() as conn:
        assert conn.execute(select(m.PublicSearch.penalty_types).where(
            m.PublicSearch.decision_id == org["id"])).scalar_one() == "||"
        assert conn.execute(select(m.PublicSearch.fine_total, m.PublicSearch.penalty_types).where(
            m.PublicSearch.decision_id == other["id"])).one() == (None, "")

    # rows written by the bulk path (executemany on SQLite, COPY on PostgreSQL), as the seeder and importer do
    with engine.begin() as conn:
        pid, cid, did, sid = (max_id(conn, t) + 1 for t in (m.Party.__table__, m.Case.__table__,
                                                           m.Decision.__table__, m.Disclosure.__table__))
        now = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
        insert_rows(conn, m.Party.__table__, ("id", "party_type", "name", "uscc", "is_minor", "created_at"),
                    [(pid, PartyType.LEGAL_PERSON, "临江市批量写入检索有限公司", "91449901YY99999990", False, now)])
        insert_rows(conn, m.Case.__table__,
                    ("id", "case_no", "agency_id", "party_id", "procedure", "filed_on", "status", "origin",
                     "violation", "facts", "is_major", "confidential", "major_reasons", "chain_head", "created_at",
                     "internal_note", "decision_extension_days"),
                    [(cid, "批量-1", 1, pid, "普通程序", dt.date(2026, 10, 1), "已决定", "系统录入", "批量违法行为",
                      "事实", False, False, "", "0" * 64, now, "", 0)])
        insert_rows(conn, m.Decision.__table__,
                    ("id", "case_id", "decision_no", "decided_on", "category", "conclusion", "legal_basis",
                     "fine_total", "confiscation_total", "unreviewed_major", "created_at", "discretion_statement"),
                    [(did, cid, "青批罚〔2026〕1号", dt.date(2026, 10, 8), "行政处罚", "罚款3000元", "《批量条例》第一条",
                      Decimal(3000), Decimal(0), False, now, "")])
        insert_rows(conn, m.PenaltyItem.__table__, ("id", "decision_id", "penalty_type", "amount", "description"),
                    [(max_id(conn, m.PenaltyItem.__table__) + 1, did, PenaltyType.FINE, Decimal(3000), "")])
        insert_rows(conn, m.Disclosure.__table__,
                    ("id", "decision_id", "status", "published_on", "expires_on", "public_explanation",
                     "redaction_applied", "redaction_note", "version", "created_at"),
                    [(sid, did, DisclosureStatus.PUBLISHED, dt.date(2026, 10, 10), dt.date(2031, 10, 10), "", False,
                      "", 1, now)])
        reset_sequences(conn, [m.Party.__table__, m.Case.__table__, m.Decision.__table__, m.Disclosure.__table__,
                               m.PenaltyItem.__table__])
    assert _found(engine, "批量写入") == set()  # not public before its projection exists
    with engine.begin() as conn:
        project_decisions(conn, [did])
    assert _found(engine, "批量写入") == {did}
    assert _found(engine, "批量", penalty_type=PenaltyType.FINE, amount=AmountBand.UNDER_10K) == {did}

    # the trigger-maintained index is exactly what a full rebuild computes
    before = _index_state(engine)
    rebuild_search_index(engine)
    assert _index_state(engine) == before
    if engine.dialect.name == "sqlite":
        with engine.begin() as conn:  # the FTS index agrees with its content table
            conn.execute(text("INSERT INTO public_search_fts (public_search_fts) VALUES ('integrity-check')"))
    assert Reference(engine).matches(DecisionFilters(q="罚款")) == _ids(engine, DecisionFilters(q="罚款"))

    # deleting everything (seed --reset) empties the index
    from sample_data.generator import clear_all

    clear_all(engine)
    assert _index_state(engine) == ([], [])


def test_writes_keep_the_index_current_sqlite(seeded_sqlite_copy) -> None:
    _writes_keep_the_index_current(seeded_sqlite_copy(300, 7))


@pytest.mark.postgres
def test_writes_keep_the_index_current_postgres(seeded_pg_copy) -> None:
    _writes_keep_the_index_current(seeded_pg_copy(300, 7))


def test_rebuild_repairs_a_damaged_index(seeded_sqlite_copy) -> None:
    engine = seeded_sqlite_copy(300, 7)
    before = _index_state(engine)
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM public_search WHERE decision_id % 3 = 0"))
        conn.execute(text("UPDATE public_search SET status = '已更正' WHERE decision_id % 3 = 1"))
    rebuild_search_index(engine)
    assert _index_state(engine) == before


# ------------------------------------------------------------------------------------------------ PostgreSQL


@pytest.fixture(scope="module")
def pg_seeded(pg_templates) -> Iterator[tuple[Engine, Reference]]:
    url, name = pg_templates.copy(600, 7)  # the same data as the shared SQLite database (tests/db/test_seed.py)
    engine = make_engine(url)
    try:
        yield engine, Reference(engine)
    finally:
        engine.dispose()
        pg_templates.drop(name)


@pytest.mark.postgres
def test_postgres_search_equals_substring_reference(pg_seeded) -> None:
    engine, ref = pg_seeded
    for q in [*QUERIES, *_sample_queries(ref)]:
        f = DecisionFilters(q=q)
        assert _ids(engine, f) == ref.matches(f), q


@pytest.mark.postgres
def test_postgres_facets_and_sort_equal_the_reference(pg_seeded) -> None:
    engine, ref = pg_seeded
    for f in FACETS:
        expected = ref.matches(f)
        assert _ids(engine, f) == expected, f
        assert count_public_decisions(engine, f, TODAY) == len(expected)
        assert public_decision_rows(engine, replace(f, page=2, page_size=5), TODAY)[0] == [
            r for r in public_decision_rows(engine, replace(f, page_size=10), TODAY)[0][5:10]]


@pytest.mark.postgres
def test_postgres_and_sqlite_index_the_same_text(pg_seeded, seeded_engine) -> None:
    engine, _ = pg_seeded
    assert _index_state(engine) == _index_state(seeded_engine)


@pytest.mark.postgres
def test_postgres_uses_the_trigram_index_for_long_terms(pg_seeded) -> None:
    engine, _ = pg_seeded
    with engine.connect() as conn:
        conn.execute(text("SET enable_seqscan = off"))  # tiny tables: make the planner show what it can use
        plan = "\n".join(conn.execute(text(
            "EXPLAIN SELECT decision_id FROM public_search_doc WHERE doc ILIKE '%食品安全%'")).scalars())
    assert "ix_public_search_doc_trgm" in plan
