"""How the store's cost of writing a document grows with the store.

    python benchmarks/store_growth.py                          # 5,000 documents (about 7 minutes here)
    python benchmarks/store_growth.py --docs 2000 --json out.json

A build's writer bulk-loads new documents ``BULK_DOCUMENTS`` at a time
(``Store.add_new_documents``). The benchmark's stage costs measure that on an
empty store; this one measures it as the store fills. It extracts
``--sample`` generated documents once (``benchmarks/corpus.py``), then loads
copies of them, each copy under new document keys (so new graphs, facts and
spans, as new documents would be), batch after batch, through the same
``Store.add_new_documents`` the build calls, and prints the CPU time of the
writing process per document (RocksDB's background compaction threads
included: they are part of what a write costs) for each tenth of the run,
with its ratio to the first tenth, measured in the same run: the baseline.
Extraction is not timed. The store takes about 1.6 GB of disk a 1,000
documents (4,000 took 6.3 GB), in a temporary folder unless ``--work``.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.corpus import generate  # noqa: E402


def sample_documents(work: Path, count: int, seed: int) -> list[tuple[str, str, str, str, str]]:
    """``count`` generated documents, extracted: (key, graph IRI, own triples, place triples, inferred)."""
    from policykg.graph.build import document_quads
    from policykg.graph.infer import infer_document
    from policykg.loaders.extract import extract
    from policykg.loaders.read import read_document

    out = []
    for doc in generate(work / "corpus", count, seed=seed):
        graph = document_quads(extract(read_document(doc.path)))
        key = graph.iri.rsplit("/", 1)[1]
        out.append((key, graph.iri, graph.triples, graph.place_triples, infer_document(graph)))
    return out


def copy_of(sample: tuple[str, str, str, str, str], copy: int):
    """The sample document under a new key: every IRI and literal naming it names the copy.

    The keys of the generated documents have one length (``gen-1-00042``), so one is never
    part of another.
    """
    from policykg.graph.build import DocumentGraph

    key, iri, triples, places, inferred = sample
    new = f"{key}-c{copy}"
    graph = DocumentGraph(iri.replace(key, new), triples=triples.replace(key, new), place_triples=places)
    return graph, inferred.replace(key, new)


def run(docs: int, sample_size: int, seed: int, work: Path) -> dict:
    from policykg.graph.store import Store
    from policykg.pipeline import BULK_DOCUMENTS

    print(f"extracting {sample_size} generated documents …", flush=True)
    samples = sample_documents(work, sample_size, seed)
    store = Store(work / "store")
    store.ensure_ontology()
    base_quads = len(store)
    batches, loaded = [], 0
    print(f"bulk-loading {docs:,} documents, {BULK_DOCUMENTS} at a time", flush=True)
    while loaded < docs:
        size = min(BULK_DOCUMENTS, docs - loaded)
        pairs = [
            copy_of(samples[(loaded + i) % len(samples)], (loaded + i) // len(samples)) for i in range(size)
        ]
        graphs, inferred = [g for g, _ in pairs], [i for _, i in pairs]
        cpu, wall = time.process_time(), time.perf_counter()
        store.add_new_documents(graphs, inferred)
        batches.append((loaded + size, time.process_time() - cpu, time.perf_counter() - wall, size))
        loaded += size
    quads = len(store) - base_quads
    tenths = []
    step = max(1, len(batches) // 10)
    for i in range(0, len(batches), step):
        part = batches[i : i + step]
        n = sum(b[3] for b in part)
        tenths.append(
            {
                "documents_in_store": part[-1][0],
                "cpu_ms_per_doc": round(1000 * sum(b[1] for b in part) / n, 1),
                "wall_ms_per_doc": round(1000 * sum(b[2] for b in part) / n, 1),
            }
        )
    first = tenths[0]["cpu_ms_per_doc"]
    for t in tenths:
        t["ratio_to_first"] = round(t["cpu_ms_per_doc"] / first, 2)
    size_mib = sum(f.stat().st_size for f in (work / "store").rglob("*") if f.is_file()) / 2**20
    return {
        "documents": loaded,
        "sample": sample_size,
        "quads": quads,
        "quads_per_doc": round(quads / loaded, 1),
        "store_mib": round(size_mib, 1),
        "tenths": tenths,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=5000, help="documents to load (default 5000)")
    parser.add_argument("--sample", type=int, default=50, help="distinct documents extracted (default 50)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument(
        "--work", type=Path, help="folder for the corpus and store (default: a temporary one)"
    )
    args = parser.parse_args(argv)
    if args.docs < 1 or args.sample < 1:
        parser.error("--docs and --sample must be at least 1")
    work = args.work or Path(tempfile.mkdtemp(prefix="policykg-growth-"))
    try:
        result = run(args.docs, args.sample, args.seed, work)
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    print(
        f"{result['documents']:,} documents, {result['quads_per_doc']:,} quads each, store {result['store_mib']:,} MiB"
    )
    print(f"{'documents in store':>20} {'CPU ms/doc':>11} {'wall ms/doc':>12} {'× first':>8}")
    for t in result["tenths"]:
        print(
            f"{t['documents_in_store']:>20,} {t['cpu_ms_per_doc']:>11} {t['wall_ms_per_doc']:>12} {t['ratio_to_first']:>8}"
        )
    if args.json:
        args.json.write_text(json.dumps(result, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
