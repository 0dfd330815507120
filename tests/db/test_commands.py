"""Write commands: validation writes nothing on bad input, every write leaves an audit entry."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from db import models as m
from db.accounts import authenticate
from db.commands import (
    create_user,
    declare_calendar_year,
    remove_calendar_day,
    set_calendar_day,
    set_user_active,
)
from db.stats import load_calendar
from domain.deadlines import publication_deadline
from domain.enums import ActionCategory, AgencyKind, AgencyLevel, Role


@pytest.fixture
def engine(sqlite_engine):
    from sqlalchemy.orm import Session

    with Session(sqlite_engine) as s:
        s.add(m.Agency(code="A1", name="测试局", short_name="测试", level=AgencyLevel.COUNTY, kind=AgencyKind.STATUTORY,
                       region_code="449901", region_name="青石区"))
        s.commit()
    return sqlite_engine


def _count(engine, model) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(model)).scalar_one()


def test_create_user_hashes_with_argon2_and_audits(engine) -> None:
    result = create_user(engine, username="wang_wu", display_name="王五", role="执法人员", password="secret-123-wang",
                         agency_id=1, actor="admin")
    assert result.ok
    with engine.connect() as conn:
        user = conn.execute(select(m.User)).one()
        entry = conn.execute(select(m.AuditEntry)).one()
    assert user.password_hash.startswith("$argon2") and "secret-123-wang" not in user.password_hash
    assert (entry.actor, entry.action, entry.entity, entry.entity_id) == ("admin", "create_user", "users", str(user.id))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [({"username": "bad name!"}, "用户名"), ({"role": "局长"}, "未知角色"), ({"role": "公众"}, "公众无需账户"),
     ({"password": "short"}, "密码至少"), ({"agency_id": None}, "必须属于一个执法主体"), ({"agency_id": 99}, "不存在")],
)
def test_bad_user_input_writes_nothing(engine, kwargs, message) -> None:
    base = {"username": "zhao", "display_name": "赵", "role": "执法人员", "password": "long-enough-pass", "agency_id": 1}
    result = create_user(engine, **{**base, **kwargs})
    assert not result.ok and any(message in e for e in result.errors)
    assert _count(engine, m.User) == 0 and _count(engine, m.AuditEntry) == 0


@pytest.mark.parametrize(("username", "password", "message"), [
    ("zhao", "12345678", "密码至少 12 位"),
    ("zhao", "password", "密码至少 12 位"),
    ("zhao", "password1234", "过于常见"),
    ("zhao", "1qaz2wsx3edc", "过于常见"),
    ("zhao", "PASSWORD1234", "过于常见"),  # compared without case
    ("zhao", "aaaaaaaaaaaaaaa", "过于常见"),
    ("zhao_long", "zhao_long-2026!", "不能包含用户名"),
    ("zhao_long", "ZHAO_LONG-2026!", "不能包含用户名"),
    ("аdmin", "a-fine-long-secret", "用户名应为"),  # Cyrillic а, a look-alike of admin
    ("Admin", "a-fine-long-secret", "用户名应为"),  # upper case: one spelling per name
    ("ab", "a-fine-long-secret", "用户名应为"),
    ("a" * 33, "a-fine-long-secret", "用户名应为"),
])
def test_password_policy_and_username_rule(engine, username, password, message) -> None:
    """Found: create-user accepted 12345678, password, a password equal to the username and a Cyrillic look-alike
    username."""
    result = create_user(engine, username=username, display_name="赵", role="执法监督人员", password=password)
    assert not result.ok and any(message in e for e in result.errors), result.errors
    assert _count(engine, m.User) == 0


def test_a_policy_compliant_account_is_created(engine) -> None:
    assert create_user(engine, username="zhao.li-2", display_name="赵", role="执法监督人员",
                       password="plum blossom in winter").ok


def test_authenticate_success_failure_and_deactivation(engine) -> None:
    uid = create_user(engine, username="sup", display_name="监督", role="执法监督人员", password="right-pass-phrase").id
    actor = authenticate(engine, "sup", "right-pass-phrase")
    assert actor is not None and actor.role is Role.SUPERVISOR and actor.user_id == uid
    assert authenticate(engine, "sup", "wrong-pass") is None
    assert authenticate(engine, "nobody", "x") is None
    assert set_user_active(engine, uid, False, "admin").ok
    assert authenticate(engine, "sup", "right-pass-phrase") is None
    with engine.connect() as conn:
        actions = conn.execute(select(m.AuditEntry.action).order_by(m.AuditEntry.id)).scalars().all()
    assert actions == ["create_user", "login", "login_failed", "login_failed", "deactivate_user", "login_failed"]


def test_entered_2027_holidays_change_deadlines_and_declaring_clears_provisional(engine) -> None:
    decided = dt.date(2026, 12, 28)
    before = publication_deadline(decided, ActionCategory.PENALTY, load_calendar(engine))
    assert before.provisional and before.due == dt.date(2027, 1, 6)  # weekdays only: 1/1 counted as a workday
    assert set_calendar_day(engine, dt.date(2027, 1, 1), False, "元旦", "admin").ok
    after = publication_deadline(decided, ActionCategory.PENALTY, load_calendar(engine))
    assert after.due == dt.date(2027, 1, 7) and after.provisional
    assert declare_calendar_year(engine, 2027, "国务院办公厅关于2027年部分节假日安排的通知", "admin", dt.date(2026, 12, 1)).ok
    official = publication_deadline(decided, ActionCategory.PENALTY, load_calendar(engine))
    assert official.due == dt.date(2027, 1, 7) and not official.provisional


def test_calendar_rules(engine) -> None:
    assert not declare_calendar_year(engine, 2028, "通知", "admin", dt.date(2027, 12, 1)).ok  # no holiday entered
    assert not declare_calendar_year(engine, 2028, "", "admin", dt.date(2027, 12, 1)).ok
    assert not set_calendar_day(engine, dt.date(2028, 3, 1), True, "", "admin").ok  # a Wednesday "workday"
    assert set_calendar_day(engine, dt.date(2028, 1, 1), False, "元旦", "admin").ok
    assert declare_calendar_year(engine, 2028, "通知", "admin", dt.date(2027, 12, 1)).ok
    assert not remove_calendar_day(engine, dt.date(2028, 1, 1), "admin").ok  # locked once declared
    assert not remove_calendar_day(engine, dt.date(2029, 1, 1), "admin").ok
