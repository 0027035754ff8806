"""The ontology: OWL core under HermiT, SKOS vocabularies, SHACL shapes.

HermiT runs for real (owlready2 + Java 17); the shapes run with pyshacl.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from collections import defaultdict
from importlib import resources
from pathlib import Path

import owlready2
import pyshacl
import pytest
import rdflib
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from policykg.errors import PolicyKGError
from policykg.ontology.namespaces import PKG, VOCAB, concept_iri
from policykg.ontology.reasoning import check_consistency, core_path, load_core
from policykg.ontology.rules import TBox
from policykg.ontology.vocab import load_vocabularies, vocab_dir, vocabulary

ONTOLOGY = vocab_dir().parent
GOLD = Path(__file__).resolve().parents[2] / "shared" / "gold"
P = rdflib.Namespace(PKG)

# The codes of ../shared/gold/SCHEMA.md
SCHEMA_POLLUTANTS = [
    "PM2.5",
    "PM10",
    "O3",
    "VOCs",
    "NOx",
    "SO2",
    "CO",
    "CO2",
    "particulate",
    "COD",
    "NH3-N",
    "TP",
    "TN",
    "heavy_metals",
    "Tl",
    "Cd",
    "Pb",
    "Hg",
    "As",
    "Cr",
    "hazardous_waste",
    "medical_waste",
    "solid_waste",
    "plastic",
    "marine_litter",
    "domestic_sewage",
    "black_odorous_water",
    "noise",
    "radiation",
    "new_pollutants",
    "ODS",
    "straw_burning",
    "vehicle_exhaust",
    "other",
]
SCHEMA_ACTORS = [
    "ecology_environment",
    "development_reform",
    "industry_it",
    "public_security",
    "finance",
    "natural_resources",
    "housing_construction",
    "urban_management",
    "transport",
    "water_resources",
    "agriculture_rural",
    "commerce",
    "health",
    "emergency",
    "market_regulation",
    "forestry",
    "ocean_fishery",
    "meteorology",
    "education",
    "publicity",
    "court",
    "procuratorate",
    "peoples_congress",
    "party_committee",
    "government",
    "environment_committee",
    "discipline",
    "tax",
    "statistics",
    "culture_tourism",
    "postal",
    "subordinate_government",
    "enterprise",
    "public",
    "expert",
    "other",
]
SCHEMA_UNITS = [
    "μg/m3",
    "%",
    "days",
    "count",
    "10k_yuan",
    "100m_yuan",
    "yuan",
    "km",
    "tonnes",
    "10k_tonnes",
    "tonnes_per_day",
    "m2",
    "mu",
]
SCHEMA_COMPARATORS = ["<=", ">=", "=", "reduce_by", "increase_by", "no_increase", "eliminate"]

# Terms the graph builder writes: each must be defined in core.ttl
CLASSES = [
    "PolicyDocument",
    "Section",
    "Measure",
    "QuantitativeStatement",
    "Target",
    "ReportedResult",
    "ActorRole",
    "InstrumentAdoption",
    "Region",
    "Province",
    "Prefecture",
    "County",
    "District",
    "Department",
    "CoResponsibility",
]
OBJECT_PROPERTIES = [
    "inDocument",
    "inSection",
    "parentSection",
    "span",
    "campaign",
    "pollutant",
    "actionType",
    "instrument",
    "involvesActor",
    "responsibleActor",
    "leadActor",
    "cooperatingActor",
    "jointActor",
    "supervisedActor",
    "mentionsActor",
    "actor",
    "role",
    "ofMeasure",
    "comparator",
    "unit",
    "strength",
    "status",
    "documentType",
    "issuer",
    "region",
    "function",
    "parentRegion",
    "withinRegion",
    "province",
    "functionA",
    "functionB",
    "medium",
    "instrumentType",
]
DATATYPE_PROPERTIES = [
    "year",
    "value",
    "indicator",
    "adcode",
    "level",
    "sourceFile",
    "checksum",
    "number",
    "sectionLevel",
    "extractorVersion",
    "unitText",
]


@pytest.fixture(scope="module")
def core() -> rdflib.Graph:
    return rdflib.Graph().parse(core_path(), format="turtle")


@pytest.fixture(scope="module")
def vocab_graph() -> rdflib.Graph:
    graph = rdflib.Graph()
    for path in sorted(vocab_dir().glob("*.ttl")):
        graph.parse(path, format="turtle")
    return graph


@pytest.fixture(scope="module")
def shapes() -> rdflib.Graph:
    return rdflib.Graph().parse(ONTOLOGY / "shapes.ttl", format="turtle")


def _labels(graph: rdflib.Graph, term, lang: str) -> list[str]:
    return [str(o) for o in graph.objects(term, RDFS.label) if getattr(o, "language", None) == lang]


# ------------------------------------------------------------------ OWL core


def test_core_is_versioned(core):
    ontology = rdflib.URIRef("https://w3id.org/policykg/ontology")
    assert (ontology, RDF.type, OWL.Ontology) in core
    assert core.value(ontology, OWL.versionIRI) == rdflib.URIRef("https://w3id.org/policykg/ontology/0.2.0")
    assert str(core.value(ontology, OWL.versionInfo)) == "0.2.0"
    assert core.value(ontology, OWL.priorVersion) == rdflib.URIRef("https://w3id.org/policykg/ontology/0.1.0")
    changelog = (ONTOLOGY / "CHANGELOG.md").read_text(encoding="utf-8")
    assert "## 0.2.0" in changelog and changelog.index("## 0.2.0") < changelog.index("## 0.1.0")


@pytest.mark.parametrize(
    ("names", "kind"),
    [
        (CLASSES, OWL.Class),
        (OBJECT_PROPERTIES, OWL.ObjectProperty),
        (DATATYPE_PROPERTIES, OWL.DatatypeProperty),
    ],
)
def test_every_builder_term_is_defined_with_labels_and_comment(core, names, kind):
    for name in names:
        term = P[name]
        assert (term, RDF.type, kind) in core, name
        assert _labels(core, term, "en") and _labels(core, term, "zh"), name
        assert core.value(term, RDFS.comment) is not None, name


def test_core_reuses_w3c_terms_where_they_fit(core):
    assert (P.PolicyDocument, RDFS.subClassOf, rdflib.URIRef("http://www.w3.org/ns/prov#Entity")) in core
    assert (P.Measure, RDFS.subClassOf, rdflib.URIRef("http://www.w3.org/ns/prov#Entity")) in core
    assert (P.Department, RDFS.subClassOf, rdflib.URIRef("http://www.w3.org/ns/org#Organization")) in core
    assert (
        P.inDocument,
        RDFS.subPropertyOf,
        rdflib.URIRef("http://www.w3.org/ns/prov#wasDerivedFrom"),
    ) in core
    for role in ("leadActor", "cooperatingActor", "jointActor", "supervisedActor"):
        assert (P[role], RDFS.subPropertyOf, P.involvesActor) in core
    assert (P.mentionsActor, RDFS.subPropertyOf, P.involvesActor) not in core
    for role in ("leadActor", "cooperatingActor", "jointActor"):
        assert (P[role], RDFS.subPropertyOf, P.responsibleActor) in core
    assert (P.supervisedActor, RDFS.subPropertyOf, P.responsibleActor) not in core
    assert (P.withinRegion, RDF.type, OWL.TransitiveProperty) in core
    assert (P.parentRegion, RDFS.subPropertyOf, P.withinRegion) in core
    # a province's pkg:province is itself: under withinRegion it would lie within itself
    assert (P.province, RDFS.subPropertyOf, P.withinRegion) not in core
    skos_broader_transitive = rdflib.URIRef("http://www.w3.org/2004/02/skos/core#broaderTransitive")
    assert (SKOS.broader, RDFS.subPropertyOf, skos_broader_transitive) in core
    assert (skos_broader_transitive, RDF.type, OWL.TransitiveProperty) in core
    for annotation in ("cue", "roleProperty", "modality", "casNumber", "buildVersion", "vocabularyVersion"):
        assert (P[annotation], RDF.type, OWL.AnnotationProperty) in core, annotation
    # the defined classes reach through these two, so they are object properties, not annotations
    for concept_link in ("medium", "instrumentType"):
        assert (P[concept_link], RDF.type, OWL.ObjectProperty) in core, concept_link


def test_owlready2_loads_the_core():
    ontology = load_core()
    try:
        assert ontology.Target in ontology.QuantitativeStatement.descendants()
        assert ontology.ReportedResult in ontology.Target.disjoints().__next__().entities
        assert ontology.leadActor in ontology.involvesActor.descendants()
    finally:
        ontology.world.close()


def test_hermit_finds_the_core_consistent():
    check_consistency()  # raises PolicyKGError if not


def test_hermit_infers_types_from_role_properties(tmp_path):
    """A lead actor of something makes that something a Measure and the actor a Department
    (domain and range of involvesActor, reached through the sub-property)."""
    data = tmp_path / "core+data.ttl"
    data.write_text(
        core_path().read_text(encoding="utf-8")
        + "\n<https://w3id.org/policykg/id/m1> pkg:leadActor <https://w3id.org/policykg/id/d1> .\n",
        encoding="utf-8",
    )
    ontology = load_core(data)
    try:
        with ontology:
            owlready2.sync_reasoner_hermit(ontology.world, infer_property_values=False, debug=0)
        measure = ontology.world["https://w3id.org/policykg/id/m1"]
        department = ontology.world["https://w3id.org/policykg/id/d1"]
        assert ontology.Measure in measure.is_a
        assert ontology.Department in department.is_a
    finally:
        ontology.world.close()


def test_the_graph_of_the_bundled_plans_is_consistent_with_the_core(tmp_path):
    """What graph/build.py writes for the five plans, with the core, passes HermiT: the
    builder's literals fit the ranges (years xsd:integer, values xsd:decimal, levels) and
    no node falls into two disjoint classes."""
    from pyoxigraph import Literal as OxLiteral
    from pyoxigraph import NamedNode as OxNamedNode

    from policykg.graph.build import document_quads, iter_quads
    from policykg.loaders.extract import extract
    from policykg.loaders.read import read_document

    def term(node):
        if isinstance(node, OxNamedNode):
            return rdflib.URIRef(node.value)
        if isinstance(node, OxLiteral):
            if node.language:
                return rdflib.Literal(node.value, lang=node.language)
            return rdflib.Literal(node.value, datatype=rdflib.URIRef(node.datatype.value))
        return rdflib.BNode(node.value)

    graph = rdflib.Graph().parse(core_path(), format="turtle")
    plans = sorted(Path(str(resources.files("policykg.corpus"))).glob("*.txt"))
    assert len(plans) == 5
    for plan in plans:
        for quad in iter_quads(document_quads(extract(read_document(plan)))):
            graph.add((term(quad.subject), term(quad.predicate), term(quad.object)))
    assert len(graph) > 10_000
    built = tmp_path / "core+plans.ttl"
    graph.serialize(built, format="turtle")
    check_consistency(built)


def test_an_individual_in_two_disjoint_classes_is_inconsistent(tmp_path):
    bad = tmp_path / "bad.ttl"
    bad.write_text(
        core_path().read_text(encoding="utf-8")
        + "\n<https://w3id.org/policykg/id/t1> a pkg:Target, pkg:ReportedResult .\n",
        encoding="utf-8",
    )
    with pytest.raises(PolicyKGError, match=r"inconsistent.*id/t1 is both .*ReportedResult and .*Target"):
        check_consistency(bad)


def test_a_value_outside_its_range_is_inconsistent(tmp_path):
    bad = tmp_path / "bad-level.ttl"
    bad.write_text(
        core_path().read_text(encoding="utf-8") + '\n<https://w3id.org/policykg/id/r1> pkg:level "city" .\n',
        encoding="utf-8",
    )
    with pytest.raises(PolicyKGError, match="inconsistent"):
        check_consistency(bad)


def test_an_unsatisfiable_class_is_reported(tmp_path):
    bad = tmp_path / "bad-class.ttl"
    bad.write_text(
        core_path().read_text(encoding="utf-8")
        + "\npkg:Impossible a owl:Class ; rdfs:subClassOf pkg:Target, pkg:ReportedResult .\n",
        encoding="utf-8",
    )
    with pytest.raises(PolicyKGError, match=r"cannot have members: .*Impossible"):
        check_consistency(bad)


def test_unreadable_turtle_names_the_file(tmp_path):
    bad = tmp_path / "broken.ttl"
    bad.write_text("pkg:Target a owl:Class", encoding="utf-8")
    with pytest.raises(PolicyKGError, match=r"broken\.ttl: not readable Turtle"):
        check_consistency(bad)


# -------------------------------------------------------------- vocabularies


def test_every_concept_has_notation_scheme_and_zh_en_preflabels(vocab_graph):
    concepts = set(vocab_graph.subjects(RDF.type, SKOS.Concept))
    assert len(concepts) > 300
    for concept in concepts:
        assert len(list(vocab_graph.objects(concept, SKOS.notation))) == 1, concept
        scheme = vocab_graph.value(concept, SKOS.inScheme)
        assert scheme is not None and str(concept).startswith(str(scheme)), concept
        prefs = list(vocab_graph.objects(concept, SKOS.prefLabel))
        assert [p.language for p in prefs].count("zh") == 1, concept
        assert [p.language for p in prefs].count("en") == 1, concept


def test_no_match_label_is_claimed_by_two_concepts_of_one_scheme():
    for scheme, vocab in load_vocabularies().items():
        owners: dict[str, set[str]] = defaultdict(set)
        for concept in vocab:
            for label in concept.labels:
                owners[label].add(concept.code)
        shared = {label: codes for label, codes in owners.items() if len(codes) > 1}
        assert not shared, f"{scheme}: {shared}"


def test_concept_iris_follow_the_scheme():
    """IRI = vocab/<scheme>/<notation>; units and comparators use an ASCII slug instead
    because their codes (μg/m3, <=) are no safe IRI segment."""
    for scheme, vocab in load_vocabularies().items():
        for concept in vocab:
            assert concept.iri.startswith(f"{VOCAB}{scheme}/")
            slug = concept.iri.rsplit("/", 1)[1]
            if scheme in ("unit", "comparator"):
                assert slug.isascii() and slug.replace("_", "").isalnum(), concept.iri
            else:
                assert concept.iri == concept_iri(scheme, concept.code), concept.iri


def test_schema_codes_exist():
    vocabs = load_vocabularies()
    assert set(SCHEMA_POLLUTANTS) <= set(vocabs["pollutant"].concepts)
    assert set(SCHEMA_ACTORS) <= set(vocabs["department"].concepts)
    assert set(SCHEMA_UNITS) <= set(vocabs["unit"].concepts)
    assert set(SCHEMA_COMPARATORS) == set(vocabs["comparator"].concepts)
    assert set(vocabs["role"].concepts) == {"lead", "cooperate", "joint", "supervised", "mentioned"}
    assert set(vocabs["strength"].concepts) == {"binding", "aspirational"}
    assert set(vocabs["status"].concepts) == {"planned", "reported"}


@pytest.mark.skipif(not GOLD.is_dir(), reason="no gold annotations next to the repository")
def test_every_code_the_gold_files_use_exists():
    vocabs = load_vocabularies()
    for path in sorted(GOLD.glob("*.json")):
        gold = json.loads(path.read_text(encoding="utf-8"))
        for target in gold["targets"]:
            assert target["comparator"] in vocabs["comparator"], (path.name, target)
            assert target["pollutant"] in (None, *vocabs["pollutant"].concepts), (path.name, target)
            assert target["campaign"] in (None, *vocabs["campaign"].concepts), (path.name, target)
        for actor in gold["actors"]:
            assert actor["canonical"] in vocabs["department"], (path.name, actor)
            assert actor["role"] in vocabs["role"], (path.name, actor)
        for pair in gold["campaign_pollutants"]:
            assert pair["pollutant"] in vocabs["pollutant"], (path.name, pair)


@pytest.mark.skipif(not GOLD.is_dir(), reason="no gold annotations next to the repository")
def test_instrument_labels_cover_the_gold_instruments():
    """Recall of adoptions starts with the labels: nearly every annotated instrument
    span contains a label of the scheme."""
    labels = [label for concept in vocabulary("instrument") for label in concept.labels]
    spans = [
        i["text"]
        for p in sorted(GOLD.glob("*.json"))
        for i in json.loads(p.read_text("utf-8"))["instruments"]
    ]
    covered = [text for text in spans if any(label in text for label in labels)]
    assert len(covered) >= 0.95 * len(spans), sorted(set(spans) - set(covered))


def test_department_names_as_plans_write_them():
    index = vocabulary("department").label_index()
    expect = {
        "公安": "public_security",
        "公安机关": "public_security",
        "交警": "public_security",
        "发改委": "development_reform",
        "发展和改革局": "development_reform",
        "住建局": "housing_construction",
        "住房和城乡建设局": "housing_construction",
        "建设部门": "housing_construction",
        "城管执法": "urban_management",
        "综合执法": "urban_management",
        "法院": "court",
        "检察": "procuratorate",
        "检察院": "procuratorate",
        "市政府": "government",
        "区委": "party_committee",
        "各县（市、区）": "subordinate_government",
        "各县(市、区)": "subordinate_government",
        "乡镇": "subordinate_government",
        "志愿者": "public",
        "社会组织": "public",
        "第三方机构": "expert",
        "高校": "expert",
        "环委办": "environment_committee",
        "纪委监委": "discipline",
        "企事业单位": "enterprise",
    }
    assert {name: index.get(name) for name in expect} == expect
    # a collective name stands for several functions, so it is a cue of each, not a label
    holders = {c.code for c in vocabulary("department") if "公检法" in c.props.get("cue", ())}
    assert holders == {"public_security", "procuratorate", "court"}
    assert "宣传" not in index  # a verb far more often than a body


def test_pollutant_hierarchy():
    pollutants = vocabulary("pollutant")
    for metal in ("Tl", "Cd", "Pb", "Hg", "As", "Cr"):
        assert pollutants.ancestors(metal) == ["heavy_metals"], metal
    assert pollutants.ancestors("PM2.5") == ["particulate"]
    assert pollutants.ancestors("PM10") == ["particulate"]
    assert pollutants.ancestors("medical_waste") == ["hazardous_waste", "solid_waste"]
    assert pollutants.ancestors("VOCs") == []


def test_pollutant_media_are_campaigns():
    pollutants, campaigns = vocabulary("pollutant"), vocabulary("campaign")
    expect = {
        "VOCs": "blue_sky",
        "PM2.5": "blue_sky",
        "COD": "clear_water",
        "black_odorous_water": "clear_water",
        "Tl": "clean_soil",
        "hazardous_waste": "clean_soil",
        "marine_litter": "blue_sea",
    }
    assert {code: pollutants[code].prop("medium") for code in expect} == expect
    for concept in pollutants:
        assert concept.prop("medium") in (None, *campaigns.concepts), concept.code
    assert pollutants["noise"].prop("medium") is None  # the gold leaves noise outside the campaigns


def test_pollutant_names_and_formulas():
    index = vocabulary("pollutant").label_index()
    expect = {
        "挥发性有机物": "VOCs",
        "挥发性有机污染物": "VOCs",
        "VOCs": "VOCs",
        "氮氧化物": "NOx",
        "臭氧": "O3",
        "细颗粒物": "PM2.5",
        "PM2.5": "PM2.5",
        "可吸入颗粒物": "PM10",
        "化学需氧量": "COD",
        "氨氮": "NH3-N",
        "总磷": "TP",
        "危废": "hazardous_waste",
        "固废": "solid_waste",
        "一般工业固废": "solid_waste",
        "医疗废物": "medical_waste",
        "黑臭水体": "black_odorous_water",
        "海漂垃圾": "marine_litter",
        "铊": "Tl",
    }
    assert {label: index.get(label) for label in expect} == expect
    carbon_monoxide = vocabulary("pollutant")["CO"]
    assert "CO" in carbon_monoxide.labels and "核" not in index


def test_instruments_are_many_and_typed():
    instruments, types = vocabulary("instrument"), vocabulary("instrument_type")
    assert len(instruments) >= 80
    assert set(types.concepts) == {"command_and_control", "market_based", "informational", "organisational"}
    for concept in instruments:
        assert concept.prop("instrumentType") in types, concept.code
    index = instruments.label_index()
    assert index["湾（滩）长制"] == index["湾长制"] == index["湾(滩)长制"] == "bay_chief"
    assert index["河湖长制"] == "river_chief"
    assert index["LDAR"] == "ldar"
    assert instruments[index["排污权交易"]].prop("instrumentType") == "market_based"
    assert instruments[index["排污许可"]].prop("instrumentType") == "command_and_control"


def test_units_keep_gold_codes_with_safe_iris():
    units = vocabulary("unit")
    index = units.label_index()
    for spelling in ("微克/立方米", "微克每立方米", "ug/m3", "µg/m3", "μg/m³"):
        assert index[spelling] == "μg/m3", spelling
    assert units["μg/m3"].iri == f"{VOCAB}unit/ug_per_m3"
    assert index["万元"] == "10k_yuan" and index["亿元"] == "100m_yuan" and index["公里"] == "km"
    assert index["家"] == index["个"] == index["项"] == "count"
    graph = rdflib.Graph().parse(vocab_dir() / "unit.ttl")
    qudt = graph.value(rdflib.URIRef(units["μg/m3"].iri), SKOS.exactMatch)
    assert str(qudt) == "http://qudt.org/vocab/unit/MicroGM-PER-M3"


def test_comparator_and_role_cues(core):
    comparators = vocabulary("comparator").label_index()
    assert comparators["不高于"] == comparators["控制在"] == "<="
    assert comparators["不低于"] == comparators["达到"] == ">="
    assert comparators["下降"] == "reduce_by" and comparators["不新增"] == "no_increase"
    assert comparators["基本消除"] == "eliminate"
    assert "以上" in vocabulary("comparator")[">="].props["cue"]  # after the figure
    roles = vocabulary("role")
    assert roles.label_index()["会同"] == "joint" and roles.label_index()["配合"] == "cooperate"
    for concept in roles:
        prop = rdflib.URIRef(concept.prop("roleProperty"))
        assert (prop, RDF.type, OWL.ObjectProperty) in core, concept.code
        under = (prop, RDFS.subPropertyOf, P.involvesActor) in core
        assert under == (concept.code != "mentioned"), concept.code


# ------------------------------------------------------------------ SHACL


def _validate(data: rdflib.Graph, shapes: rdflib.Graph) -> tuple[bool, str]:
    conforms, _, text = pyshacl.validate(data, shacl_graph=shapes, advanced=True)
    return conforms, text


def test_vocabularies_pass_their_shapes(vocab_graph, shapes):
    conforms, text = _validate(vocab_graph, shapes)
    assert conforms, text


def test_vocabulary_shapes_catch_missing_labels_and_shared_labels(shapes):
    bad = rdflib.Graph().parse(
        data="""
        @prefix skos: <http://www.w3.org/2004/02/skos/core#> .
        @prefix pollutant: <https://w3id.org/policykg/vocab/pollutant/> .
        pollutant: a skos:ConceptScheme .
        pollutant:a a skos:Concept ; skos:inScheme pollutant: ; skos:notation "a" ;
            skos:prefLabel "甲"@zh ; skos:altLabel "危废"@zh .
        pollutant:b a skos:Concept ; skos:inScheme pollutant: ; skos:notation "b" ;
            skos:prefLabel "危废"@zh, "B"@en .
        """,
        format="turtle",
    )
    conforms, text = _validate(bad, shapes)
    assert not conforms
    assert "prefLabel@en" in text or "languageIn" in text  # pollutant:a has no English label
    assert "label 危废 is claimed by more than one concept" in text


SPAN = """
@prefix pkg: <https://w3id.org/policykg/ontology#> .
@prefix oa: <http://www.w3.org/ns/oa#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix id: <https://w3id.org/policykg/id/> .
id:d a pkg:PolicyDocument .
id:s oa:start {start} ; oa:end 27 ;  # no type, as the builder writes it: pkg:span's range gives it
    oa:exact "PM2.5年均浓度不高于23微克/立方米" .
