"""Speed and memory of policykg at scale: builds, ready questions, and rdflib in the same run.

    python benchmarks/run.py                         # 1,000 and 10,000 documents (about 1.5 hours here)
    python benchmarks/run.py --docs 200 1000 --rdflib-docs 50 --json out.json

Steps, each printed as it finishes:

1. a scale corpus (``benchmarks/corpus.py``: the bundled plans' items and
   sentences recombined over real places and years, figures varied), the
   largest size asked for; a smaller size is its first N documents;
2. stage costs in one process on the first 100 documents (read, extract,
   RDF, store on disk, and SHACL validation on 10 of them);
3. builds into a fresh on-disk store, for every size, with one worker and
   with every core: documents and MB per second end to end (read, extract,
   store; ``policykg build --no-validate``), peak resident memory of the
   whole process tree (the sum of the processes' RSS, sampled), store size;
4. every ready question (default parameters) on the store of the largest
   all-core build: median and 95th percentile over several runs, after one
   warm-up run;
5. the same questions on the first ``--rdflib-docs`` documents, once in
   rdflib's in-memory ``Dataset`` and once in an on-disk policykg store of the
   same graph: the ratio of their medians (rdflib over the full corpus would
   take hours and tens of GB).

Each build and the questions run in a child process of their own, so that
one measurement's memory is not the next one's. The machine is shared: trust
the ratios measured in one run more than the absolute figures.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.corpus import generate  # noqa: E402

# Questions whose parameter names one place or one pollutant (the goal: under 50 ms).
SELECTIVE = ("voc-cities", "indicator-targets", "place-profile", "place-graph")
# A question slower than this is run at most three times.
SLOW_MS = 2_000


# ---------------------------------------------------------------- memory


def _children(pid: int) -> list[int]:
    out: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            out.extend(int(c) for c in (task / "children").read_text().split())
        except OSError:
            continue
    return out


def tree_rss_mib(pid: int) -> float:
    """Resident memory of a process and all its descendants (Linux /proc), in MiB."""
    total, todo, seen = 0, [pid], set()
    page = os.sysconf("SC_PAGE_SIZE")
    while todo:
        p = todo.pop()
        if p in seen:
            continue
        seen.add(p)
        try:
            total += int(Path(f"/proc/{p}/statm").read_text().split()[1]) * page
        except (OSError, IndexError, ValueError):
            continue
        todo.extend(_children(p))
    return total / 2**20


class PeakMemory:
    """Samples the resident memory of a process tree in the background; ``peak`` in MiB."""

    def __init__(self, pid: int, every: float = 0.2) -> None:
        self.pid, self.every, self.peak = pid, every, 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, tree_rss_mib(self.pid))
            self._stop.wait(self.every)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def _dir_mib(path: Path) -> float:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 2**20


# ---------------------------------------------------------------- children


def child_build(files_list: Path, store_dir: Path, workers: int) -> dict:
    """One build, in this (child) process: what ``policykg build --no-validate`` does."""
    from policykg.graph.store import Store
    from policykg.pipeline import build

    files = [Path(line) for line in files_list.read_text(encoding="utf-8").splitlines() if line]
    store = Store(store_dir)
    start = time.perf_counter()
    report = build(files, store, workers=workers, validate=False, infer=False)
    seconds = time.perf_counter() - start
    return {
        "seconds": seconds,
        "built": len(report.built),
        "failed": [[str(p), problem] for p, problem in report.failed],
        "quads": len(store),
    }


def child_infer(store_dir: Path) -> dict:
    """The inferred graph of a built store (``graph.infer.materialise``), in this (child) process."""
    from policykg.graph.infer import materialise
    from policykg.graph.store import Store

    store = Store(store_dir)
    before = len(store)
    start = time.perf_counter()
    materialise(store)
    store.flush()
    return {"seconds": time.perf_counter() - start, "triples": len(store) - before}


def _timed(fn, repeat: int) -> list[float]:
    """Milliseconds of each run after one warm-up; fewer runs for slow questions."""
    times: list[float] = []
    first = time.perf_counter()
    fn()
    warm = (time.perf_counter() - first) * 1000
    runs = repeat if warm < SLOW_MS else min(repeat, 3)
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return times


def child_questions(store_dir: Path, repeat: int, names: list[str]) -> None:
    """Time each ready question on a store; one JSON line per question on stdout."""
    from policykg.graph.store import Store
    from policykg.queries.run import run_query

    store = Store(store_dir, read_only=True)
    for name in names:
        rows: list[int] = []
        times = _timed(lambda name=name, rows=rows: rows.append(len(run_query(store, name).bindings)), repeat)
        print(json.dumps({"name": name, "ms": times, "rows": rows[-1]}), flush=True)


class RdflibSource:
    """rdflib's in-memory Dataset (union default graph) behind the interface ``run_query`` asks for."""

    def __init__(self, nquads: Path) -> None:
        import rdflib

        self.dataset = rdflib.Dataset(default_union=True)
        self.dataset.parse(str(nquads), format="nquads")

    def select(self, sparql: str, bindings: dict) -> tuple[list[str], list[dict]]:
        from policykg.graph.binding import substitute

        result = self.dataset.query(substitute(sparql, bindings) if bindings else sparql)
        doc = json.loads(result.serialize(format="json"))
        return doc["head"]["vars"], doc["results"]["bindings"]

    def construct(self, sparql: str) -> bytes:
        return self.dataset.query(sparql).graph.serialize(format="turtle", encoding="utf-8")


