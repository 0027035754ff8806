"""The rules evaluated in Python (ontology/evaluate.py) derive what the SPARQL rules derive.

``graph.infer.DocumentReasoner`` evaluates the rules of the core in Python,
one document at a time; the SPARQL CONSTRUCT queries of ``compile_rules`` are
the reference. Rule by rule, both must derive the same triples: from the
bundled plans and a handful of generated ones (with the ontology and the
places they carry, as the reasoner reads them), and from a small TBox that
uses every class expression the compiler knows, on data with blank nodes,
literals and a cycle. What the compiler refuses, the evaluator refuses alike.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.corpus import generate  # noqa: E402
from policykg.graph.store import ontology_files  # noqa: E402
from policykg.ontology.evaluate import RuleEvaluator, Triples  # noqa: E402
from policykg.ontology.rules import RuleError, TBox, compile_rules, core_tbox  # noqa: E402
from policykg.pipeline import process_file  # noqa: E402

PREFIXES = """@prefix : <http://example.org/> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""


def _ntriples(triples) -> str:
    return "".join(f"{t.subject} {t.predicate} {t.object} .\n" for t in triples)


def _assert_rule_by_rule_the_same(tbox: TBox, ntriples: str) -> int:
    """Each rule's triples from the SPARQL query and from the evaluator, compared; how many there were."""
    store = ox.Store()
    store.load(ntriples, format=ox.RdfFormat.N_TRIPLES)
    evaluator = RuleEvaluator(tbox)
    triples = Triples().add_ntriples(ntriples, evaluator.predicates)
    compiled = compile_rules(tbox, exclude_graph=None)
    assert evaluator.heads == [f"<{rule.head}>" for rule in compiled]
    total = 0
    for rule in compiled:
        expected = {(str(t.subject), str(t.predicate), str(t.object)) for t in store.query(rule.sparql)}
        assert evaluator.derive(triples, [f"<{rule.head}>"]) == expected, rule.name
        total += len(expected)
    assert len(evaluator.derive(triples)) == total  # the rules' heads differ: no triple twice
    return total


@pytest.fixture(scope="module")
def ontology() -> str:
    return "".join(
        _ntriples(ox.parse(path=str(path), format=ox.RdfFormat.TURTLE)) for path in ontology_files()
    )


def test_the_bundled_and_generated_plans_get_what_the_sparql_rules_derive(ontology: str, tmp_path: Path):
    plans = sorted((ROOT / "corpus").glob("*.txt")) + [d.path for d in generate(tmp_path, 6, seed=5)]
    for plan in plans:
        graph = process_file(plan)
        assert (
            _assert_rule_by_rule_the_same(core_tbox(), ontology + graph.place_triples + graph.triples) > 100
        )
    # the places and the ontology alone (what graph/infer.py leaves to the shared graph)
    assert _assert_rule_by_rule_the_same(core_tbox(), ontology + graph.place_triples) > 0


