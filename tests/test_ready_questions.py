"""Each ready question on the bundled plans: specific rows the documents (and the gold) show.

The facts asserted here are in the plans' own sentences: 福州's 2021 plan sets
PM2.5 年均浓度不高于23微克/立方米 and 全面建立“湾(滩)长制”; 衢州's 2020 plan
is the earliest document and names 中央生态环境保护督察, as all five do; 鹿城's
summary reports PM2.5浓度26微克/立方米 and 杨府山公园. A few tests add a
document in the style of the bundled ones (福州's 2021 work summary) to show a
target meeting its result.
"""

from __future__ import annotations

from itertools import combinations
from pathlib import Path

import pytest

from policykg.config import bundled_corpus
from policykg.graph.store import Store
from policykg.loaders.read import read_document
from policykg.ontology.namespaces import DATA
from policykg.pipeline import build
from policykg.queries.library import ready_queries
from policykg.queries.run import run_query

FIVE_PLACES = {"福州市", "泉州市", "衢州市", "衡阳市", "鹿城区"}
CAMPAIGNS = {"blue_sky", "clear_water", "clean_soil", "blue_sea"}
NOT_BODIES = {"enterprise", "public", "expert", "other"}
# The questions this module answers for (the network-, adoption-, diffusion-, inferred-
# and competency- questions have their tests with the code that reads them).
MINE = {
    "voc-cities",
    "shared-responsibility",
    "shared-responsibility-by-place",
    "lead-departments",
    "department-roles",
    "campaign-measures",
    "named-places",
    "indicator-targets",
    "target-strength",
    "results-vs-targets",
    "instrument-adoptions",
    "first-adopters",
    "similar-places",
    "place-profile",
    "place-graph",
    "provenance",
    "documents",
}

FUZHOU_SUMMARY = """2021年福州市生态环境保护工作总结
2021年,在市委市政府和省生态环境厅的正确领导下,全市生态环境系统深入打好污染防治攻坚战,生态环境质量持续改善。
一、2021年工作总结
(一)坚决打好蓝天保卫战。全市PM2.5年均浓度为21微克/立方米,空气质量优良天数比例达到99.2%。
"""


def rows(store: Store, name: str, **params: str) -> list[dict]:
    """The answer to a ready question as a list of {column: value}."""
    result = run_query(store, name, params)
    return [dict(zip(result.columns, row, strict=True)) for row in result.rows]


def doc_iri(stem: str) -> str:
    return f"{DATA}doc/{stem}"


FUZHOU_DOC = doc_iri("000_dc428a24ed234c6a")
QUZHOU_DOC = doc_iri("002_209854e2ea3e5528")
LUCHENG_DOC = doc_iri("004_56173c18c3b59fb4")


@pytest.fixture(scope="module")
def fuzhou_plan_and_summary(tmp_path_factory) -> Store:
    """福州's bundled 2021 plan and a 2021 work summary in the same style, in their own store."""
    folder = tmp_path_factory.mktemp("fuzhou")
    summary = folder / "fuzhou-2021-summary.txt"
    summary.write_text(FUZHOU_SUMMARY, encoding="utf-8")
    plan = next(p for p in bundled_corpus() if p.name.startswith("000_"))
    store = Store(folder / "store")
    report = build([plan, summary], store, workers=1)
    assert report.ok, report.failed
    return store


def test_every_question_has_a_test_here():
    assert set(ready_queries()) >= MINE and len(MINE) >= 15
    tested = {name.removeprefix("test_").replace("_", "-") for name in globals() if name.startswith("test_")}
    tested |= {"voc-cities", "shared-responsibility"}  # in test_queries.py
    assert tested >= MINE, sorted(MINE - tested)


# -- departments ---------------------------------------------------------------------
def gold_pairs_by_place(gold: dict[str, dict]) -> set[tuple[str, str, str]]:
    """(place, function, function) that the hand annotations show sharing one clause's work."""
    pairs = set()
    for doc in gold.values():
        by_clause: dict[str, set[str]] = {}
        for a in doc["actors"]:
            if a["role"] in {"lead", "cooperate", "joint"} and a["canonical"] not in NOT_BODIES:
                by_clause.setdefault(a["clause"], set()).add(a["canonical"])
        for functions in by_clause.values():
            pairs.update((doc["region"]["name"], a, b) for a, b in combinations(sorted(functions), 2))
    return pairs


