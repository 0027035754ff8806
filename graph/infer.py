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

import pyoxigraph as ox

from policykg.errors import StoreError
from policykg.graph.store import Store
from policykg.ontology.namespaces import INFERRED_GRAPH, PKG
from policykg.ontology.rules import Rule, rules

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
    quads = [ox.Quad(t.subject, t.predicate, t.object, graph) for t in sorted(triples, key=str)]
    quads.append(ox.Quad(graph, ox.NamedNode(INFERRED_FROM), ox.Literal(digest), graph))
    # Store has no public method to replace a graph that is not a document's; _replace is
    # the same one-transaction DROP + INSERT DATA that replace_document uses (no places).
    store._replace(INFERRED_GRAPH, quads, [])
    return InferenceReport(counts=counts, seconds=time.monotonic() - started)
