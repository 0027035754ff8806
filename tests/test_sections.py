"""The section tree: kinds of numbering, inline headings, sequence guards,
campaign inheritance, summary and plan parts."""

from __future__ import annotations

import itertools
from pathlib import Path

import opencc
import pytest

from policykg.config import bundled_corpus
from policykg.loaders.boilerplate import find_boilerplate
from policykg.loaders.document import Document
from policykg.loaders.extract.facts import Section
from policykg.loaders.read import read_document, to_simplified
from policykg.loaders.sections import cn_value, heading_campaign, heading_part, parse_sections


def _bundled(prefix: str) -> Document:
    return read_document(next(p for p in bundled_corpus() if p.stem.startswith(prefix)))


def _document(text: str) -> Document:
    norm = to_simplified(text)
    return Document(
        text=text, source=Path("invented.txt"), checksum="", norm=norm, ignored=find_boilerplate(norm)
    )


def _heading(document: Document, section: Section) -> str | None:
    return document.quote(section.heading) if section.heading else None


def _outline(document: Document) -> list[tuple[str, int, str | None]]:
    return [(s.number, s.level, _heading(document, s)) for s in parse_sections(document)]


def _by_heading(document: Document, sections: list[Section], heading: str) -> Section:
    return next(s for s in sections if _heading(document, s) == heading)


# -- invariants on the bundled plans -------------------------------------------


@pytest.mark.parametrize("path", bundled_corpus(), ids=lambda p: p.stem)
def test_tree_invariants(path: Path) -> None:
    document = read_document(path)
    sections = parse_sections(document)
    assert sections
    for i, section in enumerate(sections):
        assert section.index == i
        assert document.text.startswith(section.number, section.span.start)
        assert not document.is_ignored(section.span.start)
        if section.heading is not None:
            assert section.span.contains(section.heading)
            heading = document.quote(section.heading)
            assert heading == heading.strip() and "\n" not in heading and "。" not in heading
        if section.parent is not None:
            parent = sections[section.parent]
            assert parent.index < section.index
            assert parent.span.contains(section.span)
            assert section.level > parent.level
    # Siblings follow each other without overlapping.
    for parent in {s.parent for s in sections}:
        siblings = [s for s in sections if s.parent == parent]
        for a, b in itertools.pairwise(siblings):
            assert a.span.end <= b.span.start


def test_no_section_starts_in_furniture_or_at_false_numbers() -> None:
    document = _bundled("000")
    starts = {document.text[s.span.start : s.span.start + 6] for s in parse_sections(document)}
    assert not any(s.startswith("3820") for s in starts)
    document = _bundled("002")
    numbers = [s.number for s in parse_sections(document)]
    assert "6." not in numbers  # 6.5世界环境日
    assert all(not n.startswith("2020") for n in numbers)


# -- 004: one long line with inline headings, a summary part and a plan part ----


def test_inline_one_line_document() -> None:
    document = _bundled("004")
    sections = parse_sections(document)
    top = [s for s in sections if s.parent is None]
    assert [(s.number, _heading(document, s)) for s in top] == [
        ("一、", "2023年工作总结"),
        ("二、", "2024年工作计划"),
    ]
    assert [(s.year, s.modality) for s in top] == [(2023, "summary"), (2024, "plan")]
    summary, plan = top
    firsts = [s for s in sections if s.parent == summary.index]
    assert [s.number for s in firsts] == ["(一)", "(二)", "(三)", "(四)", "(五)", "(六)", "(七)", "(八)"]
    assert _heading(document, firsts[0]) == "开展全社会共建共富行动"
    items = [s for s in sections if s.parent == firsts[0].index]
    assert [(s.number, _heading(document, s)) for s in items] == [
        ("一是", "深化美丽鹿城建设"),
        ("二是", "深化低碳示范创建"),
        ("三是", "深化绿色宣传工作"),
    ]
    assert all((s.year, s.modality) == (2023, "summary") for s in items)
    # The plan part restarts 一、 inside itself.
    inner = [s for s in sections if s.parent == plan.index]
    assert [s.number for s in inner] == ["一、", "二、", "三、", "四、"]
    assert _heading(document, inner[0]) == "锚定“一个目标”,实现环境质量新提升"
    assert inner[0].level == 2 and plan.level == 1
    assert all((s.year, s.modality) == (2024, "plan") for s in inner)
    # The plan part ends before the table edge that closes the page.
    assert document.text[plan.span.end - 1] == "。"
    assert summary.span.end <= plan.span.start


