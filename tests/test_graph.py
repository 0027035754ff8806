"""The built graph: named graphs, stable IRIs, spans that quote the text exactly, atomic replacement."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from policykg.config import bundled_corpus
from policykg.graph import iris
from policykg.graph.store import Store
from policykg.loaders.read import read_document
from policykg.ontology.namespaces import ONTOLOGY_GRAPH, PLACES_GRAPH
from policykg.pipeline import build

SPANS = """
SELECT ?fact ?doc ?start ?end ?exact WHERE {
  GRAPH ?doc { ?fact pkg:inDocument ?doc ; pkg:span ?s . ?s oa:start ?start ; oa:end ?end ; oa:exact ?exact }
}"""


def _prefixed(q: str) -> str:
    from policykg.ontology.namespaces import sparql_prefixes

    return sparql_prefixes() + q


def test_one_named_graph_per_document(store: Store):
    graphs = store.document_graphs()
    assert graphs == sorted(iris.document_iri(iris.document_key(p.stem)) for p in bundled_corpus())
    assert ONTOLOGY_GRAPH in set(store.graphs()) and PLACES_GRAPH in set(store.graphs())


def test_every_span_quotes_the_document_exactly(store: Store):
    texts = {iris.document_iri(iris.document_key(p.stem)): read_document(p).text for p in bundled_corpus()}
    _, rows = store.select(_prefixed(SPANS), {})
    assert len(rows) > 500  # measures, targets, roles ... of five plans
    kinds = set()
    for row in rows:
        text = texts[row["doc"]["value"]]
        start, end = int(row["start"]["value"]), int(row["end"]["value"])
        assert text[start:end] == row["exact"]["value"], row["fact"]["value"]
        kinds.add(row["fact"]["value"].rsplit("/", 2)[-2])
    assert {"measure", "target", "role", "adoption", "section"} <= kinds


def test_facts_without_a_span_are_not_in_the_graph(store: Store):
    # tallies (graph/tallies.py) are in their document too, but derived: counts, not facts
    q = _prefixed(
        "SELECT ?f WHERE { GRAPH ?g { ?f pkg:inDocument ?d } FILTER NOT EXISTS { ?f pkg:span/oa:exact ?e } "
        "FILTER NOT EXISTS { ?f a/rdfs:subClassOf pkg:Tally } }"
    )
    assert store.select(q, {})[1] == []


def test_one_actor_per_function_per_region(store: Store):
    q = _prefixed(
        "SELECT ?region ?function (COUNT(DISTINCT ?a) AS ?n) WHERE "
        "{ ?a a pkg:Department ; pkg:region ?region ; pkg:function ?function } GROUP BY ?region ?function HAVING (?n > 1)"
    )
    assert store.select(q, {})[1] == []
    q = _prefixed("SELECT (COUNT(DISTINCT ?a) AS ?n) WHERE { ?a a pkg:Department ; pkg:region ?r }")
    assert int(store.select(q, {})[1][0]["n"]["value"]) >= 20


def test_regions_carry_code_level_and_parent_chain(store: Store):
    q = _prefixed(
        "SELECT ?name ?code ?level ?parent WHERE { ?r a pkg:Region ; rdfs:label ?name ; pkg:adcode ?code ; "
        "pkg:level ?level . OPTIONAL { ?r pkg:parentRegion/rdfs:label ?parent } }"
    )
    rows = {(b["name"]["value"]): b for b in store.select(q, {})[1]}
    assert rows["鹿城区"]["code"]["value"] == "330302"
    assert rows["鹿城区"]["level"]["value"] == "district"
    assert rows["鹿城区"]["parent"]["value"] == "温州市"
    assert rows["温州市"]["parent"]["value"] == "浙江省"
    assert rows["福州市"]["code"]["value"] == "350100"


def test_rebuild_gives_the_same_triples(tmp_path: Path):
    path = bundled_corpus()[0]
    store = Store(tmp_path / "db")
    assert build([path], store, workers=1).built == [path]
    first = sorted(map(str, store.quads()))
    report = build([path], store, workers=1)
    assert report.skipped == [path] and not report.built
    report = build([path], store, workers=1, force=True)
    assert report.built == [path]
    assert sorted(map(str, store.quads())) == first


def test_changed_file_replaces_only_its_own_graph(tmp_path: Path):
    a, b = bundled_corpus()[:2]
    shutil.copy(a, tmp_path / a.name)
    shutil.copy(b, tmp_path / b.name)
    store = Store(tmp_path / "db")
    build([tmp_path / a.name, tmp_path / b.name], store, workers=1)
    graph_b = iris.document_iri(iris.document_key(b.stem))
    before_b = sorted(map(str, store.quads(graph_b)))
    graph_a = iris.document_iri(iris.document_key(a.stem))
    before_a = len(list(store.quads(graph_a)))
    # Cut the first plan in half: its graph shrinks, the other stays exactly as it was.
    text = (tmp_path / a.name).read_text(encoding="utf-8")
    (tmp_path / a.name).write_text(text[: len(text) // 2], encoding="utf-8")
    report = build([tmp_path / a.name, tmp_path / b.name], store, workers=1)
    assert report.built == [tmp_path / a.name] and report.skipped == [tmp_path / b.name]
    assert 0 < len(list(store.quads(graph_a))) < before_a
    assert sorted(map(str, store.quads(graph_b))) == before_b


def test_missing_path_is_reported_and_the_rest_built(tmp_path: Path):
    store = Store(tmp_path / "db")
    report = build([tmp_path / "nope.txt", bundled_corpus()[0]], store, workers=1)
    assert [p.name for p, _ in report.failed] == ["nope.txt"]
    assert "no such file" in report.failed[0][1]
    assert len(report.built) == 1


@pytest.mark.parametrize("fmt", ["trig", "turtle"])
def test_export(store: Store, tmp_path: Path, fmt: str):
    import rdflib

    out = tmp_path / f"graph.{fmt}"
    store.export(out, fmt)
    if fmt == "trig":
        dataset = rdflib.Dataset()
        dataset.parse(out, format="trig")
        assert len(list(dataset.graphs())) >= 7  # five documents, places, ontology (+ default)
    else:
        graph = rdflib.Graph()
        graph.parse(out, format="turtle")
        assert len(graph) > 1000
