"""Loader for the real 江门市生态环境局 benchmark table (裁量标准参照表（试行）, 2020-03-01).

The original .xls has one sheet per law, merged cells for item-level columns (序号, 违法行为, 法律依据) and for
levels/standards shared by several circumstances, and a few quirks (see `BenchmarkTier.warnings`). It is read as
published (db.imports.benchmark_table) so the benchmark library loads without hand edits; the flattened CSV next
to it is only a cross-check.
"""

from __future__ import annotations

from pathlib import Path

from db.imports.benchmark_table import BenchmarkItem, BenchmarkTier, read_benchmark_table
from sample_data import REFERENCE_DIR

__all__ = ["DEFAULT_JIANGMEN_PATH", "DEFAULT_NO_PENALTY_PATH", "BenchmarkItem", "BenchmarkTier",
           "load_jiangmen_table"]

DEFAULT_JIANGMEN_PATH = REFERENCE_DIR / "jiangmen_eco_env_discretion_table_2020.xls"
DEFAULT_NO_PENALTY_PATH = REFERENCE_DIR / "jiangmen_no_penalty_minor_list.md"


def load_jiangmen_table(path: Path = DEFAULT_JIANGMEN_PATH) -> list[BenchmarkItem]:
    """All benchmark items of the workbook, in sheet and row order. Raises FileNotFoundError when missing."""
    return read_benchmark_table(path)
