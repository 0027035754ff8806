"""Shared fixtures: the bundled plans built once into a store for the whole session."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from servers import in_ci

from policykg.config import bundled_corpus
from policykg.graph.store import Store
from policykg.pipeline import build

SHARED = Path(__file__).resolve().parents[2] / "shared"
GOLD_DIR = SHARED / "gold"


def gold_files() -> list[Path]:
    """The hand annotations next to the repository (../shared/gold), if present."""
    return sorted(GOLD_DIR.glob("*.json"))


def load_gold() -> dict[str, dict]:
    """Gold annotations by document stem."""
    return {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in gold_files()}


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> tuple[Store, Path]:
    """The five bundled plans built into a fresh on-disk store: (store, its folder)."""
    path = tmp_path_factory.mktemp("store")
    store = Store(path)
    report = build(bundled_corpus(), store, workers=1)
    assert report.ok, report.failed
    assert len(report.built) == 5
    return store, path


@pytest.fixture(scope="session")
def store(built) -> Store:
    return built[0]


@pytest.fixture(scope="session")
def gold() -> dict[str, dict]:
    data = load_gold()
    if not data:
        pytest.skip("no gold annotations in ../shared/gold")
    return data


CHROMIUM = "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else shutil.which("chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium (Debian's, never a downloaded one) for every browser test."""
    if CHROMIUM is None:
        if in_ci():
            pytest.fail("chromium is not installed: CI must run the browser tests")
        pytest.skip("no chromium (scripts/setup.sh installs it)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        if in_ci():
            pytest.fail("playwright is not installed: CI must run the browser tests")
        pytest.skip("playwright is not installed")
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def two_plans(tmp_path: Path) -> list[Path]:
    """Two bundled plans copied into a folder of their own."""
    out = []
    for source in bundled_corpus()[:2]:
        out.append(tmp_path / source.name)
        shutil.copy(source, out[-1])
    return out
