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


GOOD = ("决定书文号,处罚机关,当事人名称,违法行为类型,处罚内容,决定日期,公示日期\n"
        "青测罚〔2026〕9001号,临江市青石区市场监督管理局,临江市测试商贸有限公司,不按规定明码标价,"
        "\"警告，罚款3000元\",2026年9月8日,2026-09-10\n")
BAD = ("决定书文号,处罚机关,当事人名称,处罚内容,决定日期\n"
       "青测罚〔2026〕9002号,不存在的局,临江市测试商贸有限公司,罚款3000元,2026-13-01\n")


def _run_import(content: str, mode_index: int):
    at = make_app(Role.ADMIN)
    at.switch_page("pages/data_import.py").run()
    no_errors(at)
    assert len(at.get("download_button")) == 2  # CSV and Excel templates
    at.file_uploader(key="upload").upload("决定.csv", content.encode("utf-8-sig"), "text/csv").run()
    at.radio(key="mode").set_value(at.radio(key="mode").options[mode_index]).run()
    at.button(key="start").click().run()
    no_errors(at)
    return at


def test_import_page_dry_run_previews_and_reports(writable_db) -> None:
    at = _run_import(GOOD, 0)
    assert at.success and "试运行" in at.success[0].value and "将新增1行" in at.success[0].value
    preview = at.dataframe[0].value
    assert len(preview) == 1


def test_import_page_writes_valid_file(writable_db) -> None:
    from sqlalchemy import select

    from db import models as m

    at = _run_import(GOOD, 1)
    assert "新增1行" in at.success[0].value
    with writable_db.connect() as conn:
        fine = conn.execute(select(m.Decision.fine_total).where(m.Decision.decision_no == "青测罚〔2026〕9001号")).scalar()
    assert str(fine) == "3000.00"


def test_import_page_refuses_bad_file_with_line_and_column(writable_db) -> None:
    at = _run_import(BAD, 1)
    assert at.error and "拒绝整个文件" in at.error[0].value
    problems = at.dataframe[1].value
    assert set(problems["行号"]) == {2} and {"处罚机关", "决定日期"} <= set(problems["列"])
    assert len(at.get("download_button")) == 3  # templates + rejects


OFFICERS = ("执法证号,姓名,执法机关,证件有效期起,证件有效期止,是否法制审核人员\n"
            "T4499009001,测试员甲,临江市青石区市场监督管理局,2026-01-01,2030-12-31,否\n"
            "T4499009002,测试员乙,区市场监管局,2026年1月1日,2025-12-31,是\n")


def test_import_page_other_kind_officers(writable_db) -> None:
    from sqlalchemy import select

    from db import models as m

    at = make_app(Role.ADMIN)
    at.switch_page("pages/data_import.py").run()
    assert at.selectbox(key="kind").value == "decisions"  # the default keeps the decisions import
    at.selectbox(key="kind").set_value("events").run()
    no_errors(at)
    assert not at.checkbox and len(at.get("download_button")) == 2  # events name no agency: no create option
    at.selectbox(key="kind").set_value("officers").run()
    at.file_uploader(key="upload").upload("人员.csv", OFFICERS.encode("utf-8-sig"), "text/csv").run()
    at.radio(key="mode").set_value(at.radio(key="mode").options[2]).run()
    at.button(key="start").click().run()
    no_errors(at)
    assert at.warning and "新增1行" in at.warning[0].value and "拒绝1行" in at.warning[0].value
    preview = at.dataframe[0].value
    assert list(preview["结果"]) == ["新增", "拒绝（有错误）"] and preview["执法证号"][0] == "T4499009001"
    problems = at.dataframe[1].value
    assert set(problems["行号"]) == {3} and "证件有效期止" in set(problems["列"])
    assert len(at.get("download_button")) == 3  # templates + rejects
    with writable_db.connect() as conn:
        names = conn.execute(select(m.Officer.name).where(m.Officer.cert_no.like("T44990090%"))).scalars().all()
    assert names == ["测试员甲"]


def test_an_imported_decision_is_listed_at_once(writable_db) -> None:
    """The public list was cached before the import; the import forgets it, so the next visit shows the decision."""
    def listed() -> bool:
        at = make_app(q="临江市测试商贸")
        at.switch_page("pages/decisions.py").run()
        no_errors(at)
        shown = [m.value for m in at.markdown] + [str(d.value.to_dict()) for d in at.dataframe]
        return any("9001号" in text for text in shown)

    assert not listed()
    assert "新增1行" in _run_import(GOOD, 1).success[0].value
    assert listed()
