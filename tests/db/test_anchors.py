"""Found: rewriting an event and recomputing every hash and the chain head passed verify-chain; so did changing an
evidence file's sha256, swapping an event's officers and deleting audit rows. Now a v2 event's hash covers its
officers and evidence, and a 记录链锚点 published before a wholesale rewrite exposes it
(``verify-chain --anchor``). Each attack is carried out as the database owner, triggers lifted. SQLite and
PostgreSQL."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import Engine, text

import manage
from db.anchors import list_anchors, publish_today, verify_anchor
from db.append_only import suspended
from db.events import append_event, evidence_from_bytes
from db.integrity import verify_chains
from domain.chain import GENESIS, event_hash, event_hash_v2
from domain.enums import RecordForm, Stage
from tests.db.test_events import FILED, NOW, at, filed_case, step


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db(request, monkeypatch) -> Engine:
    copy = request.getfixturevalue("seeded_sqlite_copy" if request.param == "sqlite" else "seeded_pg_copy")
    engine = copy(40, 3)
    monkeypatch.setenv("DATABASE_URL", engine.url.render_as_string(hide_password=False))
    return engine


def _v2_event(engine: Engine) -> tuple[int, int]:
    case_id, actor, two = filed_case(engine)
    evidence = evidence_from_bytes("现场.jpg", "image/jpeg", b"\xff\xd8photo")
    result = append_event(engine, case_id, step(Stage.INVESTIGATION, "现场检查", at(FILED, 14), two,
                                                record_forms=(RecordForm.TEXT, RecordForm.PHOTO), evidence=(evidence,)),
                          actor, NOW)
    assert result.ok, result.errors
    return case_id, result.id


def _broken(engine: Engine) -> str | None:
    found = verify_chains(engine).first_break
    return None if found is None else found.reason


def test_changing_an_evidence_sha256_is_found(db: Engine) -> None:
    _, event_id = _v2_event(db)
    assert _broken(db) is None
    with db.begin() as conn, suspended(conn):
        conn.execute(text("UPDATE evidence_files SET sha256 = :h WHERE event_id = :e"), {"h": "a" * 64, "e": event_id})
    assert "证据" in _broken(db)


def test_swapping_an_events_officers_is_found(db: Engine) -> None:
    _, event_id = _v2_event(db)
    with db.begin() as conn, suspended(conn):
        other = conn.execute(text("SELECT id FROM officers WHERE id NOT IN (SELECT officer_id FROM event_officers "
                                  "WHERE event_id = :e) ORDER BY id LIMIT 1"), {"e": event_id}).scalar_one()
        first = conn.execute(text("SELECT MIN(officer_id) FROM event_officers WHERE event_id = :e"),
                             {"e": event_id}).scalar_one()
        conn.execute(text("DELETE FROM event_officers WHERE event_id = :e AND officer_id = :o"),
                     {"e": event_id, "o": first})
        conn.execute(text("INSERT INTO event_officers (event_id, officer_id) VALUES (:e, :o)"),
                     {"e": event_id, "o": other})
    assert "执法人员" in _broken(db)


def _rewrite_case(engine: Engine, case_id: int) -> None:
    """The full-rewrite attack: change the first event's content, then recompute every hash of the case (v1 or v2,
    as stored) and its chain head, so that the chain is internally consistent again."""
    with engine.begin() as conn, suspended(conn):
        conn.execute(text("UPDATE case_events SET note = '事后改写' WHERE case_id = :c AND seq = 1"), {"c": case_id})
        rows = conn.execute(text("SELECT * FROM case_events WHERE case_id = :c ORDER BY seq"), {"c": case_id}
                            ).mappings().all()
        prev = GENESIS
        for row in rows:
            content = dict(row)
            for key in ("occurred_at", "recorded_at"):
                value = content[key]
                if isinstance(value, str):
                    value = dt.datetime.fromisoformat(value)
                content[key] = value if value.tzinfo else value.replace(tzinfo=dt.UTC)
            if row["chain_version"] == "v2":
                officers = conn.execute(text("SELECT officer_id FROM event_officers WHERE event_id = :e"),
                                        {"e": row["id"]}).scalars().all()
                shas = conn.execute(text("SELECT sha256 FROM evidence_files WHERE event_id = :e"),
                                    {"e": row["id"]}).scalars().all()
                digest = event_hash_v2(content, officers, shas, prev)
            else:
                digest = event_hash(content, prev)
            conn.execute(text("UPDATE case_events SET prev_hash = :p, hash = :h WHERE id = :i"),
                         {"p": prev, "h": digest, "i": row["id"]})
            prev = digest
        conn.execute(text("UPDATE cases SET chain_head = :h WHERE id = :c"), {"h": prev, "c": case_id})


def test_a_full_rewrite_passes_the_chain_check_but_not_an_earlier_anchor(db: Engine, tmp_path, capsys) -> None:
    case_id, _ = _v2_event(db)
    anchor = publish_today(db)
    saved = tmp_path / "anchor.json"
    saved.write_text(json.dumps(anchor.to_json()), encoding="utf-8")
    assert manage.main(["verify-chain", "--anchor", str(saved)]) == 0
    assert "锚点一致" in capsys.readouterr().out
    _v2_event(db)  # later appends do not disturb an earlier anchor
    assert verify_anchor(db, anchor.to_json()) == []

    _rewrite_case(db, case_id)
    assert _broken(db) is None  # the chains alone look intact
    assert manage.main(["verify-chain"]) == 0
    capsys.readouterr()
    assert manage.main(["verify-chain", "--anchor", str(saved)]) == 1
    assert "根哈希不符" in capsys.readouterr().out


def test_deleting_audit_rows_breaks_the_anchors_audit_chain(db: Engine) -> None:
    anchor = publish_today(db).to_json()
    with db.begin() as conn, suspended(conn):
        conn.execute(text("DELETE FROM audit_log WHERE id = (SELECT MIN(id) FROM audit_log)"))
    problems = verify_anchor(db, anchor)
    assert len(problems) == 1 and "审计日志链不符" in problems[0]


def test_one_anchor_a_day(db: Engine) -> None:
    first = publish_today(db, dt.datetime(2026, 11, 30, 1, tzinfo=dt.UTC))
    _v2_event(db)
    again = publish_today(db, dt.datetime(2026, 11, 30, 9, tzinfo=dt.UTC))
    assert again == first
    later = publish_today(db, dt.datetime(2026, 12, 1, 1, tzinfo=dt.UTC))
    assert later.max_event_id > first.max_event_id and later.root != first.root
    assert [a.anchored_on for a in list_anchors(db)] == ["2026-12-01", "2026-11-30"]


def test_v1_events_keep_verifying_under_v1(db: Engine) -> None:
    """Events chained before v2 (hashing the row only) verify as they are, beside v2 events; altering one is still
    found."""
    with db.connect() as conn:
        assert set(conn.execute(text("SELECT DISTINCT chain_version FROM case_events")).scalars()) == {"v2"}
        case_id = conn.execute(text("SELECT id FROM cases WHERE id NOT IN (SELECT case_id FROM case_events) "
                                    "ORDER BY id LIMIT 1")).scalar()
    if case_id is None:
        case_id, _ = _v2_event(db)  # any case: a v1 event is appended after its v2 events below
    with db.connect() as conn:
        prev = conn.execute(text("SELECT chain_head FROM cases WHERE id = :c"), {"c": case_id}).scalar_one()
        seq = conn.execute(text("SELECT COUNT(*) FROM case_events WHERE case_id = :c"), {"c": case_id}).scalar_one() + 1
    when = dt.datetime(2026, 11, 2, 2, 0, tzinfo=dt.UTC)
    content = {"case_id": case_id, "seq": seq, "occurred_at": when, "stage": "调查取证", "action": "旧系统记录",
               "officer_cert_nos": "", "document_no": None, "record_forms": "文字", "location": None, "note": "",
               "corrects_event_id": None, "recorded_at": when, "recorded_by": "legacy"}
    digest = event_hash(content, prev)
    with db.begin() as conn:
        conn.execute(text(
            "INSERT INTO case_events (case_id, seq, occurred_at, stage, action, officer_cert_nos, record_forms, note, "
            "recorded_at, recorded_by, prev_hash, hash, chain_version) VALUES (:case_id, :seq, :t, :stage, :action, '', "
            "'文字', '', :t, 'legacy', :prev, :hash, 'v1')"),
            {**content, "t": when, "prev": prev, "hash": digest})
        conn.execute(text("UPDATE cases SET chain_head = :h WHERE id = :c"), {"h": digest, "c": case_id})
    assert _broken(db) is None
    with db.begin() as conn, suspended(conn):
        conn.execute(text("UPDATE case_events SET action = '改写' WHERE case_id = :c AND seq = :s"),
                     {"c": case_id, "s": seq})
    assert "内容哈希不符" in _broken(db)


def test_a_bad_anchor_file_is_a_one_line_error(db: Engine, tmp_path, capsys) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    assert manage.main(["verify-chain", "--anchor", str(bad)]) == 2
    assert manage.main(["verify-chain", "--anchor", str(tmp_path / "missing.json")]) == 2
    bad.write_text('{"items": [{"root": "x"}]}', encoding="utf-8")
    assert manage.main(["verify-chain", "--anchor", str(bad)]) == 2
    assert "Traceback" not in capsys.readouterr().err
