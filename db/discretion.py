"""Discretion-benchmark checks stored with each decision, the 类案不同罚 peer comparison, their resolution, and the
reads that supervisors, reviewers and the public see (domain.discretion_check decides; this module stores and reads).

``recompute_checks`` runs in the transaction of every path that writes decisions (seed, import) and after a
benchmark set is imported or changed; ``check_proposed`` checks a penalty that is not yet decided (the legal
review of a proposed decision) without writing anything.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from itertools import islice
from typing import Any, NamedTuple, cast

import pandas as pd
from sqlalchemy import Connection, Engine, Table, and_, bindparam, func, or_, select

from db import models as m
from domain.discretion import ParsedStandard, parse_penalty_standard
from domain.discretion_check import (
    DEFAULT_MIN_GROUP,
    DEFAULT_PERIOD_YEARS,
    DEFAULT_Z_LIMIT,
    RANGE_FLAGS,
    BenchmarkRule,
    DiscretionCheck,
    DiscretionFlag,
    Distribution,
    Finding,
    NoPenaltyEntry,
    ResolutionStatus,
    TierModel,
    TierRule,
    check_fine,
    match_no_penalty,
    parse_no_penalty_list,
    public_distribution,
    rate_interval,
    score_rolling,
)
from domain.enums import BenchmarkRangeKind, DisclosureStatus, DiscretionTier, PartyType
from domain.params import text_problem

__all__ = [
    "BenchmarkChoice",
    "BenchmarkLibrary",
    "CHECK_COLUMNS",
    "CheckInput",
    "CheckSummary",
    "StoredCheck",
    "Comparable",
    "check_proposed",
    "check_record",
    "check_unsaved",
    "comparable_for_tier",
    "comparable_decisions",
    "decision_check",
    "flag_explanations",
    "flag_rates",
    "flagged_decisions",
    "item_of_decision",
    "load_library",
    "item_rule",
    "officer_options",
    "benchmark_choices",
    "item_distribution",
    "recheck_all",
    "recompute_checks",
    "rescore_peers",
    "resolve_flag",
]

BATCH = 2000
_DC = cast(Table, m.DiscretionCheck.__table__)
_PEER_EXCLUDED = {DisclosureStatus.WITHDRAWN: "已撤回", DisclosureStatus.CORRECTED: "已更正"}
_BAR = "|"


def _flag_text(flags: Iterable[DiscretionFlag]) -> str:
    return _BAR + _BAR.join(f.code for f in flags) + _BAR


def _flags_of(text: str) -> tuple[DiscretionFlag, ...]:
    return tuple(f for code in (text or "").split(_BAR) if code and (f := DiscretionFlag.from_code(code)) is not None)


def _batches(ids: Iterable[int], size: int = BATCH) -> Iterable[list[int]]:
    it = iter(ids)
    while chunk := list(islice(it, size)):
        yield chunk


# ---------------------------------------------------------------------------------------------------------
# The benchmark library as rules


@dataclass(frozen=True)
class BenchmarkLibrary:
    rules: dict[int, BenchmarkRule]  # item id → rule
    item_of_tier: dict[int, int]
    agency_of_item: dict[int, int]
    no_penalty: dict[int, tuple[NoPenaltyEntry, ...]]  # item id → its set's list
    tier_text: dict[int, tuple[str, str]]  # tier id → (circumstance, standard text)


@lru_cache(maxsize=8192)
def _parse(text: str) -> ParsedStandard:
    return parse_penalty_standard(text)


def _parsed_tier(t: Any) -> ParsedStandard:
    """The stored range (what the importer understood, possibly corrected by hand) wins over re-reading the text."""
    kind = t.range_kind
    parsed = _parse(t.standard_text or "")
    lo, hi = t.min_amount, t.max_amount
    flo, fhi = t.min_factor, t.max_factor
    if kind is BenchmarkRangeKind.FIXED and lo is not None and hi is not None:
        return ParsedStandard(parsed.raw, kind, True, lo, hi, penalty_types=parsed.penalty_types)
    if kind is BenchmarkRangeKind.MAX_ONLY and hi is not None:
        return ParsedStandard(parsed.raw, kind, True, None, hi, penalty_types=parsed.penalty_types)
    if kind is BenchmarkRangeKind.RELATIVE and flo is not None and fhi is not None:
        return ParsedStandard(parsed.raw, kind, True, base=t.base_name, min_factor=Decimal(flo),
                              max_factor=Decimal(fhi), cap_amount=parsed.cap_amount,
                              penalty_types=parsed.penalty_types)
    return parsed


def _library(conn: Connection, item_ids: Iterable[int] | None = None) -> BenchmarkLibrary:
    s, i, t = m.BenchmarkSet, m.BenchmarkItem, m.BenchmarkTier
    query = (select(i.id, i.item_no, i.violation, i.legal_basis, i.statutory_range, s.id.label("set_id"), s.name,
                    s.agency_id, s.effective_from, s.effective_to)
             .join(s, s.id == i.set_id))
    wanted = None if item_ids is None else sorted(set(item_ids))
    if wanted is not None:
        query = query.where(i.id.in_(wanted))
    items = conn.execute(query).all()
    tiers: dict[int, list[TierRule]] = defaultdict(list)
    item_of_tier: dict[int, int] = {}
    tier_text: dict[int, tuple[str, str]] = {}
    tier_query = select(t).order_by(t.item_id, t.level)
    if wanted is not None:
        tier_query = tier_query.where(t.item_id.in_(wanted))
    for row in conn.execute(tier_query):
        tiers[row.item_id].append(TierRule(row.id, row.level, row.grade, row.tier, row.circumstance or "",
                                           _parsed_tier(row)))
        item_of_tier[row.id] = row.item_id
        tier_text[row.id] = (row.circumstance or "", row.standard_text or "")
    set_lists: dict[int, tuple[NoPenaltyEntry, ...]] = {}
    set_ids = {r.set_id for r in items}
    for sid, name, text in conn.execute(select(s.id, s.name, s.no_penalty_list)
                                        .where(s.id.in_(sorted(set_ids)), s.no_penalty_list != "")):
        title = next((line.split(":", 1)[1].strip() for line in text.splitlines() if line.startswith("title:")),
                     f"{name}不予处罚清单")
        set_lists[sid] = parse_no_penalty_list(text, title)
    rules = {
        r.id: BenchmarkRule(r.id, r.name, r.item_no, r.violation, r.legal_basis, r.effective_from, r.effective_to,
                            tuple(tiers.get(r.id, ())), _parse(r.statutory_range) if r.statutory_range else None)
        for r in items
    }
    return BenchmarkLibrary(rules, item_of_tier, {r.id: r.agency_id for r in items},
                    {r.id: set_lists.get(r.set_id, ()) for r in items}, tier_text)


def load_library(conn: Connection) -> BenchmarkLibrary:
    """Every benchmark item as rules, for a bulk writer that checks many batches against an unchanged library."""
    return _library(conn)


def _matter_rule(matter_id: int, name: str, basis: str, statutory: str) -> BenchmarkRule:
    """A 权责清单 matter with only the law's range: one whole-item tier, checked for 超出法定幅度."""
    parsed = _parse(statutory)
    return BenchmarkRule(-matter_id, "权责清单法定幅度", "—", name, basis, dt.date.min, None,
                         (TierRule(-matter_id, 1, None, None, "", parsed),), parsed)


