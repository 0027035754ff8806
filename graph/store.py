"""The embedded store: a pyoxigraph (RocksDB) database in a folder on disk.

Each document lives in its own named graph. Queries see the union of all
graphs as their default graph. Two ways in, both leaving every document
either as it was or complete, never half-written, if a build fails or is
killed part way:

- ``replace_document``: one transaction per document (a load of its TriG text
  when it is new, a SPARQL update dropping the old graph otherwise). Oxigraph
  applies either atomically. About 20 µs of CPU per quad on disk: RocksDB
  writes six index entries per quad, each under a transaction lock.
- ``add_new_documents``: documents not yet in the store, many at a time,
  through Oxigraph's bulk loader (sorted files handed to RocksDB whole, on
  several threads), about 2.5 times faster but not transactional. So the
  documents of a batch are first named in ``LOADING_GRAPH`` (one
  transaction) and struck off once their load is on disk. A store with names
  left there was killed mid-load: queries refuse it with a clear message,
  and ``recover`` (which every build runs first) drops those graphs, which
  were not in the store before.

The corpus totals (``graph/totals.py``, in ``TOTALS_GRAPH``) are sums over
every document, so any document written or dropped makes them out of date:
each of these ways in first strikes off their ``pkg:totalsFrom`` marker
(``totals_version``), and the build computes them again at its end. A build
killed in between leaves them marked out of date, never wrong and unmarked.

What the ontology entails from a document (``graph/infer.py``) lives in a
companion graph, ``inferred_graph_of(document)`` (``INFERRED_GRAPH/doc/KEY``),
written and dropped with the document by every one of these ways in: the same
transaction, the same bulk load, the same recovery. So a document and its
inferences are always of the same build.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

from policykg.errors import QueryError, StoreError
from policykg.graph.binding import substitute
from policykg.ontology.namespaces import (
    DATA,
    INFERRED_GRAPH,
    LOADING_GRAPH,
    ONTOLOGY_GRAPH,
    PKG,
    PLACES_GRAPH,
    TOTALS_GRAPH,
    XSD,
)

if TYPE_CHECKING:  # the extraction side (rdflib, the gazetteer) is not needed to read a store
    from policykg.graph.build import DocumentGraph

_LOADING = ox.NamedNode(LOADING_GRAPH)
_LOADS = ox.NamedNode(PKG + "loads")
_TOTALS = ox.NamedNode(TOTALS_GRAPH)
# On the totals graph: the version of graph/totals.py the totals were computed with.
TOTALS_FROM = PKG + "totalsFrom"
_TOTALS_FROM = ox.NamedNode(TOTALS_FROM)
_SPECIAL_GRAPHS = frozenset({ONTOLOGY_GRAPH, PLACES_GRAPH, INFERRED_GRAPH, LOADING_GRAPH, TOTALS_GRAPH})

_EXPORT_FORMATS = {"trig": ox.RdfFormat.TRIG, "nquads": ox.RdfFormat.N_QUADS, "turtle": ox.RdfFormat.TURTLE}


def inferred_graph_of(graph_iri: str) -> str:
    """Name of the graph holding what the rules derive from one document's graph.

    ``…/graph/inferred/doc/KEY`` for the document ``…/id/doc/KEY``: under
    ``INFERRED_GRAPH``, so that one prefix tells every inferred graph from the
    asserted ones (``FILTER (!STRSTARTS(STR(?g), INFERRED_GRAPH))``).
    """
    return f"{INFERRED_GRAPH}/{graph_iri.removeprefix(DATA)}"


def is_inferred_graph(graph_iri: str) -> bool:
    """Whether a graph holds inferences: the shared ``INFERRED_GRAPH`` or a document's companion."""
    return graph_iri == INFERRED_GRAPH or graph_iri.startswith(INFERRED_GRAPH + "/")


def ontology_files() -> list[Path]:
    """The OWL core and every SKOS vocabulary, as shipped in the package."""
    root = Path(str(resources.files("policykg.ontology")))
    return sorted(root.glob("*.ttl")) + sorted((root / "vocab").glob("*.ttl"))


def _ntriples(quads: Iterable[ox.Quad]) -> str:
    return "\n".join(f"{q.subject} {q.predicate} {q.object} ." for q in quads)