class _Timeout(Exception):
    pass


def child_rdflib(nquads: Path, repeat: int, names: list[str], timeout: float) -> None:
    """Time each ready question in rdflib; one JSON line per question (``ms`` null past ``timeout``)."""
    from policykg.queries.run import run_query

    start = time.perf_counter()
    source = RdflibSource(nquads)
    print(json.dumps({"load_s": time.perf_counter() - start, "triples": len(source.dataset)}), flush=True)

    def alarm(*_: object) -> None:
        raise _Timeout

    signal.signal(signal.SIGALRM, alarm)
    for name in names:
        signal.setitimer(signal.ITIMER_REAL, timeout)
        try:
            rows: list[int] = []
            times = _timed(
                lambda name=name, rows=rows: rows.append(len(run_query(source, name).bindings)), repeat
            )
            line = {"name": name, "ms": times, "rows": rows[-1]}
        except _Timeout:
            line = {"name": name, "ms": None, "timeout_s": timeout}
        except Exception as exc:  # rdflib cannot answer some questions at all
            line = {"name": name, "ms": None, "error": f"{type(exc).__name__}: {exc}"[:200]}
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
        print(json.dumps(line), flush=True)


# ---------------------------------------------------------------- the parent


def _child(args: list[str], *, timeout: float | None = None) -> tuple[list[dict], float, float]:
    """Run this script as a child; (its JSON lines, wall seconds, peak MiB of its process tree)."""
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", *args]
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True, cwd=ROOT)
    with PeakMemory(proc.pid) as memory:
        try:
            out, _ = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            out, _ = proc.communicate()
    seconds = time.perf_counter() - start
    if proc.returncode not in (0, -signal.SIGKILL):
        raise SystemExit(f"benchmark child failed ({proc.returncode}): {' '.join(args)}")
    return [json.loads(line) for line in out.splitlines() if line.startswith("{")], seconds, memory.peak


def _ms(times: list[float]) -> tuple[float, float]:
    """(median, 95th percentile) of some timings."""
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered), p95


