"""Free-text search over published decisions that stays fast at 1,000,000 rows.

What is searchable is decided once, in the ``public_search_source`` view of migration 410ede7f7ec4: organisation
names (a natural person only by the masked name, "张某" — a search for the real name must not confirm who was
punished), 决定书文号, 统一社会信用代码 (organisations), 违法行为类型, 处罚依据 and 处罚内容 (not for withdrawn
decisions, whose content is hidden). Triggers copy it into ``public_search_doc``.

A query is split on whitespace into terms (at most ``MAX_TERMS``); a decision matches when its text contains every
term as a substring, ASCII letters compared case-insensitively.

SQLite — FTS5 with the trigram tokenizer (``public_search_fts``):
  * a term of 3+ characters is the FTS5 phrase ``"term"``: its trigrams at consecutive positions, i.e. exactly the
    substring, answered from the index alone (letters folded to lower case by the tokenizer);
  * a term of 1–2 characters has no trigram of its own. Every character of the text starts a trigram (the text ends
    with two separators), so the term occurs exactly where some indexed trigram begins with it: the trigrams are
    looked up in the FTS vocabulary (``public_search_vocab``, a range scan on a sorted b-tree) and OR-ed in a MATCH.
    When a term expands to more than ``MAX_EXPANSION`` trigrams (a single digit, "市"), the OR would cost more than
    reading the text, so that term falls back to a substring scan of the narrow ``public_search_doc`` table
    (~0.5 s at 1M rows). Either way the answer is exact — no term is ever dropped.

PostgreSQL — pg_trgm: every term is ``doc ILIKE '%term%'`` (``LIKE`` when the term has no letters) on
``public_search_doc``, served by the GIN trigram index for terms of 3+ characters; 1–2 character terms have no
trigram for the index to use, so PostgreSQL scans the narrow doc table (parallel seq scan), bounded by its size.

``rebuild_search_index`` recomputes both index tables from the view — a repair tool; the triggers keep them current.
Cost of the triggers on the bulk seeder (SQLite, 200,000 cases): 49 s → 67 s; indexing the same rows in one pass at
the end instead would save under 5 %, so there is no special path for bulk loads.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Connection, Engine, Integer, and_, exists, false, func, select, text

from db import models as m

MAX_TERMS = 8
MAX_EXPANSION = 64
# Control characters (U+001F separates the fields in the index text) cannot be typed meaningfully; dropping them
# means no term can reach across two fields.
_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f]")

PS = m.PublicSearch.__table__
DOC = m.PublicSearchDoc.__table__


def split_terms(q: str) -> tuple[str, ...]:
    """"  食品  青市监 " → ("食品", "青市监"); duplicates and terms inside longer terms add nothing and are dropped."""
    raw = [t for t in _CONTROL_RE.sub(" ", q or "").split() if t]
    terms: list[str] = []
    for t in sorted(dict.fromkeys(raw), key=len, reverse=True):
        if not any(t.lower() in kept.lower() for kept in terms):
            terms.append(t)
    return tuple(terms[:MAX_TERMS])


def _like_pattern(term: str) -> str:
    return "%" + term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


_EXPANSIONS_SIZE = 1024
_expansions: OrderedDict[tuple, tuple[str, ...] | None] = OrderedDict()
_expansions_lock = threading.Lock()


def _expand(conn: Connection, term: str) -> tuple[str, ...] | None:
    """The indexed trigrams that begin with ``term`` (folded as the tokenizer folds), or None when there are more
    than MAX_EXPANSION of them.

    Remembered per database and public data version (which every write to the index raises): the vocabulary table
    counts every occurrence of each term it lists, so one look-up for “食品” read 195,000 entries (4–6 ms at
    1,000,000 decisions), and one request asked up to five times."""
    low = term.lower()
    version = conn.execute(select(m.PublicDataVersion.version).where(m.PublicDataVersion.id == 1)).scalar()
    key = (str(conn.engine.url), version, MAX_EXPANSION, low)
    with _expansions_lock:
        if key in _expansions:
            _expansions.move_to_end(key)
            return _expansions[key]
    rows = conn.execute(
        text("SELECT term FROM public_search_vocab WHERE term >= :low AND term < :high LIMIT :limit"),
        {"low": low, "high": low + "\U0010ffff", "limit": MAX_EXPANSION + 1},
    ).scalars().all()
    found = None if len(rows) > MAX_EXPANSION else tuple(rows)
    with _expansions_lock:
        _expansions[key] = found
        while len(_expansions) > _EXPANSIONS_SIZE:
            _expansions.popitem(last=False)
    return found


def clear_expansions() -> None:
    """Forget every remembered expansion (the bench's cold runs, tests)."""
    with _expansions_lock:
        _expansions.clear()


def _quote(term: str) -> str:
    """An FTS5 string: inside double quotes every character is literal (a quote is doubled)."""
    return '"' + term.replace('"', '""') + '"'


@dataclass(frozen=True)
class _SqlitePlan:
    """How SQLite answers each term: ``indexed`` (term, FTS5 expression) pairs the trigram index answers, ``scans``
    the terms only a substring scan answers; ``empty`` when some short term starts no indexed trigram at all."""

    indexed: tuple[tuple[str, str], ...]
    scans: tuple[str, ...]
    empty: bool


def _sqlite_plan(conn: Connection, terms: tuple[str, ...]) -> _SqlitePlan:
    indexed: list[tuple[str, str]] = []
    scans: list[str] = []
    for term in terms:
        if len(term) >= 3:
            indexed.append((term, _quote(term)))  # a phrase of consecutive trigrams = the substring
        elif (alternatives := _expand(conn, term)) is None:
            scans.append(term)
        elif not alternatives:
            return _SqlitePlan((), (), True)  # no indexed text contains this short term
        else:
            indexed.append((term, "(" + " OR ".join(_quote(t) for t in alternatives) + ")"))
    return _SqlitePlan(tuple(indexed), tuple(scans), False)


def _matched(expressions: list[str]):
    return (text("SELECT rowid FROM public_search_fts WHERE public_search_fts MATCH :fts_match")
            .bindparams(fts_match=" AND ".join(expressions)).columns(rowid=Integer))


def _found_in_doc(term: str) -> ColumnElement[bool]:
    # instr() is a plain byte search, faster than LIKE; LIKE only where ASCII letters need case folding.
    return (DOC.c.doc.like(_like_pattern(term), escape="\\") if re.search("[A-Za-z]", term)
            else func.instr(DOC.c.doc, term) > 0)


def _caseless(term: str) -> bool:
    """No character of ``term`` has a case: a substring test of the text is then exactly what the trigram index
    (which folds the case of every letter of the text and of the query) answers."""
    return term.lower() == term.upper()


def _sqlite_condition(conn: Connection, terms: tuple[str, ...], per_row: bool, probe: bool) -> ColumnElement[bool]:
    plan = _sqlite_plan(conn, terms)
    if plan.empty:
        return false()
    conditions: list[ColumnElement[bool]] = []
    in_doc = [_found_in_doc(t) for t in plan.scans]
    if probe:
        # Row by row: a caseless term is tested on the row's own text (a primary-key read and a byte search, about
        # 5 µs), a cased one against the match set, which SQLite builds once as an ephemeral index ("+ 0" keeps
        # SQLite from reading the match set first and looking every match up: the sort index must drive).
        in_doc += [func.instr(DOC.c.doc, t) > 0 for t, _ in plan.indexed if _caseless(t)]
        cased = [e for t, e in plan.indexed if not _caseless(t)]
        if cased:
            conditions.append((PS.c.decision_id + 0).in_(_matched(cased)))
        if in_doc:
            conditions.append(exists().where(DOC.c.decision_id == PS.c.decision_id, *in_doc))
        return and_(*conditions)
    if plan.indexed:
        conditions.append(PS.c.decision_id.in_(_matched([e for _, e in plan.indexed])))
    for found in in_doc:
        if per_row:
            conditions.append(exists().where(DOC.c.decision_id == PS.c.decision_id, found))
        else:
            conditions.append(PS.c.decision_id.in_(select(DOC.c.decision_id).where(found)))
    return and_(*conditions)


def match_count(conn: Connection, q: str) -> int | None:
    """SQLite, when the trigram index answers every term of ``q``: the number of indexed texts that match, read
    from the index alone (195,030 matches of “食品” in 11 ms at 1,000,000 decisions, where looking each match up in
    public_search takes 140 ms). Every decision in ``public_search`` has exactly one text (both are written by the
    same triggers from the same view), so this counts the matching decisions in the index, listed or not. None on
    PostgreSQL, for an empty query, or when a term needs a substring scan."""
    terms = split_terms(q)
    if conn.dialect.name != "sqlite" or not terms:
        return None
    plan = _sqlite_plan(conn, terms)
    if plan.empty:
        return 0
    if plan.scans:
        return None
    return int(conn.execute(select(func.count()).select_from(
        _matched([e for _, e in plan.indexed]).subquery())).scalar_one())


def _postgresql_condition(terms: tuple[str, ...]) -> ColumnElement[bool]:
    likes = [
        DOC.c.doc.ilike(_like_pattern(t), escape="\\") if t.lower() != t.upper() else
        DOC.c.doc.like(_like_pattern(t), escape="\\")
        for t in terms
    ]
    return PS.c.decision_id.in_(select(DOC.c.decision_id).where(and_(*likes)))


def text_condition(conn: Connection, q: str, *, per_row: bool = False, probe: bool = False,
                   ) -> ColumnElement[bool] | None:
    """The condition on ``public_search.decision_id`` for free text ``q``; None when ``q`` has no term.

    ``per_row`` (SQLite) checks a substring-scan term row by row (a correlated EXISTS on the doc table) instead of
    collecting every matching id first: right for reading a page or counting up to a bound, where the walk along
    the sort index stops after a few rows (“2” at 100,000 decisions: page 177 → 1 ms); wrong for a whole count or
    export, where one pass over the doc table is 3–4× cheaper than a lookup per index entry.

    ``probe`` (SQLite) goes further: every term is checked row by row, the indexed ones too, so that the sort
    index drives the statement and it stops after the page — for a term matching a large share of the decisions
    (“食品”, one in five), where reading every match and sorting them cost 272 ms at 1,000,000 decisions and the
    walk reads about a hundred rows. Wrong for a rare term: the walk would pass most of the index."""
    terms = split_terms(q)
    if not terms:
        return None
    if conn.dialect.name == "sqlite":
        return _sqlite_condition(conn, terms, per_row, probe)
    return _postgresql_condition(terms)


def scans_text(conn: Connection, q: str) -> bool:
    """Whether ``q`` has a term no index answers (SQLite: 1–2 characters starting more than MAX_EXPANSION
    trigrams; PostgreSQL: 1–2 characters), so that matching it reads the text of every decision."""
    terms = split_terms(q)
    if conn.dialect.name == "sqlite":
        return any(len(t) < 3 and _expand(conn, t) is None for t in terms)
    return any(len(t) < 3 for t in terms)


_COLUMNS = ("decision_id", "agency_id", "category", "decided_on", "published_on", "expires_on", "status", "fine_total",
            "penalty_types")


def rebuild_search_index(engine: Engine) -> None:
    """Recompute public_search and public_search_doc from the view (and, on SQLite, the FTS index from the doc
    table), in one transaction. Not needed in normal operation — the triggers keep the index current, however
    rows are written — but it repairs an index damaged by hand edits, and lets tests prove that the triggers produce
    exactly what a full rebuild does."""
    cols = ", ".join(_COLUMNS)
    sqlite = engine.dialect.name == "sqlite"
    excluded = "excluded" if sqlite else "EXCLUDED"
    updates = ", ".join(f"{c} = {excluded}.{c}" for c in _COLUMNS[1:])
    changed = "doc IS NOT excluded.doc" if sqlite else "public_search_doc.doc IS DISTINCT FROM EXCLUDED.doc"
    with engine.begin() as conn:
        fts_triggers: list[str] = []
        if sqlite:
            # Row-by-row FTS maintenance would cost more than the final 'rebuild', which re-reads every document
            # anyway: the doc-table triggers are set aside inside this transaction and restored from their own SQL.
            fts_triggers = list(conn.execute(text(
                "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'public_search_doc'")).scalars())
            for name in conn.execute(text(
                    "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'public_search_doc'")).scalars():
                conn.execute(text(f"DROP TRIGGER {name}"))
        conn.execute(text("DELETE FROM public_search WHERE decision_id NOT IN "
                          "(SELECT decision_id FROM public_search_source)"))
        # "WHERE true": SQLite would otherwise read ON CONFLICT as part of the SELECT (documented parsing ambiguity).
        conn.execute(text(f"INSERT INTO public_search ({cols}) SELECT {cols} FROM public_search_source WHERE true "
                          f"ON CONFLICT (decision_id) DO UPDATE SET {updates}"))
        conn.execute(text("DELETE FROM public_search_doc WHERE decision_id NOT IN "
                          "(SELECT decision_id FROM public_search_source)"))
        conn.execute(text("INSERT INTO public_search_doc (decision_id, doc) SELECT decision_id, doc "
                          "FROM public_search_source WHERE true "
                          f"ON CONFLICT (decision_id) DO UPDATE SET doc = {excluded}.doc WHERE {changed}"))
        if sqlite:
            conn.execute(text("INSERT INTO public_search_fts (public_search_fts) VALUES ('rebuild')"))
            for sql in fts_triggers:
                conn.exec_driver_sql(sql)
            conn.execute(text("ANALYZE public_search"))
