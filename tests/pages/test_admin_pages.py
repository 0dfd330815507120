"""Administrator pages: pages/calendar_admin.py (节假日安排)."""

from __future__ import annotations

from domain.enums import Role
from tests.pages.conftest import make_app, no_errors


def test_calendar_page_lists_forms_and_rejects_bad_input() -> None:
    at = make_app(Role.ADMIN)
    at.switch_page("pages/calendar_admin.py").run()
    no_errors(at)
    assert at.title[0].value == "节假日安排"
    # declaring a year with no holiday entered is refused with a message and writes nothing
    at.text_input[1].input("国务院办公厅通知")
    at.get("form_submit_button")[-1].click().run()
    no_errors(at)
    assert any("尚未录入任何法定节假日" in e.value for e in at.error)
