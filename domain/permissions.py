"""Roles, permissions and the role matrix (warehouse style), plus the actor null object (OpenOversight style).

Permission names read ``<scope>:<resource>:<action>``. Agency scope lives on the actor, not in extra roles:
an officer or reviewer acts only inside ``actor.agency_id``; supervisors and administrators see every agency.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from domain.enums import Role


class Permission(StrEnum):
    PUBLIC_READ = "public:disclosures:read"
    ACCOUNT_LOGIN = "public:account:login"
    CASES_READ = "staff:cases:read"
    CASES_WRITE = "staff:cases:write"
    REVIEWS_DECIDE = "staff:reviews:decide"
    SUPERVISION_READ = "staff:supervision:read"
    USERS_WRITE = "admin:users:write"
    DATA_IMPORT = "admin:data:import"
    AUDIT_READ = "admin:audit:read"
    CALENDAR_WRITE = "admin:calendar:write"


_P = Permission

ROLE_PERMISSIONS: Mapping[Role, frozenset[Permission]] = {
    # 公众 — Allowed: read published disclosures and the 事前公开 pages; log in.
    #        Disallowed: everything about cases, reviews, supervision and administration.
    Role.PUBLIC: frozenset({_P.PUBLIC_READ, _P.ACCOUNT_LOGIN}),
    # 执法人员 — Allowed: public pages; read and record cases of their own agency.
    #            Disallowed: deciding legal reviews, supervision views, administration.
    Role.OFFICER: frozenset({_P.PUBLIC_READ, _P.CASES_READ, _P.CASES_WRITE}),
    # 法制审核人员 — Allowed: public pages; read cases of their own agency; decide legal reviews.
    #               Disallowed: recording case events, supervision views, administration.
    Role.REVIEWER: frozenset({_P.PUBLIC_READ, _P.CASES_READ, _P.REVIEWS_DECIDE}),
    # 执法监督人员 — Allowed: public pages; read every agency's cases; supervision views.
    #               Disallowed: recording events, deciding reviews, administration.
    Role.SUPERVISOR: frozenset({_P.PUBLIC_READ, _P.CASES_READ, _P.SUPERVISION_READ}),
    # 管理员 — Allowed: public pages, accounts, imports, audit log, the official holiday calendar.
    #          Disallowed: case work (recording, reviewing) — administrators manage the system, not cases.
    Role.ADMIN: frozenset({_P.PUBLIC_READ, _P.USERS_WRITE, _P.DATA_IMPORT, _P.AUDIT_READ, _P.CALENDAR_WRITE}),
}

AGENCY_SCOPED_ROLES = frozenset({Role.OFFICER, Role.REVIEWER})


@dataclass(frozen=True)
class Actor:
    """Who is using the app. The anonymous public is ``PUBLIC_ACTOR``, never ``None``."""

    username: str
    display_name: str
    role: Role
    agency_id: int | None = None
    user_id: int | None = None
    officer_id: int | None = None

    @property
    def is_authenticated(self) -> bool:
        return self.role is not Role.PUBLIC

    @property
    def audience(self) -> tuple[str, int | None]:
        """The minimal hashable value that decides what this actor may see (used in cache keys)."""
        return (self.role.value, self.agency_id if self.role in AGENCY_SCOPED_ROLES else None)


PUBLIC_ACTOR = Actor(username="public", display_name="公众", role=Role.PUBLIC)


def can(actor: Actor, permission: Permission) -> bool:
    """``can(PUBLIC_ACTOR, Permission.PUBLIC_READ)`` → True; ``can(PUBLIC_ACTOR, Permission.CASES_READ)`` → False."""
    return permission in ROLE_PERMISSIONS[actor.role]


def can_access_agency(actor: Actor, agency_id: int) -> bool:
    """Case data of ``agency_id`` is visible to supervisors and to officers/reviewers of that agency only."""
    if not can(actor, Permission.CASES_READ):
        return False
    if actor.role in AGENCY_SCOPED_ROLES:
        return actor.agency_id == agency_id
    return True


def agency_scope(actor: Actor) -> int | None:
    """The agency a query must be restricted to, or None for all agencies."""
    return actor.agency_id if actor.role in AGENCY_SCOPED_ROLES else None


def may_record(actor: Actor, agency_id: int) -> bool:
    """Only a 执法人员 of the case's own agency records its steps (行政处罚法 art. 42)."""
    return can(actor, Permission.CASES_WRITE) and actor.role is Role.OFFICER and actor.agency_id == agency_id


def may_record_review(actor: Actor, agency_id: int) -> bool:
    """The 法制审核 step of a case is recorded by a 法制审核人员 of that agency (118号(十一))."""
    return can(actor, Permission.REVIEWS_DECIDE) and actor.role is Role.REVIEWER and actor.agency_id == agency_id