def test_shared_responsibility_by_place(store, gold):
    found = rows(store, "shared-responsibility-by-place")
    keys = {(r["place"], r["function_a"], r["function_b"]) for r in found}
    expected = gold_pairs_by_place(gold)
    assert ("福州市", "housing_construction", "urban_management") in expected
    missing = expected - keys
    assert len(missing) <= len(expected) * 0.2, sorted(missing)
    # 联合城管执法、建设部门建立联合监管机制: the pair and its sentence, in 福州 only
    fuzhou = next(r for r in found if r["function_a"] == "housing_construction" and r["place"] == "福州市")
    assert fuzhou["function_b"] == "urban_management" and fuzhou["adcode"] == "350100"
    assert "城管执法" in fuzhou["example"] and fuzhou["measures"] >= 1
    # per place the counts add up to the pooled question's
    pooled = {(r["function_a"], r["function_b"]): r["measures"] for r in rows(store, "shared-responsibility")}
    per_place: dict[tuple[str, str], int] = {}
    for r in found:
        per_place[r["function_a"], r["function_b"]] = (
            per_place.get((r["function_a"], r["function_b"]), 0) + r["measures"]
        )
    assert per_place == pooled


def test_lead_departments(store):
    lead = rows(store, "lead-departments")
    # 配合农业农村部门持续推进农用地分类管理 (福州, 净土): 农业农村 leads a clean-soil measure
    row = next(r for r in lead if r["function"] == "agriculture_rural" and r["topic"] == "clean_soil")
    assert row["topic_kind"] == "campaign" and row["topic_label"] == "净土" and "福州市" in row["places"]
    assert {r["topic_kind"] for r in lead} <= {"campaign", "pollutant"}
    assert all(r["measures"] >= 1 and r["place_count"] == len(r["places"].split(", ")) for r in lead)
    # another role: 联合城管执法、建设部门 ... 噪声: both act jointly on noise in 福州
    joint = rows(store, "lead-departments", role="joint")
    noise = {r["function"] for r in joint if r["topic"] == "noise" and "福州市" in r["places"]}
    assert {"housing_construction", "urban_management"} <= noise
    assert ("clean_soil", "agriculture_rural") not in {(r["topic"], r["function"]) for r in joint}
    assert rows(store, "lead-departments", role="no-such-role") == []


def test_department_roles(store, gold):
    found = rows(store, "department-roles")
    by_key = {(r["place"], r["function"]): r for r in found}
    assert by_key[("福州市", "urban_management")]["joint"] >= 1
    assert by_key[("福州市", "agriculture_rural")]["lead"] >= 1
    for r in found:
        assert r["roles"] == r["lead"] + r["cooperate"] + r["joint"] + r["supervised"] + r["mentioned"]
        assert 0 <= r["measures"] <= r["roles"]
    assert {r["place"] for r in found} == FIVE_PLACES
    # most bodies the annotators gave a duty in each place are there with that duty
    duties = {
        (doc["region"]["name"], a["canonical"], a["role"])
        for doc in gold.values()
        for a in doc["actors"]
        if a["role"] in {"lead", "cooperate", "joint"} and a["canonical"] not in NOT_BODIES
    }
    seen = {
        (p, f, role) for (p, f), r in by_key.items() for role in ("lead", "cooperate", "joint") if r[role]
    }
    assert len(duties & seen) >= len(duties) * 0.5, sorted(duties - seen)


# -- measures and campaigns -----------------------------------------------------------
def test_campaign_measures(store):
    found = rows(store, "campaign-measures")
    fuzhou = {r["campaign"]: r for r in found if r["place"] == "福州市" and r["year"] == 2021}
    assert set(fuzhou) >= CAMPAIGNS  # 蓝天, 碧水, 净土 and 碧海 sections of the 2021 plan
    assert fuzhou["blue_sea"]["campaign_label"] == "碧海"
    for r in found:
        assert r["planned"] + r["reported"] == r["measures"] >= 1
    # a work plan plans; 鹿城's 2023 part is a summary, its 2024 part a plan
    assert all(r["reported"] == 0 for r in found if r["place"] in {"福州市", "衢州市", "衡阳市"})
    lucheng = [r for r in found if r["place"] == "鹿城区" and r["campaign"] in CAMPAIGNS]
    assert any(r["year"] == 2023 and r["reported"] > 0 for r in lucheng)
    assert any(r["year"] == 2024 and r["planned"] > 0 for r in lucheng)
    assert {r["place"] for r in found} == FIVE_PLACES