SYNTHETIC = (
    PREFIXES
    + """
:A a owl:Class . :B a owl:Class ; rdfs:subClassOf :A . :C a owl:Class . :D a owl:Class .
:E a owl:Class ; owl:equivalentClass :A .
:W a owl:Class ; rdfs:subClassOf :V2 .
:p a owl:ObjectProperty ; rdfs:domain :A ; rdfs:range :C .
:q a owl:ObjectProperty ; rdfs:subPropertyOf :p .
:t a owl:ObjectProperty, owl:TransitiveProperty .
:u a owl:ObjectProperty ; rdfs:subPropertyOf :t .
:r a owl:ObjectProperty ; rdfs:range [ a owl:Class ; owl:unionOf ( :C :D ) ] .
:d a owl:DatatypeProperty ; rdfs:domain [ a owl:Class ; owl:intersectionOf ( :D :B ) ] .
:V1 a owl:Class ; owl:equivalentClass [ a owl:Class ; owl:intersectionOf (
    :A [ a owl:Restriction ; owl:onProperty :t ; owl:hasValue :top ] ) ] .
:V2 a owl:Class ; owl:equivalentClass [ a owl:Restriction ; owl:onProperty :p ; owl:someValuesFrom :C ] .
:V3 a owl:Class ; rdfs:subClassOf :C ; owl:equivalentClass [ a owl:Class ; owl:unionOf (
    [ a owl:Restriction ; owl:onProperty :q ; owl:someValuesFrom
        [ a owl:Restriction ; owl:onProperty :r ; owl:hasValue :z ] ]
    [ a owl:Class ; owl:oneOf ( :o1 :o2 ) ] ) ] .
:V4 a owl:Class ; owl:equivalentClass [ a owl:Restriction ; owl:onProperty :p ;
    owl:minQualifiedCardinality "2"^^xsd:nonNegativeInteger ; owl:onClass :C ] .
:V5 a owl:Class ; owl:equivalentClass [ a owl:Restriction ; owl:onProperty :q ;
    owl:minCardinality "1"^^xsd:nonNegativeInteger ] .
:V6 a owl:Class ; owl:equivalentClass [ a owl:Restriction ; owl:onProperty :p ; owl:someValuesFrom owl:Thing ] .
:V7 a owl:Class ; owl:equivalentClass [ a owl:Class ; owl:intersectionOf ( :C :D ) ] .
:V8 a owl:Class ; owl:equivalentClass [ a owl:Class ; owl:intersectionOf ( :A owl:Thing ) ] .
:V9 a owl:Class ; owl:equivalentClass [ a owl:Class ; owl:intersectionOf ( owl:Thing :A ) ] .
:V10 a owl:Class ; owl:equivalentClass [ a owl:Restriction ; owl:onProperty :t ;
    owl:minQualifiedCardinality "0"^^xsd:nonNegativeInteger ; owl:onClass :A ] .
"""
)
DATA = """
:a1 :p :c1 . :a1 :q :c2 . :a1 :p _:b1 . _:b1 :r :z . :a2 :q _:b2 . _:b2 :r :z . _:b2 a :D .
:c1 a :D . :c1 :d "x" . :c2 :d "y y" . :n1 :p "literal" . :n1 :p "other" .
:x1 :u :x2 . :x2 :t :top . :x1 a :B . :x2 a :A . :x3 :t :x4 . :x4 :t :x3 . :x4 :t :top .
:w1 a :W . :e1 a :E . :o1 a :A . :a3 :p :c1 . :a3 :p :c3 . :c3 a :C . :a3 a :A .
"""


def _synthetic(tbox_text: str) -> TBox:
    return TBox(rdflib.Graph().parse(data=tbox_text, format="turtle"))


def test_a_tbox_with_every_class_expression_kind_gets_what_the_sparql_rules_derive():
    data = _ntriples(
        {
            ox.Triple(q.subject, q.predicate, q.object)
            for q in ox.parse(PREFIXES + DATA, format=ox.RdfFormat.TURTLE)
        }
    )
    assert _assert_rule_by_rule_the_same(_synthetic(SYNTHETIC), data) > 20


REFUSED = {
    "allValuesFrom": ":X a owl:Class ; owl:equivalentClass [ a owl:Restriction ; owl:onProperty :p ; owl:allValuesFrom :C ] .",
    "maximum cardinality": ":X a owl:Class ; owl:equivalentClass [ a owl:Restriction ; owl:onProperty :p ; "
    'owl:maxCardinality "1"^^xsd:nonNegativeInteger ] .',
    "complement": ":X a owl:Class ; owl:equivalentClass [ a owl:Class ; owl:complementOf :C ] .",
    "a defined class in a definition": ":X a owl:Class ; owl:equivalentClass [ a owl:Class ; "
    "owl:intersectionOf ( :V2 :A ) ] .",
    "a cycle of sub-properties": ":s a owl:ObjectProperty ; rdfs:subPropertyOf :s2 . "
    ":s2 a owl:ObjectProperty ; rdfs:subPropertyOf :s .",
}


@pytest.mark.parametrize("construct", sorted(REFUSED))
def test_what_the_compiler_refuses_the_evaluator_refuses_alike(construct: str):
    tbox = _synthetic(SYNTHETIC + REFUSED[construct])
    with pytest.raises(RuleError) as compiled:
        compile_rules(tbox)
    with pytest.raises(RuleError) as evaluated:
        RuleEvaluator(tbox)
    assert str(evaluated.value) == str(compiled.value)
