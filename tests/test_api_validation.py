"""HTTP validation of the open-data API: a repeated request with the ETag it was given answers 304 without the
list being read again, and any write to the public data gives a new ETag (so nobody keeps a stale copy)."""

from __future__ import annotations

import pytest
from sqlalchemy import select, update
from starlette.applications import Starlette

import api
from db import models as m
from db.engine import shared_engine
from tests.asgi import get
from tests.conftest import SMALL_SEED_CASES

ROUTES = ["/api/v1/decisions", "/api/v1/decisions.csv", "/api/v1/decisions.json"]


@pytest.fixture
def writable(seeded_sqlite_copy, monkeypatch):
    engine = seeded_sqlite_copy(SMALL_SEED_CASES, 7)
    url = engine.url.render_as_string(hide_password=False)
    monkeypatch.setenv("DATABASE_URL", url)
    yield Starlette(routes=api.ROUTES), engine
    shared_engine(url).dispose()


@pytest.mark.parametrize("path", ROUTES)
def test_the_etag_answers_304_until_the_data_changes(writable, path: str) -> None:
    app, engine = writable
    first = get(app, path, {"q": "有限公司"})
    assert first.status_code == 200 and first.headers["etag"].startswith('W/"')
    again = get(app, path, {"q": "有限公司"}, headers=[("If-None-Match", first.headers["etag"])])
    assert (again.status_code, again.content) == (304, b"")
    with engine.begin() as conn:
        victim = conn.execute(select(m.PublicRecord.decision_id).limit(1)).scalar_one()
        conn.execute(update(m.PublicRecord).where(m.PublicRecord.decision_id == victim)
                     .values(held_reason="待脱敏复核：测试"))
    after = get(app, path, {"q": "有限公司"}, headers=[("If-None-Match", first.headers["etag"])])
    assert after.status_code == 200 and after.headers["etag"] != first.headers["etag"]


def test_errors_carry_no_etag(writable) -> None:
    app, _ = writable
    bad = get(app, "/api/v1/decisions", {"year": "abc"})
    assert bad.status_code == 400 and "etag" not in bad.headers
