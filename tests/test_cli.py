"""The policykg command as a user runs it, in a subprocess."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

POLICYKG = [sys.executable, "-m", "policykg"]


def run(*args: str, env: dict | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*POLICYKG, *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        cwd=cwd,
        timeout=600,
    )


@pytest.fixture(scope="module")
def cli_store(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("cli") / "store"
    done = run("build", "--store", str(path), "--quiet")
    assert done.returncode == 0, done.stderr
    return path


def test_query_voc_cities_csv_lists_the_five_places(cli_store: Path):
    done = run("query", "voc-cities", "--format", "csv", "--store", str(cli_store))
    assert done.returncode == 0, done.stderr
    rows = list(csv.DictReader(io.StringIO(done.stdout)))
    assert {r["place"] for r in rows} == {"福州市", "泉州市", "衢州市", "衡阳市", "鹿城区"}
    assert all(r["sentence"] for r in rows)


def test_store_from_environment(cli_store: Path):
    done = run(
        "sparql",
        "SELECT (COUNT(?d) AS ?n) WHERE { ?d a pkg:PolicyDocument }",
        "--format",
        "csv",
        env={"POLICYKG_STORE": str(cli_store)},
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["n", "5"]


def test_query_list_names_the_ready_questions():
    done = run("query", "--list")
    assert done.returncode == 0
    assert "voc-cities" in done.stdout and "shared-responsibility" in done.stdout


def test_sparql_from_file(cli_store: Path, tmp_path: Path):
    q = tmp_path / "q.rq"
    q.write_text(
        "SELECT ?t WHERE { ?d a pkg:PolicyDocument ; dcterms:title ?t } ORDER BY ?t", encoding="utf-8"
    )
    done = run("sparql", f"@{q}", "--format", "json", "--store", str(cli_store))
    assert done.returncode == 0, done.stderr
    assert "福州市生态环境保护工作要点" in done.stdout


def test_viz_writes_an_offline_page(cli_store: Path, tmp_path: Path):
    out = tmp_path / "net.html"
    done = run("viz", "shared-responsibility", "--out", str(out), "--store", str(cli_store))
    assert done.returncode == 0, done.stderr
    assert out.stat().st_size > 100_000 and "cdn.jsdelivr" not in out.read_text(encoding="utf-8")
    assert "shared-responsibility" in run("viz", "--list").stdout


def test_bad_input_is_one_clear_line_and_a_failing_exit(tmp_path: Path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    done = run("build", str(empty), str(tmp_path / "missing.txt"), "--store", str(tmp_path / "s"))
    assert done.returncode != 0
    assert "Traceback" not in done.stderr
    assert "empty.txt" in done.stderr and "missing.txt" in done.stderr
    assert "0 built" in done.stderr and "2 failed" in done.stderr


def test_build_names_its_last_steps_and_only_recomputes_the_totals_when_something_changed(tmp_path: Path):
    store = tmp_path / "store"
    plan = tmp_path / "plans" / "one.txt"
    plan.parent.mkdir()
    plan.write_text(
        "2021年福州市生态环境保护工作要点\n一、持续推进挥发性有机物（VOCs）综合治理。\n", encoding="utf-8"
    )
    first = run("build", str(plan.parent), "--store", str(store), "--verbose", "--optimize", "--workers", "0")
    assert first.returncode == 0, first.stderr
    lines = first.stderr.splitlines()
    steps = ["what the places entail …", "summing the corpus totals …", "compacting the store …"]
    assert [line for line in lines if line in steps] == steps
    assert lines.index(steps[0]) > lines.index(f"built: {plan}")
    again = run("build", str(plan.parent), "--store", str(store), "--verbose")
    assert again.returncode == 0, again.stderr
    assert f"unchanged: {plan}" in again.stderr and "summing the corpus totals" not in again.stderr
    assert run("query", "first-adopters", "--store", str(store)).returncode == 0


def test_query_on_a_missing_store_says_so(tmp_path: Path):
    done = run("query", "voc-cities", "--store", str(tmp_path / "none"))
    assert done.returncode == 2
    assert "no store here" in done.stderr and "Traceback" not in done.stderr


def test_demo_builds_answers_and_draws(tmp_path: Path):
    done = run(
        "demo", "--store", str(tmp_path / "store"), "--out", str(tmp_path / "pics"), "--quiet", cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr
    assert "voc-cities" in done.stdout and "鹿城区" in done.stdout
    assert (tmp_path / "pics" / "shared-responsibility.html").exists()


def test_installed_package_has_no_top_level_graph_or_queries():
    import policykg.graph
    import policykg.queries

    assert policykg.graph.__name__ == "policykg.graph"
    for name in ("graph", "queries", "loaders", "ontology"):
        done = subprocess.run([sys.executable, "-c", f"import {name}"], capture_output=True, cwd="/")
        assert done.returncode != 0, f"a top-level module {name!r} is importable"


def test_python_api_returns_a_dataframe(cli_store: Path):
    import policykg

    frame = policykg.open(cli_store).query("voc-cities", pollutant="VOCs")
    assert {"place", "sentence"} <= set(frame.columns) and len(frame) > 0
