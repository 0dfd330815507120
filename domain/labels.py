"""Code → Chinese label maps for everything stored as a code and shown to people: audit-log actions and the records
they touched, the keys of an audit entry's detail, yes/no. One place, so a page never shows ``append_event`` or
``{}`` and a new code gets its label here (tests/domain/test_labels.py lists the codes the writers use).

Enum-valued columns (statuses, stages, roles …) already store their Chinese value (domain/enums.py) and need no map.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

MISSING = "—"

# The records an import or a command writes: entity (table) and, for import_update_<singular>, the singular.
RECORD_LABELS = {
    "users": "账户", "calendar_days": "节假日安排", "calendar_years": "年度日历", "case_events": "执法记录",
    "legal_reviews": "法制审核", "agencies": "执法主体", "agency": "执法主体", "cases": "案件", "case": "案件",
    "decisions": "执法决定", "decision": "执法决定", "event": "执法记录", "events": "执法记录", "matters": "权责清单事项",
    "matter": "权责清单事项", "officers": "执法人员", "officer": "执法人员", "reviews": "法制审核", "review": "法制审核",
    "public_records": "公示记录", "discretion": "裁量基准", "benchmark_sets": "裁量基准", "benchmarks": "裁量基准",
    "discretion_checks": "裁量基准核查", "discretion_resolutions": "裁量基准核查处理", "proposed_penalties": "拟处理决定",
    "review_steps": "法制审核步骤", "major_review_rules": "重大执法决定法制审核目录清单", "objections": "异议",
    "objection": "异议", "inspections": "抽查检查结果", "inspection": "抽查检查结果", "draws": "双随机抽取",
    "user_sessions": "登录会话", "chain_anchors": "记录链锚点", "database": "数据库",
}

AUDIT_ACTIONS = {
    "login": "登录", "login_failed": "登录失败", "logout": "退出登录", "create_user": "创建账户",
    "activate_user": "启用账户", "deactivate_user": "停用账户", "update_user": "修改账户", "reset_password": "重置密码",
    "set_calendar_day": "设置节假日安排", "remove_calendar_day": "删除节假日安排", "declare_calendar_year": "确认年度日历",
    "append_event": "记录执法环节", "decide_review": "作出法制审核意见", "submit_review": "报送法制审核",
    "import_create_agency": "导入时新建执法主体",
    "import_append_events": "导入追加执法记录", "import_correct_decision": "导入更正执法决定",
    "release_held_record": "发布待脱敏复核的决定",
    "login_locked": "登录被锁定", "login_throttled": "登录过于频繁被拒绝", "set_password": "修改密码",
    "set_role": "修改角色", "record_proposal": "填写拟处理决定", "record_decision": "作出执法决定",
    "claim_review": "领取法制审核任务", "extend_review": "延长法制审核期限", "supplement_review": "补充送审材料",
    "save_major_rules": "修改重大执法决定法制审核目录清单", "resolve_discretion_flag": "处理裁量基准核查标记",
    "seed_reset": "重置示例数据",
}

DETAIL_KEYS = {
    "case_id": "案件编号", "case_no": "案号", "seq": "序号", "stage": "环节", "round": "轮次", "outcome": "结论",
    "username": "用户名", "role": "角色", "agency_id": "执法主体编号", "is_workday": "是否工作日", "note": "说明",
    "before": "修改前", "source": "依据", "rows": "行数", "accepted": "接受", "rejected": "拒绝", "created": "新建",
    "updated": "更新", "unchanged": "未变", "file": "文件", "kind": "类别", "dry_run": "仅检查", "decision_no": "决定书文号",
    "reason": "理由", "name": "名称", "code": "代码", "year": "年度", "total": "合计", "held": "暂缓公示",
    "decision_id": "决定编号", "version": "版本", "major": "重大执法决定", "reasons": "情形", "read": "读取行数",
    "errors": "错误数", "error": "错误", "status": "状态", "flag": "标记", "items": "条目数", "tiers": "档次数",
    "usable": "可用档次数", "effective_from": "施行日期", "inclusive": "含本数", "fine_person": "自然人罚款标准",
    "fine_org": "单位罚款标准", "due_on": "期限", "corrected": "已更正", "closed": "已办结", "uscc": "统一社会信用代码",
    "client": "客户端地址",
}


# Writers that are programs, not people (the sample generator, the command-line import).
SYSTEM_ACTORS = {"seed": "系统（示例数据）", "import": "系统（命令行导入）", "system": "系统"}


def actor_label(name: str | None) -> str:
    return SYSTEM_ACTORS.get(name or "", name or MISSING)


def yes_no(value: object) -> str:
    return "是" if value else "否"


def record_label(code: str | None) -> str:
    return RECORD_LABELS.get(code or "", "其他记录")


def audit_action_label(code: str | None) -> str:
    """``append_event`` → "记录执法环节"; ``import_events`` → "导入执法记录"; ``import_update_case`` → "导入更新案件".
    A code not known here reads "其他操作" rather than showing the code."""
    code = code or ""
    if code in AUDIT_ACTIONS:
        return AUDIT_ACTIONS[code]
    if code.startswith("import_refused_"):
        return "导入被拒绝（" + record_label(code.removeprefix("import_refused_")) + "）"
    if code.startswith("import_update_"):
        return "导入更新" + record_label(code.removeprefix("import_update_"))
    if code.startswith("import_"):
        return "导入" + record_label(code.removeprefix("import_"))
    return "其他操作"


def _value_text(value: object) -> str:
    if value is None or value == "":
        return MISSING
    if isinstance(value, bool):
        return yes_no(value)
    if isinstance(value, Mapping):
        return audit_detail_text(value)
    if isinstance(value, list | tuple):
        return "、".join(_value_text(v) for v in value) or MISSING
    return str(value)


def audit_detail_text(detail: object) -> str:
    """An audit entry's detail (a JSON object, or its text) as "案号：…；环节：…"; empty → "—". Keys without a label
    are left out rather than shown as code."""
    if isinstance(detail, str):
        text = detail
        try:
            detail = json.loads(text) if text.strip() else {}
        except ValueError:
            return text
    if not isinstance(detail, Mapping) or not detail:
        return MISSING
    parts = [f"{DETAIL_KEYS[k]}：{_value_text(v)}" for k, v in detail.items() if k in DETAIL_KEYS]
    return "；".join(parts) or MISSING
