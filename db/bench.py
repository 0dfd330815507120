"""``manage.py bench``: the speed and memory targets, measured on a fresh database, printed as the Markdown table
kept in docs/performance.md. Wall-clock limits live here, never in unit tests."""

from __future__ import annotations

import datetime as dt
import resource
import tempfile
import time
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path
from typing import TypeVar

from sqlalchemy import Engine, func, select

from db import models as m
from db.board import board_overview
from db.engine import BULK_CACHE_MIB, make_engine
from db.integrity import verify_chains
from db.migrate import upgrade_to_head
from db.public import (
    PUBLIC_COLUMNS,
    clear_count_cache,
    count_public_decisions,
    iter_public_decisions,
    load_public_decisions,
    public_decision_page,
    public_summary,
)
from db.queries import load_cases, supervision_overview
from db.stats import load_calendar
from domain.enums import ActionCategory, DisclosureStatus, PenaltyType
from domain.filters import AmountBand, DecisionFilters, SortKey
from domain.opendata import batched_text, csv_lines

_T = TypeVar("_T")


def _peak_rss_mib() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, children) / 1024


def _timed(fn: Callable[[], _T], repeat: int = 1) -> tuple[float, _T]:
    start = time.perf_counter()
    result = fn()
    best = time.perf_counter() - start
    for _ in range(repeat - 1):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best, result


