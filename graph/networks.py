"""networkx projections of the graph, built from SPARQL results (the ready questions).

Networks sit at the end of the chain beside the queries: they read the
answers of ready questions, never the facts directly, so a picture shows
exactly what a query would.
"""

from __future__ import annotations

import networkx as nx

from policykg.queries.run import SparqlSource, run_query


def coresponsibility_network(source: SparqlSource) -> nx.Graph:
    """Department functions linked when they share measures, weighted by how many.

    Node attributes: ``label`` (zh), ``kind`` ("department"); edge attributes:
    ``weight`` (shared measures), ``places``, ``example`` (one source sentence).
    """
    result = run_query(source, "shared-responsibility")
    graph = nx.Graph(name="shared-responsibility")
    for row in result.to_frame().itertuples(index=False):
        for code, label in ((row.function_a, row.label_a), (row.function_b, row.label_b)):
            graph.add_node(code, label=label, kind="department")
        graph.add_edge(
            row.function_a,
            row.function_b,
            weight=int(row.measures),
            places=row.places,
            example=row.example,
        )
    return graph


def summary(graph: nx.Graph) -> list[dict]:
    """Degree, weighted degree and betweenness of every node, most central first."""
    betweenness = nx.betweenness_centrality(graph, weight=None)
    rows = [
        {
            "node": n,
            "label": graph.nodes[n].get("label", n),
            "degree": graph.degree(n),
            "weighted_degree": graph.degree(n, weight="weight"),
            "betweenness": round(betweenness[n], 4),
        }
        for n in graph.nodes
    ]
    return sorted(rows, key=lambda r: (-r["weighted_degree"], r["node"]))


# The networks `policykg viz` can draw: name → (builder, title, description).
NETWORKS = {
    "shared-responsibility": (
        coresponsibility_network,
        "Departments sharing responsibility",
        "Department functions linked when they lead, cooperate on or jointly run the same measure; "
        "edge width = shared measures; hover an edge for the places and a source sentence.",
    ),
}
