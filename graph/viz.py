"""pyvis pictures of the networks, as single HTML files that open offline.

pyvis 0.3.2 with ``cdn_resources="in_line"`` inlines vis-network but still
links Bootstrap from a CDN (and its select and filter menus would pull
tom-select from one); those tags are removed, the filters are a few lines of
our own script, and the page is checked to load nothing from elsewhere.

Drawing follows the conventions of ``graph.networks``: nodes coloured by
``kind`` (with a legend) and sized by degree; edge width by ``weight``; an
edge's tooltip shows its source sentences; two menus filter by place and by
campaign. The physics stop once the layout has settled. Networks above
``PRECOMPUTE_ABOVE`` nodes are laid out here with numpy and drawn with the
physics off, so a network of thousands of nodes opens and responds at once.
"""

from __future__ import annotations

import html
import math
import re
from pathlib import Path

import networkx as nx
import numpy as np
from pyvis.network import Network

from policykg.errors import PolicyKGError

# Colours by node kind, shown in the legend (Tableau 10).
KIND_COLOURS = {
    "department": "#4e79a7",
    "place": "#f28e2b",
    "pollutant": "#e15759",
    "instrument": "#59a14f",
}
OTHER_COLOUR = "#9c9c9c"
KIND_NAMES = {"department": "部门 department", "place": "地区 place", "pollutant": "污染物 pollutant"}
KIND_NAMES["instrument"] = "政策工具 instrument"

# Above this many nodes (or five times as many edges) the browser would spend
# minutes on the physics: positions are computed here and the physics stay off.
PRECOMPUTE_ABOVE = 400
STABILIZATION_ITERATIONS = 200

_EXTERNAL_TAG = re.compile(r"<link\b[^>]*\bhref=[^>]*>|<script\b[^>]*\bsrc=[^>]*>\s*</script>", re.S)
_EXTERNAL_REF = re.compile(r"""<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)\s*=""", re.I)
_URL_IN_CSS = re.compile(r"""url\(\s*['"]?(?:https?:)?//""", re.I)
_COMMENTED_LINKS = re.compile(r"<!--\s*<link\b[^>]*node_modules.*?-->", re.S)

_STYLE = """
<style>
  body { margin: 0; font-family: "Noto Sans CJK SC", "Noto Sans SC", "Microsoft YaHei", sans-serif; }
  #policykg-legend { padding: .4em 1em; }
  #policykg-legend h2 { margin: .2em 0; font-size: 1.2em; }
  #policykg-legend .note { color: #555; font-size: .85em; }
  #policykg-legend .key { margin-right: 1.2em; white-space: nowrap; }
  #policykg-legend .dot { display: inline-block; width: .9em; height: .9em; border-radius: 50%;
                          margin-right: .3em; vertical-align: -.1em; }
  #policykg-controls { padding: .2em 1em .4em; font-size: .9em; }
  #policykg-controls label { margin-right: 1em; }
  #policykg-controls select { max-width: 16em; }
  #mynetwork { float: none !important; border: 1px solid #ddd !important; }
  #loadingBar { display: none !important; }  /* pyvis's overlay; progress is shown in the controls */
  div.vis-tooltip { white-space: pre-wrap !important; max-width: 36em; font-family: inherit !important;
                    font-size: 13px !important; line-height: 1.4; }
</style>
"""

