"""Chinese compound surnames (复姓), as data.

Source: the compound-surname part of 《百家姓》 (宋, the received text as printed in 《百家姓》, 中华书局 2009,
"万俟司马 上官欧阳 … 第五言福"), keeping only the real two-character surnames (the closing pairs 仉督, 晋楚, 闫法,
汝鄢, 涂钦, 岳帅, 缑亢, 况后, 有琴, 商牟, 佘佴, 墨哈, 谯笪, 年爱, 阳佟, 言福 are two single surnames each), plus the
compound surnames in present-day use that 《百家姓》 lacks (太史, 独孤, 贺兰, 达奚, 完颜, 耶律, 公仪, 东野, 即墨,
南郭, 北堂, 纳兰, and the variant spellings 拓拔 and 呼衍). Only two-character surnames: mask_person_name keeps at
most two characters. Compiled 2026-11-30; extend here, in one place.

Used by domain.redaction (a compound surname keeps both characters: 欧阳娜娜 → 欧阳某) and domain.parsing (a
surname + 某 names a natural person). Several entries are also ordinary words (东方, 西门, 第五, 百里, 司空, 南门);
callers only read them as surnames where a name is expected, never to find names in running text.
"""

from __future__ import annotations

__all__ = ["COMPOUND_SURNAMES"]

_BAIJIAXING = (
    "万俟 司马 上官 欧阳 夏侯 诸葛 闻人 东方 赫连 皇甫 尉迟 公羊 澹台 公冶 宗政 濮阳 淳于 单于 太叔 申屠 公孙 仲孙"
    " 轩辕 令狐 钟离 宇文 长孙 慕容 鲜于 闾丘 司徒 司空 亓官 司寇 子车 颛孙 端木 巫马 公西 漆雕 乐正 壤驷 公良"
    " 拓跋 夹谷 宰父 谷梁 段干 百里 东郭 南门 呼延 归海 羊舌 微生 梁丘 左丘 东门 西门 伯赏 南宫 第五"
)
_MODERN = (
    "太史 独孤 贺兰 达奚 完颜 耶律 公仪 东野 即墨 南郭 北堂 纳兰 拓拔 呼衍 宇文 上官 诸葛 尉迟"
)

COMPOUND_SURNAMES: frozenset[str] = frozenset((_BAIJIAXING + " " + _MODERN).split())
