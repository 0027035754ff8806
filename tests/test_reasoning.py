"""What the ontology infers: the SPARQL rules, the inferred graphs a build writes, and HermiT.

HermiT (owlready2's, Java 17) runs once for the module, on the five bundled plans
with the core and the vocabularies; every test that compares with it reuses
that run. The facts asserted here are in the plans' own sentences: 福州市's 2021
plan acts on 挥发性有机物 in its blue-sky part and 「联合城管执法、建设部门建立联合
监管机制」, two bodies sharing one measure.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.namespace import OWL, RDF
from servers import oxigraph_server

from policykg.graph.build import DocumentGraph
from policykg.graph.infer import (
    asserted_documents,
    check_store,
    derive,
    functional_problems,
    infer_document,
    materialise,
    pick_sample,
    store_sample,
)
from policykg.graph.remote import Endpoint
from policykg.graph.store import Store, inferred_graph_of
from policykg.ontology.namespaces import (
    DATA,
    INFERRED_GRAPH,
    OA,
    PKG,
    PROV,
    TOTALS_GRAPH,
    VOCAB,
    sparql_prefixes,
)
from policykg.ontology.reasoning import Entailments, entailments, with_unique_names
from policykg.ontology.rules import (
    NOT_MATERIALISED,
    RuleError,
    TBox,
    compile_rules,
    core_file,
    defined_classes,
    rules,
)
from policykg.ontology.vocab import vocabulary
from policykg.pipeline import build
from policykg.queries.run import run_query

P = rdflib.Namespace(PKG)
FUZHOU = DATA + "region/350100"
FUZHOU_JOINT = DATA + "doc/000_dc428a24ed234c6a/measure/4352-4454"  # 联合城管执法、建设部门…
DEFINED = [
    "AirMeasure",
    "WaterMeasure",
    "SoilMeasure",
    "MarineMeasure",
    "HeavyMetalMeasure",
    "CommandAndControlMeasure",
    "MarketBasedMeasure",
    "InformationalMeasure",
    "OrganisationalMeasure",
    "JointlyRunMeasure",
]

# Plain SPARQL: no reasoner, no rules, only what the store holds.
AIR_VOC_MEASURES = f"""{sparql_prefixes()}
SELECT DISTINCT ?measure ?sentence WHERE {{
  ?measure a pkg:AirMeasure ;
           pkg:region <{FUZHOU}> ;
           pkg:pollutant <{VOCAB}pollutant/VOCs> ;
           pkg:span/oa:exact ?sentence .
}} ORDER BY ?measure"""
JOINTLY_RUN = f"""{sparql_prefixes()}
SELECT ?measure (COUNT(DISTINCT ?body) AS ?bodies) WHERE {{
  ?measure a pkg:JointlyRunMeasure ; pkg:region <{FUZHOU}> ; pkg:responsibleActor ?body .
}} GROUP BY ?measure ORDER BY ?measure"""
ASSERTED_ANYWHERE = """SELECT ?g WHERE {{ GRAPH ?g {{ <{s}> <{p}> <{o}> }} }}"""
# The graphs of inferences: the shared INFERRED_GRAPH and each document's INFERRED_GRAPH/doc/KEY.
INFERRED = f'STRSTARTS(STR(?g), "{INFERRED_GRAPH}")'
ASSERTED = f"!{INFERRED}"
# What NOT_MATERIALISED leaves out: the spans' two selector classes, and PROV's reading of pkg:inDocument.
SELECTORS = frozenset({OA + "TextPositionSelector", OA + "TextQuoteSelector"})
ENTITY, DERIVED_FROM = PROV + "Entity", PROV + "wasDerivedFrom"


def _companion(fact: str) -> str:
    """The inferred graph of the document a fact IRI was minted under."""
    return inferred_graph_of(fact.split("/measure/")[0])


def _rows(source, sparql: str) -> list[dict[str, str]]:
    _, bindings = source.select(sparql, {})
    return [{k: v["value"] for k, v in row.items()} for row in bindings]


def _triples(store: Store, graph_filter: str) -> set[tuple[str, str, str]]:
    """(s, p, o) of IRI-valued triples in the graphs the filter lets through."""
    rows = _rows(
        store, f"SELECT ?s ?p ?o WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER ({graph_filter} && isIRI(?o)) }}"
    )
    return {(r["s"], r["p"], r["o"]) for r in rows}


def _named(iri: str) -> bool:
    return iri.startswith((DATA, VOCAB))


@pytest.fixture(scope="module")
def hermit(store: Store) -> Entailments:
    """HermiT's entailments on the five plans (every document, the places, the corpus totals,
    core and vocabularies).

    Read with unique names for the departments, as the rules count them. One role
    node of 鹿城区's summary holds three bodies (公检法, one word: graph/build.py names
    the role by its span and role only), which makes the functional pkg:actor
    name three bodies at once; the sample keeps the first of them, so that HermiT
    has a model at all. test_the_bundled_store_passes_the_store_check tracks it.
    """
    sample = store_sample(store, asserted_documents(store), [TOTALS_GRAPH])
    for role in set(sample.subjects(P.actor, None)):
        for extra in sorted(sample.objects(role, P.actor))[1:]:
            sample.remove((role, P.actor, extra))
    return entailments(with_unique_names(sample))


@pytest.fixture(scope="module")
def core_classes() -> set[str]:
    core = rdflib.Graph().parse(core_file(), format="turtle")
    return {str(c) for c in core.subjects(RDF.type, OWL.Class) if isinstance(c, rdflib.URIRef)}


# -- the inferred graph on the bundled plans -----------------------------------------------


def test_a_build_writes_the_inferred_graphs(store: Store):
    graphs = set(store.graphs())
    assert INFERRED_GRAPH in graphs
    assert all(inferred_graph_of(doc) in graphs for doc in store.document_graphs())
    inferred = _triples(store, INFERRED)
    assert len(inferred) > 1000
    by_class = defaultdict(int)
    for _, p, o in inferred:
        if p == str(RDF.type):
            by_class[o] += 1
    for name in DEFINED:
        assert by_class[PKG + name] > 0, name  # every defined class has members on the five plans


def test_a_fuzhou_voc_measure_is_an_air_measure_that_no_extractor_asserted(store: Store):
    rows = _rows(store, AIR_VOC_MEASURES)
    assert rows and all("挥发性有机物" in r["sentence"] or "VOCs" in r["sentence"] for r in rows)
    for row in rows:
        where = _rows(store, ASSERTED_ANYWHERE.format(s=row["measure"], p=RDF.type, o=PKG + "AirMeasure"))
        # in its document's inferred graph and nowhere else
        assert [w["g"] for w in where] == [_companion(row["measure"])]


def test_a_fuzhou_measure_two_bodies_share_is_jointly_run(store: Store):
    rows = {r["measure"]: int(r["bodies"]) for r in _rows(store, JOINTLY_RUN)}
    assert rows.get(FUZHOU_JOINT) == 2
    _, sentence = store.select(
        f"SELECT ?s WHERE {{ <{FUZHOU_JOINT}> <http://www.w3.org/ns/oa#exact>|<{PKG}span>/<http://www.w3.org/ns/oa#exact> ?s }}",
        {},
    )
    assert "联合城管执法、建设部门" in sentence[0]["s"]["value"]
    joint = _rows(store, f"SELECT ?a WHERE {{ <{FUZHOU_JOINT}> <{PKG}jointActor> ?a }} ORDER BY ?a")
    assert [r["a"].rsplit("/", 1)[1] for r in joint] == ["housing_construction", "urban_management"]
    for row in joint:  # pkg:responsibleActor and pkg:involvesActor: inferred, never asserted
        for prop in ("responsibleActor", "involvesActor"):
            where = _rows(store, ASSERTED_ANYWHERE.format(s=FUZHOU_JOINT, p=PKG + prop, o=row["a"]))
            assert [w["g"] for w in where] == [_companion(FUZHOU_JOINT)], prop


def test_regions_are_within_their_whole_parent_chain(store: Store):
    within = {(s, o) for s, p, o in _triples(store, "true") if p == PKG + "withinRegion"}
    lucheng, wenzhou, zhejiang = (DATA + f"region/{c}" for c in ("330302", "330300", "330000"))
    assert {(lucheng, wenzhou), (lucheng, zhejiang), (wenzhou, zhejiang)} <= within
    assert not any(s == o for s, o in within)  # a province is not within itself
    assert all(s.startswith(DATA + "region/") and o.startswith(DATA + "region/") for s, o in within)


def test_every_region_carries_its_code_level_and_a_chain_up_to_a_province(store: Store):
    """What ontology/README.md says of regions, on the five plans: GB/T 2260 code, level, class,
    and (inferred) pkg:withinRegion up to a pkg:Province, or it is one."""
    rows = _rows(
        store,
        f"""SELECT ?r ?code ?level (SAMPLE(?top) AS ?province) (COUNT(DISTINCT ?cls) AS ?classes) WHERE {{
          ?r a <{PKG}Region> ; <{PKG}adcode> ?code ; <{PKG}level> ?level ; a ?cls .
          OPTIONAL {{ ?r <{PKG}withinRegion> ?top . ?top a <{PKG}Province> }}
        }} GROUP BY ?r ?code ?level""",
    )
    assert len(rows) == 9  # 5 places, 温州市 above 鹿城区, 3 provinces
    levels = {"province": "Province", "prefecture": "Prefecture", "county": "County", "district": "District"}
    for row in rows:
        assert row["r"] == DATA + "region/" + row["code"] and len(row["code"]) == 6 and row["code"].isdigit()
        assert row["level"] in levels
        is_a = _rows(store, f"ASK {{ <{row['r']}> a <{PKG}{levels[row['level']]}> }}")
        assert is_a[0]["ask"] == "true"
        if row["level"] == "province":
            assert "province" not in row
        else:
            assert row["province"] == DATA + f"region/{row['code'][:2]}0000"


def test_nothing_in_the_inferred_graphs_is_also_asserted(store: Store):
    inferred = _triples(store, INFERRED)
    asserted = _triples(store, ASSERTED)
    assert inferred and not inferred & asserted


# -- HermiT and the rules agree --------------------------------------------------------------


def test_hermit_and_the_rules_give_every_individual_the_same_classes(store, hermit, core_classes):
    """For every document fact, place, body and concept: the named classes HermiT entails are
    exactly those asserted plus those the rules wrote into the inferred graph, but for the
    classes no rule writes (NOT_MATERIALISED: the spans' selector classes and prov:Entity,
    checked below)."""
    ours: dict[str, set[str]] = defaultdict(set)
    for s, p, o in _triples(store, "true"):
        if p == str(RDF.type) and o in core_classes and _named(s):
            ours[s].add(o)
    theirs = {
        i: {c for c in classes if c in core_classes and c not in NOT_MATERIALISED}
        for i, classes in hermit.types.items()
        if _named(i)
    }
    theirs = {i: c for i, c in theirs.items() if c}
    assert len(theirs) > 2000  # 2,179 on the five plans: facts, places, bodies, concepts (spans below)
    differ = {i: (sorted(ours.get(i, ())), sorted(theirs.get(i, ()))) for i in set(ours) | set(theirs)}
    differ = {i: pair for i, pair in differ.items() if pair[0] != pair[1]}
    assert not differ, dict(list(differ.items())[:5])
    members = defaultdict(int)
    for classes in theirs.values():
        for c in classes:
            members[c] += 1
    assert all(members[PKG + name] > 0 for name in DEFINED)


def test_the_left_out_rules_are_the_not_materialised_terms_and_no_rule_writes_them():
    assert SELECTORS | {ENTITY, DERIVED_FROM} == NOT_MATERIALISED
    assert NOT_MATERIALISED.isdisjoint(r.head for r in rules())
    tbox = TBox(rdflib.Graph().parse(core_file(), format="turtle"))
    assert {
        r.head for r in compile_rules(tbox, skip=frozenset()) if r.head in NOT_MATERIALISED
    } == NOT_MATERIALISED


def _left_out(heads: set[str]) -> list:
    tbox = TBox(rdflib.Graph().parse(core_file(), format="turtle"))
    return [r for r in compile_rules(tbox, skip=frozenset()) if r.head in heads]


def test_spans_hold_no_type_yet_hermit_and_the_rules_make_every_span_both_selectors(store, hermit):
    """graph/build.py writes no rdf:type on a span node, and neither does the inferred graph
    (NOT_MATERIALISED); the range of pkg:span makes each one both selectors all the same:
    HermiT says so of every span and of nothing else, and so would the rules left out."""
    spans = {r["s"] for r in _rows(store, f"SELECT DISTINCT ?s WHERE {{ ?f <{PKG}span> ?s }}")}
    assert len(spans) > 1500  # 1,770 on the five plans
    assert _rows(store, f"SELECT ?s ?c WHERE {{ ?f <{PKG}span> ?s . ?s a ?c }} LIMIT 5") == []
    selectors = {i for i, classes in hermit.types.items() if classes & SELECTORS}
    assert selectors == spans
    assert all(hermit.types[s] >= SELECTORS for s in spans)
    left_out = _left_out(set(SELECTORS))
    triples, counts = derive(store, left_out)
    assert all(counts[r.name] == len(spans) for r in left_out)
    assert {t.subject.value for t in triples} == spans


def test_the_store_holds_no_prov_terms_yet_hermit_and_the_rules_read_every_fact_as_derived_from_its_document(
    store, hermit
):
    """pkg:inDocument is a sub-property of prov:wasDerivedFrom, and documents and facts are
    prov:Entity: HermiT entails both for every fact; the store holds neither (NOT_MATERIALISED),
    and the rules left out would derive exactly what HermiT entails."""
    assert (
        _rows(
            store, f"SELECT ?s WHERE {{ {{ ?s <{DERIVED_FROM}> ?o }} UNION {{ ?s a <{ENTITY}> }} }} LIMIT 5"
        )
        == []
    )
    in_document = {
        (r["s"], r["o"]) for r in _rows(store, f"SELECT ?s ?o WHERE {{ ?s <{PKG}inDocument> ?o }}")
    }
    assert len(in_document) > 1500
    derived = {(s, o) for s, o in hermit.pairs.get(DERIVED_FROM, set()) if _named(s) and _named(o)}
    assert derived == in_document
    entities = {i for i, classes in hermit.types.items() if ENTITY in classes and _named(i)}
    assert entities >= {d for _, d in in_document}  # every document, and the facts of the subclasses
    triples, _ = derive(store, _left_out({ENTITY, DERIVED_FROM}))
    ours_derived = {(t.subject.value, t.object.value) for t in triples if t.predicate.value == DERIVED_FROM}
    ours_entities = {t.subject.value for t in triples if t.predicate.value == str(RDF.type)}
    assert ours_derived == in_document
    assert ours_entities == entities


@pytest.mark.parametrize("rule", [r for r in rules() if r.kind == "property"], ids=lambda r: r.name)
def test_hermit_and_the_rules_give_every_inferred_property_the_same_pairs(store, hermit, rule):
    """Every pair of pkg:involvesActor, pkg:responsibleActor, pkg:withinRegion and
    skos:broaderTransitive that HermiT entails is asserted or inferred, and no other."""
    ours = {(s, o) for s, p, o in _triples(store, "true") if p == rule.head and _named(s) and _named(o)}
    theirs = {(s, o) for s, o in hermit.pairs.get(rule.head, set()) if _named(s) and _named(o)}
    assert theirs, rule.name
    assert ours == theirs, (sorted(ours - theirs)[:5], sorted(theirs - ours)[:5])


# -- the rules ---------------------------------------------------------------------------------


def test_every_defined_class_has_a_rule_and_every_rule_reads_asserted_graphs_only():
    names = {r.name for r in rules() if r.defined}
    assert names == {f"pkg:{name}" for name in DEFINED}
    assert sorted(defined_classes()) == sorted(PKG + name for name in DEFINED)
    for rule in rules():
        assert rule.sparql.startswith("CONSTRUCT")
        # every GRAPH pattern of the rule is kept off the inferred graphs
        assert rule.sparql.count("GRAPH ?") == rule.sparql.count("STRSTARTS(STR(?g"), rule.name
        assert rule.sparql.count("GRAPH ?") == rule.sparql.count(f'"{INFERRED_GRAPH}"'), rule.name
    for rule in rules(exclude_graph=None):  # for a store of asserted triples only: plain patterns
        assert "GRAPH" not in rule.sparql and INFERRED_GRAPH not in rule.sparql, rule.name


def test_a_definition_with_an_open_world_restriction_is_refused():
    tbox = TBox(
        rdflib.Graph().parse(
            data="""
            @prefix owl: <http://www.w3.org/2002/07/owl#> .
            @prefix ex: <http://example.org/> .
            ex:has a owl:ObjectProperty . ex:Thing a owl:Class .
            ex:OnlyThings a owl:Class ; owl:equivalentClass [ a owl:Restriction ;
                owl:onProperty ex:has ; owl:allValuesFrom ex:Thing ] .
            """,
            format="turtle",
        )
    )
    with pytest.raises(RuleError, match="only hasValue, someValuesFrom and minimum"):
        compile_rules(tbox)


def test_a_minimum_cardinality_counts_distinct_bodies(tmp_path: Path):
    """A small ontology of its own, compiled and run on a small graph: two distinct
    fillers make a member, one filler named twice does not."""
    core = tmp_path / "mini.ttl"
    core.write_text(
        """
        @prefix owl: <http://www.w3.org/2002/07/owl#> .
        @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
        @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
        @prefix ex: <http://example.org/> .
        ex:Task a owl:Class . ex:Body a owl:Class .
        ex:by a owl:ObjectProperty . ex:ledBy a owl:ObjectProperty ; rdfs:subPropertyOf ex:by .
        ex:Shared a owl:Class ; owl:equivalentClass [ a owl:Class ; owl:intersectionOf ( ex:Task
            [ a owl:Restriction ; owl:onProperty ex:by ; owl:minQualifiedCardinality "2"^^xsd:nonNegativeInteger ;
              owl:onClass ex:Body ] ) ] .
        """,
        encoding="utf-8",
    )
    store = Store()
    data = """
    <http://example.org/t1> a <http://example.org/Task> ; <http://example.org/ledBy> <http://example.org/b1> ;
        <http://example.org/by> <http://example.org/b2> .
    <http://example.org/t2> a <http://example.org/Task> ; <http://example.org/ledBy> <http://example.org/b1> ;
        <http://example.org/by> <http://example.org/b1> .
    <http://example.org/b1> a <http://example.org/Body> . <http://example.org/b2> a <http://example.org/Body> .
    """
    triples = "\n".join(
        f"{t.subject} {t.predicate} {t.object} ." for t in ox.parse(data, format=ox.RdfFormat.TURTLE)
    )
    store.replace_document(DocumentGraph("http://example.org/g", triples=triples))
    derived, counts = derive(store, rules(core))
    shared = {str(t.subject.value) for t in derived if str(t.object.value) == "http://example.org/Shared"}
    assert shared == {"http://example.org/t1"}
    by = {(t.subject.value, t.object.value) for t in derived if t.predicate.value == "http://example.org/by"}
    assert by == {("http://example.org/t1", "http://example.org/b1")}  # from ledBy; t2's is asserted
    assert counts["<http://example.org/Shared>"] == 1


# -- materialisation ------------------------------------------------------------------------

PLAN = """2022年漳州市生态环境保护工作要点
一、深入打好蓝天保卫战
1.推进重点行业挥发性有机物综合治理,联合公安、交通运输部门开展柴油货车联合执法检查。
2.全面推行排污权交易,完善排污权有偿使用制度。
"""
CHANGED = """2022年漳州市生态环境保护工作要点
一、深入打好碧水保卫战
1.推进城镇污水处理提质增效,完成10公里管网建设。
"""


def _inferred_kinds(store: Store) -> dict[str, set[str]]:
    rows = _rows(
        store,
        f"SELECT ?m ?c WHERE {{ GRAPH ?g {{ ?m a ?c }} FILTER ({INFERRED} && STRSTARTS(STR(?m), '{DATA}doc/')) }}",
    )
    out: dict[str, set[str]] = defaultdict(set)
    for r in rows:
        out[r["m"]].add(r["c"].rsplit("#", 1)[-1])
    return out


def test_a_rebuilt_document_keeps_no_inference_of_its_old_text(tmp_path: Path):
    plan = tmp_path / "zhangzhou-2022.txt"
    plan.write_text(PLAN, encoding="utf-8")
    store = Store(tmp_path / "store")
    assert build([plan], store, workers=1).ok
    before = _inferred_kinds(store)
    voc = [m for m, kinds in before.items() if {"AirMeasure", "JointlyRunMeasure"} <= kinds]
    trading = [m for m, kinds in before.items() if "MarketBasedMeasure" in kinds]
    assert len(voc) == 1 and len(trading) == 1
    plan.write_text(CHANGED, encoding="utf-8")
    assert build([plan], store, workers=1).ok
    after = _inferred_kinds(store)
    assert not set(voc + trading) & set(after)  # the old measures' inferences are gone
    assert any("WaterMeasure" in kinds for kinds in after.values())
    subjects = {s for s, _, _ in _triples(store, INFERRED)} - {INFERRED_GRAPH}
    asserted = {s for s, _, _ in _triples(store, ASSERTED)}
    assert subjects <= asserted  # every inference is about something the asserted graphs name


def test_materialise_skips_unchanged_shared_graphs_and_forcing_gives_the_same_graph(tmp_path: Path):
    plan = tmp_path / "zhangzhou-2022.txt"
    plan.write_text(PLAN, encoding="utf-8")
    store = Store(tmp_path / "store")
    assert build([plan], store, workers=1).ok
    first = _triples(store, f"?g = <{INFERRED_GRAPH}>")
    # the shared graph holds what the places and the ontology entail: 漳州市 lies within 福建省
    assert (DATA + "region/350600", PKG + "withinRegion", DATA + "region/350000") in first
    assert not any(s.startswith(DATA + "doc/") for s, _, _ in first)
    again = materialise(store)
    assert again.skipped and again.total == 0
    forced = materialise(store, force=True)
    assert not forced.skipped and forced.total == len(first)  # _triples leaves out the literal bookkeeping
    assert _triples(store, f"?g = <{INFERRED_GRAPH}>") == first
    other = tmp_path / "quanzhou-2022.txt"  # a new place: the shared graph is computed again
    other.write_text(PLAN.replace("漳州市", "泉州市"), encoding="utf-8")
    assert build([other], store, workers=1).ok
    assert (DATA + "region/350500", PKG + "withinRegion", DATA + "region/350000") in _triples(
        store, f"?g = <{INFERRED_GRAPH}>"
    )


# -- plain SPARQL on a server sees the inferences --------------------------------------------


def test_the_oxigraph_server_answers_the_same_plain_sparql(store: Store, tmp_path: Path):
    with oxigraph_server(tmp_path) as server:
        endpoint = Endpoint(server.query_url, server.update_url)
        endpoint.push(store)
        remote_air = _rows(endpoint, AIR_VOC_MEASURES)
        remote_joint = {r["measure"]: int(r["bodies"]) for r in _rows(endpoint, JOINTLY_RUN)}
    assert remote_air and remote_air == _rows(store, AIR_VOC_MEASURES)
    assert remote_joint.get(FUZHOU_JOINT) == 2
    assert remote_joint == {r["measure"]: int(r["bodies"]) for r in _rows(store, JOINTLY_RUN)}


# -- checks of a store ---------------------------------------------------------------------


def test_a_sample_spreads_over_the_documents():
    docs = [f"d{i:02}" for i in range(10)]
    assert pick_sample(docs, 3) == ["d00", "d03", "d06"]
    assert pick_sample(docs, 20) == docs and pick_sample(docs, 0) == []


def test_the_store_check_names_a_subject_with_two_values_of_a_functional_property():
    store = Store()
    role, a, b = (
        DATA + "doc/x/role/1-4-joint",
        DATA + "actor/350100/court",
        DATA + "actor/350100/procuratorate",
    )
    triples = (
        f"<{role}> <{RDF.type}> <{PKG}ActorRole> .\n<{role}> <{PKG}actor> <{a}> .\n<{role}> <{PKG}actor> <{b}> .\n"
        f"<{a}> <{RDF.type}> <{PKG}Department> .\n<{b}> <{RDF.type}> <{PKG}Department> ."
    )
    store.replace_document(DocumentGraph(DATA + "doc/x", triples=triples))
    problems = functional_problems(store)
    assert [p.check for p in problems] == ["functional"]
    assert role in problems[0].message and "pkg:actor" in problems[0].message
    sample = check_store(store, sample=1)  # HermiT, with unique names, finds no model either
    assert [p.check for p in sample] == ["functional", "sample"]
    assert "inconsistent" in sample[1].message and role in sample[1].message


def test_the_bundled_store_passes_the_store_check(store: Store):
    assert check_store(store, sample=0) == []


# -- the ready questions that read inferred classes and properties --------------------------


def _answer(store: Store, name: str, **params: str) -> list[dict]:
    result = run_query(store, name, params)
    return [dict(zip(result.columns, row, strict=True)) for row in result.rows]


def test_inferred_market_based_lists_measures_with_a_market_based_instrument(store: Store):
    rows = _answer(store, "inferred-market-based")
    assert len(rows) >= 10
    instruments = vocabulary("instrument")
    assert all(instruments[r["instrument"]].prop("instrumentType") == "market_based" for r in rows)
    assert {"emissions_trading"} <= {r["instrument"] for r in rows}  # 衢州市: 排污权交易
    trading = next(r for r in rows if r["instrument"] == "emissions_trading")
    assert trading["place"] == "衢州市" and "排污权交易" in trading["sentence"]


def test_inferred_jointly_run_gives_the_bodies_of_each_measure(store: Store):
    rows = {r["measure"]: r for r in _answer(store, "inferred-jointly-run")}
    fuzhou = rows[FUZHOU_JOINT]
    assert (fuzhou["place"], fuzhou["bodies"]) == ("福州市", 2)
    assert set(fuzhou["functions"].split(", ")) == {"housing_construction", "urban_management"}
    assert all(r["bodies"] >= 2 for r in rows.values())
    assert len(rows) == len(_rows(store, f"SELECT ?m WHERE {{ ?m a <{PKG}JointlyRunMeasure> }}"))


def test_inferred_measure_kinds_counts_each_defined_class_per_place(store: Store):
    rows = _answer(store, "inferred-measure-kinds")
    assert {r["place"] for r in rows} == {"福州市", "泉州市", "衢州市", "衡阳市", "鹿城区"}
    assert {r["kind"] for r in rows} == set(DEFINED)
    for r in rows:
        assert 0 < r["measures"] <= r["all_measures"]
        count = _rows(
            store,
            f"SELECT (COUNT(DISTINCT ?m) AS ?n) WHERE {{ ?m a <{PKG}{r['kind']}> ; <{PKG}region> ?r . "
            f'?r <{PKG}adcode> "{r["adcode"]}" }}',
        )
        assert int(count[0]["n"]) == r["measures"], r


def test_competency_province_measures_reach_districts_through_their_city(store: Store):
    zhejiang = _answer(store, "competency-province-measures")
    assert {r["place"] for r in zhejiang} == {"衢州市", "鹿城区"}
    lucheng = [r for r in zhejiang if r["place"] == "鹿城区"]
    assert {(r["level"], r["parent"]) for r in lucheng} == {("district", "温州市")}
    fujian = _answer(store, "competency-province-measures", province="350000")
    assert {r["place"] for r in fujian} == {"福州市", "泉州市"}
    assert sum(r["measures"] for r in fujian if r["place"] == "福州市") == int(
        _rows(
            store,
            f"SELECT (COUNT(DISTINCT ?m) AS ?n) WHERE {{ ?m a <{PKG}Measure> ; <{PKG}region> <{FUZHOU}> }}",
        )[0]["n"]
    )


def test_an_old_inference_cannot_derive_itself_again():
    """pkg:involvesActor is read by its own rule (a sub-property path that includes it):
    were the rules to read the inferred graphs, the old triple would survive its cause."""
    store = Store()
    measure, actor, doc = DATA + "doc/y/measure/1-9", DATA + "actor/350100/court", DATA + "doc/y"
    base = f"<{measure}> <{RDF.type}> <{PKG}Measure> .\n<{actor}> <{RDF.type}> <{PKG}Department> .\n"
    led = DocumentGraph(doc, triples=f"{base}<{measure}> <{PKG}leadActor> <{actor}> .\n")
    store.replace_document(led, infer_document(led))
    involves = ox.Triple(ox.NamedNode(measure), ox.NamedNode(PKG + "involvesActor"), ox.NamedNode(actor))
    ask = f"ASK {{ GRAPH <{inferred_graph_of(doc)}> {{ {involves} }} }}"
    assert _rows(store, ask)[0]["ask"] == "true"
    assert involves in derive(store)[0]  # the whole-store rules agree
    unled = DocumentGraph(doc, triples=base)  # the lead role is gone
    derived = {
        ox.Triple(q.subject, q.predicate, q.object)
        for q in ox.parse(infer_document(unled), format=ox.RdfFormat.N_TRIPLES)
    }
    assert derived and involves not in derived
    # Stored with the old inferences still beside it, the whole-store rules do not keep them alive.
    store.replace_document(unled, infer_document(led))
    assert involves not in derive(store)[0]
    store.replace_document(unled, infer_document(unled))
    assert _rows(store, ask)[0]["ask"] == "false"