def test_named_places(store):
    default = rows(store, "named-places")
    sentences = {r["sentence"] for r in default}
    assert any("罗源湾、福清湾" in s for s in sentences)  # 福州: 在罗源湾、福清湾推动实施生态保护和修复工程
    assert any("杨府山公园" in s for s in sentences)  # 鹿城: 建成杨府山公园生物多样性科普基地
    assert all(any(w in s for w in ("湾", "河", "湖", "公园")) for s in sentences)
    bays = rows(store, "named-places", pattern="湾")
    assert bays and all("湾" in r["sentence"] for r in bays)
    assert {r["sentence"] for r in bays} < sentences
    row = next(r for r in bays if "罗源湾" in r["sentence"])
    assert (row["place"], row["campaign"], row["year"], row["document"]) == (
        "福州市",
        "blue_sea",
        2021,
        FUZHOU_DOC,
    )
    assert rows(store, "named-places", pattern="不存在的湾名") == []


# -- targets --------------------------------------------------------------------------
def test_indicator_targets(store):
    pm25 = rows(store, "indicator-targets")
    key = {
        (r["place"], r["year"], r["kind"], r["strength"], r["comparator"], r["value"], r["unit"])
        for r in pm25
    }
    assert (
        "福州市",
        2021,
        "target",
        "binding",
        "<=",
        23.0,
        "μg/m3",
    ) in key  # PM2.5年均浓度不高于23微克/立方米
    assert ("衡阳市", 2021, "target", "binding", "<=", 39.0, "μg/m3") in key  # 控制在39ug/m3以下
    assert ("衢州市", 2020, "target", "binding", "<=", 35.0, "μg/m3") in key  # 确保达到35微克/立方米
    assert ("鹿城区", 2023, "reported", None, "=", 26.0, "μg/m3") in key  # PM2.5浓度26微克/立方米
    assert all("PM2.5" in r["sentence"] or "细颗粒物" in r["sentence"] or r["indicator_text"] for r in pm25)
    assert {r["place"] for r in pm25} == {"福州市", "衡阳市", "衢州市", "鹿城区"}
    # the Chinese name of the pollutant finds the same rows
    assert rows(store, "indicator-targets", indicator="细颗粒物") == pm25
    # words of an indicator: 空气质量优良率确保达到90%
    good_days = rows(store, "indicator-targets", indicator="优良")
    quzhou = [r for r in good_days if r["place"] == "衢州市"]
    assert any(r["value"] == 90.0 and r["unit"] == "%" and r["strength"] == "binding" for r in quzhou)
    assert all("优良" in r["indicator_text"] for r in good_days)


def test_target_strength(store, gold):
    found = rows(store, "target-strength")
    for r in found:
        assert r["binding"] + r["aspirational"] <= r["targets"]
    totals: dict[str, tuple[int, int]] = {}
    for r in found:
        b, a = totals.get(r["place"], (0, 0))
        totals[r["place"]] = (b + r["binding"], a + r["aspirational"])
    # 衢州: 确保达到35, 力争达到31 ... the gold has binding and aspirational targets there
    assert totals["衢州市"][0] > 0 and totals["衢州市"][1] > 0
    fuzhou = {(r["campaign"], r["year"]): r for r in found if r["place"] == "福州市"}
    assert fuzhou[("blue_sky", 2021)]["binding"] >= 1  # PM2.5年均浓度不高于23微克/立方米
    # places whose gold has aspirational targets have some here too
    aspirational = {
        d["region"]["name"]
        for d in gold.values()
        for t in d["targets"]
        if t.get("strength") == "aspirational"
    }
    assert {p for p, (_, a) in totals.items() if a} >= aspirational and aspirational


