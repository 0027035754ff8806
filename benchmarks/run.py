"""Speed and memory of policykg at scale: builds, ready questions, and rdflib in the same run.

    python benchmarks/run.py                         # 1,000 and 10,000 documents (about 1.5 hours here)
    python benchmarks/run.py --docs 200 1000 --rdflib-docs 50 --json out.json

Steps, each printed as it finishes:

1. a scale corpus (``benchmarks/corpus.py``: the bundled plans' items and
   sentences recombined over real places and years, figures varied), the
   largest size asked for; a smaller size is its first N documents;
2. stage costs in one process on the first 100 documents (read, extract,
   RDF, the document's inferences, store on disk one transaction per
   document and in bulk loads, and SHACL validation on 10 of them); the
   store starts empty here, and a write costs about twice as much once the
   store holds thousands of documents (``benchmarks/store_growth.py``);
3. builds into a fresh on-disk store, for every size, with one worker and
   with every core (extraction processes, beside the one writing the store,
   as ``policykg build --workers N``): documents and MB per second end to end (read, extract,
   infer, store; ``policykg build --no-validate`` but for the shared
   inferred graph), peak resident memory of the whole process tree (the sum
   of the processes' RSS, sampled), store size, and the seconds of it the
   corpus totals took at its end (``graph/totals.py``); then the shared inferred
   graph (what the places and ontology entail) of the largest, timed alone;
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
import queue
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
        "totals_seconds": report.totals_seconds,
    }


def child_infer(store_dir: Path) -> dict:
    """The shared inferred graph of a built store (``graph.infer.materialise``), in this (child) process."""
    from policykg.graph.infer import materialise
    from policykg.graph.store import Store

    store = Store(store_dir)
    before = len(store)
    start = time.perf_counter()
    materialise(store)
    store.flush()
    return {"seconds": time.perf_counter() - start, "triples": len(store) - before}


def _time_runs(name: str, fn, repeat: int) -> None:
    """Print one JSON line per run of ``fn`` (the first is the warm-up): a timeout keeps what was measured."""
    for i in range(repeat + 1):
        t = time.perf_counter()
        rows = fn()
        ms = (time.perf_counter() - t) * 1000
        print(json.dumps({"name": name, "run": i, "ms": ms, "rows": rows}), flush=True)
        if i == 0 and ms > SLOW_MS:
            repeat = min(repeat, 3)  # a slow question is timed three times


def _params(name: str, params: dict[str, str]) -> dict[str, str]:
    """The benchmark's parameters that this question takes (the others keep their defaults)."""
    from policykg.queries.library import get_query

    known = {p.name for p in get_query(name).params}
    return {k: v for k, v in params.items() if k in known}


def child_questions(store_dir: Path, repeat: int, params: dict[str, str], names: list[str]) -> None:
    """Time ready questions on a store, as JSON lines."""
    from policykg.graph.store import Store
    from policykg.queries.run import run_query

    store = Store(store_dir, read_only=True)
    print(json.dumps({"ready": True}), flush=True)
    for name in names:
        bound = _params(name, params)
        _time_runs(name, lambda name=name, bound=bound: len(run_query(store, name, bound).bindings), repeat)
        print(json.dumps({"done": name}), flush=True)


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


