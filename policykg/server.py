"""``policykg serve``: a read-only SPARQL 1.1 Protocol endpoint and a query editor over the store.

``/sparql`` answers GET and POST (form or ``application/sparql-query``) as the
SPARQL 1.1 Protocol says, with SELECT/ASK results as JSON, CSV, TSV or XML and
CONSTRUCT/DESCRIBE results as Turtle, N-Triples, RDF/XML or JSON-LD, chosen by
the ``Accept`` header (or a ``format`` parameter). Every graph of the store is
in the default graph of queries. Updates are refused.

Queries run in worker processes that open the store read-only. The HTTP side
waits at most the time limit for an answer and then kills the worker (a
running pyoxigraph query cannot be interrupted otherwise) and starts a fresh
one, so a runaway query costs one worker for the length of the limit, never
the server. The caller may lower the time limit (``timeout``, seconds) and the
row limit (``max-rows``), never raise them past the server's settings.

The front page (``/``) is a query editor with the ready questions in a
picker; its assets are package data in ``policykg/static`` (nothing from a
CDN). ``/api/questions`` lists the ready questions, ``/api/questions/NAME``
gives one with its parameters bound as RDF terms.
"""

from __future__ import annotations

import contextlib
import json
import os
import queue
import re
import socket
import subprocess
import sys
import threading
import time
from dataclasses import asdict, dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pyoxigraph as ox

from policykg import __version__
from policykg.errors import QueryError, StoreError
from policykg.ontology.namespaces import DATA, PREFIXES, VOCAB
from policykg.queries.run import term_json

SELECT_TYPES = {
    "application/sparql-results+json": "json",
    "application/json": "json",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
    "application/sparql-results+xml": "xml",
    "application/xml": "xml",
    "text/xml": "xml",
}
GRAPH_TYPES = {
    "text/turtle": "turtle",
    "application/n-triples": "ntriples",
    "text/plain": "ntriples",
    "application/rdf+xml": "rdfxml",
    "application/ld+json": "jsonld",
}
# ?format= names, for links and for clients that cannot set Accept.
FORMAT_NAMES = {
    "json": ("application/sparql-results+json", None),
    "csv": ("text/csv", None),
    "tsv": ("text/tab-separated-values", None),
    "xml": ("application/sparql-results+xml", "application/rdf+xml"),
    "turtle": (None, "text/turtle"),
    "ttl": (None, "text/turtle"),
    "ntriples": (None, "application/n-triples"),
    "nt": (None, "application/n-triples"),
    "rdfxml": (None, "application/rdf+xml"),
    "jsonld": (None, "application/ld+json"),
}
_UPDATE = re.compile(
    r"^\s*(?:(?:BASE\s*<[^>]*>|PREFIX\s+[^\s:]*:\s*<[^>]*>)\s*)*"
    r"(?:INSERT|DELETE|LOAD|CLEAR|CREATE|DROP|COPY|MOVE|ADD|WITH)\b",
    re.IGNORECASE,
)
_COMMENT = re.compile(r"^\s*#.*$", re.MULTILINE)
_STATIC_NAME = re.compile(r"^[A-Za-z0-9_-]+\.(?:html|js|css|svg)$")
_STATIC_TYPES = {
    ".html": "text/html",
    ".js": "text/javascript",
    ".css": "text/css",
    ".svg": "image/svg+xml",
}
MAX_BODY = 10 * 1024 * 1024
READ_ONLY_MESSAGE = (
    "this SPARQL endpoint is read-only: SPARQL UPDATE (INSERT, DELETE, LOAD, CLEAR, DROP ...) is refused. "
    "Change the graph with `policykg build`."
)


# -- content negotiation ---------------------------------------------------------
def negotiate(accept: str | None, offers: list[str]) -> str | None:
    """The offer the ``Accept`` header likes best (offers earlier in the list win ties).

    No header, or ``*/*``, takes the first offer; ``None`` when nothing offered is acceptable.
    """
    if not accept or not accept.strip():
        return offers[0]
    ranges = []
    for part in accept.split(","):
        pieces = [p.strip() for p in part.split(";")]
        media = pieces[0].lower()
        if not media:
            continue
        q = 1.0
        for param in pieces[1:]:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        ranges.append((media, q))
    best, best_q = None, 0.0
    for offer in offers:
        kind = offer.split("/")[0]
        # the most specific matching range decides the offer's quality
        quality, specificity = None, -1
        for media, q in ranges:
            if media == offer:
                spec = 2
            elif media == f"{kind}/*":
                spec = 1
            elif media == "*/*":
                spec = 0
            else:
                continue
            if spec > specificity:
                quality, specificity = q, spec
        if quality is not None and quality > best_q:
            best, best_q = offer, quality
    return best