# Our own controls and the settle hook; they use the globals pyvis's template
# declares (network, nodes, edges). They run in the same script as pyvis's
# drawGraph(): between two script elements the browser may run the first
# stabilisation batch, and a small network would settle before anyone listened.
# Filters hide what does not match, so the layout stays where it is.
_SCRIPT = """
(function () {
  var body = document.body;
  var physics = __PHYSICS__;
  function settled() {
    network.setOptions({ physics: false });
    body.setAttribute("data-stabilized", "true");
  }
  var shown = document.getElementById("policykg-shown");
  var counts = nodes.length + " nodes, " + edges.length + " edges";
  if (physics) {
    network.on("stabilizationProgress", function (p) {
      shown.textContent = counts + " (laying out: " + Math.round(100 * p.iterations / p.total) + "%)";
    });
    network.once("stabilizationIterationsDone", function () { shown.textContent = counts; settled(); });
  } else {
    settled();  // positions were computed before the page was written
  }
  body.setAttribute("data-node-count", String(nodes.length));
  body.setAttribute("data-edge-count", String(edges.length));

  var placeMenu = document.getElementById("policykg-place");
  var campaignMenu = document.getElementById("policykg-campaign");
  function has(list, value) { return !value || (list || []).indexOf(value) >= 0; }
  function applyFilters() {
    var place = placeMenu.value, campaign = campaignMenu.value;
    var filtering = Boolean(place || campaign);
    var linked = {}, edgeChanges = [], nodeChanges = [], nodesShown = 0, edgesShown = 0;
    edges.forEach(function (e) {
      var keep = has(e.places, place) && has(e.campaigns, campaign);
      if (keep) { linked[e.from] = true; linked[e.to] = true; edgesShown += 1; }
      edgeChanges.push({ id: e.id, hidden: !keep });
    });
    nodes.forEach(function (n) {
      var keep = !filtering || linked[n.id] === true ||
                 (has(n.places, place) && has(n.campaigns, campaign) && (n.places || []).length > 0);
      if (keep) { nodesShown += 1; }
      nodeChanges.push({ id: n.id, hidden: !keep });
    });
    edges.update(edgeChanges);
    nodes.update(nodeChanges);
    shown.textContent = nodesShown + " nodes, " + edgesShown + " edges shown";
    body.setAttribute("data-nodes-shown", String(nodesShown));
  }
  placeMenu.addEventListener("change", applyFilters);
  campaignMenu.addEventListener("change", applyFilters);
  window.policykgApplyFilters = applyFilters;
  shown.textContent = counts;
  body.setAttribute("data-nodes-shown", String(nodes.length));
})();
"""


def _legend(kinds: dict[str, int], title: str, note: str) -> str:
    items = "".join(
        f'<span class="key"><span class="dot" style="background:{KIND_COLOURS.get(k, OTHER_COLOUR)}">'
        f"</span>{html.escape(KIND_NAMES.get(k, k))} ({n})</span>"
        for k, n in kinds.items()
    )
    return (
        f'<div id="policykg-legend"><h2>{html.escape(title)}</h2><div>{items}</div>'
        f'<div class="note">{html.escape(note)}</div></div>'
    )


def _options(values: list[tuple[str, str]]) -> str:
    return "".join(
        f'<option value="{html.escape(v, quote=True)}">{html.escape(label)}</option>' for v, label in values
    )


def _controls(places: list[str], campaigns: dict[str, str]) -> str:
    return (
        '<div id="policykg-controls">'
        '<label>地区 place <select id="policykg-place"><option value="">— all —</option>'
        f"{_options([(p, p) for p in places])}</select></label>"
        '<label>专项行动 campaign <select id="policykg-campaign"><option value="">— all —</option>'
        f"{_options([(c, f'{label} ({c})') for c, label in campaigns.items()])}</select></label>"
        '<span id="policykg-shown"></span></div>'
    )


def standalone_html(
    net: Network, title: str, note: str, kinds: dict[str, int], places: list[str], campaigns: dict[str, str]
) -> str:
    """The network page with every resource inline and no external reference."""
    page = net.generate_html(notebook=False)
    page = _COMMENTED_LINKS.sub("", page)
    page = _EXTERNAL_TAG.sub("", page)
    page = page.replace('<div class="card" style="width: 100%">', "<div>", 1)
    page = page.replace("</head>", _STYLE + "</head>", 1)
    page = page.replace("<body>", "<body>" + _legend(kinds, title, note) + _controls(places, campaigns), 1)
    physics = "true" if net.options.get("physics", {}).get("enabled", True) else "false"
    head, call, tail = page.rpartition("drawGraph();")
    if not call:
        raise PolicyKGError("pyvis wrote a page without drawGraph(); cannot add the controls")
    page = head + call + _SCRIPT.replace("__PHYSICS__", physics) + tail
    if _EXTERNAL_REF.search(page) or _URL_IN_CSS.search(page):
        raise PolicyKGError("the picture still refers to an external resource; it would not open offline")
    return page


