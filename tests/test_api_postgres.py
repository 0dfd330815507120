"""The open-data API on PostgreSQL, where its two fast paths differ from SQLite: the full CSV is written by the
database (COPY) and the data version behind every ETag is read through its own one-round-trip engine. The download
must hold exactly the rows and bytes of the general path, and a committed change must reach the next answer."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, select, update
from starlette.applications import Starlette

import api
from db import engine as engines
from db import models as m
from db.public import PUBLIC_COLUMNS, iter_public_decisions
from domain.filters import DecisionFilters
from domain.formatting import today_shanghai
from domain.opendata import BOM, csv_lines, json_document
from tests.asgi import get
from tests.conftest import SMALL_SEED_CASES

pytestmark = pytest.mark.postgres


@pytest.fixture
def pg(seeded_pg_copy, monkeypatch) -> Iterator[Engine]:
    engine = seeded_pg_copy(SMALL_SEED_CASES, 7)
    url = engine.url.render_as_string(hide_password=False)
    monkeypatch.setenv("DATABASE_URL", url)
    api.RESPONSES.clear()
    yield engine
    api.RESPONSES.clear()
    for cache in (engines._shared, engines._version_readers):  # the database is dropped after the test
        if (held := cache.pop(url, None)) is not None:
            held.dispose()


def test_the_full_csv_on_postgresql_is_the_general_paths_bytes(pg: Engine) -> None:
    app = Starlette(routes=api.ROUTES)
    for params in ({}, {"q": "食品"}):
        r = get(app, "/api/v1/decisions.csv", params)
        assert r.status_code == 200
        assert r.headers["content-type"].startswith("text/csv")
        f = DecisionFilters(q=params.get("q", ""))
        expected = "".join(csv_lines(iter_public_decisions(pg, f, today_shanghai()), PUBLIC_COLUMNS))
        assert r.content.startswith(BOM.encode()) and r.content.count(b"\r\n") > 10
        assert r.text == expected


def test_the_full_json_on_postgresql_is_the_general_paths_document(pg: Engine) -> None:
    app = Starlette(routes=api.ROUTES)
    r = get(app, "/api/v1/decisions.json")
    assert r.status_code == 200
    body = r.json()
    expected = "".join(json_document(iter_public_decisions(pg, DecisionFilters(), today_shanghai()),
                                     {"total": body["total"]}))
    assert len(body["items"]) == body["total"] > 10
    assert r.text == expected


def test_a_committed_change_reaches_the_next_answer_and_its_etag(pg: Engine) -> None:
    app = Starlette(routes=api.ROUTES)
    first = get(app, "/api/v1/decisions")
    tag = first.headers["etag"]
    assert get(app, "/api/v1/decisions", headers=[("if-none-match", tag)]).status_code == 304
    shown = first.json()["items"][0]["id"]
    with pg.begin() as conn:  # held for review: the decision leaves the public list
        conn.execute(update(m.PublicRecord).where(m.PublicRecord.decision_id == shown)
                     .values(held_reason="待脱敏复核：测试"))
        assert conn.execute(select(m.PublicRecord.held_reason).where(m.PublicRecord.decision_id == shown)).scalar()
    after = get(app, "/api/v1/decisions", headers=[("if-none-match", tag)])
    assert after.status_code == 200 and after.headers["etag"] != tag
    assert shown not in [item["id"] for item in after.json()["items"]]


@pytest.mark.parametrize("path", ["/api/v1/decisions.csv", "/api/v1/decisions.json"])
def test_a_download_the_client_cancels_gives_back_its_connection_at_once(pg: Engine, path: str) -> None:
    """Starlette stops sending when the client goes away but never closes the body: the COPY kept running on a
    pooled connection until the garbage collector found it."""
    app = Starlette(routes=api.ROUTES)
    url = pg.url.render_as_string(hide_password=False)
    held: list[int] = []
    r = get(app, path, {"q": ""}, gone_after_blocks=1,
            while_gone=lambda: held.append(engines.shared_engine(url).pool.checkedout()))
    assert r.status_code == 200 and r.content
    assert held == [0]
    assert get(app, path).status_code == 200  # and the pool still serves the next download


def test_copy_writes_utf8_whatever_the_connections_client_encoding(pg: Engine) -> None:
    from db.public import public_csv

    url = pg.url.set(query={**pg.url.query, "client_encoding": "GBK"})
    gbk = engines.make_engine(url.render_as_string(hide_password=False))
    try:
        with gbk.connect() as conn:
            assert conn.exec_driver_sql("SHOW client_encoding").scalar_one().upper() == "GBK"
        f = DecisionFilters()
        body = b"".join(public_csv(gbk, f, today_shanghai())).decode("utf-8")
        assert body == "".join(csv_lines(iter_public_decisions(pg, f, today_shanghai()), PUBLIC_COLUMNS))
    finally:
        gbk.dispose()

