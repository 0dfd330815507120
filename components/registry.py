"""The page registry: which pages exist and which permission each needs. Pure data (no streamlit import), so the
role matrix can be tested without running the app; app.py turns the filtered list into st.navigation."""

from __future__ import annotations

from dataclasses import dataclass

from domain.permissions import Actor, Permission, can


@dataclass(frozen=True)
class PageSpec:
    path: str
    title: str
    icon: str
    url_path: str
    permission: Permission
    section: str
    hidden: bool = False  # routable by permalink, not listed in the menu
    default: bool = False
    public_only: bool = False  # shown only to the anonymous public (the login page)


SECTION_PUBLIC = "公开信息"
SECTION_CASES = "案件办理"
SECTION_SUPERVISION = "执法监督"
SECTION_ADMIN = "系统管理"
SECTION_ACCOUNT = "账户"

PAGES: tuple[PageSpec, ...] = (
    PageSpec("pages/home.py", "首页", ":material/home:", "home", Permission.PUBLIC_READ, SECTION_PUBLIC, default=True),
    PageSpec("pages/decisions.py", "执法决定公示", ":material/gavel:", "decisions", Permission.PUBLIC_READ, SECTION_PUBLIC),
    PageSpec("pages/agencies.py", "执法主体", ":material/account_balance:", "agencies", Permission.PUBLIC_READ,
             SECTION_PUBLIC),
    PageSpec("pages/annual.py", "年度执法数据", ":material/bar_chart:", "annual", Permission.PUBLIC_READ,
             SECTION_PUBLIC),
    PageSpec("pages/disclosure_clock.py", "公示时限", ":material/timer:", "clock", Permission.PUBLIC_READ,
             SECTION_PUBLIC),
    PageSpec("pages/review_status.py", "法制审核情况", ":material/verified:", "review-status", Permission.PUBLIC_READ,
             SECTION_PUBLIC),
    PageSpec("pages/similar_cases.py", "类案参考", ":material/compare:", "similar-cases", Permission.PUBLIC_READ,
             SECTION_PUBLIC),
    PageSpec("pages/anchors.py", "记录链锚点", ":material/link:", "anchors", Permission.PUBLIC_READ, SECTION_PUBLIC),
    PageSpec("pages/decision.py", "决定详情", ":material/description:", "decision", Permission.PUBLIC_READ,
             SECTION_PUBLIC, hidden=True),
    PageSpec("pages/agency.py", "执法主体详情", ":material/account_balance:", "agency", Permission.PUBLIC_READ,
             SECTION_PUBLIC, hidden=True),
    PageSpec("pages/cases.py", "案件", ":material/folder_open:", "cases", Permission.CASES_READ, SECTION_CASES),
    PageSpec("pages/case.py", "案件详情", ":material/folder:", "case", Permission.CASES_READ, SECTION_CASES,
             hidden=True),
    PageSpec("pages/review_queue.py", "法制审核队列", ":material/fact_check:", "review-queue", Permission.REVIEWS_DECIDE,
             SECTION_CASES),
    PageSpec("pages/review.py", "法制审核", ":material/rate_review:", "review-case", Permission.REVIEWS_DECIDE,
             SECTION_CASES, hidden=True),
    PageSpec("pages/supervision.py", "执法监督概览", ":material/monitoring:", "supervision",
             Permission.SUPERVISION_READ, SECTION_SUPERVISION),
    PageSpec("pages/completeness.py", "案卷完整性", ":material/rule:", "completeness", Permission.SUPERVISION_READ,
             SECTION_SUPERVISION),
    PageSpec("pages/discretion_flags.py", "裁量基准核查", ":material/balance:", "discretion",
             Permission.SUPERVISION_READ, SECTION_SUPERVISION),
    PageSpec("pages/discretion_item.py", "裁量分布", ":material/scatter_plot:", "discretion-item",
             Permission.SUPERVISION_READ, SECTION_SUPERVISION),
    PageSpec("pages/users.py", "用户管理", ":material/group:", "users", Permission.USERS_WRITE, SECTION_ADMIN),
    PageSpec("pages/data_import.py", "数据导入", ":material/upload_file:", "import", Permission.DATA_IMPORT,
             SECTION_ADMIN),
    PageSpec("pages/held_records.py", "待脱敏复核", ":material/visibility_off:", "held", Permission.DATA_IMPORT,
             SECTION_ADMIN),
    PageSpec("pages/major_rules.py", "重大决定目录清单", ":material/checklist:", "major-rules", Permission.DATA_IMPORT,
             SECTION_ADMIN),
    PageSpec("pages/audit_log.py", "审计日志", ":material/history:", "audit", Permission.AUDIT_READ, SECTION_ADMIN),
    PageSpec("pages/calendar_admin.py", "节假日安排", ":material/calendar_month:", "calendar", Permission.CALENDAR_WRITE,
             SECTION_ADMIN),
    PageSpec("pages/login.py", "登录", ":material/login:", "login", Permission.ACCOUNT_LOGIN, SECTION_ACCOUNT,
             public_only=True),
)

# 双随机、一公开, entity credit profiles and 异议.
INSPECTION_PAGES: tuple[PageSpec, ...] = (
    PageSpec("pages/draws.py", "双随机抽查", ":material/shuffle:", "draws", Permission.PUBLIC_READ, SECTION_PUBLIC),
    PageSpec("pages/entity.py", "市场主体信用", ":material/domain:", "entity", Permission.PUBLIC_READ, SECTION_PUBLIC),
    PageSpec("pages/objection.py", "提出异议", ":material/report:", "objection", Permission.PUBLIC_READ, SECTION_PUBLIC,
             hidden=True),
    PageSpec("pages/objections_admin.py", "异议处理", ":material/feedback:", "objections", Permission.CASES_READ,
             SECTION_CASES),
)
PAGES = PAGES + INSPECTION_PAGES


def pages_for(actor: Actor) -> list[PageSpec]:
    """The pages ``actor`` may open, in registry order. The login page is for the anonymous public only."""
    return [p for p in PAGES if can(actor, p.permission) and (not p.public_only or not actor.is_authenticated)]


def spec_by_path(path: str) -> PageSpec:
    for p in PAGES:
        if p.path == path:
            return p
    raise KeyError(path)
