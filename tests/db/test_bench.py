"""A tiny run of ``manage.py bench``: every measured row is present with a number and a verdict, so the table in
docs/performance.md can always be regenerated. The bench itself (not this test) judges wall-clock targets."""

from __future__ import annotations

import re

from db.bench import run_bench
from sample_data.generator import AS_OF, seed


def test_bench_prints_every_row_with_a_measurement() -> None:
    lines = list(run_bench(seed, AS_OF, cases=120))
    rows = [line for line in lines if line.startswith("| ") and not line.startswith("| 项目")]
    labels = [row.split(" | ")[0].removeprefix("| ") for row in rows]
    assert any(label.startswith("seed --cases 120") for label in labels)
    assert any(label.startswith("全量 CSV 导出") for label in labels)
    assert any(label.startswith("公示查询：首页") for label in labels)
    assert sum(label.startswith("首次请求：") for label in labels) == 8
    for row in rows:
        cells = [c.strip() for c in row.strip("|").split("|")]
        assert len(cells) == 4, row
        assert re.search(r"\d", cells[1]), row
        assert cells[3].startswith(("达标", "未达标", "折算")), row
