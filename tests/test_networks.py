"""Networks of the bundled plans: checked against the gold annotations and against the queries."""

from __future__ import annotations

from itertools import combinations
from pathlib import Path

import networkx as nx
import pytest

from policykg.errors import PolicyKGError
from policykg.graph.networks import (
    NETWORKS,
    adoption_rows,
    build_network,
    coresponsibility_network,
    department_network_by_place,
    export,
    jaccard,
    measure_kinds,
    place_instrument_network,
    place_pollutant_network,
    place_similarity_network,
    summary,
)
from policykg.ontology.vocab import vocabulary

# SCHEMA.md: a duty is a lead, cooperate or joint role; enterprises, the public,
# experts and unnamed "other" bodies are not departments that share one.
DUTIES = {"lead", "cooperate", "joint"}
NOT_BODIES = {"enterprise", "public", "expert", "other"}
# Share of the gold pairs the extractor must find (it misses 1 of 72 place–pollutant
# pairs and 2 of 188 place–instrument pairs on the bundled plans).
RECALL = 0.95


def gold_coresponsibility(gold: dict[str, dict]) -> dict[tuple[str, str, str], str]:
    """(adcode, function, function) → the gold clause, for every pair sharing a duty in one clause."""
    pairs: dict[tuple[str, str, str], str] = {}
    for doc in gold.values():
        by_clause: dict[str, set[str]] = {}
        for actor in doc["actors"]:
            if actor["role"] in DUTIES and actor["canonical"] not in NOT_BODIES:
                by_clause.setdefault(actor["clause"], set()).add(actor["canonical"])
        for clause, functions in by_clause.items():
            for a, b in combinations(sorted(functions), 2):
                pairs[(doc["region"]["adcode"], a, b)] = clause
    return pairs


def test_gold_implies_coresponsibility_edges(gold):
    # The hand annotations of the five plans imply seven edges in three places (公检法 twice).
    assert len(gold_coresponsibility(gold)) == 7


def test_department_network_per_place_has_every_gold_edge(store, gold):
    graph = department_network_by_place(store)
    for (adcode, a, b), clause in gold_coresponsibility(gold).items():
        u, v = f"{adcode}/{a}", f"{adcode}/{b}"
        assert graph.has_edge(u, v), (adcode, a, b, clause)
        data = graph.edges[u, v]
        assert data["weight"] >= 1
        assert any(clause in s for s in data["sentences"]), (clause, data["sentences"])
        assert graph.nodes[u]["function"] == a and graph.nodes[u]["adcode"] == adcode
    # the components are places: no edge joins departments of two places
    assert all(u.split("/")[0] == v.split("/")[0] for u, v in graph.edges)


def test_pooled_department_network_sums_places(store, gold):
    pooled = coresponsibility_network(store)
    by_place = department_network_by_place(store)
    expected = {tuple(sorted((a, b))) for _, a, b in gold_coresponsibility(gold)}
    assert expected <= {tuple(sorted(e)) for e in pooled.edges}
    # 公安, 检察院 and 法院 act together in 衡阳市 and in 鹿城区: two measures, two places
    data = pooled.edges["court", "procuratorate"]
    assert data["weight"] >= 2 and {"衡阳市", "鹿城区"} <= set(data["places"])
    assert pooled.nodes["public_security"]["label"] == vocabulary("department")["public_security"].pref_zh
    # pooling the per-place network by function gives the same weights (one measure is in one place)
    for u, v, d in pooled.edges(data=True):
        parts = [
            e
            for x, y, e in by_place.edges(data=True)
            if {by_place.nodes[x]["function"], by_place.nodes[y]["function"]} == {u, v}
        ]
        assert sum(e["weight"] for e in parts) == d["weight"], (u, v)


def test_place_pollutant_network_has_the_gold_pairs(store, gold):
    graph = place_pollutant_network(store)
    assert nx.is_bipartite(graph)
    for u, v in graph.edges:
        assert {graph.nodes[u]["kind"], graph.nodes[v]["kind"]} == {"place", "pollutant"}
    wanted = {
        (doc["region"]["adcode"], p["pollutant"]) for doc in gold.values() for p in doc["campaign_pollutants"]
    }
    found = {(a, p) for a, p in wanted if graph.has_edge(f"place:{a}", f"pollutant:{p}")}
    assert len(found) >= RECALL * len(wanted), sorted(wanted - found)
    voc = graph.edges["place:350100", "pollutant:VOCs"]
    assert voc["weight"] >= 1 and all("VOCs" in s or "挥发性有机物" in s for s in voc["sentences"])


def test_place_instrument_network_has_the_gold_instruments(store, gold):
    graph = place_instrument_network(store)
    labels = vocabulary("instrument").label_index()
    wanted = {
        (doc["region"]["adcode"], labels[i["name"]])
        for doc in gold.values()
        for i in doc["instruments"]
        if i["name"] in labels
    }
    assert len(wanted) > 100
    found = {(a, c) for a, c in wanted if graph.has_edge(f"place:{a}", f"instrument:{c}")}
    assert len(found) >= RECALL * len(wanted), sorted(wanted - found)
    bay = labels["湾(滩)长制"]
    edge = graph.edges["place:350100", f"instrument:{bay}"]
    assert edge["first_year"] == 2021 and any("湾(滩)长制" in s for s in edge["sentences"])
    assert graph.nodes[f"instrument:{bay}"]["instrument_type"] == vocabulary("instrument")[bay].prop(
        "instrumentType"
    )