def _force_layout(graph: nx.Graph, iterations: int = 80, sample: int = 40, seed: int = 1) -> np.ndarray:
    """Fruchterman–Reingold positions of one connected graph, vectorised with numpy.

    Each node is repelled by a fresh random sample of ``sample`` nodes per
    step (scaled up to stand for all of them), so a step costs O(n · sample)
    instead of O(n²): networkx's layouts loop in Python above 500 nodes and
    take minutes on 5,000, and exact all-pairs repulsion is no quicker here.
    """
    nodes = list(graph.nodes)
    n = len(nodes)
    if n == 1:
        return np.zeros((1, 2))
    index = {node: i for i, node in enumerate(nodes)}
    edges = np.array([(index[a], index[b]) for a, b in graph.edges() if a != b], dtype=int).reshape(-1, 2)
    rng = np.random.default_rng(seed)
    pos = rng.uniform(-1, 1, size=(n, 2)) * math.sqrt(n)
    m = min(sample, n - 1)
    scale = (n - 1) / m
    temperature = math.sqrt(n) / 2
    for _ in range(iterations):
        others = rng.integers(0, n, size=(n, m))
        delta = pos[:, None, :] - pos[others]
        dist2 = np.maximum((delta**2).sum(axis=2), 1e-2)
        disp = (delta / dist2[:, :, None]).sum(axis=1) * scale
        if len(edges):
            delta = pos[edges[:, 0]] - pos[edges[:, 1]]
            pull = delta * np.sqrt((delta**2).sum(axis=1))[:, None]
            np.add.at(disp, edges[:, 0], -pull)
            np.add.at(disp, edges[:, 1], pull)
        length = np.maximum(np.sqrt((disp**2).sum(axis=1)), 1e-9)
        pos += disp / length[:, None] * np.minimum(length, temperature)[:, None]
        temperature = max(temperature * 0.95, 0.05)
    return pos - pos.mean(axis=0)


def precomputed_positions(graph: nx.Graph, spacing: float = 40.0) -> dict[object, tuple[float, float]]:
    """Positions in pixels: each connected component laid out, components packed in rows."""
    components = sorted(nx.connected_components(graph), key=lambda c: (-len(c), min(map(str, c))))
    out: dict[object, tuple[float, float]] = {}
    x = y = row_height = 0.0
    row_width = spacing * 4 * math.sqrt(graph.number_of_nodes())
    for component in components:
        sub = graph.subgraph(component)
        pos = _force_layout(sub) * spacing
        low, high = pos.min(axis=0), pos.max(axis=0)
        width, height = (high - low) + spacing
        if x > 0 and x + width > row_width:
            x, y, row_height = 0.0, y + row_height, 0.0
        for node, (px, py) in zip(sub.nodes, pos - low, strict=True):
            out[node] = (float(x + px), float(y + py))
        x += width
        row_height = max(row_height, height)
    return out


def _edge_tip(graph: nx.Graph, a: object, b: object, data: dict) -> str:
    label_a = graph.nodes[a].get("label", str(a))
    label_b = graph.nodes[b].get("label", str(b))
    weight = data.get("weight", 1)
    lines = [f"{label_a} — {label_b}: {weight} {graph.graph.get('weight_means', '')}".rstrip()]
    for key in ("jaccard_instruments", "jaccard_measures"):
        if key in data:
            lines.append(f"{key.replace('_', ' ')}: {data[key]}")
    if data.get("shared_instruments"):
        lines.append("shared instruments: " + "、".join(data["shared_instruments"]))
    if data.get("places"):
        lines.append("places: " + "、".join(data["places"]))
    lines += [f"“{s}”" for s in data.get("sentences", [])]
    return "\n".join(lines)


