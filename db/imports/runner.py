"""The flow of every import, whatever the kind: read the file, check each row (first pass, no database writes),
resolve the valid rows against the database (second pass), count, then write in ONE transaction — by default
nothing at all when any row is invalid (exit 1); with ``accept_valid`` the valid rows (exit 3 when some were
rejected); with ``dry_run`` nothing. ``read == inserted + updated + unchanged + rejected`` always."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, Engine, select
from sqlalchemy.exc import SQLAlchemyError

from db import models as m
from db.derived import refresh_all
from db.discretion import check_unsaved, flag_explanations, recompute_checks
from db.imports.base import Handler, Options
from db.imports.reading import Source, Table, quoted, read_source
from db.imports.report import PREVIEW_ROWS, ImportFileError, ImportReport, RowProblem
from db.imports.spec import KindSpec
from db.imports.store import Ids, audit, china_today, create_agency, utc_now
from db.projection import project_decisions, stale_or_missing_ids

__all__ = ["ProgressFn", "run"]

ProgressFn = Callable[[int, int], None]


@dataclass
class _Pass:
    """What the row checks found: valid rows, invalid lines, and the problems of the previewed rows."""

    recs: list[Any] = field(default_factory=list)
    invalid_lines: set[int] = field(default_factory=set)
    row_problems: dict[int, list[RowProblem]] = field(default_factory=dict)
    resolved: dict[int, list[RowProblem]] = field(default_factory=dict)  # second-pass problems by line


def run(
    spec: KindSpec,
    engine: Engine,
    source: Source,
    *,
    filename: str | None = None,
    dry_run: bool = False,
    accept_valid: bool = False,
    create_agencies: bool = False,
    actor: str = "import",
    progress: ProgressFn | None = None,
    today: dt.date | None = None,
    now: dt.datetime | None = None,
) -> ImportReport:
    """Validate and import a file of ``spec.kind`` (see docs/import.md).

    ``source`` is a path, bytes or a binary file object (``filename`` names it for messages when it has no name).
    ``progress(done, total)`` is called while rows are validated (total = data rows) and once more when the
    write has finished. ``now`` (timezone-aware, default the current time) is the clock the ``events`` kind
    judges future times by and stamps ``recorded_at`` with. Raises ImportFileError (exit code 2) when the file
    cannot be read or is not the template; otherwise returns the report, whose ``exit_code`` is 0, 1 or 3.
    """
    started = time.perf_counter()
    now = now or utc_now()
    if now.tzinfo is None:
        raise ValueError("now 必须带时区")
    now = now.astimezone(dt.UTC).replace(microsecond=0)
    today = today or china_today()
    table = read_source(source, spec.score, filename=filename)
    header = spec.map_headers(table.headers)
    if not table.rows:
        raise ImportFileError(f"文件{quoted(table.file_name)}只有表头，没有数据行")
    report = ImportReport(kind=spec.kind, file_name=table.file_name, file_format=table.file_format,
                          dry_run=dry_run, accept_valid=accept_valid, read=len(table.rows),
                          headers=list(table.headers))
    for name in header.unknown:
        report.problems.append(RowProblem(table.header_line, name, f"未知列“{name}”，已忽略", "warning"))
    handler: Handler = spec.handler(spec, table, header,
                           Options(table.file_name, dry_run, accept_valid, create_agencies, actor, today, now))
    found = _check_rows(engine, handler, table, report, progress)
    accepted = _keep_resolved(found, table, report)
    writing = _count(handler, report, accepted)
    if not dry_run and writing:
        _write(engine, spec, handler, writing, report, actor)
    elif writing:
        _preview_discretion(engine, writing, report)
    elif not dry_run and report.rejected:
        # A refused import writes no data, but the attempt (who, which file, how many rows) is still on record.
        with engine.begin() as conn:
            audit(conn, actor, f"import_refused_{spec.kind}", handler.entity, None,
                  {"file": report.file_name, "read": report.read, "rejected": report.rejected,
                   "errors": sum(1 for p in report.problems if p.severity == "error")})
    if progress:
        progress(len(table.rows), len(table.rows))
    by_line = {r.line: r for r in found.recs}
    for cells, line in list(zip(table.rows, table.lines, strict=False))[:PREVIEW_ROWS]:
        report.previewed.append(handler.preview_row(line, cells, by_line.get(line), line in found.invalid_lines,
                                                    found.row_problems.get(line, []), report.refused))
    report.problems.sort(key=lambda p: (p.line, p.severity != "error"))
    report.elapsed_seconds = time.perf_counter() - started
    return report


def _check_rows(engine: Engine, handler: Handler, table: Table, report: ImportReport,
                progress: ProgressFn | None) -> _Pass:
    """First pass over every row, then the second pass (``handler.resolve``) over the valid ones."""
    found = _Pass()
    total = len(table.rows)
    step = max(1, min(2000, total // 50))
    preview_lines = set(table.lines[:PREVIEW_ROWS])
    with engine.connect() as conn:
        handler.load(conn)
        for index, (cells, line) in enumerate(zip(table.rows, table.lines, strict=False)):
            rec, problems = handler.validate_row(index, cells, line)
            if problems:
                report.problems.extend(problems)
                if line in preview_lines:
                    found.row_problems[line] = list(problems)
            if rec is None:
                found.invalid_lines.add(line)
                report.raw_invalid[line] = list(cells)
            else:
                found.recs.append(rec)
            if progress and (index + 1) % step == 0:
                progress(index + 1, total)
        found.resolved = handler.resolve(conn, found.recs).by_line
    return found


def _keep_resolved(found: _Pass, table: Table, report: ImportReport) -> list[Any]:
    """The valid rows that the second pass did not reject; its problems go into the report."""
    line_index = {line: i for i, line in enumerate(table.lines)}
    preview_lines = set(table.lines[:PREVIEW_ROWS])
    accepted = []
    for rec in found.recs:
        problems = found.resolved.get(rec.line, [])
        if problems:
            report.problems.extend(problems)
            if rec.line in preview_lines:
                found.row_problems.setdefault(rec.line, []).extend(problems)
        if any(p.severity == "error" for p in problems):
            found.invalid_lines.add(rec.line)
            report.raw_invalid[rec.line] = list(table.rows[line_index[rec.line]])
        else:
            accepted.append(rec)
    report.invalid = len(found.invalid_lines)
    return accepted


def _count(handler: Handler, report: ImportReport, accepted: list[Any]) -> list[Any]:
    """Fill the counts; returns the rows to write (none when the file is refused)."""
    if report.refused:
        report.rejected = report.read
        report.check()
        return []
    report.rejected = report.invalid
    report.inserted = sum(1 for r in accepted if r.action == "insert")
    report.updated = sum(1 for r in accepted if r.action == "update")
    report.unchanged = sum(1 for r in accepted if r.action == "unchanged")
    writing = [r for r in accepted if r.action != "unchanged"]
    handler.count(report, writing)
    used = {id(a) for r in writing if (a := handler.agency_of(r)) is not None}
    created = [a for a in handler.new_agencies.values() if id(a) in used]
    report.agencies_created = [a.name for a in created]
    for a in created:
        report.problems.append(RowProblem(a.first_line, handler.labels.get("agency", ""),
                                          f"{'将' if report.dry_run else '已'}新建执法主体“{a.name}”："
                                          f"请在系统中补全其层级、区划和重大执法决定标准{handler.created_agency_hint}",
                                          "warning"))
    report.check()
    return writing


def _project(conn: Connection, writing: list[Any], report: ImportReport) -> None:
    """Build the public projection of every decision this import wrote or made stale (a corrected party name, a
    case's facts), in the same transaction. A decision whose text still holds personal data after redaction is
    held back (待脱敏复核) and reported as a warning on its row, with the field as the column."""
    changed = stale_or_missing_ids(conn)
    held = project_decisions(conn, changed)
    line_of = {getattr(r, "decision_no", None): getattr(r, "line", None) for r in writing}
    _check_discretion(conn, changed, line_of, report)
    if not held:
        return
    numbers = dict(conn.execute(select(m.Decision.id, m.Decision.decision_no)
                                .where(m.Decision.id.in_(list(held)))).all())
    for decision_id, projection in held.items():
        line = line_of.get(numbers.get(decision_id))
        if line is not None:
            report.problems.append(RowProblem(
                line, projection.held_fields[0] if projection.held_fields else "",
                f"{projection.held_reason}；该决定暂不公示，请修改原文后重新导入", "warning"))


def _check_discretion(conn: Connection, decision_ids: list[int], line_of: dict, report: ImportReport) -> None:
    """Check each written decision against its benchmark and report every flag on its row as a warning: the
    import goes ahead (a flag is for a supervisor to follow up, not a reason to refuse the record)."""
    if not decision_ids:
        return
    recompute_checks(conn, decision_ids)
    for number, explanation in flag_explanations(conn, decision_ids):
        line = line_of.get(number)
        if line is not None:
            for text in explanation:
                report.problems.append(RowProblem(line, "裁量基准编号", f"裁量基准核查：{text}", "warning"))


def _preview_discretion(engine: Engine, writing: list[Any], report: ImportReport) -> None:
    """A dry run shows the same discretion warnings as the import would, computed without writing."""
    recs = [r for r in writing if getattr(r, "benchmark_tier_id", None) is not None]
    if not recs:
        return
    checks = check_unsaved(engine, [(r.benchmark_tier_id, r.claimed_tier, r.fine_total, r.base_amount,
                                     r.discretion_statement) for r in recs])
    for rec, check in zip(recs, checks, strict=True):
        if check is not None:
            for finding in check.findings:
                report.problems.append(RowProblem(rec.line, "裁量基准编号", f"裁量基准核查：{finding.explanation}",
                                                  "warning"))


def _write(engine: Engine, spec: KindSpec, handler: Handler, writing: list[Any], report: ImportReport,
           actor: str) -> None:
    try:
        with engine.begin() as conn:
            if conn.dialect.name == "sqlite":
                conn.exec_driver_sql("BEGIN IMMEDIATE")  # take the write lock before reading max(id)
            ids = Ids(conn)
            at = utc_now()
            for rec in writing:
                agency = handler.agency_of(rec)
                if agency is not None:
                    create_agency(conn, agency, actor, report.file_name, at)
            handler.write(conn, ids, writing, report)
            _project(conn, writing, report)
            audit(conn, actor, f"import_{spec.kind}", handler.entity, None, handler.audit_detail(report))
    except SQLAlchemyError as exc:
        raise ImportFileError(f"写入数据库失败，已全部回滚，未写入任何数据：{type(exc).__name__}"
                              f"（{str(getattr(exc, 'orig', exc)).splitlines()[0][:200]}）") from exc
    report.written = True
    try:
        refresh_all(engine)
    except SQLAlchemyError:
        pass  # the import is committed; what stays queued is computed before the next page read instead