def test_results_vs_targets(store, fuzhou_plan_and_summary):
    bundled = rows(store, "results-vs-targets")
    pm = next(r for r in bundled if r["place"] == "福州市" and r["pollutant"] == "PM2.5")
    assert (pm["year"], pm["comparator"], pm["target_value"], pm["unit"]) == (2021, "<=", 23.0, "μg/m3")
    assert pm["result_value"] is None and pm["met"] is None  # no 2021 summary of 福州 is bundled
    assert all(r["target_value"] is not None and r["unit"] for r in bundled)
    # with 福州's 2021 summary (全市PM2.5年均浓度为21微克/立方米) the target finds its result
    paired = rows(fuzhou_plan_and_summary, "results-vs-targets")
    pm = next(r for r in paired if r["pollutant"] == "PM2.5")
    assert (pm["result_value"], pm["met"]) == (21.0, True)
    assert pm["result_sentence"] == "全市PM2.5年均浓度为21微克/立方米"
    assert pm["result_document"] == doc_iri("fuzhou-2021-summary") and pm["target_document"] == FUZHOU_DOC
    # nothing else of the plan pairs with that one figure
    assert [r["result"] for r in paired if r["result"]] == [pm["result"]]


# -- instruments ----------------------------------------------------------------------
def test_instrument_adoptions(store):
    found = rows(store, "instrument-adoptions")
    keys = {(r["place"], r["year"], r["instrument"], r["status"]) for r in found}
    assert ("福州市", 2021, "bay_chief", "planned") in keys  # 全面建立“湾(滩)长制”
    central = {(r["place"], r["year"]) for r in found if r["instrument"] == "central_inspection"}
    assert {("福州市", 2021), ("衢州市", 2020), ("衡阳市", 2021)} <= central  # 中央生态环境保护督察
    bay = next(r for r in found if r["instrument"] == "bay_chief")
    assert (bay["instrument_label"], bay["type"], bay["adcode"]) == ("湾(滩)长制", "organisational", "350100")
    assert all(r["mentions"] >= 1 for r in found)
    market = rows(store, "instrument-adoptions", instrument_type="market_based")
    assert market and {r["type"] for r in market} == {"market_based"}
    assert ("衢州市", 2020, "emissions_trading") in {(r["place"], r["year"], r["instrument"]) for r in market}
    assert {tuple(r.items()) for r in market} < {tuple(r.items()) for r in found}


def test_first_adopters(store):
    found = {r["instrument"]: r for r in rows(store, "first-adopters")}
    central = found["central_inspection"]  # named by all five plans; 衢州's 2020 plan is the earliest
    assert (central["first_year"], central["first_adopters"], central["adopters"]) == (2020, "衢州市", 5)
    bay = found["bay_chief"]
    assert (bay["first_year"], bay["first_adopters"]) == (2021, "福州市")
    adoptions = rows(store, "instrument-adoptions")
    for code, r in found.items():
        years = [a["year"] for a in adoptions if a["instrument"] == code]
        assert r["first_year"] == min(years)
        firsts = {a["place"] for a in adoptions if a["instrument"] == code and a["year"] == min(years)}
        assert set(r["first_adopters"].split(", ")) == firsts and r["first_adopter_count"] == len(firsts)
        assert r["adopters"] == len({a["place"] for a in adoptions if a["instrument"] == code})


def test_similar_places(store):
    found = rows(store, "similar-places")
    adoptions = rows(store, "instrument-adoptions")
    sets: dict[str, set[str]] = {}
    for a in adoptions:
        sets.setdefault(a["place"], set()).add(a["instrument"])
    assert len(found) == 10  # every pair of the five places shares something (中央生态环境保护督察)
    for r in found:
        a, b = sets[r["place_a"]], sets[r["place_b"]]
        assert r["adcode_a"] < r["adcode_b"]
        assert (r["shared"], r["instruments_a"], r["instruments_b"]) == (len(a & b), len(a), len(b))
        assert r["jaccard"] == pytest.approx(len(a & b) / len(a | b), abs=0.0006)
        assert set(r["shared_instruments"].split(", ")) == a & b
    assert [r["jaccard"] for r in found] == sorted((r["jaccard"] for r in found), reverse=True)
    fuzhou_quanzhou = next(r for r in found if (r["place_a"], r["place_b"]) == ("福州市", "泉州市"))
    assert "beautiful_bay" in fuzhou_quanzhou["shared_instruments"]  # 美丽海湾 in both Fujian plans


