"""双随机、一公开: a draw anyone can check (docs/inspections.md).

Before the draw the agency publishes a *commitment*, SHA-256 of a secret seed, together with the SHA-256 of each
pool snapshot (检查对象名录库 and 执法检查人员名录库 as they stood). At the draw it reveals the seed, and the selection
follows from the seed and the pools by the algorithm below, so that nobody — the agency included — could steer it
once the commitment was out, and anybody can recompute it:

1. Objects are grouped by risk stratum (the entity's credit class). In stratum s with n members the draw takes
   k = ⌈n × ratio(s)⌉ objects (ratio between 0 and 1, configurable per stratum; higher risk → higher ratio).
2. Within a stratum every member is ranked by ``SHA-256(seed ‖ "|" ‖ member id)`` (hex, ascending); the first k
   are drawn. Strata are taken in the order of ``STRATA`` and objects listed in rank order.
3. For each drawn object, in that order, the eligible inspectors — certificate valid on the draw day, no 回避
   conflict with that object — are ranked by ``SHA-256(seed ‖ "|" ‖ object id ‖ "|" ‖ certificate no.)`` and the
   first ``per_inspection`` (at least 2, 行政处罚法 art. 42) are paired with it.

Pure Python: no streamlit, no sqlalchemy.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

__all__ = [
    "CONSISTENT", "MIN_INSPECTORS", "STRATA", "DrawError", "DrawInputs", "Pairing", "PoolInspector", "PoolObject",
    "PublishedDraw", "Verification", "commitment_of", "compute_draw", "inspectors_hash", "objects_hash", "pool_hash",
    "rank_key", "repeated_pairings", "verify_draw",
]

CONSISTENT = "一致"
MIN_INSPECTORS = 2
# Risk strata, lowest risk first; the names are the credit classes (domain.credit.CreditClass values).
STRATA: tuple[str, ...] = ("良好", "警示", "失信", "严重失信")


class DrawError(ValueError):
    """Inputs that cannot give a lawful draw (a bad ratio, fewer than two eligible inspectors …)."""


@dataclass(frozen=True)
class PoolObject:
    member_id: str  # 统一社会信用代码 of the entity
    name: str
    stratum: str


@dataclass(frozen=True)
class PoolInspector:
    cert_no: str
    name: str
    cert_valid_from: dt.date
    cert_valid_to: dt.date
    conflicts: frozenset[str] = frozenset()  # member ids this inspector must stay away from (回避)

    def eligible_on(self, day: dt.date, member_id: str) -> bool:
        return self.cert_valid_from <= day <= self.cert_valid_to and member_id not in self.conflicts


@dataclass(frozen=True)
class Pairing:
    member_id: str
    stratum: str
    cert_nos: tuple[str, ...]


@dataclass(frozen=True)
class DrawInputs:
    seed: str
    drawn_on: dt.date
    objects: tuple[PoolObject, ...]
    inspectors: tuple[PoolInspector, ...]
    ratios: Mapping[str, Decimal]
    per_inspection: int = MIN_INSPECTORS


@dataclass(frozen=True)
class Verification:
    """What a recomputation found: ``ok`` with "一致", or every difference, first one first."""

    differences: tuple[str, ...] = field(default=())

    @property
    def ok(self) -> bool:
        return not self.differences

    @property
    def summary(self) -> str:
        return CONSISTENT if self.ok else self.differences[0]


# ------------------------------------------------------------------------------------------------ hashing


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def commitment_of(seed: str) -> str:
    """The commitment published before the draw: SHA-256 of the seed's UTF-8 bytes, lowercase hex."""
    return _sha(seed)


def rank_key(seed: str, *parts: str) -> str:
    return _sha("|".join((seed, *parts)))


def object_record(o: PoolObject) -> list[str]:
    return [o.member_id, o.name, o.stratum]