# ---------------------------------------------------------------------------------------------------------
# Computing and storing


@dataclass(frozen=True)
class CheckSummary:
    checked: int
    flagged: dict[DiscretionFlag, int]


class CheckInput(NamedTuple):
    """What the check of one decision reads: the decision's penalty, its party's type and its matter's law."""

    id: int
    benchmark_tier_id: int | None
    claimed_tier: DiscretionTier | None
    base_amount: Decimal | None
    discretion_statement: str | None
    fine_total: Decimal | None
    party_type: PartyType
    matter_id: int | None
    matter_name: str | None
    matter_basis: str | None
    matter_statutory: str | None


CHECK_COLUMNS = tuple(c.name for c in _DC.columns)


def check_record(r: CheckInput, lib: BenchmarkLibrary, model: TierModel, now: dt.datetime) -> dict | None:
    """The ``discretion_checks`` row of one decision before peer scoring (None when there is nothing to check):
    the one place a stored check is built, by ``recompute_checks`` and by the seeder's worker processes alike."""
    tier_id = r.benchmark_tier_id
    item_id = lib.item_of_tier.get(tier_id) if tier_id is not None else None
    amount = r.fine_total or Decimal(0)
    rule: BenchmarkRule | None = lib.rules.get(item_id) if item_id is not None else None
    if rule is None:
        statutory = r.matter_statutory or ""
        if not statutory or amount <= 0 or r.matter_id is None:  # a statutory range comes only with a matter
            return None
        rule = _matter_rule(r.matter_id, r.matter_name or "", r.matter_basis or "", statutory)
    circumstances = " ".join(filter(None, (lib.tier_text.get(tier_id, ("", ""))[0] if tier_id else "",
                                           r.discretion_statement or "")))
    entry = match_no_penalty(lib.no_penalty.get(item_id, ()), rule.legal_basis, circumstances) if item_id else None
    check = check_fine(rule, tier_id, r.claimed_tier, amount, r.base_amount,
                       r.discretion_statement or "", model=model, no_penalty=entry)
    peer_key = None
    if check.peer_value is not None and amount > 0:
        claimed = str(tier_id) if tier_id is not None else (check.claimed_label or "")
        linked = rule.tier(tier_id)
        relative = linked is not None and linked.standard.kind is BenchmarkRangeKind.RELATIVE
        unit = "倍" if relative and r.base_amount else "元"
        # 行政处罚法 distinguishes 公民 from 法人或者其他组织 (e.g. art. 51); so do the peer groups.
        party = "自然人" if r.party_type is PartyType.NATURAL_PERSON else "单位"
        peer_key = f"{rule.item_id}:{claimed}:{party}:{unit}"
    return {
        "decision_id": r.id, "benchmark_item_id": item_id, "benchmark_tier_id": tier_id,
        "version": check.version[:200], "item_no": check.item_no[:20], "claimed": check.claimed[:50],
        "computed": check.computed[:100], "amount": amount,
        "statutory_min": check.statutory_range[0] if check.statutory_range else None,
        "statutory_max": check.statutory_range[1] if check.statutory_range else None,
        "claimed_min": check.claimed_range[0] if check.claimed_range else None,
        "claimed_max": check.claimed_range[1] if check.claimed_range else None,
        "peer_key": peer_key, "peer_value": None if check.peer_value is None else str(check.peer_value)[:40],
        "robust_z": None, "peer_note": "", "flags": _flag_text(check.flags),
        "explanation": "\n".join(f.explanation for f in check.findings), "summary": check.summary,
        "checked_at": now,
    }


