"""Actors and their roles, on sentences of the bundled plans and sentences written in their style."""

from __future__ import annotations

from pathlib import Path

import pytest

from policykg.loaders.document import Document
from policykg.loaders.extract import extract
from policykg.loaders.gazetteer import resolve
from policykg.loaders.read import to_simplified


def document(text: str, issuer: str = "福州市生态环境局", region: str = "福州市") -> Document:
    doc = Document(text=text, source=Path("t.txt"), checksum="x", norm=to_simplified(text))
    doc.metadata.issuer = issuer
    doc.metadata.region = resolve(region)
    doc.metadata.years = [2021]
    doc.metadata.doc_type = "work_plan"
    return doc


def actors(text: str, **kw) -> list[tuple[str, str, str]]:
    """(function, role, mention) of every actor, in order."""
    doc = document(text, **kw)
    return [(a.function, a.role, doc.quote(a.span)) for a in extract(doc).actors]


def test_cooperating_with_a_body_makes_it_the_lead():
    # 000: the issuer helps; the agriculture department leads
    assert actors("配合农业农村部门持续推进农用地分类管理。") == [
        ("agriculture_rural", "lead", "农业农村部门")
    ]


def test_joint_enumeration_with_a_shared_head():
    # 000: 城管执法 is a label, 建设部门 too; both joint through 联合
    assert actors("联合城管执法、建设部门建立联合监管机制。") == [
        ("urban_management", "joint", "城管执法"),
        ("housing_construction", "joint", "建设部门"),
    ]


def test_bare_function_names_are_bodies_in_an_enumeration_with_a_body():
    # 003: 公安 and 检察 count because 法院 is a body; the joint cue comes after
    assert actors("全面加强与公安、检察、法院的司法联动。", issuer="衡阳市生态环境局", region="衡阳市") == [
        ("public_security", "joint", "公安"),
        ("procuratorate", "joint", "检察"),
        ("court", "joint", "法院"),
    ]


def test_collective_name_is_one_body_of_each_function_and_closes_its_enumeration():
    # 004: 公检法 stands for three bodies; 多部门 after 等 adds none
    found = actors("另二是加强公检法环等多部门联动。", issuer="温州市生态环境局鹿城分局", region="鹿城区")
    assert sorted(found) == [
        ("court", "joint", "公检法"),
        ("procuratorate", "joint", "公检法"),
        ("public_security", "joint", "公检法"),
    ]


def test_function_stems_in_non_body_senses_are_not_actors():
    assert actors("持续改善生态环境质量，加快交通运输结构调整，优化财政资金使用。") == []


def test_responsibility_bracket_of_an_implementation_plan():
    # issued by the city government: the environment bureau is an actor here
    text = "加强机动车排气监管（市生态环境局牵头，市公安局、交通运输局参与）。"
    doc = document(text, issuer="福州市人民政府")
    facts = extract(doc)
    assert [(a.function, a.role, doc.quote(a.span)) for a in facts.actors] == [
        ("ecology_environment", "lead", "市生态环境局"),
        ("public_security", "cooperate", "市公安局"),
        ("transport", "cooperate", "交通运输局"),
    ]
    assert {doc.quote(a.clause) for a in facts.actors} == {"市生态环境局牵头，市公安局、交通运输局参与"}


def test_responsibility_fields_list_the_lead_first():
    text = "加强施工扬尘管控。（责任单位：市住建局、市城管局，各县（市、区）人民政府）"
    assert actors(text, issuer="泉州市人民政府", region="泉州市") == [
        ("housing_construction", "lead", "市住建局"),
        ("urban_management", "cooperate", "市城管局"),
        ("subordinate_government", "cooperate", "各县（市、区）人民政府"),
    ]
    text = "推进重点行业VOCs治理（牵头单位：市生态环境局；配合单位：市发展改革委、市工业和信息化局）。"
    assert actors(text, issuer="泉州市人民政府", region="泉州市") == [
        ("ecology_environment", "lead", "市生态环境局"),
        ("development_reform", "cooperate", "市发展改革委"),
        ("industry_it", "cooperate", "市工业和信息化局"),
    ]


def test_shared_suffix_enumeration_with_a_cue_after_it():
    text = "市发展和改革局、工业和信息化局、自然资源局按职责分工负责，市公安局配合。"
    assert actors(text, issuer="福州市人民政府") == [
        ("development_reform", "lead", "市发展和改革局"),
        ("industry_it", "lead", "工业和信息化局"),
        ("natural_resources", "lead", "自然资源局"),
        ("public_security", "cooperate", "市公安局"),
    ]


def test_relying_on_a_body_makes_it_a_cooperator():
    # 002: 依托 X → X cooperates, every member of the enumeration
    found = actors(
        "依托环境医院、“刘博士”工作室、党员志愿队伍等力量，开展技术帮扶。",
        issuer="衢州市生态环境局",
        region="衢州市",
    )
    assert found == [
        ("expert", "cooperate", "环境医院"),
        ("expert", "cooperate", "“刘博士”工作室"),
        ("public", "cooperate", "志愿队伍"),
    ]


def test_pushed_bodies_are_supervised_but_decision_makers_are_mentioned():
    # 002 and 003
    assert actors(
        "推动各地各部门协同抓好产业结构调整任务落地。", issuer="衢州市生态环境局", region="衢州市"
    ) == [
        ("subordinate_government", "supervised", "各地"),
        ("other", "supervised", "各部门"),
    ]
    assert actors("推动中央和省委省政府决策部署落实落地。", issuer="衡阳市生态环境局", region="衡阳市") == [
        ("party_committee", "mentioned", "中央"),
        ("party_committee", "mentioned", "省委"),
        ("government", "mentioned", "省政府"),
    ]


