"""The machinery every import kind's handler shares: the options of a run, a valid row (``Rec``), the problems
of a row while it is checked (``Row``) and after it is resolved against the database (``Problems``), and the
``TableKind`` base class for kinds whose rows map onto one table (agencies, officers, matters, cases, events,
reviews). The runner (db.imports.runner) drives any handler through ``load``, ``validate_row``, ``resolve``,
``write`` and ``preview_row``."""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, ClassVar, Protocol

from sqlalchemy import Connection, bindparam

from db import models as m
from db.imports import reading
from db.imports.cells import AgencyRef, agency_key, date_cached, local_text
from db.imports.reading import WS_RE, Table, clean
from db.imports.report import ImportReport, RowProblem
from db.imports.spec import HeaderMap, KindSpec
from db.imports.store import Ids, chunks, load_agencies, new_agency, table_of, utc_now
from domain.parsing import FieldError, parse_yes_no

__all__ = ["NEW", "Handler", "Options", "Problems", "Rec", "Row", "TableKind", "plain"]

NEW = "new"  # first element of the token that stands for a row's not-yet-inserted agency / party / parent


def plain(value: Any) -> Any:
    """A value for the audit log and the preview: enums by their Chinese value, tokens of new rows as 新建."""
    if isinstance(value, tuple) and value and value[0] == NEW:
        return f"（新建：{value[1]}）" if len(value) > 1 and isinstance(value[1], str) else "（新建）"
    if isinstance(value, (tuple, list, frozenset, set)):
        return "、".join(str(plain(v)) for v in value)
    if isinstance(value, dt.datetime):
        return local_text(value)
    if isinstance(value, (dt.date, Decimal)):
        return str(value)
    if hasattr(value, "value"):
        return value.value
    return value


# ==============================================================================================================
# The row loop shared by every kind
# ==============================================================================================================


@dataclass
@dataclass
class Options:
    file_name: str
    dry_run: bool
    accept_valid: bool
    create_agencies: bool
    actor: str
    today: dt.date
    now: dt.datetime


@dataclass(eq=False)
class Rec:
    """One valid row: ``data`` holds the normalised values by database column, for the columns the file gives."""

    line: int
    data: dict[str, Any]
    key: Any = None
    action: str = ""  # insert | update | unchanged
    id: int | None = None  # the stored row's id (after the write: also of inserted rows)
    old: dict[str, Any] | None = None  # the stored values, for an existing row
    changed: tuple[str, ...] = ()
    ref: dict[str, Any] = field(default_factory=dict)  # kind-specific: agency, party, case …
    display: dict[str, Any] = field(default_factory=dict)  # normalised values for the preview


class Row:
    """Problems of one row while it is validated."""

    def __init__(self, spec: KindSpec, line: int, index: int) -> None:
        self.spec, self.line, self.index = spec, line, index
        self.problems: list[RowProblem] = []

    def err(self, key: str, message: str) -> None:
        self.problems.append(RowProblem(self.line, self.spec.label(key), message, "error"))

    def warn(self, key: str, message: str) -> None:
        self.problems.append(RowProblem(self.line, self.spec.label(key), message, "warning"))

    @property
    def failed(self) -> bool:
        return any(p.severity == "error" for p in self.problems)


class Problems:
    """Problems found in the second pass (against the database), by line."""

    def __init__(self, spec: KindSpec) -> None:
        self.spec = spec
        self.by_line: dict[int, list[RowProblem]] = defaultdict(list)

    def err(self, rec: Rec, key: str, message: str) -> None:
        self.by_line[rec.line].append(RowProblem(rec.line, self.spec.label(key), message, "error"))

    def warn(self, rec: Rec, key: str, message: str) -> None:
        self.by_line[rec.line].append(RowProblem(rec.line, self.spec.label(key), message, "warning"))

    def failed(self, rec: Rec) -> bool:
        return any(p.severity == "error" for p in self.by_line.get(rec.line, ()))


class Handler(Protocol):
    """What the runner needs of a kind's handler (``TableKind`` subclasses, and the decisions handler)."""

    entity: str  # table name for the audit log
    created_agency_hint: str  # appended to the 新建执法主体 warning
    labels: dict[str, str]
    new_agencies: dict[str, AgencyRef]

    def load(self, conn: Connection) -> None: ...

    def validate_row(self, index: int, cells: list[str], line: int) -> tuple[Any, list[RowProblem]]: ...

    def resolve(self, conn: Connection, recs: list[Any]) -> Problems: ...

    def agency_of(self, rec: Any) -> AgencyRef | None: ...

    def count(self, report: ImportReport, writing: list[Any]) -> None: ...

    def write(self, conn: Connection, ids: Ids, recs: list[Any], report: ImportReport) -> None: ...

    def audit_detail(self, report: ImportReport) -> dict[str, Any]: ...

    def preview_row(self, line: int, cells: list[str], rec: Any, invalid: bool, problems: list[RowProblem],
                    refused: bool) -> dict[str, Any]: ...