id:m a pkg:Measure ; pkg:inDocument id:d ; pkg:span id:s .
id:t a pkg:Target ; pkg:ofMeasure id:m ; pkg:span id:s ; pkg:year 2021 ;
    pkg:comparator <https://w3id.org/policykg/vocab/comparator/le> ; pkg:value 23.0 {unit} .
id:fz a pkg:Prefecture .
id:dep a pkg:Department ; pkg:function <https://w3id.org/policykg/vocab/department/urban_management> ;
    pkg:region id:fz .
"""

UNIT = "; pkg:unit <https://w3id.org/policykg/vocab/unit/ug_per_m3>"


def test_data_shapes_accept_a_well_formed_target(shapes):
    data = SPAN.replace("{start}", "5").replace("{unit}", UNIT)
    conforms, text = _validate(rdflib.Graph().parse(data=data, format="turtle"), shapes)
    assert conforms, text


def test_data_shapes_reject_a_value_without_unit(shapes):
    data = SPAN.replace("{start}", "5").replace("{unit}", "")
    conforms, text = _validate(rdflib.Graph().parse(data=data, format="turtle"), shapes)
    assert not conforms
    assert "OrConstraintComponent" in text and "Focus Node: id:t" in text


def test_data_shapes_reject_a_reversed_span(shapes):
    data = SPAN.replace("{start}", "40").replace("{unit}", UNIT)
    conforms, text = _validate(rdflib.Graph().parse(data=data, format="turtle"), shapes)
    assert not conforms
    assert "LessThanOrEqualsConstraintComponent" in text and "Focus Node: id:s" in text


def test_data_shapes_check_an_untyped_span_as_the_object_of_pkg_span(shapes):
    """The span shape targets the objects of pkg:span, not a class: a span without a type
    and without its quote is still a violation."""
    data = SPAN.replace("{start}", "5").replace("{unit}", UNIT)
    data = data.replace('oa:exact "PM2.5年均浓度不高于23微克/立方米"', "oa:start 5")  # and no quote
    graph = rdflib.Graph().parse(data=data, format="turtle")
    assert not list(graph.objects(rdflib.URIRef("https://w3id.org/policykg/id/s"), RDF.type))
    conforms, text = _validate(graph, shapes)
    assert not conforms
    assert "Focus Node: id:s" in text and "oa:exact" in text


def test_the_range_of_span_makes_a_span_both_selectors(core):
    """What the builder does not assert is in the core: the rule compiler reads pkg:span's
    range as both selector classes (tests/test_reasoning.py: so does HermiT, on every span)."""
    oa = rdflib.Namespace("http://www.w3.org/ns/oa#")
    tbox = TBox(core)
    [range_] = list(core.objects(P.span, RDFS.range))
    assert {oa.TextPositionSelector, oa.TextQuoteSelector} <= tbox.entailed_by(range_)


def test_data_shapes_reject_a_department_without_region(shapes):
    data = SPAN.replace("{start}", "5").replace("{unit}", UNIT).replace("pkg:region id:fz", 'pkg:level "x"')
    conforms, text = _validate(rdflib.Graph().parse(data=data, format="turtle"), shapes)
    assert not conforms
    assert "Focus Node: id:dep" in text and "region" in text


# ------------------------------------------------------------- the README


def test_the_readme_worked_example_is_true(tmp_path, shapes):
    """The example in ontology/README.md parses, quotes the plan exactly, passes the
    shapes and is consistent with the core."""
    readme = (ONTOLOGY / "README.md").read_text(encoding="utf-8")
    block = readme.split("```turtle\n", 1)[1].split("```", 1)[0]
    example = rdflib.Graph().parse(data=block, format="turtle")
    oa = rdflib.Namespace("http://www.w3.org/ns/oa#")
    plan = (Path(str(resources.files("policykg.corpus"))) / "002_209854e2ea3e5528.txt").read_text("utf-8")
    selectors = list(example.subjects(oa.exact, None))
    assert len(selectors) == 5
    for selector in selectors:
        start, end = int(example.value(selector, oa.start)), int(example.value(selector, oa.end))
        assert plan[start:end] == str(example.value(selector, oa.exact)), selector
    background = rdflib.Graph().parse(core_path(), format="turtle")
    for path in sorted(vocab_dir().glob("*.ttl")):
        background.parse(path, format="turtle")
    conforms, text = _validate(example + background, shapes)
    assert conforms, text
    combined = tmp_path / "core+example.ttl"
    (example + rdflib.Graph().parse(core_path(), format="turtle")).serialize(combined, format="turtle")
    check_consistency(combined)


# ------------------------------------------------------- links to the world

CHEBI = "http://purl.obolibrary.org/obo/CHEBI_"
ENVO = "http://purl.obolibrary.org/obo/ENVO_"
WIKIDATA = "http://www.wikidata.org/entity/Q"
MATCHES = (SKOS.exactMatch, SKOS.closeMatch, SKOS.relatedMatch)


def _cas_check_digit_holds(number: str) -> bool:
    """CAS Registry Numbers end in a check digit: the other digits, weighted 1, 2, 3 … from the right."""
    digits = number.replace("-", "")
    body, check = digits[:-1], int(digits[-1])
    return sum(i * int(d) for i, d in enumerate(reversed(body), start=1)) % 10 == check


def test_pollutants_link_to_chebi_envo_wikidata_and_cas():
    graph = rdflib.Graph().parse(vocab_dir() / "pollutant.ttl", format="turtle")
    pollutant = rdflib.Namespace(VOCAB + "pollutant/")
    expect = {
        ("SO2", SKOS.exactMatch, CHEBI + "18422"),
        ("SO2", SKOS.exactMatch, WIKIDATA + "5282"),
        ("O3", SKOS.exactMatch, CHEBI + "25812"),
        ("NO2", SKOS.exactMatch, CHEBI + "33101"),
        ("CO", SKOS.exactMatch, CHEBI + "17245"),
        ("VOCs", SKOS.exactMatch, CHEBI + "134179"),
        ("PM2.5", SKOS.exactMatch, ENVO + "01000415"),
        ("PM10", SKOS.closeMatch, ENVO + "01000405"),
        ("Pb", SKOS.closeMatch, CHEBI + "25016"),
        ("Pb", SKOS.exactMatch, WIKIDATA + "708"),
        ("Hg", SKOS.closeMatch, CHEBI + "25195"),
        ("Tl", SKOS.closeMatch, CHEBI + "30440"),
    }
    for code, predicate, iri in expect:
        assert (pollutant[code], predicate, rdflib.URIRef(iri)) in graph, (code, iri)
    links = [(s, o) for p in MATCHES for s, o in graph.subject_objects(p)]
    assert len(links) == 23  # every one listed in the README table
    for _, target in links:
        assert re.fullmatch(
            rf"{re.escape(CHEBI)}\d+|{re.escape(ENVO)}\d{{8}}|{re.escape(WIKIDATA)}\d+", str(target)
        )
    cas = {str(s).rsplit("/", 1)[1]: str(o) for s, o in graph.subject_objects(P.casNumber)}
    assert {"O3", "NO2", "SO2", "CO", "CO2", "Pb", "Cd", "Hg", "As", "Cr", "Tl", "Sb", "Ni"} <= set(cas)
    for code, number in cas.items():
        assert re.fullmatch(r"\d{2,7}-\d{2}-\d", number) and _cas_check_digit_holds(number), (code, number)
    assert not _cas_check_digit_holds("7446-09-4")  # the check would catch a wrong digit


def test_every_link_to_the_world_names_its_source():
    """In the Turtle itself: a '# sources:' line before a concept's links, with tags the header explains."""
    for name in ("pollutant", "campaign"):
        text = (vocab_dir() / f"{name}.ttl").read_text(encoding="utf-8")
        header = text.split(" a skos:ConceptScheme", 1)[0]
        flat = re.sub(r"\n#\s*", " ", header)
        lines = text.splitlines()
        for i, line in enumerate(lines):
            if re.match(r"\s+(skos:(exact|close|related)Match|pkg:casNumber)\b", line):
                before = "\n".join(lines[max(0, i - 6) : i])
                if name == "pollutant":
                    tags = re.findall(r"# sources: (.*) \(see the file header\)", before)
                    assert tags, line
                    for tag in tags[-1].split(", "):
                        assert re.search(rf"^#\s+{re.escape(tag)}\s", header, re.MULTILINE), (tag, line)
                else:
                    assert "linkml/valuesets, cache/envo/terms.csv" in flat, line
        assert "linkml/valuesets" in flat