def _trig(graph: DocumentGraph, inferred: str) -> str:
    """A document's graph, its places and its inferred graph as TriG."""
    if not inferred:
        return graph.trig()
    return f"{graph.trig()}<{inferred_graph_of(graph.iri)}> {{\n{inferred}\n}}\n"


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
        from policykg.ontology.vocab import vocabulary_version

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

    def replace_document(self, graph: DocumentGraph, inferred: str = "") -> None:
        """Replace one document's named graph and its inferred graph, atomically, and add its places.

        ``inferred``: what the rules derive from the document (N-Triples text,
        ``graph.infer.DocumentReasoner``); whatever the companion graph held
        before goes. Only this process writes (RocksDB locks the folder), so
        graphs that are not in the store now cannot appear before the load:
        loading them is the same as dropping and inserting them, in one
        transaction as well.
        """
        self._outdate_totals()
        companion = inferred_graph_of(graph.iri)
        if self._store.contains_named_graph(ox.NamedNode(graph.iri)) or self._store.contains_named_graph(
            ox.NamedNode(companion)
        ):
            self._update(graph.iri, graph.triples, graph.place_triples, inferred)
            return
        try:
            self._store.load(_trig(graph, inferred), format=ox.RdfFormat.TRIG)
        except (OSError, SyntaxError, ValueError) as exc:
            raise StoreError(f"{self.path}: could not write graph {graph.iri} ({exc})") from exc

    def replace_graph(self, graph_iri: str, triples: str) -> None:
        """Replace one named graph that is no document's (the shared inferred graph), atomically."""
        self._update(graph_iri, triples, "")

    def add_new_documents(self, graphs: list[DocumentGraph], inferred: list[str] | None = None) -> None:
        """Bulk-load documents that are not in the store yet, with their inferred graphs
        (``inferred[i]`` for ``graphs[i]``; see the module docstring).

        The caller must know they are new (``has_document``); a graph already
        in the store would get the new triples on top of its old ones.
        """
        if not graphs:
            return
        inferred = inferred if inferred is not None else [""] * len(graphs)
        if len(inferred) != len(graphs):
            raise ValueError(f"{len(graphs)} documents but {len(inferred)} inferred graphs")
        loading = [ox.Quad(_LOADING, _LOADS, ox.NamedNode(g.iri), _LOADING) for g in graphs]
        self._outdate_totals()
        try:
            self._store.extend(loading)  # one transaction: from here on a kill is recoverable
            text = "".join(_trig(g, more) for g, more in zip(graphs, inferred, strict=True))
            self._store.bulk_load(text, format=ox.RdfFormat.TRIG)
            self.flush()
            self._store.update(f"DROP SILENT GRAPH <{LOADING_GRAPH}>")
        except (OSError, SyntaxError, ValueError) as exc:
            raise StoreError(
                f"{self.path}: could not bulk-load {len(graphs)} documents, from {graphs[0].iri} ({exc});"
                " the next build removes what was loaded"
            ) from exc

    def has_document(self, graph_iri: str) -> bool:
        """Whether the store holds a graph of this name."""
        return self._store.contains_named_graph(ox.NamedNode(graph_iri))

    def interrupted(self) -> list[str]:
        """Documents a killed bulk load left incomplete (normally none)."""
        return sorted(q.object.value for q in self._store.quads_for_pattern(_LOADING, _LOADS, None, _LOADING))

    def recover(self) -> list[str]:
        """Drop the documents a killed bulk load left incomplete, and their inferred graphs,
        in one transaction; their IRIs."""
        broken = self.interrupted()
        if broken:
            drops = "".join(
                f"DROP SILENT GRAPH <{iri}> ;\nDROP SILENT GRAPH <{inferred_graph_of(iri)}> ;\n"
                for iri in broken
            )
            self._store.update(f"{drops}DROP SILENT GRAPH <{LOADING_GRAPH}>")
            self.flush()
        return broken

    def _replace(self, graph_iri: str, quads: Iterable[ox.Quad], places: Iterable[ox.Quad]) -> None:
        self._update(graph_iri, _ntriples(quads), _ntriples(places))

    def _update(self, graph_iri: str, triples: str, place_triples: str, inferred: str | None = None) -> None:
        """Drop a graph and insert its new triples and places (N-Triples text) in one update;
        with ``inferred``, the same for its inferred graph (a document's)."""
        drop, insert = f"DROP SILENT GRAPH <{graph_iri}> ;\n", ""
        if inferred is not None:
            companion = inferred_graph_of(graph_iri)
            drop += f"DROP SILENT GRAPH <{companion}> ;\n"
            insert = f"GRAPH <{companion}> {{\n{inferred}\n}}\n"
        update = (
            f"{drop}INSERT DATA {{ GRAPH <{graph_iri}> {{\n{triples}\n}}\n{insert}"
            f"GRAPH <{PLACES_GRAPH}> {{\n{place_triples}\n}} }}"
        )
        try:
            self._store.update(update)
        except (OSError, SyntaxError, ValueError) as exc:
            raise StoreError(f"{self.path}: could not write graph {graph_iri} ({exc})") from exc

    def remove_document(self, graph_iri: str) -> None:
        """Drop one document's graph and its inferred graph, in one update."""
        self._outdate_totals()
        self._store.update(
            f"DROP SILENT GRAPH <{graph_iri}> ;\nDROP SILENT GRAPH <{inferred_graph_of(graph_iri)}>"
        )

    def totals_version(self) -> str | None:
        """The version the corpus totals were computed with, or None when they are out of date or absent."""
        for quad in self._store.quads_for_pattern(_TOTALS, _TOTALS_FROM, None, _TOTALS):
            return quad.object.value
        return None

    def _outdate_totals(self) -> None:
        """Strike off the totals' marker before a document changes (one small transaction, once a build)."""
        for quad in list(self._store.quads_for_pattern(_TOTALS, _TOTALS_FROM, None, _TOTALS)):
            self._store.remove(quad)

    def optimize(self) -> None:
        """Compact the database: after a large build, questions read fewer, sorted files."""
        if self.path is not None:
            self._store.optimize()

    def flush(self) -> None:
        """Make every write durable on disk."""
        if self.path is not None:
            self._store.flush()

    # -- reading ---------------------------------------------------------------
    def query(
        self,
        sparql: str,
        bindings: dict[str, ox.NamedNode | ox.Literal] | None = None,
        *,
        default_graphs: list[str] | None = None,
    ):
        """Run a SPARQL query over the union of all graphs, or of ``default_graphs`` (pyoxigraph results)."""
        if bindings:
            sparql = substitute(sparql, bindings)
        if broken := self.interrupted():
            raise StoreError(
                f"{self.path}: a build was killed while loading {len(broken)} documents (first: {broken[0]});"
                " run `policykg build` again to finish it"
            )
        try:
            if default_graphs is not None:
                return self._store.query(sparql, default_graph=[ox.NamedNode(g) for g in default_graphs])
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
        """IRIs of every document graph in the store (no shared graph, no inferred graph)."""
        return sorted(
            g.value
            for g in self._store.named_graphs()
            if g.value not in _SPECIAL_GRAPHS and not is_inferred_graph(g.value)
        )

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