class TableKind:
    """Validation and writing of one kind. Subclasses implement ``check`` (one row, no database), ``resolve``
    (against the database: existing rows, references, insert/update/unchanged) and ``write``."""

    entity: ClassVar[str] = ""  # table name for the audit log
    singular: ClassVar[str] = ""  # audit action import_update_<singular>
    preview_keys: ClassVar[tuple[str, ...]] = ()
    personal: ClassVar[frozenset[str]] = frozenset()  # columns named but never copied into the audit log
    uses_agencies: ClassVar[bool] = False
    created_agency_hint: ClassVar[str] = "（或导入执法主体清单）"

    def __init__(self, spec: KindSpec, table: Table, header: HeaderMap, opts: Options) -> None:
        self.spec, self.table, self.cols, self.opts = spec, table, header.columns, opts
        self.present = frozenset(header.columns)
        self.agencies: dict[str, AgencyRef] = {}
        self.new_agencies: dict[str, AgencyRef] = {}
        self.labels = {f.key: f.header for f in spec.fields}

    # -- first pass -------------------------------------------------------------------------------------------

    def load(self, conn: Connection) -> None:
        if self.uses_agencies:
            self.agencies = load_agencies(conn)

    def values(self, cells: list[str]) -> dict[str, str]:
        n = len(cells)
        out = {f.key: "" for f in self.spec.fields}
        for key, index in self.cols.items():
            if index < n and cells[index]:
                out[key] = clean(cells[index])
        return out

    def cell(self, cells: list[str], key: str) -> str:
        index = self.cols.get(key)
        return clean(cells[index]) if index is not None and index < len(cells) else ""

    def validate_row(self, index: int, cells: list[str], line: int) -> tuple[Rec | None, list[RowProblem]]:
        row = Row(self.spec, line, index)
        check_width(row, cells, self.table)
        v = self.values(cells)
        for f in self.spec.fields:
            if f.required and not v[f.key]:
                row.err(f.key, f"{f.header}不能为空")
        rec = self.check(v, row)
        if row.failed:
            return None, row.problems
        return rec, row.problems

    def check(self, v: dict[str, str], row: Row) -> Rec | None:
        raise NotImplementedError

    # -- helpers for check --------------------------------------------------------------------------------------

    def text(self, v: dict[str, str], key: str, limit: int | None, row: Row, *, compact: bool = False) -> str:
        value = reading.compact(v[key]) if compact else v[key]
        if limit is not None and len(value) > limit:
            row.err(key, f"{self.labels[key]}过长（{len(value)}字，最多{limit}字）")
        return value

    def date(self, v: dict[str, str], key: str, row: Row, *, not_future: bool = True) -> dt.date | None:
        raw = v[key]
        if not raw:
            return None
        value, message = date_cached(raw)
        if message:
            row.err(key, message)
            return None
        if not_future and value is not None and value > self.opts.today:
            row.err(key, f"{self.labels[key]}{value.isoformat()}晚于今天")
            return None
        return value

    def yes_no(self, v: dict[str, str], key: str, row: Row) -> bool | None:
        try:
            return parse_yes_no(v[key]) if v[key] else None
        except FieldError as exc:
            row.err(key, exc.message)
            return None

    def agency(self, v: dict[str, str], key: str, row: Row) -> AgencyRef | None:
        """The agency a cell names (full name, unique short name or code); with ``create_agencies`` an unknown one
        is created when the rows are written."""
        text_ = v[key]
        if not text_:
            return None
        k = agency_key(text_)
        agency = self.agencies.get(k) or self.new_agencies.get(k)
        if agency is not None:
            return agency
        if len(text_) > 100:
            row.err(key, f"{self.labels[key]}名称过长（{len(text_)}字，最多100字）")
        elif self.opts.create_agencies:
            agency = new_agency(WS_RE.sub("", text_), row.line)
            self.new_agencies[k] = agency
            return agency
        else:
            row.err(key, f"系统中没有执法主体“{text_}”：请先导入或添加该执法主体，或使用 --create-agencies 自动新建")
        return None

    @staticmethod
    def agency_token(agency: AgencyRef) -> Any:
        return agency.id if agency.id is not None else (NEW, agency.name)

    # -- second pass --------------------------------------------------------------------------------------------

    def resolve(self, conn: Connection, recs: list[Rec]) -> Problems:
        raise NotImplementedError

    def compare(self, rec: Rec) -> None:
        """insert / update / unchanged against ``rec.old`` over the columns the row gives."""
        if rec.old is None:
            rec.action = "insert"
            return
        rec.changed = tuple(k for k, value in rec.data.items() if value != rec.old.get(k))
        rec.action = "update" if rec.changed else "unchanged"

    # -- writing ------------------------------------------------------------------------------------------------

    def write(self, conn: Connection, ids: Ids, recs: list[Rec], report: ImportReport) -> None:
        raise NotImplementedError

    def column_label(self, column: str) -> str:
        return self.labels.get(column, column)

    def update_rows(self, conn: Connection, table: Any, recs: Iterable[Rec],
                    convert: Callable[[Rec, str], Any] | None = None) -> None:
        """UPDATE the changed columns of existing rows, batched by the set of columns changed."""
        batches: dict[tuple[str, ...], list[dict[str, Any]]] = defaultdict(list)
        for rec in recs:
            if rec.action != "update":
                continue
            values = {c: (convert(rec, c) if convert else rec.data[c]) for c in rec.changed}
            values["updated_by"] = self.opts.actor[:50]
            values["b_id"] = rec.id
            batches[tuple(sorted(values))].append(values)
        for batch in batches.values():
            conn.execute(table.update().where(table.c.id == bindparam("b_id")), batch)

    def update_audits(self, conn: Connection, recs: Iterable[Rec], key_label: Callable[[Rec], str]) -> None:
        entries = []
        for rec in recs:
            if rec.action != "update":
                continue
            assert rec.old is not None

            def shown(source: dict[str, Any], column: str) -> Any:
                return "（个人信息，不记录）" if column in self.personal else plain(source.get(column))

            entries.append({
                "occurred_at": utc_now(), "actor": self.opts.actor[:50], "action": f"import_update_{self.singular}",
                "entity": self.entity, "entity_id": str(rec.id),
                "detail": json.dumps({"key": key_label(rec), "file": self.opts.file_name, "line": rec.line,
                                      "changed": [self.column_label(c) for c in rec.changed],
                                      "before": {self.column_label(c): shown(rec.old, c) for c in rec.changed},
                                      "after": {self.column_label(c): shown(rec.data, c) for c in rec.changed}},
                                     ensure_ascii=False, default=str)})
        for chunk in chunks(entries, 5000):
            conn.execute(table_of(m.AuditEntry).insert(), list(chunk))

    # -- preview ------------------------------------------------------------------------------------------------

    def preview_row(self, line: int, cells: list[str], rec: Rec | None, invalid: bool,
                    problems: list[RowProblem], refused: bool) -> dict[str, Any]:
        actions = {"insert": "新增", "update": "更新", "unchanged": "不变"}
        if rec is None or invalid:
            result = "拒绝（有错误）"
        elif refused:
            result = "拒绝（整个文件被拒绝）"
        else:
            result = actions.get(rec.action, rec.action)
        out: dict[str, Any] = {"行号": line, "结果": result}
        for key in self.preview_keys:
            value = rec.display.get(key) if rec is not None and not invalid and key in rec.display else None
            out[self.labels[key]] = self.cell(cells, key) if value is None else str(plain(value))
        out["问题"] = "；".join(str(p) for p in problems)
        return out


    # -- what the runner reads ----------------------------------------------------------------------------------

    @staticmethod
    def agency_of(rec: Rec) -> AgencyRef | None:
        """The agency a written row needs (created first when ``--create-agencies`` allowed a new one)."""
        return rec.ref.get("agency")

    def count(self, report: ImportReport, writing: list[Rec]) -> None:
        """Counts of the report beyond inserted / updated / unchanged / rejected (none for most kinds)."""

    def audit_detail(self, report: ImportReport) -> dict[str, Any]:
        return {"file": report.file_name, "format": report.file_format, "read": report.read,
                "inserted": report.inserted, "updated": report.updated, "unchanged": report.unchanged,
                "rejected": report.rejected, "accept_valid": report.accept_valid,
                "agencies_created": report.agencies_created}


def check_width(row: Row, cells: list[str], table: Table) -> None:
    """Cells to the right of the header: ignored with a warning in Excel (stray notes), an error in CSV, where they
    usually mean an unquoted comma shifted the row."""
    width = len(table.headers)
    if len(cells) > width and any(c.strip() for c in cells[width:]):
        if table.file_format.startswith("Excel"):
            row.warn("", f"表头右侧第{width + 1}列之后还有内容，没有表头，已忽略")
        else:
            row.err("", f"本行有{len(cells)}个单元格，多于表头的{width}列（可能是内容中的逗号没有加引号），请检查")
