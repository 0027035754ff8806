"""Incremental and parallel builds: what a rebuild redoes, and workers that give what one process gives."""

from __future__ import annotations

from pathlib import Path

import pytest

from policykg import pipeline
from policykg.config import bundled_corpus
from policykg.graph.store import Store, inferred_graph_of
from policykg.ontology.namespaces import PLACES_GRAPH
from policykg.pipeline import build


def _build(paths: list[Path], store: Store, **kw) -> pipeline.BuildReport:
    report = build(paths, store, workers=1, validate=False, **kw)
    assert report.ok, report.failed
    return report


def test_a_new_extractor_version_rebuilds_every_document(two_plans, monkeypatch) -> None:
    store = Store()
    assert len(_build(two_plans, store).built) == 2
    assert len(_build(two_plans, store).skipped) == 2
    monkeypatch.setattr(pipeline, "EXTRACTOR_VERSION", pipeline.EXTRACTOR_VERSION + ".test")
    again = _build(two_plans, store)
    assert sorted(again.built) == sorted(two_plans) and not again.skipped
    assert len(_build(two_plans, store).skipped) == 2  # and the new version is what is stored


def test_a_new_vocabulary_version_rebuilds_every_document(two_plans, monkeypatch) -> None:
    store = Store()
    _build(two_plans, store)
    real = pipeline.vocabulary_version()
    monkeypatch.setattr(pipeline, "vocabulary_version", lambda: real + "-changed")
    again = _build(two_plans, store)
    assert sorted(again.built) == sorted(two_plans) and not again.skipped


def test_a_changed_file_is_the_only_one_rebuilt(two_plans) -> None:
    store = Store()
    _build(two_plans, store)
    before = sorted(map(str, store.quads(store.document_graphs()[1])))
    changed = two_plans[0]
    changed.write_text(changed.read_text(encoding="utf-8").replace("2021年", "2022年", 1), encoding="utf-8")
    again = _build(two_plans, store)
    assert again.built == [changed] and again.skipped == [two_plans[1]]
    assert sorted(map(str, store.quads(store.document_graphs()[1]))) == before


@pytest.mark.parametrize("workers", [1, 2])
def test_workers_give_the_triples_one_process_gives(workers: int) -> None:
    files = bundled_corpus()
    one, many = Store(), Store()
    first = build(files, one, workers=0, validate=False)  # everything in this process
    second = build(files, many, workers=workers, validate=False)
    assert first.built == second.built == files  # in input order, though built in parallel
    assert one.document_graphs() == many.document_graphs()
    for graph in [*one.document_graphs(), *map(inferred_graph_of, one.document_graphs()), PLACES_GRAPH]:
        assert sorted(map(str, one.quads(graph))) == sorted(map(str, many.quads(graph)))
