"""Pictures: self-contained HTML, drawn by a real headless Chromium with the network cut off."""

from __future__ import annotations

import re
from pathlib import Path

import networkx as nx
import pytest

from policykg.commands.viz import draw_network
from policykg.graph.networks import NETWORKS, build_network
from policykg.graph.viz import KIND_COLOURS, PRECOMPUTE_ABOVE, draw, external_references

# Generous: the machine is shared and slow. The tests assert what happens, not how fast.
WAIT_MS = 120_000

# Coloured (non-background) pixels on the network's canvas.
PAINTED = """() => {
  const canvas = document.querySelector('#mynetwork canvas');
  const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
  let painted = 0;
  for (let i = 0; i < data.length; i += 4) {
    if (data[i + 3] > 0 && (data[i] < 235 || data[i + 1] < 235 || data[i + 2] < 235)) painted += 1;
  }
  return painted;
}"""
# vis-network creates its tooltip element on the first hover.
TOOLTIP_SHOWN = """(() => {
  const tip = document.querySelector('div.vis-tooltip');
  return tip !== null && getComputedStyle(tip).visibility === 'visible';
})()"""
DRAWN = "network.body.nodeIndices.filter(id => !network.body.nodes[id].options.hidden).length"


def open_offline(browser, page_file: Path):
    """Open a page with every http(s) request aborted; returns (page, requests made)."""
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.route(re.compile(r"^(https?|wss?|ftp)://"), lambda route: route.abort())
    page.goto(page_file.as_uri())
    # Polling on a timer: with the physics off the page draws no more frames to poll on.
    page.wait_for_function("document.body.dataset.stabilized === 'true'", timeout=WAIT_MS, polling=200)
    return page, requests


@pytest.mark.parametrize("name", sorted(NETWORKS))
def test_picture_refers_to_nothing_outside(store, tmp_path: Path, name: str):
    page = draw_network(store, name, tmp_path / f"{name}.html").read_text(encoding="utf-8")
    assert "new vis.Network" in page  # vis-network is inline
    assert external_references(page) == []
    assert not re.search(r"<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)\s*=", page)
    assert "cdn.jsdelivr" not in page and "cdnjs" not in page and "node_modules" not in page
    assert "tom-select" not in page.lower() and "bootstrap" not in page.lower()
    assert (
        'id="policykg-legend"' in page and 'id="policykg-place"' in page and 'id="policykg-campaign"' in page
    )


@pytest.mark.parametrize("name", sorted(NETWORKS))
def test_picture_draws_in_headless_chromium_offline(store, browser, tmp_path: Path, name: str):
    graph = build_network(store, name)
    out = draw_network(store, name, tmp_path / f"{name}.html")
    page, requests = open_offline(browser, out)
    try:
        drawn = page.evaluate(DRAWN)
        on_canvas = page.evaluate("Object.keys(network.getPositions()).length")
        painted = page.evaluate(PAINTED)
        physics_after = page.evaluate("network.physics.options.enabled")
        legend = page.inner_text("#policykg-legend")
        places = page.eval_on_selector_all("#policykg-place option", "os => os.map(o => o.value)")
        page.screenshot(path=str(tmp_path / f"{name}.png"))
    finally:
        page.close()
    assert drawn == on_canvas == graph.number_of_nodes() > 0
    assert painted > 2_000  # the nodes and edges are on the canvas, not just in memory
    assert physics_after is False  # the layout settled and the physics stopped
    assert not [u for u in requests if not u.startswith("file:")]
    kinds = {d["kind"] for _, d in graph.nodes(data=True)}
    assert all(k in KIND_COLOURS for k in kinds)
    assert all(f"{k}" in legend for k in kinds)
    assert set(places) == {""} | {p for _, d in graph.nodes(data=True) for p in d["places"]}
    assert (tmp_path / f"{name}.png").stat().st_size > 10_000


def test_place_filter_keeps_that_place(store, browser, tmp_path: Path):
    graph = build_network(store, "departments-by-place")
    out = draw_network(store, "departments-by-place", tmp_path / "p.html")
    page, _ = open_offline(browser, out)
    try:
        page.select_option("#policykg-place", "衡阳市")
        hengyang = page.evaluate(DRAWN)
        shown = page.inner_text("#policykg-shown")
        page.select_option("#policykg-place", "")
        everything = page.evaluate(DRAWN)
    finally:
        page.close()
    expected = sum(1 for n in graph if n.startswith("430400/"))
    assert expected >= 3 and hengyang == expected
    assert shown.startswith(f"{expected} nodes")
    assert everything == graph.number_of_nodes() > expected