def _decision_rows(conn: Connection, ids: list[int] | None) -> Iterable[CheckInput]:
    d, c, p, mt = m.Decision, m.Case, m.Party, m.Matter
    query = (select(d.id, d.benchmark_tier_id, d.claimed_tier, d.base_amount, d.discretion_statement, d.fine_total,
                    p.party_type, c.matter_id, mt.name.label("matter_name"), mt.legal_basis.label("matter_basis"),
                    mt.statutory_range.label("matter_statutory"))
             .join(c, c.id == d.case_id).join(p, p.id == c.party_id).outerjoin(mt, mt.id == c.matter_id))
    if ids is None:
        yield from (CheckInput(*r) for r in conn.execute(query.order_by(d.id)))
        return
    for chunk in _batches(ids):
        yield from (CheckInput(*r) for r in conn.execute(query.where(d.id.in_(chunk)).order_by(d.id)))


def recompute_checks(conn: Connection, decision_ids: Iterable[int] | None = None, *,
                     model: TierModel = TierModel.SPLIT_30_40_30, now: dt.datetime | None = None,
                     z_limit: Decimal = DEFAULT_Z_LIMIT, min_group: int = DEFAULT_MIN_GROUP,
                     period_years: int = DEFAULT_PERIOD_YEARS, score: bool = True,
                     library: BenchmarkLibrary | None = None) -> CheckSummary:
    """Check `decision_ids` (all decisions when None) against their benchmarks and store the results, then score
    every peer group again (a new decision moves its group's median). A bulk writer passes score=False for each
    batch and calls `rescore_peers` once at the end, and may pass the `load_library` it read once."""
    now = now or dt.datetime.now(dt.UTC)
    ids = None if decision_ids is None else sorted(set(decision_ids))
    lib = library if library is not None else _library(conn)
    rows = [row for r in _decision_rows(conn, ids) if (row := check_record(r, lib, model, now)) is not None]
    if ids is None:
        conn.execute(_DC.delete())
    else:
        for chunk in _batches(ids):
            conn.execute(_DC.delete().where(_DC.c.decision_id.in_(chunk)))
    for start in range(0, len(rows), BATCH):
        conn.execute(_DC.insert(), rows[start:start + BATCH])
    if score:
        rescore_peers(conn, z_limit=z_limit, min_group=min_group, period_years=period_years)
    counts: dict[DiscretionFlag, int] = defaultdict(int)
    for (flags,) in conn.execute(select(_DC.c.flags)):
        for f in _flags_of(flags):
            counts[f] += 1
    return CheckSummary(len(rows), dict(counts))


