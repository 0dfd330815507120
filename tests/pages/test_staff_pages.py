"""Staff pages: agency scoping, case detail with the integrity badge, review queue, supervision, administration."""

from __future__ import annotations

from sqlalchemy import select

from db import models as m
from domain.enums import Role
from tests.pages.conftest import make_app, no_errors, query


def _agency_id(code: str) -> int:
    return query(select(m.Agency.id).where(m.Agency.code == code))[0][0]


def test_officer_sees_only_own_agency_cases() -> None:
    at = make_app(Role.OFFICER, "QS-SCJG")
    at.switch_page("pages/cases.py").run()
    no_errors(at)
    table = at.dataframe[0].value
    assert len(table) > 0
    assert set(table["执法主体"]) == {"区市场监管局"}


def test_supervisor_sees_every_agency_and_can_filter() -> None:
    at = make_app(Role.SUPERVISOR, agency=str(_agency_id("QS-STHJ")))
    at.switch_page("pages/cases.py").run()
    no_errors(at)
    assert set(at.dataframe[0].value["执法主体"]) == {"青石生态环境分局"}


def test_case_page_shows_record_and_integrity_badge() -> None:
    case_id = query(select(m.Case.id).where(m.Case.agency_id == _agency_id("QS-SCJG")).limit(1))[0][0]
    at = make_app(Role.OFFICER, "QS-SCJG", id=str(case_id))
    at.switch_page("pages/case.py").run()
    no_errors(at)
    assert any("记录完整性：已验证" in s.value for s in at.success)
    assert len(at.dataframe[0].value) >= 1


def test_officer_cannot_open_case_of_other_agency() -> None:
    case_id = query(select(m.Case.id).where(m.Case.agency_id == _agency_id("QS-STHJ")).limit(1))[0][0]
    at = make_app(Role.OFFICER, "QS-SCJG", id=str(case_id))
    at.switch_page("pages/case.py").run()
    no_errors(at)
    assert at.warning and "无权查看" in at.warning[0].value
    assert not at.dataframe


def test_review_queue_lists_pending_rounds_of_own_agency() -> None:
    pending = query(select(m.LegalReview.id).join(m.Case, m.Case.id == m.LegalReview.case_id)
                     .where(m.LegalReview.outcome.is_(None), m.Case.agency_id == _agency_id("QS-SCJG")))
    at = make_app(Role.REVIEWER, "QS-SCJG")
    at.switch_page("pages/review_queue.py").run()
    no_errors(at)
    assert at.metric[0].value == str(len(pending))


def test_supervision_overview_has_metrics_and_chart() -> None:
    at = make_app(Role.SUPERVISOR)
    at.switch_page("pages/supervision.py").run()
    no_errors(at)
    labels = [metric.label for metric in at.metric]
    assert labels == ["按时公示率", "逾期公示", "逾期未公示", "未经法制审核的重大决定",
                      "重大执法决定", "审核中", "审核超时", "违法情形"]
    assert int(at.metric[1].value.replace(",", "")) > 0 and int(at.metric[3].value.replace(",", "")) > 0
    assert at.get("arrow_vega_lite_chart") or at.get("vega_lite_chart")


def test_admin_creates_user_and_bad_input_writes_nothing() -> None:
    at = make_app(Role.ADMIN)
    at.switch_page("pages/users.py").run()
    no_errors(at)
    before = len(at.dataframe[0].value)
    at.text_input[0].input("zhang_san")
    at.text_input[1].input("张三")
    at.text_input[2].input("short")
    at.get("form_submit_button")[0].click().run()
    errors = [e.value for e in at.error]
    assert "请选择角色。" in errors and any("密码至少" in e for e in errors) and not any("未知角色" in e for e in errors)
    at.selectbox[0].set_value(Role.OFFICER)
    at.get("form_submit_button")[0].click().run()
    errors = [e.value for e in at.error]
    assert any("密码至少" in e for e in errors) and any("请选择执法主体" in e for e in errors)
    assert not any("--" in e for e in errors)  # no command-line flag in a web form's message
    assert len(at.dataframe[0].value) == before
    # What was typed stays for the correction.
    assert (at.text_input[0].value, at.text_input[1].value, at.selectbox[0].value) == ("zhang_san", "张三", Role.OFFICER)


def test_audit_log_page_lists_entries() -> None:
    at = make_app(Role.ADMIN)
    at.switch_page("pages/audit_log.py").run()
    no_errors(at)
    assert len(at.dataframe[0].value) >= 6  # the seeded demo accounts were each audited