def test_lone_level_words_in_an_enumeration_are_governments():
    # 000
    assert actors("按照国家、省和市委、市政府工作部署，扎实做好生态环境保护工作。") == [
        ("government", "mentioned", "国家"),
        ("government", "mentioned", "省"),
        ("party_committee", "mentioned", "市委"),
        ("government", "mentioned", "市政府"),
    ]


def test_the_issuers_own_system_is_not_an_actor_but_a_higher_body_is():
    # 001
    found = actors(
        "全市生态环境系统认真贯彻落实省生态环境厅工作要求。市生态环境局获得国家级荣誉5项。",
        issuer="泉州市生态环境局",
        region="泉州市",
    )
    assert found == [("ecology_environment", "mentioned", "省生态环境厅")]
    # 004: the district branch names itself with the city's bureau in front
    found = actors(
        "在区委区政府和市生态环境局的坚强领导下，市生态环境局鹿城分局深入学习贯彻讲话精神。",
        issuer="温州市生态环境局鹿城分局",
        region="鹿城区",
    )
    assert found == [
        ("party_committee", "mentioned", "区委"),
        ("government", "mentioned", "区政府"),
        ("ecology_environment", "mentioned", "市生态环境局"),
    ]


def test_places_below_the_issuer_act_where_they_head_a_clause_or_follow_a_cue():
    # 000: four districts of Fuzhou by their short names; 永泰县 pushed
    found = actors(
        "马尾、晋安、鼓楼、长乐等4个区做好第五批国家生态文明建设示范区申报工作。推动永泰县创建“两山基地”。"
    )
    assert found == [
        ("subordinate_government", "supervised", "马尾"),
        ("subordinate_government", "supervised", "晋安"),
        ("subordinate_government", "supervised", "鼓楼"),
        ("subordinate_government", "supervised", "长乐"),
        ("subordinate_government", "supervised", "永泰县"),
    ]
    # where work happens is not an actor
    assert actors("加快推进长乐、罗源、闽清钢铁行业超低排放改造与无组织治理进度。") == []


def test_names_inside_quotations_titles_and_document_numbers_are_not_actors():
    text = "获得省文明办“‘美丽中国，我是行动者’提升公民生态文明意识行动计划”先进典型。制定实施《警示机制》（泉环委〔2022〕6号）。"
    assert actors(text, issuer="泉州市生态环境局", region="泉州市") == [
        ("publicity", "mentioned", "省文明办")
    ]


def test_place_words_used_for_where_work_happens_are_not_bodies():
    assert actors(
        "加快推进乡镇污水处理设施建设，并要求各县（市、区）建立相应的工作机制。",
        issuer="衢州市生态环境局",
        region="衢州市",
    ) == [("subordinate_government", "supervised", "各县（市、区）")]


def test_every_clause_is_the_text_at_its_offsets():
    text = "联合城管执法、建设部门建立联合监管机制。督促重点碳排放企业完成碳排放报告。"
    doc = document(text)
    facts = extract(doc)
    assert len(facts.actors) == 3
    for actor in facts.actors:
        assert actor.clause.start <= actor.span.start < actor.span.end <= actor.clause.end
        assert doc.text[actor.clause.start : actor.clause.end] in text
        assert actor.measure is not None
        assert facts.measures[actor.measure].span.contains(actor.clause)
    assert facts.actors[2].function == "enterprise"
    assert facts.actors[2].role == "supervised"


@pytest.mark.parametrize(
    ("traditional", "simplified"),
    [
        ("聯合城管執法、建設部門建立聯合監管機制。", "联合城管执法、建设部门建立联合监管机制。"),
        ("配合農業農村部門持續推進農用地分類管理。", "配合农业农村部门持续推进农用地分类管理。"),
    ],
)
def test_traditional_characters_give_the_same_actors_quoted_from_the_original(traditional, simplified):
    trad, simp = document(traditional), document(simplified)
    assert len(trad.norm) == len(trad.text)
    t_facts, s_facts = extract(trad).actors, extract(simp).actors
    assert [(a.function, a.role, a.span, a.clause) for a in t_facts] == [
        (a.function, a.role, a.span, a.clause) for a in s_facts
    ]
    for actor in t_facts:
        assert trad.quote(actor.span) in traditional
        assert trad.quote(actor.span) != simp.quote(actor.span)


def test_governments_below_the_issuer_are_subordinate_governments():
    text = "各区人民政府要切实履行主体责任。按照省政府部署，永泰县人民政府负责落实。"
    assert actors(text, issuer="福州市人民政府") == [
        ("subordinate_government", "mentioned", "区人民政府"),
        ("government", "mentioned", "省政府"),
        ("subordinate_government", "lead", "永泰县人民政府"),
    ]


def test_a_body_that_gathers_others_leads_and_a_cue_does_not_reach_past_another_body():
    text = "由市生态环境局会同市公安局、市交通运输局开展联合执法，加强对各地工作的督导。市生态环境局会同有关部门加强对各地工作的调度。"
    found = actors(text, issuer="福州市人民政府")
    assert found == [
        ("ecology_environment", "lead", "市生态环境局"),
        ("public_security", "joint", "市公安局"),
        ("transport", "joint", "市交通运输局"),
        ("subordinate_government", "mentioned", "各地"),
        ("ecology_environment", "lead", "市生态环境局"),
        ("other", "joint", "有关部门"),
        ("subordinate_government", "mentioned", "各地"),
    ]
