"""Tallies (graph/tallies.py): every count equals the count of the facts it stands for.

Each tally kind is checked against a SPARQL count over the facts themselves, per
document and combination of dimensions, both ways: a tally with a wrong count, a
tally with no facts behind it and a combination of facts with no tally all fail.
Then a document is replaced and dropped, and its tallies must follow.
"""

from __future__ import annotations

from policykg.config import bundled_corpus
from policykg.graph.build import document_quads
from policykg.graph.store import Store
from policykg.loaders.extract import extract
from policykg.loaders.read import read_document
from policykg.pipeline import build
from policykg.queries.run import run_sparql

# (kind, the tallies as rows, the same rows counted from the facts); the last column is
# the count, the others the document and the dimensions (None where absent).
KINDS = [
    (
        "MeasureTally",
        """SELECT ?d ?c ?y ?s ?n WHERE { ?t a pkg:MeasureTally ; pkg:inDocument ?d ; pkg:status ?s ;
             pkg:count ?n . OPTIONAL { ?t pkg:campaign ?c } OPTIONAL { ?t pkg:year ?y } }""",
        """SELECT ?d ?c ?y ?s (COUNT(DISTINCT ?m) AS ?n) WHERE { ?m a pkg:Measure ; pkg:inDocument ?d ;
             pkg:status ?s . OPTIONAL { ?m pkg:campaign ?c } OPTIONAL { ?m pkg:year ?y } }
           GROUP BY ?d ?c ?y ?s""",
    ),
    (
        "TargetTally",
        """SELECT ?d ?c ?y ?s ?n WHERE { ?t a pkg:TargetTally ; pkg:inDocument ?d ; pkg:count ?n .
             OPTIONAL { ?t pkg:campaign ?c } OPTIONAL { ?t pkg:year ?y } OPTIONAL { ?t pkg:strength ?s } }""",
        """SELECT ?d ?c ?y ?s (COUNT(DISTINCT ?x) AS ?n) WHERE { ?x a pkg:Target ; pkg:inDocument ?d .
             OPTIONAL { ?x pkg:campaign ?c } OPTIONAL { ?x pkg:year ?y } OPTIONAL { ?x pkg:strength ?s } }
           GROUP BY ?d ?c ?y ?s""",
    ),
    (
        "ResultTally",
        "SELECT ?d ?n WHERE { ?t a pkg:ResultTally ; pkg:inDocument ?d ; pkg:count ?n }",
        """SELECT ?d (COUNT(DISTINCT ?x) AS ?n) WHERE { ?x a pkg:ReportedResult ; pkg:inDocument ?d }
           GROUP BY ?d""",
    ),
    (
        "InstrumentTally",
        """SELECT ?d ?y ?n WHERE { ?t a pkg:InstrumentTally ; pkg:inDocument ?d ; pkg:count ?n .
             OPTIONAL { ?t pkg:year ?y } }""",
        """SELECT ?d ?y (COUNT(DISTINCT ?a) AS ?n) WHERE { ?a a pkg:InstrumentAdoption ; pkg:inDocument ?d .
             OPTIONAL { ?a pkg:year ?y } } GROUP BY ?d ?y""",
    ),
    (
        "InstrumentTally instruments",
        """SELECT ?d ?y ?i (1 AS ?n) WHERE { ?t a pkg:InstrumentTally ; pkg:inDocument ?d ; pkg:instrument ?i .
             OPTIONAL { ?t pkg:year ?y } }""",
        """SELECT DISTINCT ?d ?y ?i (1 AS ?n) WHERE { ?a a pkg:InstrumentAdoption ; pkg:inDocument ?d ;
             pkg:instrument ?i . OPTIONAL { ?a pkg:year ?y } }""",
    ),
    (
        "RoleTally",
        """SELECT ?d ?f ?r ?n WHERE { ?t a pkg:RoleTally ; pkg:inDocument ?d ; pkg:function ?f ; pkg:role ?r ;
             pkg:count ?n }""",
        """SELECT ?d ?f ?r (COUNT(DISTINCT ?x) AS ?n) WHERE { ?x a pkg:ActorRole ; pkg:inDocument ?d ;
             pkg:actor/pkg:function ?f ; pkg:role ?r } GROUP BY ?d ?f ?r""",
    ),
    (
        "FunctionTally",
        """SELECT ?d ?f ?n WHERE { ?t a pkg:FunctionTally ; pkg:inDocument ?d ; pkg:function ?f ;
             pkg:count ?n }""",
        """SELECT ?d ?f (COUNT(DISTINCT ?m) AS ?n) WHERE { ?x a pkg:ActorRole ; pkg:inDocument ?d ;
             pkg:actor/pkg:function ?f ; pkg:ofMeasure ?m } GROUP BY ?d ?f""",
    ),
    (
        "TopicTally",
        """SELECT ?d ?f ?r ?kind ?topic ?n WHERE { ?t a pkg:TopicTally ; pkg:inDocument ?d ; pkg:function ?f ;
             pkg:role ?r ; pkg:count ?n ; ?kind ?topic . FILTER (?kind IN (pkg:campaign, pkg:pollutant)) }""",
        """SELECT ?d ?f ?r ?kind ?topic (COUNT(DISTINCT ?m) AS ?n) WHERE { ?x a pkg:ActorRole ;
             pkg:inDocument ?d ; pkg:actor/pkg:function ?f ; pkg:role ?r ; pkg:ofMeasure ?m .
             ?m ?kind ?topic . FILTER (?kind IN (pkg:campaign, pkg:pollutant)) }
           GROUP BY ?d ?f ?r ?kind ?topic""",
    ),
    (
        "PairTally",
        """SELECT ?d ?a ?b ?first ?n WHERE { ?t a pkg:PairTally ; pkg:inDocument ?d ; pkg:functionA ?a ;
             pkg:functionB ?b ; pkg:firstMeasure ?m ; pkg:count ?n . BIND (STR(?m) AS ?first) }""",
        """SELECT ?d ?a ?b (MIN(STR(?m)) AS ?first) (COUNT(DISTINCT ?m) AS ?n) WHERE { ?e a pkg:CoResponsibility ;
             pkg:inDocument ?d ; pkg:functionA ?a ; pkg:functionB ?b ; pkg:ofMeasure ?m }
           GROUP BY ?d ?a ?b""",
    ),
]
TALLY_CLASSES = {kind.split()[0] for kind, _, _ in KINDS}


