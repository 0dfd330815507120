"""Every code a writer stores in the audit log reads as Chinese on the audit page, and details read as words."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from domain.labels import RECORD_LABELS, audit_action_label, audit_detail_text, record_label

ROOT = Path(__file__).resolve().parents[2]
SOURCES = [p for p in (ROOT / "db").rglob("*.py")] + [ROOT / "manage.py", ROOT / "api.py"]
CALL = re.compile(r"""\b(?:record_audit|audit)\(""")
ACTION_KEY = re.compile(r""""action":\s*"([a-z_]+)"(?:\s*if[^"]*else\s*"([a-z_]+)")?""")
CODE = re.compile(r'"([a-z]+(?:_[a-z]+)*)"')
KINDS = re.compile(r'KindSpec\(\s*"(\w+)"')
SINGULAR = re.compile(r'singular\s*=\s*"(\w+)"')
ENTITY = re.compile(r'entity\s*=\s*"(\w+)"')


def _codes() -> set[str]:
    codes: set[str] = set()
    for path in SOURCES:
        text = path.read_text(encoding="utf-8")
        for call in CALL.finditer(text):
            depth, end = 0, call.end()
            while end < len(text) and (depth or text[end] != ")"):
                depth += {"(": 1, ")": -1}.get(text[end], 0)
                end += 1
            # The action(s) come before the record's table name and before the detail dict.
            for code in CODE.findall(text[call.end():end].split("{")[0]):
                if code in RECORD_LABELS:
                    break
                codes.add(code)
        for match in ACTION_KEY.finditer(text):
            codes.update(c for c in match.groups() if c)
        codes.update(f"import_{k}" for k in KINDS.findall(text))
        codes.update(f"import_update_{s}" for s in SINGULAR.findall(text))
    return codes | {"import_decisions"}


def test_the_writers_codes_are_found() -> None:
    assert {"login", "append_event", "decide_review", "create_user", "import_events"} <= _codes()


@pytest.mark.parametrize("code", sorted(_codes()))
def test_every_audit_action_has_a_chinese_label(code: str) -> None:
    label = audit_action_label(code)
    assert "其他" not in label and not re.search(r"[A-Za-z_]", label), (code, label)


def test_every_record_written_by_an_import_has_a_label() -> None:
    for path in (ROOT / "db" / "imports" / "kinds").glob("*.py"):
        for entity in ENTITY.findall(path.read_text(encoding="utf-8")):
            assert record_label(entity) != "其他记录", entity


@pytest.mark.parametrize(("detail", "text"), [
    ("{}", "—"), ("", "—"), (None, "—"), ({}, "—"),
    ('{"case_no": "青市监立〔2025〕1号", "stage": "立案"}', "案号：青市监立〔2025〕1号；环节：立案"),
    ({"is_workday": True, "note": None}, "是否工作日：是；说明：—"),
    ({"username": "admin", "internal_key": "x"}, "用户名：admin"),
])
def test_audit_detail_reads_as_words(detail, text) -> None:
    assert audit_detail_text(detail) == text
