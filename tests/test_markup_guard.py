"""Data is text, never markup: no value reaches a Streamlit call that renders Markdown unless it went
through ``components.text.md`` (or ``show_text``). Constant Chinese text may be written as it is.

Static check over pages/, components/ and app.py: in every call of a Markdown-rendering method (whatever the
receiver — ``st``, a column, the sidebar), the text argument must be built only from string literals, module
constants (``UPPER_CASE``), ``md(…)`` and the number/date formatters below, joined by f-strings, ``+``,
``… if … else …`` or ``"sep".join(… for …)``. Anything else fails, naming file, line and the offending expression.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SOURCES = sorted([*(ROOT / "pages").glob("*.py"), *(ROOT / "components").glob("*.py"), ROOT / "app.py"])

# Methods whose body is rendered as Markdown: every positional text argument is checked.
BODY = {"markdown", "caption", "title", "header", "subheader", "info", "warning", "error", "success", "toast",
        "write"}
# Widgets and links whose label is rendered as Markdown: the first argument or ``label=``.
LABELLED = {"page_link", "expander", "button", "download_button", "link_button", "form_submit_button", "checkbox",
            "toggle", "radio", "selectbox", "multiselect", "text_input", "text_area", "number_input", "date_input",
            "metric", "popover", "file_uploader", "slider", "select_slider"}
# Their output is digits, dates and Chinese units only.
FORMATTERS = {"md", "format_date", "format_datetime", "format_yuan", "format_count", "format_rate", "len", "int",
              "min", "max", "round", "isoformat"}


def _called(node: ast.Call) -> str | None:
    func = node.func
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None


def _safe(node: ast.expr) -> bool:
    if isinstance(node, ast.Constant):
        return isinstance(node.value, (str, int, float)) or node.value is None
    if isinstance(node, ast.JoinedStr):
        return all(_safe(v) for v in node.values)
    if isinstance(node, ast.FormattedValue):
        # A format spec ({n:,}, {day:%Y年%m月%d日}) only applies to numbers and dates.
        return node.format_spec is not None or _safe(node.value)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return _safe(node.left) and _safe(node.right)
    if isinstance(node, ast.IfExp):
        return _safe(node.body) and _safe(node.orelse)
    if isinstance(node, ast.Call) and _called(node) == "join":
        # "、".join(f"- {md(x)}" for x in xs): safe when every joined piece is
        pieces = node.args[0] if len(node.args) == 1 else None
        return (isinstance(node.func, ast.Attribute) and isinstance(node.func.value, ast.Constant)
                and isinstance(pieces, (ast.GeneratorExp, ast.ListComp)) and _safe(pieces.elt))
    if isinstance(node, ast.Call):
        return _called(node) in FORMATTERS
    if isinstance(node, ast.Name) and node.id.isupper():  # a module constant: code, not data
        return True
    if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) and node.value.id.isupper():
        return True
    if isinstance(node, (ast.List, ast.Tuple)):
        return all(_safe(e) for e in node.elts)
    return False


def _texts(node: ast.Call) -> list[ast.expr]:
    name = node.func.attr  # type: ignore[attr-defined]
    keywords = {k.arg: k.value for k in node.keywords}
    if name in BODY:
        return [*node.args, *(v for k, v in keywords.items() if k == "body")]
    if name == "page_link":
        return [keywords["label"]] if "label" in keywords else list(node.args[1:2])
    return [keywords["label"]] if "label" in keywords else list(node.args[:1])


def violations(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and node.func.attr in BODY | LABELLED):
            for arg in _texts(node):
                if not _safe(arg):
                    where = f"{path.relative_to(ROOT)}:{arg.lineno}"
                    found.append(f"{where}: {ast.unparse(arg)[:90]} — pass the value through components.text.md()")
    return found


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_values_reach_markdown_only_through_md(path: Path) -> None:
    assert violations(path) == []


def test_the_guard_catches_values() -> None:
    bad = ('st.markdown(f"**当事人**：{d.party}")', 'st.write("、".join(f"- {x}" for x in xs))',
           'st.write("、".join(xs))', "st.write(d.facts)", 'c1.caption("x" + name)',
           'st.page_link("p.py", label=f"打开 {row[\'no\']}")', "st.error(str(exc))", 'st.title(profile.name)')
    good = ('st.markdown(f"**当事人**：{md(d.party)}")', "st.markdown(md(d.facts))", 'st.caption(f"共 {n:,} 件")',
            'st.info("暂无" + ("数据" if x else "决定"))', 'st.markdown("、".join(f"- {md(x)}" for x in xs))',
            'st.caption(f"截至{format_date(day)}")')
    for source in bad:
        call = ast.parse(source).body[0].value  # type: ignore[attr-defined]
        assert not all(_safe(a) for a in _texts(call)), source
    for source in good:
        call = ast.parse(source).body[0].value  # type: ignore[attr-defined]
        assert all(_safe(a) for a in _texts(call)), source