def search_rows(engine: Engine, today: dt.date) -> list[tuple[str, str, str, str]]:
    """The public search at the database's size: facets, sorts, 1–2 character and longer keywords, deep pages, and
    the streamed full export. Separate from run_bench so that it can also time an existing large database:
    ``python -c "from db.bench import search_rows; …"`` on a 1,000,000-case file."""
    rows: list[tuple[str, str, str, str]] = []
    deep = max(1, count_public_decisions(engine, DecisionFilters(), today) // 20 - 10)
    for label, f in (("公示查询：首页（无筛选）", DecisionFilters()),
                     ("公示查询：年度+类别", DecisionFilters(year=2025, category=ActionCategory.PENALTY)),
                     ("公示查询：机关+罚款+金额区间", DecisionFilters(agency_id=2, penalty_type=PenaltyType.FINE,
                                                              amount=AmountBand.FROM_10K)),
                     ("公示查询：按金额排序", DecisionFilters(sort=SortKey.AMOUNT)),
                     ("公示查询：已撤回", DecisionFilters(status=DisclosureStatus.WITHDRAWN)),
                     ("公示查询：关键词 1 字“食”", DecisionFilters(q="食")),
                     ("公示查询：关键词 2 字“食品”", DecisionFilters(q="食品")),
                     ("公示查询：关键词 2 字“张某”（自然人）", DecisionFilters(q="张某")),
                     ("公示查询：关键词 1 字“2”（扫描回退）", DecisionFilters(q="2")),
                     ("公示查询：关键词“食品安全”", DecisionFilters(q="食品安全")),
                     ("公示查询：关键词“第二十”（宽泛，约 4 成命中）", DecisionFilters(q="第二十")),
                     ("公示查询：文号“青市监罚〔2025〕12”", DecisionFilters(q="青市监罚〔2025〕12")),
                     ("公示查询：“食品”+2025年+罚款", DecisionFilters(q="食品", year=2025,
                                                             penalty_type=PenaltyType.FINE)),
                     ("公示查询：第 50 页", DecisionFilters(page=50)),
                     (f"公示查询：末页附近（第 {deep:,} 页）", DecisionFilters(page=deep)),
                     ("公示查询：“有限公司”第 500 页", DecisionFilters(q="有限公司", page=500))):
        seconds, _ = _timed(partial(load_public_decisions, engine, f, today), repeat=3)
        rows.append((label, f"{seconds * 1000:.0f} ms", "< 1,000 ms", "达标" if seconds < 1 else "未达标"))
    def full_csv() -> int:
        written = 0

        def counted() -> Iterator[dict]:
            nonlocal written
            for row in iter_public_decisions(engine, DecisionFilters(), today):
                written += 1
                yield row

        for _ in batched_text(csv_lines(counted(), PUBLIC_COLUMNS)):
            pass
        return written

    seconds, n_rows = _timed(full_csv)
    rate = n_rows / seconds if seconds else 0
    rows.append((f"全量 CSV 导出（{n_rows:,} 条，流式写出）", f"{seconds:.1f} s（{rate:,.0f} 条/秒）",
                 "≥ 50,000 条/秒", "达标" if n_rows == 0 or rate >= 50_000 else "未达标"))
    return rows


def _median(values: list[float]) -> float:
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def first_request_rows(engine: Engine, today: dt.date, runs: int = 5) -> list[tuple[str, str, str, str]]:
    """The open-data API's first request per filter set (after any write): the list query with the count cache and
    the remembered expansions cleared before each run (the response cache is the API's, not involved here), median
    of ``runs``. Also for an existing large database: ``python -c "from db.bench import first_request_rows; …"``.
    Targets at 1,000,000 decisions: ≤ 100 ms for broad text, ≤ 50 ms for filtered lists."""
    with engine.connect() as conn:
        agency = conn.execute(select(m.PublicSearch.agency_id).group_by(m.PublicSearch.agency_id)
                              .order_by(func.count().desc(), m.PublicSearch.agency_id).limit(1)).scalar()
    public = count_public_decisions(engine, DecisionFilters(), today)
    deep = max(1, min(2000, public // 20 - 10))
    rows: list[tuple[str, str, str, str]] = []
    for label, f, target_ms in (
            ("首次请求：首页（无筛选）", DecisionFilters(), 50),
            ("首次请求：机关 + 年度（2025）", DecisionFilters(agency_id=agency, year=2025), 50),
            ("首次请求：执法类别 + 罚款，按金额排序",
             DecisionFilters(category=ActionCategory.PENALTY, penalty_type=PenaltyType.FINE, sort=SortKey.AMOUNT), 50),
            ("首次请求：已撤回", DecisionFilters(status=DisclosureStatus.WITHDRAWN), 50),
            ("首次请求：关键词“食品”", DecisionFilters(q="食品"), 100),
            ("首次请求：关键词“有限公司”第 3 页", DecisionFilters(q="有限公司", page=3), 100),
            ("首次请求：关键词 1 字“2”（扫描，计至 1 万）", DecisionFilters(q="2"), 100),
            (f"首次请求：第 {deep:,} 页（OFFSET）", DecisionFilters(page=deep), 50)):
        times = []
        for _ in range(runs):
            clear_count_cache()
            start = time.perf_counter()
            page = public_decision_page(engine, f, today)
            times.append(time.perf_counter() - start)
        ms = _median(times) * 1000
        found = f"（{page.total:,} 条{'' if page.total_exact else '以上'}）"
        rows.append((label + found, f"{ms:.0f} ms", f"≤ {target_ms} ms（100 万件）", "达标" if ms <= target_ms else "未达标"))
    return rows


def run_bench(seed: Callable[[Engine, int, int], object], today: dt.date, cases: int = 100_000,
              events: int = 0) -> Iterator[str]:
    """Seed ``cases`` into a temporary SQLite database and time the operations users wait for.

    The caller passes the seeder and the sample's "today": db/ stores and reads, it does not know the sample data.
    """
    rows: list[tuple[str, str, str, str]] = []
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
        engine = make_engine(url, cache_mib=BULK_CACHE_MIB)
        upgrade_to_head(engine)
        seconds, report = _timed(lambda: seed(engine, cases, 1))
        target = 600 * cases / 1_000_000
        rows.append((f"seed --cases {cases:,}", f"{seconds:.1f} s", f"< {target:.0f} s（按 100 万件 10 分钟折算）",
                     "达标" if seconds < target else "未达标"))
        with engine.connect() as conn:
            n_events = conn.execute(select(func.count()).select_from(m.CaseEvent)).scalar_one()
        seconds, result = _timed(lambda: verify_chains(engine))
        rate = n_events / seconds if seconds else 0
        projected = 10_000_000 / rate if rate else float("inf")
        rows.append((f"verify-chain（{n_events:,} 条记录）", f"{seconds:.1f} s（{rate:,.0f} 条/秒）",
                     "1,000 万条 < 60 s", f"折算 {projected:.0f} s，" + ("达标" if projected < 60 else "未达标")))
        rows += search_rows(engine, today)
        rows += first_request_rows(engine, today)
        seconds, _ = _timed(lambda: public_summary(engine, today), repeat=3)
        rows.append(("首页统计", f"{seconds * 1000:.0f} ms", "< 1,000 ms", "达标" if seconds < 1 else "未达标"))
        seconds, _ = _timed(lambda: load_cases(engine, None, __import__("domain.filters").filters.CaseFilters()), repeat=3)
        rows.append(("案件列表（监督人员，全部主体）", f"{seconds * 1000:.0f} ms", "< 1,000 ms",
                     "达标" if seconds < 1 else "未达标"))
        seconds, _ = _timed(lambda: supervision_overview(engine, today, load_calendar(engine)))
        rows.append(("执法监督概览（全部决定的公示时钟）", f"{seconds * 1000:.0f} ms", "< 5,000 ms",
                     "达标" if seconds < 5 else "未达标"))
        seconds, _ = _timed(lambda: board_overview(engine, load_calendar(engine), today, 1000), repeat=3)
        rows.append(("执法监督概览（法制审核状态：汇总及最近 1,000 件）", f"{seconds * 1000:.0f} ms", "< 300 ms",
                     "达标" if seconds < 0.3 else "未达标"))
        engine.dispose()
    rows.append(("峰值内存（本进程及子进程）", f"{_peak_rss_mib():,.0f} MiB", "< 4,096 MiB",
                 "达标" if _peak_rss_mib() < 4096 else "未达标"))
    yield f"基准测试：{dt.datetime.now().astimezone():%Y-%m-%d %H:%M}，SQLite，{cases:,} 件案件"
    yield ""
    yield "| 项目 | 实测 | 目标 | 结论 |"
    yield "|---|---|---|---|"
    for row in rows:
        yield "| " + " | ".join(row) + " |"
    _ = report
