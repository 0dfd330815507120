"""The stored tables derived from the records — the statistics facts (db.summaries), the review board (db.board) and
the completeness scores (db.completeness) — brought up to date together.

Each is kept from a queue its triggers fill on every write, and each read refreshes what is queued first; that is
cheap for a step or a decision, but a bulk write (an import of officers that thousands of scores name, a file of
decisions) would leave the cost to the first person who opens a page afterwards. ``manage.py init`` and the import
run this right after their own commit instead."""

from __future__ import annotations

import time
from dataclasses import dataclass

from sqlalchemy import Engine

from db import board, completeness, summaries


@dataclass(frozen=True)
class Refreshed:
    facts: int  # decisions whose statistics facts were recomputed
    board: int  # major cases whose review-board row was recomputed
    scores: int  # decided cases rescored for completeness
    seconds: float


def refresh_all(engine: Engine) -> Refreshed:
    """Recompute everything queued, one table per transaction (a write that queues again meanwhile is seen by the
    next refresh)."""
    started = time.perf_counter()
    with engine.begin() as conn:
        facts = summaries.refresh(conn)
    with engine.begin() as conn:
        reviewed = board.refresh(conn)
    with engine.begin() as conn:
        scored = completeness.refresh(conn)
    return Refreshed(facts, reviewed, scored, time.perf_counter() - started)