def test_units_link_to_qudt_as_the_readme_says():
    graph = rdflib.Graph().parse(vocab_dir() / "unit.ttl", format="turtle")
    qudt = {str(o).rsplit("/", 1)[1] for o in graph.objects(None, SKOS.exactMatch)}
    assert all(str(o).startswith("http://qudt.org/vocab/unit/") for o in graph.objects(None, SKOS.exactMatch))
    assert {"MicroGM-PER-M3", "PERCENT", "TONNE-PER-DAY", "M3-PER-DAY", "KiloM", "DAY"} <= qudt
    readme = (ONTOLOGY / "README.md").read_text(encoding="utf-8")
    assert f"links {len(qudt)} units to QUDT" in readme


def test_every_quote_in_an_example_is_in_a_bundled_plan(core):
    from policykg.loaders.read import read_document

    plans = [
        read_document(p).text for p in sorted(Path(str(resources.files("policykg.corpus"))).glob("*.txt"))
    ]
    quotes = 0
    for term, example in core.subject_objects(SKOS.example):
        for quote in re.findall(r"「([^」]*)」", str(example)):
            for part in filter(None, quote.split("…")):
                quotes += 1
                assert any(part.replace('\\"', '"') in text for text in plans), (term, part)
    assert quotes >= 10


def test_every_term_of_ours_has_an_example(core):
    for kind in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty):
        for term in core.subjects(RDF.type, kind):
            if str(term).startswith(PKG):
                assert core.value(term, SKOS.example) is not None, term


