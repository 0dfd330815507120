"""The redaction sweep: serialize EVERY public output over the whole seeded dataset — every
page of the API list, the streamed CSV and JSON, the ``manage.py export`` files, the search downloads, the content
of every public decision page (db.public.public_decision, as the page and the API show it) and a rendered sample of
the pages themselves — and find no full ID number, mobile phone or bank account, and no natural person's real name;
while the organisations' registered names and 统一社会信用代码 do appear (they must stay public)."""

from __future__ import annotations

import io
import json

import pytest
from sqlalchemy import select
from starlette.applications import Starlette

import api
from components.opendata import search_download
from db import models as m
from db.export import write_disclosures
from db.public import public_decision, public_decision_record
from domain.enums import PartyType
from domain.filters import DecisionFilters
from domain.formatting import today_shanghai
from domain.opendata import dumps
from domain.redaction import find_personal_data
from tests.asgi import get


@pytest.fixture(scope="module")
def outputs(seeded_sqlite) -> dict[str, str]:
    """Every public serialization of the seeded database, by name (read-only use of the shared database)."""
    from db.engine import make_engine

    url = seeded_sqlite[0]
    mp = pytest.MonkeyPatch()
    mp.setenv("DATABASE_URL", url)
    app = Starlette(routes=api.ROUTES)
    engine = make_engine(url)
    today = today_shanghai()
    out: dict[str, str] = {}
    try:
        page, ids = 1, []
        while True:
            r = get(app, "/api/v1/decisions", {"page": page, "page_size": 100})
            assert r.status_code == 200
            body = r.json()
            if not body["items"]:
                break
            out[f"api page {page}"] = r.text
            ids += [item["id"] for item in body["items"]]
            page += 1
        assert len(ids) == body["total"] > 300
        out["api csv"] = get(app, "/api/v1/decisions.csv").content.decode("utf-8-sig")
        out["api json"] = get(app, "/api/v1/decisions.json").text
        for fmt in ("csv", "json"):
            sink = io.BytesIO()
            write_disclosures(engine, sink, fmt, today)
            out[f"export {fmt}"] = sink.getvalue().decode("utf-8-sig")
            out[f"download {fmt}"] = search_download(url, DecisionFilters(), today, fmt, len(ids)).decode("utf-8-sig")
        details = []
        for decision_id in ids:
            decision = public_decision(engine, decision_id, today)
            assert decision is not None
            details.append(dumps(public_decision_record(decision)))
            details.append(get(app, f"/api/v1/decisions/{decision_id}").text)
        out["decision pages"] = "\n".join(details)
        out["annual"] = "\n".join(get(app, "/api/v1/stats/annual", {"year": y}).text for y in (2023, 2024, 2025, 2026))
        yield out
    finally:
        engine.dispose()
        mp.undo()


@pytest.fixture(scope="module")
def parties(seeded_sqlite) -> tuple[list, list]:
    """(natural persons, organisations) that are parties of public decisions — names, ID numbers, phones, codes."""
    from db.engine import make_engine
    from db.public import public_base

    engine = make_engine(seeded_sqlite[0])
    with engine.connect() as conn:
        public_ids = select(public_base(today_shanghai()).subquery().c.id)
        rows = conn.execute(
            select(m.Party.party_type, m.Party.name, m.Party.uscc, m.Party.id_number, m.Party.phone)
            .join(m.Case, m.Case.party_id == m.Party.id).join(m.Decision, m.Decision.case_id == m.Case.id)
            .where(m.Decision.id.in_(public_ids))).all()
    engine.dispose()
    people = [r for r in rows if r.party_type is PartyType.NATURAL_PERSON]
    orgs = [r for r in rows if r.party_type is not PartyType.NATURAL_PERSON]
    assert len(people) > 20 and len(orgs) > 100
    return people, orgs


def test_no_personal_data_in_any_public_output(outputs) -> None:
    for name, blob in outputs.items():
        assert find_personal_data(blob) == [], name


def test_no_natural_person_is_named_or_identified(outputs, parties) -> None:
    people, _ = parties
    everything = "\n".join(outputs.values())
    for person in people:
        assert person.name not in everything, "a natural person's real name is published"
        assert person.id_number not in everything
        if person.phone:
            assert person.phone not in everything


def test_organisations_keep_their_name_and_credit_code(outputs, parties) -> None:
    _, orgs = parties
    for name in ("api csv", "api json", "export csv", "export json", "decision pages"):
        blob = outputs[name]
        for org in orgs:
            assert org.name in blob, (name, org.name)
            assert org.uscc in blob, (name, org.uscc)


def test_every_item_is_public_shaped(outputs) -> None:
    from domain.redaction import assert_public_record

    for item in json.loads(outputs["api json"])["items"]:
        assert_public_record(item)
    for item in json.loads(outputs["export json"])["items"]:
        assert_public_record(item)


def test_rendered_decision_pages_of_natural_persons(app_db, parties) -> None:
    """A rendered sample of the decision page itself (AppTest), for natural persons, where masking matters most."""
    from db.engine import make_engine
    from tests.pages.conftest import make_app

    people, _ = parties
    engine = make_engine(app_db)
    with engine.connect() as conn:
        ids = conn.execute(
            select(m.Decision.id, m.Party.name).join(m.Case, m.Case.id == m.Decision.case_id)
            .join(m.Party, m.Party.id == m.Case.party_id).where(m.Party.party_type == PartyType.NATURAL_PERSON)
            .where(m.Party.name.in_([p.name for p in people])).order_by(m.Decision.id).limit(8)).all()
    engine.dispose()
    for decision_id, real_name in ids:
        at = make_app(id=str(decision_id))
        at.switch_page("pages/decision.py").run()
        text = "\n".join(str(e.value) for e in (*at.title, *at.markdown, *at.text, *at.error, *at.info, *at.caption))
        assert real_name not in text
        assert find_personal_data(text) == []
