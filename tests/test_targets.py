"""Targets and reported figures, one rule family per test, on sentences of real plans.

Sentences are quoted from the bundled plans (福州, 泉州, 衢州, 衡阳, 温州鹿城) or
written in the same style for other places.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from policykg.loaders.document import Document, Metadata, Span
from policykg.loaders.extract.facts import Section, Target
from policykg.loaders.extract.numbers import find_quantities, parse_number
from policykg.loaders.extract.targets import extract_targets


def doc(
    text: str, doc_type: str | None = "work_plan", years: tuple[int, ...] = (2021,), norm: str = ""
) -> Document:
    return Document(
        text=text,
        norm=norm,
        source=Path("t.txt"),
        checksum="x",
        metadata=Metadata(doc_type=doc_type, years=list(years)),
    )


def targets(text: str, sections: list[Section] | None = None, **meta) -> list[Target]:
    return extract_targets(doc(text, **meta), sections or [])


def facts(found: list[Target]) -> list[tuple]:
    return [(t.comparator, t.value, t.unit, t.kind, t.strength, t.year) for t in found]


def quote(text: str, t: Target) -> str:
    return text[t.span.start : t.span.end]


# ---------------------------------------------------------------- numbers
@pytest.mark.parametrize(
    ("written", "value"),
    [("1.6", 1.6), ("1,234.5", 1234.5), ("一百", 100), ("两", 2), ("三千五百", 3500), ("三百零五", 305),
     ("十二", 12), ("百分之九十", 90), ("百分百", 100), ("三点五", 3.5), ("９０", 90)],
)  # fmt: skip
def test_numbers_parse_as_written(written, value):
    assert parse_number(written) == value


def test_digits_spelled_one_by_one_are_no_numeral():
    assert parse_number("一二") is None
    assert parse_number("十四五") is None


def test_quantities_keep_the_magnitude_with_the_unit():
    qs = find_quantities("拨付专项资金1200万元，总投资5.8亿元，发放折页20万份，建设2-3个示范村，完成率2.5%")
    assert [(q.value, q.unit_text, q.unit) for q in qs] == [
        (1200, "万元", "10k_yuan"),
        (5.8, "亿元", "100m_yuan"),
        (20, "万份", "万份"),
        (2, "个", "count"),
        (2.5, "%", "%"),
    ]
    assert qs[3].high == 3


# ---------------------------------------------------------------- plain figures
def test_concentration_upper_bound_and_unit_spellings():
    s = "PM2.5年均浓度不高于23微克/立方米。细颗粒物(PM2.5)年均浓度控制在39ug/m3以下。"
    found = targets(s)
    assert facts(found) == [
        ("<=", 23, "μg/m3", "target", "binding", 2021),
        ("<=", 39, "μg/m3", "target", "binding", 2021),
    ]
    assert quote(s, found[0]) == "PM2.5年均浓度不高于23微克/立方米"
    assert [t.pollutant for t in found] == ["PM2.5", "PM2.5"]
    assert found[0].indicator == "PM2.5年均浓度"


def test_binding_and_aspirational_pair():
    s = "市区PM2.5浓度确保达到35微克/立方米,力争达到31微克/立方米,空气质量优良率确保达到90%,力争达到94%。"
    found = targets(s, years=(2020,))
    assert facts(found) == [
        (
            "<=",
            35,
            "μg/m3",
            "target",
            "binding",
            2020,
        ),  # a concentration that must "reach" 35 may not exceed it
        ("<=", 31, "μg/m3", "target", "aspirational", 2020),
        (">=", 90, "%", "target", "binding", 2020),
        (">=", 94, "%", "target", "aspirational", 2020),
    ]


def test_cue_after_the_figure():
    found = targets("市城区环境空气质量优良率达到88%以上,重污染天数控制在3天以内,森林覆盖率稳定在47.7%以上。")
    assert facts(found) == [
        (">=", 88, "%", "target", "binding", 2021),
        ("<=", 3, "days", "target", "binding", 2021),
        (">=", 47.7, "%", "target", "binding", 2021),
    ]


def test_strength_cue_right_before_its_figure_reaches_only_its_clause():
    s = "在168个重点城市空气质量排名力争前十;主要流域Ⅰ—Ⅲ类水质比例达到90%。"
    found = targets(s)
    # the 168 cities name who is ranked: no target of their own
    assert facts(found) == [
        ("<=", 10, "名", "target", "aspirational", 2021),
        (">=", 90, "%", "target", "binding", 2021),
    ]


def test_aspiration_at_the_head_of_a_sentence_covers_its_parallel_clauses():
    s = "力争清泰公司100吨/日危废扩建项目完成主体工程建设;衢州南方水泥6万吨/年水泥窑协同处置一般固废项目建成并投入运行。"
    found = targets(s, years=(2020,))
    assert facts(found) == [
        ("=", 100, "tonnes_per_day", "target", "aspirational", 2020),
        ("=", 6, "万吨/年", "target", "aspirational", 2020),
    ]


# ---------------------------------------------------------------- lists
def test_distributed_list_gives_each_pollutant_its_figure():
    s = "全市氮氧化物、挥发性有机物(VOCs)、化学需氧量、氨氮排放量分别比2020年下降2.5%、2.5%、1.6%、1.6%左右。"
    found = targets(s)
    assert [(t.pollutant, t.comparator, t.value, t.unit) for t in found] == [
        ("NOx", "reduce_by", 2.5, "%"),
        ("VOCs", "reduce_by", 2.5, "%"),
        ("COD", "reduce_by", 1.6, "%"),
        ("NH3-N", "reduce_by", 1.6, "%"),
    ]
    assert all(t.year == 2021 for t in found)  # 比2020年 is the baseline, not the year
    assert quote(s, found[2]).startswith("化学需氧量") and quote(s, found[2]).endswith("1.6%")
    assert [t.campaign for t in found] == ["blue_sky", "blue_sky", "clear_water", "clear_water"]


def test_distributed_list_with_shared_cue_after_the_last_figure():
    s = "市区和农村生活垃圾分类收集覆盖率分别达到90%和80%以上。"
    assert facts(targets(s)) == [
        (">=", 90, "%", "target", "binding", 2021),
        (">=", 80, "%", "target", "binding", 2021),
    ]


def test_one_figure_for_several_measures():
    s = "全市受污染耕地安全利用率和污染地块安全利用率达到91%以上。"
    found = targets(s)
    assert [t.indicator for t in found] == ["全市受污染耕地安全利用率", "污染地块安全利用率"]
    assert facts(found) == [(">=", 91, "%", "target", "binding", 2021)] * 2
    s = "年内新增G60和钱塘江中上游物流通道空气自动站各1座。"
    assert facts(targets(s)) == [("=", 1, "count", "target", "binding", 2021)] * 2
    s = "力争国省控断面优良率、省控交接断面达标率、县控以上断面达标率、饮用水水源水质达标率实现“四个100%”。"
    assert facts(targets(s)) == [("=", 100, "%", "target", "aspirational", 2021)] * 4


def test_named_rule_with_a_figure_is_no_target():
    assert targets("严格落实工地扬尘治理“七个100%”要求。") == []


# ---------------------------------------------------------------- changes and figure-free goals
def test_reduce_and_increase_by():
    s = "海漂垃圾分布密度较去年降低10%。农村生活污水治理率比2020年度提高2个百分点。森林蓄积量增长70万立方米以上。"
    assert facts(targets(s)) == [
        ("reduce_by", 10, "%", "target", "binding", 2021),
        ("increase_by", 2, "百分点", "target", "binding", 2021),
        ("increase_by", 70, "万立方米", "target", "binding", 2021),
    ]


def test_reduce_by_a_count_named_before_it():
    s = "压缩承诺时限43个工作日、减少材料数6个。"
    found = targets(s, doc_type="work_summary", years=(2022,))
    assert facts(found) == [
        ("reduce_by", 43, "工作日", "achieved", None, 2022),
        ("reduce_by", 6, "count", "achieved", None, 2022),
    ]


def test_no_increase():
    found = targets("严格涉重金属排放项目审批,确保重金属排放总量不新增。地下水Ⅴ类水体比例不增加。")
    assert facts(found) == [("no_increase", None, None, "target", "binding", 2021)] * 2
    assert found[0].pollutant == "heavy_metals"
    found = targets("臭氧(O3)浓度力争基本保持稳定。")
    assert facts(found) == [("no_increase", None, None, "target", "aspirational", 2021)]


def test_eliminate():
    s = "小流域优良水质比例达到省考核要求,不得出现劣V类水质和“牛奶溪”。全市全年不出现重特大环境安全风险问题。"
    found = targets(s)
    assert (
        facts(found)
        == [(">=", None, None, "target", "binding", 2021)]
        + [("eliminate", None, None, "target", "binding", 2021)] * 3
    )
    assert [t.indicator for t in found[1:]] == ["劣V类水质", "“牛奶溪”", "重特大环境安全风险问题"]


def test_eliminate_needs_its_object_not_a_name():
    assert (
        targets("开展突出环境问题清零行动。依托在线监控、无人机、移动执法等科技手段。创建全国无废示范窗口。")
        == []
    )
    found = targets("黑臭水体消除比率稳定达到90%以上。")
    assert facts(found) == [(">=", 90, "%", "target", "binding", 2021)]


def test_reductions_set_elsewhere():
    found = targets("完成省下达的主要污染物总量减排和碳排放强度目标任务。", years=(2020,))
    assert facts(found) == [("reduce_by", None, None, "target", "binding", 2020)] * 2
    assert found[1].pollutant == "CO2"
    found = targets("提高市区支流、排渠水质控制标准,确保化学需氧量和氨氮浓度低于前3年平均水平。")
    assert [(t.comparator, t.value, t.pollutant) for t in found] == [
        ("reduce_by", None, "COD"),
        ("reduce_by", None, "NH3-N"),
    ]


def test_vague_directions_are_no_targets():
    s = "提高东迹渡、双港口等国控断面水质达标率,明显降低污染物排放总量,确保秋冬季空气质量持续向好。"
    assert targets(s) == []


# ---------------------------------------------------------------- classes, grades, ranks
def test_water_class_and_standard_grade():
    s = "各县(市)空气质量达到国家二级标准;全市出境水和县(市、区)跨行政区域交接断面水质保持在Ⅱ类以上。"
    found = targets(s, years=(2020,))
    assert [(t.comparator, t.value, t.unit) for t in found] == [("<=", 2, "级"), ("<=", 2, "类")]


def test_a_class_that_names_the_measure_is_no_goal():
    found = targets("主要流域Ⅰ—Ⅲ类水质比例达到90%,地下水考核点位V类比例不增加。")
    assert [(t.comparator, t.value, t.unit) for t in found] == [(">=", 90, "%"), ("no_increase", None, None)]


def test_ranks():
    found = targets("罚款金额和办理案件数排名全省第一,全省排名第29。", doc_type="work_summary", years=(2023,))
    assert facts(found) == [("=", 1, "名", "achieved", None, 2023)] * 2 + [
        ("=", 29, "名", "achieved", None, 2023)
    ]


# ---------------------------------------------------------------- counts and money
def test_counts_of_objects_of_work():
    s = "加快推进年度3个受污染场地治理项目建设。实施龙游捷马化工、龙游铭隆化工、常山化工、开化瑞力杰化工等四个关停地块治理修复工程。"
    found = targets(s)
    assert facts(found) == [
        ("=", 3, "count", "target", "binding", 2021),
        ("=", 4, "count", "target", "binding", 2021),
    ]
    assert quote(s, found[0]).startswith("加快推进年度3个受污染场地")


def test_chinese_numeral_counts_that_are_names():
    s = "不断增强四个意识,严格落实中央八项规定、市委十项规定,四批次共申报项目370个,建成一百个美丽乡村。"
    assert [t.value for t in targets(s)] == [370, 100]


def test_counter_words_and_lower_bounds():
    s = "清理海漂垃圾25000余吨。服务企业超400家。投放宣传海报2600余个点位。组织抽调128名党员干部职工。"
    found = targets(s, doc_type="work_summary", years=(2022,))
    assert facts(found) == [
        (">=", 25000, "tonnes", "achieved", None, 2022),
        (">=", 400, "count", "achieved", None, 2022),
        (">=", 2600, "count", "achieved", None, 2022),
        ("=", 128, "count", "achieved", None, 2022),
    ]


def test_money():
    s = "累计投资18.81亿元(完成率101.6%),受让成交总额1666.7587万元,撬动社会资本投入2.35亿,市、区两级投入1000余万。"
    found = targets(s, doc_type="work_summary", years=(2022,))
    assert [(t.comparator, t.value, t.unit) for t in found] == [
        ("=", 18.81, "100m_yuan"),
        ("=", 101.6, "%"),
        ("=", 1666.7587, "10k_yuan"),
        ("=", 2.35, "100m_yuan"),
        (">=", 1000, "10k_yuan"),
    ]


def test_capacities_keep_their_written_unit():
    s = "加快巨化污水处理厂1.3万吨/日污水处理工程建设,8万方危废填埋场二期扩建项目年底前建成。"
    assert [(t.value, t.unit) for t in targets(s)] == [(1.3, "万吨/日"), (8, "万方")]


# ---------------------------------------------------------------- achieved versus target
def test_figures_of_a_work_summary_are_achieved():
    s = "完成45台10蒸吨以下燃煤锅炉淘汰,共受理信访件243件、同比下降25%,环保码赋码和浙固码新增任务赋码均达100%。"
    found = targets(s, doc_type="work_summary", years=(2023,))
    assert facts(found) == [
        ("=", 45, "count", "achieved", None, 2023),  # 10蒸吨以下 is a scope threshold
        ("=", 243, "count", "achieved", None, 2023),
        ("reduce_by", 25, "%", "achieved", None, 2023),
        ("=", 100, "%", "achieved", None, 2023),  # a report that a figure was reached states it
        ("=", 100, "%", "achieved", None, 2023),
    ]


def test_summary_and_plan_parts_have_their_own_kind_and_year():
    text = (
        "一、2022年工作总结\n第二轮11项,完成整改6项,剩余5项按序时推进。\n"
        "二、2023年工作计划\n力争再有1个县(市、区)获得国家生态文明建设示范区命名,新建、提档100个绿盈乡村。"
    )
    cut = text.index("二、")
    sections = [
        Section(0, "一、", 1, Span(0, 10), Span(0, cut), year=2022, modality="summary"),
        Section(1, "二、", 1, Span(cut, cut + 10), Span(cut, len(text)), year=2023, modality="plan"),
    ]
    found = targets(text, sections, doc_type="summary_and_plan", years=(2022, 2023))
    assert facts(found) == [
        ("=", 11, "count", "achieved", None, 2022),
        ("=", 6, "count", "achieved", None, 2022),
        ("=", 5, "count", "target", "binding", 2023),  # a backlog is a target, for the year to come
        ("=", 1, "count", "target", "aspirational", 2023),
        ("=", 100, "count", "target", "binding", 2023),
    ]


def test_backlog_in_a_plan_is_a_target():
    s = "对未完成的12项省环保督察整改任务和4件中央环保督察转办信访件,进一步倒排工期,力争保质保量完成。"
    found = targets(s, years=(2020,))
    assert facts(found) == [
        ("=", 12, "count", "target", "aspirational", 2020),
        ("=", 4, "count", "target", "aspirational", 2020),
    ]


def test_without_metadata_the_year_and_kind_come_from_the_sentence():
    found = targets("到2025年,全市PM2.5平均浓度下降到30微克/立方米。", doc_type=None, years=())
    assert facts(found) == [("<=", 30, "μg/m3", "target", "binding", 2025)]
    found = targets("2023年全市累计完成污水管网建设30公里。", doc_type=None, years=())
    assert facts(found) == [("=", 30, "km", "achieved", None, 2023)]


# ---------------------------------------------------------------- not targets
@pytest.mark.parametrize(
    "sentence",
    [
        "实现日处理能力30吨以上的农村生活污水处理设施标准化运维全覆盖。",  # scope threshold
        "全面完成福清市65蒸吨及以上燃煤锅炉超低排放改造工作。",  # scope threshold
        "年危废产生量5吨以上、一般固废100吨以上的企业全部纳入固废综合监管平台。",  # scope thresholds
        "着力打造“七大示范工程”,深入开展八大攻坚行动,重点抓好五大方面。",  # programme names
        "6月底前基本完成治理任务,在2022年底前实现入海排污口差别化管控,集中6个月优势力量。",  # dates
        "马尾等区做好第五批国家生态文明建设示范区申报工作,开展第二轮督察。",  # ordinals
        "制定《泉州市突发环境事件应急预案》(泉环委〔2022〕6号),落实“1+3+2”专项行动。",  # numbers and names
        "全面实施“1+8+53”工作体系(1个中心,八大行动,53项重点工作)。",  # a gloss of a quoted name
        "深化6.5世界环境日系列活动,充分发挥“12369”环保举报平台作用,开庆祝建党100周年系列活动。",
        "新增G60物流通道空气自动站,开展PM2.5与O3协同控制。",  # names and formulas
    ],
)
def test_non_targets(sentence):
    assert targets(sentence) == []


def test_spans_quote_the_original_traditional_text():
    text = "PM2.5年均濃度不高於23微克/立方米,確保重金屬排放總量不新增。"
    norm = "PM2.5年均浓度不高于23微克/立方米,确保重金属排放总量不新增。"
    found = extract_targets(doc(text, norm=norm), [])
    assert facts(found) == [
        ("<=", 23, "μg/m3", "target", "binding", 2021),
        ("no_increase", None, None, "target", "binding", 2021),
    ]
    assert quote(text, found[0]) == "PM2.5年均濃度不高於23微克/立方米"
    assert found[1].indicator == "重金屬排放總量"
    assert found[1].pollutant == "heavy_metals"


def test_ignored_furniture_yields_nothing():
    text = "网站标识码:4304000038 完成63宗调查报告评审。\n建设220个绿盈乡村。"
    d = doc(text)
    d.ignored.append(Span(0, text.index("\n")))
    assert [t.value for t in extract_targets(d, [])] == [220]


def test_a_change_after_a_figure_is_of_the_same_measure():
    s = "2022年,全市PM2.5平均浓度为28微克/立方米,同比下降6.7%;重污染天数比2020年减少20%。"
    found = targets(s, doc_type="work_summary", years=(2022,))
    assert [(t.indicator, t.comparator, t.value, t.unit) for t in found] == [
        ("全市PM2.5平均浓度", "=", 28, "μg/m3"),
        ("全市PM2.5平均浓度", "reduce_by", 6.7, "%"),
        ("重污染天数", "reduce_by", 20, "%"),
    ]
    assert [t.pollutant for t in found] == ["PM2.5", "PM2.5", None]


def test_each_figure_takes_the_year_written_before_it():
    s = "2023年底前完成12个污水处理厂提标改造,到2025年城市污水处理率达到98%,新建污水管网200公里。"
    found = targets(s, doc_type="implementation_plan", years=(2023, 2024, 2025))
    assert [(t.value, t.year, t.indicator) for t in found] == [
        (12, 2023, "污水处理厂提标改造"),
        (98, 2025, "城市污水处理率"),
        (200, 2025, "新建污水管网"),
    ]


def test_blanks_before_a_unit_and_a_unit_shared_by_a_list():
    s = "2022 年,全市PM2.5年均浓度37 微克/立方米、同比下降5.1%,重污染天4 天;北京、廊坊和长治分别为47、55和55微克/立方米。"
    found = targets(s, doc_type="work_summary", years=(2022,))
    assert [(t.comparator, t.value, t.unit) for t in found] == [
        ("=", 37, "μg/m3"),
        ("reduce_by", 5.1, "%"),
        ("=", 4, "days"),
        ("=", 47, "μg/m3"),
        ("=", 55, "μg/m3"),
        ("=", 55, "μg/m3"),
    ]


def test_a_reported_list_that_reached_its_figures_states_them():
    found = targets("昼间、夜间达标率分别达到95%、90%。", doc_type="work_summary", years=(2023,))
    assert [(t.indicator, t.comparator, t.value) for t in found] == [
        ("昼间", "=", 95),
        ("夜间达标率", "=", 90),
    ]
