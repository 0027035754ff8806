"""Instrument adoptions: names from the vocabulary, kind from the part they stand in."""

from __future__ import annotations

from pathlib import Path

from policykg.loaders.document import Document
from policykg.loaders.extract import extract
from policykg.loaders.extract.gold import instrument_name, to_gold
from policykg.loaders.gazetteer import resolve
from policykg.loaders.read import to_simplified
from policykg.ontology.vocab import vocabulary


def document(text: str, doc_type: str = "work_plan") -> Document:
    doc = Document(text=text, source=Path("t.txt"), checksum="x", norm=to_simplified(text))
    doc.metadata.issuer = "福州市生态环境局"
    doc.metadata.region = resolve("福州市")
    doc.metadata.years = [2021]
    doc.metadata.doc_type = doc_type
    return doc


def adoptions(text: str, **kw) -> list[tuple[str, str, str]]:
    doc = document(text, **kw)
    return [(i.code, i.kind, doc.quote(i.span)) for i in extract(doc).instruments]


def test_the_vocabulary_has_a_typed_scheme_of_instruments():
    vocab = vocabulary("instrument")
    assert len(vocab) >= 80
    assert all(c.prop("instrumentType") for c in vocab)


def test_a_quoted_name_is_quoted_with_its_marks():
    # 000
    assert adoptions("5个沿海县(市、区)全面建立“湾(滩)长制”。") == [("bay_chief", "planned", "“湾(滩)长制”")]


def test_names_of_the_bundled_plans():
    found = adoptions(
        "推动三线一单落地应用。推进全市环境污染责任保险工作。深入推进“河湖长制”。"
        "持续推行环境污染责任保险制度，落实生态环境损害赔偿制度改革。"
    )
    assert [(code, kind) for code, kind, _ in found] == [
        ("three_lines_one_list", "planned"),
        ("pollution_liability_insurance", "planned"),
        ("river_chief", "planned"),
        ("pollution_liability_insurance", "planned"),
        ("eco_damage_compensation", "planned"),
    ]
    assert instrument_name("river_chief") == "河长制"


def test_a_summary_reports_adoptions_and_a_plan_plans_them():
    text = "一、2022年工作总结\n（一）推进排污权交易，下达排污权政府储备量投放线上超市计划。\n二、2023年工作计划\n一是做好全国统一碳排放权交易市场建设工作。\n"
    doc = document(text, doc_type="summary_and_plan")
    kinds = {(i.code, i.kind) for i in extract(doc).instruments}
    assert ("emissions_trading", "achieved") in kinds
    assert ("carbon_trading", "planned") in kinds
    assert not any(kind == "achieved" and code == "carbon_trading" for code, kind in kinds)


def test_one_adoption_per_sentence_and_once_per_kind_in_the_gold_format():
    text = "推动三线一单落地应用，将“三线一单”生态环境准入清单汇聚至平台。深化“三线一单”成果应用。"
    doc = document(text)
    facts = extract(doc)
    assert [doc.quote(i.span) for i in facts.instruments if i.code == "three_lines_one_list"] == [
        "三线一单",
        "“三线一单”",
    ]
    gold = to_gold(facts)
    assert [(i["name"], i["kind"], i["text"]) for i in gold["instruments"] if i["name"] == "三线一单"] == [
        ("三线一单", "planned", "三线一单")
    ]


def test_each_adoption_is_linked_to_its_measure():
    doc = document("（一）实施“碧海工程”。全面建立“湾(滩)长制”，推动海漂垃圾监控系统二期项目建设。")
    facts = extract(doc)
    (bay,) = [i for i in facts.instruments if i.code == "bay_chief"]
    assert bay.measure is not None
    assert facts.measures[bay.measure].span.contains(bay.span)
    assert facts.measures[bay.measure].campaign == "blue_sea"


def test_traditional_characters_give_the_same_adoptions_quoted_from_the_original():
    trad = document("深入推進河長制，推進排污權交易。")
    simp = document("深入推进河长制，推进排污权交易。")
    t_found, s_found = extract(trad).instruments, extract(simp).instruments
    assert [(i.code, i.span) for i in t_found] == [(i.code, i.span) for i in s_found]
    assert [trad.quote(i.span) for i in t_found] == ["河長制", "排污權交易"]


def test_the_opening_of_a_summary_and_plan_reports_like_its_first_part():
    # 004: the paragraph before 一、2023年工作总结 sums up the year
    text = (
        "2023年，在区委区政府的坚强领导下，深化国家生态文明建设示范区建设。\n"
        "一、2023年工作总结\n（一）完成36个污水零直排建设项目。\n"
        "二、2024年工作计划\n（一）紧盯“无废城市”指标短板提升。\n"
    )
    doc = document(text, doc_type="summary_and_plan")
    kinds = [(i.code, i.kind) for i in extract(doc).instruments]
    assert kinds == [
        ("eco_civilisation_demo", "achieved"),
        ("sewage_zero_discharge_zone", "achieved"),
        ("zero_waste_city", "planned"),
    ]
