"""Every select box and multiselect names its placeholder from components.words: Streamlit's default is the English
"Choose an option", which a visitor sees in an empty box (and the browser crawl flags). Static, so a new page fails
here before anyone opens it in a browser."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_every_select_widget_sets_a_chinese_placeholder() -> None:
    missing = []
    for path in [ROOT / "app.py", *sorted((ROOT / "pages").glob("*.py")), *sorted((ROOT / "components").glob("*.py"))]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr in ("selectbox", "multiselect")
                    and "placeholder" not in {k.arg for k in node.keywords}):
                missing.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert missing == []
