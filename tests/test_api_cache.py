"""The API's server-side answers: a repeated identical request is answered from RESPONSES after one primary-key
read of the public data version; any write to the public data changes the answer at once; the cache is bounded in
entries and bytes; public reads go through read-only connections; /health answers without a database read when it
checked less than a second ago."""

from __future__ import annotations

import asyncio
import os

import pytest
from sqlalchemy import Engine, event, select, text, update
from sqlalchemy.exc import OperationalError
from starlette.applications import Starlette

import api
from db import models as m
from db.engine import public_read_engine
from tests.asgi import get
from tests.conftest import SMALL_SEED_CASES


@pytest.fixture
def copy(seeded_sqlite_copy, monkeypatch) -> Engine:
    engine = seeded_sqlite_copy(SMALL_SEED_CASES, 7)
    monkeypatch.setenv("DATABASE_URL", str(engine.url))
    api.RESPONSES.clear()
    yield engine
    public_read_engine(str(engine.url)).dispose()


@pytest.fixture
def app(copy) -> Starlette:
    return Starlette(routes=api.ROUTES)


class _Statements:
    def __init__(self, engine: Engine) -> None:
        self.seen: list[str] = []
        event.listen(engine, "before_cursor_execute", lambda *a: self.seen.append(a[2]))


def test_a_repeated_request_costs_one_version_read(app, copy) -> None:
    statements = _Statements(public_read_engine(str(copy.url)))
    first = get(app, "/api/v1/decisions", {"q": "食品", "page_size": "7"})
    one = get(app, "/api/v1/decisions/" + str(first.json()["items"][0]["id"]))
    statements.seen.clear()
    again = get(app, "/api/v1/decisions", {"page_size": "7", "q": "食品"})  # same query, other parameter order
    one_again = get(app, "/api/v1/decisions/" + str(first.json()["items"][0]["id"]))
    assert again.content == first.content and one_again.content == one.content
    assert again.headers["etag"] == first.headers["etag"]
    assert len(statements.seen) == 2 and all("public_data_version" in s for s in statements.seen)


def test_a_write_changes_the_answer_at_once(app, copy) -> None:
    before = get(app, "/api/v1/decisions", {"page_size": "3"})
    victim = before.json()["items"][0]["id"]
    assert get(app, f"/api/v1/decisions/{victim}").status_code == 200
    with copy.begin() as conn:
        conn.execute(update(m.PublicRecord).where(m.PublicRecord.decision_id == victim)
                     .values(held_reason="待脱敏复核：测试"))
    after = get(app, "/api/v1/decisions", {"page_size": "3"})
    assert after.json()["total"] == before.json()["total"] - 1
    assert victim not in [i["id"] for i in after.json()["items"]]
    assert after.headers["etag"] != before.headers["etag"]
    assert get(app, f"/api/v1/decisions/{victim}").status_code == 404


def test_the_response_cache_is_bounded_in_entries_and_bytes() -> None:
    cache = api._ResponseCache(max_entries=3, max_bytes=1000)
    for i in range(5):
        cache.put(("k", i), b"x" * 100)
    assert cache.size == (3, 300) and cache.get(("k", 0)) is None and cache.get(("k", 4)) is not None
    cache.put(("big",), b"y" * 130)  # an eighth of the budget at most per entry: 130 > 1000 // 8 is not kept
    assert cache.get(("big",)) is None
    for i in range(3):
        cache.put(("m", i), b"z" * 110)
    assert cache.size[1] <= 1000 and cache.size[0] <= 3


def test_public_reads_use_read_only_connections(copy) -> None:
    reader = public_read_engine(str(copy.url))
    with reader.connect() as conn:
        assert conn.execute(select(m.PublicDataVersion.version)).scalar_one() > 0
        with pytest.raises(OperationalError, match="readonly|read-only|query_only"):
            conn.execute(text("UPDATE public_data_version SET version = version + 1"))
    assert reader.pool.size() == max(2, os.cpu_count() or 2)  # sized to the cores, not 5 + 10 overflow


def test_health_reuses_a_fresh_answer(copy, monkeypatch) -> None:
    import server

    calls: list[int] = []
    monkeypatch.setattr(server, "_database_ok", lambda: calls.append(1) or True)
    server._health_seen.clear()
    for _ in range(5):
        response = asyncio.run(server.health(None))
        assert response.status_code == 200
    assert calls == [1]


def test_concurrent_requests_for_a_new_answer_compute_it_once(app, monkeypatch) -> None:
    """A second request for the same uncached page waits for the first one's answer instead of computing it too
    (on a fresh server 20 clients computed each new text page together, and the first seconds of load stalled)."""
    import threading
    import time

    real, calls = api.public.public_decision_page, []
    started, release = threading.Event(), threading.Event()

    def slow(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            started.set()
            release.wait(10)
        return real(*args, **kwargs)

    monkeypatch.setattr(api.public, "public_decision_page", slow)
    answers: list = [None, None]

    def ask(i: int) -> None:
        answers[i] = get(app, "/api/v1/decisions", {"q": "食品", "page_size": "5"})

    first = threading.Thread(target=ask, args=(0,))
    first.start()
    assert started.wait(10)
    second = threading.Thread(target=ask, args=(1,))
    second.start()
    time.sleep(0.5)  # time for the second request to reach the cache and wait (or, before, to compute its own)
    release.set()
    first.join(10)
    second.join(10)
    assert len(calls) == 1
    assert answers[0].status_code == answers[1].status_code == 200
    assert answers[0].content == answers[1].content


def test_every_request_lets_go_of_its_key_whatever_its_answer(app) -> None:
    bad = get(app, "/api/v1/decisions", {"page": "0"})
    assert bad.status_code == 400
    assert get(app, "/api/v1/decisions", {"page": "1"}).status_code == 200
    assert api.RESPONSES.flights.in_progress() == 0  # every request let go of its key