def test_jaccard():
    assert jaccard({"a", "b"}, {"b", "c"}) == pytest.approx(1 / 3)
    assert jaccard(set(), set()) == 0.0 and jaccard({"a"}, {"a"}) == 1.0


def test_place_similarity_is_jaccard_of_what_the_queries_return(store):
    graph = place_similarity_network(store)
    assert {graph.nodes[n]["label"] for n in graph} == {"福州市", "泉州市", "衢州市", "衡阳市", "鹿城区"}
    rows = adoption_rows(store)
    instruments = {a: set(g["instrument"]) for a, g in rows.groupby("adcode")}
    kinds = measure_kinds(store)
    assert all(":" in k for ks in kinds.values() for k in ks)
    for u, v, data in graph.edges(data=True):
        a, b = graph.nodes[u]["adcode"], graph.nodes[v]["adcode"]
        ji = jaccard(instruments.get(a, set()), instruments.get(b, set()))
        jm = jaccard(kinds.get(a, set()), kinds.get(b, set()))
        assert data["jaccard_instruments"] == pytest.approx(ji, abs=1e-4)
        assert data["jaccard_measures"] == pytest.approx(jm, abs=1e-4)
        assert data["weight"] == pytest.approx((ji + jm) / 2, abs=1e-4)
        assert 0 < data["weight"] < 1
    # 福州市 and 泉州市 both adopt the central inspection, so it is a shared instrument of their edge
    shared = graph.edges["place:350100", "place:350500"]["shared_instruments"]
    assert vocabulary("instrument")["central_inspection"].pref_zh in shared


def test_summary_ranks_by_weighted_degree_and_reports_betweenness(store):
    graph = place_instrument_network(store)
    rows = summary(graph)
    assert len(rows) == graph.number_of_nodes()
    assert [r["weighted_degree"] for r in rows] == sorted((r["weighted_degree"] for r in rows), reverse=True)
    for r in rows:
        assert r["degree"] == graph.degree(r["node"])
        assert 0 <= r["betweenness"] <= 1
    # in a bipartite place–instrument network the places are the brokers
    top = max(rows, key=lambda r: r["betweenness"])
    assert top["kind"] == "place"
    star = nx.star_graph(4)
    assert summary(star)[0] == {
        "node": 0,
        "label": 0,
        "kind": "",
        "degree": 4,
        "weighted_degree": 4.0,
        "betweenness": 1.0,
    }


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
@pytest.mark.parametrize("name", sorted(NETWORKS))
def test_export_for_gephi_reads_back(store, tmp_path: Path, name: str, fmt: str):
    graph = build_network(store, name)
    out = export(graph, tmp_path / f"{name}.{fmt}")
    back = nx.read_graphml(out) if fmt == "graphml" else nx.read_gexf(out)
    assert back.number_of_nodes() == graph.number_of_nodes() > 0
    assert back.number_of_edges() == graph.number_of_edges() > 0
    node = next(iter(graph.nodes))
    assert back.nodes[str(node)]["label"] == graph.nodes[node]["label"]
    a, b, data = next(iter(graph.edges(data=True)))
    assert float(back.edges[str(a), str(b)]["weight"]) == pytest.approx(data["weight"])
    if fmt == "graphml":  # lists are written as one string
        assert back.edges[str(a), str(b)]["places"] == "; ".join(data["places"])


def test_unknown_network_and_format_are_clear_errors(store, tmp_path: Path):
    with pytest.raises(PolicyKGError, match="no network"):
        build_network(store, "no-such-network")
    with pytest.raises(PolicyKGError, match=r"\.graphml or \.gexf"):
        export(nx.path_graph(2), tmp_path / "x.dot")


@pytest.fixture(scope="module")
def endpoint(store, tmp_path_factory):
    """A real Oxigraph server holding the bundled plans (pushed from the session's store)."""
    from servers import oxigraph_server

    from policykg.graph.remote import Endpoint

    with oxigraph_server(tmp_path_factory.mktemp("oxigraph")) as server:
        Endpoint(server.query_url, server.update_url).push(store)
        yield Endpoint(server.query_url)


def comparable_graph(graph: nx.Graph) -> tuple[dict, dict]:
    """Nodes and edges with their attributes; sentences as sets (engines may order ties differently)."""

    def attrs(data: dict) -> dict:
        return {k: (sorted(v) if k == "sentences" else v) for k, v in data.items()}

    nodes = {n: attrs(d) for n, d in graph.nodes(data=True)}
    edges = {tuple(sorted((str(a), str(b)))): attrs(d) for a, b, d in graph.edges(data=True)}
    return nodes, edges


@pytest.mark.parametrize("name", sorted(NETWORKS))
def test_a_sparql_server_gives_the_same_network(store, endpoint, name: str):
    local = build_network(store, name)
    remote = build_network(endpoint, name)
    assert local.number_of_nodes() > 0
    assert comparable_graph(remote) == comparable_graph(local)


def test_a_sparql_server_gives_the_same_diffusion_tables(store, endpoint):
    from policykg.graph.diffusion import diffusion_data

    local, remote = diffusion_data(store), diffusion_data(endpoint)
    for name, table in local.tables().items():
        other = remote.tables()[name]
        assert list(other.columns) == list(table.columns), name
        assert other.astype(str).equals(table.astype(str)), name
