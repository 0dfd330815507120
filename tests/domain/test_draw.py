"""The verifiable draw: deterministic, sensitive to every input, checked against its commitment and snapshots."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections import Counter
from datetime import date
from decimal import Decimal

import pytest

from domain.draw import (
    CONSISTENT,
    STRATA,
    DrawError,
    DrawInputs,
    Pairing,
    PoolInspector,
    PoolObject,
    PublishedDraw,
    commitment_of,
    compute_draw,
    inspectors_from_json,
    inspectors_hash,
    inspectors_to_json,
    objects_from_json,
    objects_hash,
    objects_to_json,
    published_json,
    rank_key,
    repeated_pairings,
    selection_from_json,
    selection_to_json,
    stratum_summary,
    verify_draw,
)

DAY = date(2025, 3, 10)
SEED = "5f1c0e5a-seed-青山区-2025-01"
RATIOS = {"良好": Decimal("0.05"), "警示": Decimal("0.2"), "失信": Decimal("0.5"), "严重失信": Decimal("1")}


def _objects() -> tuple[PoolObject, ...]:
    strata = ["良好"] * 60 + ["警示"] * 20 + ["失信"] * 8 + ["严重失信"] * 2
    return tuple(PoolObject(f"91440703YY{n:07d}X", f"样例企业{n}", s) for n, s in enumerate(strata))


def _inspectors() -> tuple[PoolInspector, ...]:
    return tuple(PoolInspector(f"44070300{n:04d}", f"执法员{n}", date(2020, 1, 1), date(2027, 12, 31))
                 for n in range(8))


def _inputs(**changes) -> DrawInputs:
    base = DrawInputs(SEED, DAY, _objects(), _inspectors(), RATIOS)
    return dataclasses.replace(base, **changes)


def _published(inputs: DrawInputs, **changes) -> PublishedDraw:
    base = PublishedDraw(commitment_of(inputs.seed), objects_hash(inputs.objects), inspectors_hash(inputs.inspectors),
                         inputs, compute_draw(inputs), inputs.objects, inputs.inspectors)
    return dataclasses.replace(base, **changes)


def test_commitment_is_sha256_of_the_seed() -> None:
    assert commitment_of("abc") == hashlib.sha256(b"abc").hexdigest()
    assert rank_key("s", "m") == hashlib.sha256(b"s|m").hexdigest()


def test_same_inputs_same_selection() -> None:
    first = compute_draw(_inputs())
    assert first == compute_draw(_inputs())
    # Pool order does not matter: the algorithm ranks by hash, not by position.
    assert compute_draw(_inputs(objects=tuple(reversed(_objects())),
                                inspectors=tuple(reversed(_inspectors())))) == first


def test_stratified_ratios_are_honoured() -> None:
    counts = Counter(p.stratum for p in compute_draw(_inputs()))
    # ⌈60×5%⌉ = 3, ⌈20×20%⌉ = 4, ⌈8×50%⌉ = 4, ⌈2×100%⌉ = 2
    assert counts == {"良好": 3, "警示": 4, "失信": 4, "严重失信": 2}
    # Strata in risk order, lowest first
    order = [p.stratum for p in compute_draw(_inputs())]
    assert order == sorted(order, key=STRATA.index)


@pytest.mark.parametrize(("n", "ratio", "k"), [(0, "0.5", 0), (1, "0.01", 1), (10, "0", 0), (10, "0.25", 3),
                                                (10, "1", 10), (7, "0.5", 4)])
def test_quota_is_ceiling(n: int, ratio: str, k: int) -> None:
    objects = tuple(PoolObject(f"M{i}", f"企业{i}", "警示") for i in range(n))
    assert len(compute_draw(_inputs(objects=objects, ratios={"警示": Decimal(ratio)}))) == k


def test_inspectors_two_per_object_valid_and_not_conflicted() -> None:
    inspectors = list(_inspectors())
    inspectors[0] = dataclasses.replace(inspectors[0], cert_valid_to=date(2025, 3, 9))  # expired the day before
    first_member = _objects()[0].member_id
    inspectors[1] = dataclasses.replace(inspectors[1], conflicts=frozenset({first_member}))
    result = compute_draw(_inputs(inspectors=tuple(inspectors)))
    for p in result:
        assert len(p.cert_nos) == 2 and len(set(p.cert_nos)) == 2
        assert inspectors[0].cert_no not in p.cert_nos
        if p.member_id == first_member:
            assert inspectors[1].cert_no not in p.cert_nos


def test_too_few_inspectors_is_an_error() -> None:
    with pytest.raises(DrawError, match="不足"):
        compute_draw(_inputs(inspectors=_inspectors()[:1]))
    with pytest.raises(DrawError, match="至少"):
        compute_draw(_inputs(per_inspection=1))
    with pytest.raises(DrawError, match="比例"):
        compute_draw(_inputs(ratios={"良好": Decimal("1.5")}))


def test_verification_of_an_honest_draw_is_consistent() -> None:
    v = verify_draw(_published(_inputs()))
    assert v.ok and v.summary == CONSISTENT


def test_wrong_seed_fails_the_commitment() -> None:
    honest = _published(_inputs())
    forged = dataclasses.replace(honest, inputs=_inputs(seed=SEED + "x"))
    v = verify_draw(forged)
    assert not v.ok and "承诺值" in v.summary


def test_changing_the_seed_changes_the_selection() -> None:
    assert compute_draw(_inputs(seed="另一个种子")) != compute_draw(_inputs())


def test_changing_one_pool_member_changes_the_verification() -> None:
    honest = _published(_inputs())
    objects = list(_objects())
    objects[5] = dataclasses.replace(objects[5], member_id="91440703YY9999999X")
    tampered = dataclasses.replace(honest, inputs=_inputs(objects=tuple(objects)))
    v = verify_draw(tampered)
    assert not v.ok
    assert v.summary.startswith("检查对象名录与抽取时的快照不同") and "91440703YY0000005X" in v.summary
    assert any("哈希" in d for d in v.differences)


def test_a_changed_inspector_is_found() -> None:
    honest = _published(_inputs())
    inspectors = list(_inspectors())
    inspectors[2] = dataclasses.replace(inspectors[2], name="改过的名字")
    v = verify_draw(dataclasses.replace(honest, inputs=_inputs(inspectors=tuple(inspectors))))
    assert not v.ok and v.summary.startswith("执法检查人员名录")


def test_a_swapped_selection_is_found_at_its_position() -> None:
    honest = _published(_inputs())
    selection = list(honest.selection)
    selection[2] = Pairing(selection[2].member_id, selection[2].stratum, tuple(reversed(selection[2].cert_nos)))
    v = verify_draw(dataclasses.replace(honest, selection=tuple(selection)))
    assert v.differences == (v.summary,) and v.summary.startswith("抽取结果第 3 项不同")


def test_missing_selection_rows_are_found() -> None:
    honest = _published(_inputs())
    v = verify_draw(dataclasses.replace(honest, selection=honest.selection[:-1]))
    assert not v.ok and "共公布" in v.summary


def test_without_a_snapshot_the_hash_still_catches_a_change() -> None:
    honest = _published(_inputs(), object_snapshot=None, inspector_snapshot=None)
    objects = _objects()[:-1]
    v = verify_draw(dataclasses.replace(honest, inputs=_inputs(objects=objects)))
    assert v.summary == "公布的检查对象名录与抽取前公布的名录哈希不符"


def test_json_round_trips() -> None:
    inputs = _inputs()
    assert objects_from_json(objects_to_json(inputs.objects)) == inputs.objects
    inspectors = (dataclasses.replace(_inspectors()[0], conflicts=frozenset({"A", "B"})),)
    assert inspectors_from_json(inspectors_to_json(inspectors)) == inspectors
    selection = compute_draw(inputs)
    assert selection_from_json(selection_to_json(selection)) == selection


def test_repeated_pairings_across_consecutive_draws() -> None:
    a = (Pairing("M1", "良好", ("C1", "C2")),)
    b = (Pairing("M1", "良好", ("C2", "C3")), Pairing("M2", "良好", ("C1", "C4")))
    c = (Pairing("M1", "良好", ("C1", "C4")),)
    assert repeated_pairings([("一", a), ("二", b), ("三", c)]) == [("一", "二", "M1", "C2")]


def test_stratum_summary_matches_the_quota() -> None:
    inputs = _inputs()
    rows = {r.stratum: r for r in stratum_summary(inputs, compute_draw(inputs))}
    assert [(rows[s].pool, rows[s].quota, rows[s].drawn) for s in STRATA] == [(60, 3, 3), (20, 4, 4), (8, 4, 4),
                                                                              (2, 2, 2)]


def test_published_json_is_enough_to_recompute() -> None:
    published = _published(_inputs())
    doc = json.loads(published_json(published))
    assert commitment_of(doc["seed"]) == doc["commitment"]
    rebuilt = DrawInputs(doc["seed"], date.fromisoformat(doc["drawn_on"]),
                         objects_from_json(json.dumps(doc["objects"])),
                         inspectors_from_json(json.dumps(doc["inspectors"])),
                         {k: Decimal(v) for k, v in doc["ratios"].items()}, doc["per_inspection"])
    assert selection_to_json(compute_draw(rebuilt)) == json.dumps(doc["selection"], ensure_ascii=False)