# ------------------------------------------------------ policykg ontology check


def _check(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "policykg", "ontology", "check", *args],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


@pytest.fixture()
def ontology_copy(tmp_path: Path) -> Path:
    """A copy of the installed ontology folder, to spoil."""
    copy = tmp_path / "ontology"
    shutil.copytree(ONTOLOGY, copy, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    return copy


def test_ontology_check_passes_on_the_installed_ontology():
    done = _check()
    assert done.returncode == 0, done.stderr
    assert "HermiT: consistent, every class satisfiable" in done.stdout
    assert "SHACL vocabulary shapes: conform" in done.stdout
    assert done.stderr == ""


def test_ontology_check_fails_on_an_inconsistent_copy(ontology_copy: Path):
    campaign = ontology_copy / "vocab" / "campaign.ttl"
    campaign.write_text(
        campaign.read_text(encoding="utf-8") + "\ncampaign:blue_sky a pkg:Target, pkg:ReportedResult .\n",
        encoding="utf-8",
    )
    done = _check("--ontology-dir", str(ontology_copy))
    assert done.returncode == 1
    assert "error: HermiT:" in done.stderr and "inconsistent" in done.stderr
    assert "vocab/campaign/blue_sky is both" in done.stderr  # it names the culprit
    assert "SHACL vocabulary shapes: conform" in done.stdout  # the other check still ran


def test_ontology_check_fails_on_a_copy_with_a_concept_without_english_label(ontology_copy: Path):
    status = ontology_copy / "vocab" / "status.ttl"
    text = status.read_text(encoding="utf-8")
    assert text.count('"Planned"@en') == 1
    status.write_text(text.replace(', "Planned"@en', "").replace('"Planned"@en, ', ""), encoding="utf-8")
    done = _check("--ontology-dir", str(ontology_copy))
    assert done.returncode == 1
    assert "HermiT: consistent" in done.stdout
    assert "error: SHACL: https://w3id.org/policykg/vocab/status/planned skos:prefLabel" in done.stderr


def test_ontology_check_fails_on_a_copy_where_two_concepts_claim_one_label(ontology_copy: Path):
    role = ontology_copy / "vocab" / "role.ttl"
    role.write_text(role.read_text(encoding="utf-8").replace('"参与"@zh', '"牵头负责"@zh'), encoding="utf-8")
    done = _check("--ontology-dir", str(ontology_copy))
    assert done.returncode == 1
    assert "label 牵头负责 is claimed by more than one concept" in done.stderr


def test_ontology_check_names_a_folder_without_core():
    done = _check("--ontology-dir", str(Path(__file__).parent))
    assert done.returncode == 2
    assert (
        done.stderr.strip()
        == f"error: {Path(__file__).parent}: no core.ttl here (give the folder that holds core.ttl and vocab/)"
    )
