"""The benchmark, small: a 100-document scale corpus builds into the graph it was generated as.

No timings are asserted (they belong to ``benchmarks/run.py``): what is checked
is that the generated corpus is what the benchmark claims to measure — every
document built, in the place and years it was generated for, with facts
whose spans quote the file — and that the benchmark command writes the
figures the issue names.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.corpus import generate, generate_document  # noqa: E402
from policykg.graph import iris  # noqa: E402
from policykg.graph.store import Store, inferred_graph_of  # noqa: E402
from policykg.pipeline import build  # noqa: E402

PREFIXES = """PREFIX pkg: <https://w3id.org/policykg/ontology#>
PREFIX oa: <http://www.w3.org/ns/oa#>
"""
DOCS = 100


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    folder = tmp_path_factory.mktemp("scale")
    docs = generate(folder / "corpus", DOCS, seed=1)
    store = Store(folder / "store")
    report = build([d.path for d in docs], store, workers=2, validate=False)
    return docs, store, report


def _iri(path: Path) -> str:
    return iris.document_iri(iris.document_key(path.stem))


def _rows(store: Store, sparql: str) -> list[dict[str, str]]:
    _, rows = store.select(PREFIXES + sparql, {})
    return [{k: v["value"] for k, v in row.items()} for row in rows]


def test_generation_is_deterministic_and_prefix_stable(tmp_path: Path, corpus) -> None:
    docs, _, _ = corpus
    again = generate(tmp_path, 10, seed=1)
    assert [p.path.read_bytes() for p in again] == [d.path.read_bytes() for d in docs[:10]]
    other = generate_document(2, 0)[0]
    assert other != docs[0].path.read_text(encoding="utf-8")  # another seed, another corpus


def test_documents_are_plan_sized_and_all_different(corpus) -> None:
    docs, _, _ = corpus
    sizes = [d.size for d in docs]
    assert 8_000 < sum(sizes) / len(sizes) < 30_000
    assert len({hashlib.sha256(d.path.read_bytes()).hexdigest() for d in docs}) == DOCS
    assert len({d.region.code for d in docs}) > DOCS * 0.9
    assert Counter(d.doc_type for d in docs).keys() == {"work_plan", "summary_and_plan", "work_summary"}


def test_every_generated_document_is_built(corpus) -> None:
    docs, store, report = corpus
    assert report.ok, report.failed[:3]
    assert report.built == [d.path for d in docs]
    assert store.document_graphs() == sorted(_iri(d.path) for d in docs)


def test_each_document_is_read_as_the_place_years_and_kind_it_was_generated_for(corpus) -> None:
    docs, store, _ = corpus
    rows = _rows(
        store,
        """SELECT ?d ?code ?year ?type WHERE {
             ?d a pkg:PolicyDocument ; pkg:region/pkg:adcode ?code ; pkg:year ?year ;
                pkg:documentType/<http://www.w3.org/2004/02/skos/core#notation> ?type }""",
    )
    read: dict[str, tuple[str, set[int], str]] = {}
    for row in rows:
        read.setdefault(row["d"], (row["code"], set(), row["type"]))[1].add(int(row["year"]))
    assert read == {_iri(d.path): (d.region.code, set(d.years), d.doc_type) for d in docs}


def test_facts_quote_the_file_at_their_offsets(corpus) -> None:
    docs, store, _ = corpus
    texts = {_iri(d.path): d.path.read_text(encoding="utf-8") for d in docs}
    rows = _rows(
        store,
        """SELECT ?d ?start ?end ?exact WHERE {
             ?f pkg:inDocument ?d ; pkg:span ?s . ?s oa:start ?start ; oa:end ?end ; oa:exact ?exact }""",
    )
    assert len(rows) > DOCS * 100
    wrong = [r for r in rows if texts[r["d"]][int(r["start"]) : int(r["end"])] != r["exact"]]
    assert not wrong, wrong[:3]


