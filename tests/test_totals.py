"""Corpus totals (graph/totals.py): each is the sum of the tallies it stands for, and stale ones are refused.

The sums are recomputed here from the tallies with plain SPARQL, grouped the way a
question over every document would group them; then documents are written without
a build's end, and the questions that read the totals must say so instead of answering.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from policykg.errors import StoreError
from policykg.graph import totals
from policykg.graph.store import Store
from policykg.ontology.namespaces import TOTALS_GRAPH
from policykg.pipeline import build
from policykg.queries import run
from policykg.queries.library import ready_queries
from policykg.queries.run import run_query, run_sparql

READS_TOTALS = sorted(name for name, q in ready_queries().items() if "totals" in q.reads)

# (the totals as rows, the same rows summed from the documents' tallies); every row is
# (key …, count, places), places as a sorted "|"-joined list of region IRIs.
KINDS = {
    "PairTotal": (
        f"""SELECT ?a ?b ?first ?n ?pc (GROUP_CONCAT(STR(?r); separator="|") AS ?places) WHERE {{
             GRAPH <{TOTALS_GRAPH}> {{ ?t a pkg:PairTotal ; pkg:functionA ?a ; pkg:functionB ?b ;
                                        pkg:firstMeasure ?first ; pkg:count ?n ; pkg:placeCount ?pc ; pkg:region ?r }}
           }} GROUP BY ?a ?b ?first ?n ?pc""",
        """SELECT ?a ?b (IRI(MIN(STR(?m))) AS ?first) (SUM(?c) AS ?n) (COUNT(DISTINCT ?r) AS ?pc)
                  (GROUP_CONCAT(DISTINCT STR(?r); separator="|") AS ?places) WHERE {
             ?t a pkg:PairTally ; pkg:functionA ?a ; pkg:functionB ?b ; pkg:firstMeasure ?m ; pkg:count ?c ;
                pkg:inDocument ?d .
             ?d pkg:region ?r } GROUP BY ?a ?b""",
    ),
    "PlacePairTotal": (
        f"""SELECT ?a ?b ?first ?n ?pc (GROUP_CONCAT(STR(?r); separator="|") AS ?places) WHERE {{
             GRAPH <{TOTALS_GRAPH}> {{ ?t a pkg:PlacePairTotal ; pkg:functionA ?a ; pkg:functionB ?b ;
                                        pkg:firstMeasure ?first ; pkg:count ?n ; pkg:placeCount ?pc ; pkg:region ?r }}
           }} GROUP BY ?t ?a ?b ?first ?n ?pc""",
        """SELECT ?a ?b (IRI(MIN(STR(?m))) AS ?first) (SUM(?c) AS ?n) (1 AS ?pc) (STR(?r) AS ?places) WHERE {
             ?t a pkg:PairTally ; pkg:functionA ?a ; pkg:functionB ?b ; pkg:firstMeasure ?m ; pkg:count ?c ;
                pkg:inDocument ?d .
             ?d pkg:region ?r } GROUP BY ?a ?b ?r""",
    ),
    "TopicTotal": (
        f"""SELECT ?f ?role ?topic ?n ?pc (GROUP_CONCAT(STR(?r); separator="|") AS ?places) WHERE {{
             GRAPH <{TOTALS_GRAPH}> {{ ?t a pkg:TopicTotal ; pkg:function ?f ; pkg:role ?role ; pkg:campaign|pkg:pollutant ?topic ;
                                        pkg:count ?n ; pkg:placeCount ?pc ; pkg:region ?r }}
           }} GROUP BY ?f ?role ?topic ?n ?pc""",
        """SELECT ?f ?role ?topic (SUM(?c) AS ?n) (COUNT(DISTINCT ?r) AS ?pc)
                  (GROUP_CONCAT(DISTINCT STR(?r); separator="|") AS ?places) WHERE {
             ?t a pkg:TopicTally ; pkg:function ?f ; pkg:role ?role ; pkg:campaign|pkg:pollutant ?topic ; pkg:count ?c ;
                pkg:inDocument ?d .
             ?d pkg:region ?r } GROUP BY ?f ?role ?topic""",
    ),
    "InstrumentTotal": (
        f"""SELECT ?i ?year ?pc (GROUP_CONCAT(STR(?r); separator="|") AS ?places) WHERE {{
             GRAPH <{TOTALS_GRAPH}> {{ ?t a pkg:InstrumentTotal ; pkg:instrument ?i ; pkg:firstYear ?year ;
                                        pkg:placeCount ?pc ; pkg:firstAdopter ?r }}
           }} GROUP BY ?i ?year ?pc""",
        """SELECT ?i ?year ?pc (GROUP_CONCAT(DISTINCT STR(?r); separator="|") AS ?places) WHERE {
             { SELECT ?i (MIN(?y) AS ?year) (COUNT(DISTINCT ?any) AS ?pc) WHERE {
                 ?a a pkg:InstrumentTally ; pkg:instrument ?i ; pkg:year ?y ; pkg:inDocument ?ad . ?ad pkg:region ?any
               } GROUP BY ?i }
             ?t a pkg:InstrumentTally ; pkg:instrument ?i ; pkg:year ?year ; pkg:inDocument ?d .
             ?d pkg:region ?r } GROUP BY ?i ?year ?pc""",
    ),
}


def rows(store: Store, sparql: str) -> set[tuple]:
    """The rows with their place lists sorted, so that two groupings compare equal."""
    out = set()
    for *values, places in run_sparql(store, sparql).rows:
        out.add((*values, "|".join(sorted(places.split("|")))))
    return out


def totals_and_sums(store: Store) -> dict[str, tuple[set[tuple], set[tuple]]]:
    return {kind: (rows(store, stored), rows(store, summed)) for kind, (stored, summed) in KINDS.items()}


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_every_total_is_the_sum_of_its_tallies(store, kind):
    stored, summed = totals_and_sums(store)[kind]
    assert len(summed) >= 3, kind  # something to compare: an empty match proves nothing
    assert stored == summed


def test_every_total_is_in_the_totals_graph_once(store):
    per_class = run_sparql(
        store,
        f"""SELECT ?class (COUNT(DISTINCT ?t) AS ?n) WHERE {{
              GRAPH ?g {{ ?t a ?class }} ?class rdfs:subClassOf pkg:Total FILTER (?g = <{TOTALS_GRAPH}>) }}
            GROUP BY ?class""",
    ).rows
    assert {cls.rsplit("#", 1)[1] for cls, _ in per_class} == set(KINDS)
    outside = run_sparql(
        store,
        f"SELECT ?t WHERE {{ GRAPH ?g {{ ?t a pkg:Total }} FILTER (?g != <{TOTALS_GRAPH}>) }}",
    ).rows
    assert outside == []
    assert store.totals_version() == totals.totals_version()


def test_the_questions_that_read_totals_say_so():
    assert READS_TOTALS == [
        "first-adopters",
        "lead-departments",
        "shared-responsibility",
        "shared-responsibility-by-place",
    ]
    for name, query in ready_queries().items():
        assert bool(re.search(r"pkg:\w*Total\b", query.sparql)) == (name in READS_TOTALS), name


def _build(paths: list[Path], store: Store):
    report = build(paths, store, workers=0, validate=False)
    assert report.ok, report.failed
    return report


def test_a_written_document_makes_the_totals_questions_refuse_until_a_build_ends(two_plans):
    store = Store()
    _build(two_plans, store)
    before = {name: run_query(store, name).rows for name in READS_TOTALS}
    assert all(before.values())
    kept = run_query(store, "documents").rows

    # a document dropped outside a build (as a build killed after its writes leaves the store)
    doc = store.document_graphs()[0]
    store.remove_document(doc)
    assert store.totals_version() is None
    for name in READS_TOTALS:
        with pytest.raises(StoreError, match=r"corpus totals.*policykg build"):
            run_query(store, name)
    assert len(run_query(store, "documents").rows) == len(kept) - 1  # the other questions still answer

    # the next build rebuilds the dropped document and brings the totals back
    report = _build(two_plans, store)
    assert len(report.built) == 1 and len(report.skipped) == 1
    assert {name: run_query(store, name).rows for name in READS_TOTALS} == before


def test_a_build_with_nothing_new_recomputes_out_of_date_totals(two_plans):
    store = Store()
    _build(two_plans, store)
    before = totals_and_sums(store)
    store.remove_document(
        store.document_graphs()[0] + "-no-such-document"
    )  # a write that changes nothing else
    assert store.totals_version() is None
    report = _build(two_plans, store)
    assert len(report.skipped) == 2 and not report.built
    assert store.totals_version() == totals.totals_version()
    assert totals_and_sums(store) == before
    assert totals.ensure(store).skipped  # and current totals are left alone


def test_totals_of_another_version_are_refused(two_plans, monkeypatch):
    store = Store()
    _build(two_plans, store)
    run_query(store, "first-adopters")
    monkeypatch.setattr(run, "totals_version", lambda: "another")
    with pytest.raises(StoreError, match="another version of policykg"):
        run_query(store, "first-adopters")


def test_totals_follow_the_documents_a_build_changes(two_plans, tmp_path):
    store = Store()
    _build(two_plans[:1], store)
    one = totals_and_sums(store)
    _build(two_plans, store)
    two = totals_and_sums(store)
    for kind, (stored, summed) in two.items():
        assert stored == summed, kind
    assert two != one  # the second plan changed some total
    assert sum(len(stored) for stored, _ in two.values()) > sum(len(stored) for stored, _ in one.values())
