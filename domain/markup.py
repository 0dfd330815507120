"""Data is text, never markup: turn any stored or typed value into Markdown that Streamlit shows exactly as written.

Streamlit renders ``st.markdown``/``st.write``/``st.caption``/alerts/titles/labels as GitHub Markdown plus its own
extensions (``:red[…]`` directives, ``$…$`` KaTeX, ``:material/…:`` icons, bare-URL autolinks). An imported
``![](http://…)`` would make every visitor's browser fetch that URL, ``[点我](…)`` would become a live link.

CommonMark lets a backslash escape every ASCII punctuation character, so escaping all of them (not a hand-picked
list) is the one rule that covers every construct, present and future: images, links, emphasis, code, headings,
lists, quotes, tables, HTML, entities, directives, maths and autolinks (``http\\:\\/\\/`` no longer looks like a URL).
Chinese punctuation is not Markdown and stays as it is. Pure Python: the streamlit wrapper is components/text.py.
"""

from __future__ import annotations

import re
import string

_PUNCTUATION = re.compile("([" + re.escape(string.punctuation) + "])")
_LEADING_SPACE = re.compile(r"^[ \t]+", re.MULTILINE)


def escape_markdown(text: str) -> str:
    """``text`` as Markdown that renders to exactly ``text``, line breaks kept.

    Each line break becomes a hard break ("  \\n") so multi-line facts keep their lines; leading spaces are dropped,
    because four of them would start a code block."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n")
    escaped = _PUNCTUATION.sub(r"\\\1", lines)
    return _LEADING_SPACE.sub("", escaped).replace("\n", "  \n")
