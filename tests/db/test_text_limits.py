"""Text from forms and the command line is checked against its column before any query or write: on PostgreSQL a
60-character login name or a 51-character display name raised StringDataRightTruncation (with the SQL and an argon2
hash on screen), and a NUL raised in the driver. Each case must give a Chinese message quoting at most 50
characters, on SQLite and on PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

import manage
from db import models as m
from db.accounts import authenticate
from db.commands import create_user, declare_calendar_year, set_calendar_day
from domain.enums import AgencyKind, AgencyLevel, Role


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request):
    engine = request.getfixturevalue("sqlite_engine" if request.param == "sqlite" else "pg_engine")
    with Session(engine) as s:
        s.add(m.Agency(code="A1", name="测试局", short_name="测试", level=AgencyLevel.COUNTY, kind=AgencyKind.STATUTORY,
                       region_code="449901", region_name="青石区"))
        s.commit()
    return engine


def _users(engine) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(m.User)).scalar_one()


def _short(message: str, sent: str) -> None:
    assert sent[:51] not in message, message  # at most 50 characters of the input are quoted
    assert len(message) < 150, message


BAD_USERS = [
    ({"username": "u" * 60}, "用户名"),
    ({"username": "u" * 5000}, "用户名"),
    ({"username": "ab\x00cd"}, "用户名"),
    ({"username": "ab\ud800"}, "用户名"),
    ({"display_name": "名" * 51}, "姓名不能超过 50 个字符"),
    ({"display_name": "x" * 5000}, "姓名不能超过 50 个字符"),
    ({"display_name": "王\x00五"}, "姓名含有"),
    ({"password": "p" * 5000}, "密码不能超过"),
    ({"password": "secret\x00-123"}, "密码含有"),
    ({"password": "secret\ud800-123"}, "密码含有"),
    ({"role": "局" * 5000}, "未知角色"),
]


@pytest.mark.parametrize(("override", "expected"), BAD_USERS)
def test_create_user_refuses_text_that_does_not_fit(engine, override, expected) -> None:
    values = dict(username="wang_wu", display_name="王五", role="执法人员", password="secret-123-wang", agency_id=1)
    result = create_user(engine, **{**values, **override})
    assert not result.ok
    assert any(expected in e for e in result.errors), result.errors
    for message in result.errors:
        _short(message, next(iter(override.values())))
    assert _users(engine) == 0


@pytest.mark.parametrize("username", ["u" * 51, "u" * 60, "u" * 5000, "ab\x00cd", "ab\ud800", "' OR 1=1 --"])
def test_login_with_a_name_that_cannot_exist_is_a_failed_login(engine, username) -> None:
    assert create_user(engine, username="wang_wu", display_name="王五", role="执法人员", password="secret-123-wang",
                       agency_id=1).ok
    assert authenticate(engine, username, "secret-123-wang") is None
    with engine.connect() as conn:
        action, actor = conn.execute(select(m.AuditEntry.action, m.AuditEntry.actor)
                                     .order_by(m.AuditEntry.id.desc()).limit(1)).one()
    assert action == "login_failed" and len(actor) <= 50


@pytest.mark.parametrize("password", ["p" * 5000, "secret\x00-123", "secret\ud800"])
def test_login_with_an_impossible_password_is_a_failed_login(engine, password) -> None:
    assert create_user(engine, username="wang_wu", display_name="王五", role="执法人员", password="secret-123-wang",
                       agency_id=1).ok
    assert authenticate(engine, "wang_wu", password) is None
    assert authenticate(engine, "wang_wu", "secret-123-wang") is not None


def test_calendar_texts_are_checked_before_writing(engine) -> None:
    result = set_calendar_day(engine, dt.date(2030, 1, 1), False, "元旦\x00", "admin")
    assert not result.ok and "说明含有" in result.errors[0]
    result = declare_calendar_year(engine, 2030, "依" * 5000, "admin", dt.date(2029, 12, 1))
    assert not result.ok and "依据不能超过 200 个字符" in result.errors[0]
    _short(result.errors[0], "依" * 5000)


@pytest.mark.parametrize(("args", "expected"), [
    (["--username", "u" * 60], "用户名"),
    (["--username", "wang_wu", "--name", "名" * 51], "姓名不能超过 50 个字符"),
    (["--username", "wang_wu", "--agency", "²"], "找不到执法主体"),
    (["--username", "wang_wu", "--agency", "9" * 30], "找不到执法主体"),
    (["--username", "wang_wu", "--agency", "A\x00"], "找不到执法主体"),
])
def test_manage_create_user_exits_2_with_a_chinese_message(engine, monkeypatch, capsys, args, expected) -> None:
    monkeypatch.setenv("DATABASE_URL", engine.url.render_as_string(hide_password=False))
    code = manage.main(["create-user", *args, "--role", Role.OFFICER.value, "--password", "long-enough-1"]
                       + ([] if "--agency" in args else ["--agency", "A1"]))
    err = capsys.readouterr().err
    assert code == 2, err
    assert expected in err and "Traceback" not in err
    assert len(err) < 200
    assert _users(engine) == 0
