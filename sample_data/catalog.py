"""Static content of the fictional sample district 临江市青石区 (region code 449901, not an assigned GB/T 2260 code).

Agencies, matters and parties are invented; legal bases cite real national laws. The environmental agency applies
the real published 江门市生态环境局 benchmark table (sample_data/reference), loaded by sample_data.jiangmen — a public
document, never linked to any real party.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from domain.enums import ActionCategory as C
from domain.enums import PenaltyType as P

REGION_CODE = "449901"
REGION_NAME = "临江市青石区"
CITY = "临江市"

REMEDY = (
    "当事人对行政执法决定不服的，可以自知道该决定之日起六十日内向临江市青石区人民政府申请行政复议"
    "（行政复议法第二十条），或者自知道之日起六个月内向临江市青石区人民法院提起行政诉讼（行政诉讼法第四十六条）。"
)


@dataclass(frozen=True)
class MatterSpec:
    code: str
    name: str
    category: C
    legal_basis: str
    violation: str = ""  # 违法行为类型 (penalty matters)
    fine_min: Decimal | None = None
    fine_max: Decimal | None = None
    base_name: str | None = None  # relative fines: factor × base quantity recorded in the case
    factor_min: Decimal | None = None
    factor_max: Decimal | None = None
    extra_types: tuple[P, ...] = ()  # imposed with the fine (没收违法所得, 责令停产停业 …)
    person_share: float = 0.0  # share of parties that are natural persons
    weight: int = 10  # relative frequency among the agency's cases
    on_site_seizure: bool = False  # involves 查封扣押 / 强制拆除 (mandatory full audio-video)
    time_limit_days: int | None = None


@dataclass(frozen=True)
class AgencySpec:
    code: str
    name: str
    short_name: str
    field: str  # 执法类别 on the officers' certificates
    duties: str
    legal_basis_summary: str
    matters: tuple[MatterSpec, ...]
    weight: int
    uses_jiangmen_benchmark: bool = False
    inspection_items: tuple[tuple[str, str, str, str, str], ...] = field(default=())
    major_fine_person: Decimal = Decimal("10000")
    major_fine_org: Decimal = Decimal("100000")


def D(value: str | int) -> Decimal:
    return Decimal(value)


AGENCIES: tuple[AgencySpec, ...] = (
    AgencySpec(
        code="QS-SCJG",
        name="临江市青石区市场监督管理局",
        short_name="区市场监管局",
        field="市场监管",
        weight=30,
        duties="负责本区市场主体登记注册、食品安全、特种设备安全、产品质量、价格、广告、计量等领域的监督管理和行政执法。",
        legal_basis_summary="《中华人民共和国食品安全法》《中华人民共和国广告法》《中华人民共和国价格法》"
        "《中华人民共和国特种设备安全法》《中华人民共和国计量法》等。",
        matters=(
            MatterSpec("SCJG-CF-001", "对经营超过保质期的食品的行政处罚", C.PENALTY,
                       "《中华人民共和国食品安全法》第三十四条第十项、第一百二十四条第一款第五项",
                       "经营超过保质期的食品", D(50000), D(100000), extra_types=(P.CONFISCATE_GAINS,), weight=14),
            MatterSpec("SCJG-CF-002", "对未取得食品经营许可从事食品经营活动的行政处罚", C.PENALTY,
                       "《中华人民共和国食品安全法》第三十五条、第一百二十二条第一款",
                       "未取得食品经营许可从事食品经营活动", D(50000), D(100000),
                       extra_types=(P.CONFISCATE_GAINS, P.CONFISCATE_PROPERTY), person_share=0.3, weight=8),
            MatterSpec("SCJG-CF-003", "对经营者不按规定明码标价的行政处罚", C.PENALTY,
                       "《中华人民共和国价格法》第十三条、第四十二条；《明码标价和禁止价格欺诈规定》第二十一条",
                       "不按规定明码标价", None, D(5000), weight=16),
            MatterSpec("SCJG-CF-004", "对发布虚假广告的行政处罚", C.PENALTY,
                       "《中华人民共和国广告法》第二十八条、第五十五条第一款",
                       "发布虚假广告", D(200000), D(1000000), weight=4),
            MatterSpec("SCJG-CF-005", "对使用未经定期检验的特种设备的行政处罚", C.PENALTY,
                       "《中华人民共和国特种设备安全法》第四十条、第八十四条第一项",
                       "使用未经定期检验的特种设备", D(30000), D(300000), extra_types=(P.ORDER_SUSPENSION,),
                       weight=6, on_site_seizure=True),
            MatterSpec("SCJG-CF-006", "对销售未经检定的计量器具的行政处罚", C.PENALTY,
                       "《中华人民共和国计量法》第九条、第二十六条",
                       "使用未经检定的计量器具", None, D(1000), person_share=0.2, weight=8),
            MatterSpec("SCJG-XK-001", "食品经营许可", C.LICENCE,
                       "《中华人民共和国食品安全法》第三十五条；《食品经营许可和备案管理办法》", weight=10,
                       time_limit_days=10),
            MatterSpec("SCJG-JC-001", "食品经营者监督检查", C.INSPECTION,
                       "《中华人民共和国食品安全法》第一百一十条；《食品生产经营监督检查管理办法》", weight=4),
        ),
        inspection_items=(
            ("食品经营者检查", "食品经营许可情况", "《食品生产经营监督检查管理办法》", "现场检查", "许可证件、经营场所、贮存条件"),
            ("特种设备使用单位检查", "定期检验情况", "《中华人民共和国特种设备安全法》第五十七条", "现场检查、书面检查", "检验报告、使用登记"),
            ("价格行为检查", "明码标价情况", "《明码标价和禁止价格欺诈规定》", "现场检查", "标价签、价目表"),
        ),
    ),
    AgencySpec(
        code="QS-STHJ",
        name="临江市生态环境局青石分局",
        short_name="青石生态环境分局",
        field="生态环境",
        weight=18,
        uses_jiangmen_benchmark=True,
        duties="负责本区大气、水、土壤、噪声、固体废物污染防治和建设项目环境影响评价等领域的监督管理和行政执法。",
        legal_basis_summary="《中华人民共和国环境保护法》《中华人民共和国环境影响评价法》《中华人民共和国大气污染防治法》"
        "《中华人民共和国水污染防治法》《中华人民共和国固体废物污染环境防治法》等。",
        matters=(
            MatterSpec("STHJ-XK-001", "排污许可证核发", C.LICENCE, "《排污许可管理条例》第十一条", weight=8,
                       time_limit_days=30),
            MatterSpec("STHJ-QZ-001", "查封、扣押造成污染物排放的设施、设备", C.COERCION,
                       "《中华人民共和国环境保护法》第二十五条；《环境保护主管部门实施查封、扣押办法》", weight=3,
                       on_site_seizure=True),
        ),
        inspection_items=(
            ("排污单位检查", "排污许可执行情况", "《排污许可管理条例》第二十九条", "现场检查、在线监控", "排放口、自行监测、台账"),
            ("建设项目检查", "环评审批及验收情况", "《中华人民共和国环境影响评价法》", "现场检查", "环评批复、验收材料"),
        ),
    ),
    AgencySpec(
        code="QS-YJGL",
        name="临江市青石区应急管理局",
        short_name="区应急管理局",
        field="安全生产",
        weight=12,
        duties="负责本区安全生产综合监督管理和工贸行业安全生产监督管理，危险化学品经营许可等。",
        legal_basis_summary="《中华人民共和国安全生产法》《危险化学品安全管理条例》《安全生产许可证条例》等。",
        matters=(
            MatterSpec("YJGL-CF-001", "对未按规定对从业人员进行安全生产教育和培训的行政处罚", C.PENALTY,
                       "《中华人民共和国安全生产法》第二十八条、第九十七条第三项",
                       "未按规定对从业人员进行安全生产教育和培训", None, D(100000), weight=14),
            MatterSpec("YJGL-CF-002", "对未建立事故隐患排查治理制度的行政处罚", C.PENALTY,
                       "《中华人民共和国安全生产法》第四十一条、第一百零一条第五项",
                       "未建立事故隐患排查治理制度", None, D(100000), weight=10),
            MatterSpec("YJGL-CF-003", "对未经许可经营危险化学品的行政处罚", C.PENALTY,
                       "《危险化学品安全管理条例》第三十三条、第七十七条第三款",
                       "未取得危险化学品经营许可证从事经营", D(100000), D(200000),
                       extra_types=(P.CONFISCATE_PROPERTY, P.CONFISCATE_GAINS), weight=4, on_site_seizure=True),
            MatterSpec("YJGL-XK-001", "危险化学品经营许可", C.LICENCE, "《危险化学品安全管理条例》第三十三条",
                       weight=5, time_limit_days=30),
            MatterSpec("YJGL-JC-001", "工贸企业安全生产检查", C.INSPECTION, "《中华人民共和国安全生产法》第六十五条",
                       weight=4),
        ),
        inspection_items=(
            ("工贸企业检查", "安全生产教育培训", "《中华人民共和国安全生产法》第二十八条", "现场检查、资料检查", "培训档案"),
            ("危险化学品经营单位检查", "经营许可与储存", "《危险化学品安全管理条例》", "现场检查", "许可证、仓库"),
        ),
    ),
    AgencySpec(
        code="QS-JTYS",
        name="临江市青石区交通运输局",
        short_name="区交通运输局",
        field="交通运输",
        weight=14,
        duties="负责本区道路运输、出租汽车、网络预约出租汽车、公路路政等领域的监督管理和行政执法。",
        legal_basis_summary="《中华人民共和国道路运输条例》《网络预约出租汽车经营服务管理暂行办法》《公路安全保护条例》等。",
        matters=(
            MatterSpec("JTYS-CF-001", "对未取得道路运输经营许可擅自从事道路普通货物运输经营的行政处罚", C.PENALTY,
                       "《中华人民共和国道路运输条例》第二十四条、第六十三条",
                       "未取得道路运输经营许可擅自从事道路货物运输经营", D(30000), D(100000),
                       extra_types=(P.CONFISCATE_GAINS,), person_share=0.6, weight=10),
            MatterSpec("JTYS-CF-002", "对未取得网络预约出租汽车运输证从事网约车经营的行政处罚", C.PENALTY,
                       "《网络预约出租汽车经营服务管理暂行办法》第十二条、第三十四条",
                       "未取得网约车运输证从事网约车经营", D(10000), D(30000), person_share=0.9, weight=14),
            MatterSpec("JTYS-CF-003", "对车辆超限运输的行政处罚", C.PENALTY, "《公路安全保护条例》第三十五条、第六十四条",
                       "车辆超限运输", None, D(30000), person_share=0.7, weight=10),
            MatterSpec("JTYS-XK-001", "道路货物运输经营许可", C.LICENCE, "《中华人民共和国道路运输条例》第二十四条",
                       weight=6, time_limit_days=20),
        ),
        inspection_items=(
            ("道路运输企业检查", "经营许可及车辆年审", "《中华人民共和国道路运输条例》", "现场检查", "许可证、营运证"),
        ),
    ),
    AgencySpec(
        code="QS-CGZF",
        name="临江市青石区城市管理和综合执法局",
        short_name="区城管执法局",
        field="综合行政执法",
        weight=16,
        duties="负责本区市容环境卫生、城乡规划、建筑垃圾、户外广告、城市道路等领域的综合行政执法。",
        legal_basis_summary="《中华人民共和国城乡规划法》《城市市容和环境卫生管理条例》《城市道路管理条例》"
        "《城市建筑垃圾管理规定》等。",
        matters=(
            MatterSpec("CGZF-CF-001", "对擅自占用城市道路的行政处罚", C.PENALTY,
                       "《城市道路管理条例》第二十七条、第四十二条", "擅自占用城市道路", None, D(20000),
                       person_share=0.5, weight=14),
            MatterSpec("CGZF-CF-002", "对随意倾倒、抛撒建筑垃圾的行政处罚", C.PENALTY,
                       "《城市建筑垃圾管理规定》第十五条、第二十六条", "随意倾倒、抛撒建筑垃圾", D(5000), D(50000),
                       weight=10),
            MatterSpec("CGZF-CF-003", "对未取得建设工程规划许可证进行建设的行政处罚", C.PENALTY,
                       "《中华人民共和国城乡规划法》第四十条、第六十四条",
                       "未取得建设工程规划许可证进行建设", base_name="建设工程造价", factor_min=D("0.05"),
                       factor_max=D("0.10"), person_share=0.4, weight=6),
            MatterSpec("CGZF-CF-004", "对在禁止吸烟场所吸烟的行政处罚", C.PENALTY,
                       "《公共场所卫生管理条例实施细则》第十八条；《临江市控制吸烟条例》第二十五条",
                       "在禁止吸烟场所吸烟", None, D(200), person_share=1.0, weight=8),
            MatterSpec("CGZF-QZ-001", "强制拆除违法建筑物", C.COERCION, "《中华人民共和国行政强制法》第四十四条",
                       person_share=0.5, weight=3, on_site_seizure=True),
        ),
        inspection_items=(
            ("市容环境卫生检查", "门前三包落实情况", "《城市市容和环境卫生管理条例》", "巡查、现场检查", "经营场所周边"),
            ("建筑垃圾处置检查", "运输与消纳", "《城市建筑垃圾管理规定》", "现场检查", "核准文件、运输车辆"),
        ),
    ),
    AgencySpec(
        code="QS-WSJK",
        name="临江市青石区卫生健康局",
        short_name="区卫生健康局",
        field="卫生健康",
        weight=10,
        duties="负责本区医疗机构、公共场所卫生、职业卫生、传染病防治等领域的监督管理和行政执法。",
        legal_basis_summary="《中华人民共和国基本医疗卫生与健康促进法》《医疗机构管理条例》《公共场所卫生管理条例》等。",
        matters=(
            MatterSpec("WSJK-CF-001", "对未取得医疗机构执业许可证擅自执业的行政处罚", C.PENALTY,
                       "《中华人民共和国基本医疗卫生与健康促进法》第三十八条、第九十九条第一款",
                       "未取得医疗机构执业许可证擅自执业", base_name="违法所得", factor_min=D(5), factor_max=D(20),
                       extra_types=(P.CONFISCATE_GAINS, P.CONFISCATE_PROPERTY), person_share=0.7, weight=6),
            MatterSpec("WSJK-CF-002", "对公共场所未取得卫生许可证经营的行政处罚", C.PENALTY,
                       "《公共场所卫生管理条例实施细则》第二十二条、第三十五条",
                       "公共场所未取得卫生许可证擅自营业", D(500), D(5000), extra_types=(P.WARNING,), weight=12),
            MatterSpec("WSJK-CF-003", "对医疗机构使用非卫生技术人员从事医疗卫生技术工作的行政处罚", C.PENALTY,
                       "《医疗机构管理条例》第二十七条、第四十七条", "使用非卫生技术人员从事医疗卫生技术工作",
                       D(10000), D(100000), weight=6),
            MatterSpec("WSJK-XK-001", "公共场所卫生许可", C.LICENCE, "《公共场所卫生管理条例》第八条", weight=8,
                       time_limit_days=20),
        ),
        inspection_items=(
            ("医疗机构检查", "执业许可及人员资质", "《医疗机构管理条例》", "现场检查", "执业许可证、人员资质"),
            ("公共场所检查", "卫生许可及从业人员健康证明", "《公共场所卫生管理条例》", "现场检查", "卫生许可证、健康证明"),
        ),
    ),
)

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN_CHARS = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉萍红建国建华志强俊辉鹏飞晓燕宇浩然子涵梓萱雨欣思远嘉怡文博天佑一鸣佳琪诗雨晨阳海峰永红春梅秋菊冬梅立新家豪"
TRADE_WORDS = "恒泰 鑫源 宏达 华盛 金桥 瑞丰 永安 德润 嘉禾 顺通 新锐 博远 汇通 万隆 天成 福润 利民 兴业 康达 宏图 安捷 启航 锦程 盛世 晨光 聚力 佳鑫 达丰 正阳 和泰".split()
ORG_SUFFIXES = (
    ("食品有限公司", "法人"), ("商贸有限公司", "法人"), ("物流有限公司", "法人"), ("建筑工程有限公司", "法人"),
    ("化工有限公司", "法人"), ("电子科技有限公司", "法人"), ("餐饮管理有限公司", "法人"), ("运输有限公司", "法人"),
    ("五金塑料制品厂", "非法人组织"), ("副食店", "个体工商户"), ("便利店", "个体工商户"), ("诊所", "个体工商户"),
    ("汽车修理部", "个体工商户"), ("美容美发店", "个体工商户"), ("酒店有限公司", "法人"), ("印染有限公司", "法人"),
)
_SUFFIX = dict(ORG_SUFFIXES)
ORG_SUFFIXES_BY_AGENCY: dict[str, tuple[tuple[str, str], ...]] = {
    code: tuple((sfx, _SUFFIX[sfx]) for sfx in names)
    for code, names in {
        "QS-SCJG": ("食品有限公司", "商贸有限公司", "副食店", "便利店", "餐饮管理有限公司", "酒店有限公司", "电子科技有限公司"),
        "QS-STHJ": ("化工有限公司", "印染有限公司", "五金塑料制品厂", "建筑工程有限公司", "食品有限公司"),
        "QS-YJGL": ("化工有限公司", "五金塑料制品厂", "印染有限公司", "建筑工程有限公司", "商贸有限公司"),
        "QS-JTYS": ("物流有限公司", "运输有限公司", "汽车修理部", "商贸有限公司"),
        "QS-CGZF": ("建筑工程有限公司", "商贸有限公司", "副食店", "便利店", "餐饮管理有限公司"),
        "QS-WSJK": ("诊所", "美容美发店", "酒店有限公司", "餐饮管理有限公司"),
    }.items()
}
STREETS = "青石大道 临江路 滨江东路 建设路 解放北路 工业大道 育才路 东湖路 新华街 白沙路 沿河西路 高新一路".split()
PLACES = "青石大道 临江路 滨江东路 建设路 工业园区 东湖市场 白沙村 高新区 新华街 沿河西路".split()
