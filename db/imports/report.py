"""What an import found and did: problems by line and column, the counts, the rejects file, and the exit codes
that ``manage.py import`` returns."""

from __future__ import annotations

import codecs
import csv
import io
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from domain.opendata import neutralise_csv_cell

__all__ = ["EXIT_FILE_ERROR", "EXIT_OK", "EXIT_PARTIAL", "EXIT_REFUSED", "PREVIEW_ROWS", "ImportFileError",
           "ImportReport", "RowProblem", "Severity"]

EXIT_OK = 0  # every row accepted (or would be, in a dry run)
EXIT_REFUSED = 1  # invalid rows: nothing written
EXIT_FILE_ERROR = 2  # unreadable file or bad arguments (ImportFileError)
EXIT_PARTIAL = 3  # --accept-valid: the valid rows were written, the invalid ones rejected
PREVIEW_ROWS = 200  # rows kept for ImportReport.preview

Severity = Literal["error", "warning"]


class ImportFileError(Exception):
    """The file (or an argument) cannot be used at all: empty, truncated, binary, wrong template, unknown kind.
    ``message`` is one line of Chinese for the administrator; scripts exit with ``exit_code`` (2)."""

    exit_code = EXIT_FILE_ERROR

    def __init__(self, message: str) -> None:
        message = " ".join(str(message).split())  # always one line
        super().__init__(message)
        self.message = message


@dataclass(frozen=True, slots=True)
class RowProblem:
    """One problem of one row. ``line`` is the file line (the header is line 1 in a plain file; for a CSV record
    spanning several lines, the line where it starts); ``column`` the canonical Chinese header ("" for the row)."""

    line: int
    column: str
    message: str
    severity: Severity = "error"

    def __str__(self) -> str:
        where = f"第{self.line}行" + (f"“{self.column}”" if self.column else "")
        return f"{where}{'错误' if self.severity == 'error' else '提示'}：{self.message}"



@dataclass
class ImportReport:
    """What an import found and did. Counts obey ``read == inserted + updated + unchanged + rejected``; in a dry
    run inserted/updated/unchanged say what a real run would do. When the import is refused (invalid rows without
    ``accept_valid``) every row counts as rejected and ``invalid`` says how many rows had errors."""

    kind: str = "decisions"
    file_name: str = ""
    file_format: str = ""
    dry_run: bool = False
    accept_valid: bool = False
    read: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    invalid: int = 0  # rows with at least one error
    written: bool = False  # a transaction was committed
    problems: list[RowProblem] = field(default_factory=list)
    agencies_created: list[str] = field(default_factory=list)
    unreviewed_major: int = 0  # accepted rows marked 未经法制审核
    elapsed_seconds: float = 0.0
    headers: list[str] = field(default_factory=list)
    raw_invalid: dict[int, list[str]] = field(default_factory=dict, repr=False)
    previewed: list[dict[str, Any]] = field(default_factory=list, repr=False)

    def check(self) -> None:
        total = self.inserted + self.updated + self.unchanged + self.rejected
        assert self.read == total, f"read {self.read} != {total}"

    @property
    def refused(self) -> bool:
        return self.invalid > 0 and not self.accept_valid

    @property
    def exit_code(self) -> int:
        if self.invalid == 0:
            return EXIT_OK
        return EXIT_PARTIAL if self.accept_valid else EXIT_REFUSED

    @property
    def errors(self) -> list[RowProblem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[RowProblem]:
        return [p for p in self.problems if p.severity == "warning"]

    def summary(self) -> str:
        """One line of Chinese for the command line and the admin page."""
        head = "试运行（未写入）：" if self.dry_run else ""
        if self.refused:
            return (f"{head}读取{self.read}行，其中{self.invalid}行有错误，已拒绝整个文件，未写入任何数据"
                    f"（可修正后重新导入，或使用 --accept-valid 只导入有效行）")
        verb = "将" if self.dry_run else ""
        parts = [f"{head}读取{self.read}行", f"{verb}新增{self.inserted}行", f"{verb}更新{self.updated}行",
                 f"未变化{self.unchanged}行", f"拒绝{self.rejected}行"]
        text_ = "，".join(parts)
        if self.warnings:
            text_ += f"；提示{len(self.warnings)}条"
        if self.unreviewed_major:
            text_ += f"；{self.unreviewed_major}件重大决定未经法制审核，已标记"
        if self.agencies_created:
            text_ += f"；{'将' if self.dry_run else '已'}新建执法主体{len(self.agencies_created)}个"
        return text_

    def lines(self, max_problems: int | None = 200) -> list[str]:
        """The full text report: summary, then every problem (errors first), for the CLI."""
        out = [self.summary()]
        ordered = sorted(self.problems, key=lambda p: (p.severity != "error", p.line))
        shown = ordered if max_problems is None else ordered[:max_problems]
        out.extend(str(p) for p in shown)
        if len(shown) < len(ordered):
            out.append(f"……另有{len(ordered) - len(shown)}条问题未列出（完整内容见拒绝文件或管理页面）")
        return out

    def problem_rows(self) -> list[dict[str, Any]]:
        """Problems as table rows (行号, 列, 级别, 问题) for st.dataframe."""
        return [{"行号": p.line, "列": p.column, "级别": "错误" if p.severity == "error" else "提示", "问题": p.message}
                for p in sorted(self.problems, key=lambda p: (p.line, p.severity != "error"))]

    def preview(self, n: int = 10) -> list[dict[str, Any]]:
        """The first ``n`` rows (at most PREVIEW_ROWS) as parsed: values after normalisation, the action taken
        and the row's problems."""
        return [dict(r) for r in self.previewed[:n]]

    def rejects_csv_bytes(self) -> bytes:
        """Every invalid row with its line number and reasons, then its original cells; UTF-8 with BOM (Excel)."""
        reasons: dict[int, list[str]] = {}
        for p in self.errors:
            reasons.setdefault(p.line, []).append(f"{p.column}：{p.message}" if p.column else p.message)
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        # The rejected cells are the file's own text: a formula in one must not run when the file is opened.
        writer.writerow(["行号", "错误原因", *map(neutralise_csv_cell, self.headers)])
        for line in sorted(self.raw_invalid):
            writer.writerow([line, neutralise_csv_cell("；".join(reasons.get(line, []))),
                             *map(neutralise_csv_cell, self.raw_invalid[line])])
        return codecs.BOM_UTF8 + buffer.getvalue().encode("utf-8")

    def rejects_csv(self, path: str | os.PathLike[str]) -> int:
        """Write :meth:`rejects_csv_bytes` to ``path``; returns the number of rows written."""
        Path(path).write_bytes(self.rejects_csv_bytes())
        return len(self.raw_invalid)


# ==============================================================================================================
# Validation
# ==============================================================================================================


