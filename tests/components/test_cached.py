"""A write forgets only the cached reads it made stale: the counts below are how often each read reached the
database."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest

from components import cached
from db import completeness, public, stats

TODAY = dt.date(2026, 11, 20)


@pytest.fixture
def reads(app_db, monkeypatch) -> Counter:
    """Calls through to the database, counted per cached read."""
    calls: Counter = Counter()

    def counting(module, name: str) -> None:
        original = getattr(module, name)

        def wrapper(*args, **kwargs):
            calls[name] += 1
            return original(*args, **kwargs)

        monkeypatch.setattr(module, name, wrapper)

    counting(stats, "clock_overview")
    counting(public, "agency_names")
    counting(public, "public_summary")
    counting(completeness, "overview")
    return calls


def read_all() -> None:
    cached.disclosure_clocks(TODAY)
    cached.agency_names()
    cached.public_summary(TODAY)
    cached.completeness_overview(None)


def after(write) -> None:
    read_all()
    read_all()  # the second time from the cache
    write()
    read_all()


def test_reads_are_cached(reads) -> None:
    read_all()
    read_all()
    assert reads == Counter({"clock_overview": 1, "agency_names": 1, "public_summary": 1, "overview": 1})


def test_the_clocks_are_read_again_when_the_facts_version_changes(reads, monkeypatch) -> None:
    """Writes (calendar entries included) raise the facts version in the database; no Python hook is needed."""
    version = [1]
    monkeypatch.setattr(cached, "_facts_version", lambda url: version[0])
    cached.disclosure_clocks(TODAY)
    cached.disclosure_clocks(TODAY)
    assert reads["clock_overview"] == 1
    version[0] = 2
    cached.disclosure_clocks(TODAY)
    assert reads["clock_overview"] == 2
    cached.disclosure_clocks(TODAY + dt.timedelta(days=1))  # overdue depends on the day
    assert reads["clock_overview"] == 3


def test_the_completeness_overview_is_read_again_when_the_scores_version_changes(reads, monkeypatch) -> None:
    """A step, a review or any other write the scores read raises their version in the database (triggers, then the
    refresh before the read); no Python hook is needed, and the other agency's overview is a separate entry."""
    version = [1]
    monkeypatch.setattr(completeness, "current_version", lambda engine: version[0])
    cached.completeness_overview(None)
    cached.completeness_overview(None)
    assert reads["overview"] == 1
    version[0] = 2
    cached.completeness_overview(None)
    assert reads["overview"] == 2
    cached.completeness_overview(2)
    assert reads["overview"] == 3


@pytest.mark.parametrize(("write", "again"), [
    (cached.after_calendar_change, set()),  # the facts version moves the clocks (test above)
    # the completeness scores' version moves the overview (test above): a step or a review forgets nothing counted
    (cached.after_review_decision, set()),
    (cached.after_case_event, set()),
    (lambda: cached.after_import("events", agencies_may_change=False), set()),
    (lambda: cached.after_import("cases", agencies_may_change=True), {"agency_names", "public_summary"}),
    (lambda: cached.after_import("decisions", agencies_may_change=False), {"agency_names", "public_summary"}),
])
def test_a_write_forgets_only_what_it_changed(reads, write, again) -> None:
    after(write)
    assert {name for name, n in reads.items() if n == 2} == again
    assert all(n == 1 for name, n in reads.items() if name not in again)
