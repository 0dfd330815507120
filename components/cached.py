"""Cached reads for the pages. Keys carry the database URL and everything that decides visibility; public data is
redacted inside db.public before it is cached, so a cached frame never holds unmasked personal data."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from components.data import engine_for, get_engine
from db import board, completeness, public, queries, stats, summaries
from db.engine import database_url
from domain.filters import DecisionFilters
from domain.statistics import annual_report_from_tallies


def _url() -> str:
    get_engine()  # stops the page with a message when the database is not ready
    return database_url()


@st.cache_data(ttl="5m", show_spinner="正在查询…")
def _public_decisions(url: str, filters: DecisionFilters, today: dt.date) -> tuple[pd.DataFrame, int, bool]:
    return public.load_public_page(engine_for(url), filters, today)


def public_decisions(filters: DecisionFilters, today: dt.date) -> tuple[pd.DataFrame, int]:
    frame, total, _ = _public_decisions(_url(), filters, today)
    return frame, total


def public_decisions_counted(filters: DecisionFilters, today: dt.date) -> tuple[pd.DataFrame, int, bool]:
    """``public_decisions`` and whether the total is exact (False: a text scan counted up to a bound, "at least")."""
    return _public_decisions(_url(), filters, today)


def database_url_for_downloads() -> str:
    """The database URL, for download callables that run after the script (components/opendata.py)."""
    return _url()


@st.cache_data(ttl="5m", show_spinner=False)
def _public_summary(url: str, today: dt.date) -> public.PublicSummary:
    return public.public_summary(engine_for(url), today)


def public_summary(today: dt.date) -> public.PublicSummary:
    return _public_summary(_url(), today)


@st.cache_data(ttl="10m", show_spinner=False)
def _agency_names(url: str) -> dict[int, str]:
    return public.agency_names(engine_for(url))


def agency_names() -> dict[int, str]:
    return _agency_names(_url())


@st.cache_data(ttl="10m", show_spinner=False)
def _agency_short_names(url: str) -> dict[str, str]:
    engine = engine_for(url)
    full, short = public.agency_names(engine), queries.agency_options(engine)
    return {name: short.get(i) or name for i, name in full.items()}


def agency_short_names() -> dict[str, str]:
    """Agency full name → short name ("临江市青石区市场监督管理局" → "区市场监管局"), for narrow columns and charts."""
    return _agency_short_names(_url())


@st.cache_data(ttl="10m", show_spinner=False)
def _agency_link_keys(url: str) -> dict[str, int]:
    return public.agency_keys(engine_for(url))


def agency_link_keys() -> dict[str, int]:
    """Agency id (as text), code and full name → id: what a shared link's ``agency`` may hold."""
    return _agency_link_keys(_url())


def _facts_version(url: str) -> int:
    """The version of the decision facts, brought up to date first (one indexed read when nothing changed): the
    statistics below are cached per version, so a write shows at once and an unchanged database is never re-read."""
    return summaries.current_version(engine_for(url))


@st.cache_data(max_entries=32, show_spinner="正在统计…")
def _annual_records(url: str, year: int, version: int, agencies: tuple[tuple[int, str], ...],
                    filed: frozenset[int]) -> list[dict]:
    tallies = stats.annual_tallies(engine_for(url), year)
    reported = filed | {t.agency_id for t in tallies}
    # Only the suppressed public rows are cached: a cached value can never reveal a small cell.
    return annual_report_from_tallies(tallies, year, dict(agencies), reported).to_records(suppress=True)


def annual_records(year: int) -> list[dict]:
    url = _url()
    engine = engine_for(url)
    return _annual_records(url, year, _facts_version(url), tuple(stats.enforcing_agencies(engine).items()),
                           stats.agencies_with_cases_filed(engine, year))


@st.cache_data(ttl="10m", show_spinner=False)
def _years(url: str) -> list[int]:
    return stats.decision_years(engine_for(url))


def decision_years() -> list[int]:
    return _years(_url())


@st.cache_data(max_entries=16, show_spinner="正在计算公示时限…")
def _clocks(url: str, today: dt.date, version: int, public_only: bool) -> stats.ClockOverview:
    engine = engine_for(url)
    return stats.clock_overview(engine, today, stats.load_calendar(engine), public_only=public_only)