def counts(store: Store, sparql: str) -> dict[tuple, int]:
    """Rows as {(document, dimensions…): count}; a key seen twice is kept as a list, to fail."""
    out: dict[tuple, int] = {}
    for *key, n in run_sparql(store, sparql).rows:
        assert tuple(key) not in out, f"two tallies for {key}"
        out[tuple(key)] = n
    return out


def mismatches(store: Store) -> list[str]:
    """Every tally kind against its facts: what differs, or nothing."""
    problems = []
    for kind, tallies, facts in KINDS:
        got, want = counts(store, tallies), counts(store, facts)
        for key in sorted(got.keys() | want.keys(), key=str):
            if got.get(key) != want.get(key):
                problems.append(f"{kind} {key}: tally {got.get(key)}, facts {want.get(key)}")
    return problems


def test_every_tally_counts_the_facts_it_stands_for(store):
    assert mismatches(store) == []
    # and there is something to count in each kind: an empty comparison proves nothing
    for kind, tallies, _ in KINDS:
        assert len(counts(store, tallies)) >= 1, kind


def test_tallies_are_in_their_documents_graph_with_one_count_and_a_known_class(store):
    rows = run_sparql(
        store,
        """SELECT ?t ?g ?d ?class (COUNT(?n) AS ?counts) WHERE {
             GRAPH ?g { ?t a ?class ; pkg:inDocument ?d . OPTIONAL { ?t pkg:count ?n } }
             ?class rdfs:subClassOf pkg:Tally } GROUP BY ?t ?g ?d ?class""",
    ).rows
    assert len(rows) > 100
    for tally, graph, document, cls, n in rows:
        assert graph == document and tally.startswith(document + "/tally/"), tally
        assert n == 1, tally
        assert cls.rsplit("#", 1)[1] in TALLY_CLASSES, cls


def test_tallies_add_few_triples_and_have_no_span(store):
    """Tallies are derived: no span; and they stay small beside the facts (under 10 % more triples
    over the bundled plans: every quad costs the store time)."""
    facts = tallies = 0
    for plan in bundled_corpus():
        lines = document_quads(extract(read_document(plan))).triples.splitlines()
        tally = [line for line in lines if "/tally/" in line.split(" ", 1)[0]]
        assert tally, plan.name
        assert not any("#span>" in line.split(" ")[1] for line in tally)
        facts, tallies = facts + len(lines) - len(tally), tallies + len(tally)
    assert tallies < 0.1 * facts


def _tallies(store: Store, document: str) -> dict[str, int]:
    rows = run_sparql(
        store,
        f"""SELECT ?t ?n WHERE {{ GRAPH <{document}> {{ ?t pkg:inDocument <{document}> ; pkg:count ?n }}
              FILTER (STRSTARTS(STR(?t), "{document}/tally/")) }}""",
    ).rows
    return dict(rows)


def test_replacing_a_document_replaces_its_tallies_and_removing_it_removes_them(two_plans):
    store = Store()
    report = build(two_plans, store, workers=1, validate=False)
    assert report.ok and len(report.built) == 2
    assert mismatches(store) == []
    documents = sorted(run_sparql(store, "SELECT ?d WHERE { ?d a pkg:PolicyDocument }").rows)
    assert len(documents) == 2
    (first,), (second,) = documents
    before, other = _tallies(store, first), _tallies(store, second)
    assert before and other

    # the plan loses its second half: fewer measures, and the tallies must say so
    plan = next(p for p in two_plans if first.endswith(p.stem))
    text = plan.read_text(encoding="utf-8")
    plan.write_text(text[: len(text) // 2], encoding="utf-8")
    report = build(two_plans, store, workers=1, validate=False)
    assert report.ok and [p.name for p in report.built] == [plan.name]
    assert mismatches(store) == []
    after = _tallies(store, first)
    assert after and after != before
    assert sum(after.values()) < sum(before.values())
    assert _tallies(store, second) == other

    store.remove_document(first)
    assert _tallies(store, first) == {}
    assert _tallies(store, second) == other
    assert mismatches(store) == []
