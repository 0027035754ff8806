"""The embedded store: a pyoxigraph (RocksDB) database in a folder on disk.

Each document lives in its own named graph, written in one transaction: a
new document is one load of its TriG text (its graph and its places), a
document already in the store one SPARQL update (drop the old graph, insert
the new one). Oxigraph applies either atomically, so a build that fails or is
killed part way leaves every document either as it was or as it is now,
never half-written. Queries see the union of all graphs as their default
graph.

The cost of a write is Oxigraph's (RocksDB's) indexing, about 30 µs of CPU
per quad on the on-disk store (six index entries each): a plan of 5,000
quads takes 100-200 ms to store, an order of magnitude more than reading and
extracting it. Loading beats the update (no SPARQL parsing); batching several
documents in one transaction was slower per document (see benchmarks/).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path

import pyoxigraph as ox

from policykg.errors import QueryError, StoreError
from policykg.graph.binding import substitute
from policykg.graph.build import DocumentGraph
from policykg.ontology.namespaces import INFERRED_GRAPH, ONTOLOGY_GRAPH, PKG, PLACES_GRAPH, XSD
from policykg.ontology.vocab import vocabulary_version

_EXPORT_FORMATS = {"trig": ox.RdfFormat.TRIG, "nquads": ox.RdfFormat.N_QUADS, "turtle": ox.RdfFormat.TURTLE}


def ontology_files() -> list[Path]:
    """The OWL core and every SKOS vocabulary, as shipped in the package."""
    root = Path(str(resources.files("policykg.ontology")))
    return sorted(root.glob("*.ttl")) + sorted((root / "vocab").glob("*.ttl"))


def _ntriples(quads: Iterable[ox.Quad]) -> str:
    return "\n".join(f"{q.subject} {q.predicate} {q.object} ." for q in quads)


class Store:
    """A policykg graph on disk (or in memory when ``path`` is None)."""

    def __init__(self, path: Path | str | None = None, *, read_only: bool = False) -> None:
        self.path = Path(path) if path is not None else None
        try:
            if self.path is None:
                self._store = ox.Store()
            elif read_only:
                if not self.path.exists():
                    raise StoreError(f"{self.path}: no store here (run `policykg build` first)")
                self._store = ox.Store.read_only(str(self.path))
            else:
                self.path.mkdir(parents=True, exist_ok=True)
                self._store = ox.Store(str(self.path))
        except OSError as exc:
            raise StoreError(f"{self.path}: cannot open the store ({exc})") from exc

    # -- writing ---------------------------------------------------------------
    def ensure_ontology(self) -> bool:
        """Load the ontology and vocabularies into their graph unless already current.

        Returns True when they were (re)loaded.
        """
        version = vocabulary_version()
        marker = ox.Quad(
            ox.NamedNode(ONTOLOGY_GRAPH),
            ox.NamedNode(PKG + "vocabularyVersion"),
            ox.Literal(version),
            ox.NamedNode(ONTOLOGY_GRAPH),
        )
        if marker in self._store:
            return False
        graph = ox.NamedNode(ONTOLOGY_GRAPH)
        quads: list[ox.Quad] = [marker]
        for path in ontology_files():
            for triple in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE):
                quads.append(ox.Quad(triple.subject, triple.predicate, triple.object, graph))
        self._replace(ONTOLOGY_GRAPH, quads, [])
        return True

    def replace_document(self, graph: DocumentGraph) -> None:
        """Replace one document's named graph, atomically, and add its places.

        Only this process writes (RocksDB locks the folder), so a graph that is
        not in the store now cannot appear before the load: loading it is the
        same as dropping and inserting it, in one transaction as well.
        """
        if self._store.contains_named_graph(ox.NamedNode(graph.iri)):
            self._update(graph.iri, graph.triples, graph.place_triples)
            return
        try:
            self._store.load(graph.trig(), format=ox.RdfFormat.TRIG)
        except (OSError, SyntaxError, ValueError) as exc:
            raise StoreError(f"{self.path}: could not write graph {graph.iri} ({exc})") from exc

    def _replace(self, graph_iri: str, quads: Iterable[ox.Quad], places: Iterable[ox.Quad]) -> None:
        self._update(graph_iri, _ntriples(quads), _ntriples(places))

    def _update(self, graph_iri: str, triples: str, place_triples: str) -> None:
        """Drop a graph and insert its new triples and places (N-Triples text) in one update."""
        update = (
            f"DROP SILENT GRAPH <{graph_iri}> ;\n"
            f"INSERT DATA {{ GRAPH <{graph_iri}> {{\n{triples}\n}}\n"
            f"GRAPH <{PLACES_GRAPH}> {{\n{place_triples}\n}} }}"
        )
        try:
            self._store.update(update)
        except (OSError, SyntaxError, ValueError) as exc:
            raise StoreError(f"{self.path}: could not write graph {graph_iri} ({exc})") from exc

    def remove_document(self, graph_iri: str) -> None:
        """Drop one document's graph."""
        self._store.update(f"DROP SILENT GRAPH <{graph_iri}>")

    def optimize(self) -> None:
        """Compact the database: after a large build, questions read fewer, sorted files."""
        if self.path is not None:
            self._store.optimize()

    def flush(self) -> None:
        """Make every write durable on disk."""
        if self.path is not None:
            self._store.flush()

    # -- reading ---------------------------------------------------------------
    def query(self, sparql: str, bindings: dict[str, ox.NamedNode | ox.Literal] | None = None):
        """Run a SPARQL query over the union of all graphs (pyoxigraph results)."""
        if bindings:
            sparql = substitute(sparql, bindings)
        try:
            return self._store.query(sparql, use_default_graph_as_union=True)
        except SyntaxError as exc:
            raise QueryError(f"SPARQL syntax error: {exc}") from exc

    def select(
        self, sparql: str, bindings: dict[str, ox.NamedNode | ox.Literal]
    ) -> tuple[list[str], list[dict]]:
        """A SELECT or ASK in the SPARQL 1.1 JSON results form: (variables, bindings)."""
        results = self.query(sparql, bindings)
        if isinstance(results, ox.QueryBoolean):
            value = {"type": "literal", "value": str(bool(results)).lower(), "datatype": XSD + "boolean"}
            return ["ask"], [{"ask": value}]
        if not isinstance(results, ox.QuerySolutions):
            raise QueryError(
                "expected a SELECT or ASK query; use `policykg sparql --format turtle` for CONSTRUCT"
            )
        doc = json.loads(results.serialize(format=ox.QueryResultsFormat.JSON))
        return doc["head"]["vars"], doc["results"]["bindings"]

    def construct(self, sparql: str) -> bytes:
        """A CONSTRUCT or DESCRIBE query's triples as Turtle."""
        results = self.query(sparql)
        if not isinstance(results, ox.QueryTriples):
            raise QueryError("expected a CONSTRUCT or DESCRIBE query")
        return ox.serialize(results, format=ox.RdfFormat.TURTLE) or b""

    def document_graphs(self) -> list[str]:
        """IRIs of every document graph in the store."""
        special = {ONTOLOGY_GRAPH, PLACES_GRAPH, INFERRED_GRAPH}
        return sorted(g.value for g in self._store.named_graphs() if g.value not in special)

    def graphs(self) -> Iterator[str]:
        """IRIs of every named graph."""
        return (g.value for g in self._store.named_graphs())

    def quads(self, graph_iri: str | None = None) -> Iterator[ox.Quad]:
        """Every quad, or those of one graph."""
        graph = ox.NamedNode(graph_iri) if graph_iri else None
        return iter(self._store.quads_for_pattern(None, None, None, graph))

    def __len__(self) -> int:
        return len(self._store)

    def export(self, out: Path, fmt: str = "trig") -> None:
        """Write the whole dataset (trig, nquads) or the union of its graphs (turtle)."""
        if fmt not in _EXPORT_FORMATS:
            raise StoreError(f"unknown export format {fmt!r} (use one of {', '.join(_EXPORT_FORMATS)})")
        if fmt == "turtle":
            triples = {ox.Triple(q.subject, q.predicate, q.object) for q in self._store}
            ox.serialize(sorted(triples, key=str), str(out), ox.RdfFormat.TURTLE)
        else:
            self._store.dump(str(out), _EXPORT_FORMATS[fmt])


@contextmanager
def open_store(path: Path | str | None, *, read_only: bool = False) -> Iterator[Store]:
    """Open a store for the length of a ``with`` block, flushing writes at the end."""
    store = Store(path, read_only=read_only)
    try:
        yield store
    finally:
        if not read_only:
            store.flush()