def inspector_record(i: PoolInspector) -> list[str]:
    return [i.cert_no, i.name, i.cert_valid_from.isoformat(), i.cert_valid_to.isoformat(), *sorted(i.conflicts)]


def pool_hash(records: Iterable[Sequence[str]]) -> str:
    """SHA-256 of a pool snapshot: its records sorted, as compact JSON (ensure_ascii off), UTF-8."""
    canonical = json.dumps(sorted(list(r) for r in records), ensure_ascii=False, separators=(",", ":"))
    return _sha(canonical)


def objects_hash(objects: Iterable[PoolObject]) -> str:
    return pool_hash(object_record(o) for o in objects)


def inspectors_hash(inspectors: Iterable[PoolInspector]) -> str:
    return pool_hash(inspector_record(i) for i in inspectors)


# ------------------------------------------------------------------------------------------------ the draw


def stratum_quota(n: int, ratio: Decimal) -> int:
    if not Decimal(0) <= ratio <= Decimal(1):
        raise DrawError(f"抽查比例应在 0 到 1 之间，收到 {ratio}")
    return min(n, math.ceil(Decimal(n) * ratio))


def _check_inputs(inputs: DrawInputs) -> None:
    if not inputs.seed:
        raise DrawError("缺少随机种子")
    if inputs.per_inspection < MIN_INSPECTORS:
        raise DrawError(f"每次检查至少需要 {MIN_INSPECTORS} 名执法人员")
    unknown = sorted({o.stratum for o in inputs.objects} - set(STRATA))
    if unknown:
        raise DrawError(f"未知的风险分类：{'、'.join(unknown)}")
    ids = [o.member_id for o in inputs.objects]
    if len(set(ids)) != len(ids):
        raise DrawError("检查对象名录中有重复的统一社会信用代码")


def select_objects(inputs: DrawInputs) -> list[PoolObject]:
    chosen: list[PoolObject] = []
    for stratum in STRATA:
        members = [o for o in inputs.objects if o.stratum == stratum]
        if not members:
            continue
        k = stratum_quota(len(members), inputs.ratios.get(stratum, Decimal(0)))
        members.sort(key=lambda o: rank_key(inputs.seed, o.member_id))
        chosen.extend(members[:k])
    return chosen


def pair_inspectors(inputs: DrawInputs, obj: PoolObject) -> tuple[str, ...]:
    eligible = [i for i in inputs.inspectors if i.eligible_on(inputs.drawn_on, obj.member_id)]
    if len(eligible) < inputs.per_inspection:
        raise DrawError(f"检查对象 {obj.member_id} 可选派的执法人员不足 {inputs.per_inspection} 名"
                        "（执法证有效且无回避情形）")
    eligible.sort(key=lambda i: rank_key(inputs.seed, obj.member_id, i.cert_no))
    return tuple(i.cert_no for i in eligible[: inputs.per_inspection])


def compute_draw(inputs: DrawInputs) -> tuple[Pairing, ...]:
    """The selection that ``inputs`` determine: same inputs, same result, on any machine."""
    _check_inputs(inputs)
    return tuple(Pairing(o.member_id, o.stratum, pair_inspectors(inputs, o)) for o in select_objects(inputs))


# ------------------------------------------------------------------------------------------------ verification


@dataclass(frozen=True)
class PublishedDraw:
    """Everything the agency published about one draw, as shown on the public page."""

    commitment: str
    object_pool_hash: str  # published before the draw
    inspector_pool_hash: str
    inputs: DrawInputs  # revealed seed, published pools, ratios
    selection: tuple[Pairing, ...]
    # The snapshot kept at draw time, when it is available to compare with the published pool member by member.
    object_snapshot: tuple[PoolObject, ...] | None = None
    inspector_snapshot: tuple[PoolInspector, ...] | None = None


