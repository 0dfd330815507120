"""Allow/deny pairs for every role (OpenOversight style) and agency scoping."""

from __future__ import annotations

import pytest

from domain.enums import Role
from domain.permissions import (
    PUBLIC_ACTOR,
    ROLE_PERMISSIONS,
    Actor,
    Permission,
    agency_scope,
    can,
    can_access_agency,
)


def actor(role: Role, agency_id: int | None = 1) -> Actor:
    return Actor(username=f"u_{role.name.lower()}", display_name="测试", role=role, agency_id=agency_id)


ALLOWED = {
    Role.PUBLIC: {Permission.PUBLIC_READ, Permission.ACCOUNT_LOGIN},
    Role.OFFICER: {Permission.PUBLIC_READ, Permission.CASES_READ, Permission.CASES_WRITE},
    Role.REVIEWER: {Permission.PUBLIC_READ, Permission.CASES_READ, Permission.REVIEWS_DECIDE},
    Role.SUPERVISOR: {Permission.PUBLIC_READ, Permission.CASES_READ, Permission.SUPERVISION_READ},
    Role.ADMIN: {Permission.PUBLIC_READ, Permission.USERS_WRITE, Permission.DATA_IMPORT, Permission.AUDIT_READ,
                 Permission.CALENDAR_WRITE},
}


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("permission", list(Permission))
def test_role_matrix(role: Role, permission: Permission) -> None:
    assert can(actor(role), permission) is (permission in ALLOWED[role])


def test_matrix_covers_every_role() -> None:
    assert set(ROLE_PERMISSIONS) == set(Role)


def test_public_actor_is_a_null_object() -> None:
    assert not PUBLIC_ACTOR.is_authenticated
    assert can(PUBLIC_ACTOR, Permission.PUBLIC_READ)
    assert not can(PUBLIC_ACTOR, Permission.CASES_READ)


def test_officer_can_read_cases_in_own_agency() -> None:
    assert can_access_agency(actor(Role.OFFICER, 3), 3)


def test_officer_cannot_read_cases_of_other_agency() -> None:
    assert not can_access_agency(actor(Role.OFFICER, 3), 4)


def test_reviewer_cannot_read_cases_of_other_agency() -> None:
    assert not can_access_agency(actor(Role.REVIEWER, 3), 4)


def test_supervisor_can_read_every_agency() -> None:
    assert can_access_agency(actor(Role.SUPERVISOR, None), 4)
    assert agency_scope(actor(Role.SUPERVISOR, None)) is None


def test_admin_and_public_cannot_read_cases() -> None:
    assert not can_access_agency(actor(Role.ADMIN, None), 1)
    assert not can_access_agency(PUBLIC_ACTOR, 1)


def test_scope_and_audience_carry_the_agency_for_scoped_roles_only() -> None:
    assert agency_scope(actor(Role.OFFICER, 5)) == 5
    assert actor(Role.OFFICER, 5).audience == ("执法人员", 5)
    assert actor(Role.SUPERVISOR, 5).audience == ("执法监督人员", None)


def test_officer_may_record_only_in_own_agency() -> None:
    from domain.permissions import may_record

    assert may_record(actor(Role.OFFICER, 3), 3)
    assert not may_record(actor(Role.OFFICER, 3), 4)
    assert not may_record(actor(Role.REVIEWER, 3), 3)
    assert not may_record(actor(Role.SUPERVISOR, None), 3)


def test_reviewer_may_record_review_step_only_in_own_agency() -> None:
    from domain.permissions import may_record_review

    assert may_record_review(actor(Role.REVIEWER, 3), 3)
    assert not may_record_review(actor(Role.REVIEWER, 3), 4)
    assert not may_record_review(actor(Role.OFFICER, 3), 3)
