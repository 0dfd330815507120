"""Open-data API routes of 双随机、一公开 and entity profiles (tests/asgi.py against the shared seeded database)."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from starlette.applications import Starlette

import api
from db import models as m
from domain.draw import commitment_of
from domain.redaction import find_personal_data
from tests.asgi import get


@pytest.fixture
def app(seeded_sqlite, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", seeded_sqlite[0])
    return Starlette(routes=api.ROUTES)


def test_draw_list_and_one_draw_with_its_verification(app, seeded_sqlite) -> None:
    listed = get(app, "/api/v1/draws").json()
    assert listed["total"] >= 40
    planted = seeded_sqlite[1].inspection_planted["pool_mismatch"]
    for item in listed["items"]:
        one = get(app, f"/api/v1/draws/{item['id']}").json()
        assert one["commitment"] == commitment_of(one["published"]["seed"])
        assert one["verification"]["consistent"] is (item["draw_no"] != planted)
    bad = next(i for i in listed["items"] if i["draw_no"] == planted)
    summary = get(app, f"/api/v1/draws/{bad['id']}").json()["verification"]["summary"]
    assert summary.startswith("检查对象名录与抽取时的快照不同")


@pytest.mark.parametrize(("path", "status"), [("/api/v1/draws/0", 400), ("/api/v1/draws/abc", 400),
                                              ("/api/v1/draws/999999", 404),
                                              ("/api/v1/entities", 400), ("/api/v1/entities/123", 400),
                                              ("/api/v1/entities/91440703YY0000000X", 400),
                                              ])
def test_bad_requests_are_chinese_json_errors(app, path: str, status: int) -> None:
    response = get(app, path)
    assert response.status_code == status, response.text
    assert response.json()["error"]


@pytest.mark.parametrize(("path", "params"), [("/api/v1/draws", {"x": "1"}), ("/api/v1/inspections", {"uscc": "abc"}),
                                              ("/api/v1/inspections", {"draw": "-1"}),
                                              ("/api/v1/inspections", {"other": "1"})])
def test_bad_parameters_are_400(app, path: str, params: dict) -> None:
    response = get(app, path, params)
    status = 400
    assert response.status_code == status, response.text
    assert response.json()["error"]


def test_entity_profile_and_inspections(app, seeded_engine) -> None:
    with seeded_engine.connect() as conn:
        code = conn.scalar(select(m.Inspection.entity_uscc).where(m.Inspection.result_published_on.is_not(None))
                           .order_by(m.Inspection.id).limit(1))
    profile = get(app, f"/api/v1/entities/{code}").json()
    assert profile["uscc"] == code
    assert profile["credit"]["class"] in ("良好", "警示", "失信", "严重失信") and profile["credit"]["rule"]
    assert profile["inspections"] and all(i["entity_uscc"] == code for i in profile["inspections"])
    for d in profile["decisions"]:
        assert not find_personal_data(" ".join(str(v) for v in d.values() if v))
    results = get(app, "/api/v1/inspections", {"uscc": code}).json()
    assert results["total"] == len(profile["inspections"])
    found = get(app, "/api/v1/entities", {"q": profile["name"][:6]}).json()
    assert any(i["uscc"] == code for i in found["items"]) or found["total"] == 50


def test_every_entity_profile_and_draw_holds_no_personal_data(app, seeded_engine) -> None:
    """The redaction sweep over the new outputs: every entity profile and every draw, no ID number, phone or
    natural-person party's full name."""
    from domain.enums import PartyType

    with seeded_engine.connect() as conn:
        codes = sorted(set(conn.scalars(select(m.Inspection.entity_uscc)))
                       | set(conn.scalars(select(m.PublicRecord.uscc).where(m.PublicRecord.uscc != ""))))
        persons = {n for n in conn.scalars(select(m.Party.name).where(m.Party.party_type == PartyType.NATURAL_PERSON))
                   if len(n) >= 3}
        reps = {n for n in conn.scalars(select(m.Party.legal_representative)) if n and len(n) >= 3}
    texts = [get(app, f"/api/v1/entities/{code}").text for code in codes[:150]]
    texts += [get(app, f"/api/v1/draws/{i['id']}").text for i in get(app, "/api/v1/draws").json()["items"]]
    assert len(texts) > 100
    for text in texts:
        assert not find_personal_data(text), find_personal_data(text)[:3]
        assert not any(name in text for name in persons | reps)