def rescore_peers(conn: Connection, *, z_limit: Decimal = DEFAULT_Z_LIMIT, min_group: int = DEFAULT_MIN_GROUP,
                  period_years: int = DEFAULT_PERIOD_YEARS) -> None:
    """Score every stored check against its peers (类案不同罚) and store the z, the note and the 畸重/畸轻 flag."""
    d, s = m.Decision, m.Disclosure
    rows = conn.execute(
        select(_DC.c.decision_id, _DC.c.peer_key, _DC.c.peer_value, _DC.c.flags, _DC.c.robust_z, _DC.c.peer_note,
               d.decided_on, s.status)
        .join(d, d.id == _DC.c.decision_id).outerjoin(s, s.decision_id == d.id)
    ).all()
    groups: dict[str, list[tuple[int, dt.date, Decimal]]] = defaultdict(list)
    updates: dict[int, tuple[float | None, str, str]] = {}
    peer_flags = (DiscretionFlag.TOO_HEAVY, DiscretionFlag.TOO_LIGHT)
    for r in rows:
        flags: list[DiscretionFlag] = [f for f in _flags_of(r.flags) if f not in peer_flags]
        if r.peer_key is None or r.peer_value is None:
            note = "无罚款金额，不参与同类比较"
        elif r.status in _PEER_EXCLUDED:
            note = f"决定{_PEER_EXCLUDED[r.status]}，不参与同类比较"
        elif set(flags) & RANGE_FLAGS:
            note = "罚款已超出法定幅度或与所认定档次不符，不参与同档比较"
        else:
            groups[r.peer_key].append((r.decision_id, r.decided_on, Decimal(r.peer_value)))
            continue
        updates[r.decision_id] = (None, note, _flag_text(flags))
    # A relative range compares multiples of the base ("…:倍"), a money range compares 元.
    by_unit: dict[bool, dict[str, list[tuple[int, dt.date, Decimal]]]] = {True: {}, False: {}}
    for key, members in groups.items():
        by_unit[key.endswith(":倍")][key] = members
    scores = score_rolling(by_unit[False], period_years=period_years, z_limit=z_limit, min_group=min_group)
    scores.update(score_rolling(by_unit[True], period_years=period_years, z_limit=z_limit, min_group=min_group,
                                describe=_multiple))
    by_id = {r.decision_id: r for r in rows}
    for key, score in scores.items():
        r = by_id[key]
        kept: list[DiscretionFlag] = [f for f in _flags_of(r.flags) if f not in peer_flags]
        if score.flag is not None:
            kept.append(score.flag)
        note = score.explanation if score.flag is not None or not score.stats.scored else (
            f"同类决定{score.stats.count}件，稳健z值{score.z:.1f}，在正常范围内")
        updates[r.decision_id] = (score.z, note[:200], _flag_text(kept))
    changed = [{"key": decision_id, "z": z, "note": text, "flag_text": flag_text}
               for decision_id, (z, text, flag_text) in updates.items()
               if (by_id[decision_id].robust_z, by_id[decision_id].peer_note, by_id[decision_id].flags)
               != (z, text, flag_text)]
    statement = (_DC.update().where(_DC.c.decision_id == bindparam("key"))
                 .values(robust_z=bindparam("z"), peer_note=bindparam("note"), flags=bindparam("flag_text")))
    for start in range(0, len(changed), BATCH):
        conn.execute(statement, changed[start:start + BATCH])


# ---------------------------------------------------------------------------------------------------------
# Reads


@dataclass(frozen=True)
class StoredCheck:
    """The discretion check of one decision as stored, with the benchmark row it cites and any resolutions."""

    decision_id: int
    decision_no: str
    case_id: int
    agency: str
    check: DiscretionCheck
    benchmark_item_id: int | None
    item_violation: str
    legal_basis: str
    tier_circumstance: str
    tier_standard: str
    robust_z: float | None
    peer_note: str
    resolutions: tuple[tuple[DiscretionFlag, ResolutionStatus, str, str], ...]  # flag, status, note, by

    @property
    def flags(self) -> tuple[DiscretionFlag, ...]:
        return self.check.flags

    def open_flags(self) -> tuple[DiscretionFlag, ...]:
        done = {f for f, _, _, _ in self.resolutions}
        return tuple(f for f in self.flags if f not in done)


