"""Write commands. Each one validates, writes, and records an ``audit_log`` entry in the same transaction."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Engine, String, select
from sqlalchemy import update as sa_update
from sqlalchemy.orm import Session

from db import models as m
from db import passwords
from db.engine import session_scope
from domain.accounts import password_problems, username_problem
from domain.enums import Role
from domain.params import bad_characters_message, has_bad_characters, quote_input, text_problem
from domain.permissions import AGENCY_SCOPED_ROLES


def _string_length(column: ColumnElement[Any]) -> int:
    # The model's String(n) is the one source of the limits that forms check before writing.
    if not isinstance(column.type, String) or column.type.length is None:
        raise TypeError(f"{column} is not a String column with a length")
    return column.type.length


USERNAME_LENGTH = _string_length(m.User.__table__.c.username)
DISPLAY_NAME_LENGTH = _string_length(m.User.__table__.c.display_name)


@dataclass(frozen=True)
class CommandResult:
    ok: bool
    errors: tuple[str, ...] = ()
    id: int | None = None


def record_audit(session: Session, actor: str, action: str, entity: str, entity_id: Any, detail: dict | None = None) -> None:
    session.add(m.AuditEntry(actor=actor, action=action, entity=entity,
                             entity_id=None if entity_id is None else str(entity_id),
                             detail=json.dumps(detail or {}, ensure_ascii=False, default=str),
                             occurred_at=dt.datetime.now(dt.UTC)))


def validate_new_user(session: Session, username: str, role: str, password: str, agency_id: int | None,
                      display_name: str = "") -> list[str]:
    """Every reason the account cannot be created, checked against the column widths before anything is written
    (PostgreSQL would refuse the 51st character with an error quoting the whole statement)."""
    errors: list[str] = []
    username_ok = username_problem(username) is None
    if not username_ok:
        errors.append(f"{username_problem(username)}，收到：{quote_input(username)}")
    if problem := text_problem(display_name, "姓名", DISPLAY_NAME_LENGTH):
        errors.append(problem)
    if has_bad_characters(password):
        errors.append(bad_characters_message("密码"))
    try:
        role_enum = Role(role)
    except ValueError:
        errors.append(f"未知角色：{quote_input(role)}（可选：{'、'.join(r.value for r in Role if r is not Role.PUBLIC)}）")
        role_enum = None
    if role_enum is Role.PUBLIC:
        errors.append("公众无需账户")
    errors.extend(password_problems(username, password))
    if role_enum in AGENCY_SCOPED_ROLES and agency_id is None:
        errors.append(f"{role_enum.value}必须属于一个执法主体，请选择执法主体")
    if agency_id is not None and session.get(m.Agency, agency_id) is None:
        errors.append(f"执法主体不存在：{agency_id}")
    if username_ok and session.scalar(select(m.User.id).where(m.User.username == username)) is not None:
        errors.append(f"用户名已存在：{username}")
    return errors


def create_user(engine: Engine, *, username: str, display_name: str, role: str, password: str,
                agency_id: int | None = None, officer_id: int | None = None, actor: str = "system") -> CommandResult:
    """Create a local account with an argon2 password hash. Bad input writes nothing and returns the reasons."""
    with session_scope(engine) as session:
        errors = validate_new_user(session, username, role, password, agency_id, display_name)
        if errors:
            return CommandResult(False, tuple(errors))
        user = m.User(username=username, display_name=display_name or username, role=Role(role),
                      password_hash=passwords.hasher().hash(password), agency_id=agency_id, officer_id=officer_id,
                      created_by=actor, created_at=dt.datetime.now(dt.UTC))
        session.add(user)
        session.flush()
        record_audit(session, actor, "create_user", "users", user.id, {"username": username, "role": role,
                                                                       "agency_id": agency_id})
        return CommandResult(True, id=user.id)


def set_user_active(engine: Engine, user_id: int, active: bool, actor: str) -> CommandResult:
    with session_scope(engine) as session:
        user = session.get(m.User, user_id)
        if user is None:
            return CommandResult(False, (f"用户不存在：{user_id}",))
        user.is_active = active
        user.updated_by = actor
        if not active:  # its open sessions end now, and stay ended if the account is enabled again
            session.execute(sa_update(m.UserSession).where(m.UserSession.user_id == user_id,
                                                          m.UserSession.revoked_at.is_(None))
                            .values(revoked_at=dt.datetime.now(dt.UTC)))
        record_audit(session, actor, "activate_user" if active else "deactivate_user", "users", user_id)
        return CommandResult(True, id=user_id)


def set_calendar_day(engine: Engine, day: dt.date, is_workday: bool, note: str, actor: str) -> CommandResult:
    """Enter (or change) one official 放假/调休 date. Overrides the bundled calendar for that day."""
    note = note.strip()
    if has_bad_characters(note):
        return CommandResult(False, (bad_characters_message("说明"),))
    if len(note) > 100:
        return CommandResult(False, ("说明不超过100个字符",))
    if day.weekday() < 5 and is_workday and not note:
        return CommandResult(False, ("周一至周五本来就是工作日；只有调休上班的周末或更正才需要录入，请填写说明",))
    with session_scope(engine) as session:
        row = session.get(m.CalendarDay, day)
        before = None if row is None else {"is_workday": row.is_workday, "note": row.note}
        if row is None:
            session.add(m.CalendarDay(day=day, is_workday=is_workday, note=note))
        else:
            row.is_workday, row.note = is_workday, note
        record_audit(session, actor, "set_calendar_day", "calendar_days", day.isoformat(),
                     {"is_workday": is_workday, "note": note, "before": before})
    return CommandResult(True)


def remove_calendar_day(engine: Engine, day: dt.date, actor: str) -> CommandResult:
    with session_scope(engine) as session:
        row = session.get(m.CalendarDay, day)
        if row is None:
            return CommandResult(False, (f"未录入该日期：{day.isoformat()}",))
        if session.get(m.CalendarYear, day.year) is not None:
            return CommandResult(False, (f"{day.year}年已确认为正式安排，不能删除其中的日期",))
        record_audit(session, actor, "remove_calendar_day", "calendar_days", day.isoformat(),
                     {"is_workday": row.is_workday, "note": row.note})
        session.delete(row)
    return CommandResult(True)


def declare_calendar_year(engine: Engine, year: int, source: str, actor: str, today: dt.date) -> CommandResult:
    """Declare that every 放假/调休 date of ``year`` has been entered, so its deadlines are no longer 暂定."""
    from sqlalchemy import extract, func

    source = source.strip()
    if not source:
        return CommandResult(False, ("请填写依据（如国务院办公厅关于该年度部分节假日安排的通知）",))
    if problem := text_problem(source, "依据", _string_length(m.CalendarYear.__table__.c.source)):
        return CommandResult(False, (problem,))
    with session_scope(engine) as session:
        if session.get(m.CalendarYear, year) is not None:
            return CommandResult(False, (f"{year}年已确认",))
        holidays = session.scalar(select(func.count()).select_from(m.CalendarDay).where(
            extract("year", m.CalendarDay.day) == year, m.CalendarDay.is_workday.is_(False)))
        if not holidays:
            return CommandResult(False, (f"{year}年尚未录入任何法定节假日，不能确认为正式安排",))
        session.add(m.CalendarYear(year=year, declared_by=actor, declared_on=today, source=source))
        record_audit(session, actor, "declare_calendar_year", "calendar_years", year, {"source": source})
    return CommandResult(True)
