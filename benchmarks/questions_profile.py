"""Time every ready question on one store, each in a child process with a timeout.

    .venv/bin/python benchmarks/questions_profile.py /tmp/bench/qstore-200 [--timeout 60] [--repeat 3]
        [--place 明山区] [--save DIR] [--queries DIR] [NAME ...]

For each question: the median ms of ``--repeat`` runs after one warm-up (for
a question slower than 5 s, the warm-up run alone), and its row count. A
question that does not answer within ``--timeout`` seconds is killed and
reported as such, so one bad plan does not block the others. ``--save DIR``
writes each question's SPARQL JSON result to ``DIR/NAME.json`` (the rows, in
order), to compare the answers before and after a rewrite of the ``.rq``;
``--queries DIR`` times the ``.rq`` files of another folder (a copy of the
old ones, say) under the same names.

Questions that take a ``place`` parameter are asked about ``--place`` (the
default place is not in the generated corpus); other parameters keep their
defaults.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

SLOW_MS = 5000


def child(store_dir: str, name: str, repeat: int, place: str, save: str | None, queries: str | None) -> None:
    """Run one question: print one JSON line {name, ms, runs, rows}."""
    from policykg.graph.store import Store
    from policykg.queries.library import get_query, parse_query
    from policykg.queries.run import run_query

    store = Store(store_dir, read_only=True)
    if queries:
        path = Path(queries) / f"{name}.rq"
        query = parse_query(path.read_text(encoding="utf-8"), name, path)
    else:
        query = get_query(name)
    params = {"place": place} if any(p.name == "place" for p in query.params) else {}
    times = []
    result = None
    for i in range(repeat + 1):
        t = time.perf_counter()
        result = run_query(store, query, params)
        ms = (time.perf_counter() - t) * 1000
        if i > 0:
            times.append(ms)
        elif ms > SLOW_MS or repeat == 0:
            times.append(ms)  # too slow to repeat (or no repeats asked): the warm-up is the figure
            break
    if save:
        out = Path(save) / f"{name}.json"
        out.write_text(json.dumps(result.to_sparql_json(), ensure_ascii=False, indent=1, sort_keys=True))
    med = statistics.median(times)
    print(json.dumps({"name": name, "ms": med, "runs": times, "rows": len(result.bindings)}), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("store")
    parser.add_argument("names", nargs="*", help="questions to time (all by default)")
    parser.add_argument("--timeout", type=float, default=60, help="seconds for all runs of one question")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs after one warm-up")
    parser.add_argument("--place", default="明山区")
    parser.add_argument("--save", help="folder for each question's JSON result")
    parser.add_argument("--queries", help="folder of .rq files to time instead of the ready questions")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.store, args.names[0], args.repeat, args.place, args.save, args.queries)
        return
    from policykg.queries.library import ready_queries

    if args.queries:
        names = args.names or sorted(p.stem for p in Path(args.queries).glob("*.rq"))
    else:
        names = args.names or list(ready_queries())
    if args.save:
        Path(args.save).mkdir(parents=True, exist_ok=True)
    print(f"{'question':36s} {'median ms':>10s} {'rows':>7s}", flush=True)
    for name in names:
        cmd = [sys.executable, __file__, args.store, name, "--child", "--repeat", str(args.repeat)]
        cmd += ["--place", args.place] + (["--save", args.save] if args.save else [])
        cmd += ["--queries", args.queries] if args.queries else []
        try:
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=args.timeout)
        except subprocess.TimeoutExpired:
            print(f"{name:36s} {'>' + str(int(args.timeout * 1000)):>10s} {'timeout':>7s}", flush=True)
            continue
        lines = [line for line in proc.stdout.splitlines() if line.startswith("{")]
        if proc.returncode or not lines:
            err = (proc.stderr.strip().splitlines() or ["?"])[-1]
            print(f"{name:36s} {'error':>10s} {err}", flush=True)
            continue
        r = json.loads(lines[-1])
        print(f"{name:36s} {r['ms']:10.1f} {r['rows']:7d}", flush=True)


if __name__ == "__main__":
    main()