# -- the worker process -----------------------------------------------------------
@dataclass
class Job:
    """One query for a worker: text, dataset, wanted formats and the row limit."""

    query: str
    accept: str | None = None
    format: str | None = None  # a name of FORMAT_NAMES, given as ?format=, wins over Accept
    max_rows: int = 10_000
    default_graphs: list[str] = field(default_factory=list)
    named_graphs: list[str] = field(default_factory=list)


@dataclass
class Answer:
    """What a worker sends back: an HTTP status, a body and facts for the headers."""

    status: int
    content_type: str
    body: bytes
    rows: int | None = None
    truncated: bool = False


def _error(status: HTTPStatus, message: str) -> Answer:
    return Answer(int(status), "text/plain; charset=utf-8", (message + "\n").encode("utf-8"))


def execute(store: ox.Store, job: Job) -> Answer:
    """Run one query on an open pyoxigraph store and serialise the answer as asked."""
    # the project's prefixes are predeclared, as in `policykg sparql`; a query's own PREFIX wins
    options: dict[str, Any] = {"prefixes": PREFIXES}
    if job.default_graphs:
        options["default_graph"] = [ox.NamedNode(g) for g in job.default_graphs]
    else:
        options["use_default_graph_as_union"] = True
    if job.named_graphs:
        options["named_graphs"] = [ox.NamedNode(g) for g in job.named_graphs]
    try:
        results = store.query(job.query, **options)
    except SyntaxError as exc:
        if _UPDATE.match(_COMMENT.sub("", job.query)):
            return _error(HTTPStatus.FORBIDDEN, READ_ONLY_MESSAGE)
        return _error(HTTPStatus.BAD_REQUEST, f"SPARQL syntax error: {exc}")
    except (OSError, ValueError) as exc:
        return _error(HTTPStatus.BAD_REQUEST, f"cannot run the query: {exc}")
    try:
        if isinstance(results, ox.QueryTriples):
            return _graph_answer(results, job)
        return _results_answer(results, job)
    except (OSError, ValueError) as exc:
        return _error(HTTPStatus.INTERNAL_SERVER_ERROR, f"the query failed while running: {exc}")


def _results_answer(results: ox.QuerySolutions | ox.QueryBoolean, job: Job) -> Answer:
    offers = list(SELECT_TYPES)
    media = FORMAT_NAMES[job.format][0] if job.format else negotiate(job.accept, offers)
    if media is None:
        asked = f"format={job.format}" if job.format else f"Accept: {job.accept}"
        return _error(
            HTTPStatus.NOT_ACCEPTABLE,
            f"SELECT and ASK results come as one of: {', '.join(offers)} ({asked})",
        )
    kind = SELECT_TYPES[media]
    if isinstance(results, ox.QueryBoolean):
        doc: dict = {"head": {}, "boolean": bool(results)}
        rows, truncated = 1, False
    else:
        names = [v.value for v in results.variables]
        bindings = []
        truncated = False
        for solution in results:
            if len(bindings) >= job.max_rows:
                truncated = True
                break
            row = {}
            for name in names:
                term = solution[name]
                if term is not None:
                    row[name] = term_json(term)
            bindings.append(row)
        doc = {"head": {"vars": names}, "results": {"bindings": bindings}}
        rows = len(bindings)
    body = json.dumps(doc, ensure_ascii=False).encode("utf-8")
    if kind != "json":
        fmt = {"csv": ox.QueryResultsFormat.CSV, "tsv": ox.QueryResultsFormat.TSV}.get(
            kind, ox.QueryResultsFormat.XML
        )
        body = ox.parse_query_results(body, ox.QueryResultsFormat.JSON).serialize(format=fmt)
    charset = "; charset=utf-8"
    return Answer(200, media + charset, body, rows, truncated)


