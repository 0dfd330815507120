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


def upload_limit(extensions: tuple[str, ...], max_mb: int) -> str:
    """The line under a file picker: which files it takes and how large (Streamlit's own text is English)."""
    kinds = "、".join(e.upper() for e in extensions)
    return f"支持 {kinds} 文件，单个文件不超过 {max_mb} MB"