def stage_costs(files: list[Path], work: Path, count: int = 100) -> dict:
    """CPU milliseconds per document of each stage, in this process, on the first ``count`` files."""
    from policykg.graph.build import document_quads
    from policykg.graph.store import Store
    from policykg.graph.validate import validate_graph
    from policykg.loaders.extract import extract
    from policykg.loaders.read import read_document

    sample = files[:count]
    document_quads(extract(read_document(sample[0])))  # vocabularies, automata, gazetteer
    store = Store(work / "stages-store")
    store.ensure_ontology()
    cpu = {"read": 0.0, "extract": 0.0, "rdf": 0.0, "store": 0.0}
    graphs = []
    for path in sample:
        t0 = time.process_time()
        doc = read_document(path)
        t1 = time.process_time()
        facts = extract(doc)
        t2 = time.process_time()
        graph = document_quads(facts)
        t3 = time.process_time()
        store.replace_document(graph)
        t4 = time.process_time()
        for key, dt in zip(cpu, (t1 - t0, t2 - t1, t3 - t2, t4 - t3), strict=True):
            cpu[key] += dt
        graphs.append(graph)
    out = {key: 1000 * value / len(sample) for key, value in cpu.items()}
    out["quads_per_doc"] = len(store) / len(sample)
    validate_graph(graphs[0])
    t = time.process_time()
    for graph in graphs[:10]:
        validate_graph(graph)
    out["shacl_validate"] = 1000 * (time.process_time() - t) / len(graphs[:10])
    del store
    shutil.rmtree(work / "stages-store", ignore_errors=True)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, nargs="+", default=[1000, 10000], help="corpus sizes to build")
    parser.add_argument(
        "--workers", type=int, default=os.cpu_count() or 1, help="'all cores' (default: every core)"
    )
    parser.add_argument("--repeat", type=int, default=10, help="runs of each question after a warm-up")
    parser.add_argument("--rdflib-docs", type=int, default=100, help="documents of the rdflib comparison")
    parser.add_argument(
        "--rdflib-timeout", type=float, default=300, help="seconds before rdflib gives up on one question"
    )
    parser.add_argument(
        "--infer-timeout", type=float, default=3600, help="seconds before inference is stopped"
    )
    parser.add_argument("--stage-docs", type=int, default=100, help="documents of the per-stage costs")
    parser.add_argument("--seed", type=int, default=1, help="seed of the generated corpus")
    parser.add_argument("--json", type=Path, help="write the figures to this file")
    parser.add_argument(
        "--work", type=Path, help="folder for the corpus and stores (default: a temporary one)"
    )
    parser.add_argument("--keep", action="store_true", help="keep the corpus and the stores")
    parser.add_argument("--child", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        kind, *rest = args.child
        if kind == "build":
            print(json.dumps(child_build(Path(rest[0]), Path(rest[1]), int(rest[2]))))
        elif kind == "infer":
            print(json.dumps(child_infer(Path(rest[0]))))
        elif kind == "questions":
            child_questions(Path(rest[0]), int(rest[1]), rest[2:])
        elif kind == "rdflib":
            child_rdflib(Path(rest[0]), int(rest[1]), rest[3:], float(rest[2]))
        return 0
    return run(args)


def run(args: argparse.Namespace) -> int:
    from policykg.graph.store import Store
    from policykg.queries.library import ready_queries

    work = args.work or Path(tempfile.mkdtemp(prefix="policykg-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    sizes = sorted(set(args.docs))
    results: dict = {
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
            "load_average_at_start": os.getloadavg(),
        },
        "seed": args.seed,
        "workers_all_cores": args.workers,
    }

    print(f"corpus: generating {sizes[-1]:,} documents (seed {args.seed}) in {work / 'corpus'} …", flush=True)
    t = time.perf_counter()
    docs = generate(work / "corpus", sizes[-1], seed=args.seed)
    files = [d.path for d in docs]
    results["corpus"] = {
        "documents": len(docs),
        "generate_s": round(time.perf_counter() - t, 1),
        "mean_kb": round(statistics.mean(d.size for d in docs) / 1024, 1),
        "mean_chars": round(statistics.mean(d.chars for d in docs)),
        "places": len({d.region.code for d in docs}),
    }
    print(f"  {results['corpus']}", flush=True)

    stages = stage_costs(files, work, args.stage_docs)
    results["stages_ms_per_doc"] = {k: round(v, 1) for k, v in stages.items()}
    print(
        f"stages (CPU ms per document, one process, first {min(args.stage_docs, len(files))} documents): "
        + ", ".join(f"{k} {v:.1f}" for k, v in stages.items()),
        flush=True,
    )

    builds = []
    for n in sizes:
        listing = work / f"files-{n}.txt"
        listing.write_text("\n".join(map(str, files[:n])), encoding="utf-8")
        mb = sum(d.size for d in docs[:n]) / 1e6
        for workers in dict.fromkeys([1, args.workers]):
            store_dir = work / f"store-{n}-{workers}"
            shutil.rmtree(store_dir, ignore_errors=True)
            [line], _, peak = _child(["build", str(listing), str(store_dir), str(workers)])
            if line["failed"] or line["built"] != n:
                raise SystemExit(f"build of {n} documents failed: {line['failed'][:3]}")
            row = {
                "docs": n,
                "workers": workers,
                "seconds": round(line["seconds"], 1),
                "docs_per_s": round(n / line["seconds"], 1),
                "mb_per_s": round(mb / line["seconds"], 2),
                "peak_rss_mib": round(peak),
                "quads": line["quads"],
                "store_mib": round(_dir_mib(store_dir)),
            }
            builds.append(row)
            print(
                f"build {n:>6,} docs, {workers} worker{'s' * (workers > 1)}: {row['seconds']:7.1f} s  "
                f"{row['docs_per_s']:6.1f} docs/s  {row['mb_per_s']:5.2f} MB/s  peak RSS {row['peak_rss_mib']:,} MiB  "
                f"{row['quads']:,} quads  store {row['store_mib']:,} MiB",
                flush=True,
            )
            keep = n == sizes[-1] and workers == args.workers
            if not keep and not args.keep:
                shutil.rmtree(store_dir, ignore_errors=True)
    results["builds"] = builds
    largest = [b for b in builds if b["docs"] == sizes[-1]]
    results["build_docs_per_s_one_worker"] = next(b["docs_per_s"] for b in largest if b["workers"] == 1)
    results["build_docs_per_s_all_cores"] = next(
        b["docs_per_s"] for b in largest if b["workers"] == args.workers
    )
    results["peak_rss_mib"] = max(b["peak_rss_mib"] for b in largest)

    big = work / f"store-{sizes[-1]}-{args.workers}"
    # The build ends by materialising the inferred graph over the whole store (graph.infer):
    # timed apart, since it grows with the store, not with the documents built.
    lines, seconds, peak = _child(["infer", str(big)], timeout=args.infer_timeout)
    if lines:
        results["inference"] = {
            "docs": sizes[-1],
            "seconds": round(lines[0]["seconds"], 1),
            "triples": lines[0]["triples"],
            "peak_rss_mib": round(peak),
        }
        print(
            f"inference over the {sizes[-1]:,}-document store: {lines[0]['seconds']:.1f} s, "
            f"{lines[0]['triples']:,} triples, peak RSS {round(peak):,} MiB",
            flush=True,
        )
    else:
        results["inference"] = {"docs": sizes[-1], "seconds": None, "timeout_s": args.infer_timeout}
        print(f"inference over the {sizes[-1]:,}-document store: stopped after {seconds:.0f} s", flush=True)
    t = time.perf_counter()
    store = Store(big)
    store.optimize()
    del store  # closed: the question runs open it read-only
    results["optimize_s"] = round(time.perf_counter() - t, 1)
    print(f"store.optimize() after the {sizes[-1]:,}-document build: {results['optimize_s']} s", flush=True)

    names = sorted(ready_queries())
    lines, _, _ = _child(["questions", str(big), str(args.repeat), *names])
    questions: dict[str, dict] = {}
    print(f"questions on the {sizes[-1]:,}-document store (median / p95 ms, rows):", flush=True)
    for line in lines:
        median, p95 = _ms(line["ms"])
        questions[line["name"]] = {
            "median_ms": round(median, 1),
            "p95_ms": round(p95, 1),
            "rows": line["rows"],
            "selective": line["name"] in SELECTIVE,
        }

    # rdflib against policykg's store on the same subsample graph
    k = min(args.rdflib_docs, len(files))
    sample_dir = work / f"store-rdflib-{k}"
    shutil.rmtree(sample_dir, ignore_errors=True)
    listing = work / f"files-{k}.txt"
    listing.write_text("\n".join(map(str, files[:k])), encoding="utf-8")
    _child(["build", str(listing), str(sample_dir), str(args.workers)])
    _child(["infer", str(sample_dir)])
    nquads = work / f"sample-{k}.nq"
    sample = Store(sample_dir)
    sample.export(nquads, "nquads")
    graphs = len(sample.document_graphs())
    del sample
    if graphs != k:
        raise SystemExit(f"the rdflib sample store has {graphs} documents, not {k}")
    ox_lines, _, _ = _child(["questions", str(sample_dir), str(args.repeat), *names])
    rdf_lines, _, _ = _child(
        ["rdflib", str(nquads), str(min(args.repeat, 5)), str(args.rdflib_timeout), *names]
    )
    load = rdf_lines.pop(0)
    results["rdflib"] = {"docs": k, "triples": load["triples"], "load_s": round(load["load_s"], 1)}
    ox_ms = {line["name"]: _ms(line["ms"])[0] for line in ox_lines}
    for line in rdf_lines:
        entry = questions.setdefault(line["name"], {})
        ours = ox_ms.get(line["name"])
        entry["sample_ms"] = round(ours, 1) if ours is not None else None
        if line["ms"] is None and "error" in line:
            entry["rdflib_ms"] = entry["rdflib_ratio"] = None
            entry["rdflib_error"] = line["error"]
        elif line["ms"] is None:
            entry["rdflib_ms"] = None
            entry["rdflib_ratio"] = round(line["timeout_s"] * 1000 / ours, 1) if ours else None
            entry["rdflib_timed_out"] = True
        else:
            theirs = _ms(line["ms"])[0]
            entry["rdflib_ms"] = round(theirs, 1)
            entry["rdflib_ratio"] = round(theirs / ours, 1) if ours else None
    results["questions"] = questions
    for name in names:
        q = questions[name]
        flag = " (selective)" if q.get("selective") else ""
        ratio = q.get("rdflib_ratio")
        ratio_text = f"{'>' if q.get('rdflib_timed_out') else ''}{ratio}x" if ratio is not None else "n/a"
        if q.get("rdflib_error"):
            ratio_text = f"rdflib fails ({q['rdflib_error'][:60]})"
        theirs = q.get("rdflib_ms")
        theirs_text = f"{theirs} ms" if theirs is not None else "—"
        print(
            f"  {name:34s} {q['median_ms']:9.1f} {q['p95_ms']:9.1f} ms {q['rows']:>8,} rows   "
            f"on {k} docs: rdflib {theirs_text}, policykg {q.get('sample_ms')} ms: {ratio_text}{flag}",
            flush=True,
        )
    ratios = [q["rdflib_ratio"] for q in questions.values() if q.get("rdflib_ratio")]
    if ratios:
        results["rdflib_ratio_median"] = round(statistics.median(ratios), 1)
        results["rdflib_ratio_min"] = min(ratios)
        print(
            f"rdflib / policykg on {k} documents: median {results['rdflib_ratio_median']}x, lowest {min(ratios)}x"
        )
    print(
        f"summary: {results['build_docs_per_s_all_cores']} docs/s all cores, "
        f"{results['build_docs_per_s_one_worker']} docs/s one worker, peak RSS {results['peak_rss_mib']:,} MiB "
        f"({sizes[-1]:,} documents); load average at the end {os.getloadavg()[0]:.1f}",
        flush=True,
    )
    results["machine"]["load_average_at_end"] = os.getloadavg()
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, ensure_ascii=False), encoding="utf-8")
        print(f"figures written to {args.json}")
    if not args.keep and args.work is None:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
