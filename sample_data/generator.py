"""Deterministic, realistic sample data: ``python manage.py seed --cases N --seed S``.

The same (cases, seed) writes identical rows (users' password hashes excepted: argon2 salts them). Known problems
are planted at stated rates (PLANTED_RATES) so every check in the product has something real to find; the report
counts what was planted and tests compare those counts with what the checks find in the database.

Speed: rows are generated per chunk of cases as plain tuples and written with db.bulk (SQLite executemany,
PostgreSQL COPY); only the small static catalogue goes through the ORM.
"""

from __future__ import annotations

import datetime as dt
import gc
import hashlib
import json
import multiprocessing
import random
import statistics
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from operator import itemgetter
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, Engine, func, select, text
from sqlalchemy.orm import Session

from db import models as m
from db.board import rebuild as rebuild_board
from db.bulk import prepare_rows, public_index_deferred, reset_sequences, write_prepared
from db.completeness import CERT_COLUMNS as COMPLETENESS_CERT_COLUMNS
from db.completeness import ROW_COLUMNS as COMPLETENESS_COLUMNS
from db.completeness import mark_changed as mark_completeness_changed
from db.completeness import queue_triggers_set_aside, score_rows
from db.completeness import refresh as refresh_completeness
from db.completeness import written_by_bulk_writer as completeness_written_by_bulk_writer
from db.discretion import CHECK_COLUMNS, BenchmarkLibrary, CheckInput, check_record, load_library, rescore_peers
from db.events import EVENT_FACT_COLUMNS, build_case_facts, decision_fields, load_roster
from db.projection import RECORD_COLUMNS, public_record, public_source
from db.summaries import FACT_COLUMNS, FactSource, calendar_of, fact_row, mark_changed, written_by_bulk_writer
from db.summaries import refresh as refresh_summaries
from domain.accounts import DEMO_PASSWORD, DEMO_USERNAMES
from domain.chain import CHAIN_V2, GENESIS, event_hash_v2
from domain.deadlines import add_months
from domain.discretion_check import TierModel
from domain.enums import (
    SHORT_DEADLINE_CATEGORIES,
    ActionCategory,
    AgencyKind,
    AgencyLevel,
    BenchmarkRangeKind,
    CaseStatus,
    DataOrigin,
    DisclosureStatus,
    DiscretionTier,
    MajorReason,
    PartyType,
    PenaltyType,
    Procedure,
    RecordForm,
    ReviewOutcome,
    Stage,
    WithdrawalReason,
)
from domain.identifiers import SYNTHETIC_USCC_MARKER, USCC_ALPHABET, id_check_char, org_code_check_char, uscc_check_char
from domain.procedure import OfficerCert, ReviewFact
from domain.publication import HistoryEntry, disclosed
from domain.workdays import WorkCalendar
from sample_data import REFERENCE_DIR, catalog
from sample_data.catalog import AgencySpec, MatterSpec

SHANGHAI = ZoneInfo("Asia/Shanghai")
AS_OF = dt.date(2026, 11, 20)  # the sample district's "today": fixed so that rows are reproducible
FIRST_DAY = dt.date(2023, 1, 1)
SEED_TIME = dt.datetime(2026, 11, 20, 8, 0, tzinfo=dt.UTC)
CHUNK = 5000
ONE = Decimal(1)
CENT = Decimal("0.01")

# Planted problems: name → (rate, denominator described in words). Tests assert the counts found in the database.
PLANTED_RATES: dict[str, tuple[float, str]] = {
    "late_disclosure": (0.08, "已公示的决定中逾期公示"),
    "unpublished_overdue": (0.02, "应公示的决定中逾期未公示"),
    "missing_stage": (0.04, "普通程序处罚案件缺少告知或送达环节"),
    "unreviewed_major": (0.05, "重大处罚决定未经法制审核（标记为历史导入）"),
    "fine_out_of_range": (0.02, "适用裁量基准的罚款超出法定幅度"),
    "tier_mismatch": (0.05, "罚款不在所适用裁量档次的幅度内"),
    "outlier_fine": (0.01, "罚款远高于同类案件（统计离群）"),
    "withdrawn": (0.01, "已公示后被撤回"),
    "corrected": (0.02, "已公示后被更正"),
    "pii_in_facts": (0.5, "自然人案件的违法事实中含身份证号、电话、住址"),
    "pii_in_public_fields": (0.3, "自然人处罚案件的违法行为类型、处罚内容、裁量说明中含姓名、配偶、电话、邮箱、微信、住址"),
    "single_officer": (0.01, "现场执法仅一名执法人员"),
    "expired_certificate": (0.01, "现场执法人员执法证已过期"),
    "missing_av": (0.1, "查封扣押、强制拆除等未全程音像记录"),
    "decision_overdue": (0.02, "立案后超过90日作出决定"),
    "minor_party": (0.01, "自然人当事人为未成年人（不予公开）"),
    "confidential": (0.005, "涉及国家秘密、商业秘密或个人隐私为主（不予公开）"),
}

DECISION_ABBR = {"QS-SCJG": "青市监", "QS-STHJ": "临环青", "QS-YJGL": "青应急", "QS-JTYS": "青交", "QS-CGZF": "青城管",
                 "QS-WSJK": "青卫健"}
CATEGORY_WORD = {ActionCategory.PENALTY: "罚", ActionCategory.LICENCE: "许", ActionCategory.COERCION: "强",
                 ActionCategory.INSPECTION: "检"}

DEMO_USERS = (
    # username, display name, role value, agency code or None, officer index within the agency or None
    ("officer_scjg", "区市场监管局执法人员", "执法人员", "QS-SCJG", 0),
    ("officer_sthj", "生态环境分局执法人员", "执法人员", "QS-STHJ", 0),
    ("reviewer_scjg", "区市场监管局法制审核员", "法制审核人员", "QS-SCJG", "reviewer"),
    ("reviewer_sthj", "生态环境分局法制审核员", "法制审核人员", "QS-STHJ", "reviewer"),
    ("supervisor", "区司法局执法监督员", "执法监督人员", None, None),
    ("admin", "系统管理员", "管理员", None, None),
)
if tuple(u[0] for u in DEMO_USERS) != DEMO_USERNAMES:  # the warning banner looks for exactly these names
    raise RuntimeError("DEMO_USERS and domain.accounts.DEMO_USERNAMES differ")


@dataclass
class SeedReport:
    cases: int
    seed: int
    rows: Counter[str] = field(default_factory=Counter)
    planted: Counter[str] = field(default_factory=Counter)
    denominators: Counter[str] = field(default_factory=Counter)
    held: int = 0  # decisions whose public projection still found personal data (待脱敏复核)
    # 双随机、一公开 problems planted by sample_data.inspections: name → the record it is planted in
    inspection_planted: dict[str, str] = field(default_factory=dict)
    # decision ids of each decision-level planting, so that tests can measure what a check finds and misses
    planted_decisions: dict[str, set[int]] = field(default_factory=dict)

    def rate(self, name: str) -> float:
        d = self.denominators[name]
        return self.planted[name] / d if d else 0.0

    def lines(self) -> list[str]:
        out = [f"样例数据：{self.cases} 件案件，随机种子 {self.seed}，基准日 {AS_OF.isoformat()}"]
        out += [f"  {table}: {n} 行" for table, n in sorted(self.rows.items())]
        out.append(f"  待脱敏复核（脱敏后仍含个人信息、暂不公示）: {self.held} 件")
        out.append("预置问题（供各项检查发现）：")
        for name, (target, words) in PLANTED_RATES.items():
            out.append(
                f"  {name:<20} {self.planted[name]:>7} / {self.denominators[name]:<7} = {self.rate(name):6.2%}"
                f"（目标 {target:.1%}）{words}"
            )
        if self.inspection_planted:
            out.append("双随机抽查预置问题（见 docs/inspections.md）：")
            out += [f"  {name:<20} {where}" for name, where in sorted(self.inspection_planted.items())]
        return out


# ---------------------------------------------------------------------------------------------- helpers


