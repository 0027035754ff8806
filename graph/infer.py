"""Materialise what the ontology entails, where plain SPARQL on any store sees it.

The rules are the SPARQL CONSTRUCT queries ``ontology/rules.py`` compiles from
the OWL core (defined classes such as ``pkg:AirMeasure``, inferred types,
super-properties such as ``pkg:involvesActor``, the transitive
``pkg:withinRegion``). They run in two places, neither of which grows with the
store:

- **per document, in the worker** that made its graph: ``DocumentReasoner``
  evaluates the same rules in Python (``ontology/evaluate.py``, from the TBox
  rather than the SPARQL text) over the ontology and vocabulary triples they
  read, the document's triples and the place triples it carries, and keeps
  what is new about the document's own nodes (its IRI and the facts minted
  under it), plus anything else the document alone entails.
  The store writes that into the document's companion graph
  (``store.inferred_graph_of``: ``INFERRED_GRAPH/doc/KEY``) in the same
  transaction or bulk load as the document, so replacing or dropping a
  document replaces its inferences with it, and a killed build leaves both
  old or both new.
- **once for the shared graphs**, after each build: ``materialise`` runs the
  rules over the places and ontology graphs alone (the region hierarchy's
  ``pkg:withinRegion``, ``skos:broaderTransitive``, types of regions, bodies
  and concepts) and replaces ``INFERRED_GRAPH`` with what they derive, in one
  transaction. That graph carries one bookkeeping triple, ``<INFERRED_GRAPH>
  pkg:inferredFrom "digest"``: the digest of the two graphs' sizes and the
  rules, so that a build that added no place does not run them again.

Facts are minted under their document's IRI (graph/iris.py) and the rules read
asserted triples only, so everything a rule needs to derive something about a
document's node is in that document's graph, the places it carries and the
ontology: the union of the per-document and shared inferences is what the
rules derive from the whole store at once. ``derive(store)`` is that
whole-store computation, kept as the oracle (tests/test_infer_per_document.py,
``policykg ontology infer --check``); it does not scale (10,000 plans did not
finish in 180 s). Nothing in an inferred graph is also asserted; a rules
change is part of every document's build version (``pipeline.build_version``),
so the next build rebuilds every document and its inferences.
"""

from __future__ import annotations

import hashlib
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING

import pyoxigraph as ox
import rdflib
from rdflib.namespace import OWL, RDF

from policykg.errors import PolicyKGError, StoreError
from policykg.graph.build import DocumentGraph
from policykg.graph.store import Store, is_inferred_graph, ontology_files
from policykg.ontology.evaluate import RuleEvaluator, Triples
from policykg.ontology.namespaces import INFERRED_GRAPH, ONTOLOGY_GRAPH, PKG, PLACES_GRAPH
from policykg.ontology.rules import Rule, TBox, core_tbox, rules, rules_digest, short

if TYPE_CHECKING:
    from policykg.ontology.check import Problem

INFERRED_FROM = PKG + "inferredFrom"
_RDF_TYPE = f"<{RDF.type}>"


@dataclass
class InferenceReport:
    """What one materialisation of the shared inferred graph did: triples per rule, or nothing to do."""

    counts: Counter = field(default_factory=Counter)  # rule name -> triples derived
    skipped: bool = False  # the inferred graph was already computed from the same input
    seconds: float = 0.0

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def summary(self) -> str:
        if self.skipped:
            return "shared inferred graph up to date"
        return f"{self.total} shared inferred triples from {len(self.counts)} rules in {self.seconds:.1f} s"


def _ntriples(triples: set[ox.Triple]) -> str:
    """N-Triples text, sorted: the same inferences give the same text."""
    return "".join(sorted(f"{t.subject} {t.predicate} {t.object} .\n" for t in triples))