def test_extraction_finds_work_in_every_document(corpus) -> None:
    _, store, _ = corpus
    counts = _rows(
        store,
        """SELECT ?d (COUNT(DISTINCT ?m) AS ?measures) (COUNT(DISTINCT ?t) AS ?targets) WHERE {
             ?m a pkg:Measure ; pkg:inDocument ?d .
             OPTIONAL { ?t pkg:inDocument ?d ; pkg:value ?v } } GROUP BY ?d""",
    )
    assert len(counts) == DOCS
    assert all(int(r["measures"]) >= 10 and int(r["targets"]) >= 1 for r in counts)
    # figures are varied per document, not copied from the five bundled plans
    values = _rows(store, "SELECT DISTINCT ?v WHERE { ?t a pkg:Target ; pkg:value ?v }")
    assert len(values) > 300


def test_the_benchmark_command_writes_the_figures_it_names(tmp_path: Path) -> None:
    out = tmp_path / "figures.json"
    done = subprocess.run(
        [
            sys.executable,
            str(ROOT / "benchmarks" / "run.py"),
            *("--docs", "8", "--rdflib-docs", "4", "--repeat", "1", "--stage-docs", "4"),
            # rdflib gives no answer to some questions: the smoke test need not wait a minute for each
            *("--question-timeout", "5"),
            *("--json", str(out), "--work", str(tmp_path / "work")),
        ],
        capture_output=True,
        text=True,
        timeout=1800,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    figures = json.loads(out.read_text(encoding="utf-8"))
    for key in ("build_docs_per_s_all_cores", "build_docs_per_s_one_worker", "peak_rss_mib"):
        assert figures[key] > 0
    from policykg.queries.library import ready_queries

    assert set(figures["questions"]) == set(ready_queries())
    # every build of a new store ends with the corpus totals, timed apart
    assert figures["builds"] and all(b["totals_s"] >= 0 for b in figures["builds"])
    assert "corpus totals at the end:" in done.stdout
    for name, q in figures["questions"].items():
        assert q["median_ms"] > 0 and q["p95_ms"] >= q["median_ms"], name
        assert "rdflib_ratio" in q, name
    assert "summary:" in done.stdout


def test_the_store_growth_benchmark_loads_new_documents_copied_whole(tmp_path: Path) -> None:
    from benchmarks import store_growth

    out = tmp_path / "growth.json"
    assert (
        store_growth.main(["--docs", "7", "--sample", "3", "--work", str(tmp_path), "--json", str(out)]) == 0
    )
    figures = json.loads(out.read_text(encoding="utf-8"))
    assert figures["documents"] == 7 and figures["tenths"][-1]["documents_in_store"] == 7
    store = Store(tmp_path / "store", read_only=True)
    keys = sorted(p.stem for p in (tmp_path / "corpus").glob("*.txt"))
    rows = store.query("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
    sizes = {r["g"].value: int(r["n"].value) for r in rows}
    documents = iris.document_iri("")
    copies = [f"{keys[i % 3]}-c{i // 3}" for i in range(7)]
    # every copy is a document graph of its own, none is left over
    assert {g.removeprefix(documents) for g in sizes if g.startswith(documents)} == set(copies)
    # copies of one sample are the same size, their inferred graphs too: re-keyed whole,
    # nothing merged into the first copy
    for key in keys:
        own = {sizes[iris.document_iri(c)] for c in copies if c.startswith(key)}
        inferred = {sizes[inferred_graph_of(iris.document_iri(c))] for c in copies if c.startswith(key)}
        assert len(own) == 1 and own.pop() > 100, key
        assert len(inferred) == 1 and inferred.pop() > 0, key
    # and no term of a copy still names the sample it was copied from
    stale = store.query(
        f"ASK {{ GRAPH <{iris.document_iri(copies[3])}> {{ ?s ?p ?o }} "
        f"FILTER(CONTAINS(STR(?s), '/doc/{keys[0]}/') || CONTAINS(STR(?o), '/doc/{keys[0]}/')) }}"
    )
    assert not bool(stale)
