"""Real SPARQL servers as the store: push the bundled plans, then every ready question agrees.

The test suite starts the Oxigraph server (PyPI ``oxigraph``) and Virtuoso
(Debian ``virtuoso-opensource``) on free ports of 127.0.0.1, pushes the
embedded store with ``policykg push``, and asks each of them every ready
question through SPARQLWrapper: the rows must equal the embedded store's.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from servers import Server, comparable, oxigraph_server, quiet_copy, virtuoso_server

from policykg.errors import QueryError, StoreError
from policykg.graph.build import DocumentGraph
from policykg.graph.remote import Endpoint, chunk_triples
from policykg.graph.store import Store
from policykg.ontology.namespaces import PLACES_GRAPH
from policykg.queries.library import ready_queries
from policykg.queries.run import run_query, run_sparql

HOSTILE = 'VOCs" } } ; DROP ALL ; SELECT * WHERE { ?s ?p ?o . FILTER("x'
# Every ready question with its defaults, and some with other values (an injection among them).
CASES = [(name, {}) for name in ready_queries()] + [
    ("voc-cities", {"pollutant": "NOx"}),
    ("voc-cities", {"pollutant": "heavy_metals"}),
    ("voc-cities", {"pollutant": HOSTILE}),
    ("indicator-targets", {"indicator": "优良"}),
    ("lead-departments", {"role": "joint"}),
    ("instrument-adoptions", {"instrument_type": "market_based"}),
    ("named-places", {"pattern": "湾"}),
    ("place-profile", {"place": "330302"}),
    ("place-graph", {"place": "鹿城区"}),
    ("provenance", {"fact": "湾(滩)长制"}),
]
CASE_IDS = [name + "".join(f"[{k}={v[:12]}]" for k, v in params.items()) for name, params in CASES]
PARAMS = [
    pytest.param(cid, name, params, id=cid) for cid, (name, params) in zip(CASE_IDS, CASES, strict=True)
]


def policykg(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """The command line, as a user runs it."""
    return subprocess.run(
        [sys.executable, "-m", "policykg", *args],
        capture_output=True,
        text=True,
        timeout=900,
        env={**os.environ, "COLUMNS": "200", **(env or {})},
    )


@pytest.fixture(scope="module", params=["oxigraph", "virtuoso"])
def server(request, store, tmp_path_factory) -> Iterator[Server]:
    """Each real server in turn, with the bundled plans pushed to it by `policykg push`.

    To the Oxigraph server through its update endpoint; to Virtuoso through its
    graph store (ten times quicker there). Both ways are tested on both servers below.
    """
    start = {"oxigraph": oxigraph_server, "virtuoso": virtuoso_server}[request.param]
    path = quiet_copy(store, tmp_path_factory.mktemp("pushed"))
    with start(tmp_path_factory.mktemp(request.param)) as running:
        args = ["push", "--endpoint", running.query_url]
        if running.user:
            args += ["--graph-store", running.graph_store_url, "--user", running.user]
            env = {"POLICYKG_SPARQL_PASSWORD": running.password or ""}
        else:
            args += ["--update-endpoint", running.update_url]
            env = {}
        done = policykg(*args, "--store", str(path), "--quiet", env=env)
        assert done.returncode == 0, done.stderr
        assert "7 graphs" in done.stderr or " graphs, " in done.stderr
        yield running


@pytest.fixture(scope="module")
def local_answers(store) -> dict[str, list[tuple]]:
    """The embedded store's answer to every case."""
    return {
        cid: comparable(run_query(store, name, params).rows)
        for cid, (name, params) in zip(CASE_IDS, CASES, strict=True)
    }


@pytest.mark.parametrize(("case", "name", "params"), PARAMS)
def test_server_gives_the_rows_of_the_embedded_store(server, local_answers, case, name, params):
    remote = run_query(Endpoint(server.query_url), name, params)
    assert comparable(remote.rows) == local_answers[case]
    if name == "voc-cities" and not params:
        assert {row[0] for row in remote.rows} == {"福州市", "泉州市", "衢州市", "衡阳市", "鹿城区"}


def test_push_copied_every_graph(server, store):
    graphs = sorted(store.graphs())
    local = {g: sum(1 for _ in store.quads(g)) for g in graphs}
    assert Endpoint(server.query_url).graph_sizes(graphs) == local
    # blank nodes (OWL lists of the ontology) arrived as structures, not as loose labels
    ask = "ASK { ?c <http://www.w3.org/2002/07/owl#unionOf> ?list . ?list <http://www.w3.org/1999/02/22-rdf-syntax-ns#first> ?x }"
    assert run_sparql(Endpoint(server.query_url), ask).rows == [(True,)]


LISTS = "http://example.org/lists"


def owl_list_quads() -> list[ox.Quad]:
    """An OWL union of two classes: a list of blank nodes, as the ontology holds."""
    ex, rdf, g = "http://example.org/", "http://www.w3.org/1999/02/22-rdf-syntax-ns#", ox.NamedNode(LISTS)
    first, rest = ox.BlankNode(), ox.BlankNode()
    return [
        ox.Quad(ox.NamedNode(ex + "AorB"), ox.NamedNode("http://www.w3.org/2002/07/owl#unionOf"), first, g),
        ox.Quad(first, ox.NamedNode(rdf + "first"), ox.NamedNode(ex + "A"), g),
        ox.Quad(first, ox.NamedNode(rdf + "rest"), rest, g),
        ox.Quad(rest, ox.NamedNode(rdf + "first"), ox.NamedNode(ex + "B"), g),
        ox.Quad(rest, ox.NamedNode(rdf + "rest"), ox.NamedNode(rdf + "nil"), g),
    ]