def _run(rule_list: list[Rule], query) -> tuple[set[ox.Triple], Counter]:
    """Every triple the rules derive through ``query`` (a function of the SPARQL text), and how many per rule."""
    triples: set[ox.Triple] = set()
    counts: Counter = Counter()
    for rule in rule_list:
        results = query(rule.sparql)
        if not isinstance(results, ox.QueryTriples):
            raise StoreError(f"rule {rule.name} is not a CONSTRUCT query")
        found = set(results)
        counts[rule.name] = len(found)
        triples |= found
    return triples, counts


# -- per document ---------------------------------------------------------------------------


class DocumentReasoner:
    """The rules over one document at a time, in Python: one per worker process (``reasoner()``).

    ``ontology.evaluate.RuleEvaluator`` evaluates the same rules as the SPARQL
    ones, from the TBox, over the ontology triples they read (parsed once per
    process), the document's triples and the place triples it carries, all
    as N-Triples strings. It replaced an in-memory pyoxigraph store per
    document, which spent more time loading the ~5,000 triples than running
    the rules: 25.8 → 8.2 ms of CPU a plan (305 plans), the same inferred graphs
    (tests/test_evaluate.py checks both against each other). The document's
    text is not validated here: graph/build.py writes it from IRIs it mints
    and escapes itself, and the store parses it strictly when it writes the
    document, so a malformed line still fails the document's build there.
    """

    def __init__(self) -> None:
        self.evaluator = RuleEvaluator(core_tbox())
        keep = self.evaluator.predicates
        self._ontology = Triples().add(
            (str(t.subject), str(t.predicate), str(t.object))
            for path in ontology_files()
            for t in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE)
            if str(t.predicate) in keep
        )
        # What the ontology entails alone (skos:broaderTransitive …) is the shared graph's.
        self.ontology_entails = self.evaluator.derive(self._ontology)

    def _shared(self, graph: DocumentGraph) -> Triples:
        """A fresh copy of the ontology triples with the document's place triples added."""
        return Triples(self._ontology).add_ntriples(graph.place_triples, self.evaluator.predicates)

    def infer(self, graph: DocumentGraph) -> str:
        """What the rules derive from one document, as N-Triples: the content of its inferred graph.

        Kept: every new triple about the document or a node minted under its
        IRI, and any other triple the document entails that its places and
        the ontology do not entail alone (those are the shared graph's).
        """
        derived = self.evaluator.derive(
            self._shared(graph).add_ntriples(graph.triples, self.evaluator.predicates)
        )
        iri, prefix = f"<{graph.iri}>", f"<{graph.iri}/"
        own = {t for t in derived if t[0] == iri or t[0].startswith(prefix)}
        others = derived - own - self.ontology_entails
        if others:  # a region's chain and the like: entailed by the shared graphs alone?
            heads = {o if p == _RDF_TYPE else p for _, p, o in others}
            others -= self.evaluator.derive(self._shared(graph), sorted(heads))
        return "".join(sorted(f"{s} {p} {o} .\n" for s, p, o in own | others))


@cache
def reasoner() -> DocumentReasoner:
    """This process's ``DocumentReasoner`` (made on first use: it parses the ontology)."""
    return DocumentReasoner()


def infer_document(graph: DocumentGraph) -> str:
    """What the rules derive from one document (N-Triples): see ``DocumentReasoner.infer``."""
    return reasoner().infer(graph)


# -- the shared graphs ----------------------------------------------------------------------


def _shared_digest(store: Store) -> str:
    """A digest of what the shared inferences are computed from: the places and ontology graphs and the rules.

    The places graph only ever grows (documents add regions and bodies, described
    the same way by each) and the ontology graph is replaced whole with a new
    vocabulary version, which changes its size or its version triple: sizes suffice.
    """
    _, rows = store.select(
        f"SELECT ?g (COUNT(*) AS ?n) WHERE {{ VALUES ?g {{ <{PLACES_GRAPH}> <{ONTOLOGY_GRAPH}> }} "
        "GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g",
        {},
    )
    _, version = store.select(
        f"SELECT ?v WHERE {{ GRAPH <{ONTOLOGY_GRAPH}> {{ <{ONTOLOGY_GRAPH}> <{PKG}vocabularyVersion> ?v }} }}",
        {},
    )
    digest = hashlib.sha256(rules_digest().encode("utf-8"))
    for row in [*rows, *version]:
        digest.update("|".join(f"{k}={v['value']}" for k, v in sorted(row.items())).encode("utf-8"))
    return digest.hexdigest()[:32]


