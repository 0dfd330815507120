"""Data is text, never markup: turn any stored or typed value into Markdown that Streamlit shows exactly as written.

Streamlit renders ``st.markdown``/``st.write``/``st.caption``/alerts/titles/labels as GitHub Markdown plus its own
extensions (``:red[…]`` directives, ``$…$`` KaTeX, ``:material/…:`` icons, bare-URL autolinks). An imported
``![](http://…)`` would make every visitor's browser fetch that URL, ``[点我](…)`` would become a live link.

CommonMark lets a backslash escape every ASCII punctuation character, so escaping all of them (not a hand-picked
list) is the one rule that covers every construct of the grammar, present and future: images, links, emphasis,
code, headings, lists, quotes, tables, HTML, entities, directives and maths. Chinese punctuation is not Markdown and
stays as it is.

Three extensions work on the text *after* escapes are resolved, so backslashes cannot stop them: GFM turns a bare
``http://…``, ``www.…`` or ``a@b.cn`` into a link, and ``:smile:``/``:material/…:`` become an emoji or icon. An
invisible WORD JOINER (U+2060) after each ``:``, before each ``@`` and inside ``www.`` breaks those patterns; the
text reads the same (it only travels along when copied). Pure Python: the streamlit wrapper is components/text.py.
"""

from __future__ import annotations

import re
import string

_PUNCTUATION = re.compile("([" + re.escape(string.punctuation) + "])")
_LEADING_SPACE = re.compile(r"^[ \t]+", re.MULTILINE)
WORD_JOINER = "\u2060"
_WWW = re.compile(r"(www)(\\\.)", re.IGNORECASE)


def escape_markdown(text: str) -> str:
    """``text`` as Markdown that renders to exactly ``text`` (plus invisible word joiners), line breaks kept.

    Each line break becomes a hard break ("  \\n") so multi-line facts keep their lines; leading spaces are dropped,
    because four of them would start a code block."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n")
    escaped = _PUNCTUATION.sub(r"\\\1", lines)
    escaped = escaped.replace(":", ":" + WORD_JOINER).replace("\\@", WORD_JOINER + "\\@")
    escaped = _WWW.sub(r"\1" + WORD_JOINER + r"\2", escaped)
    return _LEADING_SPACE.sub("", escaped).replace("\n", "  \n")