def _graph_answer(results: ox.QueryTriples, job: Job) -> Answer:
    offers = list(GRAPH_TYPES)
    media = FORMAT_NAMES[job.format][1] if job.format else negotiate(job.accept, offers)
    if media is None:
        asked = f"format={job.format}" if job.format else f"Accept: {job.accept}"
        return _error(
            HTTPStatus.NOT_ACCEPTABLE,
            f"CONSTRUCT and DESCRIBE results come as one of: {', '.join(offers)} ({asked})",
        )
    triples = []
    truncated = False
    for triple in results:
        if len(triples) >= job.max_rows:
            truncated = True
            break
        triples.append(triple)
    fmt = {
        "turtle": ox.RdfFormat.TURTLE,
        "ntriples": ox.RdfFormat.N_TRIPLES,
        "rdfxml": ox.RdfFormat.RDF_XML,
        "jsonld": ox.RdfFormat.JSON_LD,
    }[GRAPH_TYPES[media]]
    prefixes = PREFIXES if fmt is ox.RdfFormat.TURTLE else None
    body = ox.serialize(triples, format=fmt, prefixes=prefixes) or b""
    return Answer(200, media + "; charset=utf-8", body, len(triples), truncated)


def _signature(folder: Path) -> tuple:
    """What changes in the store's folder when a build writes to it."""
    try:
        return tuple(sorted((e.name, e.stat().st_mtime_ns, e.stat().st_size) for e in os.scandir(folder)))
    except OSError:
        return ()


def worker_main(store_path: str, fd: int) -> None:
    """A worker: open the store read-only, then answer jobs from the connection until it closes.

    A read-only store sees the database as it was when opened, so the worker
    opens it again when the folder has changed since (a build finished): a
    running server answers from the newest build. A database that another
    process is still rewriting may fail to open for a moment; the worker tries
    again, and meanwhile answers from what it had.
    """
    conn = Connection(fd)
    folder = Path(store_path)
    opened = _signature(folder)
    try:
        store = _open_read_only(store_path)
    except (OSError, RuntimeError) as exc:
        conn.send(("failed", f"{store_path}: cannot open the store ({exc})"))
        return
    conn.send(("ready", None))
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        now = _signature(folder)
        if now != opened:
            # being written: keep answering from the last good state, try again at the next query
            with contextlib.suppress(OSError, RuntimeError):
                store, opened = _open_read_only(store_path, attempts=1), now
        try:
            answer = execute(store, job)
        except RuntimeError as exc:  # files removed under a store opened before a rewrite
            answer = _error(
                HTTPStatus.SERVICE_UNAVAILABLE, f"the store is being rewritten; try again ({exc})"
            )
            opened = ()
        conn.send(("answer", answer))


def _open_read_only(path: str, attempts: int = 10) -> ox.Store:
    """Open the store read-only, trying again for a while if its files are changing."""
    for attempt in range(attempts):
        try:
            return ox.Store.read_only(path)
        except (OSError, RuntimeError):
            if attempt == attempts - 1:
                raise
            time.sleep(0.2)
    raise AssertionError("unreachable")


# The worker runs this module under its own name (not as __main__), so that
# the Job and Answer objects it unpickles and pickles are these classes.
_WORKER_MAIN = (
    "import sys; from policykg.server import worker_main; worker_main(sys.argv[1], int(sys.argv[2]))"
)


class Worker:
    """A worker process and our end of its connection."""

    def __init__(self, store_path: Path) -> None:
        ours, theirs = socket.socketpair()
        self.process = subprocess.Popen(
            [sys.executable, "-c", _WORKER_MAIN, str(store_path), str(theirs.fileno())],
            pass_fds=(theirs.fileno(),),
            stdin=subprocess.DEVNULL,
        )
        theirs.close()
        self.conn = Connection(ours.detach())
        self.ready = False

    def wait_ready(self, timeout: float) -> None:
        """Wait for the worker to open the store; StoreError if it cannot."""
        if self.ready:
            return
        if not self.conn.poll(timeout):
            self.kill()
            raise StoreError(f"a query worker did not start within {timeout:g} s")
        try:
            status, detail = self.conn.recv()
        except (EOFError, OSError) as exc:
            self.kill()
            raise StoreError("a query worker stopped while opening the store") from exc
        if status != "ready":
            self.kill()
            raise StoreError(detail)
        self.ready = True

    def run(self, job: Job, timeout: float) -> Answer | None:
        """The worker's answer, or None when it took longer than ``timeout`` (it is then killed)."""
        self.conn.send(job)
        if not self.conn.poll(timeout):
            self.kill()
            return None
        _kind, answer = self.conn.recv()
        return answer

    def kill(self) -> None:
        """Stop the worker process now."""
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        self.conn.close()


