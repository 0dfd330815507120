"""A tiny run of ``manage.py bench --compare-datasette`` (loadtest.py): every row of the speed issue's tables comes
out with a figure and a verdict, and every server the bench started has ended. The bench itself judges the
wall-clock targets; nothing here does."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

import loadtest
from tests.conftest import SMALL_SEED_CASES


def _table(lines: list[str], header_start: str) -> list[list[str]]:
    start = next(i for i, line in enumerate(lines) if line.startswith(header_start))
    rows = []
    for line in lines[start + 2:]:
        if not line.startswith("| "):
            break
        rows.append([c.strip() for c in line.strip().strip("|").split(" | ")])
    return rows


def test_a_tiny_bench_measures_every_row_beside_datasette_and_stops_its_servers(seeded_sqlite_copy,
                                                                                 tmp_path: Path) -> None:
    pytest.importorskip("datasette", reason="Datasette is a dev dependency (requirements.txt)")
    engine = seeded_sqlite_copy(SMALL_SEED_CASES, 7)
    url = engine.url.render_as_string(hide_password=False)
    engine.dispose()
    out = tmp_path / "bench.md"
    before = len(loadtest.started_pids)

    lines = loadtest.run(loadtest.Options(database_url=url, compare_datasette=True, seconds=1, clients=2, runs=1,
                                          load_runs=2, work_dir=tmp_path, output=out, log=lambda _line: None))

    assert out.read_text(encoding="utf-8").splitlines() == lines
    assert lines[0].startswith("基准：") and "public decisions" in lines[0]
    api = _table(lines, "| what |")
    labels = [row[0] for row in api]
    for expected in ("`/api/v1/decisions` page 1", "`q=食品`", "rare company name", "deep page by OFFSET",
                     "page 1, 2 concurrent clients", "`q=食品`, 2 clients", "varied pages and filters",
                     "server RSS after each of 2 load rounds", "full `/api/v1/decisions.csv`",
                     "full `/api/v1/decisions.json`", "`/health`"):
        assert any(label.startswith(expected) for label in labels), (expected, labels)
    for row in api:
        assert len(row) == 6, row
        assert re.search(r"\d", row[1]), row
        assert row[5] == "达标" or row[5].startswith("未达标"), row
        if not row[0].startswith(("`/health`", "server RSS", "full `/api/v1/decisions.json`")):  # not Datasette's
            assert re.search(r"\d", row[2]) and row[3].endswith("×"), row
    csv_rows = next(re.search(r"\(([\d,]+) rows\)", row[0]) for row in api if "decisions.csv" in row[0])
    json_records = next(re.search(r"\(([\d,]+) records\)", row[0]) for row in api if "decisions.json" in row[0])
    assert csv_rows and json_records and csv_rows.group(1) == json_records.group(1) != "0"
    rss = next(row for row in api if row[0].startswith("server RSS"))
    assert len(re.findall(r"[\d,]+", rss[1])) == 2  # one reading after each round
    pages = _table(lines, "| page | cold |")
    assert [row[0] for row in pages] == ["首页", "执法决定公示 `?q=食品`", "决定详情", "年度执法数据 `?year=2025`",
                                         "公示时限", "执法监督概览 (supervisor)", "案卷完整性 (supervisor)",
                                         loadtest.BASELINE_PAGE]
    assert all(re.fullmatch(r"[\d.]+ \([\d.]+\)", row[1]) for row in pages), pages
    has_chromium = bool(shutil.which("chromium")) or Path("/usr/bin/chromium").exists()
    if has_chromium:
        browser = _table(lines, "| page | first load |")
        assert [row[0] for row in browser] == ["执法决定公示 `?q=食品`", "决定详情", "年度执法数据 `?year=2025`",
                                               "公示时限", "执法监督概览 (supervisor)", "案卷完整性 (supervisor)",
                                               loadtest.BASELINE_PAGE]
        clicks = _table(lines, "| page | clicks |")
        assert [row[0] for row in clicks] == ["执法决定公示", "年度执法数据", "公示时限", "执法监督概览 (supervisor)",
                                              "案卷完整性 (supervisor)", loadtest.BASELINE_PAGE]
        assert all(re.fullmatch(r"[\d.]+", row[2]) for row in clicks), clicks

    started = loadtest.started_pids[before:]
    assert len(started) == 2 + has_chromium  # project and Datasette for the API, the project again for the browser
    assert all(not Path(f"/proc/{pid}").exists() for pid in started)
    assert not list(tmp_path.glob("zhifa-bench-*"))  # the read-only copy went with its folder


def test_load_is_refused_beyond_its_bounds() -> None:
    with pytest.raises(ValueError):
        loadtest.Options(seconds=31)
    with pytest.raises(ValueError):
        loadtest.Options(clients=21)
    with pytest.raises(ValueError):
        loadtest.Client("http://10.0.0.1:80")


@pytest.mark.parametrize("ok, seconds, script, whole, expected", [
    (True, 0.2, 0.05, False, "达标"),
    (False, 0.6, None, False, loadtest.MISSED),
    (False, 0.6, 0.15, False, "服务器脚本 p95 0.15 s，其余约 0.45 s 在浏览器端，前端接收并绘制"),
    (False, 1.5, 0.05, True, "服务器脚本 p95 0.05 s，其余约 1.45 s 在浏览器端，整页加载"),
])
def test_a_browser_miss_names_the_servers_share_and_the_browsers(ok, seconds, script, whole, expected) -> None:
    text = loadtest.browser_verdict(ok, seconds, script, whole)
    assert expected in text
    assert ok or text.startswith("未达标（原因：")


@pytest.mark.parametrize(("rows", "seconds", "read", "expected"), [
    (858_400, 15.0, 9.0, "达标"),
    (858_400, 40.0, None, "未达标（原因：待查）"),
    (858_400, 40.0, 30.0, "数据库读出这些行 30.0 s，28,613 rows/s，仅读取已低于目标；其余约 10.0 s 为写出 CSV 和传输"),
    (858_400, 40.0, 12.0, "读取本身达标；其余约 28.0 s"),
])
def test_a_csv_miss_names_the_databases_share(rows, seconds, read, expected) -> None:
    text = loadtest.csv_verdict(rows, seconds, read)
    assert expected in text
    assert text == "达标" or text.startswith("未达标（原因：")


@pytest.mark.parametrize(("copy_seconds", "expected"), [
    (8.0, "数据库写出整个 CSV（COPY，进程内） 8.0 s，107,300 rows/s，进程内写出达标；其余约 12.0 s 为HTTP 传输"),
    (19.0, "数据库写出整个 CSV（COPY，进程内） 19.0 s，45,179 rows/s，进程内写出已低于目标；其余约 1.0 s 为HTTP 传输"),
])
def test_a_csv_miss_on_postgresql_names_the_copy_and_the_http_stream(copy_seconds, expected) -> None:
    # COPY writes the whole file: its share is a write, not a read
    text = loadtest.csv_verdict(858_400, 20.0, copy_seconds, share=loadtest.COPY_SHARE)
    assert expected in text
    assert "读取" not in text


def _run(rate: float, p95: float, errors: int = 0) -> loadtest.LoadResult:
    return loadtest.LoadResult(requests=int(rate * 10), errors=errors, seconds=10.0, p95=p95)


@pytest.mark.parametrize(("runs", "expected"), [
    ([_run(390, 0.070), _run(395, 0.069)], "达标"),
    ([_run(160, 0.336), _run(430, 0.064)],
     "未达标（原因：第 1 轮在刚启动的服务上，160 req/s、p95 336 ms，每个不同请求第一次计算；"
     "之后各轮 430 req/s、p95 64 ms，达标）"),
    ([_run(430, 0.064), _run(160, 0.336)], "未达标（原因：待查）"),  # a later run missing is not a cold start
    ([_run(160, 0.336)], "未达标（原因：待查）"),  # one run cannot tell
    ([_run(160, 0.336), _run(430, 0.064, errors=3)], "未达标（原因：待查）"),
    ([_run(390, 0.070), _run(150, 0.070)], "未达标（原因：待查）"),  # every run must reach the rate, not the median
])
def test_a_load_miss_on_the_first_run_only_is_named_a_cold_start(runs, expected) -> None:
    assert loadtest.load_verdict(runs, 200, 0.300) == expected