def child_rdflib(nquads: Path, repeat: int, params: dict[str, str], names: list[str]) -> None:
    """Time ready questions in rdflib's in-memory Dataset loaded from ``nquads``, as JSON lines."""
    from policykg.queries.run import run_query

    start = time.perf_counter()
    source = RdflibSource(nquads)
    print(json.dumps({"ready": True, "load_s": time.perf_counter() - start}), flush=True)
    for name in names:
        try:
            bound = _params(name, params)
            _time_runs(
                name, lambda name=name, bound=bound: len(run_query(source, name, bound).bindings), repeat
            )
        except Exception as exc:  # rdflib cannot answer some questions at all
            print(json.dumps({"name": name, "error": f"{type(exc).__name__}: {exc}"[:200]}), flush=True)
        print(json.dumps({"done": name}), flush=True)


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
    from policykg.graph.infer import infer_document
    from policykg.graph.store import Store
    from policykg.graph.validate import validate_graph
    from policykg.loaders.extract import extract
    from policykg.loaders.read import read_document
    from policykg.pipeline import BULK_DOCUMENTS

    sample = files[:count]
    document_quads(extract(read_document(sample[0])))  # vocabularies, automata, gazetteer
    store = Store(work / "stages-store")
    store.ensure_ontology()
    cpu = {"read": 0.0, "extract": 0.0, "rdf": 0.0, "infer": 0.0, "store": 0.0}
    graphs, inferred = [], []
    for path in sample:
        t0 = time.process_time()
        doc = read_document(path)
        t1 = time.process_time()
        facts = extract(doc)
        t2 = time.process_time()
        graph = document_quads(facts)
        t3 = time.process_time()
        entailed = infer_document(graph)
        t4 = time.process_time()
        store.replace_document(graph, entailed)
        t5 = time.process_time()
        for key, dt in zip(cpu, (t1 - t0, t2 - t1, t3 - t2, t4 - t3, t5 - t4), strict=True):
            cpu[key] += dt
        graphs.append(graph)
        inferred.append(entailed)
    out = {key: 1000 * value / len(sample) for key, value in cpu.items()}
    out["quads_per_doc"] = len(store) / len(sample)
    # What a build into an empty store does instead: bulk loads of BULK_DOCUMENTS new documents.
    bulk = Store(work / "stages-bulk")
    bulk.ensure_ontology()
    t = time.process_time()
    for i in range(0, len(graphs), BULK_DOCUMENTS):
        bulk.add_new_documents(graphs[i : i + BULK_DOCUMENTS], inferred[i : i + BULK_DOCUMENTS])
    out["store_bulk"] = 1000 * (time.process_time() - t) / len(sample)
    del bulk
    shutil.rmtree(work / "stages-bulk", ignore_errors=True)
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
    parser.add_argument(
        "--question-timeout", type=float, default=60, help="seconds for all runs of one question"
    )
    parser.add_argument("--rdflib-docs", type=int, default=50, help="documents of the rdflib comparison")
    parser.add_argument(
        "--infer-timeout", type=float, default=3600, help="seconds before inference is stopped"
    )
    parser.add_argument("--stage-docs", type=int, default=100, help="documents of the per-stage costs")
    parser.add_argument("--seed", type=int, default=1, help="seed of the generated corpus")
    parser.add_argument("--json", type=Path, help="write the figures to this file (after every step)")
    parser.add_argument(
        "--work", type=Path, help="folder for the corpus and stores (default: a temporary one)"
    )
    parser.add_argument("--keep", action="store_true", help="keep the corpus and the stores")
    parser.add_argument(
        "--resume", action="store_true", help="reuse the builds a previous run left in --work (with --keep)"
    )
    parser.add_argument("--child", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        kind, *rest = args.child
        if kind == "build":
            print(json.dumps(child_build(Path(rest[0]), Path(rest[1]), int(rest[2]))))
        elif kind == "infer":
            print(json.dumps(child_infer(Path(rest[0]))))
        elif kind == "questions":
            child_questions(Path(rest[0]), int(rest[1]), json.loads(rest[2]), rest[3:])
        elif kind == "rdflib":
            child_rdflib(Path(rest[0]), int(rest[1]), json.loads(rest[2]), rest[3:])
        return 0
    return run(args)


class Bench:
    """One benchmark run: its work folder, corpus and figures (written to --json after every step)."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.work = args.work or Path(tempfile.mkdtemp(prefix="policykg-bench-"))
        self.work.mkdir(parents=True, exist_ok=True)
        self.sizes = sorted(set(args.docs))
        self.results: dict = {
            "machine": {
                "cpus": os.cpu_count(),
                "python": platform.python_version(),
                "platform": platform.platform(),
                "load_average_at_start": os.getloadavg(),
            },
            "seed": args.seed,
            "workers_all_cores": args.workers,
            "builds": [],
        }

    def save(self) -> None:
        rows = {(b["docs"], b["workers"]): b for b in self.results["builds"]}
        for key, workers in (("all_cores", self.args.workers), ("one_worker", 1)):
            # The largest size built with these workers (the largest asked for, unless stopped early).
            sizes = [n for n in self.sizes if (n, workers) in rows]
            self.results[f"build_docs_per_s_{key}"] = (
                rows[(sizes[-1], workers)]["docs_per_s"] if sizes else None
            )
            self.results[f"build_docs_{key}"] = sizes[-1] if sizes else None
        largest = self.sizes[-1]
        peaks = [b["peak_rss_mib"] for b in self.results["builds"] if b["docs"] == largest]
        self.results["peak_rss_mib"] = max(peaks) if peaks else None
        if self.args.json:
            self.args.json.write_text(
                json.dumps(self.results, indent=2, ensure_ascii=False), encoding="utf-8"
            )

    def store_dir(self, n: int, workers: int) -> Path:
        return self.work / f"store-{n}-{workers}"

    def corpus(self) -> None:
        n = self.sizes[-1]
        print(
            f"corpus: generating {n:,} documents (seed {self.args.seed}) in {self.work / 'corpus'} …",
            flush=True,
        )
        t = time.perf_counter()
        self.docs = generate(self.work / "corpus", n, seed=self.args.seed)
        self.files = [d.path for d in self.docs]
        self.results["corpus"] = {
            "documents": n,
            "generate_s": round(time.perf_counter() - t, 1),
            "mean_kb": round(statistics.mean(d.size for d in self.docs) / 1024, 1),
            "mean_chars": round(statistics.mean(d.chars for d in self.docs)),
            "places": len({d.region.code for d in self.docs}),
        }
        # A place the corpus has, for the questions about one place (their default may not be in it).
        self.params = {"place": self.docs[0].region.name}
        self.results["question_params"] = self.params
        print(
            f"  {self.results['corpus']}; questions about one place ask about {self.params['place']}",
            flush=True,
        )

    def stages(self) -> None:
        stages = stage_costs(self.files, self.work, self.args.stage_docs)
        self.results["stages_ms_per_doc"] = {k: round(v, 1) for k, v in stages.items()}
        count = min(self.args.stage_docs, len(self.files))
        print(
            f"stages (CPU ms per document, one process, first {count} documents): "
            + ", ".join(f"{k} {v:.1f}" for k, v in stages.items()),
            flush=True,
        )
        self.save()

    def build(self, n: int, workers: int) -> dict:
        """Build the first ``n`` documents into a fresh store with ``workers`` processes."""
        store_dir, record = self.store_dir(n, workers), self.work / f"build-{n}-{workers}.json"
        if self.args.resume and record.exists() and store_dir.exists():
            row = json.loads(record.read_text(encoding="utf-8"))
            print(f"build {n:>6,} docs, {workers} worker(s): reused from {record}", flush=True)
        else:
            listing = self.work / f"files-{n}.txt"
            listing.write_text("\n".join(map(str, self.files[:n])), encoding="utf-8")
            shutil.rmtree(store_dir, ignore_errors=True)
            [line], _, peak = _child(["build", str(listing), str(store_dir), str(workers)])
            if line["failed"] or line["built"] != n:
                raise SystemExit(f"build of {n} documents failed: {line['failed'][:3]}")
            mb = sum(d.size for d in self.docs[:n]) / 1e6
            row = {
                "docs": n,
                "workers": workers,
                "seconds": round(line["seconds"], 1),
                "docs_per_s": round(n / line["seconds"], 2),
                "mb_per_s": round(mb / line["seconds"], 3),
                "peak_rss_mib": round(peak),
                "quads": line["quads"],
                "store_mib": round(_dir_mib(store_dir)),
                "totals_s": round(line["totals_seconds"], 1),
            }
            record.write_text(json.dumps(row), encoding="utf-8")
        self.results["builds"].append(row)
        print(
            f"build {n:>6,} docs, {workers} worker{'s' * (workers > 1)}: {row['seconds']:8.1f} s  "
            f"{row['docs_per_s']:6.2f} docs/s  {row['mb_per_s']:6.3f} MB/s  peak RSS {row['peak_rss_mib']:,} MiB  "
            f"{row['quads']:,} quads  store {row['store_mib']:,} MiB  (corpus totals at the end: {row.get('totals_s')} s)",
            flush=True,
        )
        self.save()
        return row

    def infer(self, store_dir: Path, n: int) -> None:
        """The shared inferred graph (what places and ontology entail), which the builds leave out, timed."""
        lines, seconds, peak = _child(["infer", str(store_dir)], timeout=self.args.infer_timeout)
        if lines:
            self.results["inference"] = {
                "docs": n,
                "seconds": round(lines[0]["seconds"], 1),
                "triples": lines[0]["triples"],
                "peak_rss_mib": round(peak),
            }
            print(
                f"shared inferred graph of the {n:,}-document store: {lines[0]['seconds']:.1f} s, "
                f"{lines[0]['triples']:,} triples, peak RSS {round(peak):,} MiB",
                flush=True,
            )
        else:
            self.results["inference"] = {"docs": n, "seconds": None, "stopped_after_s": round(seconds)}
            print(
                f"shared inferred graph of the {n:,}-document store: stopped after {seconds:.0f} s",
                flush=True,
            )
        self.save()

    def questions(self, store_dir: Path, names: list[str], kind: str = "questions") -> dict[str, dict]:
        """name -> {median_ms, p95_ms, rows} (or {timeout_s} / {error}), in one child per engine."""
        source = self.work / f"sample-{self.args.rdflib_docs}.nq" if kind == "rdflib" else store_dir
        repeat = min(self.args.repeat, 5) if kind == "rdflib" else self.args.repeat
        params = json.dumps(self.params, ensure_ascii=False)
        runs, errors = _question_child(
            [kind, str(source), str(repeat), params],
            names,
            timeout=self.args.question_timeout,
            # rdflib parses the sample first, a store opens in a moment
            startup=180 if kind == "rdflib" else 60,
        )
        out: dict[str, dict] = {}
        for name in names:
            if name in errors:
                out[name] = {"error": errors[name]}
            elif not runs[name]:
                out[name] = {"timeout_s": self.args.question_timeout}
            else:
                times = [r["ms"] for r in runs[name][1:]] or [runs[name][0]["ms"]]  # after the warm-up
                median, p95 = _ms(times)  # a question stopped at its timeout keeps the runs it finished
                out[name] = {
                    "median_ms": round(median, 1),
                    "p95_ms": round(p95, 1),
                    "rows": runs[name][0]["rows"],
                }
                if len(runs[name]) == 1:
                    out[name]["warm_up_only"] = True
        return out


def _question_child(
    args: list[str], names: list[str], *, timeout: float, startup: float
) -> tuple[dict[str, list[dict]], dict[str, str]]:
    """Time ``names`` in one child (``--child KIND SOURCE REPEAT PARAMS NAME…``), read line by line.

    A question still running ``timeout`` seconds after the previous one ended
    (or ``startup`` + ``timeout`` after the child started) is stopped by
    killing the child, which a new child resumes after: a Rust query cannot be
    interrupted from Python, and one child per question cost a process start
    and a store opening (or an rdflib parse) 26 times over.
    Returns (the runs of each question, the questions' errors).
    """
    runs: dict[str, list[dict]] = {name: [] for name in names}
    errors: dict[str, str] = {}
    todo = list(names)
    while todo:
        cmd = [sys.executable, str(Path(__file__).resolve()), "--child", *args, *todo]
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True, cwd=ROOT)
        lines: queue.Queue[str | None] = queue.Queue()
        threading.Thread(target=_pipe_lines, args=(proc, lines), daemon=True).start()
        deadline = time.monotonic() + startup + timeout
        while todo:
            try:
                line = lines.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                proc.kill()
                todo.pop(0)
                break
            if line is None:  # the child ended before the questions did
                if proc.wait() != 0:
                    raise SystemExit(f"benchmark child failed ({proc.returncode}): {' '.join(args[:2])}")
                raise SystemExit(f"benchmark child ended before answering {todo[0]}")
            if not line.startswith("{"):
                continue
            record = json.loads(line)
            if "ready" in record:
                deadline = time.monotonic() + timeout
            elif "done" in record:
                todo.remove(record["done"])
                deadline = time.monotonic() + timeout
            elif "error" in record:
                errors[record["name"]] = record["error"]
            elif "ms" in record:
                runs[record["name"]].append(record)
        proc.wait()
    return runs, errors


def _pipe_lines(proc: subprocess.Popen, lines: queue.Queue) -> None:
    assert proc.stdout is not None
    for line in proc.stdout:
        lines.put(line)
    lines.put(None)


def run(args: argparse.Namespace) -> int:
    from policykg.graph.store import Store
    from policykg.queries.library import ready_queries

    bench = Bench(args)
    results, sizes = bench.results, bench.sizes
    bench.corpus()
    bench.stages()
    largest = sizes[-1]

    # The store of the largest build with every core is the one the questions are asked on.
    bench.build(largest, args.workers)
    big = bench.store_dir(largest, args.workers)
    bench.infer(big, largest)
    store = Store(big)
    t = time.perf_counter()
    store.optimize()
    del store  # closed: the questions open it read-only
    results["optimize_s"] = round(time.perf_counter() - t, 1)
    print(f"store.optimize() after the {largest:,}-document build: {results['optimize_s']} s", flush=True)

    names = sorted(ready_queries())
    questions = bench.questions(big, names)
    for name, q in questions.items():
        q["selective"] = name in SELECTIVE
    results["questions"] = questions
    bench.save()
    print(f"questions on the {largest:,}-document store (median / p95 ms, rows):", flush=True)
    for name in names:
        print(f"  {name:36s} {_question_text(questions[name])}", flush=True)

    # rdflib and policykg on the same subsample graph
    k = min(args.rdflib_docs, len(bench.files))
    sample_dir = bench.work / f"store-sample-{k}"
    shutil.rmtree(sample_dir, ignore_errors=True)
    listing = bench.work / f"files-{k}.txt"
    listing.write_text("\n".join(map(str, bench.files[:k])), encoding="utf-8")
    _child(["build", str(listing), str(sample_dir), str(args.workers)])
    _child(["infer", str(sample_dir)])
    sample = Store(sample_dir)
    sample.export(bench.work / f"sample-{k}.nq", "nquads")
    del sample
    ours = bench.questions(sample_dir, names)
    theirs = bench.questions(sample_dir, names, kind="rdflib")
    results["rdflib"] = {
        "docs": k,
        "note": f"the first {k} documents of the corpus, rdflib.Dataset in memory",
    }
    print(f"the same questions on the first {k} documents: policykg store vs rdflib in memory:", flush=True)
    for name in names:
        q, a, b = questions[name], ours[name], theirs[name]
        q["sample_ms"] = a.get("median_ms")
        q["rdflib_ms"] = b.get("median_ms")
        if "error" in b:
            q["rdflib_ratio"], q["rdflib_error"] = None, b["error"]
        elif "timeout_s" in b and a.get("median_ms"):
            q["rdflib_ratio"], q["rdflib_timed_out"] = round(b["timeout_s"] * 1000 / a["median_ms"], 1), True
        elif a.get("median_ms") and b.get("median_ms"):
            q["rdflib_ratio"] = round(b["median_ms"] / a["median_ms"], 1)
        else:
            q["rdflib_ratio"] = None
        ratio = q["rdflib_ratio"]
        verdict = (
            f"rdflib fails ({q['rdflib_error'][:50]})"
            if "rdflib_error" in q
            else (f"{'>' if q.get('rdflib_timed_out') else ''}{ratio}x" if ratio is not None else "n/a")
        )
        print(
            f"  {name:36s} policykg {a.get('median_ms')} ms, rdflib {b.get('median_ms')} ms: {verdict}",
            flush=True,
        )
    ratios = [q["rdflib_ratio"] for q in questions.values() if q.get("rdflib_ratio")]
    if ratios:
        results["rdflib"]["ratio_median"] = round(statistics.median(ratios), 1)
        results["rdflib"]["ratio_min"] = min(ratios)
        print(
            f"rdflib / policykg: median {results['rdflib']['ratio_median']}x, lowest {min(ratios)}x",
            flush=True,
        )
    bench.save()

    # The other builds: smaller sizes, and one worker.
    for n in sizes:
        for workers in dict.fromkeys([1, args.workers]):
            if (n, workers) != (largest, args.workers):
                bench.build(n, workers)
                if not args.keep:
                    shutil.rmtree(bench.store_dir(n, workers), ignore_errors=True)
    results["machine"]["load_average_at_end"] = os.getloadavg()
    bench.save()
    print(
        f"summary: {results['build_docs_per_s_all_cores']} docs/s all cores "
        f"({results['build_docs_all_cores']:,} documents), {results['build_docs_per_s_one_worker']} docs/s "
        f"one worker ({results['build_docs_one_worker']:,} documents), peak RSS {results['peak_rss_mib']:,} MiB "
        f"({largest:,} documents); load average at the end {os.getloadavg()[0]:.1f}",
        flush=True,
    )
    if args.json:
        print(f"figures written to {args.json}")
    if not args.keep and args.work is None:
        shutil.rmtree(bench.work, ignore_errors=True)
    return 0


def _question_text(q: dict) -> str:
    if "error" in q:
        return f"error: {q['error'][:80]}"
    if "timeout_s" in q:
        return f"no answer within {q['timeout_s']:.0f} s"
    flag = " (selective)" if q.get("selective") else ""
    once = " (warm-up run only)" if q.get("warm_up_only") else ""
    return f"{q['median_ms']:10.1f} {q['p95_ms']:10.1f} ms {q['rows']:>9,} rows{flag}{once}"


if __name__ == "__main__":
    sys.exit(main())