def _stored_digest(store: Store) -> str | None:
    _, rows = store.select(
        f"SELECT ?v WHERE {{ GRAPH <{INFERRED_GRAPH}> {{ <{INFERRED_GRAPH}> <{INFERRED_FROM}> ?v }} }}", {}
    )
    return rows[0]["v"]["value"] if rows else None


def derive_shared(store: Store) -> tuple[set[ox.Triple], Counter]:
    """What the rules derive from the places and ontology graphs of ``store`` alone."""
    ruleset = rules(exclude_graph=None)  # two asserted graphs as the default graph: no filters needed
    return _run(ruleset, lambda sparql: store.query(sparql, default_graphs=[PLACES_GRAPH, ONTOLOGY_GRAPH]))


def materialise(store: Store, *, force: bool = False) -> InferenceReport:
    """Replace the shared inferred graph of ``store`` with what the shared graphs entail, atomically.

    Skipped when it was computed from the same places, ontology and rules, unless
    ``force``. The documents' own inferences are written with each document.
    """
    started = time.monotonic()
    digest = _shared_digest(store)
    if not force and _stored_digest(store) == digest:
        return InferenceReport(skipped=True, seconds=time.monotonic() - started)
    triples, counts = derive_shared(store)
    triples.add(ox.Triple(ox.NamedNode(INFERRED_GRAPH), ox.NamedNode(INFERRED_FROM), ox.Literal(digest)))
    # One transaction: readers see the old shared inferences or the new ones, never none.
    store.replace_graph(INFERRED_GRAPH, _ntriples(triples))
    return InferenceReport(counts=counts, seconds=time.monotonic() - started)


# -- the whole store at once: the oracle ----------------------------------------------------


def derive(store: Store, ruleset: list[Rule] | None = None) -> tuple[set[ox.Triple], Counter]:
    """Every triple the rules derive from all the asserted graphs of ``store`` at once, and how many per rule.

    The oracle the per-document inferences are checked against; slow on a large store.
    """
    return _run(ruleset if ruleset is not None else rules(), store.query)


def stored_inferences(store: Store) -> set[ox.Triple]:
    """Every triple of every inferred graph of ``store`` (shared and per document), without the bookkeeping."""
    return {
        ox.Triple(q.subject, q.predicate, q.object)
        for graph in store.graphs()
        if is_inferred_graph(graph)
        for q in store.quads(graph)
        if q.predicate.value != INFERRED_FROM
    }


def compare_with_whole_store(store: Store) -> tuple[set[ox.Triple], set[ox.Triple]]:
    """(missing, extra): what the whole-store rules derive that no inferred graph holds, and the reverse."""
    stored = stored_inferences(store)
    oracle, _ = derive(store)
    return oracle - stored, stored - oracle


# -- checks of a store ---------------------------------------------------------------------


