"""执法公示台 entrypoint: page config, current actor, role-filtered navigation, run. A router, not a page."""

from __future__ import annotations

import streamlit as st

from components.auth import current_actor, demo_accounts_warning, login_url, sign_out
from components.gate import login_required, page_not_found, requested_page_name
from components.registry import PAGES, PageSpec, pages_for
from components.text import md
from components.words import STREAMLIT_TEXT_CSS


def _page(spec: PageSpec) -> st.Page:
    return st.Page(spec.path, title=spec.title, icon=spec.icon, url_path=spec.url_path, default=spec.default,
                   visibility="hidden" if spec.hidden else "visible")


def main() -> None:
    st.set_page_config(page_title="执法公示台", page_icon=":material/balance:", layout="wide")
    st.html(STREAMLIT_TEXT_CSS)
    actor = current_actor()
    sections: dict[str, list[st.Page]] = {}
    allowed = pages_for(actor)
    for spec in allowed:
        sections.setdefault(spec.section, []).append(_page(spec))
    # Every other page's address answers too, with a hidden page that shows nothing of it: 请登录后查看 (or 无权访问),
    # and an address that is no page at all gets a Chinese "页面不存在" instead of Streamlit's English dialog.
    hidden = sections.setdefault(allowed[0].section, [])
    for spec in PAGES:
        if spec not in allowed:
            hidden.append(st.Page(login_required, title=spec.title, url_path=spec.url_path, visibility="hidden"))
    requested = requested_page_name()
    if requested is not None and requested not in {spec.url_path for spec in PAGES}:
        hidden.append(st.Page(page_not_found, title="页面不存在", url_path=requested, visibility="hidden"))
    navigation = st.navigation(sections, expanded=True)  # no English "View N more" button
    if warning := demo_accounts_warning():
        # Markdown rather than st.warning: a page's own warnings stay the first ones a reader (and a test) finds.
        st.markdown(f":orange-background[:material/warning: {md(warning)}]")
    with st.sidebar:
        if actor.is_authenticated:
            st.caption(f"当前用户：{md(actor.display_name)}（{md(actor.role)}）")
            if st.button("退出登录", key="logout", icon=":material/logout:"):
                sign_out()
                st.rerun()
        else:
            st.caption("公众访问，无需登录。")
            st.link_button("工作人员登录", login_url(), icon=":material/login:")
    navigation.run()


if __name__ == "__main__":
    main()
