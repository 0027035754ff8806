"""Sentences, clauses and measures: campaign, pollutants, action types, status and year."""

from __future__ import annotations

from pathlib import Path

from policykg.loaders.document import Document, Span
from policykg.loaders.extract import extract
from policykg.loaders.extract.clauses import clauses, sentences
from policykg.loaders.gazetteer import resolve
from policykg.loaders.read import to_simplified

SUMMARY_AND_PLAN = """一、2022年工作总结
（一）深入打好蓝天保卫战。完成涉VOCs企业低效设施升级和源头替代1085家。
（二）坚持精准治污。深入抓好湘江流域铊、镉等重金属水污染治理。
二、2023年工作计划
一是强化移动源治理，推进重点行业挥发性有机物提升治理。二是强化城市挥发性有机物监测、降尘监测、噪音监测。
"""


def document(text: str, doc_type: str = "work_plan", years: list[int] | None = None) -> Document:
    doc = Document(text=text, source=Path("t.txt"), checksum="x", norm=to_simplified(text))
    doc.metadata.issuer = "泉州市生态环境局"
    doc.metadata.region = resolve("泉州市")
    doc.metadata.years = years if years is not None else [2021]
    doc.metadata.doc_type = doc_type
    return doc


def quoted(doc: Document, spans: list[Span]) -> list[str]:
    return [doc.quote(s) for s in spans]


def test_sentences_end_at_chinese_and_ascii_marks_and_line_ends_but_not_inside_brackets():
    doc = document("加强监管（市生态环境局牵头；市公安局参与）。完成1,000家;开展检查\n下一行")
    assert quoted(doc, sentences(doc)) == [
        "加强监管（市生态环境局牵头；市公安局参与）",
        "完成1,000家",
        "开展检查",
        "下一行",
    ]


def test_clauses_split_at_commas_but_not_numbers_or_brackets():
    doc = document("按照国家、省和市委、市政府工作部署,扎实做好工作，完成1,000家（含市级，县级）")
    assert quoted(doc, clauses(doc, Span(0, len(doc.text)))) == [
        "按照国家、省和市委、市政府工作部署",
        "扎实做好工作",
        "完成1,000家（含市级，县级）",
    ]


def test_page_furniture_gives_no_sentence():
    text = "首页 > 信息公开\n推进排污许可管理。扫一扫在手机上查看当前页面"
    doc = document(text)
    doc.ignored = [Span(0, text.index("\n")), Span(text.index("扫一扫"), len(text))]
    assert quoted(doc, sentences(doc)) == ["推进排污许可管理"]


def test_measure_in_a_campaign_section_takes_its_campaign_and_pollutants():
    # 000: the blue-sky section of Fuzhou's plan
    doc = document(
        "三、深入打好污染防治攻坚战\n（一）实施“蓝天工程”。推动细颗粒物和臭氧协同控制，深入开展重点行业VOCs综合治理。\n"
    )
    facts = extract(doc)
    body = [m for m in facts.measures if "细颗粒物" in doc.quote(m.span)]
    assert len(body) == 1
    measure = body[0]
    assert measure.campaign == "blue_sky"
    assert measure.status == "planned"
    assert measure.year == 2021
    assert [(p.code, doc.quote(p.span)) for p in measure.pollutants] == [
        ("PM2.5", "细颗粒物"),
        ("O3", "臭氧"),
        ("VOCs", "VOCs"),
    ]
    assert "remediate" in {a.code for a in measure.action_types}
    assert {(c, p) for c, p, _ in facts.campaign_pollutants} == {
        ("blue_sky", "PM2.5"),
        ("blue_sky", "O3"),
        ("blue_sky", "VOCs"),
    }


def test_enumerated_metals_give_each_metal_and_heavy_metals():
    # 003
    doc = document("深入抓好湘江流域铊、镉等重金属水污染治理。")
    (measure,) = extract(doc).measures
    assert [p.code for p in measure.pollutants] == ["Tl", "Cd", "heavy_metals"]


def test_summary_part_reports_and_plan_part_plans_with_their_years():
    doc = document(SUMMARY_AND_PLAN, doc_type="summary_and_plan", years=[2022, 2023])
    facts = extract(doc)
    by_text = {doc.quote(m.span): m for m in facts.measures}
    reported = by_text["完成涉VOCs企业低效设施升级和源头替代1085家"]
    assert (reported.status, reported.year, reported.campaign) == ("reported", 2022, "blue_sky")
    assert {a.code for a in reported.action_types} == {"retrofit"}
    planned = by_text["一是强化移动源治理，推进重点行业挥发性有机物提升治理"[2:]]
    assert (planned.status, planned.year) == ("planned", 2023)
    assert [p.code for p in planned.pollutants] == ["vehicle_exhaust", "VOCs"]


def test_outside_campaign_sections_each_pollutant_goes_to_its_own_medium():
    doc = document(SUMMARY_AND_PLAN, doc_type="summary_and_plan", years=[2022, 2023])
    pairs = {(c, p) for c, p, _ in extract(doc).campaign_pollutants}
    # the monitoring sentence lists air pollutants and noise: noise has no medium
    assert ("blue_sky", "particulate") in pairs
    assert not any(p == "noise" for _, p in pairs)
    # metals outside a water section belong to clean soil
    assert {("clean_soil", "Tl"), ("clean_soil", "Cd"), ("clean_soil", "heavy_metals")} <= pairs
    assert ("blue_sky", "VOCs") in pairs


def test_sentence_cue_gives_a_campaign_outside_campaign_sections():
    doc = document("强化大气面源污染整治。开展入河排放口排查整治，提升流域水质。")
    assert [m.campaign for m in extract(doc).measures] == ["blue_sky", "clear_water"]


def test_a_sentence_without_an_action_is_no_measure():
    doc = document("2021年是中国共产党建党一百周年。淘汰落后和严重过剩产能涉及企业20家。")
    facts = extract(doc)
    assert quoted(doc, [m.span for m in facts.measures]) == ["淘汰落后和严重过剩产能涉及企业20家"]
    assert [a.code for a in facts.measures[0].action_types] == ["phase_out"]


def test_a_work_summary_reports():
    doc = document("全面完成7个工业园区废气治理。", doc_type="work_summary")
    assert [m.status for m in extract(doc).measures] == ["reported"]


def test_traditional_characters_give_the_same_measures_quoted_from_the_original():
    traditional = (
        "三、深入打好污染防治攻坚战\n（一）深入打好藍天保衛戰。加強揮發性有機物和氮氧化物協同治理。\n"
    )
    simplified = (
        "三、深入打好污染防治攻坚战\n（一）深入打好蓝天保卫战。加强挥发性有机物和氮氧化物协同治理。\n"
    )
    trad, simp = document(traditional), document(simplified)
    t_facts, s_facts = extract(trad), extract(simp)
    summary = [(m.span, m.campaign, [(p.code, p.span) for p in m.pollutants]) for m in t_facts.measures]
    assert summary == [
        (m.span, m.campaign, [(p.code, p.span) for p in m.pollutants]) for m in s_facts.measures
    ]
    (measure,) = [m for m in t_facts.measures if m.pollutants]
    assert measure.campaign == "blue_sky"
    assert [trad.quote(p.span) for p in measure.pollutants] == ["揮發性有機物", "氮氧化物"]
    pairs = {(c, p): trad.quote(s) for c, p, s in t_facts.campaign_pollutants}
    assert pairs == {
        ("blue_sky", "VOCs"): "加強揮發性有機物和氮氧化物協同治理",
        ("blue_sky", "NOx"): "加強揮發性有機物和氮氧化物協同治理",
    }
