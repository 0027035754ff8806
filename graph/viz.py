"""pyvis pictures of the networks, as single HTML files that open offline.

pyvis 0.3.2 with ``cdn_resources="in_line"`` inlines vis-network but still
links Bootstrap from a CDN and a ``node_modules`` path that does not exist;
both are removed, and the page is checked to load nothing from elsewhere.
The physics stop once the layout has settled so large networks stay usable.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import networkx as nx
from pyvis.network import Network

from policykg.errors import PolicyKGError

# Colours by node kind, shown in the legend.
KIND_COLOURS = {
    "department": "#4e79a7",
    "place": "#f28e2b",
    "pollutant": "#e15759",
    "instrument": "#59a14f",
}

_EXTERNAL_TAG = re.compile(r"<link\b[^>]*\bhref=[^>]*>|<script\b[^>]*\bsrc=[^>]*>\s*</script>", re.S)
_EXTERNAL_REF = re.compile(r"""<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)\s*=""", re.I)

_SETTLE = """
<script type="text/javascript">
  // Stop the physics once the layout has settled, so the page stays responsive.
  network.once("stabilizationIterationsDone", function () {
    network.setOptions({ physics: false });
    document.body.setAttribute("data-stabilized", "true");
  });
  document.body.setAttribute("data-node-count", String(network.body.data.nodes.length));
</script>
"""


def _legend(kinds: list[str], title: str, note: str) -> str:
    items = "".join(
        f'<span style="margin-right:1em"><span style="display:inline-block;width:.9em;height:.9em;'
        f'border-radius:50%;background:{KIND_COLOURS.get(k, "#999")};margin-right:.3em"></span>{html.escape(k)}</span>'
        for k in kinds
    )
    return (
        f'<div id="policykg-legend" style="font-family:sans-serif;padding:.5em 1em">'
        f"<h2 style='margin:.2em 0'>{html.escape(title)}</h2>"
        f"<div>{items}</div><div style='color:#555;font-size:.9em'>{html.escape(note)}</div></div>"
    )


def standalone_html(net: Network, title: str, note: str, kinds: list[str]) -> str:
    """The network page with every resource inline and no external reference."""
    page = net.generate_html(notebook=False)
    page = _EXTERNAL_TAG.sub("", page)
    page = page.replace("<body>", "<body>" + _legend(kinds, title, note), 1)
    page = page.replace("</body>", _SETTLE + "</body>", 1)
    if _EXTERNAL_REF.search(page):
        raise PolicyKGError("the picture still refers to an external resource; it would not open offline")
    return page


def draw(graph: nx.Graph, out: Path, *, title: str, note: str = "") -> Path:
    """Write ``graph`` as a self-contained HTML picture; nodes sized by degree, edges by weight."""
    net = Network(height="85vh", width="100%", cdn_resources="in_line", notebook=False, directed=False)
    degree = dict(graph.degree(weight="weight"))
    top = max(degree.values(), default=1) or 1
    kinds = []
    for node, data in graph.nodes(data=True):
        kind = data.get("kind", "node")
        kinds.append(kind)
        net.add_node(
            node,
            label=data.get("label", str(node)),
            title=f"{data.get('label', node)} ({node}): degree {graph.degree(node)}",
            color=KIND_COLOURS.get(kind, "#999"),
            size=10 + 30 * degree.get(node, 0) / top,
        )
    # Extending net.edges directly avoids pyvis's quadratic add_edge on undirected graphs.
    for a, b, data in graph.edges(data=True):
        tip = f"{data.get('weight', 1)} shared measures; {data.get('places', '')}\n{data.get('example', '')}"
        net.edges.append({"from": a, "to": b, "value": data.get("weight", 1), "title": tip})
    net.set_options(
        '{"physics": {"stabilization": {"enabled": true, "iterations": 300}, "solver": "forceAtlas2Based"},'
        ' "interaction": {"hover": true, "tooltipDelay": 100}}'
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(standalone_html(net, title, note, sorted(set(kinds))), encoding="utf-8")
    return out