def test_campaigns_from_inline_item_headings() -> None:
    document = _bundled("004")
    sections = parse_sections(document)
    assert _by_heading(document, sections, "全力抓好“五水共治”水环境巩固提升行动").campaign == "clear_water"
    assert _by_heading(document, sections, "全力抓好“蓝天保卫”空气质量提升行动").campaign == "blue_sky"
    soil = _by_heading(document, sections, "开展净土治废污染防治行动")
    assert soil.campaign == "clean_soil"
    assert {s.campaign for s in sections if s.parent == soil.index} == {"clean_soil"}


# -- 001: summary part with (一)/一是, plan part with 一是 items directly ----------


def test_summary_and_plan_parts() -> None:
    document = _bundled("001")
    sections = parse_sections(document)
    top = [s for s in sections if s.parent is None]
    assert [(_heading(document, s), s.year, s.modality) for s in top] == [
        ("2022年工作总结", 2022, "summary"),
        ("2023年工作计划", 2023, "plan"),
    ]
    plan_items = [s for s in sections if s.parent == top[1].index]
    assert [s.number for s in plan_items] == ["一是", "二是", "三是", "四是", "五是", "六是"]
    assert _heading(document, plan_items[0]) == "以绿色低碳为引领,积极助力经济高质量发展"
    assert all((s.year, s.modality) == (2023, "plan") for s in plan_items)
    blue = _by_heading(document, sections, "扎实推进蓝天保卫战")
    assert (blue.campaign, blue.year, blue.modality, blue.number) == ("blue_sky", 2022, "summary", "一是")
    # Two campaigns named in one heading: not one campaign's section.
    assert _by_heading(document, sections, "扎实推进碧水、碧海保卫战").campaign is None


# -- 003: numbering that runs on through the parents, a lost numeral, attachments --


def test_numbering_runs_on_through_parents_and_campaign_is_inherited() -> None:
    document = _bundled("003")
    sections = parse_sections(document)
    fight = _by_heading(document, sections, "深入打好污染防治攻坚战")
    children = [s for s in sections if s.parent == fight.index]
    assert [s.number for s in children] == ["11.", "12.", "13.", "14.", "15.", "16."]
    blue = children[0]
    assert (_heading(document, blue), blue.campaign) == ('深入打好"蓝天保卫战"', "blue_sky")
    items = [s for s in sections if s.parent == blue.index]
    assert [s.number for s in items] == ["一是", "二是", "三是", "四是", "五是"]
    assert {s.campaign for s in items} == {"blue_sky"}
    assert items[0].level == blue.level + 1
    # Groundwater is the clean-soil cue 地下水, not the clear-water label 水污染防治.
    assert _by_heading(
        document, sections, "开展地下水污染防治试点,推进化工园区地下水环境状况调查评估"
    ).campaign == ("clean_soil")
    green = _by_heading(document, sections, "推动绿色低碳可持续发展")
    assert [s.number for s in sections if s.parent == green.index] == ["4.", "5.", "6.", "7."]


def test_heading_whose_numeral_was_lost() -> None:
    document = _bundled("003")
    sections = parse_sections(document)
    top = [(s.number, _heading(document, s)) for s in sections if s.parent is None and s.span.start < 8800]
    assert top == [("一、", "总体思路"), ("二、", "主要目标"), ("、", "主要任务")]
    tasks = sections[[s.number for s in sections].index("、")]
    assert [s.number for s in sections if s.parent == tasks.index][:2] == ["(一)", "(二)"]


def test_attachments_start_a_new_outline() -> None:
    document = _bundled("003")
    sections = parse_sections(document)
    last_part = _by_heading(document, sections, "全面加强党的建设")
    assert document.text[last_part.span.end - 1] == "。"
    assert "附件" not in document.quote(last_part.span)
    project = _by_heading(document, sections, "幸福河黑臭水体治理工程")
    assert project.parent is None


def test_campaign_sections_of_000() -> None:
    document = _bundled("000")
    sections = parse_sections(document)
    named = {_heading(document, s): s.campaign for s in sections}
    assert named["实施“蓝天工程”"] == "blue_sky"
    assert named["实施“碧水工程”"] == "clear_water"
    assert named["实施“净土工程”"] == "clean_soil"
    assert named["实施“碧海工程”"] == "blue_sea"
    assert named["深入打好污染防治攻坚战"] is None
    assert [s.number for s in sections if s.parent is None] == [
        "一、",
        "二、",
        "三、",
        "四、",
        "五、",
        "六、",
        "七、",
    ]


