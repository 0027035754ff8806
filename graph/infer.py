"""Materialise what the ontology entails into the named graph ``INFERRED_GRAPH``.

``materialise(store)`` runs the SPARQL rules that ``ontology/rules.py``
compiles from the OWL core (defined classes such as ``pkg:AirMeasure``,
inferred types, super-properties such as ``pkg:involvesActor``, the transitive
``pkg:withinRegion``) over the asserted graphs and replaces the inferred graph
with what they derive, in one transaction. So plain SPARQL on any store sees
the inferences: the embedded store, and every server `policykg push` copies
the named graphs to. Nothing in the inferred graph is also asserted; the graph
can be dropped and computed again at any time.

The graph carries one bookkeeping triple, ``<INFERRED_GRAPH> pkg:inferredFrom
"digest"``: a digest of what it was computed from (every named graph's IRI,
size, checksum and build version, and the rules), so that a build that changed
nothing does not run the rules again.
"""

from __future__ import annotations

import hashlib
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pyoxigraph as ox
import rdflib
from rdflib.namespace import OWL, RDF

from policykg.errors import PolicyKGError, StoreError
from policykg.graph.build import DocumentGraph
from policykg.graph.store import Store
from policykg.ontology.namespaces import INFERRED_GRAPH, ONTOLOGY_GRAPH, PKG, PLACES_GRAPH
from policykg.ontology.rules import Rule, TBox, rules, short

if TYPE_CHECKING:
    from policykg.ontology.check import Problem

INFERRED_FROM = PKG + "inferredFrom"


@dataclass
class InferenceReport:
    """What one materialisation did: triples per rule, or that nothing had changed."""

    counts: Counter = field(default_factory=Counter)  # rule name -> triples derived
    skipped: bool = False  # the inferred graph was already computed from the same input
    seconds: float = 0.0

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def summary(self) -> str:
        if self.skipped:
            return "inferred graph up to date"
        return f"{self.total} inferred triples from {len(self.counts)} rules in {self.seconds:.1f} s"


def input_digest(store: Store, ruleset: list[Rule]) -> str:
    """A digest of everything the rules read: each asserted graph's size and build identity, and the rules."""
    _, sizes = store.select(
        f"SELECT ?g (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER (?g != <{INFERRED_GRAPH}>) }} "
        "GROUP BY ?g ORDER BY ?g",
        {},
    )
    _, builds = store.select(
        f"SELECT ?d ?sum ?ver WHERE {{ GRAPH ?d {{ ?d <{PKG}checksum> ?sum . "
        f"OPTIONAL {{ ?d <{PKG}buildVersion> ?ver }} }} }} ORDER BY ?d",
        {},
    )
    digest = hashlib.sha256()
    for row in [*sizes, *builds]:
        digest.update("|".join(f"{k}={v['value']}" for k, v in sorted(row.items())).encode("utf-8"))
        digest.update(b"\n")
    for rule in ruleset:
        digest.update(rule.sparql.encode("utf-8"))
    return digest.hexdigest()[:32]


def _stored_digest(store: Store) -> str | None:
    _, rows = store.select(
        f"SELECT ?v WHERE {{ GRAPH <{INFERRED_GRAPH}> {{ <{INFERRED_GRAPH}> <{INFERRED_FROM}> ?v }} }}", {}
    )
    return rows[0]["v"]["value"] if rows else None


def derive(store: Store, ruleset: list[Rule] | None = None) -> tuple[set[ox.Triple], Counter]:
    """Every triple the rules derive from the asserted graphs of ``store``, and how many per rule."""
    triples: set[ox.Triple] = set()
    counts: Counter = Counter()
    for rule in ruleset if ruleset is not None else rules():
        results = store.query(rule.sparql)
        if not isinstance(results, ox.QueryTriples):
            raise StoreError(f"rule {rule.name} is not a CONSTRUCT query")
        found = set(results)
        counts[rule.name] = len(found)
        triples |= found
    return triples, counts


def materialise(store: Store, *, force: bool = False) -> InferenceReport:
    """Replace the inferred graph of ``store`` with what the rules derive, atomically.

    Skipped when the graph was computed from the same asserted graphs and rules,
    unless ``force``.
    """
    started = time.monotonic()
    ruleset = rules()
    digest = input_digest(store, ruleset)
    if not force and _stored_digest(store) == digest:
        return InferenceReport(skipped=True, seconds=time.monotonic() - started)
    triples, counts = derive(store, ruleset)
    graph = ox.NamedNode(INFERRED_GRAPH)
    triples.add(ox.Triple(graph, ox.NamedNode(INFERRED_FROM), ox.Literal(digest)))
    text = "\n".join(f"{t.subject} {t.predicate} {t.object} ." for t in sorted(triples, key=str))
    # The store's one-transaction replacement of a named graph: readers see the old
    # inferred graph or the new one, never none.
    store.replace_document(DocumentGraph(INFERRED_GRAPH, triples=text))
    return InferenceReport(counts=counts, seconds=time.monotonic() - started)


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
    """IRIs of the document graphs (neither the ontology, the places nor the inferred graph)."""
    special = {ONTOLOGY_GRAPH, PLACES_GRAPH, INFERRED_GRAPH}
    return sorted(g for g in store.graphs() if g not in special)


def store_sample(store: Store, documents: list[str]) -> rdflib.Graph:
    """The core, the vocabularies and the named documents as asserted, with the places they reach.

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
            f"WHERE {{ GRAPH ?g {{ ?s <{prop}> ?o }} FILTER (?g != <{INFERRED_GRAPH}> && isIRI(?o)) }} "
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