def disclosure_clocks(today: dt.date) -> stats.ClockOverview:
    """Per-agency punctuality and the latest published decisions, for the public page."""
    url = _url()
    # Visibility is part of the cache key: the public list names published decisions only.
    return _clocks(url, today, _facts_version(url), True)


def supervision_clocks(today: dt.date) -> stats.ClockOverview:
    """The same with unpublished overdue decisions named: only for pages that require SUPERVISION_READ."""
    url = _url()
    return _clocks(url, today, _facts_version(url), False)


@st.cache_data(max_entries=16, show_spinner="正在评查案卷…")
def _completeness(url: str, agency: int | None, version: int) -> completeness.CompletenessOverview:
    return completeness.overview(engine_for(url), agency)


def completeness_overview(agency: int | None) -> completeness.CompletenessOverview:
    """Counts, per-agency figures and the lowest-scoring cases of the stored completeness scores (all agencies, or
    one). Cached per version of the scores, brought up to date first (db.completeness: one indexed read when no
    case changed), so a new step shows at once and an unchanged database is never read twice."""
    url = _url()
    return _completeness(url, agency, completeness.current_version(engine_for(url)))


def _board_version(url: str) -> int:
    """The version of the stored review board, brought up to date first (one indexed read when nothing changed):
    the board reads below are cached per (version, today), so a write shows at once."""
    return board.current_version(engine_for(url))


@st.cache_data(max_entries=8, show_spinner="正在统计…")
def _supervision_board(url: str, today: dt.date, version: int, rows: int) -> board.BoardOverview:
    engine = engine_for(url)
    return board.board_overview(engine, stats.load_calendar(engine), today, limit=rows)


def supervision_board(today: dt.date, rows: int) -> board.BoardOverview:
    """The review status board's tallies (every major case counted) and its newest ``rows`` violations and cases
    (case numbers included): only for pages that require SUPERVISION_READ."""
    url = _url()
    return _supervision_board(url, today, _board_version(url), rows)


# ------------------------------------------------------------------------------------------------- after a write
# A write forgets only the cached reads whose data it changed: the other pages, and the schema check every page
# makes, stay cached.

@st.cache_data(max_entries=8, show_spinner="正在统计…")
def _public_review(url: str, today: dt.date, version: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    engine = engine_for(url)
    # Only aggregates are cached for the public: no case or decision number.
    return public.public_review(engine, stats.load_calendar(engine), today)


def public_review(today: dt.date) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(per-agency summary, review durations counted per agency and status) of major decisions for the public page."""
    url = _url()
    return _public_review(url, today, _board_version(url))


# The completeness overview is not here: it is keyed by the version of the stored scores, which every write it reads
# raises (an agency's short name included).
_AGENCY_READS = (_agency_names, _agency_link_keys, _agency_short_names, _public_decisions, _public_summary, _annual_records,
                 _public_review, _supervision_board)
_DATA_READS = (*_AGENCY_READS, _years)
CASE_RECORD_KINDS = frozenset({"officers", "matters", "cases", "events", "reviews"})  # nothing public until decided


def _forget(*reads) -> None:
    for read in dict.fromkeys(reads):
        read.clear()


def after_review_decision() -> None:
    """A legal review's outcome moves the public summary and the completeness scores: both are keyed by the version of
    their stored rows (the review board's, the scores'), which the refresh before the next read raises; nothing to
    forget."""


def after_case_event() -> None:
    """A step appended to a case's record changes its completeness score, which is keyed by the scores' version (the
    refresh before the next read raises it); no public view reads case steps: nothing to forget."""


def after_calendar_change() -> None:
    """An entered 放假/调休 day moves the disclosure deadlines and the review board's working-day counts: the facts and
    board versions those reads are cached by rise with it (database triggers), so nothing needs forgetting here."""


def after_import(kind: str, *, agencies_may_change: bool) -> None:
    """Case-record kinds change only the completeness scores (keyed by their version); any kind may add agencies
    (named in every public view); decisions and every other kind change the public data itself."""
    if kind not in CASE_RECORD_KINDS:
        _forget(*_DATA_READS)
    elif agencies_may_change:
        _forget(*_AGENCY_READS)


def after_decision_recorded() -> None:
    """A decision recorded in the case page is published at once: every public view and the clocks change."""
    _forget(*_DATA_READS)