class WorkerPool:
    """Worker processes that answer queries, each one query at a time."""

    def __init__(self, store_path: Path, size: int) -> None:
        self.store_path = store_path
        self.idle: queue.Queue[Worker] = queue.Queue()
        self.lock = threading.Lock()
        self.workers: list[Worker] = []
        for _ in range(max(1, size)):
            self._add()
        first = self.idle.get()
        try:
            first.wait_ready(60)  # a store that cannot be opened fails here, before serving
        except StoreError:
            self.close()
            raise
        self.idle.put(first)

    def _add(self) -> None:
        worker = Worker(self.store_path)
        with self.lock:
            self.workers.append(worker)
        self.idle.put(worker)

    def run(self, job: Job, timeout: float) -> Answer:
        """Answer ``job`` within ``timeout`` seconds (waiting for a free worker counts)."""
        started = time.monotonic()
        try:
            worker = self.idle.get(timeout=timeout)
        except queue.Empty:
            return _error(HTTPStatus.SERVICE_UNAVAILABLE, "every query worker stayed busy; try again")
        try:
            worker.wait_ready(60)
            answer = worker.run(job, max(0.001, timeout - (time.monotonic() - started)))
        except (EOFError, OSError, StoreError) as exc:
            self._replace(worker)
            return _error(HTTPStatus.INTERNAL_SERVER_ERROR, f"the query worker failed ({exc})")
        if answer is None:
            self._replace(worker)
            return _error(
                HTTPStatus.SERVICE_UNAVAILABLE,
                f"the query was stopped after the time limit of {timeout:g} s",
            )
        self.idle.put(worker)
        return answer

    def _replace(self, worker: Worker) -> None:
        worker.kill()
        with self.lock:
            self.workers.remove(worker)
        self._add()

    def close(self) -> None:
        """Stop every worker."""
        with self.lock:
            workers, self.workers = self.workers, []
        for worker in workers:
            worker.kill()


# -- HTTP ----------------------------------------------------------------------------
@dataclass(frozen=True)
class Settings:
    """What the server allows: the time and row limits callers may lower but not raise."""

    store: Path
    host: str = "127.0.0.1"
    port: int = 7879
    timeout: float = 30.0
    max_rows: int = 10_000
    workers: int = 2


def static_dir() -> Path:
    """The query editor's assets, shipped as package data."""
    return Path(str(resources.files("policykg") / "static"))


def questions_json() -> list[dict]:
    """Every ready question for the editor's picker."""
    from policykg.queries.library import ready_queries

    out = []
    for q in ready_queries().values():
        out.append(
            {
                "name": q.name,
                "title": q.title,
                "description": q.description,
                "params": [asdict(p) for p in q.params],
                "examples": list(q.examples),
                "network": dict(q.network),
                "sparql": q.sparql,
            }
        )
    return out


def bound_question(name: str, values: dict[str, str]) -> dict:
    """One ready question with its parameters bound as RDF terms in the text."""
    from policykg.graph.binding import substitute
    from policykg.queries.library import get_query
    from policykg.queries.run import bind_params

    query = get_query(name)
    return {"name": name, "sparql": substitute(query.sparql, bind_params(query, values))}


