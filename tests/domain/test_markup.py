"""domain.markup.escape_markdown: every ASCII punctuation character is backslash-escaped (CommonMark renders ``\\x``
as ``x``), so any text comes back as itself; line breaks become hard breaks."""

from __future__ import annotations

import re
import string

import pytest

from domain.markup import WORD_JOINER, escape_markdown
from tests.probes import MARKUP_PROBES

UNESCAPE = re.compile(r"\\([" + re.escape(string.punctuation) + "])")
CASES = [*MARKUP_PROBES, "# 标题", "> 引用", "- 列表", "+ 列表", "1. 列表", "1) 列表", "`代码`", "```\n块\n```",
         "_斜体_", "~~删除~~", "| a | b |", "&amp; &#60;", "www.example.com", "a@example.com", ":material/home:",
         "\\*", "===", "http://127.0.0.1:9/", "[x]: http://127.0.0.1:9/", "<http://127.0.0.1:9/>",
         "临江市青石区市场监督管理局（青市监罚〔2026〕12号）", "罚款5,000.00元；没收违法所得"]


def _unescaped_punctuation(text: str) -> list[str]:
    """ASCII punctuation not preceded by a backslash escape."""
    return re.findall(r"(?<!\\)(?:\\\\)*([" + re.escape(string.punctuation.replace("\\", "")) + "])",
                      UNESCAPE.sub("", text))


@pytest.mark.parametrize("text", CASES)
def test_every_punctuation_is_escaped_and_the_text_comes_back(text: str) -> None:
    escaped = escape_markdown(text)
    assert _unescaped_punctuation(escaped) == []
    assert UNESCAPE.sub(r"\1", escaped).replace("  \n", "\n").replace(WORD_JOINER, "") == text.lstrip()


def test_chinese_text_is_unchanged() -> None:
    assert escape_markdown("当事人销售过期食品，罚款五千元。") == "当事人销售过期食品，罚款五千元。"


@pytest.mark.parametrize("text", ["http://127.0.0.1:9/", "HTTPS://x.cn", "www.example.com", "WWW.example.com",
                                  "a@example.com", ":smile:", ":material/home:", "mailto:a@b.cn"])
def test_patterns_matched_after_escaping_are_broken(text: str) -> None:
    """GFM autolinks and emoji/icon shortcodes match the resolved text, so the escaped form must not contain them."""
    resolved = UNESCAPE.sub(r"\1", escape_markdown(text))
    assert not re.search(r"https?://|www\.|\w@\w|:[\w/+-]+:", resolved, re.IGNORECASE), resolved


def test_lines_stay_lines_and_cannot_start_a_code_block() -> None:
    assert escape_markdown("第一行\r\n    第二行\r第三行") == "第一行  \n第二行  \n第三行"
