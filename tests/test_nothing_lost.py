"""Nothing lost: rebuilds leave the same triples, a change touches its own graph only, SIGKILL harms nothing."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from documents import CITIES, docx_bytes, html_page, pdf_bytes, plan_lines, plan_text, write
from pyoxigraph import NamedNode, Quad, RdfFormat

from policykg.errors import StoreError
from policykg.graph import iris
from policykg.graph.build import DocumentGraph
from policykg.graph.store import Store, inferred_graph_of
from policykg.ontology.namespaces import LOADING_GRAPH, ONTOLOGY_GRAPH, PKG
from policykg.pipeline import build, process_file


def _fingerprint(store: Store, graph: str) -> tuple[int, str]:
    """Triple count and digest of one named graph."""
    quads = sorted(str(q) for q in store.quads(graph))
    return len(quads), hashlib.sha256("\n".join(quads).encode("utf-8")).hexdigest()


def _fingerprints(store: Store) -> dict[str, tuple[int, str]]:
    return {graph: _fingerprint(store, graph) for graph in store.document_graphs()}


def _inferred_fingerprints(store: Store) -> dict[str, tuple[int, str]]:
    """Each document's inferred graph (graph/infer.py), by the document's IRI."""
    return {graph: _fingerprint(store, inferred_graph_of(graph)) for graph in store.document_graphs()}


def _graph(stem: str) -> str:
    return iris.document_iri(iris.document_key(stem))


MAKERS = {
    "html": lambda p: write(p.with_suffix(".html"), html_page()),
    "pdf": lambda p: write(p.with_suffix(".pdf"), pdf_bytes([plan_lines()])),
    "docx": lambda p: write(p.with_suffix(".docx"), docx_bytes(plan_lines())),
}


@pytest.mark.parametrize("fmt", sorted(MAKERS))
def test_same_file_twice_leaves_the_same_triples(tmp_path: Path, fmt: str) -> None:
    path = MAKERS[fmt](tmp_path / "plan")
    store = Store(tmp_path / "db")
    assert build([path], store, workers=1).built == [path]
    first = sorted(map(str, store.quads()))
    again = build([path], store, workers=1)
    assert again.skipped == [path] and not again.built
    forced = build([path], store, workers=1, force=True)
    assert forced.built == [path]
    assert sorted(map(str, store.quads())) == first


def test_a_changed_page_replaces_its_own_graph_only(tmp_path: Path) -> None:
    a = write(tmp_path / "zhangzhou.html", html_page())
    b = write(tmp_path / "quanzhou.html", html_page(plan_lines("泉州市", 2021)))
    store = Store(tmp_path / "db")
    build([tmp_path], store, workers=1)
    before_b = _fingerprint(store, _graph("quanzhou"))
    lines = plan_lines(extra="（三）完成12个乡镇污水处理设施建设，由市住建局牵头。")
    lines.remove("（一）巩固饮用水水源地整治成果。县级以上集中式饮用水水源地水质达标率100%。")
    write(a, html_page(lines))
    report = build([tmp_path], store, workers=1)
    assert report.built == [a] and report.skipped == [b]
    assert _fingerprint(store, _graph("quanzhou")) == before_b
    _, rows = store.select(
        "SELECT ?exact WHERE { GRAPH ?g { ?s <http://www.w3.org/ns/oa#exact> ?exact } }",
        {"g": _node(_graph("zhangzhou"))},
    )
    quotes = {row["exact"]["value"] for row in rows}
    assert any("12个乡镇污水处理设施" in q for q in quotes)
    assert not any("饮用水水源地整治" in q for q in quotes)


def _node(iri: str):
    from pyoxigraph import NamedNode

    return NamedNode(iri)


def test_a_changed_manifest_row_rebuilds_that_file_only(tmp_path: Path) -> None:
    write(tmp_path / "zhangzhou.txt", plan_text())
    write(tmp_path / "quanzhou.txt", plan_text("泉州市", 2021))
    manifest = write(tmp_path / "manifest.csv", "path,title\nzhangzhou.txt,第一个标题\n")
    store = Store(tmp_path / "db")
    assert len(build([tmp_path], store, workers=1).built) == 2
    before = _fingerprints(store)
    assert build([tmp_path], store, workers=1).built == []
    write(manifest, "path,title\nzhangzhou.txt,第二个标题\n")
    report = build([tmp_path], store, workers=1)
    assert [p.name for p in report.built] == ["zhangzhou.txt"]
    after = _fingerprints(store)
    assert after[_graph("quanzhou")] == before[_graph("quanzhou")]
    assert after[_graph("zhangzhou")] != before[_graph("zhangzhou")]


def test_same_text_in_two_encodings_is_built_once(tmp_path: Path) -> None:
    write(tmp_path / "a-utf8.txt", plan_text())
    write(tmp_path / "b-gbk.txt", plan_text(), "gbk")
    write(tmp_path / "c-copy.txt", plan_text())
    store = Store(tmp_path / "db")
    report = build([tmp_path], store, workers=1)
    assert [p.name for p in report.built] == ["a-utf8.txt"]
    assert sorted((p.name, same.name) for p, same in report.duplicates) == [
        ("b-gbk.txt", "a-utf8.txt"),
        ("c-copy.txt", "a-utf8.txt"),
    ]
    assert store.document_graphs() == [_graph("a-utf8")]


def test_a_file_that_becomes_a_copy_loses_its_own_graph(tmp_path: Path) -> None:
    write(tmp_path / "a.txt", plan_text())
    b = write(tmp_path / "b.txt", plan_text("泉州市", 2021))
    store = Store(tmp_path / "db")
    build([tmp_path], store, workers=1)
    assert store.document_graphs() == [_graph("a"), _graph("b")]
    write(b, plan_text())
    report = build([tmp_path], store, workers=1)
    assert [(p.name, same.name) for p, same in report.duplicates] == [("b.txt", "a.txt")]
    assert store.document_graphs() == [_graph("a")]


# -- killed part way ---------------------------------------------------------------------------

DOCUMENTS = 36
POLICYKG = (sys.executable, "-m", "policykg")


def _corpus(folder: Path, version: int) -> None:
    """Plans of many cities, half of them saved pages; ``version`` changes every one of them."""
    for i in range(DOCUMENTS):
        city = CITIES[i % len(CITIES)]
        extra = f"（三）完成{i + 3 + 40 * version}个乡镇污水处理设施建设，由市住建局牵头。"
        if version:
            extra += (
                f"\n三、深入打好净土保卫战\n（一）完成{i + 2}个地块土壤污染状况调查，由市自然资源局配合。"
            )
        lines = plan_lines(city, 2020 + i % 4, extra)
        stem = folder / f"plan-{i:03d}"
        if i % 2:
            write(stem.with_suffix(".html"), html_page("\n".join(lines).split("\n")))
        else:
            write(stem.with_suffix(".txt"), "\n".join(lines) + "\n")


def test_a_build_killed_part_way_leaves_every_document_old_or_new(tmp_path: Path) -> None:
    folder = tmp_path / "plans"
    # What every graph is before and after: clean builds of both versions of the same files.
    _corpus(folder, 0)
    old_store = Store(tmp_path / "old")
    assert len(build([folder], old_store, workers=1, validate=False).built) == DOCUMENTS
    old = _fingerprints(old_store)
    old_inferred = _inferred_fingerprints(old_store)
    del old_store
    _corpus(folder, 1)
    new_store = Store(tmp_path / "new")
    assert len(build([folder], new_store, workers=1, validate=False).built) == DOCUMENTS
    new = _fingerprints(new_store)
    new_inferred = _inferred_fingerprints(new_store)
    del new_store
    assert set(old) == set(new) and len(old) == DOCUMENTS
    assert all(old[g] != new[g] for g in old)

    # The store of the old build: rebuild it with the new files and kill the build part way.
    _corpus(folder, 0)
    store_dir = tmp_path / "store"
    store = Store(store_dir)
    assert len(build([folder], store, workers=1, validate=False).built) == DOCUMENTS
    ontology = _fingerprint(store, ONTOLOGY_GRAPH)  # its blank nodes are this store's own
    del store
    _corpus(folder, 1)
    process = subprocess.Popen(
        [
            *POLICYKG,
            "build",
            str(folder),
            "--store",
            str(store_dir),
            "--verbose",
            "--no-validate",
            "--workers",
            "2",
        ],
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
        start_new_session=True,  # its own process group: the kill reaches its workers too
    )
    built = 0
    assert process.stderr is not None
    for line in process.stderr:
        built += line.startswith("built: ")
        if built == DOCUMENTS // 3:
            os.killpg(process.pid, signal.SIGKILL)
            break
    process.wait(timeout=60)
    assert process.returncode == -signal.SIGKILL

    store = Store(store_dir)
    now = _fingerprints(store)
    assert set(now) == set(old)
    states = {g: "old" if now[g] == old[g] else "new" if now[g] == new[g] else "broken" for g in now}
    assert "broken" not in states.values(), [g for g, s in states.items() if s == "broken"]
    # each document's inferred graph is of the same build as the document: both old or both new
    inferred = _inferred_fingerprints(store)
    assert all(inferred[g] == (old_inferred if s == "old" else new_inferred)[g] for g, s in states.items())
    assert all(n > 0 for n, _ in inferred.values())
    renewed = sorted(g for g, s in states.items() if s == "new")
    assert DOCUMENTS // 3 <= len(renewed) < DOCUMENTS  # killed part way, after what it reported
    assert _fingerprint(store, ONTOLOGY_GRAPH) == ontology

    # The next build finishes the job, and knows which documents are already current.
    report = build([folder], store, workers=1, validate=False)
    assert len(report.skipped) == len(renewed) and len(report.built) == DOCUMENTS - len(renewed)
    assert _fingerprints(store) == new
    assert _inferred_fingerprints(store) == new_inferred


# -- killed during a bulk load (documents new to the store) ------------------------------------


def _clean_build(tmp_path: Path) -> tuple[Path, dict[str, tuple[int, str]]]:
    """The plans of version 0 and the fingerprints of their uninterrupted build."""
    folder = tmp_path / "plans"
    _corpus(folder, 0)
    clean = Store(tmp_path / "clean")
    build([folder], clean, workers=1, validate=False)
    return folder, _fingerprints(clean)


def test_a_store_left_mid_bulk_load_is_refused_then_recovered(tmp_path: Path) -> None:
    folder, expected = _clean_build(tmp_path)

    # What a kill inside ``add_new_documents`` leaves: the names of the batch, part of its triples.
    store = Store(tmp_path / "store")
    store.ensure_ontology()
    graph = process_file(next(iter(sorted(folder.iterdir()))))
    store.add_new_documents([graph])
    half = DocumentGraph(
        _graph("plan-001"),
        triples=graph.triples.replace(graph.iri, _graph("plan-001"))[:2000].rsplit("\n", 1)[0] + "\n",
    )
    store._store.extend(
        [
            Quad(
                NamedNode(LOADING_GRAPH),
                NamedNode(PKG + "loads"),
                NamedNode(half.iri),
                NamedNode(LOADING_GRAPH),
            )
        ]
    )
    store._store.bulk_load(half.trig(), format=RdfFormat.TRIG)
    assert store.interrupted() == [half.iri]
    with pytest.raises(StoreError, match=r"killed while loading 1 documents.*policykg build"):
        store.select("SELECT * WHERE { ?s ?p ?o } LIMIT 1", {})

    report = build([folder], store, workers=1, validate=False)
    assert store.interrupted() == []
    assert _fingerprints(store) == expected
    assert _inferred_fingerprints(store) == _inferred_fingerprints(Store(tmp_path / "clean"))
    assert len(report.skipped) == 0  # the first document was built without its build version: built again


def test_a_first_build_killed_at_any_moment_leaves_nothing_half_written(tmp_path: Path) -> None:
    folder, expected = _clean_build(tmp_path)
    expected_inferred = _inferred_fingerprints(Store(tmp_path / "clean"))
    for delay in (2.0, 3.5, 5.0):  # before, during or after the load of the batch: each must be safe
        store_dir = tmp_path / f"store-{delay}"
        process = subprocess.Popen(
            [*POLICYKG, "build", str(folder), "--store", str(store_dir), "--no-validate", "--workers", "2"],
            stderr=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            start_new_session=True,
        )
        try:
            process.wait(timeout=delay)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=60)
        store = Store(store_dir)
        left = {g: fp for g, fp in _fingerprints(store).items() if g not in store.interrupted()}
        assert all(expected[g] == fp for g, fp in left.items())  # complete, or named as interrupted
        inferred = _inferred_fingerprints(store)
        assert all(inferred[g] == expected_inferred[g] for g in left)  # and so are their inferences
        build([folder], store, workers=1, validate=False)
        assert _fingerprints(store) == expected
        assert _inferred_fingerprints(store) == expected_inferred
        del store
