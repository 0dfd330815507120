from __future__ import annotations

import datetime as dt

import pytest

from domain.chain import GENESIS, canonical_content, event_hash, verify_case_chain


def make_chain(n: int = 4) -> list[dict]:
    events, prev = [], GENESIS
    for seq in range(1, n + 1):
        ev = {"id": 100 + seq, "case_id": 7, "seq": seq, "stage": "调查取证", "action": f"动作{seq}",
              "occurred_at": dt.datetime(2026, 3, seq, 2, 30, tzinfo=dt.UTC), "officer_cert_nos": "A1、A2",
              "document_no": None, "record_forms": "文字", "location": "青石", "note": "",
              "corrects_event_id": None, "recorded_at": dt.datetime(2026, 3, seq, 3, tzinfo=dt.UTC),
              "recorded_by": "officer:A1"}
        ev["prev_hash"] = prev
        ev["hash"] = prev = event_hash(ev, prev)
        events.append(ev)
    return events


def test_intact_chain_verifies() -> None:
    assert verify_case_chain(make_chain()) is None


def test_altered_content_is_found_at_that_event() -> None:
    chain = make_chain()
    chain[2]["note"] = "事后补写"
    found = verify_case_chain(chain)
    assert found is not None and found.seq == 3 and "改动" in found.reason


def test_deleted_event_is_found_where_the_gap_is() -> None:
    chain = make_chain()
    del chain[1]
    found = verify_case_chain(chain)
    assert found is not None and found.seq == 3


def test_reordered_events_are_found() -> None:
    chain = make_chain()
    chain[1]["seq"], chain[2]["seq"] = 3, 2
    chain[1], chain[2] = chain[2], chain[1]
    found = verify_case_chain(chain)
    assert found is not None and found.seq == 2


def test_timezone_does_not_change_the_hash() -> None:
    ev = make_chain(1)[0]
    shanghai = dict(ev, occurred_at=ev["occurred_at"].astimezone(dt.timezone(dt.timedelta(hours=8))))
    assert canonical_content(ev) == canonical_content(shanghai)


def test_naive_datetime_is_refused() -> None:
    ev = make_chain(1)[0]
    with pytest.raises(ValueError):
        canonical_content(dict(ev, occurred_at=dt.datetime(2026, 1, 1)))