@pytest.mark.parametrize("way", ["update", "graph-store"])
def test_a_push_replaces_graphs_and_a_second_push_changes_nothing(server, store, way):
    urls = {"update": (server.update_url, None), "graph-store": (None, server.graph_store_url)}[way]
    endpoint = Endpoint(
        server.query_url, urls[0], graph_store_url=urls[1], user=server.user, password=server.password
    )
    graphs = sorted(store.graphs())
    before = endpoint.graph_sizes(graphs)
    # a smaller version of the places graph, and a graph of blank nodes
    places = [q for q in store.quads(PLACES_GRAPH) if "region" in q.subject.value]
    assert 0 < len(places) < before[PLACES_GRAPH]
    small = store_of(PLACES_GRAPH, places)
    small.replace_document(DocumentGraph(LISTS, owl_list_quads()))
    for _ in range(2):
        pushed = endpoint.push(small)
        assert [(p.iri, p.triples) for p in pushed] == [(LISTS, 5), (PLACES_GRAPH, len(places))]
        # replaced, not added to; the other graphs untouched
        assert endpoint.graph_sizes([*graphs, LISTS]) == {**before, PLACES_GRAPH: len(places), LISTS: 5}
        walk = f"ASK {{ GRAPH <{LISTS}> {{ ?c <http://www.w3.org/2002/07/owl#unionOf>/<http://www.w3.org/1999/02/22-rdf-syntax-ns#rest>/<http://www.w3.org/1999/02/22-rdf-syntax-ns#first> <http://example.org/B> }} }}"
        assert run_sparql(endpoint, walk).rows == [(True,)]  # the list is still one list
    endpoint.push(store_of(PLACES_GRAPH, list(store.quads(PLACES_GRAPH))))
    Endpoint(server.query_url, server.update_url, user=server.user, password=server.password).update(
        f"DROP SILENT GRAPH <{LISTS}>"
    )
    assert endpoint.graph_sizes([*graphs, LISTS]) == before


def store_of(graph: str, quads: list[ox.Quad]) -> Store:
    """An in-memory store holding these quads in one named graph."""
    store = Store()
    store.replace_document(DocumentGraph(graph, quads))
    return store


def test_query_and_sparql_commands_with_endpoint(server):
    done = policykg(
        "query", "voc-cities", "--param", "pollutant=NOx", "--format", "csv", "--endpoint", server.query_url
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "place,adcode,level,year,sentence,document" and len(lines) > 1
    assert all("氮氧化物" in line or "NOx" in line for line in lines[1:])
    ask = "SELECT (COUNT(?d) AS ?n) WHERE { ?d a pkg:PolicyDocument }"
    done = policykg("sparql", ask, "--format", "csv", "--endpoint", server.query_url)
    assert done.returncode == 0 and done.stdout.splitlines() == ["n", "5"], done.stderr
    construct = "CONSTRUCT { ?r rdfs:label ?l } WHERE { ?r a pkg:Prefecture ; rdfs:label ?l }"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "policykg",
            "sparql",
            construct,
            "--format",
            "turtle",
            "--endpoint",
            server.query_url,
        ],
        capture_output=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    labels = {t.object.value for t in ox.parse(done.stdout, format=ox.RdfFormat.TURTLE)}
    assert labels == {"福州市", "泉州市", "衢州市", "衡阳市", "温州市"}


def test_push_problems_are_one_clear_line(server, store):
    one = store_of(PLACES_GRAPH, list(store.quads(PLACES_GRAPH))[:3])
    if server.user:  # Virtuoso: a wrong password
        endpoint = Endpoint(server.query_url, server.update_url, user=server.user, password="wrong")
        with pytest.raises(StoreError, match="wants other credentials"):
            endpoint.push(one)
        endpoint = Endpoint(
            server.query_url, graph_store_url=server.graph_store_url, user=server.user, password="wrong"
        )
        with pytest.raises(StoreError, match="wants other credentials"):
            endpoint.push(one)
    else:  # the Oxigraph server: the query URL given as the update URL
        endpoint = Endpoint(server.query_url, server.query_url)
        with pytest.raises(QueryError, match=server.query_url):
            endpoint.push(one)
    with pytest.raises(StoreError, match="no update endpoint"):
        Endpoint(server.query_url).push(one)


def test_unreachable_server_is_one_clear_line(tmp_path: Path):
    done = policykg("query", "voc-cities", "--endpoint", "http://127.0.0.1:9/sparql")
    assert done.returncode == 2
    assert "cannot reach the SPARQL server" in done.stderr and "Traceback" not in done.stderr


def test_blank_nodes_travel_together():
    ex, rdf = "http://example.org/", "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
    g = ox.NamedNode(ex + "g")
    l1, l2 = ox.BlankNode("l1"), ox.BlankNode("l2")
    quads = [
        ox.Quad(ox.NamedNode(ex + "c"), ox.NamedNode("http://www.w3.org/2002/07/owl#unionOf"), l1, g),
        ox.Quad(l1, ox.NamedNode(rdf + "first"), ox.NamedNode(ex + "a"), g),
        ox.Quad(ox.NamedNode(ex + "x"), ox.NamedNode(ex + "p"), ox.Literal("1"), g),
        ox.Quad(l1, ox.NamedNode(rdf + "rest"), l2, g),
        ox.Quad(l2, ox.NamedNode(rdf + "first"), ox.NamedNode(ex + "b"), g),
    ]
    chunks = list(chunk_triples(quads))
    assert [(c.triples, c.blank_nodes) for c in chunks] == [(1, False), (4, True)]
    assert chunks[1].update("http://example.org/g").startswith("INSERT { GRAPH <http://example.org/g>")
    assert chunks[0].update("http://example.org/g").startswith("INSERT DATA { GRAPH <http://example.org/g>")