def _stored(conn: Connection, where: object) -> StoredCheck | None:
    d, c, a, i, t = m.Decision, m.Case, m.Agency, m.BenchmarkItem, m.BenchmarkTier
    row = conn.execute(
        select(_DC, d.decision_no, d.case_id, d.claimed_tier, a.name.label("agency_name"),
               i.violation.label("item_violation"), i.legal_basis.label("item_basis"),
               t.circumstance.label("tier_circumstance"), t.standard_text.label("tier_standard"))
        .join(d, d.id == _DC.c.decision_id).join(c, c.id == d.case_id).join(a, a.id == c.agency_id)
        .outerjoin(i, i.id == _DC.c.benchmark_item_id).outerjoin(t, t.id == _DC.c.benchmark_tier_id)
        .where(where)  # type: ignore[arg-type]
    ).first()
    if row is None:
        return None
    flags = _flags_of(row.flags)
    texts = (row.explanation or "").split("\n")
    peer_flags = {DiscretionFlag.TOO_HEAVY, DiscretionFlag.TOO_LIGHT}
    base = [f for f in flags if f not in peer_flags]
    findings = [Finding(f, texts[n] if n < len(texts) else "") for n, f in enumerate(base)]
    findings += [Finding(f, row.peer_note) for f in flags if f in peer_flags]
    statutory = (row.statutory_min, row.statutory_max) if row.statutory_max is not None else None
    claimed_range = (row.claimed_min, row.claimed_max) if row.claimed_max is not None else None
    check = DiscretionCheck(row.amount, row.item_no, row.version, row.claimed, row.computed, statutory,
                            claimed_range, tuple(findings), row.summary,
                            None if row.peer_value is None else Decimal(row.peer_value), row.claimed_tier)
    dr = m.DiscretionResolution
    res = conn.execute(select(dr.flag, dr.status, dr.note, dr.resolved_by).where(dr.decision_id == row.decision_id)
                       .order_by(dr.id)).all()
    resolutions = tuple((f, ResolutionStatus(x.status), x.note, x.resolved_by)
                        for x in res if (f := DiscretionFlag.from_code(x.flag)) is not None)
    return StoredCheck(row.decision_id, row.decision_no, row.case_id, row.agency_name, check, row.benchmark_item_id,
                       row.item_violation or "", row.item_basis or "", row.tier_circumstance or "",
                       row.tier_standard or "", row.robust_z, row.peer_note or "", resolutions)


def decision_check(engine: Engine, *, case_id: int | None = None, decision_id: int | None = None) -> StoredCheck | None:
    """The stored check of a case's decision (or of a decision); None when the decision has no benchmark or fine."""
    if (case_id is None) == (decision_id is None):
        raise ValueError("case_id 与 decision_id 须且仅须提供一个")
    where = m.Decision.case_id == case_id if case_id is not None else m.Decision.id == decision_id
    with engine.connect() as conn:
        return _stored(conn, where)


def check_proposed(engine: Engine, *, benchmark_tier_id: int | None, claimed_tier: DiscretionTier | None,
                   amount: Decimal, base_amount: Decimal | None, statement: str,
                   model: TierModel = TierModel.SPLIT_30_40_30) -> DiscretionCheck | None:
    """Check a penalty that is proposed but not decided (legal review); writes nothing. None without a tier."""
    return check_unsaved(engine, [(benchmark_tier_id, claimed_tier, amount, base_amount, statement)], model=model)[0]


def check_unsaved(engine: Engine,
                  penalties: Sequence[tuple[int | None, DiscretionTier | None, Decimal, Decimal | None, str]], *,
                  model: TierModel = TierModel.SPLIT_30_40_30) -> list[DiscretionCheck | None]:
    """Check penalties that are not stored (a proposed decision, the rows of an import dry run): each is
    (tier id, claimed tier, amount, base amount, 裁量说明). Writes nothing; no peer comparison."""
    tier_ids = sorted({p[0] for p in penalties if p[0] is not None})
    with engine.connect() as conn:
        item_ids = set()
        for chunk in _batches(tier_ids):
            item_ids |= set(conn.execute(select(m.BenchmarkTier.item_id).where(m.BenchmarkTier.id.in_(chunk)))
                            .scalars())
        lib = _library(conn, item_ids) if item_ids else None
    out: list[DiscretionCheck | None] = []
    for tier_id, claimed, amount, base, statement in penalties:
        if lib is None or tier_id is None or (item_id := lib.item_of_tier.get(tier_id)) is None:
            out.append(None)
            continue
        rule = lib.rules[item_id]
        circumstances = " ".join((lib.tier_text.get(tier_id, ("", ""))[0], statement or ""))
        entry = match_no_penalty(lib.no_penalty.get(item_id, ()), rule.legal_basis, circumstances)
        out.append(check_fine(rule, tier_id, claimed, amount, base, statement, model=model, no_penalty=entry))
    return out


@dataclass(frozen=True)
class Comparable:
    """What the 类案参考 panel shows for one benchmark tier (see components.discretion.show_comparable_panel)."""

    rule: BenchmarkRule
    tier: TierRule | None
    distribution: Distribution


def comparable_for_tier(engine: Engine, tier_id: int | None, today: dt.date) -> Comparable | None:
    """The 类案参考 panel's data for a tier (e.g. the one a case under review applies); None without a tier."""
    if tier_id is None:
        return None
    with engine.connect() as conn:
        item_id = conn.execute(select(m.BenchmarkTier.item_id).where(m.BenchmarkTier.id == tier_id)).scalar()
        if item_id is None:
            return None
        rule = _library(conn, [item_id]).rules[item_id]
    return Comparable(rule, rule.tier(tier_id), comparable_decisions(engine, item_id, tier_id, today))