def test_kind_levels_follow_the_nesting_of_the_document() -> None:
    document = _bundled("002")
    sections = parse_sections(document)
    first = sections[0]
    assert (first.number, first.level) == ("一、", 1)
    # 1. sits under 一、 directly here and under （一） elsewhere: its level is the kind's.
    child = sections[1]
    assert (child.number, child.parent, _heading(document, child)) == ("1.", 0, "强化创建总体协调")
    assert child.level == 3
    air = _by_heading(document, sections, "推动空气质量稳定达标,坚决打赢治气攻坚战")
    assert (air.number, air.level, air.campaign) == ("(一)", 2, "blue_sky")
    assert {s.campaign for s in sections if s.parent == air.index} == {"blue_sky"}


# -- invented plans ----------------------------------------------------------------


def test_every_kind_of_numbering_nests() -> None:
    text = (
        "一、主要任务\n"
        "（一）打赢蓝天保卫战\n"
        "1.推进工业治理。\n"
        "（1）钢铁行业超低排放改造。①完成烧结机改造。②完成焦炉改造。\n"
        "（2）水泥行业深度治理。\n"
        "2.强化扬尘管控。\n"
        "（二）打好碧水保卫战\n"
        "1.治理黑臭水体。重点做好三方面工作：一是排查溯源；二是截污纳管；三是生态补水。\n"
        "二、保障措施\n"
    )
    document = _document(text)
    sections = parse_sections(document)
    assert _outline(document) == [
        ("一、", 1, "主要任务"),
        ("（一）", 2, "打赢蓝天保卫战"),
        ("1.", 3, "推进工业治理"),
        ("（1）", 4, "钢铁行业超低排放改造"),
        ("①", 5, "完成烧结机改造"),
        ("②", 5, "完成焦炉改造"),
        ("（2）", 4, "水泥行业深度治理"),
        ("2.", 3, "强化扬尘管控"),
        ("（二）", 2, "打好碧水保卫战"),
        ("1.", 3, "治理黑臭水体"),
        ("一是", 4, "排查溯源"),
        ("二是", 4, "截污纳管"),
        ("三是", 4, "生态补水"),
        ("二、", 1, "保障措施"),
    ]
    campaigns = [s.campaign for s in sections]
    assert campaigns == [None] + ["blue_sky"] * 7 + ["clear_water"] * 5 + [None]
    parents = [s.parent for s in sections]
    assert parents == [None, 0, 1, 2, 3, 3, 2, 1, 0, 8, 9, 9, 9, None]
    assert document.quote(sections[4].span) == "①完成烧结机改造。"
    assert document.quote(sections[1].span).endswith("2.强化扬尘管控。")


def test_inline_headings_in_one_line() -> None:
    text = (
        "索引号 | 11330302/2023-00001 | 发布机构 | 区生态环境分局 |\n"
        "2022年，全区生态环境质量持续改善。 一、2022年工作总结 (一)大气污染防治。一是完成3家企业治理。"
        "二是淘汰老旧车辆120辆。 (二)水污染防治。一是完成1个中心、3820个点位监测。二是新建管网2.5公里。"
        " 二、2023年工作思路 一是持续推进蓝天保卫战。二是深化五水共治。 |\n|"
    )
    document = _document(text)
    sections = parse_sections(document)
    assert _outline(document) == [
        ("一、", 1, "2022年工作总结"),
        ("(一)", 2, "大气污染防治"),
        ("一是", 3, "完成3家企业治理"),
        ("二是", 3, "淘汰老旧车辆120辆"),
        ("(二)", 2, "水污染防治"),
        ("一是", 3, "完成1个中心、3820个点位监测"),
        ("二是", 3, "新建管网2.5公里"),
        ("二、", 1, "2023年工作思路"),
        ("一是", 3, "持续推进蓝天保卫战"),
        ("二是", 3, "深化五水共治"),
    ]
    assert [(s.year, s.modality) for s in sections] == [(2022, "summary")] * 7 + [(2023, "plan")] * 3
    # 大气 is a cue word of the air campaign, 水污染防治 a label of the water one.
    assert [s.campaign for s in sections[:7]] == [None, "blue_sky", "blue_sky", "blue_sky"] + [
        "clear_water"
    ] * 3
    assert [s.campaign for s in sections[7:]] == [None, "blue_sky", "clear_water"]
    assert document.quote(sections[-1].span) == "二是深化五水共治。"  # not the table edge after it


