"""SHACL validation (pyshacl) of document graphs against ``ontology/shapes.ttl``.

The shapes are of two kinds. *Data shapes* (every shape whose targets are not
SKOS concepts or schemes: targets, measures, departments, spans) check one
document at a time: its own named graph plus the places-graph description of
the actors and regions it points to, with the OWL core and the vocabularies
beside it, so that ``sh:targetClass pkg:Target`` reaches every subclass and a
shape may look at the concepts a fact names. *Vocabulary shapes* (concepts
and concept schemes) check the vocabularies, once: they are no document's
doing.

A document is validated from its quads before it is written (``policykg
build`` counts the violations) or from the store (``policykg validate``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

import pyoxigraph as ox
import pyshacl
import rdflib
from rdflib.namespace import RDF, SH

from policykg.graph.build import DocumentGraph
from policykg.ontology.namespaces import PLACES_GRAPH, PREFIXES, SKOS

SHAPES_FILE = "shapes.ttl"


@dataclass(frozen=True, slots=True)
class Violation:
    """One SHACL result: which shape, on which node and property, and what it says."""

    shape: str  # the node shape's local name: TargetShape
    focus: str  # IRI of the node that failed
    path: str | None  # the property, prefixed (pkg:year), when the shape constrains one
    message: str
    severity: str  # Violation, Warning or Info

    def __str__(self) -> str:
        where = f" {self.path}" if self.path else ""
        return f"{self.shape}{where}: {self.message} ({self.focus})"


def _root() -> Path:
    return Path(str(resources.files("policykg.ontology")))


@cache
def shapes_graph() -> rdflib.Graph:
    """The SHACL shapes, as shipped in the package."""
    return rdflib.Graph().parse(_root() / SHAPES_FILE, format="turtle")


@cache
def background_graph() -> rdflib.Graph:
    """The OWL core and every SKOS vocabulary (without the shapes)."""
    graph = rdflib.Graph()
    root = _root()
    for path in sorted(root.glob("*.ttl")) + sorted((root / "vocab").glob("*.ttl")):
        if path.name != SHAPES_FILE:
            graph.parse(path, format="turtle")
    return graph


@cache
def _shapes() -> tuple[tuple[rdflib.URIRef, ...], tuple[rdflib.URIRef, ...]]:
    """(data shapes, vocabulary shapes): a shape whose every target class is a SKOS class is the latter."""
    shapes = shapes_graph()
    data: list[rdflib.URIRef] = []
    vocabulary: list[rdflib.URIRef] = []
    for shape in sorted(set(shapes.subjects(RDF.type, SH.NodeShape))):
        if not isinstance(shape, rdflib.URIRef):
            continue
        classes = list(shapes.objects(shape, SH.targetClass))
        if classes and all(str(c).startswith(SKOS) for c in classes):
            vocabulary.append(shape)
        else:
            data.append(shape)
    return tuple(data), tuple(vocabulary)


def _term(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> rdflib.term.Node:
    if isinstance(term, ox.NamedNode):
        return rdflib.URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return rdflib.BNode(term.value)
    if term.language:
        return rdflib.Literal(term.value, lang=term.language)
    return rdflib.Literal(term.value, datatype=rdflib.URIRef(term.datatype.value))


def _rdflib_graph(triples: Iterable[ox.Quad | ox.Triple]) -> rdflib.Graph:
    graph = rdflib.Graph()
    for t in triples:
        graph.add((_term(t.subject), _term(t.predicate), _term(t.object)))
    return graph


def _run(data: rdflib.Graph, shapes: tuple[rdflib.URIRef, ...], *, with_background: bool) -> list[Violation]:
    if not shapes:
        return []
    _, results, _ = pyshacl.validate(
        data,
        shacl_graph=shapes_graph(),
        ont_graph=background_graph() if with_background else None,
        inference="none",
        allow_infos=True,
        allow_warnings=True,
        use_shapes=list(shapes),
    )
    return _violations(results)


def _violations(results: rdflib.Graph) -> list[Violation]:
    shapes = shapes_graph()
    out: list[Violation] = []
    for result in results.objects(None, SH.result):
        source = results.value(result, SH.sourceShape)
        owner = shapes.value(None, SH.property, source) or source  # a property shape's node shape
        path = results.value(result, SH.resultPath)
        severity = results.value(result, SH.resultSeverity)
        focus = str(results.value(result, SH.focusNode))
        out.append(
            Violation(
                shape=_local(owner),
                focus=focus,
                path=_prefixed(path) if isinstance(path, rdflib.URIRef) else None,
                message=_general(str(results.value(result, SH.resultMessage) or "does not conform"), focus),
                severity=_local(severity) if severity is not None else "Violation",
            )
        )
    return sorted(out, key=lambda v: (v.shape, v.path or "", v.focus, v.message))


def _general(message: str, focus: str) -> str:
    """The message without its node, so that one kind of violation reads the same on every node.

    pyshacl writes ``Less than 1 values on <node>->pkg:year``; the node is in ``focus``.
    """
    message = re.sub(rf"\s+on\s+<{re.escape(focus)}>->\S+", "", message)
    return message.replace(f"<{focus}>", "the node")


def _local(node: rdflib.term.Node | None) -> str:
    text = str(node)
    return text.rsplit("#", 1)[-1].rsplit("/", 1)[-1] if isinstance(node, rdflib.URIRef) else "shape"


def _prefixed(iri: rdflib.URIRef) -> str:
    for prefix, namespace in PREFIXES.items():
        if str(iri).startswith(namespace):
            return f"{prefix}:{str(iri)[len(namespace) :]}"
    return f"<{iri}>"


def validate_quads(quads: Iterable[ox.Quad | ox.Triple]) -> list[Violation]:
    """The data-shape violations of one document's triples (its graph and its places)."""
    return _run(_rdflib_graph(quads), _shapes()[0], with_background=True)


def validate_graph(graph: DocumentGraph) -> list[Violation]:
    """The data-shape violations of a document graph about to be written."""
    return validate_quads([*graph.quads, *graph.places])


def validate_vocabulary() -> list[Violation]:
    """The vocabulary-shape violations of the vocabularies (notations, labels, label clashes)."""
    return _run(background_graph(), _shapes()[1], with_background=False)


def stored_document(store, graph_iri: str) -> list[ox.Quad | ox.Triple]:
    """A document as stored: its named graph and what the places graph says about the nodes it names."""
    quads: list[ox.Quad | ox.Triple] = list(store.quads(graph_iri))
    places = store.query(
        f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{graph_iri}> {{ ?x ?q ?s }} "
        f"GRAPH <{PLACES_GRAPH}> {{ ?s ?p ?o }} }}"
    )
    quads.extend(places)
    return quads


def validate_store(store, graphs: Iterable[str] | None = None) -> dict[str, list[Violation]]:
    """The violations of every document graph in a store (or of the ones named), by graph IRI."""
    return {iri: validate_quads(stored_document(store, iri)) for iri in graphs or store.document_graphs()}
