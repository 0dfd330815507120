"""The words Streamlit's widgets would otherwise show in English — placeholders, upload help, empty cells — in one
place, so every page says the same thing and a test can list them. Code-to-label maps live in domain/labels.py."""

from __future__ import annotations

ALL = "全部"  # the "no filter" option of a select box
CHOOSE = "请选择"  # select box with nothing chosen
CHOOSE_MANY = "请选择（可多选）"  # multiselect with nothing chosen
NO_OPTIONS = "没有可选项"
MISSING = "—"  # an empty value in a table, a metric or a sentence
UPLOAD_HELP = "拖放文件到此处，或点击选择文件"
UPLOAD_BUTTON = "选择文件"
SKIP_LINK = "跳到主要内容"

# Streamlit's own English words that no setting changes, replaced or hidden with CSS (app.py adds this once): the
# Stop/Running status in the corner, the "Press Enter to apply" hint under text boxes (help texts say how a search
# is confirmed), the file picker's "Upload" button and "200MB per file • CSV" line (labels name the file types),
# and the keyboard users' "Skip to main content" link, which stays, in Chinese.
STREAMLIT_TEXT_CSS = f"""<style>
[data-testid="stStatusWidget"], [data-testid="InputInstructions"] {{ display: none !important; }}
a[data-testid="stSkipToContent"] {{ font-size: 0 !important; }}
a[data-testid="stSkipToContent"]::after {{ content: "{SKIP_LINK}"; font-size: 1rem; }}
[data-testid="stFileUploaderDropzoneInstructions"] span {{ font-size: 0 !important; }}
[data-testid="stFileUploaderDropzoneInstructions"] span::after {{ content: "{UPLOAD_HELP}"; font-size: 0.875rem; }}
[data-testid="stFileUploaderDropzone"] button p {{ font-size: 0 !important; }}
[data-testid="stFileUploaderDropzone"] button p::after {{ content: "{UPLOAD_BUTTON}"; font-size: 0.875rem; }}
</style>"""


def upload_limit(extensions: tuple[str, ...], max_mb: int) -> str:
    """The line under a file picker: which files it takes and how large (Streamlit's own text is English)."""
    kinds = "、".join(e.upper() for e in extensions)
    return f"支持 {kinds} 文件，单个文件不超过 {max_mb} MB"