def _filtered(agency_id: int | None, officer_id: int | None, flag: DiscretionFlag | None,
              start: dt.date | None, end: dt.date | None, status: str | None) -> list[object]:
    d, c = m.Decision, m.Case
    where: list[object] = [_DC.c.flags != _BAR + _BAR]
    if agency_id is not None:
        where.append(c.agency_id == agency_id)
    if officer_id is not None:
        where.append(c.id.in_(select(m.CaseEvent.case_id).join(m.EventOfficer, m.EventOfficer.event_id == m.CaseEvent.id)
                              .where(m.EventOfficer.officer_id == officer_id)))
    if flag is not None:
        where.append(_DC.c.flags.like(f"%{_BAR}{flag.code}{_BAR}%"))
    if start is not None:
        where.append(d.decided_on >= start)
    if end is not None:
        where.append(d.decided_on <= end)
    r = m.DiscretionResolution
    resolved = select(r.decision_id).where(r.decision_id == d.id)
    if flag is not None:
        resolved = resolved.where(r.flag == flag.code)
    if status == "open":
        where.append(~resolved.exists())
    elif status in {s.value for s in ResolutionStatus}:
        where.append(resolved.where(r.status == status).exists())
    return where


def flagged_decisions(engine: Engine, *, agency_id: int | None = None, officer_id: int | None = None,
                      flag: DiscretionFlag | None = None, start: dt.date | None = None, end: dt.date | None = None,
                      status: str | None = None, limit: int = 500) -> tuple[pd.DataFrame, int]:
    """Flagged decisions, newest first, and how many match. `status` is "open" (未处理) or a ResolutionStatus value."""
    d, c, a = m.Decision, m.Case, m.Agency
    where = _filtered(agency_id, officer_id, flag, start, end, status)
    with engine.connect() as conn:
        total = conn.execute(select(func.count()).select_from(_DC).join(d, d.id == _DC.c.decision_id)
                             .join(c, c.id == d.case_id).where(and_(*where))).scalar_one()  # type: ignore[arg-type]
        rows = conn.execute(
            select(_DC.c.decision_id, d.decision_no, d.case_id, d.decided_on, a.short_name.label("agency"),
                   _DC.c.item_no, _DC.c.claimed, _DC.c.amount, _DC.c.flags, _DC.c.explanation, _DC.c.peer_note)
            .join(d, d.id == _DC.c.decision_id).join(c, c.id == d.case_id).join(a, a.id == c.agency_id)
            .where(and_(*where)).order_by(d.decided_on.desc(), d.id.desc()).limit(limit)  # type: ignore[arg-type]
        ).all()
        res: dict[int, list[str]] = defaultdict(list)
        ids = [r.decision_id for r in rows]
        for chunk in _batches(ids):
            for rid, fl, st in conn.execute(select(m.DiscretionResolution.decision_id, m.DiscretionResolution.flag,
                                                   m.DiscretionResolution.status)
                                            .where(m.DiscretionResolution.decision_id.in_(chunk))):
                f = DiscretionFlag.from_code(fl)
                if f is not None:
                    res[rid].append(f"{f.value}：{st}")
    out = pd.DataFrame([{
        "decision_id": r.decision_id, "case_id": r.case_id, "决定书文号": r.decision_no, "决定日期": r.decided_on,
        "执法主体": r.agency, "基准条目": r.item_no, "认定档次": r.claimed or "—", "罚款金额": r.amount,
        "标记": "、".join(f.value for f in _flags_of(r.flags)),
        "说明": "；".join(filter(None, [*(r.explanation or "").split("\n"), r.peer_note
                                       if any(f in (DiscretionFlag.TOO_HEAVY, DiscretionFlag.TOO_LIGHT)
                                              for f in _flags_of(r.flags)) else ""])),
        "处理情况": "；".join(res.get(r.decision_id, [])) or "未处理",
    } for r in rows], columns=["decision_id", "case_id", "决定书文号", "决定日期", "执法主体", "基准条目", "认定档次",
                               "罚款金额", "标记", "说明", "处理情况"])
    return out, total


def resolve_flag(engine: Engine, *, decision_id: int, flag: DiscretionFlag, status: ResolutionStatus, note: str,
                 actor: str) -> tuple[bool, str]:
    """Record how a flag was resolved (required note), replacing an earlier resolution; audited."""
    from db.commands import record_audit
    from db.engine import session_scope

    problem = text_problem(note, "处理说明", 2000) if note.strip() else "请填写处理说明"
    if problem:
        return False, problem
    with session_scope(engine) as session:
        flags = session.execute(select(_DC.c.flags).where(_DC.c.decision_id == decision_id)).scalar()
        if flags is None or flag not in _flags_of(flags):
            return False, f"该决定没有“{flag.value}”标记"
        r = m.DiscretionResolution
        existing = session.execute(select(r).where(r.decision_id == decision_id, r.flag == flag.code)).scalar()
        now = dt.datetime.now(dt.UTC)
        if existing is None:
            session.add(r(decision_id=decision_id, flag=flag.code, status=status.value, note=note.strip(),
                          resolved_by=actor, resolved_at=now))
        else:
            existing.status, existing.note, existing.resolved_by, existing.resolved_at = (
                status.value, note.strip(), actor, now)
        record_audit(session, actor, "resolve_discretion_flag", "decisions", decision_id,
                     {"flag": flag.value, "status": status.value, "note": note.strip()})
    return True, ""


