"""Pictures: self-contained HTML, drawn by a real headless Chromium with no network."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

from policykg.commands.viz import draw_network
from policykg.graph.networks import NETWORKS, coresponsibility_network, summary

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def test_coresponsibility_network_has_weighted_department_edges(store):
    graph = coresponsibility_network(store)
    assert graph.number_of_nodes() >= 5 and graph.number_of_edges() >= 5
    for _, _, data in graph.edges(data=True):
        assert data["weight"] >= 1 and data["example"]
    rows = summary(graph)
    assert rows[0]["weighted_degree"] >= rows[-1]["weighted_degree"]
    assert all(0 <= r["betweenness"] <= 1 for r in rows)


@pytest.mark.parametrize("name", sorted(NETWORKS))
def test_picture_refers_to_nothing_outside(store, tmp_path: Path, name: str):
    page = draw_network(store, name, tmp_path / f"{name}.html").read_text(encoding="utf-8")
    assert "vis.Network" in page or "new vis" in page  # vis-network is inline
    assert not re.search(r"<(?:script|link)\b[^>]*\b(?:src|href)\s*=", page)
    assert "cdn.jsdelivr" not in page and "node_modules" not in page
    assert "policykg-legend" in page


# In CI the browser must be there (scripts/setup.sh installs it): only a developer machine may skip.
@pytest.mark.skipif(
    CHROMIUM is None and not os.environ.get("CI"), reason="no chromium (scripts/setup.sh installs it)"
)
@pytest.mark.parametrize("name", sorted(NETWORKS))
def test_picture_draws_in_headless_chromium_offline(store, tmp_path: Path, name: str):
    from playwright.sync_api import sync_playwright

    out = draw_network(store, name, tmp_path / f"{name}.html")
    expected = coresponsibility_network(store).number_of_nodes()
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1200, "height": 900})
            requests: list[str] = []
            page.on("request", lambda r: requests.append(r.url))
            page.route(re.compile(r"^https?://"), lambda route: route.abort())  # no network at all
            page.goto(out.as_uri())
            page.wait_for_function("typeof network !== 'undefined' && network.body !== undefined")
            drawn = page.evaluate("network.body.data.nodes.length")
            on_canvas = page.evaluate("Object.keys(network.getPositions()).length")
            page.screenshot(path=str(tmp_path / f"{name}.png"))
        finally:
            browser.close()
    assert drawn == expected and on_canvas == expected and expected > 0
    assert not [u for u in requests if u.startswith("http")]
    assert (tmp_path / f"{name}.png").stat().st_size > 10_000