def test_campaign_filter_keeps_that_campaigns_edges(store, browser, tmp_path: Path):
    graph = build_network(store, "place-instrument")
    out = draw_network(store, "place-instrument", tmp_path / "c.html")
    sea = [(a, b) for a, b, d in graph.edges(data=True) if "blue_sea" in d["campaigns"]]
    page, _ = open_offline(browser, out)
    try:
        page.select_option("#policykg-campaign", "blue_sea")
        visible_edges = page.evaluate("edges.get({filter: e => !e.hidden}).length")
        visible_nodes = set(page.evaluate("nodes.get({filter: n => !n.hidden}).map(n => n.id)"))
    finally:
        page.close()
    assert 0 < visible_edges == len(sea) < graph.number_of_edges()
    assert {n for e in sea for n in e} <= visible_nodes


def test_edge_tooltip_shows_the_source_sentence(store, browser, tmp_path: Path):
    graph = build_network(store, "shared-responsibility")
    a, b, data = max(graph.edges(data=True), key=lambda e: e[2]["weight"])
    out = draw_network(store, "shared-responsibility", tmp_path / "t.html")
    page, _ = open_offline(browser, out)
    try:
        edge_id = page.evaluate(
            "([a, b]) => edges.get({filter: e => (e.from === a && e.to === b) || (e.from === b && e.to === a)})[0].id",
            [a, b],
        )
        point = page.evaluate(
            """(id) => {
                const edge = network.body.edges[id];
                const p = network.canvasToDOM(edge.edgeType.getPoint(0.5));
                const box = document.querySelector('#mynetwork canvas').getBoundingClientRect();
                return [box.left + p.x, box.top + p.y];
            }""",
            edge_id,
        )
        page.mouse.move(point[0] - 20, point[1] - 20)
        page.mouse.move(*point)
        page.wait_for_function(TOOLTIP_SHOWN, timeout=WAIT_MS, polling=100)
        tip = page.inner_text("div.vis-tooltip")
    finally:
        page.close()
    sentence = data["sentences"][0].split("：", 1)[1]
    assert sentence[:30] in tip
    assert graph.nodes[a]["label"] in tip and graph.nodes[b]["label"] in tip


def big_network(n: int = 5_000) -> nx.Graph:
    """A place–instrument-like network of ``n`` nodes (preferential attachment, as adoption is)."""
    graph = nx.barabasi_albert_graph(n, 2, seed=7)
    graph = nx.relabel_nodes(graph, {i: f"n{i}" for i in graph})
    for i, node in enumerate(graph):
        graph.nodes[node].update(
            kind="place" if i % 5 == 0 else "instrument",
            label=f"节点{i}",
            places=[f"地区{i % 50}"],
            campaigns=[],
        )
    for u, v in graph.edges:
        graph.edges[u, v].update(weight=1, places=[graph.nodes[u]["places"][0]], campaigns=["blue_sky"])
    return graph


def test_a_network_of_5000_nodes_opens_and_responds(browser, tmp_path: Path):
    graph = big_network()
    assert graph.number_of_nodes() > PRECOMPUTE_ABOVE
    out = draw(graph, tmp_path / "big.html", title="5,000 nodes")
    page, requests = open_offline(browser, out)  # waits, bounded, for the layout to be done
    try:
        physics = page.evaluate("network.physics.options.enabled")
        drawn = page.evaluate(DRAWN)
        painted = page.evaluate(PAINTED)
        # it responds: zooming changes the scale, a filter hides nodes, clearing it shows them again
        before = page.evaluate("network.getScale()")
        box = page.locator("#mynetwork").bounding_box()
        page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        page.mouse.wheel(0, -400)
        page.wait_for_function(f"network.getScale() !== {before}", timeout=WAIT_MS, polling=100)
        page.select_option("#policykg-place", "地区3")
        filtered = page.evaluate(DRAWN)
        page.select_option("#policykg-place", "")
        restored = page.evaluate(DRAWN)
        page.screenshot(path=str(tmp_path / "big.png"))
    finally:
        page.close()
    assert physics is False and drawn == 5_000 and painted > 10_000
    assert 0 < filtered < 5_000 and restored == 5_000
    assert not [u for u in requests if not u.startswith("file:")]