def service_description(endpoint: str, settings: Settings) -> bytes:
    """A SPARQL 1.1 Service Description of the endpoint, in Turtle."""
    names = ("SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "SPARQL_Results_TSV")
    names += ("Turtle", "N-Triples", "RDF_XML", "JSON-LD")
    formats = ", ".join(f"<http://www.w3.org/ns/formats/{n}>" for n in names)
    text = f"""@prefix sd: <http://www.w3.org/ns/sparql-service-description#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
<{endpoint}> a sd:Service ;
  sd:endpoint <{endpoint}> ;
  sd:supportedLanguage sd:SPARQL11Query ;
  sd:feature sd:UnionDefaultGraph ;
  sd:resultFormat {formats} ;
  dcterms:description "policykg {__version__}: read-only; time limit {settings.timeout:g} s, at most {settings.max_rows} rows per answer; every graph is in the default graph." .
"""
    return text.encode("utf-8")


class Handler(BaseHTTPRequestHandler):
    """The routes: ``/sparql``, ``/``, ``/static/*``, ``/api/questions``."""

    server: PolicyKGServer
    protocol_version = "HTTP/1.1"
    server_version = f"policykg/{__version__}"

    def log_message(self, format: str, *args: Any) -> None:
        if not self.server.quiet:
            super().log_message(format, *args)

    # -- plumbing --
    def send(
        self, status: int, content_type: str, body: bytes, headers: dict[str, str] | None = None
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Content-Type-Options", "nosniff")
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def send_text(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        self.send(status, "text/plain; charset=utf-8", (message + "\n").encode("utf-8"), headers)

    def send_json(self, status: int, doc: Any) -> None:
        self.send(status, "application/json; charset=utf-8", json.dumps(doc, ensure_ascii=False).encode())

    def read_body(self) -> bytes | None:
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            self.send_text(
                HTTPStatus.REQUEST_ENTITY_TOO_LARGE, f"request bodies are limited to {MAX_BODY} bytes"
            )
            return None
        return self.rfile.read(length) if length else b""

    # -- methods --
    def do_GET(self) -> None:
        self.route(None)

    def do_HEAD(self) -> None:
        self.route(None)

    def do_POST(self) -> None:
        body = self.read_body()
        if body is not None:
            self.route(body)

    def _refuse_method(self) -> None:
        self.send_text(
            HTTPStatus.METHOD_NOT_ALLOWED, "this endpoint only answers GET and POST", {"Allow": "GET, POST"}
        )

    do_PUT = do_DELETE = do_PATCH = _refuse_method

    def route(self, body: bytes | None) -> None:
        try:
            self.dispatch(body)
        except (ConnectionError, TimeoutError):
            pass  # the client went away
        except Exception as exc:  # one failed request must not look like a hung server
            self.log_error("failed: %r", exc)
            self.send_text(HTTPStatus.INTERNAL_SERVER_ERROR, f"internal error: {exc}")

    def dispatch(self, body: bytes | None) -> None:
        url = urlsplit(self.path)
        args = parse_qs(url.query, keep_blank_values=True)
        path = url.path
        if path == "/sparql":
            self.sparql(args, body)
        elif path in {"/", "/index.html"}:
            self.static("index.html")
        elif path.startswith("/static/"):
            self.static(path[len("/static/") :])
        elif path == "/api/questions":
            self.send_json(200, questions_json())
        elif path == "/api/prefixes":
            self.send_json(200, {**PREFIXES, "id": DATA, "vocab": VOCAB})
        elif path.startswith("/api/questions/"):
            name = path[len("/api/questions/") :]
            values = {k: v[-1] for k, v in args.items()}
            try:
                self.send_json(200, bound_question(name, values))
            except QueryError as exc:
                self.send_json(HTTPStatus.BAD_REQUEST, {"error": str(exc)})
        else:
            self.send_text(HTTPStatus.NOT_FOUND, f"nothing at {path}; the SPARQL endpoint is /sparql")

    def static(self, name: str) -> None:
        path = static_dir() / name
        if not _STATIC_NAME.match(name) or not path.is_file():
            self.send_text(HTTPStatus.NOT_FOUND, f"no such file: {name}")
            return
        ctype = _STATIC_TYPES[path.suffix] + "; charset=utf-8"
        self.send(200, ctype, path.read_bytes(), {"Cache-Control": "no-cache"})

    # -- the SPARQL 1.1 Protocol --
    def sparql(self, args: dict[str, list[str]], body: bytes | None) -> None:
        ctype = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if body is not None:
            if ctype == "application/x-www-form-urlencoded":
                for key, values in parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True).items():
                    args.setdefault(key, []).extend(values)
            elif ctype == "application/sparql-query":
                args["query"] = [body.decode("utf-8", "replace")]
            elif ctype == "application/sparql-update":
                self.send_text(HTTPStatus.FORBIDDEN, READ_ONLY_MESSAGE)
                return
            else:
                self.send_text(
                    HTTPStatus.UNSUPPORTED_MEDIA_TYPE,
                    "POST a query as application/x-www-form-urlencoded (query=...) "
                    "or as application/sparql-query",
                )
                return
        if "update" in args:
            self.send_text(HTTPStatus.FORBIDDEN, READ_ONLY_MESSAGE)
            return
        queries = args.get("query", [])
        if not queries:
            endpoint = f"http://{self.headers.get('Host') or 'localhost'}/sparql"
            if negotiate(self.headers.get("Accept"), ["text/turtle", "text/html"]) == "text/html":
                self.send_text(HTTPStatus.BAD_REQUEST, "no query: send ?query=... (the query editor is at /)")
            else:
                self.send(
                    200, "text/turtle; charset=utf-8", service_description(endpoint, self.server.settings)
                )
            return
        if len(queries) > 1:
            self.send_text(HTTPStatus.BAD_REQUEST, "send exactly one query parameter")
            return
        try:
            timeout, max_rows, fmt = self.limits_and_format(args)
        except ValueError as exc:
            self.send_text(HTTPStatus.BAD_REQUEST, str(exc))
            return
        job = Job(
            query=queries[0],
            accept=self.headers.get("Accept"),
            format=fmt,
            max_rows=max_rows,
            default_graphs=args.get("default-graph-uri", []),
            named_graphs=args.get("named-graph-uri", []),
        )
        answer = self.server.pool.run(job, timeout)
        headers = {
            "PolicyKG-Timeout": f"{timeout:g}",
            "PolicyKG-Max-Rows": str(max_rows),
        }
        if answer.rows is not None:
            headers["PolicyKG-Rows"] = str(answer.rows)
            headers["PolicyKG-Truncated"] = "true" if answer.truncated else "false"
        self.send(answer.status, answer.content_type, answer.body, headers)

    def limits_and_format(self, args: dict[str, list[str]]) -> tuple[float, int, str | None]:
        """The caller's limits, capped by the server's, and a forced format if asked."""
        settings = self.server.settings
        timeout, max_rows = settings.timeout, settings.max_rows
        if values := args.get("timeout"):
            try:
                asked = float(values[-1])
            except ValueError:
                raise ValueError(f"timeout must be a number of seconds, not {values[-1]!r}") from None
            if not asked > 0:
                raise ValueError("timeout must be more than 0 seconds")
            timeout = min(timeout, asked)
        if values := args.get("max-rows"):
            try:
                asked_rows = int(values[-1])
            except ValueError:
                raise ValueError(f"max-rows must be a whole number, not {values[-1]!r}") from None
            if asked_rows < 0:
                raise ValueError("max-rows must be 0 or more")
            max_rows = min(max_rows, asked_rows)
        fmt = None
        if values := (args.get("format") or args.get("output")):
            fmt = values[-1].lower()
            if fmt not in FORMAT_NAMES:
                raise ValueError(f"unknown format {fmt!r} (use one of {', '.join(FORMAT_NAMES)})")
        return timeout, max_rows, fmt


class PolicyKGServer(ThreadingHTTPServer):
    """The HTTP server with its settings and worker pool."""

    daemon_threads = True

    def __init__(self, settings: Settings, *, quiet: bool = False) -> None:
        self.settings = settings
        self.quiet = quiet
        self.pool = WorkerPool(settings.store, settings.workers)
        try:
            super().__init__((settings.host, settings.port), Handler)
        except OSError as exc:
            self.pool.close()
            raise StoreError(f"cannot listen on {settings.host}:{settings.port} ({exc.strerror})") from exc

    def server_close(self) -> None:
        super().server_close()
        self.pool.close()


def check_store(path: Path) -> None:
    """A clear error for a folder that holds no store."""
    if not path.is_dir() or not any(path.iterdir()):
        raise StoreError(f"{path}: no store here (run `policykg build` first)")


def run(settings: Settings, *, quiet: bool = False, announce=print) -> None:
    """Serve until interrupted."""
    check_store(settings.store)
    server = PolicyKGServer(settings, quiet=quiet)
    host, port = server.server_address[:2]
    shown = f"[{host}]" if ":" in str(host) else host
    announce(f"policykg serve: http://{shown}:{port}/  (SPARQL endpoint: http://{shown}:{port}/sparql)")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
