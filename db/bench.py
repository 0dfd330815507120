"""``manage.py bench``: the speed and memory targets, measured on a fresh database, printed as the Markdown table
kept in docs/performance.md. Wall-clock limits live here, never in unit tests."""

from __future__ import annotations

import datetime as dt
import resource
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from sqlalchemy import func, select

from db import models as m
from db.engine import make_engine
from db.integrity import verify_chains
from db.migrate import upgrade_to_head
from db.public import load_public_decisions, public_summary
from db.queries import load_cases, supervision_overview
from domain.filters import DecisionFilters
from domain.workdays import WorkCalendar


def _peak_rss_mib() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, children) / 1024


def _timed(fn: Callable[[], object], repeat: int = 1) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best, result


def run_bench(cases: int = 100_000, events: int = 0) -> Iterator[str]:
    """Seed ``cases`` into a temporary SQLite database and time the operations users wait for."""
    from sample_data.generator import AS_OF, seed

    rows: list[tuple[str, str, str, str]] = []
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
        engine = make_engine(url)
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
        today = AS_OF
        for label, f in (("公示查询：首页（无筛选）", DecisionFilters()),
                         ("公示查询：年度+类别", DecisionFilters(year=2025, category=None)),
                         ("公示查询：关键词“食品”", DecisionFilters(q="食品")),
                         ("公示查询：第 50 页", DecisionFilters(page=50))):
            seconds, _ = _timed(lambda f=f: load_public_decisions(engine, f, today), repeat=3)
            rows.append((label, f"{seconds * 1000:.0f} ms", "< 1,000 ms", "达标" if seconds < 1 else "未达标"))
        seconds, _ = _timed(lambda: public_summary(engine, today), repeat=3)
        rows.append(("首页统计", f"{seconds * 1000:.0f} ms", "< 1,000 ms", "达标" if seconds < 1 else "未达标"))
        seconds, _ = _timed(lambda: load_cases(engine, None, __import__("db.queries").queries.CaseFilters()), repeat=3)
        rows.append(("案件列表（监督人员，全部主体）", f"{seconds * 1000:.0f} ms", "< 1,000 ms",
                     "达标" if seconds < 1 else "未达标"))
        seconds, _ = _timed(lambda: supervision_overview(engine, today, WorkCalendar()))
        rows.append(("执法监督概览（全部决定的公示时钟）", f"{seconds * 1000:.0f} ms", "< 5,000 ms",
                     "达标" if seconds < 5 else "未达标"))
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
