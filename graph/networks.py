"""networkx projections of the graph, built from SPARQL results (the ready questions).

Networks sit at the end of the chain beside the queries: they read the
answers of ready questions (``queries/network-*.rq``, ``adoption-events.rq``),
never the facts directly, so a picture shows exactly what a query would and
works the same on the embedded store and on a SPARQL server.

Every network follows one convention, which ``graph.viz`` draws and
``export`` writes for Gephi:

- node attributes: ``label`` (Chinese name), ``kind`` (``department``,
  ``place``, ``pollutant``, ``instrument``), ``places`` (the place names the
  node belongs to or occurs in) and ``campaigns`` (campaign notations), plus
  kind-specific ones (``adcode``, ``function``, ``instrument_type`` ...);
- edge attributes: ``weight``, ``places``, ``campaigns`` and ``sentences``
  (source sentences, each prefixed with its place) plus network-specific ones;
- graph attributes: ``name``, ``weight_means`` (what the weight counts) and
  ``campaign_labels`` (notation → Chinese name, for the picture's filter).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path
from typing import TYPE_CHECKING

from policykg.errors import PolicyKGError

# networkx, pandas and the query runner are imported where they are used, so that
# importing this module (`policykg viz --help` and `--list` read NETWORKS) stays cheap.
if TYPE_CHECKING:
    import networkx as nx
    import pandas as pd

    from policykg.queries.run import SparqlSource

# Sentences kept per edge: enough to see why two nodes are linked, few enough for a tooltip.
MAX_SENTENCES = 3
EXPORT_FORMATS = ("graphml", "gexf")
LIST_SEPARATOR = "; "  # how list attributes are written to GraphML and GEXF


def _frame(source: SparqlSource, query: str) -> pd.DataFrame:
    from policykg.queries.run import run_query

    return run_query(source, query).to_frame()


def _unique(values: Iterable[object]) -> list[str]:
    """Sorted distinct non-empty values as strings."""
    import pandas as pd

    return sorted({str(v) for v in values if v is not None and not pd.isna(v) and str(v) != ""})


def _sentences(rows: pd.DataFrame, limit: int = MAX_SENTENCES) -> list[str]:
    """Up to ``limit`` distinct source sentences, each prefixed with its place."""
    out: list[str] = []
    for place, sentence in rows[["place", "sentence"]].drop_duplicates().itertuples(index=False):
        out.append(f"{place}：{sentence}")
        if len(out) == limit:
            break
    return out


def _campaign_labels(*frames: pd.DataFrame) -> dict[str, str]:
    labels: dict[str, str] = {}
    for frame in frames:
        if {"campaign", "campaign_label"} <= set(frame.columns):
            for code, label in frame[["campaign", "campaign_label"]].dropna().itertuples(index=False):
                labels[str(code)] = str(label)
    return dict(sorted(labels.items()))


def _new_graph(name: str, weight_means: str, campaign_labels: dict[str, str]) -> nx.Graph:
    import networkx as nx

    return nx.Graph(name=name, weight_means=weight_means, campaign_labels=campaign_labels)


def _add_node(graph: nx.Graph, node: str, places: Iterable[str], campaigns: Iterable[str], **attrs) -> None:
    """Add a node, or widen the places and campaigns of one already there."""
    if node in graph:
        data = graph.nodes[node]
        data["places"] = _unique([*data["places"], *places])
        data["campaigns"] = _unique([*data["campaigns"], *campaigns])
    else:
        graph.add_node(node, places=_unique(places), campaigns=_unique(campaigns), **attrs)


# -- department co-responsibility ---------------------------------------------------


def coresponsibility_rows(source: SparqlSource) -> pd.DataFrame:
    """The co-responsibility edges, one row per pair of functions and shared measure."""
    return _frame(source, "network-coresponsibility")


def coresponsibility_network(source: SparqlSource) -> nx.Graph:
    """Department functions pooled over places, linked when they share measures.

    Node: a function notation (``public_security``); edge weight: the number of
    measures the two functions lead, cooperate on or run jointly, over all places.
    """
    rows = coresponsibility_rows(source)
    graph = _new_graph("shared-responsibility", "shared measures", _campaign_labels(rows))
    for (fa, la, fb, lb), group in rows.groupby(
        ["function_a", "label_a", "function_b", "label_b"], sort=True, dropna=False
    ):
        places, campaigns = _unique(group["place"]), _unique(group["campaign"])
        for code, label in ((fa, la), (fb, lb)):
            _add_node(graph, code, places, campaigns, label=label, kind="department", function=code)
        graph.add_edge(
            fa,
            fb,
            weight=int(group["measure"].nunique()),
            places=places,
            campaigns=campaigns,
            sentences=_sentences(group),
        )
    return graph


def department_network_by_place(source: SparqlSource) -> nx.Graph:
    """One department per function and place (the Fuzhou public security bureau ...).

    Node: ``ADCODE/function``; edge weight: measures the two bodies share in that place.
    The components are the places; pooling the nodes by ``function`` gives
    ``coresponsibility_network``.
    """
    rows = coresponsibility_rows(source)
    graph = _new_graph("departments-by-place", "shared measures", _campaign_labels(rows))
    for (adcode, place, fa, la, fb, lb), group in rows.groupby(
        ["adcode", "place", "function_a", "label_a", "function_b", "label_b"], sort=True, dropna=False
    ):
        campaigns = _unique(group["campaign"])
        ends = []
        for code, label in ((fa, la), (fb, lb)):
            node = f"{adcode}/{code}"
            _add_node(
                graph,
                node,
                [place],
                campaigns,
                label=f"{place} {label}",
                kind="department",
                function=code,
                adcode=str(adcode),
            )
            ends.append(node)
        graph.add_edge(
            *ends,
            weight=int(group["measure"].nunique()),
            places=[place],
            campaigns=campaigns,
            sentences=_sentences(group),
        )
    return graph


# -- bipartite place networks -------------------------------------------------------


def _place_node(graph: nx.Graph, row, campaigns: list[str]) -> str:
    node = f"place:{row.adcode}"
    _add_node(
        graph,
        node,
        [row.place],
        campaigns,
        label=row.place,
        kind="place",
        adcode=str(row.adcode),
        level=str(row.level),
        bipartite=0,
    )
    return node


def place_pollutant_network(source: SparqlSource) -> nx.Graph:
    """Places linked to the pollutants their measures act on; weight: number of measures."""
    rows = _frame(source, "network-place-pollutant")
    graph = _new_graph("place-pollutant", "measures", _campaign_labels(rows))
    for (_, code), group in rows.groupby(["adcode", "pollutant"], sort=True):
        first = group.iloc[0]
        campaigns = _unique(group["campaign"])
        place = _place_node(graph, first, campaigns)
        node = f"pollutant:{code}"
        _add_node(
            graph,
            node,
            [first.place],
            campaigns,
            label=first.pollutant_label,
            kind="pollutant",
            pollutant=str(code),
            bipartite=1,
        )
        graph.add_edge(
            place,
            node,
            weight=int(group["measure"].nunique()),
            places=[first.place],
            campaigns=campaigns,
            sentences=_sentences(group),
        )
    return graph


def adoption_rows(source: SparqlSource) -> pd.DataFrame:
    """Every instrument mention with its place, year, status, campaign and sentence."""
    return _frame(source, "adoption-events")


def place_instrument_network(source: SparqlSource) -> nx.Graph:
    """Places linked to the policy instruments their documents adopt; weight: mentions."""
    import pandas as pd

    rows = adoption_rows(source)
    graph = _new_graph("place-instrument", "mentions", _campaign_labels(rows))
    for (_, code), group in rows.groupby(["adcode", "instrument"], sort=True):
        first = group.iloc[0]
        campaigns = _unique(group["campaign"])
        place = _place_node(graph, first, campaigns)
        node = f"instrument:{code}"
        _add_node(
            graph,
            node,
            [first.place],
            campaigns,
            label=first.instrument_label,
            kind="instrument",
            instrument=str(code),
            instrument_type=str(first.instrument_type) if pd.notna(first.instrument_type) else "",
            bipartite=1,
        )
        years = group["year"].dropna()
        graph.add_edge(
            place,
            node,
            weight=len(group),
            first_year=int(years.min()) if len(years) else 0,
            places=[first.place],
            campaigns=campaigns,
            sentences=_sentences(group),
        )
    return graph


# -- place similarity ---------------------------------------------------------------


def jaccard(a: set, b: set) -> float:
    """|a ∩ b| / |a ∪ b|, and 0 for two empty sets."""
    union = a | b
    return len(a & b) / len(union) if union else 0.0


def measure_kinds(source: SparqlSource) -> dict[str, set[str]]:
    """Each place's measure kinds: the ``action_type:pollutant`` pairs its measures carry.

    A missing part is written ``*`` (``ban:*``, ``*:VOCs``); a measure with
    neither an action type nor a pollutant says nothing about its kind and is left out.
    """
    import pandas as pd

    rows = _frame(source, "network-measure-kinds")
    kinds: dict[str, set[str]] = {}
    for adcode, action, pollutant in rows[["adcode", "action_type", "pollutant"]].itertuples(index=False):
        has_action, has_pollutant = pd.notna(action), pd.notna(pollutant)
        if has_action or has_pollutant:
            kind = f"{action if has_action else '*'}:{pollutant if has_pollutant else '*'}"
            kinds.setdefault(str(adcode), set()).add(kind)
    return kinds


def place_similarity_network(source: SparqlSource) -> nx.Graph:
    """Places linked by how alike their policies are.

    Edge attributes: ``jaccard_instruments`` (over the sets of instruments the
    places adopt), ``jaccard_measures`` (over their measure kinds, see
    ``measure_kinds``) and ``weight``, the mean of the two. Places with nothing
    in common get no edge.
    """
    adoptions = adoption_rows(source)
    kinds = measure_kinds(source)
    places = _frame(source, "diffusion-places")
    graph = _new_graph("place-similarity", "mean Jaccard similarity", _campaign_labels(adoptions))
    names = dict(zip(places["adcode"].astype(str), places["place"], strict=False))
    levels = dict(zip(places["adcode"].astype(str), places["level"], strict=False))
    instruments: dict[str, set[str]] = {code: set() for code in names}
    for adcode, group in adoptions.groupby("adcode"):
        instruments[str(adcode)] = set(group["instrument"])
        names.setdefault(str(adcode), group["place"].iloc[0])
        levels.setdefault(str(adcode), group["level"].iloc[0])
    codes = sorted(set(names) | set(kinds))
    campaigns_of = {
        str(code): _unique(group["campaign"]) for code, group in adoptions.groupby("adcode", sort=False)
    }
    # Each place's first mention of each instrument, and the campaigns of all its mentions:
    # looked up per pair, so the pairs of many places cost no table scans.
    mention: dict[tuple[str, str], tuple[str, str, str, list[str]]] = {}
    for (adcode, code), group in adoptions.groupby(["adcode", "instrument"], sort=False):
        first = group.iloc[0]
        mention[(str(adcode), code)] = (
            str(first.place),
            str(first.sentence),
            str(first.instrument_label),
            _unique(group["campaign"]),
        )
    for code in codes:
        _add_node(
            graph,
            f"place:{code}",
            [names.get(code, code)],
            campaigns_of.get(code, []),
            label=names.get(code, code),
            kind="place",
            adcode=code,
            level=str(levels.get(code, "")),
        )
    for a, b in combinations(codes, 2):
        ji = jaccard(instruments.get(a, set()), instruments.get(b, set()))
        jm = jaccard(kinds.get(a, set()), kinds.get(b, set()))
        if ji == 0 and jm == 0:
            continue
        shared = sorted(instruments.get(a, set()) & instruments.get(b, set()))
        sentences: list[str] = []
        for code in shared:  # a shared instrument as each of the two places writes it
            for place_code in (a, b):
                place, sentence, _, _ = mention[(place_code, code)]
                if len(sentences) < MAX_SENTENCES:
                    sentences.append(f"{place}：{sentence}")
        graph.add_edge(
            f"place:{a}",
            f"place:{b}",
            weight=round((ji + jm) / 2, 4),
            jaccard_instruments=round(ji, 4),
            jaccard_measures=round(jm, 4),
            shared_instruments=[mention[(a, code)][2] for code in shared],
            places=[names.get(a, a), names.get(b, b)],
            campaigns=_unique(c for code in shared for p in (a, b) for c in mention[(p, code)][3]),
            sentences=sentences,
        )
    return graph


# -- summaries and export -----------------------------------------------------------


# Above this many nodes betweenness is estimated from a sample of source nodes
# (exact betweenness costs O(nodes × edges): minutes for a 5,000-node network).
EXACT_BETWEENNESS_UP_TO = 2_000
BETWEENNESS_SAMPLE = 500


def summary(graph: nx.Graph) -> list[dict]:
    """Degree, weighted degree and betweenness of every node, most central first.

    Betweenness is normalised and counts hops (weights are strengths, not
    distances, so they do not lengthen paths). Above ``EXACT_BETWEENNESS_UP_TO``
    nodes it is estimated from ``BETWEENNESS_SAMPLE`` source nodes (fixed seed).
    """
    import networkx as nx

    n = graph.number_of_nodes()
    sample = BETWEENNESS_SAMPLE if n > EXACT_BETWEENNESS_UP_TO else None
    betweenness = nx.betweenness_centrality(graph, k=sample, weight=None, seed=0 if sample else None)
    rows = [
        {
            "node": n,
            "label": graph.nodes[n].get("label", n),
            "kind": graph.nodes[n].get("kind", ""),
            "degree": graph.degree(n),
            "weighted_degree": round(float(graph.degree(n, weight="weight")), 4),
            "betweenness": round(betweenness[n], 4),
        }
        for n in graph.nodes
    ]
    return sorted(rows, key=lambda r: (-r["weighted_degree"], -r["degree"], str(r["node"])))


def _scalar(value: object) -> str | int | float | bool | None:
    """An attribute value GraphML and GEXF can hold; lists become one string."""
    if value is None:
        return None
    if isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, list | tuple | set):
        return LIST_SEPARATOR.join(str(v) for v in value)
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return str(value)


def exportable(graph: nx.Graph) -> nx.Graph:
    """A copy with only scalar attributes (lists joined with ``LIST_SEPARATOR``, dicts dropped)."""
    import networkx as nx

    out = nx.Graph(**{k: v for k, v in graph.graph.items() if isinstance(v, str | int | float)})
    for node, data in graph.nodes(data=True):
        out.add_node(node, **{k: s for k, v in data.items() if (s := _scalar(v)) is not None})
    for a, b, data in graph.edges(data=True):
        out.add_edge(a, b, **{k: s for k, v in data.items() if (s := _scalar(v)) is not None})
    return out


def export(graph: nx.Graph, out: Path, fmt: str | None = None) -> Path:
    """Write ``graph`` as GraphML or GEXF (by ``fmt``, else by the file's suffix) for Gephi."""
    import networkx as nx

    fmt = (fmt or out.suffix.lstrip(".")).lower()
    if fmt not in EXPORT_FORMATS:
        raise PolicyKGError(f"{out}: cannot export a network as {fmt!r} (use .graphml or .gexf)")
    out.parent.mkdir(parents=True, exist_ok=True)
    flat = exportable(graph)
    if fmt == "graphml":
        nx.write_graphml(flat, out, encoding="utf-8")
    else:
        nx.write_gexf(flat, out, encoding="utf-8")
    return out


@dataclass(frozen=True)
class NetworkSpec:
    """A network `policykg viz` can draw."""

    build: Callable[[SparqlSource], nx.Graph]
    title: str
    description: str


NETWORKS: dict[str, NetworkSpec] = {
    "shared-responsibility": NetworkSpec(
        coresponsibility_network,
        "Departments sharing responsibility (pooled by function)",
        "Department functions linked when they lead, cooperate on or jointly run the same measure, "
        "over all places; edge width = shared measures; hover an edge for its places and sentences.",
    ),
    "departments-by-place": NetworkSpec(
        department_network_by_place,
        "Departments sharing responsibility, per place",
        "One node per department of one place; edges as in shared-responsibility, within each place.",
    ),
    "place-pollutant": NetworkSpec(
        place_pollutant_network,
        "Places and the pollutants they act on",
        "Bipartite: a place is linked to a pollutant when its measures act on it; "
        "edge width = number of measures.",
    ),
    "place-instrument": NetworkSpec(
        place_instrument_network,
        "Places and the policy instruments they adopt",
        "Bipartite: a place is linked to each instrument its documents set up, extend or report; "
        "edge width = mentions.",
    ),
    "place-similarity": NetworkSpec(
        place_similarity_network,
        "Places alike in their instruments and measures",
        "Edge weight = mean of the Jaccard similarity of the places' instruments and of their "
        "measure kinds (action type × pollutant).",
    ),
}


def build_network(source: SparqlSource, name: str) -> nx.Graph:
    """The named network (see ``NETWORKS``) built from the graph behind ``source``."""
    if name not in NETWORKS:
        raise PolicyKGError(f"no network {name!r}; `policykg viz --list` shows them")
    return NETWORKS[name].build(source)