def _yuan(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


_SPREAD = 0.06  # standard deviation of a tier's fines, as a share of the tier's width
_NORMAL = statistics.NormalDist()


def _clustered(u: float) -> Decimal:
    """Position within a tier (0–1) from one uniform draw: normal around the middle, clipped to the tier."""
    u = min(max(u, 1e-6), 1 - 1e-6)
    return Decimal(str(round(min(max(0.5 + _SPREAD * _NORMAL.inv_cdf(u), 0.0), 1.0), 4)))


def _round_fine(value: Decimal) -> Decimal:
    """Fines are set in round figures, as agencies do: to 10 元 below 1,000, to 100 元 above."""
    step = Decimal(10) if value < 1000 else Decimal(100)
    return (value / step).quantize(ONE, rounding=ROUND_HALF_UP) * step


def _at(day: dt.date, rng: random.Random, start_hour: int = 9, end_hour: int = 17) -> dt.datetime:
    minutes = rng.randrange((end_hour - start_hour) * 60)
    local = dt.datetime(day.year, day.month, day.day, start_hour + minutes // 60, minutes % 60, tzinfo=SHANGHAI)
    return local.astimezone(dt.UTC)


def _fake_sha(rng: random.Random) -> str:
    return hashlib.sha256(rng.getrandbits(128).to_bytes(16, "big")).hexdigest()


@dataclass(frozen=True)
class TierRange:
    """A benchmark tier as the generator needs it: ids plus its money window (or factor window on a base)."""

    tier_id: int
    item_id: int
    tier: DiscretionTier | None
    kind: BenchmarkRangeKind
    lo: Decimal | None
    hi: Decimal | None
    base_name: str | None
    f_lo: Decimal | None
    f_hi: Decimal | None

    def window(self, base: Decimal | None) -> tuple[Decimal, Decimal] | None:
        if self.kind is BenchmarkRangeKind.RELATIVE:
            if base is None or self.f_lo is None or self.f_hi is None:
                return None
            return base * self.f_lo, base * self.f_hi
        if self.kind is BenchmarkRangeKind.MAX_ONLY and self.hi is not None:
            return Decimal(0), self.hi
        if self.kind is BenchmarkRangeKind.FIXED and self.lo is not None and self.hi is not None:
            return self.lo, self.hi
        return None


@dataclass
class PenaltyPlan:
    """A benchmarked penalty matter: its item's tiers in order and the statutory window across them."""

    matter_id: int
    spec_violation: str
    legal_basis: str
    tiers: list[TierRange]
    extra_types: tuple[PenaltyType, ...]
    person_share: float
    on_site_seizure: bool
    weight: int
    base_name: str | None


@dataclass
class AgencyCtx:
    id: int
    spec: AgencySpec
    officers: list[tuple[int, str, dt.date, dt.date]]  # id, cert_no, valid_from, valid_to
    reviewers: list[int]
    plans: list[PenaltyPlan]
    other_matters: list[tuple[int, MatterSpec]]
    # benchmark versions: (effective_from, plans) — later versions replace earlier ones from their date
    versioned_plans: list[tuple[dt.date, list[PenaltyPlan]]] = field(default_factory=list)
    counters: Counter[str] = field(default_factory=Counter)


# Synthetic identifiers, unique by construction (a drawn random code can repeat across a million parties):
# the party id is encoded into the code, and check characters are computed as GB 32100 / GB 11643 require.
_ADULT_FROM = dt.date(1955, 1, 1)
_ADULT_SPAN = 17897  # days up to 2004-01-01


def _synthetic_uscc(party_id: int, prefix: str) -> str:
    body = ""
    n = party_id
    for _ in range(6):
        n, r = divmod(n, 31)
        body = USCC_ALPHABET[r] + body
    org8 = SYNTHETIC_USCC_MARKER + body  # "YY" marks sample data (domain.identifiers.is_synthetic_uscc)
    first17 = prefix + catalog.REGION_CODE + org8 + org_code_check_char(org8)
    return first17 + uscc_check_char(first17)


def _adult_id_number(party_id: int) -> str:
    """Region and sequence come from the low digits of the id, the birth date from the rest: distinct ids never
    share all three."""
    seq = party_id % 1000
    region = f"4499{(party_id // 1000) % 100:02d}"
    offset = ((party_id % 100_000) * 7 + (party_id // 100_000) * 2003) % _ADULT_SPAN
    born = _ADULT_FROM + dt.timedelta(days=offset)
    first17 = f"{region}{born:%Y%m%d}{seq:03d}"
    return first17 + id_check_char(first17)


def _minor_id_number(party_id: int, born_from: dt.date) -> str:
    seq = party_id % 1000
    born = born_from + dt.timedelta(days=(party_id // 1000) % 1000)
    first17 = f"44999{(party_id // 1_000_000) % 10}{born:%Y%m%d}{seq:03d}"
    return first17 + id_check_char(first17)


# ---------------------------------------------------------------------------------------------- static part


def _model_a_tiers(lo: Decimal, hi: Decimal) -> list[tuple[DiscretionTier, Decimal, Decimal]]:
    span = hi - lo
    cut1, cut2 = lo + span * Decimal("0.3"), lo + span * Decimal("0.7")
    return [(DiscretionTier.LIGHTER, lo, cut1), (DiscretionTier.GENERAL, cut1, cut2), (DiscretionTier.HEAVIER, cut2, hi)]


def _fmt_amount(v: Decimal) -> str:
    if v >= 10000 and v % 10000 == 0:
        return f"{int(v / 10000)}万元"
    if v >= 10000:
        return f"{(v / 10000).normalize():f}万元"
    return f"{int(v)}元" if v == v.to_integral() else f"{v}元"


def _statutory_text(ms: MatterSpec) -> str:
    """The law's fine range of a penalty matter as the 权责清单 states it ("" for other matters)."""
    if ms.category is not ActionCategory.PENALTY:
        return ""
    if ms.base_name and ms.factor_min is not None and ms.factor_max is not None:
        return f"处{ms.base_name}{ms.factor_min.normalize():f}倍以上{ms.factor_max.normalize():f}倍以下的罚款"
    if ms.fine_max is None:
        return ""
    if ms.fine_min is None:
        return f"处{_fmt_amount(ms.fine_max)}以下的罚款"
    return f"处{_fmt_amount(ms.fine_min)}以上{_fmt_amount(ms.fine_max)}以下的罚款"


def _write_static(session: Session, rng: random.Random, calendar: WorkCalendar) -> list[AgencyCtx]:
    from sample_data.jiangmen import DEFAULT_JIANGMEN_PATH, load_jiangmen_table

    contexts: list[AgencyCtx] = []
    parent = m.Agency(
        code="QS-SFJ", name="临江市青石区司法局", short_name="区司法局", level=AgencyLevel.COUNTY,
        kind=AgencyKind.STATUTORY, region_code=catalog.REGION_CODE, region_name=catalog.REGION_NAME,
        duties="负责本区行政执法协调监督工作，承担行政执法公示、执法全过程记录、重大执法决定法制审核制度的指导和监督。",
        legal_basis_summary="《中华人民共和国行政处罚法》；国办发〔2018〕118号。", remedy_channels=catalog.REMEDY,
        contact="0750-0000000（示例）", address="临江市青石区青石大道1号（示例）", created_by="seed", created_at=SEED_TIME,
    )
    session.add(parent)
    session.flush()
    for a_idx, spec in enumerate(catalog.AGENCIES):
        agency = m.Agency(
            code=spec.code, name=spec.name, short_name=spec.short_name, level=AgencyLevel.COUNTY,
            kind=AgencyKind.STATUTORY, region_code=catalog.REGION_CODE, region_name=catalog.REGION_NAME,
            parent_id=None, duties=spec.duties, legal_basis_summary=spec.legal_basis_summary,
            remedy_channels=catalog.REMEDY, contact=f"0750-00000{a_idx + 10}（示例）",
            address=f"临江市青石区{catalog.STREETS[a_idx]}{a_idx * 12 + 8}号（示例）",
            major_fine_person=spec.major_fine_person, major_fine_org=spec.major_fine_org,
            created_by="seed", created_at=SEED_TIME,
        )
        session.add(agency)
        session.flush()
        officers: list[tuple[int, str, dt.date, dt.date]] = []
        reviewers: list[int] = []
        n_officers = 24
        for o in range(n_officers):
            valid_from = dt.date(2019 + o % 4, 1 + (o * 5) % 12, 1)
            # Certificates run five years; a few lapse during 2024–2026 so expired ones exist.
            valid_to = dt.date(valid_from.year + 5, valid_from.month, 1) - dt.timedelta(days=1)
            if o % 8 == 7:
                valid_to = dt.date(2024 + o % 3, 6, 30)
            is_reviewer = o in (n_officers - 1, n_officers - 2)
            if o in (0, 1) or is_reviewer:  # the demo officers and the legal reviewers stay valid
                valid_to = dt.date(2028, 12, 31)
            name = rng.choice(catalog.SURNAMES) + "".join(rng.choice(catalog.GIVEN_CHARS) for _ in range(rng.choice((1, 2))))
            officer = m.Officer(
                agency_id=agency.id, name=name, cert_no=f"44{990 + a_idx}{o + 1:04d}{valid_from.year % 100:02d}",
                enforcement_field=spec.field, cert_valid_from=valid_from, cert_valid_to=valid_to,
                is_legal_reviewer=is_reviewer, has_legal_qualification=is_reviewer,
                created_by="seed", created_at=SEED_TIME,
            )
            session.add(officer)
            session.flush()
            if is_reviewer:
                reviewers.append(officer.id)
            else:
                officers.append((officer.id, officer.cert_no, valid_from, officer.cert_valid_to))
        for seq, (item, sub, basis, method, content) in enumerate(spec.inspection_items, start=1):
            session.add(m.InspectionItem(agency_id=agency.id, seq=seq, item=item, sub_item=sub, basis=basis,
                                         method=method, content=content, created_by="seed", created_at=SEED_TIME))
        ctx = AgencyCtx(id=agency.id, spec=spec, officers=officers, reviewers=reviewers, plans=[], other_matters=[])
        # Generated benchmark (Model A, 30/40/30) for every fine matter; the market regulator revised its
        # benchmark in mid-2025, so decisions after that date apply version 2.
        versions = [(dt.date(2023, 1, 1), "（2023年版）", None)]
        if spec.code == "QS-SCJG":
            versions = [(dt.date(2023, 1, 1), "（2023年版）", dt.date(2025, 7, 1)), (dt.date(2025, 7, 1), "（2025年修订版）", None)]
        matter_ids: dict[str, int] = {}
        for mspec in spec.matters:
            matter = m.Matter(agency_id=agency.id, code=mspec.code, name=mspec.name, category=mspec.category,
                              legal_basis=mspec.legal_basis, time_limit_days=mspec.time_limit_days,
                              statutory_range=_statutory_text(mspec),
                              accepting_body=spec.short_name, approving_body=spec.short_name,
                              conditions="依法定条件和程序办理" if mspec.category is ActionCategory.LICENCE else "",
                              created_by="seed", created_at=SEED_TIME)
            session.add(matter)
            session.flush()
            matter_ids[mspec.code] = matter.id
            if mspec.category is not ActionCategory.PENALTY:
                ctx.other_matters.append((matter.id, mspec))
        for v_idx, (eff_from, suffix, eff_to) in enumerate(versions):
            fine_matters = [ms for ms in spec.matters if ms.category is ActionCategory.PENALTY]
            if not fine_matters:
                continue
            bset = m.BenchmarkSet(agency_id=agency.id, name=f"{spec.name}行政处罚裁量基准{suffix}",
                                  issuer=spec.name, source="样例数据：按30%/40%/30%三档划分法定幅度",
                                  effective_from=eff_from, effective_to=eff_to, created_by="seed", created_at=SEED_TIME)
            session.add(bset)
            session.flush()
            plans: list[PenaltyPlan] = []
            for i_idx, ms in enumerate(fine_matters, start=1):
                item = m.BenchmarkItem(set_id=bset.id, item_no=f"{i_idx}", law_name=ms.legal_basis.split("》")[0] + "》",
                                       violation=ms.violation, legal_basis=ms.legal_basis)
                session.add(item)
                session.flush()
                tier_ranges: list[TierRange] = []
                if ms.base_name:
                    assert ms.factor_min is not None and ms.factor_max is not None
                    bounds = _model_a_tiers(ms.factor_min, ms.factor_max)
                else:
                    lo = ms.fine_min if ms.fine_min is not None else Decimal(0)
                    assert ms.fine_max is not None
                    hi = ms.fine_max
                    if v_idx == 1:  # the revision narrowed the light tier
                        bounds = [(DiscretionTier.LIGHTER, lo, lo + (hi - lo) * Decimal("0.25")),
                                  (DiscretionTier.GENERAL, lo + (hi - lo) * Decimal("0.25"), lo + (hi - lo) * Decimal("0.7")),
                                  (DiscretionTier.HEAVIER, lo + (hi - lo) * Decimal("0.7"), hi)]
                    else:
                        bounds = _model_a_tiers(lo, hi)
                for level, (tier, t_lo, t_hi) in enumerate(bounds, start=1):
                    if ms.base_name:
                        kind = BenchmarkRangeKind.RELATIVE
                        std = f"处{ms.base_name}{t_lo.normalize():f}倍以上{t_hi.normalize():f}倍以下的罚款"
                        if t_hi < 1:
                            std = f"处{ms.base_name}百分之{(t_lo * 100).normalize():f}以上百分之{(t_hi * 100).normalize():f}以下的罚款"
                        row = m.BenchmarkTier(item_id=item.id, level=level, tier=tier,
                                              circumstance=_CIRCUMSTANCE[tier], standard_text=std, range_kind=kind,
                                              base_name=ms.base_name, min_factor=str(t_lo.normalize()),
                                              max_factor=str(t_hi.normalize()))
                        tr_lo = tr_hi = None
                        f_lo, f_hi = t_lo, t_hi
                    else:
                        kind = BenchmarkRangeKind.FIXED
                        t_lo, t_hi = _yuan(t_lo), _yuan(t_hi)
                        std = f"处{_fmt_amount(t_lo)}以上{_fmt_amount(t_hi)}以下的罚款"
                        row = m.BenchmarkTier(item_id=item.id, level=level, tier=tier,
                                              circumstance=_CIRCUMSTANCE[tier], standard_text=std, range_kind=kind,
                                              min_amount=t_lo, max_amount=t_hi)
                        tr_lo, tr_hi, f_lo, f_hi = t_lo, t_hi, None, None
                    session.add(row)
                    session.flush()
                    tier_ranges.append(TierRange(row.id, item.id, tier, kind, tr_lo, tr_hi, ms.base_name, f_lo, f_hi))
                plans.append(PenaltyPlan(matter_ids[ms.code], ms.violation, ms.legal_basis, tier_ranges,
                                         ms.extra_types, ms.person_share, ms.on_site_seizure, ms.weight, ms.base_name))
            ctx.versioned_plans.append((eff_from, plans))
        if spec.uses_jiangmen_benchmark:
            table = load_jiangmen_table(DEFAULT_JIANGMEN_PATH)
            bset = m.BenchmarkSet(agency_id=agency.id, name="江门市生态环境局生态环境违法行为行政处罚自由裁量权裁量标准参照表（试行）",
                                  issuer="江门市生态环境局", source="sample_data/reference/jiangmen_eco_env_discretion_table_2020.xls（参照适用）",
                                  effective_from=dt.date(2020, 3, 1), effective_to=None, created_by="seed", created_at=SEED_TIME,
                                  no_penalty_list=(REFERENCE_DIR / "jiangmen_no_penalty_minor_list.md").read_text(encoding="utf-8"))
            session.add(bset)
            session.flush()
            plans = []
            for b_item in table:
                item = m.BenchmarkItem(set_id=bset.id, item_no=b_item.item_no, law_name=b_item.sheet,
                                       violation=b_item.violation[:2000], legal_basis=b_item.legal_basis)
                session.add(item)
                matter = m.Matter(agency_id=agency.id, code=f"STHJ-CF-{b_item.item_no}",
                                  name=f"对{b_item.violation.splitlines()[0][:150]}的行政处罚", category=ActionCategory.PENALTY,
                                  legal_basis=b_item.legal_basis, created_by="seed", created_at=SEED_TIME)
                session.add(matter)
                session.flush()
                tier_ranges = []
                for position, b_tier in enumerate(b_item.tiers, start=1):
                    parsed = b_tier.parsed
                    kind = parsed.kind
                    row = m.BenchmarkTier(
                        item_id=item.id, level=position, grade=b_tier.level, tier=None, circumstance=b_tier.circumstance,
                        standard_text=b_tier.standard_text, range_kind=kind, min_amount=parsed.min_amount,
                        max_amount=parsed.max_amount, base_name=parsed.base,
                        min_factor=None if parsed.min_factor is None else str(parsed.min_factor),
                        max_factor=None if parsed.max_factor is None else str(parsed.max_factor), note=b_tier.note or "",
                    )
                    session.add(row)
                    session.flush()
                    tier_ranges.append(TierRange(row.id, item.id, None, kind, parsed.min_amount, parsed.max_amount,
                                                 parsed.base, parsed.min_factor, parsed.max_factor))
                usable = [t for t in tier_ranges if t.kind is not BenchmarkRangeKind.NON_MONETARY and
                          (t.kind is not BenchmarkRangeKind.RELATIVE or (t.f_lo is not None and t.f_hi is not None))
                          and (t.kind is BenchmarkRangeKind.RELATIVE or t.hi is not None)]
                if usable and len(usable) == len(tier_ranges):
                    bases = {t.base_name for t in usable}
                    weight = _COMMON_JIANGMEN_WEIGHT if b_item.item_no in _COMMON_JIANGMEN_ITEMS else 1
                    plans.append(PenaltyPlan(matter.id, b_item.violation.splitlines()[0][:180], b_item.legal_basis,
                                             usable, (), 0.05, False, weight,
                                             next(iter(bases)) if len(bases) == 1 else None))
            ctx.versioned_plans.append((dt.date(2020, 3, 1), plans))
        ctx.plans = ctx.versioned_plans[0][1] if ctx.versioned_plans else []
        contexts.append(ctx)
    for law, article, body in _PROVISIONS:
        session.add(m.LegalProvision(law_name=law, article=article, text=body))
    return contexts


# A few violations make most environmental cases (未批先建, 超标排放, 逃避监管, 扬尘, 固废/危废 storage and labels);
# the rest of the 165 items are rare, as in practice.
_COMMON_JIANGMEN_ITEMS = frozenset({"1-1", "2-2", "2-6", "2-7", "3-3", "3-4", "3-20", "3-21", "4-2", "4-13"})
_COMMON_JIANGMEN_WEIGHT = 25
_OUTLIER_MIN_WEIGHT = 4

_CIRCUMSTANCE = {
    DiscretionTier.LIGHTER: "初次违法，危害后果较轻，主动改正或者配合调查",
    DiscretionTier.GENERAL: "违法情节一般，未及时改正",
    DiscretionTier.HEAVIER: "违法情节严重，造成较大危害后果或者一年内再次违法",
}

_PROVISIONS = (
    ("中华人民共和国行政处罚法", "第九条", "行政处罚的种类：（一）警告、通报批评；（二）罚款、没收违法所得、没收非法财物；（三）暂扣许可证件、降低资质等级、吊销许可证件；（四）限制开展生产经营活动、责令停产停业、责令关闭、限制从业；（五）行政拘留；（六）法律、行政法规规定的其他行政处罚。"),
    ("中华人民共和国行政处罚法", "第四十二条", "行政处罚应当由具有行政执法资格的执法人员实施。执法人员不得少于两人，法律另有规定的除外。"),
    ("中华人民共和国行政处罚法", "第四十八条", "具有一定社会影响的行政处罚决定应当依法公开。公开的行政处罚决定被依法变更、撤销、确认违法或者确认无效的，行政机关应当在三日内撤回行政处罚决定信息并公开说明理由。"),
    ("中华人民共和国行政处罚法", "第五十八条", "有下列情形之一，在行政机关负责人作出行政处罚的决定之前，应当由从事行政处罚决定法制审核的人员进行法制审核；未经法制审核或者审核未通过的，不得作出决定。"),
    ("中华人民共和国行政处罚法", "第六十条", "行政机关应当自行政处罚案件立案之日起九十日内作出行政处罚决定。法律、法规、规章另有规定的，从其规定。"),
)


# ---------------------------------------------------------------------------------------------- dynamic part


_DECISION_LEVEL = ("fine_out_of_range", "outlier_fine", "tier_mismatch")
_STAGE_VALUE = {stage: stage.value for stage in Stage}
_FORMS_TEXT: dict[tuple[RecordForm, ...], str] = {}


def _forms_text(forms: tuple[RecordForm, ...]) -> str:
    text_ = _FORMS_TEXT.get(forms)
    if text_ is None:
        text_ = _FORMS_TEXT[forms] = "、".join(f.value for f in forms)
    return text_


# Child rows take ids from fixed blocks derived from their case id, so any chunk of cases can be generated on its
# own (in parallel) and still produce the same rows. Ids have gaps; nothing relies on them being dense.
ID_BLOCK = {"case_events": 16, "evidence_files": 32, "penalty_items": 8, "legal_reviews": 4, "disclosure_versions": 4}


class _Ids:
    def __init__(self) -> None:
        self.case_id = 0
        self.used: Counter[str] = Counter()

    def start_case(self, case_id: int) -> None:
        self.case_id = case_id
        self.used.clear()

    def take(self, table: str) -> int:
        """The next id of ``table`` inside the current case's block (parties, decisions, disclosures: the case id)."""
        block = ID_BLOCK.get(table)
        if block is None:
            return self.case_id
        k = self.used[table]
        if k >= block:
            raise AssertionError(f"id block of {table} exhausted for case {self.case_id}")
        self.used[table] += 1
        return self.case_id * block + k


@dataclass
class _Rows:
    parties: list[tuple] = field(default_factory=list)
    cases: list[tuple] = field(default_factory=list)
    events: list[tuple] = field(default_factory=list)
    event_officers: list[tuple] = field(default_factory=list)
    evidence: list[tuple] = field(default_factory=list)
    reviews: list[tuple] = field(default_factory=list)
    decisions: list[tuple] = field(default_factory=list)
    items: list[tuple] = field(default_factory=list)
    disclosures: list[tuple] = field(default_factory=list)
    versions: list[tuple] = field(default_factory=list)


PARTY_COLS = ("id", "party_type", "name", "uscc", "id_number", "legal_representative", "address", "phone", "is_minor",
              "created_at", "created_by")
CASE_COLS = ("id", "case_no", "agency_id", "matter_id", "party_id", "procedure", "filed_on", "is_major", "major_reasons",
             "status", "origin", "confidential", "violation", "facts", "internal_note", "decision_extension_days",
             "chain_head", "created_at", "created_by")
EVENT_COLS = ("id", "case_id", "seq", "occurred_at", "stage", "action", "officer_cert_nos", "document_no",
              "record_forms", "location", "note", "corrects_event_id", "recorded_at", "recorded_by", "prev_hash", "hash",
              "chain_version")
EVENT_OFFICER_COLS = ("event_id", "officer_id")
EVIDENCE_COLS = ("id", "event_id", "file_name", "media_type", "size_bytes", "sha256", "storage_uri")
REVIEW_COLS = ("id", "case_id", "round_no", "submitted_on", "reviewer_officer_id", "reviewed_on", "outcome", "opinion",
               "checklist", "created_at", "created_by")
DECISION_COLS = ("id", "case_id", "decision_no", "decided_on", "category", "conclusion", "legal_basis",
                 "benchmark_tier_id", "claimed_tier", "base_amount", "discretion_statement", "fine_total",
                 "confiscation_total", "unreviewed_major", "created_at", "created_by")
ITEM_COLS = ("id", "decision_id", "penalty_type", "amount", "description")
DISCLOSURE_COLS = ("id", "decision_id", "status", "published_on", "gsxt_published_on", "period_months", "expires_on",
                   "withdrawn_on", "withdrawal_reason", "withdrawal_doc_ref", "public_explanation", "redaction_applied",
                   "redaction_note", "withheld_reason", "version", "created_at", "created_by")
VERSION_COLS = ("id", "disclosure_id", "version", "changed_on", "status", "reason", "snapshot")


class _CaseMaker:
    def __init__(self, rng: random.Random, contexts: list[AgencyCtx], calendar: WorkCalendar, report: SeedReport):
        self.rng = rng
        self.ctx = contexts
        self.weights = [c.spec.weight for c in contexts]
        self.cal = calendar
        self.report = report
        self.ids = _Ids()
        self.days = (AS_OF - FIRST_DAY).days

    # -- small pieces -------------------------------------------------------------------------------------

    def hit(self, name: str) -> bool:
        """Count one chance for a planted problem and say whether it happens."""
        self.report.denominators[name] += 1
        self.case_chances.append(name)
        if self.rng.random() < PLANTED_RATES[name][0]:
            self.report.planted[name] += 1
            self.case_hits.append(name)
            return True
        return False

    def undo_decision_chances(self) -> None:
        """A case still in progress at AS_OF has no decision: its decision-level chances did not happen."""
        for name in _DECISION_LEVEL:
            self.report.denominators[name] -= self.case_chances.count(name)
            self.report.planted[name] -= self.case_hits.count(name)

    def person_name(self) -> str:
        rng = self.rng
        return rng.choice(catalog.SURNAMES) + "".join(rng.choice(catalog.GIVEN_CHARS) for _ in range(rng.choice((1, 2, 2))))

    def phone(self) -> str:
        return f"1{self.rng.choice('3578')}{self.rng.randrange(10**9):09d}"

    def address(self) -> str:
        rng = self.rng
        return f"{catalog.REGION_NAME}{rng.choice(catalog.STREETS)}{rng.randrange(1, 300)}号{rng.randrange(1, 30)}栋{rng.randrange(101, 2800)}房"

    def officers_on(self, ctx: AgencyCtx, day: dt.date, n: int = 2) -> list[tuple[int, str, dt.date, dt.date]]:
        valid = [o for o in ctx.officers if o[2] <= day <= o[3]]
        return self.rng.sample(valid, n)

    def expired_officer(self, ctx: AgencyCtx, day: dt.date) -> tuple[int, str, dt.date, dt.date] | None:
        lapsed = [o for o in ctx.officers if o[3] < day]
        return self.rng.choice(lapsed) if lapsed else None

    # -- one case -----------------------------------------------------------------------------------------

    def make_case(self, rows: _Rows, case_id: int) -> None:
        self.ids.start_case(case_id)
        self.case_chances: list[str] = []
        self.case_hits: list[str] = []
        rng = self.rng
        ctx = rng.choices(self.ctx, self.weights)[0]
        penalty_share = 0.78 if ctx.plans else 0.0
        filed_on = FIRST_DAY + dt.timedelta(days=rng.randrange(self.days - 5))
        if ctx.versioned_plans and rng.random() < penalty_share:
            plans = [p for eff, p in ctx.versioned_plans if eff <= filed_on][-1]
            plan = rng.choices(plans, [p.weight for p in plans])[0]
            self.penalty_case(rows, ctx, plan, filed_on)
        else:
            matter_id, mspec = rng.choices(ctx.other_matters, [s.weight for _, s in ctx.other_matters])[0]
            self.other_case(rows, ctx, matter_id, mspec, filed_on)

    def party(self, rows: _Rows, ctx: AgencyCtx, person_share: float, when: dt.date) -> tuple[int, PartyType, str, bool]:
        rng = self.rng
        pid = self.ids.take("parties")
        if rng.random() < person_share:
            is_minor = self.hit("minor_party")
            # A minor is born within 17 years before the case (and at least 14 years: the id adds ≤ 999 days).
            id_no = _minor_id_number(pid, when - dt.timedelta(days=365 * 17)) if is_minor else _adult_id_number(pid)
            name = self.person_name()
            rows.parties.append((pid, PartyType.NATURAL_PERSON, name, None, id_no, None, self.address(), self.phone(),
                                 is_minor, SEED_TIME, "seed"))
            return pid, PartyType.NATURAL_PERSON, name, is_minor
        suffix, kind = rng.choice(catalog.ORG_SUFFIXES_BY_AGENCY[ctx.spec.code])
        trade = rng.choice(catalog.TRADE_WORDS) + rng.choice(catalog.TRADE_WORDS)
        name = f"{catalog.CITY}{trade}{suffix}" if kind != "个体工商户" else f"{catalog.REGION_NAME}{trade}{suffix}"
        ptype = PartyType(kind)
        prefix = {"法人": "91", "非法人组织": "91", "个体工商户": "92"}[kind]
        uscc = _synthetic_uscc(pid, prefix)
        rows.parties.append((pid, ptype, name, uscc, None, self.person_name(), self.address(), self.phone(), False,
                             SEED_TIME, "seed"))
        return pid, ptype, name, False

    def number(self, ctx: AgencyCtx, category: ActionCategory, year: int, word: str | None = None) -> str:
        """文号 such as 青市监罚〔2025〕1234号; the serial is the case id, unique without shared counters."""
        prefix = f"{DECISION_ABBR.get(ctx.spec.code, '青')}{word or CATEGORY_WORD.get(category, '决')}"
        return f"{prefix}〔{year}〕{self.ids.case_id}号"

    def event(self, rows: _Rows, state: dict, stage: Stage, action: str, day: dt.date, officers: list,
              forms: tuple[RecordForm, ...] = (RecordForm.TEXT,), document_no: str | None = None,
              location: str | None = None, note: str = "") -> int:
        rng = self.rng
        eid = self.ids.take("case_events")
        state["seq"] += 1
        occurred = _at(day, rng)
        recorded = occurred + dt.timedelta(minutes=rng.randrange(5, 180))
        recorder = f"officer:{officers[0][1]}" if officers else "system"
        content = {
            "case_id": state["case_id"], "seq": state["seq"], "occurred_at": occurred, "stage": _STAGE_VALUE[stage],
            "action": action, "officer_cert_nos": "、".join(o[1] for o in officers), "document_no": document_no,
            "record_forms": _forms_text(forms), "location": location, "note": note,
            "corrects_event_id": None, "recorded_at": recorded, "recorded_by": recorder,
        }
        for o in officers:
            rows.event_officers.append((eid, o[0]))
        shas: list[str] = []
        for f in forms:
            if f is RecordForm.TEXT:
                continue
            ext = {RecordForm.BODYCAM: ("mp4", "video/mp4"), RecordForm.AUDIO: ("m4a", "audio/mp4"),
                   RecordForm.PHOTO: ("jpg", "image/jpeg"), RecordForm.VIDEO: ("mp4", "video/mp4"),
                   RecordForm.CCTV: ("mp4", "video/mp4")}[f]
            rows.evidence.append((self.ids.take("evidence_files"), eid, f"{state['case_no']}-{state['seq']:02d}.{ext[0]}",
                                  ext[1], rng.randrange(200_000, 900_000_000), _fake_sha(rng),
                                  f"evidence://{state['case_id']}/{eid}.{ext[0]}"))
            shas.append(rows.evidence[-1][5])
        # v2 (domain.chain): the hash covers the officers and the evidence files written just above.
        h = event_hash_v2(content, [o[0] for o in officers], shas, state["prev"])
        rows.events.append((eid, state["case_id"], state["seq"], occurred, stage, action, content["officer_cert_nos"],
                            document_no, content["record_forms"], location, note, None, recorded, recorder,
                            state["prev"], h, CHAIN_V2))
        state["prev"] = h
        return eid

    def on_site_officers(self, ctx: AgencyCtx, day: dt.date) -> list:
        officers = self.officers_on(ctx, day, 2)
        if self.hit("single_officer"):
            return officers[:1]
        if self.hit("expired_certificate"):
            lapsed = self.expired_officer(ctx, day)
            if lapsed is not None:
                return [officers[0], lapsed]
            self.report.planted["expired_certificate"] -= 1
        return officers

    def facts_text(self, party_name: str, ptype: PartyType, violation: str, day: dt.date, place: str,
                   party_id_no: str | None, phone: str | None, address: str | None) -> str:
        rng = self.rng
        when = f"{day.year}年{day.month}月{day.day}日"
        base = f"经查，当事人{party_name}于{when}在{catalog.REGION_NAME}{place}{violation}。"
        if ptype is PartyType.NATURAL_PERSON and self.hit("pii_in_facts"):
            witness = self.person_name()
            extra = rng.choice((
                f"当事人{party_name}（身份证号码：{party_id_no}，联系电话：{phone}）对上述事实供认不讳。证人{witness}证实了上述情况。",
                f"执法人员现场询问了当事人{party_name}（住{address}，手机{phone}），并制作询问笔录。现场证人{witness}在场。",
                f"当事人{party_name}，公民身份号码{party_id_no}，现住{address}。",
            ))
            return base + extra
        return base + rng.choice(("当事人对违法事实无异议。", "以上事实有现场检查笔录、询问笔录、照片等证据证实。",
                                  "当事人在规定期限内未提出陈述、申辩。"))

    def public_field_pii(self, case_id: int, name: str, phone: str | None, address: str | None,
                         ) -> tuple[str, str] | None:
        """Personal data written where a careless officer writes it — the party's name in 违法行为类型 and 处罚内容,
        a phone in 处罚内容, a spouse, e-mail, WeChat and home address in 裁量说明 — so that the redaction sweep
        has something to catch in every published field. Its own RNG per case keeps every other seeded value as
        it was."""
        self.report.denominators["pii_in_public_fields"] += 1
        rng = random.Random(f"pii:{case_id}")
        if rng.random() >= PLANTED_RATES["pii_in_public_fields"][0]:
            return None
        self.report.planted["pii_in_public_fields"] += 1
        spouse = rng.choice(catalog.SURNAMES) + rng.choice(catalog.GIVEN_CHARS) + rng.choice(catalog.GIVEN_CHARS)
        account = f"wxid_{rng.randrange(10**8):08d}"
        return (f"当事人联系电话{phone}",
                f"当事人住{address}，其妻{spouse}（微信号{account}，邮箱{account[5:]}@example.com）到场陪同。")

    # -- penalty cases ------------------------------------------------------------------------------------

    def penalty_case(self, rows: _Rows, ctx: AgencyCtx, plan: PenaltyPlan, filed_on: dt.date) -> None:
        rng = self.rng
        case_id = self.ids.take("cases")
        pid, ptype, pname, is_minor = self.party(rows, ctx, plan.person_share, filed_on)
        person = ptype is PartyType.NATURAL_PERSON
        party_row = rows.parties[-1]
        id_no, phone, address = party_row[4], party_row[7], party_row[6]
        case_no = self.number(ctx, ActionCategory.PENALTY, filed_on.year, "立")
        state = {"case_id": case_id, "seq": 0, "prev": GENESIS, "case_no": case_no}

        # -- the penalty: tier, base, amount, planted benchmark problems
        base_amount: Decimal | None = None
        if plan.base_name or any(t.kind is BenchmarkRangeKind.RELATIVE for t in plan.tiers):
            base_amount = _round_fine(Decimal(rng.randrange(2_000, 400_000)) if plan.base_name != "总投资额"
                                      else Decimal(rng.randrange(200_000, 20_000_000)))
        tier_idx = min(len(plan.tiers) - 1, rng.choices(range(3), (50, 35, 15))[0])
        if len(plan.tiers) > 3:
            tier_idx = rng.randrange(len(plan.tiers))
        tier = plan.tiers[tier_idx]
        window = tier.window(base_amount)
        assert window is not None
        lo, hi = window
        windows = [w for w in (t.window(base_amount) for t in plan.tiers) if w is not None]
        stat_hi = max(w[1] for w in windows)
        # Fines of one tier cluster around its middle, as decisions of one agency do; the planted outliers below
        # are then far from their peers, as real ones are.
        amount = _round_fine(lo + (hi - lo) * _clustered(rng.random()))
        amount = min(max(amount, _round_fine(lo) if _round_fine(lo) >= lo else lo), hi)
        if self.hit("fine_out_of_range"):
            amount = _round_fine(stat_hi * Decimal(str(1.2 + rng.random())))
        elif plan.weight >= _OUTLIER_MIN_WEIGHT and self.hit("outlier_fine"):
            # Planted only among frequent violations: an outlier needs peers to stand out from.
            amount = stat_hi.quantize(CENT, rounding=ROUND_DOWN)  # 顶格: the heaviest fine the item allows
            tier = plan.tiers[-1]
        elif len(plan.tiers) > 1 and self.hit("tier_mismatch"):
            other = plan.tiers[(tier_idx + 1) % len(plan.tiers)]
            o_lo, o_hi = other.window(base_amount)  # type: ignore[misc]
            amount = _round_fine(o_lo + (o_hi - o_lo) / 2)
            if lo <= amount <= hi:  # overlapping windows: not a real mismatch
                self.report.planted["tier_mismatch"] -= 1
                self.case_hits.remove("tier_mismatch")
        amount = max(amount, Decimal(10))
        types: list[tuple[PenaltyType, Decimal | None]] = [(PenaltyType.FINE, _yuan(amount))]
        confiscated = Decimal(0)
        for extra in plan.extra_types:
            if extra in (PenaltyType.CONFISCATE_GAINS, PenaltyType.CONFISCATE_PROPERTY):
                if rng.random() < 0.6:
                    value = _round_fine(base_amount if (base_amount and plan.base_name == "违法所得")
                                        else Decimal(rng.randrange(300, 60_000)))
                    types.append((extra, _yuan(value)))
                    confiscated += value
            elif rng.random() < 0.25:
                types.append((extra, None))
        if PenaltyType.WARNING in plan.extra_types and all(t != PenaltyType.WARNING for t, _ in types):
            types.insert(0, (PenaltyType.WARNING, None))

        threshold = ctx.spec.major_fine_person if person else ctx.spec.major_fine_org
        simple = (amount <= (200 if person else 3000)) and confiscated == 0 and len(types) == 1 and rng.random() < 0.8
        severe = any(t in (PenaltyType.ORDER_SUSPENSION, PenaltyType.REVOKE_LICENCE, PenaltyType.ORDER_CLOSURE)
                     for t, _ in types)
        hearing_threshold = threshold
        hearing = not simple and amount >= hearing_threshold and rng.random() < 0.3
        reasons: list[MajorReason] = []
        if amount + confiscated >= threshold:
            reasons.append(MajorReason.LARGE_AMOUNT)
        if severe:
            reasons.append(MajorReason.SEVERE_TYPE)
        if hearing:
            reasons.append(MajorReason.HEARING)
        major = bool(reasons) and not simple
        procedure = Procedure.SIMPLE if simple else Procedure.ORDINARY

        place = rng.choice(catalog.PLACES)
        facts = self.facts_text(pname, ptype, plan.spec_violation, filed_on - dt.timedelta(days=rng.randrange(1, 20)),
                                place, id_no, phone, address)
        confidential = self.hit("confidential")
        in_progress = (AS_OF - filed_on).days < 45 and not simple
        origin = DataOrigin.NATIVE
        unreviewed = False
        if major and not in_progress and self.hit("unreviewed_major"):
            unreviewed, origin = True, DataOrigin.LEGACY
        location = f"{catalog.REGION_NAME}{place}"

        if simple:
            decided_on = filed_on
            officers = self.on_site_officers(ctx, decided_on)
            self.event(rows, state, Stage.INVESTIGATION, "现场检查", decided_on, officers,
                       (RecordForm.TEXT, RecordForm.BODYCAM), location=location)
            decision_no = self.number(ctx, ActionCategory.PENALTY, decided_on.year, "简罚")
            self.event(rows, state, Stage.DECISION, "当场作出行政处罚决定", decided_on, officers, (RecordForm.TEXT,),
                       document_no=decision_no, location=location)
            self.event(rows, state, Stage.SERVICE, "当场送达", decided_on, officers, (RecordForm.TEXT,))
            self.event(rows, state, Stage.EXECUTION, "当场缴纳罚款" if amount <= 100 else "到指定银行缴纳罚款",
                       decided_on + dt.timedelta(days=rng.randrange(0, 10)), officers[:1])
            status = CaseStatus.CLOSED
        else:
            overdue = not in_progress and self.hit("decision_overdue")
            duration = rng.randrange(91, 150) if overdue else rng.randrange(15, 80)
            decided_on = filed_on + dt.timedelta(days=duration)
            if decided_on > AS_OF:
                in_progress = True
                if overdue:
                    self.report.planted["decision_overdue"] -= 1
            officers = self.officers_on(ctx, filed_on)
            self.event(rows, state, Stage.FILING, "立案审批", filed_on, officers[:1], document_no=case_no)
            day = filed_on + dt.timedelta(days=rng.randrange(0, 5))
            self.event(rows, state, Stage.INVESTIGATION, "现场检查", day, self.on_site_officers(ctx, day),
                       (RecordForm.TEXT, RecordForm.BODYCAM, RecordForm.PHOTO), location=location)
            day2 = day + dt.timedelta(days=rng.randrange(1, 6))
            self.event(rows, state, Stage.INVESTIGATION, "询问调查", day2, self.officers_on(ctx, day2),
                       (RecordForm.TEXT, RecordForm.AUDIO), document_no=f"{case_no}询问笔录")
            if plan.on_site_seizure and rng.random() < 0.5:
                day3 = day2 + dt.timedelta(days=1)
                forms = (RecordForm.TEXT,) if self.hit("missing_av") else (RecordForm.TEXT, RecordForm.BODYCAM, RecordForm.VIDEO)
                self.event(rows, state, Stage.INVESTIGATION, "查封扣押", day3, self.officers_on(ctx, day3), forms,
                           document_no=f"{case_no}查封扣押决定书", location=location)
            if in_progress:
                self.undo_decision_chances()
                status = CaseStatus.INVESTIGATING
                if major and rng.random() < 0.6:
                    notice_day = min(AS_OF, day2 + dt.timedelta(days=rng.randrange(2, 8)))
                    self.event(rows, state, Stage.NOTICE, "送达行政处罚事先告知书", notice_day, self.officers_on(ctx, notice_day),
                               document_no=f"{case_no}告知书")
                    rows.reviews.append((self.ids.take("legal_reviews"), case_id, 1, min(AS_OF, notice_day + dt.timedelta(days=6)),
                                         rng.choice(ctx.reviewers), None, None, "", "{}", SEED_TIME, "seed"))
                    status = CaseStatus.IN_REVIEW
                self.write_case(rows, ctx, plan.matter_id, case_id, case_no, pid, procedure, filed_on, major, reasons,
                                status, origin, confidential, plan.spec_violation, facts, state["prev"])
                return
            missing = self.hit("missing_stage")
            missing_stage = rng.choice((Stage.NOTICE, Stage.SERVICE)) if missing else None
            notice_day = decided_on - dt.timedelta(days=rng.randrange(8, 14))
            if missing_stage is not Stage.NOTICE:
                self.event(rows, state, Stage.NOTICE, "送达行政处罚事先告知书", notice_day, self.officers_on(ctx, notice_day),
                           document_no=f"{case_no}告知书")
            if hearing:
                h_day = self.cal.add_workdays(notice_day, 8).due
                self.event(rows, state, Stage.HEARING, "举行听证", min(h_day, decided_on), self.officers_on(ctx, min(h_day, decided_on)),
                           (RecordForm.TEXT, RecordForm.AUDIO, RecordForm.VIDEO), document_no=f"{case_no}听证笔录")
            if major and not unreviewed:
                r_day = decided_on - dt.timedelta(days=rng.randrange(2, 5))
                rounds = 2 if rng.random() < 0.2 else 1
                for r in range(1, rounds + 1):
                    submitted = r_day - dt.timedelta(days=4 * (rounds - r) + 3)
                    outcome = ReviewOutcome.APPROVED if r == rounds else ReviewOutcome.PROBLEMS
                    opinion = ("同意。事实清楚，证据确凿，适用依据正确，程序合法，裁量适当。" if outcome is ReviewOutcome.APPROVED
                               else "存在问题：裁量说明不充分，请补充从轻情节的证据后重新报送。")
                    checklist = json.dumps({"裁量基准运用适当": {"ok": outcome is ReviewOutcome.APPROVED, "comment": ""}},
                                           ensure_ascii=False)
                    rows.reviews.append((self.ids.take("legal_reviews"), case_id, r, submitted, rng.choice(ctx.reviewers),
                                         submitted + dt.timedelta(days=2), outcome, opinion, checklist, SEED_TIME, "seed"))
                self.event(rows, state, Stage.LEGAL_REVIEW, "法制审核通过", r_day, [], document_no=f"{case_no}法制审核意见书")
                self.event(rows, state, Stage.COLLECTIVE_DISCUSSION, "负责人集体讨论", r_day + dt.timedelta(days=1),
                           [], document_no=f"{case_no}集体讨论记录")
            decision_no = self.number(ctx, ActionCategory.PENALTY, decided_on.year)
            self.event(rows, state, Stage.DECISION, "作出行政处罚决定", decided_on, self.officers_on(ctx, decided_on),
                       document_no=decision_no)
            if missing_stage is not Stage.SERVICE:
                served = self.cal.add_workdays(decided_on, rng.randrange(0, 5)).due if rng.random() < 0.5 else decided_on
                self.event(rows, state, Stage.SERVICE, "直接送达" if served == decided_on else "邮寄送达", served,
                           self.officers_on(ctx, served), document_no=f"{decision_no}送达回证")
                paid = served + dt.timedelta(days=rng.randrange(1, 15))
                if paid <= AS_OF:
                    self.event(rows, state, Stage.EXECUTION, "当事人缴纳罚没款", paid, [])
                    if paid + dt.timedelta(days=20) <= AS_OF:
                        self.event(rows, state, Stage.ARCHIVE, "结案归档", paid + dt.timedelta(days=rng.randrange(3, 20)), [])
                        status = CaseStatus.CLOSED
                    else:
                        status = CaseStatus.EXECUTED
                else:
                    status = CaseStatus.SERVED
            else:
                status = CaseStatus.DECIDED

        pii = self.public_field_pii(case_id, pname, phone, address) if person else None
        violation = plan.spec_violation if pii is None else f"{pname}{plan.spec_violation}"[:200]
        self.write_case(rows, ctx, plan.matter_id, case_id, case_no, pid, procedure, filed_on, major, reasons, status,
                        origin, confidential, violation, facts, state["prev"])
        claimed = tier.tier if tier.tier is not None else None
        statement = (f"适用《{ctx.spec.name if tier.tier else '江门市生态环境局'}裁量基准》第{tier_idx + 1}档"
                     f"{'（' + tier.tier.value + '）' if tier.tier else ''}，"
                     f"{'基数' + plan.base_name + _fmt_amount(base_amount) + '，' if base_amount and plan.base_name else ''}"
                     f"决定罚款{_fmt_amount(_yuan(amount))}。")
        conclusion = "，".join(
            (f"{t.value}{_fmt_amount(a)}" if a is not None else t.value) for t, a in types
        )
        conclusion = f"责令改正，{conclusion}" if not simple else conclusion
        if pii is not None:
            conclusion = f"对当事人{pname}{conclusion}，{pii[0]}"
            statement = f"{statement}{pii[1]}"
        dec_id = self.ids.take("decisions")
        for name in _DECISION_LEVEL:
            if name in self.case_hits:
                self.report.planted_decisions.setdefault(name, set()).add(dec_id)
        fine_total = sum((a for t, a in types if t is PenaltyType.FINE and a is not None), Decimal(0))
        rows.decisions.append((dec_id, case_id, decision_no, decided_on, ActionCategory.PENALTY, conclusion,
                               plan.legal_basis, tier.tier_id, claimed, base_amount, statement, _yuan(fine_total),
                               _yuan(confiscated), unreviewed, SEED_TIME, "seed"))
        for t, a in types:
            rows.items.append((self.ids.take("penalty_items"), dec_id, t, a, ""))
        self.disclose(rows, dec_id, ActionCategory.PENALTY, decided_on, person, is_minor, confidential, conclusion)

    def write_case(self, rows: _Rows, ctx: AgencyCtx, matter_id: int, case_id: int, case_no: str, pid: int,
                   procedure: Procedure, filed_on: dt.date, major: bool, reasons: list[MajorReason],
                   status: CaseStatus, origin: DataOrigin, confidential: bool, violation: str, facts: str,
                   chain_head: str) -> None:
        note = "历史数据导入：原系统未记录法制审核" if origin is DataOrigin.LEGACY else ""
        rows.cases.append((case_id, case_no, ctx.id, matter_id, pid, procedure, filed_on, major,
                           "；".join(r.value for r in reasons), status, origin, confidential, violation, facts, note, 0,
                           chain_head, SEED_TIME, "seed"))

    # -- 许可, 强制, 检查 ---------------------------------------------------------------------------------

    def other_case(self, rows: _Rows, ctx: AgencyCtx, matter_id: int, mspec: MatterSpec, filed_on: dt.date) -> None:
        rng = self.rng
        case_id = self.ids.take("cases")
        pid, ptype, pname, is_minor = self.party(rows, ctx, mspec.person_share, filed_on)
        case_no = self.number(ctx, mspec.category, filed_on.year, "受" if mspec.category is ActionCategory.LICENCE else "立")
        state = {"case_id": case_id, "seq": 0, "prev": GENESIS, "case_no": case_no}
        limit = mspec.time_limit_days or 20
        decided_on = self.cal.add_workdays(filed_on, rng.randrange(2, limit + 1)).due
        confidential = self.hit("confidential")
        location = f"{catalog.REGION_NAME}{rng.choice(catalog.PLACES)}"
        officers = self.officers_on(ctx, filed_on, 2)
        first_action = {ActionCategory.LICENCE: "受理申请", ActionCategory.COERCION: "立案审批",
                        ActionCategory.INSPECTION: "检查任务登记"}[mspec.category]
        self.event(rows, state, Stage.FILING, first_action, filed_on, officers[:1], document_no=case_no)
        if decided_on > AS_OF:
            self.write_case(rows, ctx, matter_id, case_id, case_no, pid, Procedure.ORDINARY, filed_on, False, [],
                            CaseStatus.INVESTIGATING, DataOrigin.NATIVE, confidential, mspec.name, "", state["prev"])
            return
        if mspec.category is ActionCategory.LICENCE:
            self.event(rows, state, Stage.INVESTIGATION, "现场核查", decided_on, self.officers_on(ctx, decided_on),
                       (RecordForm.TEXT, RecordForm.PHOTO), location=location)
            granted = rng.random() < 0.9
            conclusion = "准予行政许可" if granted else "不予行政许可：申请材料不符合法定条件"
            facts = f"申请人{pname}申请{mspec.name}，经审查，{'符合' if granted else '不符合'}法定条件和标准。"
        elif mspec.category is ActionCategory.COERCION:
            forms = (RecordForm.TEXT,) if self.hit("missing_av") else (RecordForm.TEXT, RecordForm.BODYCAM, RecordForm.VIDEO)
            self.event(rows, state, Stage.NOTICE, "催告当事人", filed_on + dt.timedelta(days=1), self.officers_on(ctx, filed_on))
            conclusion = (f"查封污染物排放设施{rng.randrange(1, 5)}台（套），期限三十日" if "查封" in mspec.name
                          else f"强制拆除违法建筑约{rng.randrange(20, 400)}平方米")
            facts = f"当事人{pname}的违法行为经催告后仍未改正，依法实施{mspec.name}。"
        else:
            self.event(rows, state, Stage.INVESTIGATION, "现场检查", decided_on, self.on_site_officers(ctx, decided_on),
                       (RecordForm.TEXT, RecordForm.BODYCAM), location=location)
            conclusion = rng.choice(("检查合格", "发现问题，责令限期整改", "检查合格"))
            facts = f"对{pname}开展{mspec.name}，{conclusion}。"
        decision_no = self.number(ctx, mspec.category, decided_on.year)
        self.event(rows, state, Stage.DECISION, "作出决定", decided_on, [], document_no=decision_no)
        self.event(rows, state, Stage.SERVICE, "送达决定书", decided_on, officers[:1])
        if mspec.category is ActionCategory.COERCION:  # the seizure or demolition itself, after the decision
            self.event(rows, state, Stage.EXECUTION, mspec.name.replace("、", ""), decided_on,
                       self.on_site_officers(ctx, decided_on), forms, location=location)
        self.write_case(rows, ctx, matter_id, case_id, case_no, pid, Procedure.ORDINARY, filed_on, False, [],
                        CaseStatus.CLOSED, DataOrigin.NATIVE, confidential, mspec.name, facts, state["prev"])
        dec_id = self.ids.take("decisions")
        rows.decisions.append((dec_id, case_id, decision_no, decided_on, mspec.category, conclusion, mspec.legal_basis,
                               None, None, None, "", Decimal(0), Decimal(0), False, SEED_TIME, "seed"))
        self.disclose(rows, dec_id, mspec.category, decided_on, ptype is PartyType.NATURAL_PERSON, is_minor,
                      confidential, conclusion)

    # -- 公示 --------------------------------------------------------------------------------------------

    def disclose(self, rows: _Rows, dec_id: int, category: ActionCategory, decided_on: dt.date, person: bool,
                 is_minor: bool, confidential: bool, conclusion: str) -> None:
        rng = self.rng
        did = self.ids.take("disclosures")
        limit = 7 if category in SHORT_DEADLINE_CATEGORIES else 20
        deadline = self.cal.add_workdays(decided_on, limit).due
        withheld = None
        if is_minor:
            withheld = "当事人为未成年人，依法不予公开"
        elif confidential:
            withheld = "涉及国家秘密、商业秘密或者个人隐私，依法不予公开"
        if withheld:
            rows.disclosures.append((did, dec_id, DisclosureStatus.DRAFT, None, None, None, None, None, None, None, "",
                                     False, "", withheld, 1, SEED_TIME, "seed"))
            return
        if deadline < AS_OF and self.hit("unpublished_overdue"):
            rows.disclosures.append((did, dec_id, DisclosureStatus.DRAFT, None, None, None, None, None, None, None, "",
                                     False, "", None, 1, SEED_TIME, "seed"))
            return
        late = self.hit("late_disclosure")
        lag = limit + rng.randrange(1, 16) if late else rng.randrange(1, limit + 1)
        published_on = self.cal.add_workdays(decided_on, lag).due
        if published_on > AS_OF:  # planned after the sample's "today": not yet published
            if late:
                self.report.planted["late_disclosure"] -= 1
            self.report.denominators["late_disclosure"] -= 1
            if deadline < AS_OF:  # ... and already past its deadline
                self.report.planted["unpublished_overdue"] += 1
            rows.disclosures.append((did, dec_id, DisclosureStatus.DRAFT, None, None, None, None, None, None, None, "",
                                     False, "", None, 1, SEED_TIME, "seed"))
            return
        period = 24 if person else 60
        expires_on = add_months(published_on, period)
        status = DisclosureStatus.PUBLISHED
        version = 1
        withdrawn_on = reason = doc_ref = None
        explanation = ""
        rows.versions.append((self.ids.take("disclosure_versions"), did, 1, published_on, DisclosureStatus.PUBLISHED,
                              "首次公示", json.dumps({"conclusion": conclusion}, ensure_ascii=False)))
        if self.hit("withdrawn"):
            withdrawn_on = published_on + dt.timedelta(days=rng.randrange(20, 200))
            if withdrawn_on <= AS_OF:
                status, version = DisclosureStatus.WITHDRAWN, 2
                reason = rng.choice(list(WithdrawalReason)[:4])
                doc_ref = f"临青府复决字〔{withdrawn_on.year}〕{rng.randrange(1, 90)}号"
                explanation = f"该行政处罚决定经行政复议被依法{reason.value}，根据《中华人民共和国行政处罚法》第四十八条撤回公示。"
                rows.versions.append((self.ids.take("disclosure_versions"), did, 2, withdrawn_on, status, explanation, "{}"))
            else:
                withdrawn_on = None
                self.report.planted["withdrawn"] -= 1
        elif self.hit("corrected"):
            fixed_on = published_on + dt.timedelta(days=rng.randrange(3, 60))
            if fixed_on <= AS_OF:
                status, version = DisclosureStatus.CORRECTED, 2
                rows.versions.append((self.ids.take("disclosure_versions"), did, 2, fixed_on, status,
                                      rng.choice(("更正当事人名称中的笔误", "更正处罚依据条款项号", "更正决定书文号")), "{}"))
            else:
                self.report.planted["corrected"] -= 1
        if status in (DisclosureStatus.PUBLISHED, DisclosureStatus.CORRECTED) and expires_on <= AS_OF:
            status = DisclosureStatus.EXPIRED
        gsxt = self.cal.add_workdays(published_on, rng.randrange(1, 10)).due if not person else None
        rows.disclosures.append((did, dec_id, status, published_on, gsxt if gsxt and gsxt <= AS_OF else None, period,
                                 expires_on, withdrawn_on, reason, doc_ref, explanation, person,
                                 "自然人姓名、身份证号、联系方式、住址已按规定处理" if person else "", None, version,
                                 SEED_TIME, "seed"))


# ---------------------------------------------------------------------------------------------- entry points


def is_empty(engine: Engine) -> bool:
    with Session(engine) as s:
        return not s.scalar(select(func.count()).select_from(m.Agency))


def not_sample_reason(engine: Engine) -> str | None:
    """Why ``seed --reset`` must not wipe this database (None when it holds only what ``seed`` wrote): an agency
    that is not one of the invented district's, no seeded accounts, or any import having been run."""
    with Session(engine) as s:
        foreign = s.scalar(select(func.count()).select_from(m.Agency).where(~m.Agency.code.startswith("QS-")))
        if foreign:
            return f"数据库中有 {foreign} 个不属于样例数据的执法主体"
        if not s.scalar(select(func.count()).select_from(m.User).where(m.User.created_by == "seed")):
            return "数据库不是由 seed 生成的样例数据"
        imports = s.scalar(select(func.count()).select_from(m.AuditEntry).where(m.AuditEntry.action.like("import%")))
        if imports:
            return f"数据库中已导入过数据（审计日志有 {imports} 条导入记录）"
    return None


def clear_all(engine: Engine, actor: str = "seed") -> dict[str, int]:
    """Remove every row (``seed --reset``), children first, and leave one audit entry saying who emptied the database
    and how many rows each table held. The append-only triggers are lifted for this one transaction only
    (db.append_only.suspended); manage.py refuses to reset a database that is not sample data."""
    import json

    from db.append_only import suspended

    deleted: dict[str, int] = {}
    with engine.begin() as conn, suspended(conn):
        for table in reversed(m.Base.metadata.sorted_tables):
            deleted[table.name] = conn.execute(table.delete()).rowcount or 0
        conn.execute(m.AuditEntry.__table__.insert(), [{
            "occurred_at": dt.datetime.now(dt.UTC), "actor": actor[:50], "action": "seed_reset", "entity": "*",
            "entity_id": None, "detail": json.dumps({"deleted": {k: v for k, v in deleted.items() if v}},
                                                    ensure_ascii=False)}])
    return deleted


def _TABLES() -> list[tuple]:  # noqa: N802 - a constant that needs the mapped tables
    return [
        (m.Party.__table__, PARTY_COLS, "parties"), (m.Case.__table__, CASE_COLS, "cases"),
        (m.CaseEvent.__table__, EVENT_COLS, "events"), (m.EventOfficer.__table__, EVENT_OFFICER_COLS, "event_officers"),
        (m.EvidenceFile.__table__, EVIDENCE_COLS, "evidence"), (m.LegalReview.__table__, REVIEW_COLS, "reviews"),
        (m.Decision.__table__, DECISION_COLS, "decisions"), (m.PenaltyItem.__table__, ITEM_COLS, "items"),
        (m.Disclosure.__table__, DISCLOSURE_COLS, "disclosures"),
        (m.DisclosureVersion.__table__, VERSION_COLS, "versions"),
    ]


@dataclass(frozen=True)
class _Derived:
    """What the worker processes need besides the agencies to build each decision's public record and discretion
    check next to its rows: the benchmark library and each matter's (name, legal basis, statutory range)."""

    library: BenchmarkLibrary
    matters: dict[int, tuple[str, str, str]]
    calendar: WorkCalendar  # as db.summaries reads it (official calendar plus entered dates)
    # For the completeness scores (db.completeness): the officer roster by 执法证号, each matter's category and each
    # agency's (name, 救济途径) as the database gives them back.
    roster: dict[str, OfficerCert]
    matter_categories: dict[int, ActionCategory]
    agencies: dict[int, tuple[str, str]]


def _load_derived(conn: Connection) -> _Derived:
    mt, a = m.Matter, m.Agency
    matters = conn.execute(select(mt.id, mt.name, mt.legal_basis, mt.statutory_range, mt.category)).all()
    agencies = conn.execute(select(a.id, a.name, a.remedy_channels)).all()
    return _Derived(load_library(conn), {r.id: (r.name, r.legal_basis, r.statutory_range) for r in matters},
                    calendar_of(conn), load_roster(conn), {r.id: r.category for r in matters},
                    {r.id: (r.name, r.remedy_channels) for r in agencies})


def _index(columns: tuple[str, ...]) -> dict[str, int]:
    return {c: i for i, c in enumerate(columns)}


_P, _C, _D, _S, _V, _R = (_index(c) for c in (PARTY_COLS, CASE_COLS, DECISION_COLS, DISCLOSURE_COLS, VERSION_COLS,
                                               REVIEW_COLS))
_E = _index(EVENT_COLS)
_EVENT_FACT = itemgetter(*(_E[c] for c in EVENT_FACT_COLUMNS))  # an events row → its EVENT_FACT_COLUMNS tuple


def _money(value: Decimal | None) -> Decimal | None:
    """A Money value as the database gives it back (two decimal places), so a check built from the rows about to be
    written reads exactly what ``recompute_checks`` would read after writing them."""
    return None if value is None else Decimal(value).quantize(CENT)


@dataclass
class _DerivedRows:
    records: list[tuple] = field(default_factory=list)  # public_records
    checks: list[tuple] = field(default_factory=list)  # discretion_checks
    facts: list[tuple] = field(default_factory=list)  # decision_facts
    completeness: list[tuple] = field(default_factory=list)  # case_completeness
    certs: list[tuple] = field(default_factory=list)  # case_completeness_certs
    held: int = 0  # records held for redaction review


def _derived_rows(rows: _Rows, derived: _Derived) -> _DerivedRows:
    """The public record, discretion check, decision facts and completeness score of the decisions of ``rows``, built
    by the same functions as db.projection.project_decisions, db.discretion.recompute_checks, db.summaries.refresh and
    db.completeness.refresh; peer scoring (rescore_peers) needs every decision and runs once at the end of the seed."""
    parties = {r[0]: r for r in rows.parties}
    cases = {r[0]: r for r in rows.cases}
    disclosures = {r[_S["decision_id"]]: r for r in rows.disclosures}
    history: dict[int, list[HistoryEntry]] = {}
    for v in sorted(rows.versions, key=lambda v: (v[_V["disclosure_id"]], v[_V["version"]])):
        history.setdefault(v[_V["disclosure_id"]], []).append(
            HistoryEntry(v[_V["version"]], v[_V["changed_on"]], v[_V["status"]].value, v[_V["reason"]] or ""))
    out = _DerivedRows()
    types: dict[int, set[str]] = {}
    for item in rows.items:
        types.setdefault(item[1], set()).add(PenaltyType(item[2]).value)
    events: dict[int, list[tuple]] = {}
    for ev in rows.events:
        events.setdefault(ev[_E["case_id"]], []).append(_EVENT_FACT(ev))
    reviews: dict[int, list[ReviewFact]] = {}
    for r in rows.reviews:
        # Seeded rounds have no steps: imported rounds, whose clock starts on submission (db.review_rounds).
        reviews.setdefault(r[_R["case_id"]], []).append(ReviewFact(
            r[_R["round_no"]], r[_R["submitted_on"]], r[_R["reviewed_on"]], r[_R["outcome"]]))
    for d in rows.decisions:
        decision_id = d[_D["id"]]
        case = cases[d[_D["case_id"]]]
        party = parties[case[_C["party_id"]]]
        disclosure = disclosures.get(decision_id)
        source = public_source(
            party[_P["party_type"]], party[_P["name"]], party[_P["uscc"]], party[_P["legal_representative"]],
            d[_D["decision_no"]], case[_C["violation"]], case[_C["facts"]], d[_D["legal_basis"]],
            d[_D["conclusion"]], d[_D["discretion_statement"]],
            None if disclosure is None else disclosure[_S["public_explanation"]],
            () if disclosure is None else history.get(disclosure[_S["id"]], ()))
        shown = disclosure is not None and disclosed(disclosure[_S["status"]], disclosure[_S["published_on"]],
                                                     disclosure[_S["withheld_reason"]])
        record, projection = public_record(decision_id, source, SEED_TIME, shown=shown)
        out.held += projection.held_reason is not None
        out.records.append(tuple(record[c] for c in RECORD_COLUMNS))
        matter_id = case[_C["matter_id"]]
        name, basis, statutory = derived.matters.get(matter_id, (None, None, None))
        check = check_record(CheckInput(
            decision_id, d[_D["benchmark_tier_id"]], d[_D["claimed_tier"]], _money(d[_D["base_amount"]]),
            d[_D["discretion_statement"]], _money(d[_D["fine_total"]]), party[_P["party_type"]], matter_id, name,
            basis, statutory), derived.library, TierModel.SPLIT_30_40_30, SEED_TIME)
        if check is not None:
            out.checks.append(tuple(check[c] for c in CHECK_COLUMNS))
        fact = fact_row(FactSource(
            decision_id, case[_C["agency_id"]], d[_D["category"]], d[_D["decided_on"]], _money(d[_D["fine_total"]]),
            _money(d[_D["confiscation_total"]]), bool(d[_D["unreviewed_major"]]),
            d[_D["conclusion"]][:2] == "准予", party[_P["party_type"]],
            None if disclosure is None else disclosure[_S["id"]],
            None if disclosure is None else disclosure[_S["status"]],
            None if disclosure is None else disclosure[_S["published_on"]],
            None if disclosure is None else disclosure[_S["withheld_reason"]],
            "|".join(sorted(types.get(decision_id, ()))) or None, projection.held_reason is not None, None),
            derived.calendar)
        out.facts.append(tuple(fact[c] for c in FACT_COLUMNS))
        case_id, agency_id = case[_C["id"]], case[_C["agency_id"]]
        agency_name, remedy = derived.agencies[agency_id]
        fields = decision_fields(
            d[_D["decided_on"]], party_name=party[_P["name"]], party_address=party[_P["address"]],
            facts=case[_C["facts"]], conclusion=d[_D["conclusion"]], legal_basis=d[_D["legal_basis"]],
            has_items=decision_id in types, remedy_channels=remedy, agency_name=agency_name,
            decision_no=d[_D["decision_no"]])
        case_facts = build_case_facts(
            case_no=case[_C["case_no"]], procedure=case[_C["procedure"]],
            matter_category=derived.matter_categories.get(matter_id), decision_category=d[_D["category"]],
            filed_on=case[_C["filed_on"]], is_major=case[_C["is_major"]], major_reasons=case[_C["major_reasons"]],
            decision_extension_days=case[_C["decision_extension_days"]], decided_on=d[_D["decided_on"]],
            fine_total=_money(d[_D["fine_total"]]), party_type=party[_P["party_type"]], fields=fields,
            events=events.get(case_id, []), reviews=tuple(reviews.get(case_id, ())))
        score, certs = score_rows(case_id, agency_id, case_facts, derived.roster)
        out.completeness.append(score)
        out.certs += certs
    return out


def _generate_chunk(task: tuple) -> tuple[dict[str, list[tuple]], Counter[str], Counter[str], int, int, int,
                                          dict[str, set[int]]]:
    """Generate cases [first_id, first_id + n) with the chunk's own RNG, and each decision's public record and
    discretion check; rows come back already converted to the driver's storage format (cheap to pickle, no
    conversion left for the writing process)."""
    # The chunk's rows and facts are acyclic and die with it: the cyclic collector, which would otherwise traverse the
    # growing rows again and again (≈ 10 % of a worker's time), is paused for the chunk.
    paused = gc.isenabled()
    gc.disable()
    try:
        return _chunk_rows(task)
    finally:
        if paused:
            gc.enable()


def _chunk_rows(task: tuple) -> tuple[dict[str, list[tuple]], Counter[str], Counter[str], int, int, int,
                                      dict[str, set[int]]]:
    contexts, derived, seed_value, chunk_index, first_id, n, dialect = task
    report = SeedReport(cases=n, seed=seed_value)
    maker = _CaseMaker(random.Random(f"{seed_value}:{chunk_index}"), contexts, WorkCalendar(), report)
    rows = _Rows()
    for case_id in range(first_id, first_id + n):
        maker.make_case(rows, case_id)
    prepared = {attr: prepare_rows(dialect, table, cols, getattr(rows, attr)) for table, cols, attr in _TABLES()}
    derived_rows = _derived_rows(rows, derived)
    prepared["public_records"] = prepare_rows(dialect, m.PublicRecord.__table__, RECORD_COLUMNS, derived_rows.records)
    prepared["discretion_checks"] = prepare_rows(dialect, m.DiscretionCheck.__table__, CHECK_COLUMNS,
                                                 derived_rows.checks)
    prepared["decision_facts"] = prepare_rows(dialect, m.DecisionFactRow.__table__, FACT_COLUMNS, derived_rows.facts)
    prepared["case_completeness"] = prepare_rows(dialect, m.CaseCompleteness.__table__, COMPLETENESS_COLUMNS,
                                                 derived_rows.completeness)
    prepared["case_completeness_certs"] = prepare_rows(dialect, m.CaseCompletenessCert.__table__,
                                                       COMPLETENESS_CERT_COLUMNS, derived_rows.certs)
    return (prepared, report.planted, report.denominators, first_id, n, derived_rows.held,
            report.planted_decisions)


def _doubled(chunks: int) -> bool:
    """1, 2, 4, 8, …: the chunk counts after which the tables have doubled in size."""
    return chunks > 0 and chunks & (chunks - 1) == 0


def _ordered_results(pool, tasks: list[tuple]):
    """Results in task order with at most four chunks in flight, so memory stays flat however many cases."""
    if pool is None:
        yield from map(_generate_chunk, tasks)
        return
    pending: deque = deque()
    for task in tasks:
        pending.append(pool.apply_async(_generate_chunk, (task,)))
        if len(pending) >= 4:
            yield pending.popleft().get()
    while pending:
        yield pending.popleft().get()


def seed(engine: Engine, cases: int, seed_value: int = 20261122,
         progress: Callable[[int, int], None] | None = None) -> SeedReport:
    """Write the sample district with ``cases`` cases. The database must be empty (see ``clear_all``)."""
    from db.commands import create_user

    if not is_empty(engine):
        raise ValueError("数据库中已有数据；请先使用 --reset 清空")
    rng = random.Random(seed_value)
    calendar = WorkCalendar()
    report = SeedReport(cases=cases, seed=seed_value)
    with Session(engine) as session:
        contexts = _write_static(session, rng, calendar)
        session.commit()
    dialect = engine.dialect.name
    with engine.connect() as conn:  # written above, unchanged while the cases are written
        derived = _load_derived(conn)
    tasks = [(contexts, derived, seed_value, i, i * CHUNK + 1, min(CHUNK, cases - i * CHUNK), dialect)
             for i in range((cases + CHUNK - 1) // CHUNK)]
    # Chunks are independent (own RNG, own id blocks), so two worker processes generate them while this process
    # writes; imap keeps the order, which keeps the output identical to a single-process run.
    # The workers only build chunks, which leave no cyclic garbage (tests/db/test_seed_derived.py): their cyclic
    # collector stays off, also while a chunk's rows are pickled back.
    pool = (multiprocessing.get_context("fork").Pool(min(2, len(tasks)), initializer=gc.disable) if len(tasks) > 2
            else None)
    done = 0
    try:
        for prepared, planted, denominators, first_id, n, held, planted_ids in _ordered_results(pool, tasks):
            with (engine.begin() as conn, public_index_deferred(conn, first_id, first_id + n - 1),
                  queue_triggers_set_aside(conn)):
                for table, cols, attr in _TABLES():
                    report.rows[table.name] += write_prepared(conn, table, cols, prepared[attr])
                # After the decisions and everything the search index joins: its triggers read them.
                report.rows["public_records"] += write_prepared(conn, m.PublicRecord.__table__, RECORD_COLUMNS,
                                                                prepared["public_records"])
                write_prepared(conn, m.DiscretionCheck.__table__, CHECK_COLUMNS, prepared["discretion_checks"])
                write_prepared(conn, m.DecisionFactRow.__table__, FACT_COLUMNS, prepared["decision_facts"])
                written_by_bulk_writer(conn, first_id, first_id + n - 1)
                write_prepared(conn, m.CaseCompleteness.__table__, COMPLETENESS_COLUMNS, prepared["case_completeness"])
                write_prepared(conn, m.CaseCompletenessCert.__table__, COMPLETENESS_CERT_COLUMNS,
                               prepared["case_completeness_certs"])
                completeness_written_by_bulk_writer(conn, first_id, first_id + n - 1)
                report.held += held
            report.planted.update(planted)
            for name, ids in planted_ids.items():
                report.planted_decisions.setdefault(name, set()).update(ids)
            report.denominators.update(denominators)
            done += n
            if dialect == "postgresql" and _doubled(done // CHUNK):
                # PostgreSQL's row triggers (PL/pgSQL) keep the plans made in this session; made on the first chunk's
                # nearly empty tables, they scan a whole table for every row written (20,000 cases took 192 s, each
                # chunk slower than the last). New statistics make PostgreSQL plan them again; at doubling sizes that
                # is log2(chunks) ANALYZEs.
                with engine.begin() as conn:
                    conn.execute(text("ANALYZE"))
            if progress:
                progress(done, cases)
    finally:
        if pool:
            pool.terminate()
            pool.join()
    with engine.begin() as conn:
        rescore_peers(conn)
        refresh_summaries(conn)  # anything queued outside the chunks' decisions (none today)
        mark_changed(conn)
        # The review board in one pass over the cases and rounds just written (what their inserts queued).
        rebuild_board(conn)
        refresh_completeness(conn)  # likewise for the completeness scores
        mark_completeness_changed(conn)
        reset_sequences(conn, m.Base.metadata.sorted_tables)
        if conn.dialect.name == "sqlite":
            conn.execute(text("ANALYZE"))
    _seed_inspection_history(engine, seed_value, report)
    agency_ids = {c.spec.code: c for c in contexts}
    for username, display, role, agency_code, officer in DEMO_USERS:
        ctx = agency_ids.get(agency_code) if agency_code else None
        officer_id = None
        if ctx is not None:
            officer_id = ctx.reviewers[0] if officer == "reviewer" else ctx.officers[int(officer)][0]  # type: ignore[arg-type]
        create_user(engine, username=username, display_name=display, role=role, password=DEMO_PASSWORD,
                    agency_id=ctx.id if ctx else None, officer_id=officer_id, actor="seed")
    return report


def _seed_inspection_history(engine: Engine, seed_value: int, report: SeedReport) -> None:
    """双随机、一公开 plans, draws, inspections and results (sample_data.inspections)."""
    from sample_data.inspections import seed_inspections

    found = seed_inspections(engine, seed_value, AS_OF, SEED_TIME)
    report.rows.update(found.rows)
    report.inspection_planted.update(found.planted)
