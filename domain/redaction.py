"""One redaction policy for every public output (pages, CSV, JSON, API, charts), RULES.md §1.6.

118号 §二 and 总局令45号 art. 6 require personal information to be processed before publication; 浙江省's list
(RULES.md §1.6) says what: a natural person's home address, contact details, ID-card number, bank account,
health status, and the names of natural persons other than the penalized party. This module is the only place
that knows how, so that a page, an export and a chart cannot disagree about what is personal data.

Rules of thumb behind the choices below:
- When a number could be either personal data or an organisation's code, privacy wins: masking an
  organisation's code only hides what its dedicated, validated field shows anyway; leaking an ID cannot be undone.
- 统一社会信用代码 stay visible: RULES.md §1.6 "Keep" list. Many are all digits and 18 long, like an ID
  number or a bank account, so they are recognised (check character + context words) and protected first.
- Every masking token contains no digit and no marker word, so redacting twice gives the same text as once
  (exports re-run redaction on already published text).
- Pure Python on str/dicts: domain/ imports neither streamlit, sqlalchemy nor pandas.

- `find_personal_data` runs the same pipeline as `redact_text` and reports what it would still change, so the
  public guard and the redaction cannot disagree, and redacted text always passes.

Known limits (documented, tested as negatives where relevant): third-party names are recognised only after a
marker word (证人, 其妻, 员工, …) or when the caller passes them in ``known_names``; a given name alone is masked
only where it stands as a subject; a bare "住" counts as an address marker only at the start of a clause; house
numbers are masked after a street, village or estate word, or as building + room; ages ("45岁") are not masked;
台胞证 numbers (8 digits) are recognised only after their marker.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from types import MappingProxyType
from typing import Any, Literal

from domain.enums import PartyType
from domain.identifiers import id_birth_date, is_valid_uscc, normalize_uscc, validate_id_number
from domain.surnames import COMPOUND_SURNAMES

__all__ = [
    "ADDRESS_TOKEN",
    "COMPOUND_SURNAMES",
    "DEFAULT_POLICY",
    "HEALTH_TOKEN",
    "HIDDEN",
    "HOUSE_NUMBER_TOKEN",
    "INTERNAL_FIELDS",
    "PUBLIC_FIELDS",
    "RedactionPolicy",
    "assert_public_record",
    "find_personal_data",
    "mask_person_name",
    "personal_data_kinds",
    "publication_exclusion",
    "redact_party",
    "redact_text",
]

# --------------------------------------------------------------------------------------------------------------
# Policy
# --------------------------------------------------------------------------------------------------------------

NameMask = Literal["某", "某某"]
NumberStyle = Literal["hide", "partial"]


@dataclass(frozen=True)
class RedactionPolicy:
    """What to mask and how; one instance per jurisdiction (RULES.md §1.6 "turn it into configuration")."""

    name_mask: NameMask = "某"
    # "hide": the whole number becomes HIDDEN; "partial": first 6 + last 4 (RULES.md §1.6 allows at most that).
    id_number_style: NumberStyle = "hide"
    # "hide": HIDDEN; "partial": 138****1234 (mobile) / 0755-****5678 (landline).
    phone_style: NumberStyle = "hide"
    mask_phone: bool = True
    mask_bank: bool = True
    mask_address: bool = True
    mask_plate: bool = True
    mask_birth_date: bool = True
    mask_health: bool = True
    # SAMR's 行政处罚信息摘要 includes the 法定代表人 (RULES.md §1.6 "Keep"); False masks it like a natural person.
    show_legal_representative: bool = True
    # Disclosure periods, used by the publication layer (a Hebei district: 2 years for natural persons, 5 else).
    natural_person_retention_months: int = 24
    organisation_retention_months: int = 60

    def __post_init__(self) -> None:
        if self.name_mask not in ("某", "某某"):
            raise ValueError(f"姓名遮蔽方式“{self.name_mask}”无效，只能为“某”或“某某”")
        for label, style in (("身份证号码", self.id_number_style), ("电话号码", self.phone_style)):
            if style not in ("hide", "partial"):
                raise ValueError(f"{label}遮蔽方式“{style}”无效，只能为“hide”或“partial”")
        for label, months in (("自然人", self.natural_person_retention_months),
                              ("法人和其他组织", self.organisation_retention_months)):
            if months <= 0:
                raise ValueError(f"{label}公示期限应为正整数（月），实际为{months}")

    def retention_months(self, party_type: PartyType | str) -> int:
        """Disclosure period for a party type: natural persons are shown for a shorter time."""
        return (self.natural_person_retention_months if PartyType(party_type).is_natural_person
                else self.organisation_retention_months)


DEFAULT_POLICY = RedactionPolicy()

# Tokens contain no digit and no marker word, which keeps redaction idempotent.
HIDDEN = "******"
ADDRESS_TOKEN = "[地址已隐去]"
HEALTH_TOKEN = "[健康信息已隐去]"
# Replaces what lies below street level (门牌号, 栋, 单元, 室) when no address marker precedes it; the street stays.
HOUSE_NUMBER_TOKEN = "[门牌号已隐去]"

# --------------------------------------------------------------------------------------------------------------
# Names
# --------------------------------------------------------------------------------------------------------------



def _surname_length(name: str) -> int:
    # A 2-character name is surname + given name even when it spells a compound surname ("欧阳" = 欧 + 阳).
    return 2 if len(name) >= 3 and name[:2] in COMPOUND_SURNAMES else 1


def mask_person_name(name: str, policy: RedactionPolicy = DEFAULT_POLICY) -> str:
    """张伟 → 张某 (or 张某某); 欧阳娜娜 → 欧阳某. Already masked names ("张某", "张某某") are returned as they are."""
    name = name.strip()
    if not name:
        return ""
    keep = _surname_length(name)
    given = name[keep:]
    if given and set(given) == {"某"}:
        return name
    if not given:
        return name if name == "某" else name + policy.name_mask
    return name[:keep] + policy.name_mask


# Surnames accepted after a strong marker (证人, 其妻, 举报人 …), where the next word is nearly always a name.
# Common surnames that are also everyday words on their own (和 时 明 全 都 区 公 利 …) are left out.
_SURNAMES_STRONG = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
    "姜崔钟谭陆汪范金石廖贾夏韦付傅方白邹孟熊秦邱江尹薛闫阎段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温"
    "康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成"
    "苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳穆农卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷"
    "晏席卫米柏宗瞿桂佟臧闵苟邬边卞姬仇栾隋刁巫寇郎丛虞邝鞠荆郁胥栗鄢谌奚皮粟冼蔺楼阚帅屠朴禹漆卿狄晁芮阙邸"
    "雍辜裘亓邰赫杭逯茹嵇湛宾戎茅於揭尉檀昝尧"
)
# After weak markers (员工, 同事, 消费者 …) ordinary words follow as often as names ("员工申请", "消费者权益"),
# so surnames that begin frequent words there are not accepted; those people are still masked via known_names.
_SURNAMES_WEAK = _SURNAMES_STRONG - frozenset(
    "向于付应管包施申费单温尚章路房宁童游甘景谷全卫车米柏桂牛华麦席冷宫党项简古吉农阳尤"
)
# Characters that practically never occur in a given name but start or end function words ("于当日", "张贴了").
_NOT_IN_GIVEN_NAME = frozenset(
    "的了在是与及或等也已未被将把对从以当该其此这那个们日年时分内外上下前后里间称说并所本局否各每无非需须仍现场次案"
)
# Two-character words that start with a surname and follow marker words in enforcement texts.
_COMMON_WORDS = frozenset(
    "陈述 陈列 关系 关于 公司 安全 安排 高价 高度 高温 金额 方可 方便 方式 方面 张贴 常年 常规 马上 任何 任意 许可 周边"
    " 周末 程序 成员 余额 黄金 文件 严重 严格 严禁 陆续 连续 连同 信息 石头 白天 曾经 单位 管理 包装 施工 申请 费用 温度"
    " 卫生 车辆 党员 项目 农药 牛奶 冷库 钱款 田间 毛重 武装 龙头 杜绝 谢绝 宋体 史上 罗列 郑重 董事 林地 叶片".split()
)

_CJK = r"\u3400-\u4dbf\u4e00-\u9fff"
_CJK_RE = re.compile(f"[{_CJK}]+")

# Marker words that introduce a third person; longer forms first so "其妻子李娜" is not read as 其妻 + "子李娜".
_STRONG_MARKERS = (
    "见证人 证人 其妻子 其丈夫 其儿子 其女儿 其父亲 其母亲 其妻 其夫 其子 其女 其父 其母 其兄 其弟 其姐 其妹 妻子 丈夫"
    " 举报人 投诉人 被害人 受害人 报案人 目击者 其配偶 配偶 其爱人 爱人 前妻 前夫 知情人 证明人"
).split()
_WEAK_MARKERS = (
    "员工 雇员 同事 家属 店员 消费者 顾客 邻居 亲属 亲戚 朋友 房东 租户 承租人 出租人 司机 驾驶员 驾驶人 业主 股东"
    " 合伙人 代理人 委托代理人 监护人 家长 学员 患者 病人 买家 卖家 收货人 购买人 厨师 保安 服务员 收银员 营业员 销售员"
    " 工人 雇工 帮工 学徒"
).split()
_MARKER_RE = re.compile(
    "(?:"
    + "|".join(
        # "共同事项" contains 同事; the lookbehind sits after the literal so the regex keeps its fast literal scan.
        "同事(?<!共同事)" if m == "同事" else re.escape(m)
        for m in sorted(_STRONG_MARKERS + _WEAK_MARKERS, key=len, reverse=True)
    )
    + ")[：:]?"
)
_STRONG_SET = frozenset(_STRONG_MARKERS)
# What may follow a person's name: punctuation, a digit, the end, or a word that typically follows a subject.
_NAME_END_RE = re.compile(
    r"(?:$|[\s，,。；;：:、）)（(“”\"'！!？?\d]|"
    r"证实|陈述|表示|反映|证明|作证|供述|辩称|介绍|承认|确认|同意|提供|出具|签字|签名|要求|购买|驾驶|经营|知道|发现|看到"
    r"|指认|陪同|负责|领取|收到|到场|现场|当场|当时|称|说|在|于|的|等|和|与|及|系|是|也|均|已|未|所|向|对|因|为|将|曾|并|又"
    r"|则|就|都|亦|即|家|处|之|不|没|无|从|自|被|让|把|告)"
)
_NAME_LIST_JOINERS = frozenset("、和与及")


def _plausible_name(candidate: str, surname_len: int) -> bool:
    if candidate in _COMMON_WORDS or candidate[:2] in _COMMON_WORDS:
        return False
    given = candidate[surname_len:]
    return set(given) == {"某"} or not (set(given) & _NOT_IN_GIVEN_NAME)


def _parse_name(text: str, start: int, surnames: frozenset[str]) -> int | None:
    """End index of a personal name starting at `start`, or None.

    The shortest candidate that is followed by a plausible name end wins: "证人李娜证实" → 李娜, and
    "证人欧阳娜娜称" → 欧阳娜娜. Single surnames take 1–2 given characters, compound ones 1–2 as well.
    """
    if text[start:start + 2] in COMPOUND_SURNAMES:
        surname_len, lengths = 2, (3, 4)
    elif start < len(text) and text[start] in surnames:
        surname_len, lengths = 1, (2, 3)
    else:
        return None
    for length in lengths:
        candidate = text[start:start + length]
        if len(candidate) < length or _CJK_RE.fullmatch(candidate) is None:
            return None
        if _NAME_END_RE.match(text, start + length):
            return start + length if _plausible_name(candidate, surname_len) else None
    return None


def _mask_third_parties(text: str, policy: RedactionPolicy, found: list[tuple[str, str]] | None = None) -> str:
    pieces: list[str] = []
    pos = 0
    for m in _MARKER_RE.finditer(text):
        if m.start() < pos:
            continue
        marker = m.group().rstrip("：:")
        surnames = _SURNAMES_STRONG if marker in _STRONG_SET else _SURNAMES_WEAK
        j = m.end()
        while True:
            end = _parse_name(text, j, surnames)
            if end is None:
                break
            pieces.append(text[pos:j])
            name = text[j:end]
            masked = mask_person_name(name, policy)
            if found is not None and masked != name:
                found.append(("自然人姓名", name))
            pieces.append(masked)
            pos = j = end
            # "证人李娜、王芳称": a list after one marker names several people.
            if end < len(text) and text[end] in _NAME_LIST_JOINERS:
                j = end + 1
                continue
            break
    pieces.append(text[pos:])
    return "".join(pieces)


# --------------------------------------------------------------------------------------------------------------
# Numbers: ID numbers, 统一社会信用代码, phones, bank accounts
# --------------------------------------------------------------------------------------------------------------

# Latin letters and digits, half- and full-width: a number glued to one of these is part of a longer code.
_ALNUM = r"0-9A-Za-z\uff10-\uff19\uff21-\uff3a\uff41-\uff5a"
_NB = f"(?<![{_ALNUM}])"  # no alnum before
_NA = f"(?![{_ALNUM}])"  # no alnum after

_USCC_TOKEN_RE = re.compile(f"{_NB}[0-9A-Z\uff10-\uff19\uff21-\uff3a]{{18}}{_NA}")
# 18 (or 15) digits, the last of 18 possibly X. Single spaces are allowed because IDs are often printed
# grouped ("110105 19491231 002X"); a spaced run must then stand alone, or it could start inside a grouped
# bank card ("6222 0212 3456 7890 123" holds 15 digits after its first group).
_X = "Xx\uff38\uff58"
_ID_CANDIDATE_RE = re.compile(
    rf"{_NB}(?:\d{{17}}[\d{_X}]|\d{{15}}){_NA}"
    rf"|{_NB}(?<!\d[ \u3000])(?:\d(?:[ \u3000]?\d){{16}}[ \u3000]?[\d{_X}]|\d(?:[ \u3000]?\d){{14}})"
    rf"(?![ \u3000]\d){_NA}"
)
_CONTEXT_RE = re.compile(
    r"(?P<uscc>统一社会信用代码|社会信用代码|信用代码|组织机构代码|注册号|营业执照号码?)"
    r"|(?P<id>公民身份号码|身份证件号码|身份证号码|身份证号|身份证|身份号码|证件号码|证件号)"
)
_CONTEXT_WINDOW = 30
_CLAUSE_END_RE = re.compile(r"[。；;\n]")

_DASH = " \\-\u3000\uff0d"  # space, hyphen, full-width space and hyphen: how numbers get grouped
_MOBILE_RE = re.compile(
    rf"(?<![{_ALNUM}+＋])(?P<prefix>(?:[+＋]|00)?86[{_DASH}]?|[(（][+＋]?86[)）][{_DASH}]?)?"
    rf"(?P<num>[1１][3-9３-９](?:[{_DASH}]?\d){{9}}){_NA}"
)
_LANDLINE_RE = re.compile(
    # Not a group inside a longer grouped number ("6222 0212 3456 7890 123" is a card, not 0212-34567890).
    rf"(?<![{_ALNUM}+＋])(?<!\d[{_DASH}])(?P<area>[(（][0０]\d{{2,3}}[)）]|[0０]\d{{2,3}}"
    rf"|(?:[+＋]|00)?86[{_DASH}]?(?P<intl>0?[1-9]\d{{1,2}})|[(（][+＋]?86[)）][{_DASH}]?(?P<intl2>0?[1-9]\d{{1,2}}))"
    rf"[{_DASH}]?(?P<num>\d{{7,8}}|\d{{3,4}}[{_DASH}]\d{{4}})(?:(?:[-－]|转)\d{{1,6}})?{_NA}(?![{_DASH}]\d)"
)
_BANK_CONTEXT_RE = re.compile(
    rf"(?P<marker>(?:银行)?(?:账号|帐号|账户|帐户|卡号|银行卡)(?:号码|号)?(?:为|是)?[：:\s]*)"
    rf"(?P<num>\d(?:[ -]?\d){{7,29}}){_NA}"
)
_BANK_RE = re.compile(
    rf"{_NB}\d{{16,19}}{_NA}|{_NB}(?<!\d[ -])\d{{4}}(?:[ -]\d{{4}}){{3}}(?:[ -]?\d{{1,3}})?(?![ -]\d){_NA}"
)


def _compact(raw: str) -> str:
    return "".join(unicodedata.normalize("NFKC", raw).split()).upper()


def _context_kind(before: str) -> str | None:
    """"uscc" or "id" when a label shortly before the number says what it is (the nearest label wins)."""
    window = before[-_CONTEXT_WINDOW:]
    ends = list(_CLAUSE_END_RE.finditer(window))
    if ends:
        window = window[ends[-1].end():]
    kind = None
    for m in _CONTEXT_RE.finditer(window):
        kind = m.lastgroup
    return kind


def _id_like(compact: str, today: date) -> bool:
    """6-digit area + plausible birth date: personal data even when the check digit is mistyped."""
    if compact[0] == "0":
        return False
    try:
        born = id_birth_date(compact)
    except ValueError:
        return False
    return 1900 <= born.year and born <= today


def _classify_number(compact: str, before: str, today: date) -> Literal["uscc", "id", "other"]:
    """Decide what an 18- or 15-character number is; see the module docstring for why ties go to "id"."""
    context = _context_kind(before)
    id_like = _id_like(compact, today)
    if len(compact) == 15:
        if context == "uscc":
            return "uscc"  # 15-digit 工商注册号 issued before the 统一社会信用代码
        return "id" if context == "id" or id_like else "other"
    uscc_ok = is_valid_uscc(compact)
    if context == "id":
        return "id"
    if context == "uscc":
        return "uscc" if uscc_ok or not id_like else "id"
    id_ok = id_like and validate_id_number(compact, today).ok
    if uscc_ok and not id_ok:
        return "uscc"
    return "id" if id_like else "other"


def _mask_id(compact: str, policy: RedactionPolicy) -> str:
    if policy.id_number_style == "partial":
        return compact[:6] + "*" * (len(compact) - 10) + compact[-4:]
    return HIDDEN


def _digits(raw: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKC", raw) if c.isdigit())


# --------------------------------------------------------------------------------------------------------------
# Markers: plates, birth dates, health, addresses
# --------------------------------------------------------------------------------------------------------------

_PLATE_RE = re.compile(
    rf"(?<![{_ALNUM}])(?P<head>[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼使领][A-HJ-NP-Z])"
    # 5 characters (6 for new-energy plates), or 4 before 挂/学/警 … (trailer, driving-school, police plates).
    rf"(?P<sep>[·•・.\s]?)(?P<tail>[A-HJ-NP-Z0-9]{{5,6}}|[A-HJ-NP-Z0-9]{{4}}(?=[挂学警港澳领试超]))"
    rf"(?P<suffix>[挂学警港澳领试超]?){_NA}"
)

_CN_DIGIT = "〇零一二三四五六七八九"
_MD = rf"(?:\d{{1,2}}|[{_CN_DIGIT}十]{{1,3}})"  # month or day, Arabic or Chinese numerals
_DATE = (
    rf"(?:\d{{4}}|[{_CN_DIGIT}]{{4}})年(?:{_MD}月(?:{_MD}日)?)?"
    r"|\d{4}[-./]\d{1,2}[-./]\d{1,2}|\d{8}"
)
_BIRTH_AFTER_RE = re.compile(
    rf"(?P<marker>(?:出生日期|出生年月日?|出生于|出生|生日|(?<![发产派衍滋寄催先再])生于)[：:\s]*)"
    rf"(?P<date>{_DATE})(?!\d)"
)
# "1980年5月6日出生" / "1980年生人" — the common order in 决定书; "…生效" is not a birth.
_BIRTH_BEFORE_RE = re.compile(rf"(?<!\d)(?P<date>{_DATE})(?=出生|生人|生(?:[，,。；;、）)\s]|$))")

_STOP = "，,。；;、\n"
_SPAN = rf"(?:[^{_STOP}（()）]|[（(][^{_STOP}（()）]*[）)])+"
_HEALTH_RE = re.compile(
    r"(?P<marker>(?:被诊断为|诊断结果为|诊断患有|确诊患有|诊断为|确诊为|患有|罹患|"
    r"(?:病史|既往史|健康状况|身体状况)[：:])\s*)"
    rf"(?!{re.escape(HEALTH_TOKEN)})(?P<span>{_SPAN})"
)
_HEALTH_HISTORY_RE = re.compile(rf"(?<=有)(?P<span>[{_CJK}]{{1,12}}?)(?=病史)")

_ADDRESS_RE = re.compile(
    r"(?P<marker>(?:"
    r"家庭住址|家庭地址|现住址|住址|现住所|住所地|住所|户籍所在地|户籍地址|户籍地|经常居住地|现居住地|居住地|"
    r"现居住于|现居住在|居住于|居住在|现居于|家住|现住|暂住地|暂住|联系地址|通讯地址|送达地址"
    rf"|(?:^|(?<=[{_STOP}：:\s（(]))住"
    r")(?:为|是|在|于)?[：:\s]*)"
    rf"(?!{re.escape(ADDRESS_TOKEN)})(?P<span>{_SPAN})"
)
# An address names a place; "居住在一起" or "住宿费" do not, and are left alone.
_ADDRESSY_RE = re.compile(r"[省市区县镇乡村路街道巷号栋幢楼室弄组屯]")

# Below street level without a marker word: "建设路12号3栋201房", "滨江花园5栋2单元502室", "白沙村3组". The street,
# village, estate or company name before the number stays; the number and everything finer goes.
_N = r"[0-9\uff10-\uff19]+"
_CN_N = "一二三四五六七八九十"
_UNIT = r"(?:号楼|号院|栋|幢|座|单元|楼|层|室|房间|房|户|号|组)"
_PLACE_END = "路街道巷弄同里村庄屯园苑厦场寓湾坊"
_HOUSE_RE = re.compile(
    # street/estate + 12号 (+ 3栋 201房 …); "〔2024〕12号" and "第45号" are not preceded by a place word.
    rf"(?<=[{_PLACE_END}])(?:{_N}(?:[-－—之]{_N})*号)"
    rf"(?:[-－]?(?:{_N}|[A-Za-z]|[{_CN_N}]{{1,3}})[-－]?{_UNIT})*"
    # building + room without a street: "3栋201室", "5号楼1单元502", "2单元502室"
    rf"|(?<![0-9\uff10-\uff19])(?:{_N}|[A-Za-z])(?:号楼|栋|幢|座)(?:{_N}单元)?{_N}(?:室|房间|房|号|户)?"
    rf"|(?<![0-9\uff10-\uff19]){_N}单元{_N}(?:室|房间|房|号|户)?"
    # a room number: three or four digits + 室/房
    rf"|(?<![0-9\uff10-\uff19])[0-9\uff10-\uff19]{{3,4}}(?:室|房间|房)"
    # village groups: "白沙村3组", "白沙村三组"
    rf"|(?<=村)(?:{_N}|[{_CN_N}]{{1,3}})(?:组|队|社)"
)
_DOORPLATE_RE = re.compile(
    rf"(?P<marker>(?:门牌号码|门牌号|门牌|房号|房间号)(?:为|是)?[：:\s]*)(?P<value>{_N}(?:[-－—之]{_N})*号?)"
)

# --------------------------------------------------------------------------------------------------------------
# Online accounts, passports and permits
# --------------------------------------------------------------------------------------------------------------

_EMAIL_RE = re.compile(
    r"[A-Za-z0-9][A-Za-z0-9._%+\-]*[@＠][A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}"
)
_WXID_RE = re.compile(rf"wxid_[A-Za-z0-9_\-]{{4,}}{_NA}", re.IGNORECASE)
_ACCOUNT_KINDS = {"微信": "微信号", "QQ": "QQ号码", "支付宝": "支付宝账号"}
_ACCOUNT_MARKERS = (
    ("微信", "微信号码 微信账号 微信帐号 微信号 微信ID 微信id 微信 威信 V信 v信"),
    ("QQ", "QQ号码 QQ号 QQ qq号 qq Qq ＱＱ号 ＱＱ 扣扣号 扣扣"),
    ("支付宝", "支付宝账号 支付宝帐号 支付宝账户 支付宝帐户 支付宝号 支付宝"),
)
_ASCII_ACCOUNT_MARKERS = (("微信", "WeChat wechat Wechat WECHAT VX vx Vx wx WX"),)


def _account_alternatives() -> str:
    alts = []
    for group, words in _ACCOUNT_MARKERS:
        alts += [(w, group) for w in words.split()]
    for group, words in _ASCII_ACCOUNT_MARKERS:
        alts += [(w, group) for w in words.split()]
    alts.sort(key=lambda a: len(a[0]), reverse=True)
    # The group name travels in a named alternative so one pass finds all three kinds.
    parts = []
    for word, _group in alts:
        ascii_word = word.isascii()
        guard = rf"(?<![A-Za-z]{re.escape(word[0])})" if ascii_word else ""
        parts.append(f"{re.escape(word[0])}{guard}{re.escape(word[1:])}")
    return "|".join(parts)


_ACCOUNT_RE = re.compile(
    rf"(?P<marker>(?P<label>{_account_alternatives()})(?:号码|账号|帐号|号|ID|id)?(?:为|是)?[：:\s]*)"
    # Accounts are 5+ characters; a sum ("微信转账2000元") is neither long enough nor followed by a letter or digit.
    rf"(?P<value>[{_ALNUM}][{_ALNUM}_\-.@＠]{{4,39}})(?![{_ALNUM}_\-])(?![元万亿千百])"
)
_DOC_MARKERS = (
    "港澳居民来往内地通行证 台湾居民来往大陆通行证 大陆居民往来台湾通行证 往来港澳通行证 往来台湾通行证 港澳通行证"
    " 出入境通行证 回乡证 台胞证 入台证 通行证 旅行证 居留证 居留许可 护照"
).split()
_DOC_RE = re.compile(
    rf"(?P<marker>(?P<label>{'|'.join(sorted(_DOC_MARKERS, key=len, reverse=True))})(?:证件)?(?:号码|号)?(?:为|是)?"
    rf"[：:\s]*)(?P<value>(?:[A-Za-z\uff21-\uff3a\uff41-\uff5a]{{1,2}}\d{{6,10}}|\d{{8,10}})(?:[（(][A-Za-z0-9][）)])?){_NA}"
)
# Standard formats recognised without a marker: ordinary passports (E + 8, or E + letter + 7; older G + 8),
# 往来港澳通行证 (C + 8), 港澳居民来往内地通行证 / 回乡证 (H or M + 8 or 10 digits).
_DOC_FORMAT_RE = re.compile(
    # "国药准字H20003263" and "国食健字G20040123" are product approval numbers in the same shape.
    rf"{_NB}(?<![字注备])(?:(?P<passport>E[A-HJ-NP-Z0-9]\d{{7}}|G\d{{8}})|C[A-HJ-NP-Z0-9]\d{{7}}|[HM]\d{{8}}(?:\d{{2}})?){_NA}"
)
_UPPER_RE = re.compile(r"[A-Z\uff21-\uff3a]")
_DIGIT_RUN_RE = re.compile(rf"\d(?:[{_DASH}]?\d)*")

# --------------------------------------------------------------------------------------------------------------
# Protected spans (keep_names, 统一社会信用代码): swapped for placeholders while the other rules run
# --------------------------------------------------------------------------------------------------------------

# The top of plane 16 (Supplementary Private Use Area-B) never carries text in enforcement documents; anything
# found there is dropped first so that placeholders cannot be forged or confused.
_PH_OPEN, _PH_CLOSE, _PH_BASE = "\U0010fffd", "\U0010fffc", 0x10FF00
_RESERVED_RE = re.compile("[\U0010ff00-\U0010fffd]")
_PLACEHOLDER_RE = re.compile(f"{_PH_OPEN}([\U0010ff00-\U0010ffef]+){_PH_CLOSE}")


class _Vault:
    def __init__(self) -> None:
        self.items: list[str] = []

    def put(self, value: str) -> str:
        index = len(self.items)
        self.items.append(value)
        digits = []
        while True:
            index, d = divmod(index, 0xF0)
            digits.append(chr(_PH_BASE + d))
            if not index:
                break
        return _PH_OPEN + "".join(digits) + _PH_CLOSE

    def restore(self, text: str) -> str:
        def back(m: re.Match[str]) -> str:
            index = sum((ord(c) - _PH_BASE) * 0xF0**i for i, c in enumerate(m.group(1)))
            return self.items[index]

        return _RESERVED_RE.sub("", _PLACEHOLDER_RE.sub(back, text))


# --------------------------------------------------------------------------------------------------------------
# redact_text
# --------------------------------------------------------------------------------------------------------------


def _clean_names(names: Iterable[str]) -> list[str]:
    # Longest first, so "欧阳娜娜" is replaced before a shorter "欧阳娜" inside it.
    return sorted({n.strip() for n in names if n and n.strip()}, key=len, reverse=True)


_Found = list[tuple[str, str]]

# Labels of what the checker reports (stored as the reason a record is held back, so never the values).
KIND_ID = "身份证号码"
KIND_MOBILE = "手机号码"
KIND_LANDLINE = "固定电话"
KIND_BANK = "银行账号"
KIND_EMAIL = "电子邮箱"
KIND_PASSPORT = "护照号码"
KIND_PERMIT = "港澳台通行证号码"
KIND_PLATE = "车牌号码"
KIND_BIRTH = "出生日期"
KIND_HEALTH = "健康信息"
KIND_ADDRESS = "住址"
KIND_HOUSE = "门牌号"
KIND_NAME = "自然人姓名"

_HEALTH_WORDS = ("诊断", "确诊", "患", "罹", "病史", "既往史", "健康状况", "身体状况")
_ADDRESS_WORDS = ("住", "居", "地址", "户籍")
_DOC_WORDS = ("证", "护照", "居留")
_NAME_SPACING = re.compile(r"[\s\u3000·•・]")
_GIVEN_BEFORE = r"(?:^|(?<=[\s，,。；;：:、（(“\"称]))"


# Compiled only for a text that can match (the seeder masks hundreds of thousands of distinct names, and compiling
# two patterns per name cost more than all the rest of the projection); cached per name.
@lru_cache(maxsize=8192)
def _spaced_pattern(name: str) -> re.Pattern[str] | None:
    """The name written with spaces or a middle dot between its characters ("张 伟", "欧阳·娜娜")."""
    chars = [c for c in name if not _NAME_SPACING.match(c)]
    if len(chars) < 2:
        return None
    return re.compile(r"[\s\u3000·•・]{0,2}".join(map(re.escape, chars)))


@lru_cache(maxsize=8192)
def _given_pattern(name: str) -> re.Pattern[str] | None:
    """Where safe, the given name used on its own ("小明称")."""
    given = name[_surname_length(name):]
    # Only a given name of two or more characters that is no everyday word, standing where a subject stands.
    if (len(given) >= 2 and _CJK_RE.fullmatch(given) and given not in _COMMON_WORDS and "某" not in given
            and not set(given) & _NOT_IN_GIVEN_NAME):
        return re.compile(_GIVEN_BEFORE + re.escape(given) + f"(?={_NAME_END_RE.pattern})")
    return None


def _mask_known_names(text: str, names: list[str], policy: RedactionPolicy, found: _Found | None) -> str:
    spacing = _NAME_SPACING.search(text) is not None
    for name in names:
        given = name[_surname_length(name):]
        if len(name) < 2 or set(given) == {"某"}:
            continue
        masked = mask_person_name(name, policy)
        if name in text:
            if found is not None:
                found.append((KIND_NAME, name))
            text = text.replace(name, masked)
        replace = _name_replacer(found, masked)
        if spacing and (spaced := _spaced_pattern(name)) is not None:
            text = spaced.sub(replace, text)
        if given in text and (given_re := _given_pattern(name)) is not None:
            text = given_re.sub(replace, text)
    return text


def _name_replacer(found: _Found | None, masked: str) -> Callable[[re.Match[str]], str]:
    return lambda m: _hit(found, KIND_NAME, m.group(), masked)


def _hit(found: _Found | None, kind: str, value: str, replacement: str) -> str:
    if found is not None and value != replacement:
        found.append((kind, value))
    return replacement


def _redact(
    text: str, known_names: Iterable[str], keep_names: Iterable[str], policy: RedactionPolicy, found: _Found | None,
    today: date | None = None,
) -> str:
    """The one pipeline behind `redact_text` and `find_personal_data`: with `found`, each change is recorded,
    so the checker reports exactly what redaction would still change (and nothing in redacted text)."""
    today = today or date.today()
    vault = _Vault()
    if _RESERVED_RE.search(text):
        text = _RESERVED_RE.sub("", text)

    for keep in _clean_names(keep_names):
        if keep in text:
            text = text.replace(keep, vault.put(keep))

    # Cheap gates: most rules need a long digit run, a capital letter or a marker word; skip those that cannot
    # match (the seeder redacts millions of fields). Runs only shrink below, so the gates stay conservative.
    longest = max(map(len, _DIGIT_RUN_RE.findall(text)), default=0)
    upper = _UPPER_RE.search(text) is not None

    # Letter-bearing 统一社会信用代码 are unambiguous: protect them before any digit rule sees their digits.
    if upper:
        def protect_uscc(m: re.Match[str]) -> str:
            code = _compact(m.group())
            if not code[:17].isdigit() and is_valid_uscc(code):
                return vault.put(m.group())
            return m.group()

        text = _USCC_TOKEN_RE.sub(protect_uscc, text)

    if "@" in text or "＠" in text:
        text = _EMAIL_RE.sub(lambda m: _hit(found, KIND_EMAIL, m.group(), HIDDEN), text)
    if "wxid" in text.lower():
        text = _WXID_RE.sub(lambda m: _hit(found, "微信号", m.group(), HIDDEN), text)
    text = _ACCOUNT_RE.sub(lambda m: _account(m, found), text)
    if any(w in text for w in _DOC_WORDS):
        text = _DOC_RE.sub(lambda m: m.group("marker") + _hit(
            found, KIND_PASSPORT if m.group("label") == "护照" else KIND_PERMIT, m.group("value"), HIDDEN), text)
    if upper:
        text = _DOC_FORMAT_RE.sub(
            lambda m: _hit(found, KIND_PASSPORT if m.group("passport") else KIND_PERMIT, m.group(), HIDDEN), text)

    if longest >= 15:
        def id_or_uscc(m: re.Match[str]) -> str:
            compact = _compact(m.group())
            kind = _classify_number(compact, m.string[max(0, m.start() - _CONTEXT_WINDOW):m.start()], today)
            if kind == "uscc":
                return vault.put(m.group())
            if kind == "id":
                return _hit(found, KIND_ID, m.group(), _mask_id(compact, policy))
            if len(compact) == 18 and policy.mask_bank:
                return _hit(found, KIND_BANK, m.group(), HIDDEN)  # neither ID nor code: bank-like
            return m.group()

        text = _ID_CANDIDATE_RE.sub(id_or_uscc, text)

    if policy.mask_bank and longest >= 8:
        text = _BANK_CONTEXT_RE.sub(lambda m: m.group("marker") + _hit(found, KIND_BANK, m.group("num"), HIDDEN), text)
    if policy.mask_phone:
        if longest >= 11:
            text = _MOBILE_RE.sub(lambda m: _hit(found, KIND_MOBILE, m.group(), _mask_mobile(m, policy)), text)
        if longest >= 7:
            text = _LANDLINE_RE.sub(lambda m: _hit(found, KIND_LANDLINE, m.group(), _mask_landline(m, policy)), text)
    if policy.mask_bank and longest >= 16:
        text = _BANK_RE.sub(lambda m: _hit(found, KIND_BANK, m.group(), HIDDEN), text)
    if policy.mask_plate and upper:
        text = _PLATE_RE.sub(lambda m: _hit(found, KIND_PLATE, m.group(), _mask_plate(m)), text)
    if policy.mask_birth_date and "生" in text:
        text = _BIRTH_AFTER_RE.sub(
            lambda m: m.group("marker") + _hit(found, KIND_BIRTH, m.group("date"), _mask_date(m.group("date"))), text)
        text = _BIRTH_BEFORE_RE.sub(lambda m: _hit(found, KIND_BIRTH, m.group("date"), _mask_date(m.group("date"))),
                                    text)
    if policy.mask_health and any(w in text for w in _HEALTH_WORDS):
        text = _HEALTH_RE.sub(lambda m: m.group("marker") + _hit(found, KIND_HEALTH, m.group("span"), HEALTH_TOKEN),
                              text)
        text = _HEALTH_HISTORY_RE.sub(lambda m: _hit(found, KIND_HEALTH, m.group(), HEALTH_TOKEN), text)
    if policy.mask_address:
        if any(w in text for w in _ADDRESS_WORDS):
            text = _ADDRESS_RE.sub(lambda m: _mask_address(m, found), text)
        if "门牌" in text or "房号" in text or "房间号" in text:
            text = _DOORPLATE_RE.sub(
                lambda m: m.group("marker") + _hit(found, KIND_HOUSE, m.group("value"), HOUSE_NUMBER_TOKEN), text)
        if longest or "村" in text:
            text = _HOUSE_RE.sub(lambda m: _hit(found, KIND_HOUSE, m.group(), HOUSE_NUMBER_TOKEN), text)

    names = _clean_names(known_names)
    if names:
        text = _mask_known_names(text, names, policy, found)
    text = _mask_third_parties(text, policy, found)

    return vault.restore(text)


def _account(m: re.Match[str], found: _Found | None) -> str:
    label = m.group("label")
    group = "QQ" if label in ("扣扣", "扣扣号") or label.upper().startswith(("QQ", "ＱＱ")) else (
        "支付宝" if label.startswith("支付宝") else "微信")
    return m.group("marker") + _hit(found, _ACCOUNT_KINDS[group], m.group("value"), HIDDEN)


def redact_text(
    text: str,
    *,
    known_names: Iterable[str] = (),
    keep_names: Iterable[str] = (),
    policy: RedactionPolicy = DEFAULT_POLICY,
) -> str:
    """Mask personal data inside free text (违法事实, 处罚内容, 裁量说明 …).

    known_names: the case's natural persons and other people named in it; each is masked with
    `mask_person_name` wherever it occurs (also written "张 伟", and a given name of two or more characters
    where it stands alone as a subject). keep_names: literal strings never touched (the organisation's
    registered name, officers' names as printed with their 执法证号, a 统一社会信用代码 to keep regardless);
    keep wins over known. Idempotent: redacting the result again changes nothing.
    """
    if not text:
        return text
    return _redact(text, known_names, keep_names, policy, None)


def _mask_mobile(m: re.Match[str], policy: RedactionPolicy) -> str:
    if policy.phone_style == "partial":
        digits = _digits(m.group("num"))
        return digits[:3] + "****" + digits[-4:]
    return HIDDEN


def _mask_landline(m: re.Match[str], policy: RedactionPolicy) -> str:
    if policy.phone_style == "partial":
        intl = m.group("intl") or m.group("intl2")
        area = _digits(intl) if intl else _digits(m.group("area"))
        area = area if area.startswith("0") else "0" + area
        return f"{area}-****{_digits(m.group('num'))[-4:]}"
    return HIDDEN


def _mask_plate(m: re.Match[str]) -> str:
    tail = m.group("tail")
    if sum(c.isdigit() for c in tail) < 3:  # real plates carry at most 2–3 letters; "粤ABCDE" is not one
        return m.group()
    return m.group("head") + m.group("sep") + "*" * len(tail) + m.group("suffix")


def _mask_date(raw: str) -> str:
    # Fixed widths: masking digit by digit would still tell whether the month or day has two digits.
    if "年" in raw:
        return "****年" + ("**月" if "月" in raw else "") + ("**日" if "日" in raw else "")
    if len(raw) == 8 and raw.isdigit():
        return "********"
    sep = next(c for c in raw if c in "-./")
    return sep.join(("****", "**", "**"))


def _mask_address(m: re.Match[str], found: _Found | None) -> str:
    if _ADDRESSY_RE.search(m.group("span")) is None:
        return m.group()
    return m.group("marker") + _hit(found, KIND_ADDRESS, m.group("span"), ADDRESS_TOKEN)


# --------------------------------------------------------------------------------------------------------------
# Checker
# --------------------------------------------------------------------------------------------------------------


def _scan(text: str, today: date | None = None) -> _Found:
    found: _Found = []
    if text:
        _redact(text, (), (), DEFAULT_POLICY, found, today)
    return found


def _in_reading_order(found: _Found, text: str) -> _Found:
    # Rules run kind by kind; sort by where each value stands (one an earlier rule reshaped sorts last).
    order = {value: text.find(value) for _, value in found}
    return sorted(found, key=lambda kv: (order[kv[1]] < 0, order[kv[1]]))


def find_personal_data(text: str) -> list[str]:
    """The personal data `redact_text` (default policy, no known names) would still mask in `text`, in order.

    ID numbers, phones (mobile and landline), bank accounts, e-mail, WeChat/QQ/Alipay accounts, passport and
    港澳台 permit numbers, plates, birth dates, health data, addresses (after a marker, or a house number below
    street level) and third persons' names after marker words. Valid 统一社会信用代码 are not reported. Because it
    runs the same pipeline, every text `redact_text` produced passes. Used by the public guard and by the test
    that scans every public page and export.
    """
    return [value for _, value in _in_reading_order(_scan(text), text)]


def personal_data_kinds(text: str) -> tuple[str, ...]:
    """The Chinese labels of the kinds of personal data in `text` ("手机号码", "电子邮箱", …), each once, in
    order of first appearance; never the values, so the result may be stored and logged as the reason a record
    is held back (待脱敏复核)."""
    return _kinds_on(text, date.today())


# The public projection checks every published field of every decision, and most of those texts repeat (a matter's
# legal basis, a standard 违法行为类型, "首次公示"): the result depends only on the text and the day.
@lru_cache(maxsize=4096)
def _kinds_on(text: str, today: date) -> tuple[str, ...]:
    return tuple(dict.fromkeys(kind for kind, _ in _in_reading_order(_scan(text, today), text)))


# --------------------------------------------------------------------------------------------------------------
# Parties and publication
# --------------------------------------------------------------------------------------------------------------


def redact_party(party: Mapping[str, Any], policy: RedactionPolicy = DEFAULT_POLICY) -> dict[str, str]:
    """The public view of a party: always the keys party_type, name, uscc, legal_representative.

    id_number, address and phone never appear (they are INTERNAL_FIELDS). Natural persons get a masked name;
    法人, 非法人组织 and 个体工商户 keep their registered name and 统一社会信用代码. Minors raise: their cases are
    never public (`publication_exclusion`), and reaching this point means a filter upstream is missing.
    """
    if party.get("is_minor"):
        raise ValueError("当事人为未成年人，其案件依法不予公示")
    party_type = PartyType(party["party_type"])
    name = (party.get("name") or "").strip()
    if party_type.is_natural_person:
        return {"party_type": party_type.value, "name": mask_person_name(name, policy), "uscc": "",
                "legal_representative": ""}
    return {
        "party_type": party_type.value,
        "name": name,
        "uscc": _public_uscc(party.get("uscc") or ""),
        "legal_representative": _public_representative(party.get("legal_representative") or "", policy),
    }


def _public_uscc(raw: str) -> str:
    code = normalize_uscc(raw)
    if not code or is_valid_uscc(code):
        return code
    # Not a valid code: an operator's ID number typed into the field must not be published as a "code".
    return "" if find_personal_data(code) or validate_id_number(code).ok else code


def _public_representative(raw: str, policy: RedactionPolicy) -> str:
    raw = raw.strip()
    return raw if policy.show_legal_representative else mask_person_name(raw, policy)


def publication_exclusion(is_minor: bool, confidential: bool) -> str | None:
    """Why a case is never published (RULES.md §1.6 "Never publish"), or None when it may be."""
    if is_minor:
        return "当事人为未成年人，依法不予公示"
    if confidential:
        return "案件主要事实涉及国家秘密、商业秘密或者个人隐私，依法不予公示"
    return None


# Field name → Chinese label of what a public record may carry (RULES.md §1.4 D3 and §1.6 "Keep").
PUBLIC_FIELDS: Mapping[str, str] = MappingProxyType({
    "decision_no": "决定书文号",
    "agency_name": "执法机关",
    "category": "执法类别",
    "party_type": "当事人类型",
    "party_name": "当事人名称",  # natural persons masked by redact_party
    "uscc": "统一社会信用代码",
    "legal_representative": "法定代表人（负责人）",
    "violation": "违法行为类型",
    "facts": "违法事实",  # always through redact_text
    "legal_basis": "处罚依据",
    "penalty_types": "处罚种类",
    "conclusion": "处罚内容",
    "fine_total": "罚款金额",
    "confiscation_total": "没收金额",
    "decided_on": "决定日期",
    "published_on": "公示日期",
    "expires_on": "公示截止日期",
    "discretion_statement": "裁量说明",  # always through redact_text
    "status": "公示状态",
    "withdrawn_on": "撤回日期",
    "withdrawal_reason": "撤回原因",
    "public_explanation": "撤回说明",  # 行政处罚法 art. 48 ¶2: the reason must be stated publicly
})

# Field name → label of what no public record may carry, whatever page, export or API builds it.
INTERNAL_FIELDS: Mapping[str, str] = MappingProxyType({
    "id_number": "身份证号码",
    "phone": "当事人联系电话",
    "address": "当事人住址",
    "bank_account": "银行账号",
    "birth_date": "出生日期",
    "health_status": "健康状况",
    "is_minor": "是否未成年人",
    "confidential": "是否涉密",
    "party_name_raw": "当事人原始名称",
    "facts_raw": "未脱敏违法事实",
    "internal_note": "内部备注",
    "opinion": "法制审核意见",  # 政府信息公开条例 art. 16 ¶2: 过程性信息 may be withheld
    "review_opinion": "审核意见",
    "checklist": "法制审核清单",
    "redaction_note": "脱敏说明",  # may quote what was removed
    "storage_uri": "证据存储位置",
    "password_hash": "密码哈希",
    "created_by": "录入人",
    "updated_by": "修改人",
})

_INTERNAL_KEYS = frozenset(INTERNAL_FIELDS) | frozenset(INTERNAL_FIELDS.values()) | frozenset(
    {"身份证号", "公民身份号码", "住址", "家庭住址", "手机号码", "审核意见"}
)
_USCC_KEYS = frozenset({"uscc", "统一社会信用代码"})


def assert_public_record(record: Mapping[str, Any], *, check_values: bool = True) -> None:
    """Raise ValueError if `record` carries an internal field (by name or Chinese label), or, with
    check_values, a string value in which `find_personal_data` still finds personal data.

    Nested mappings and lists are checked too. Messages name the field but never quote the value, because
    errors end up in logs. Agency contact data must use their own keys (agency_address, agency_phone).
    """
    _check_record(record, check_values, path="")


def _check_record(record: Mapping[str, Any], check_values: bool, path: str) -> None:
    for key, value in record.items():
        label = f"{path}{key}"
        normalized = str(key).strip()
        if normalized in _INTERNAL_KEYS or normalized.lower() in _INTERNAL_KEYS:
            raise ValueError(f"字段“{label}”属于内部信息，不得出现在公开数据中")
        _check_value(value, check_values, label, normalized)


def _check_value(value: Any, check_values: bool, label: str, key: str) -> None:
    if isinstance(value, Mapping):
        _check_record(value, check_values, path=f"{label}.")
    elif isinstance(value, (list, tuple)):
        for i, item in enumerate(value):
            _check_value(item, check_values, f"{label}[{i}]", key)
    elif check_values and isinstance(value, str):
        if key.lower() in _USCC_KEYS and is_valid_uscc(value):
            return
        kinds = personal_data_kinds(value)
        if kinds:
            raise ValueError(f"字段“{label}”含有未脱敏的个人信息（{'、'.join(kinds)}）")