# -- places and provenance ------------------------------------------------------------
def test_place_profile(store):
    fuzhou = rows(store, "place-profile")
    facts = {(r["aspect"], r["item"]): r for r in fuzhou}
    assert facts[("1 region", "level")]["label"] == "prefecture"
    assert facts[("1 region", "adcode")]["label"] == "350100"
    assert facts[("1 region", "province")]["label"] == "福建省"
    assert facts[("2 document", FUZHOU_DOC)]["label"] == "2021年福州市生态环境保护工作要点"
    assert {item for aspect, item in facts if aspect == "4 campaign"} == CAMPAIGNS
    assert facts[("6 instrument", "bay_chief")]["count"] >= 1
    assert facts[("3 facts", "measures")]["count"] == facts[("2 document", FUZHOU_DOC)]["count"] > 0
    # by code, a district: 鹿城区 of 温州市, 浙江省
    lucheng = {(r["aspect"], r["item"]): r["label"] for r in rows(store, "place-profile", place="330302")}
    assert (lucheng[("1 region", "level")], lucheng[("1 region", "parent")]) == ("district", "温州市")
    assert lucheng[("1 region", "province")] == "浙江省"
    assert rows(store, "place-profile", place="鹿城区") == rows(store, "place-profile", place="330302")
    assert rows(store, "place-profile", place="北京市") == []


def test_place_graph(store):
    triples = {(r["subject"], r["predicate"], r["object"]) for r in rows(store, "place-graph")}
    region = f"{DATA}region/350100"
    label = "http://www.w3.org/2000/01/rdf-schema#label"
    pkg = "https://w3id.org/policykg/ontology#"
    assert (region, label, "福州市") in triples
    assert (region, pkg + "parentRegion", f"{DATA}region/350000") in triples
    assert (FUZHOU_DOC, pkg + "region", region) in triples
    assert (FUZHOU_DOC, pkg + "instrument", "https://w3id.org/policykg/vocab/instrument/bay_chief") in triples
    assert (FUZHOU_DOC, pkg + "campaign", "https://w3id.org/policykg/vocab/campaign/blue_sea") in triples
    docs = {s for s, p, o in triples if p == pkg + "region"}
    assert docs == {FUZHOU_DOC}
    other = {(r["subject"], r["predicate"], r["object"]) for r in rows(store, "place-graph", place="衡阳市")}
    assert not triples & {t for t in other if t[0] == FUZHOU_DOC} and other


def test_provenance(store):
    found = rows(store, "provenance")  # PM2.5年均浓度
    target = next(r for r in found if r["kind"] == "Target" and r["place"] == "福州市")
    assert target["exact"] == "PM2.5年均浓度不高于23微克/立方米"
    assert (target["document"], target["title"]) == (FUZHOU_DOC, "2021年福州市生态环境保护工作要点")
    # the offsets point at exactly that text in the document as read
    doc = read_document(Path(target["source_file"]))
    assert doc.text[target["start"] : target["end"]] == target["exact"]
    assert all("PM2.5年均浓度" in r["exact"] for r in found)
    # by IRI, from another question's row: the measure with 罗源湾 and its section
    measure = next(r for r in rows(store, "named-places", pattern="罗源湾"))["measure"]
    (one,) = rows(store, "provenance", fact=measure)
    assert one["kind"] == "Measure" and "罗源湾、福清湾" in one["exact"] and one["section_number"]
    assert doc.text[one["start"] : one["end"]] == one["exact"]
    # a role's section is its measure's
    bay = next(r for r in rows(store, "provenance", fact="湾(滩)长制") if r["kind"] == "InstrumentAdoption")
    assert bay["section_number"] and bay["place"] == "福州市"


def test_documents(store, gold):
    found = {r["document"]: r for r in rows(store, "documents")}
    assert {r["place"] for r in found.values()} == FIVE_PLACES
    for stem, g in gold.items():
        r = found[doc_iri(stem)]
        assert (r["place"], r["adcode"], r["level"]) == (
            g["region"]["name"],
            g["region"]["adcode"],
            g["region"]["level"],
        )
        assert r["doc_type"] == g["doc_type"]
        assert (r["first_year"], r["last_year"]) == (min(g["years"]), max(g["years"]))
        assert r["measures"] > 0 and r["source_file"].endswith(stem + ".txt")
    assert found[FUZHOU_DOC]["published"] == "2021-05-06"
    assert found[QUZHOU_DOC]["results"] == 0  # a work plan reports nothing
    assert found[LUCHENG_DOC]["results"] > 0  # 鹿城区PM2.5浓度26微克/立方米 ...