def _node_tip(graph: nx.Graph, node: object, data: dict) -> str:
    kind = data.get("kind", "node")
    lines = [f"{data.get('label', node)} ({kind}: {node})", f"degree {graph.degree(node)}"]
    if data.get("instrument_type"):
        lines.append(f"instrument type: {data['instrument_type']}")
    if data.get("places") and kind != "place":
        lines.append("places: " + "、".join(data["places"]))
    return "\n".join(lines)


def network_page(graph: nx.Graph, *, title: str, note: str = "") -> str:
    """The HTML of ``graph``'s picture (see the module docstring for what it shows)."""
    net = Network(height="78vh", width="100%", cdn_resources="in_line", notebook=False, directed=False)
    n_nodes, n_edges = graph.number_of_nodes(), graph.number_of_edges()
    big = n_nodes > PRECOMPUTE_ABOVE or n_edges > 5 * PRECOMPUTE_ABOVE
    positions = precomputed_positions(graph) if big else {}
    degree = dict(graph.degree())
    top = max(degree.values(), default=1) or 1
    kinds: dict[str, int] = {}
    places: set[str] = set()
    # Filling pyvis's lists directly: its add_node / add_edge check membership in
    # lists (quadratic), which a 5,000-node network cannot afford.
    for node, data in graph.nodes(data=True):
        kind = str(data.get("kind", "node"))
        kinds[kind] = kinds.get(kind, 0) + 1
        places.update(data.get("places", []))
        share = math.sqrt(degree.get(node, 0) / top)
        item = {
            "id": node,
            "label": str(data.get("label", node)),
            "title": _node_tip(graph, node, data),
            "color": KIND_COLOURS.get(kind, OTHER_COLOUR),
            "size": 8 + 27 * share,
            "font": {"size": round(12 + 14 * share)},
            "shape": "dot",
            "kind": kind,
            "places": list(data.get("places", [])),
            "campaigns": list(data.get("campaigns", [])),
        }
        if node in positions:
            item["x"], item["y"] = positions[node]
        net.nodes.append(item)
        net.node_ids.append(node)
    for i, (a, b, data) in enumerate(graph.edges(data=True)):
        net.edges.append(
            {
                "id": f"e{i}",
                "from": a,
                "to": b,
                "value": float(data.get("weight", 1)),
                "title": _edge_tip(graph, a, b, data),
                "places": list(data.get("places", [])),
                "campaigns": list(data.get("campaigns", [])),
            }
        )
    net.options = {
        "physics": {
            "enabled": not big,
            "solver": "forceAtlas2Based",
            "stabilization": {"enabled": True, "iterations": STABILIZATION_ITERATIONS, "updateInterval": 25},
        },
        "layout": {"improvedLayout": n_nodes <= 150},
        "nodes": {"font": {"size": 14, "face": "Noto Sans CJK SC, sans-serif"}},
        "edges": {"color": {"inherit": False, "color": "#b0b0b0"}, "smooth": not big},
        "interaction": {"hover": True, "tooltipDelay": 100, "hideEdgesOnDrag": big},
    }
    kinds = dict(sorted(kinds.items(), key=lambda kv: (kv[0] not in KIND_COLOURS, kv[0])))
    campaigns = dict(graph.graph.get("campaign_labels", {}))
    for _, _, data in graph.edges(data=True):
        for code in data.get("campaigns", []):
            campaigns.setdefault(code, code)
    return standalone_html(net, title, note, kinds, sorted(places), dict(sorted(campaigns.items())))


def draw(graph: nx.Graph, out: Path, *, title: str, note: str = "") -> Path:
    """Write ``graph`` as a self-contained HTML picture at ``out``."""
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(network_page(graph, title=title, note=note), encoding="utf-8")
    return out


def external_references(page: str) -> list[str]:
    """Every tag or CSS rule in ``page`` that would load something from elsewhere."""
    found = [m.group(0) for m in _EXTERNAL_REF.finditer(page)]
    found += [m.group(0) for m in _URL_IN_CSS.finditer(page)]
    found += re.findall(r"""(?:src|href)\s*=\s*["'](?:https?:)?//[^"']+""", page, re.I)
    return found
