"""The shell: the public home renders; each role sees exactly its pages; guessed URLs show nothing."""

from __future__ import annotations

import pytest

from components.auth import APPTEST_COOKIE_KEY
from components.registry import PAGES
from domain.enums import Role
from tests.pages.conftest import ROOT, make_app, no_errors, signed_in_as

PUBLIC_PAGES = {"pages/home.py", "pages/decisions.py", "pages/agencies.py", "pages/annual.py", "pages/disclosure_clock.py",
                "pages/draws.py", "pages/entity.py", "pages/review_status.py", "pages/similar_cases.py",
                "pages/anchors.py"}
OBJECTIONS = "pages/objections_admin.py"
EXPECTED_VISIBLE = {
    Role.PUBLIC: PUBLIC_PAGES | {"pages/login.py"},
    Role.OFFICER: PUBLIC_PAGES | {"pages/cases.py", OBJECTIONS},
    Role.REVIEWER: PUBLIC_PAGES | {"pages/cases.py", "pages/review_queue.py", OBJECTIONS},
    Role.SUPERVISOR: PUBLIC_PAGES | {"pages/cases.py", "pages/supervision.py", "pages/completeness.py", OBJECTIONS,
                                     "pages/discretion_flags.py", "pages/discretion_item.py"},
    Role.ADMIN: PUBLIC_PAGES | {"pages/users.py", "pages/audit_log.py", "pages/calendar_admin.py",
                                "pages/data_import.py", "pages/held_records.py", "pages/major_rules.py"},
}
INTERNAL = ["pages/cases.py", "pages/case.py", "pages/review_queue.py", "pages/supervision.py", "pages/users.py",
            "pages/audit_log.py", OBJECTIONS]


def test_public_home_renders_without_exception() -> None:
    at = make_app()
    no_errors(at)
    assert at.title[0].value == "执法公示台"
    assert len(at.metric) == 4


@pytest.mark.parametrize("page", INTERNAL)
def test_public_cannot_switch_to_internal_page(page: str) -> None:
    at = make_app()
    with pytest.raises(ValueError):
        at.switch_page(page)


@pytest.mark.parametrize("role", list(Role))
def test_each_role_sees_exactly_its_pages(role: Role) -> None:
    from components.registry import pages_for
    from domain.permissions import PUBLIC_ACTOR, Actor

    actor = PUBLIC_ACTOR if role is Role.PUBLIC else Actor("u", "u", role, agency_id=1)
    visible = {p.path for p in pages_for(actor) if not p.hidden}
    assert visible == EXPECTED_VISIBLE[role]


def _allowed_paths(role: Role) -> set[str]:
    hidden = {"pages/decision.py", "pages/agency.py", "pages/objection.py"}
    if "pages/cases.py" in EXPECTED_VISIBLE[role]:
        hidden.add("pages/case.py")
    if "pages/review_queue.py" in EXPECTED_VISIBLE[role]:
        hidden.add("pages/review.py")
    return EXPECTED_VISIBLE[role] | hidden


def _agency_for(role: Role) -> str | None:
    return "QS-SCJG" if role in (Role.OFFICER, Role.REVIEWER) else None


@pytest.mark.parametrize("role", [r for r in Role if r is not Role.PUBLIC])
def test_each_role_can_open_its_pages(role: Role) -> None:
    at = make_app(role, _agency_for(role))
    no_errors(at)
    for path in sorted(_allowed_paths(role)):
        at.switch_page(path).run()
        no_errors(at)


@pytest.mark.parametrize("role", list(Role))
def test_each_role_cannot_switch_to_other_pages(role: Role) -> None:
    # A fresh session per page: AppTest's page registry after a switched run reflects the pages/ directory
    # rather than st.navigation, so only the registry of a first run shows what the router registered.
    for spec in PAGES:
        if spec.path in _allowed_paths(role) or (role is Role.PUBLIC and spec.path == "pages/login.py"):
            continue
        at = make_app(role, _agency_for(role))
        with pytest.raises(ValueError):
            at.switch_page(spec.path)


GUARDED = {
    "pages/cases.py": [Role.PUBLIC, Role.ADMIN],
    "pages/case.py": [Role.PUBLIC, Role.ADMIN],
    "pages/review_queue.py": [Role.PUBLIC, Role.OFFICER, Role.SUPERVISOR, Role.ADMIN],
    "pages/review.py": [Role.PUBLIC, Role.OFFICER, Role.SUPERVISOR, Role.ADMIN],
    "pages/supervision.py": [Role.PUBLIC, Role.OFFICER, Role.REVIEWER, Role.ADMIN],
    "pages/users.py": [Role.PUBLIC, Role.OFFICER, Role.REVIEWER, Role.SUPERVISOR],
    "pages/audit_log.py": [Role.PUBLIC, Role.OFFICER, Role.REVIEWER, Role.SUPERVISOR],
    "pages/calendar_admin.py": [Role.PUBLIC, Role.OFFICER, Role.REVIEWER, Role.SUPERVISOR],
    "pages/data_import.py": [Role.PUBLIC, Role.OFFICER, Role.REVIEWER, Role.SUPERVISOR],
    "pages/held_records.py": [Role.PUBLIC, Role.OFFICER, Role.REVIEWER, Role.SUPERVISOR],
}


@pytest.mark.parametrize(("page", "role"), [(p, r) for p, roles in GUARDED.items() for r in roles])
def test_restricted_page_checks_the_role_on_its_first_line(page: str, role: Role) -> None:
    """Defence in depth: run the page script directly (as if navigation were bypassed) for a wrong role."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / page), default_timeout=30)
    if role is not Role.PUBLIC:
        at.session_state[APPTEST_COOKIE_KEY] = signed_in_as(role, agency_id=1)[0]
    at.run()
    assert any("无权访问" in e.value for e in at.error)
    assert not at.dataframe and not at.metric


def test_restricted_page_guards_itself_when_reached_without_permission() -> None:
    """Defence in depth: even if navigation were bypassed, the page's first line stops a public session."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "pages" / "supervision.py"), default_timeout=30).run()
    assert any("无权访问" in e.value for e in at.error)
    assert not at.metric