def _first_pool_difference(kind: str, snapshot: Sequence[Sequence[str]], published: Sequence[Sequence[str]]) -> str:
    """The first member (by id) whose record differs between the snapshot and the published pool, in words."""
    snap = {r[0]: list(r) for r in snapshot}
    pub = {r[0]: list(r) for r in published}
    for key in sorted(snap.keys() | pub.keys()):
        a, b = snap.get(key), pub.get(key)
        if a == b:
            continue
        if b is None:
            return f"{kind}与抽取时的快照不同：快照中的“{'，'.join(a or [])}”未出现在公布的名录中"
        if a is None:
            return f"{kind}与抽取时的快照不同：公布的名录多出快照中没有的“{'，'.join(b)}”"
        return f"{kind}与抽取时的快照不同：快照为“{'，'.join(a)}”，公布为“{'，'.join(b)}”"
    if len(snapshot) != len(published):
        return f"{kind}共 {len(published)} 项，抽取时的快照为 {len(snapshot)} 项"
    return ""


def _describe(p: Pairing) -> str:
    return f"{p.member_id}（{p.stratum}；执法人员 {'、'.join(p.cert_nos)}）"


def verify_draw(published: PublishedDraw) -> Verification:
    """Recompute ``published`` and list where it differs, in the order a reader would check: the seed against the
    commitment, each pool against its published hash (and the snapshot), then the selection position by position."""
    diffs: list[str] = []
    inputs = published.inputs
    if commitment_of(inputs.seed) != published.commitment.lower():
        diffs.append("公布的随机种子与抽取前公布的承诺值不符（SHA-256 不一致）")
    pools: tuple[tuple[str, Any, Any, Callable[[Any], Any], Callable[[Any], str], str], ...] = (
        ("检查对象名录", published.object_snapshot, inputs.objects, object_record, objects_hash,
         published.object_pool_hash),
        ("执法检查人员名录", published.inspector_snapshot, inputs.inspectors, inspector_record, inspectors_hash,
         published.inspector_pool_hash),
    )
    for label, snapshot, pool, record, pool_hash, published_hash in pools:
        if snapshot is not None and (d := _first_pool_difference(label, [record(x) for x in snapshot],
                                                                 [record(x) for x in pool])):
            diffs.append(d)
        if pool_hash(pool) != published_hash.lower():
            diffs.append(f"公布的{label}与抽取前公布的名录哈希不符")
    try:
        expected = compute_draw(inputs)
    except DrawError as exc:
        diffs.append(f"无法按公布的条件重新抽取：{exc}")
        return Verification(tuple(diffs))
    for n, (want, got) in enumerate(zip(expected, published.selection, strict=False), start=1):
        if want != got:
            diffs.append(f"抽取结果第 {n} 项不同：重算为 {_describe(want)}，公布为 {_describe(got)}")
            break
    if len(expected) != len(published.selection):
        diffs.append(f"抽取结果共公布 {len(published.selection)} 项，重算应为 {len(expected)} 项")
    return Verification(tuple(diffs))


def repeated_pairings(history: Sequence[tuple[str, Sequence[Pairing]]]) -> list[tuple[str, str, str, str]]:
    """(earlier draw, later draw, member id, certificate no.) wherever the same inspector was drawn for the same
    object in two consecutive draws of a plan series — allowed by chance, but worth a supervisor's look."""
    found = []
    for (prev_label, prev), (label, current) in zip(history, history[1:], strict=False):
        before = {(p.member_id, c) for p in prev for c in p.cert_nos}
        for p in current:
            for c in p.cert_nos:
                if (p.member_id, c) in before:
                    found.append((prev_label, label, p.member_id, c))
    return found


def ratios_from_json(text: str) -> dict[str, Decimal]:
    raw = json.loads(text or "{}")
    return {str(k): Decimal(str(v)) for k, v in raw.items()}


def ratios_to_json(ratios: Mapping[str, Decimal]) -> str:
    return json.dumps({k: str(ratios[k]) for k in STRATA if k in ratios}, ensure_ascii=False)


