"""SHACL validation: violations found per document, by the build (a count) and by `policykg validate`."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from documents import html_page, plan_lines, plan_text, write
from pyoxigraph import Literal, NamedNode, Quad

from policykg.graph.build import DocumentGraph
from policykg.graph.store import Store
from policykg.graph.validate import _shapes, validate_graph, validate_store
from policykg.ontology.namespaces import OA, PKG, RDF, XSD
from policykg.pipeline import BuildReport, build, process_file

TYPE = NamedNode(RDF + "type")


@pytest.fixture(scope="module")
def plan(tmp_path_factory) -> tuple[Path, DocumentGraph]:
    path = write(tmp_path_factory.mktemp("plans") / "zhangzhou-2022.txt", plan_text())
    return path, process_file(path)


def _copy(graph: DocumentGraph) -> DocumentGraph:
    return DocumentGraph(graph.iri, list(graph.quads), list(graph.places))


def _of_type(quads: list[Quad], cls: str) -> list[NamedNode]:
    return [q.subject for q in quads if q.predicate == TYPE and q.object == NamedNode(PKG + cls)]


def _new(before, after):
    return sorted(set(after) - set(before), key=str)


def test_shapes_are_split_into_data_and_vocabulary_shapes() -> None:
    data, vocabulary = (tuple(s.rsplit("#", 1)[-1] for s in group) for group in _shapes())
    assert {"TargetShape", "MeasureShape", "DepartmentShape", "SpanShape"} <= set(data)
    assert "ConceptShape" in vocabulary
    assert not set(data) & set(vocabulary)


def test_a_target_without_its_year_is_a_violation(plan) -> None:
    _, graph = plan
    baseline = validate_graph(graph)
    tampered = _copy(graph)
    target = next(
        t
        for t in _of_type(graph.quads, "Target")
        if any(q.subject == t and q.predicate.value == PKG + "year" for q in graph.quads)
    )
    tampered.quads = [
        q for q in graph.quads if not (q.subject == target and q.predicate.value == PKG + "year")
    ]
    [violation] = _new(baseline, validate_graph(tampered))
    assert (violation.shape, violation.path, violation.focus) == ("TargetShape", "pkg:year", target.value)


def test_a_measure_without_its_span_and_a_department_without_its_function(plan) -> None:
    _, graph = plan
    baseline = validate_graph(graph)
    measure = _of_type(graph.quads, "Measure")[0]
    department = _of_type(graph.places, "Department")[0]
    tampered = _copy(graph)
    tampered.quads = [
        q for q in graph.quads if not (q.subject == measure and q.predicate.value == PKG + "span")
    ]
    tampered.places = [
        q for q in graph.places if not (q.subject == department and q.predicate.value == PKG + "function")
    ]
    found = {(v.shape, v.path, v.focus) for v in _new(baseline, validate_graph(tampered))}
    assert found == {
        ("MeasureShape", "pkg:span", measure.value),
        ("DepartmentShape", "pkg:function", department.value),
    }


def test_spans_have_no_type_and_the_plan_validates(plan) -> None:
    """The builder writes no rdf:type on a span node (pkg:span's range gives it); the span
    shape finds every span as an object of pkg:span all the same."""
    _, graph = plan
    spans = {q.object for q in graph.quads if q.predicate.value == PKG + "span"}
    assert len(spans) > 20
    assert not [q for q in graph.quads if q.subject in spans and q.predicate == TYPE]
    assert validate_graph(graph) == []
    tampered = _copy(graph)
    exact = next(q for q in graph.quads if q.predicate.value == OA + "exact")
    tampered.quads = [q for q in graph.quads if q != exact]
    [violation] = validate_graph(tampered)
    assert (violation.shape, violation.path, violation.focus) == (
        "SpanShape",
        "oa:exact",
        exact.subject.value,
    )


def test_a_span_that_ends_before_it_starts_is_a_violation(plan) -> None:
    _, graph = plan
    baseline = validate_graph(graph)
    start = next(q for q in graph.quads if q.predicate.value == OA + "start")
    tampered = _copy(graph)
    tampered.quads = [q for q in graph.quads if q != start]
    tampered.quads.append(
        Quad(
            start.subject,
            start.predicate,
            Literal("99999", datatype=NamedNode(XSD + "integer")),
            start.graph_name,
        )
    )
    [violation] = _new(baseline, validate_graph(tampered))
    assert (violation.shape, violation.path, violation.focus) == (
        "SpanShape",
        "oa:start",
        start.subject.value,
    )


def test_the_build_counts_violations_and_the_store_gives_the_same(tmp_path: Path) -> None:
    a = write(tmp_path / "plans" / "zhangzhou-2022.txt", plan_text())
    b = write(tmp_path / "plans" / "quanzhou-2021.html", html_page(plan_lines("泉州市", 2021)))
    store = Store(tmp_path / "db")
    report = build([tmp_path / "plans"], store, workers=1)
    expected = {path: len(validate_graph(process_file(path))) for path in (a, b)}
    assert report.validated == 2 and report.violations == expected
    stored = validate_store(store)
    assert {iri.rsplit("/", 1)[-1]: len(v) for iri, v in stored.items()} == {
        "zhangzhou-2022": expected[a],
        "quanzhou-2021": expected[b],
    }
    unvalidated = build([tmp_path / "plans"], Store(tmp_path / "db2"), workers=1, validate=False)
    assert unvalidated.validated == 0 and "SHACL" not in unvalidated.summary()


def test_summary_gives_a_count_not_a_wall_of_text() -> None:
    report = BuildReport(
        built=[Path("a.txt"), Path("b.txt")], violations={Path("a.txt"): 3, Path("b.txt"): 0}, validated=2
    )
    assert report.summary() == (
        "2 built, 0 skipped, 0 failed; SHACL: 3 violations in 1 document (details: policykg validate)"
    )
    report.violations[Path("a.txt")] = 0
    assert report.summary().endswith("; SHACL: every document conforms")


def test_validate_command_reports_violations_per_document(tmp_path: Path, plan) -> None:
    path, graph = plan
    other = write(tmp_path / "quanzhou-2021.txt", plan_text("泉州市", 2021))
    store_dir = tmp_path / "db"
    store = Store(store_dir)
    build([path, other], store, workers=1)
    # The Zhangzhou plan loses every target's year in the store.
    tampered = _copy(graph)
    targets = set(_of_type(graph.quads, "Target"))
    tampered.quads = [
        q for q in graph.quads if not (q.subject in targets and q.predicate.value == PKG + "year")
    ]
    store.replace_document(tampered)
    store.flush()
    other_count = len(validate_graph(process_file(other)))
    mine = validate_graph(tampered)
    del store

    done = subprocess.run(
        [sys.executable, "-m", "policykg", "validate", "--store", str(store_dir)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 1, done.stderr
    out = done.stdout
    assert f"zhangzhou-2022 ({path}): {len(mine)} violations" in out
    years = sum(1 for v in mine if (v.shape, v.path) == ("TargetShape", "pkg:year"))
    assert years == len(targets) > 0
    assert f"{years:>4} × TargetShape pkg:year: Less than 1 values\n" in out
    assert ("quanzhou-2021 (" in out) == (other_count > 0)
    failing = 1 + (other_count > 0)
    assert f"2 documents: {2 - failing} conform, {failing} with {len(mine) + other_count} violations" in out
    assert "Traceback" not in done.stderr
