"""Inference per document: each document's inferred graph, written with it, and the shared one.

The oracle is the whole-store computation (``graph.infer.derive``: every rule
over every asserted graph at once, as ``policykg build`` did before): on the
bundled plans and on 40 generated ones, the union of the per-document and
shared inferred graphs must be exactly what it derives (the same held on 1,000
generated plans, checked once by hand: the whole-store rules took 416 s there).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.corpus import generate  # noqa: E402
from policykg.graph import iris  # noqa: E402
from policykg.graph.build import DocumentGraph  # noqa: E402
from policykg.graph.infer import (  # noqa: E402
    compare_with_whole_store,
    infer_document,
    materialise,
    stored_inferences,
)
from policykg.graph.store import Store, inferred_graph_of  # noqa: E402
from policykg.ontology.namespaces import DATA, INFERRED_GRAPH, LOADING_GRAPH, PKG, RDF  # noqa: E402
from policykg.ontology.rules import rules_digest  # noqa: E402
from policykg.pipeline import build, build_version, process_file  # noqa: E402


def _parse(ntriples: str) -> set[ox.Triple]:
    return {
        ox.Triple(q.subject, q.predicate, q.object) for q in ox.parse(ntriples, format=ox.RdfFormat.N_TRIPLES)
    }


def _graph(store: Store, iri: str) -> set[ox.Triple]:
    return {ox.Triple(q.subject, q.predicate, q.object) for q in store.quads(iri)}


def _assert_same_as_whole_store(store: Store) -> None:
    missing, extra = compare_with_whole_store(store)
    assert not missing, sorted(map(str, missing))[:5]
    assert not extra, sorted(map(str, extra))[:5]


def test_the_inferred_graphs_of_the_bundled_plans_are_what_the_whole_store_rules_derive(store: Store):
    _assert_same_as_whole_store(store)
    assert len(stored_inferences(store)) > 1000
    for doc in store.document_graphs():
        own = _graph(store, inferred_graph_of(doc))
        assert len(own) > 100  # every plan has air, water … measures, and bodies that share the work …
        # … all about the document's own nodes: what its regions entail is the shared graph's
        assert all(t.subject.value == doc or t.subject.value.startswith(doc + "/") for t in own)
    shared = _graph(store, INFERRED_GRAPH)
    assert {t.predicate.value for t in shared} == {
        PKG + "withinRegion",
        "http://www.w3.org/2004/02/skos/core#broaderTransitive",
        PKG + "inferredFrom",
    }


def test_the_inferred_graphs_of_40_generated_plans_are_what_the_whole_store_rules_derive(tmp_path: Path):
    # 40, not 200: the whole-store oracle grows with the store, and 200 took 8.5 minutes of a CI run
    docs = generate(tmp_path / "corpus", 40, seed=2)
    store = Store(tmp_path / "store")
    report = build([tmp_path / "corpus"], store, workers=2, validate=False)
    assert len(report.built) == len(docs), report.failed
    _assert_same_as_whole_store(store)
    # bulk-loaded (new documents) and replaced (one transaction each) give the same graphs
    first = {doc: _graph(store, inferred_graph_of(doc)) for doc in store.document_graphs()[:5]}
    report = build([d.path for d in docs[:5]], store, workers=1, validate=False, force=True)
    assert len(report.built) == 5
    assert {doc: _graph(store, inferred_graph_of(doc)) for doc in first} == first


PLAN = """2022年漳州市生态环境保护工作要点
一、深入打好蓝天保卫战
1.推进重点行业挥发性有机物综合治理,联合公安、交通运输部门开展柴油货车联合执法检查。
"""
CHANGED = """2022年漳州市生态环境保护工作要点
一、深入打好碧水保卫战
1.推进城镇污水处理提质增效,完成10公里管网建设。
"""


def _built_plan(tmp_path: Path) -> tuple[Path, Store, str]:
    """PLAN written to a file and built into a new store: (the file, the store, the document's IRI)."""
    plan = tmp_path / "zhangzhou-2022.txt"
    plan.write_text(PLAN, encoding="utf-8")
    store = Store(tmp_path / "store")
    assert build([plan], store, workers=1).ok
    return plan, store, iris.document_iri(iris.document_key(plan.stem))


def test_a_rebuilt_document_gets_the_inferences_of_its_new_text_and_a_copy_loses_its_own(tmp_path: Path):
    plan, store, doc = _built_plan(tmp_path)
    air = {
        t.subject.value for t in _graph(store, inferred_graph_of(doc)) if t.object.value == PKG + "AirMeasure"
    }
    assert len(air) == 1
    plan.write_text(CHANGED, encoding="utf-8")
    assert build([plan], store, workers=1).ok
    now = _graph(store, inferred_graph_of(doc))
    assert now == _parse(infer_document(process_file(plan)))  # what the worker derived, nothing else
    assert not any(t.subject.value in air for t in now)
    assert any(t.object.value == PKG + "WaterMeasure" for t in now)
    _assert_same_as_whole_store(store)
    copy = tmp_path / "zhangzhou-copy.txt"  # built first: the plan itself becomes the duplicate
    copy.write_text(CHANGED, encoding="utf-8")
    report = build([copy, plan], store, workers=1)
    assert [p.name for p, _ in report.duplicates] == [plan.name]
    assert not store.has_document(doc) and not store.has_document(inferred_graph_of(doc))


def test_recovery_drops_the_inferred_graph_of_a_document_a_killed_bulk_load_left(tmp_path: Path):
    plan = tmp_path / "zhangzhou-2022.txt"
    plan.write_text(PLAN, encoding="utf-8")
    store = Store(tmp_path / "store")
    graph = process_file(plan)
    inferred = infer_document(graph)
    store.add_new_documents([graph], [inferred])
    assert _graph(store, inferred_graph_of(graph.iri)) == _parse(inferred)
    # what a kill between naming a batch and striking it off leaves: its names, and its graphs
    loading = ox.NamedNode(LOADING_GRAPH)
    store._store.extend([ox.Quad(loading, ox.NamedNode(PKG + "loads"), ox.NamedNode(graph.iri), loading)])
    assert store.recover() == [graph.iri]
    assert not store.has_document(graph.iri) and not store.has_document(inferred_graph_of(graph.iri))


def test_what_a_document_alone_entails_of_a_shared_node_stays_with_the_document():
    """A body named by a measure but described by no places triple is a pkg:Department by the
    range of pkg:leadActor: only the document says so, so its inferred graph holds that. A
    region's chain is entailed by the places alone: the shared graph holds it, the document's does not."""
    doc, measure = DATA + "doc/z", DATA + "doc/z/measure/1-9"
    body, city, province = DATA + "actor/350600/court", DATA + "region/350600", DATA + "region/350000"
    triples = (
        f"<{measure}> <{RDF}type> <{PKG}Measure> .\n<{measure}> <{PKG}leadActor> <{body}> .\n"
        f"<{measure}> <{PKG}region> <{city}> .\n"
    )
    places = (
        f"<{city}> <{RDF}type> <{PKG}Region> .\n<{city}> <{PKG}parentRegion> <{province}> .\n"
        f"<{province}> <{RDF}type> <{PKG}Region> .\n"
    )
    graph = DocumentGraph(doc, triples=triples, place_triples=places)
    derived = _parse(infer_document(graph))
    department = ox.Triple(ox.NamedNode(body), ox.NamedNode(RDF + "type"), ox.NamedNode(PKG + "Department"))
    within = ox.Triple(ox.NamedNode(city), ox.NamedNode(PKG + "withinRegion"), ox.NamedNode(province))
    assert department in derived and within not in derived
    store = Store()
    store.replace_document(graph, infer_document(graph))
    materialise(store)
    assert within in _graph(store, INFERRED_GRAPH) and department not in _graph(store, INFERRED_GRAPH)
    _assert_same_as_whole_store(store)


def test_a_change_of_the_rules_changes_every_document_build_version(tmp_path: Path):
    from policykg.ontology.rules import core_file

    assert build_version().endswith(f"+rules-{rules_digest()}")
    core = tmp_path / "core.ttl"  # one more sub-property of pkg:involvesActor: one rule more to run
    core.write_text(
        core_file().read_text(encoding="utf-8")
        + "\npkg:mentionsActorAgain a owl:ObjectProperty ; rdfs:subPropertyOf pkg:involvesActor .\n",
        encoding="utf-8",
    )
    assert rules_digest(core) != rules_digest()


def _policykg(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "policykg", *args], capture_output=True, text=True, timeout=600
    )


def test_ontology_infer_check_passes_on_a_build_and_fails_on_a_missing_inference(tmp_path: Path):
    _, store, doc = _built_plan(tmp_path)
    del store  # one process at a time holds the store
    done = _policykg("ontology", "infer", "--store", str(tmp_path / "store"), "--check")
    assert done.returncode == 0, done.stderr
    assert "shared inferred graph up to date" in done.stdout and "hold exactly" in done.stdout
    store = Store(tmp_path / "store")
    lost = next(q for q in store.quads(inferred_graph_of(doc)) if q.object.value == PKG + "AirMeasure")
    store._store.remove(lost)
    del store
    done = _policykg("ontology", "infer", "--store", str(tmp_path / "store"), "--check")
    assert done.returncode == 1
    assert f"missing: <{lost.subject.value}>" in done.stderr and "1 missing, 0 not derived" in done.stderr