@dataclass(frozen=True)
class BenchmarkChoice:
    item_id: int
    label: str  # "江门…参照表：2-6 超过水污染物排放标准…"
    agency_id: int


def benchmark_choices(engine: Engine, day: dt.date) -> list[BenchmarkChoice]:
    """Benchmark items for choosing a violation: those in force on `day` first, then earlier versions (decisions
    made under them are still compared with their own version), each labelled with its set and number."""
    s, i = m.BenchmarkSet, m.BenchmarkItem
    with engine.connect() as conn:
        rows = conn.execute(
            select(i.id, i.item_no, i.violation, s.name, s.agency_id, s.effective_from, s.effective_to)
            .join(s, s.id == i.set_id).where(s.effective_from <= day)
            .order_by(s.agency_id, s.effective_from.desc(), s.id, i.id)
        ).all()
    current = [r for r in rows if r.effective_to is None or r.effective_to > day]
    earlier = [r for r in rows if not (r.effective_to is None or r.effective_to > day)]
    return [BenchmarkChoice(r.id, f"{r.name}：{r.item_no} {(r.violation or '').splitlines()[0][:60]}"
                            + ("" if r in current else f"（{r.effective_to}起不再适用）"), r.agency_id)
            for r in (*current, *earlier)]


def item_rule(engine: Engine, item_id: int) -> BenchmarkRule | None:
    with engine.connect() as conn:
        return _library(conn, [item_id]).rules.get(item_id)


def item_distribution(engine: Engine, item_id: int) -> pd.DataFrame:
    """Every checked decision of one benchmark item: amount, claimed tier, flags and peer z, for the supervisor's
    distribution chart (not public)."""
    d, c, a = m.Decision, m.Case, m.Agency
    with engine.connect() as conn:
        rows = conn.execute(
            select(_DC.c.decision_id, d.decision_no, d.decided_on, _DC.c.claimed, _DC.c.amount, _DC.c.flags,
                   _DC.c.robust_z, _DC.c.peer_note, a.short_name.label("agency"))
            .join(d, d.id == _DC.c.decision_id).join(c, c.id == d.case_id).join(a, a.id == c.agency_id)
            .where(_DC.c.benchmark_item_id == item_id).order_by(d.decided_on)
        ).all()
    return pd.DataFrame([{
        "decision_id": r.decision_id, "决定书文号": r.decision_no, "决定日期": r.decided_on, "认定档次": r.claimed or "—",
        "罚款金额": r.amount, "标记": "、".join(f.value for f in _flags_of(r.flags)) or "无",
        "稳健z值": None if r.robust_z is None else round(r.robust_z, 2), "同类比较": r.peer_note, "执法主体": r.agency,
    } for r in rows], columns=["decision_id", "决定书文号", "决定日期", "认定档次", "罚款金额", "标记", "稳健z值",
                               "同类比较", "执法主体"])


def comparable_decisions(engine: Engine, item_id: int, tier_id: int | None, today: dt.date) -> Distribution:
    """Published decisions of the item (and tier) that the public may see: their fines, summarised, suppressed
    below three. Only decisions listed in the public search index count, so nothing unpublished leaks."""
    ps = m.PublicSearch
    where = [_DC.c.benchmark_item_id == item_id, ps.status != DisclosureStatus.WITHDRAWN.value,
             or_(ps.expires_on.is_(None), ps.expires_on >= today)]
    if tier_id is not None:
        where.append(_DC.c.benchmark_tier_id == tier_id)
    with engine.connect() as conn:
        amounts = list(conn.execute(select(_DC.c.amount).join(ps, ps.decision_id == _DC.c.decision_id)
                                    .where(*where)).scalars())
    return public_distribution([Decimal(x) for x in amounts])