def _rdflib(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> rdflib.term.Node:
    if isinstance(term, ox.NamedNode):
        return rdflib.URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return rdflib.BNode(term.value)
    if term.language:
        return rdflib.Literal(term.value, lang=term.language)
    return rdflib.Literal(term.value, datatype=rdflib.URIRef(term.datatype.value))


def asserted_documents(store: Store) -> list[str]:
    """IRIs of the document graphs (neither the ontology, the places nor an inferred graph)."""
    return store.document_graphs()


def store_sample(store: Store, documents: list[str], graphs: Iterable[str] = ()) -> rdflib.Graph:
    """The core, the vocabularies and the named documents as asserted, with the places they reach,
    and the whole of each of ``graphs`` (the corpus totals, say).

    What HermiT checks of a store: a few documents, never all of them. A
    document's bodies and regions are in the shared places graph, and so is each
    region's chain of parents up to its province: all of that comes along.
    """
    from policykg.ontology.reasoning import tbox_graph  # owlready2 is loaded only by the checks

    graph = tbox_graph()
    links = "|".join(f"<{PKG}{p}>" for p in ("region", "parentRegion", "province"))
    for iri in documents:
        for quad in store.quads(iri):
            graph.add((_rdflib(quad.subject), _rdflib(quad.predicate), _rdflib(quad.object)))
        places = store.query(
            f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{iri}> {{ ?x ?q ?start }} "
            f"GRAPH <{PLACES_GRAPH}> {{ ?start ({links})* ?s . ?s ?p ?o }} }}"
        )
        for triple in places:
            graph.add((_rdflib(triple.subject), _rdflib(triple.predicate), _rdflib(triple.object)))
    for iri in graphs:
        for quad in store.quads(iri):
            graph.add((_rdflib(quad.subject), _rdflib(quad.predicate), _rdflib(quad.object)))
    return graph


def pick_sample(documents: list[str], size: int) -> list[str]:
    """``size`` documents spread evenly over the sorted list (all of them if there are fewer)."""
    if size <= 0 or not documents:
        return []
    if size >= len(documents):
        return list(documents)
    step = len(documents) / size
    return [documents[int(i * step)] for i in range(size)]


def functional_problems(store: Store) -> list[Problem]:
    """Subjects with two values of a functional object property, anywhere in the asserted graphs.

    Distinct IRIs are distinct things (graph/iris.py mints one per thing), so such a
    subject makes the graph inconsistent with the core. A SPARQL query per property:
    it scales to the whole store, where HermiT sees a sample only.
    """
    from policykg.ontology.check import Problem
    from policykg.ontology.rules import core_file

    problems = []
    tbox = TBox(rdflib.Graph().parse(core_file(), format="turtle"))
    functional = sorted(
        p for p in tbox.graph.subjects(RDF.type, OWL.FunctionalProperty) if p in tbox.object_properties
    )
    for prop in functional:
        _, rows = store.select(
            f"SELECT ?s (COUNT(DISTINCT ?o) AS ?n) (GROUP_CONCAT(DISTINCT STR(?o); separator=' ') AS ?values) "
            f'WHERE {{ GRAPH ?g {{ ?s <{prop}> ?o }} FILTER (!STRSTARTS(STR(?g), "{INFERRED_GRAPH}") && isIRI(?o)) }} '
            "GROUP BY ?s HAVING (COUNT(DISTINCT ?o) > 1) ORDER BY ?s",
            {},
        )
        for row in rows:
            problems.append(
                Problem(
                    "functional",
                    f"{row['s']['value']} has {row['n']['value']} values of functional {short(str(prop))}: "
                    f"{', '.join(sorted(row['values']['value'].split()))}",
                )
            )
    return problems


def check_store(store: Store, sample: int = 3) -> list[Problem]:
    """The functional properties over the whole store, then HermiT on ``sample`` of its documents.

    The sample is read with unique names for the departments (see
    ``reasoning.with_unique_names``), as the rules read it.
    """
    from policykg.ontology.check import Problem
    from policykg.ontology.reasoning import check_graph, with_unique_names

    problems = functional_problems(store)
    chosen = pick_sample(asserted_documents(store), sample)
    if chosen:
        names = ", ".join(iri.rsplit("/", 1)[-1] for iri in chosen)
        try:
            check_graph(with_unique_names(store_sample(store, chosen)), f"store sample ({names})")
        except PolicyKGError as exc:
            problems.append(Problem("sample", str(exc)))
    return problems