def test_held_records_page_lists_decisions_held_for_redaction_review() -> None:
    at = make_app(Role.ADMIN)
    at.switch_page("pages/held_records.py").run()
    no_errors(at)
    # The seeded sample is fully redactable: the page says so in Chinese instead of showing an empty table.
    assert any("没有待脱敏复核" in s.value for s in at.success)
    assert not at.dataframe


def test_case_lists_link_each_row_to_its_case_page() -> None:
    at = make_app(Role.SUPERVISOR)
    for path in ("pages/cases.py", "pages/completeness.py"):
        at.switch_page(path).run()
        no_errors(at)
        links = next(d.value for d in at.dataframe if "详情" in d.value.columns)["详情"]
        assert len(links) and links.str.fullmatch(r"/case\?id=\d+").all(), path


def test_status_counts_follow_the_filters() -> None:
    import re

    def counts(at) -> tuple[int, dict[str, int]]:
        total = int(next(md.value for md in at.markdown if md.value.startswith("共 ")).split()[1].replace(",", ""))
        line = next(c.value for c in at.caption if c.value.startswith("按状态"))
        return total, {k: int(v.replace(",", "")) for k, v in re.findall(r"(\S+) ([\d,]+)", line.split("：", 1)[1])}

    at = make_app(Role.SUPERVISOR)
    at.switch_page("pages/cases.py").run()
    every_total, every = counts(at)
    at = make_app(Role.SUPERVISOR, major="1")
    at.switch_page("pages/cases.py").run()
    no_errors(at)
    total, by_status = counts(at)
    assert sum(by_status.values()) == total < every_total == sum(every.values())


def test_officer_picker_offers_only_valid_certificates_without_select_all() -> None:
    from domain.formatting import today_shanghai

    agency_id = _agency_id("QS-SCJG")
    case_id = query(select(m.Case.id).where(m.Case.agency_id == agency_id).limit(1))[0][0]
    today = today_shanghai()
    valid = {r.cert_no for r in query(select(m.Officer.cert_no).where(
        m.Officer.agency_id == agency_id, m.Officer.cert_valid_from <= today, m.Officer.cert_valid_to >= today))}
    lapsed = {r.cert_no for r in query(select(m.Officer.cert_no).where(
        m.Officer.agency_id == agency_id, m.Officer.cert_valid_to < today))}
    assert lapsed, "the sample plants lapsed certificates"
    at = make_app(Role.OFFICER, "QS-SCJG", id=str(case_id))
    at.switch_page("pages/case.py").run()
    no_errors(at)
    picker = next(w for w in at.multiselect if w.label.startswith("在场执法人员"))
    offered = set(picker.options)
    assert offered and all(any(c in o for c in valid) for o in offered)
    assert not any(c in o for o in offered for c in lapsed)
    assert picker.proto.placeholder == "请选择（可多选）"


def test_audit_log_reads_in_words_and_filters_by_operation() -> None:
    at = make_app(Role.ADMIN)
    at.switch_page("pages/audit_log.py").run()
    no_errors(at)
    table = at.dataframe[0].value
    assert not table["操作"].str.contains(r"[a-z_]{4,}").any()
    assert "{}" not in set(table["详情"])
    at.selectbox[0].set_value("创建账户").run()
    no_errors(at)
    assert set(at.dataframe[0].value["操作"]) == {"创建账户"}
    assert at.query_params["action"] in ("创建账户", ["创建账户"])


def test_supervision_draws_only_the_open_view_and_each_view_has_an_address() -> None:
    first = make_app(Role.SUPERVISOR)
    first.switch_page("pages/supervision.py").run()
    no_errors(first)
    assert not [f for f in first.dataframe if "法制审核状态" in f.value.columns]  # the long list waits for its tab
    assert [f for f in first.dataframe if "逾期公示" in f.value.columns]

    board = make_app(Role.SUPERVISOR, view="全部重大执法决定")
    board.switch_page("pages/supervision.py").run()
    no_errors(board)
    assert [f for f in board.dataframe if "法制审核状态" in f.value.columns]
    assert not board.get("arrow_vega_lite_chart") and not board.get("vega_lite_chart")

    hostile = make_app(Role.SUPERVISOR, view="<b>不存在</b>")
    hostile.switch_page("pages/supervision.py").run()
    no_errors(hostile)
    assert [f for f in hostile.dataframe if "逾期公示" in f.value.columns]  # an unknown view opens the first one