def flag_rates(engine: Engine, *, by: str = "agency", agency_id: int | None = None) -> pd.DataFrame:
    """Flags per 100 checked decisions, per agency, per month or per officer (each officer recorded on a step of
    the decision's case, optionally of one agency), with the counts behind each rate."""
    d, c, a = m.Decision, m.Case, m.Agency
    with engine.connect() as conn:
        if by == "officer":
            o, e, eo = m.Officer, m.CaseEvent, m.EventOfficer
            stmt = (select(o.name + "（" + a.short_name + "）", d.decided_on, _DC.c.flags, _DC.c.decision_id)
                    .distinct().join(d, d.id == _DC.c.decision_id).join(e, e.case_id == d.case_id)
                    .join(eo, eo.event_id == e.id).join(o, o.id == eo.officer_id).join(a, a.id == o.agency_id))
            if agency_id is not None:
                stmt = stmt.where(o.agency_id == agency_id)
        else:
            stmt = (select(a.short_name, d.decided_on, _DC.c.flags, _DC.c.decision_id)
                    .join(d, d.id == _DC.c.decision_id).join(c, c.id == d.case_id).join(a, a.id == c.agency_id))
        rows = conn.execute(stmt).all()
        resolved = set(conn.execute(select(m.DiscretionResolution.decision_id)).scalars())
    groups: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for name, day, flags, did in rows:
        key = f"{day:%Y-%m}" if by == "month" else name
        g = groups[key]
        g[0] += 1
        if flags != _BAR + _BAR:
            g[1] += 1
            g[2] += did in resolved

    def interval(f: int, n: int) -> str:
        bounds = rate_interval(f, n)
        return "—" if bounds is None else f"{bounds[0]:.1f}–{bounds[1]:.1f}"

    out = pd.DataFrame([{"分组": k, "核查决定数": n, "被标记决定数": f,
                         "每百件标记数": round(100 * f / n, 1) if n else 0.0, "95%置信区间": interval(f, n),
                         "已处理数": r, "处理率": f"{100 * r / f:.0f}%" if f else "—"}
                        for k, (n, f, r) in sorted(groups.items())],
                       columns=["分组", "核查决定数", "被标记决定数", "每百件标记数", "95%置信区间", "已处理数", "处理率"])
    return out


def flag_explanations(conn: Connection, decision_ids: Sequence[int]) -> Iterable[tuple[str, list[str]]]:
    """(决定书文号, the explanation of each flag) of the flagged decisions among `decision_ids`."""
    d = m.Decision
    for chunk in _batches(decision_ids):
        for number, flags, explanation, peer_note in conn.execute(
                select(d.decision_no, _DC.c.flags, _DC.c.explanation, _DC.c.peer_note)
                .join(d, d.id == _DC.c.decision_id).where(_DC.c.decision_id.in_(chunk), _DC.c.flags != _BAR + _BAR)):
            texts = [x for x in (explanation or "").split("\n") if x]
            if any(f in (DiscretionFlag.TOO_HEAVY, DiscretionFlag.TOO_LIGHT) for f in _flags_of(flags)):
                texts.append(peer_note)
            yield number, texts


def check_rows(engine: Engine) -> Iterable[dict[str, str]]:
    """One row per checked decision for ``manage.py check benchmarks``: codes, not labels, in the flags column."""
    d = m.Decision
    with engine.connect() as conn:
        for r in conn.execute(select(_DC, d.decision_no).join(d, d.id == _DC.c.decision_id).order_by(d.id)):
            flags = _flags_of(r.flags)
            texts = [t for t in (r.explanation or "").split("\n") if t]
            if any(f in (DiscretionFlag.TOO_HEAVY, DiscretionFlag.TOO_LIGHT) for f in flags):
                texts.append(r.peer_note)
            yield {"决定书文号": r.decision_no, "裁量基准条目": r.item_no, "版本": r.version, "认定档次": r.claimed,
                   "按金额所在档次": r.computed, "罚款金额": f"{r.amount:.2f}",
                   "标记": ";".join(f.code for f in flags), "说明": "；".join(texts) or r.summary}


def _multiple(value: Decimal) -> str:
    return f"基数的{value.normalize():f}倍" if value >= 1 else f"基数的{(value * 100).quantize(Decimal('0.01'))}%"


def officer_options(engine: Engine, agency_id: int | None = None) -> dict[int, str]:
    """Officers for the supervisor's filter: id → "姓名（执法证号）", of one agency or all."""
    o = m.Officer
    query = select(o.id, o.name, o.cert_no).order_by(o.agency_id, o.id)
    if agency_id is not None:
        query = query.where(o.agency_id == agency_id)
    with engine.connect() as conn:
        return {r.id: f"{r.name}（{r.cert_no}）" for r in conn.execute(query)}


def item_of_decision(engine: Engine, decision_id: int) -> int | None:
    with engine.connect() as conn:
        return conn.execute(select(_DC.c.benchmark_item_id).where(_DC.c.decision_id == decision_id)).scalar()


def recheck_all(engine: Engine, model: TierModel = TierModel.SPLIT_30_40_30) -> CheckSummary:
    """Recompute every decision's check (after benchmark data changed outside an import, or on demand)."""
    with engine.begin() as conn:
        return recompute_checks(conn, model=model)