def test_false_numbers_are_prose() -> None:
    text = (
        "一、主要目标\n"
        "坚持3820战略工程思想。2021.5.6召开会议。1个中心、2个基本点。PM2.5下降2.5%。\n"
        "统一是前提。唯一是目标。\n"
        "3.这一行的3不接续任何1和2。\n"
        "二、重点任务\n"
        "推动一、二、三产业融合发展，打造十四五示范。\n"
    )
    assert _outline(_document(text)) == [("一、", 1, "主要目标"), ("二、", 1, "重点任务")]


def test_one_shi_without_two_shi_is_not_a_list() -> None:
    text = "一、主要目标\n全市一是要稳。\n（一）推进治理。一是完成改造。二是完成验收。\n"
    sections = parse_sections(_document(text))
    assert [s.number for s in sections] == ["一、", "（一）", "一是", "二是"]


def test_shi_items_after_commas_continue_the_list() -> None:
    text = "（一）强化执法。一是严查偷排，二是严查超标，三是严查数据造假。\n"
    assert [s.number for s in parse_sections(_document(text))] == ["（一）", "一是", "二是", "三是"]


def test_numbering_inside_furniture_is_skipped() -> None:
    text = (
        "当前位置：首页 > 1.信息公开 > 2.规划计划\n"
        "一、主要目标\n"
        "全市空气质量持续改善。\n"
        "网站标识码：3501000001  1.网站地图  2.联系我们\n"
    )
    document = _document(text)
    sections = parse_sections(document)
    assert [s.number for s in sections] == ["一、"]
    assert document.quote(sections[0].span) == "一、主要目标\n全市空气质量持续改善。"


def test_traditional_headings_match_campaigns_and_keep_offsets() -> None:
    simplified = "一、深入打好蓝天保卫战\n（一）推进挥发性有机物综合治理。\n二、深入打好碧水保卫战\n（一）保护饮用水水源地。\n"
    text = opencc.OpenCC("s2t").convert(simplified)
    document = _document(text)
    sections = parse_sections(document)
    assert [s.campaign for s in sections] == ["blue_sky", "blue_sky", "clear_water", "clear_water"]
    assert _heading(document, sections[0]) == "深入打好藍天保衛戰"
    assert _heading(document, sections[1]) == "推進揮發性有機物綜合治理"


def test_cn_numerals() -> None:
    assert [cn_value(n) for n in ("一", "九", "十", "十一", "二十", "二十三")] == [1, 9, 10, 11, 20, 23]


@pytest.mark.parametrize(
    ("heading", "expected"),
    [
        ("2022年工作总结", (2022, "summary")),
        ("2023年工作计划", (2023, "plan")),
        ("2023年工作思路", (2023, "plan")),
        ("2024年重点工作安排", (2024, "plan")),
        ("2023年生态环境保护工作计划", (2023, "plan")),
        ("2022年度工作开展情况", (2022, "summary")),
        ("下一步工作打算", (None, "plan")),
        ("制定工作计划", (None, None)),  # a task, not a part
        ("主要目标", (None, None)),
    ],
)
def test_heading_part(heading: str, expected: tuple) -> None:
    assert heading_part(heading) == expected


@pytest.mark.parametrize(
    ("heading", "campaign"),
    [
        ("实施“蓝天工程”", "blue_sky"),
        ("坚决打赢治气攻坚战", "blue_sky"),
        ("深化水污染综合防治,坚决打赢治水长效战", "clear_water"),
        ("坚决打赢清废(治土)持久战", "clean_soil"),
        ("推进近岸海域污染防治", "blue_sea"),
        ("深入打好蓝天、碧水、净土保卫战", None),
        ("加强政治建设", None),
    ],
)
def test_heading_campaign(heading: str, campaign: str | None) -> None:
    assert heading_campaign(heading) == campaign


def test_crlf_line_ends_give_the_same_tree() -> None:
    text = "一、总体要求\n二、主要目标\n、主要任务\n（一）推进治理。\n附件1\n1.示范工程清单\n"
    lf = _outline(_document(text))
    crlf_document = _document(text.replace("\n", "\r\n"))
    assert _outline(crlf_document) == lf
    assert [number for number, _, _ in lf] == ["一、", "二、", "、", "（一）", "1."]
    sections = parse_sections(crlf_document)
    assert sections[-1].parent is None  # the attachment's list is not inside 主要任务
    assert crlf_document.quote(sections[2].span) == "、主要任务\r\n（一）推进治理。"