def objects_to_json(objects: Iterable[PoolObject]) -> str:
    return json.dumps([object_record(o) for o in objects], ensure_ascii=False)


def objects_from_json(text: str) -> tuple[PoolObject, ...]:
    return tuple(PoolObject(r[0], r[1], r[2]) for r in json.loads(text or "[]"))


def inspectors_to_json(inspectors: Iterable[PoolInspector]) -> str:
    return json.dumps([inspector_record(i) for i in inspectors], ensure_ascii=False)


def inspectors_from_json(text: str) -> tuple[PoolInspector, ...]:
    return tuple(PoolInspector(r[0], r[1], dt.date.fromisoformat(r[2]), dt.date.fromisoformat(r[3]),
                               frozenset(r[4:])) for r in json.loads(text or "[]"))


def selection_to_json(selection: Iterable[Pairing]) -> str:
    return json.dumps([[p.member_id, p.stratum, *p.cert_nos] for p in selection], ensure_ascii=False)


def selection_from_json(text: str) -> tuple[Pairing, ...]:
    return tuple(Pairing(r[0], r[1], tuple(r[2:])) for r in json.loads(text or "[]"))


@dataclass(frozen=True)
class StratumRow:
    stratum: str
    ratio: Decimal
    pool: int
    quota: int  # ⌈pool × ratio⌉: what the algorithm takes
    drawn: int  # what was published as drawn


def stratum_summary(inputs: DrawInputs, selection: Sequence[Pairing]) -> list[StratumRow]:
    """Per stratum: the ratio, the pool size, the quota it implies and how many were published as drawn."""
    rows = []
    for stratum in STRATA:
        pool = sum(1 for o in inputs.objects if o.stratum == stratum)
        ratio = inputs.ratios.get(stratum, Decimal(0))
        drawn = sum(1 for p in selection if p.stratum == stratum)
        if pool or drawn or stratum in inputs.ratios:
            quota = stratum_quota(pool, ratio) if Decimal(0) <= ratio <= Decimal(1) else 0
            rows.append(StratumRow(stratum, ratio, pool, quota, drawn))
    return rows


ALGORITHM = (
    "1. 抽取前公布承诺值：随机种子的 SHA-256；同时公布检查对象名录库、执法检查人员名录库快照的 SHA-256。\n"
    "2. 抽取时公布种子。按风险（信用）分类分层：某一类有 n 个对象、抽查比例为 r，则抽取 ⌈n×r⌉ 个。\n"
    "3. 同一类中按 SHA-256(种子|统一社会信用代码) 由小到大排序，取前 ⌈n×r⌉ 个；各类按良好、警示、失信、严重失信顺序排列。\n"
    "4. 对每个被抽中的对象，从执法证在抽取日有效且无回避情形的执法人员中，按 SHA-256(种子|统一社会信用代码|执法证号)"
    " 由小到大取前 2 名。\n\n"
    "任何人都可以按以上步骤用公布的数据重新计算，结果应与公布的抽取结果完全一致。"
)


def published_json(p: PublishedDraw) -> str:
    """Everything needed to recompute ``p`` offline, as one JSON document."""
    return json.dumps({
        "algorithm": ALGORITHM, "commitment": p.commitment, "seed": p.inputs.seed,
        "drawn_on": p.inputs.drawn_on.isoformat(), "object_pool_hash": p.object_pool_hash,
        "inspector_pool_hash": p.inspector_pool_hash,
        "ratios": {k: str(v) for k, v in p.inputs.ratios.items()}, "per_inspection": p.inputs.per_inspection,
        "objects": [object_record(o) for o in p.inputs.objects],
        "inspectors": [inspector_record(i) for i in p.inputs.inspectors],
        "selection": [[s.member_id, s.stratum, *s.cert_nos] for s in p.selection],
    }, ensure_ascii=False, indent=1)
