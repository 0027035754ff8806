"""The whole chain for a set of files: read → extract → RDF → validate → store.

Folders are walked recursively for every format policykg reads (text, web
pages, PDF, Word); a ``manifest.csv`` at a folder's root, or one named with
``manifest=``, supplies or overrides metadata. Extraction and SHACL
validation run in worker processes, and so does inference: the worker that
makes a document's graph derives what the ontology's rules entail from it
(``graph.infer.infer_document``), which the store writes into the document's
inferred graph together with the document. The store is written by this
process alone: a document already stored is replaced in one transaction (its
inferences with it), new ones are bulk-loaded fifty at a time
(``Store.add_new_documents``), so a failed or killed build leaves each
document and its inferences either as they were or complete, and a file is
reported built only once it is on disk. What the shared places and ontology
graphs entail is computed once at the end (``graph.infer.materialise``), and
so are the corpus totals when any document changed (``graph.totals.refresh``). A
file whose bytes, manifest row, extractor, RDF, vocabulary and rules versions
are unchanged since the last build is skipped, and so is a second file with
the same bytes as one already in the build.
"""

from __future__ import annotations

import hashlib
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from pyoxigraph import Literal, NamedNode, Quad

from policykg.errors import InputError, PolicyKGError
from policykg.graph import iris, totals
from policykg.graph.build import GRAPH_VERSION, DocumentGraph, document_quads
from policykg.graph.infer import infer_document, materialise
from policykg.graph.store import Store
from policykg.loaders.extract import EXTRACTOR_VERSION, extract
from policykg.loaders.formats import SUPPORTED_SUFFIXES, UNSUPPORTED
from policykg.loaders.manifest import MANIFEST_NAME, Entry, Manifest, read_manifest
from policykg.loaders.read import MAX_BYTES, read_document
from policykg.ontology.namespaces import PKG
from policykg.ontology.rules import rules_digest
from policykg.ontology.vocab import vocabulary_version

# Documents written between two flushes of the store. Unflushed, RocksDB's write buffers grew
# to 2.2 GiB over 600 plans; flushed every 100 the build peaked at 0.7 GiB for the same CPU time.
FLUSH_EVERY = 100
# New documents bulk-loaded together: about 2.5x cheaper per quad than a transaction each;
# 50 plans are some 300,000 quads, which the loader holds in memory while it sorts them.
BULK_DOCUMENTS = 50

__all__ = ["SUPPORTED_SUFFIXES", "BuildReport", "build", "collect_files", "gather"]


@dataclass
class BuildReport:
    """What a build did, file by file."""

    built: list[Path] = field(default_factory=list)
    skipped: list[Path] = field(default_factory=list)  # unchanged since the last build
    failed: list[tuple[Path, str]] = field(default_factory=list)
    duplicates: list[tuple[Path, Path]] = field(default_factory=list)  # (file, the file with its bytes)
    unsupported: list[tuple[Path, str]] = field(default_factory=list)  # found in a folder, not readable
    violations: dict[Path, int] = field(default_factory=dict)  # SHACL violations of each file built
    validated: int = 0  # documents validated
    not_validated: list[tuple[Path, str]] = field(default_factory=list)  # built, but the validator failed
    # the seconds the corpus totals took to recompute at the end, or None if they were current
    totals_seconds: float | None = None

    @property
    def ok(self) -> bool:
        return not self.failed

    def summary(self) -> str:
        """``3 built, 2 skipped (1 unchanged, 1 duplicate), 1 failed``, and the SHACL count."""
        kinds = [
            (len(self.skipped), "unchanged"),
            (len(self.duplicates), "duplicate"),
            (len(self.unsupported), "unsupported format"),
        ]
        skipped = sum(n for n, _ in kinds)
        detail = ", ".join(f"{n} {kind}" for n, kind in kinds if n)
        text = f"{len(self.built)} built, {skipped} skipped{f' ({detail})' if detail else ''}, {len(self.failed)} failed"
        if self.validated:
            total = sum(self.violations.values())
            documents = sum(1 for n in self.violations.values() if n)
            text += (
                f"; SHACL: {total} violation{'s' * (total != 1)} in {documents} "
                f"document{'s' * (documents != 1)} (details: policykg validate)"
                if total
                else "; SHACL: every document conforms"
            )
        return text


@dataclass
class Collected:
    """What a walk over files and folders found."""

    files: list[Path] = field(default_factory=list)
    missing: list[tuple[Path, str]] = field(default_factory=list)
    unsupported: list[tuple[Path, str]] = field(default_factory=list)  # in folders: skipped with a note
    manifests: list[Path] = field(default_factory=list)  # manifest.csv at the root of a folder


def gather(paths: Iterable[Path]) -> Collected:
    """Files to build from files and folders (walked recursively), with what was left out and why.

    A file named on its own is always tried (its content decides how it is
    read). In a folder: files of the supported suffixes; documents of formats
    policykg cannot read are noted; hidden files, Office lock files (``~$…``),
    the ``__MACOSX`` folder of an archive made on a Mac and the ``…_files``
    folder a browser saves next to a page are passed over.
    """
    found = Collected()
    for path in map(Path, paths):
        if path.is_dir():
            if (path / MANIFEST_NAME).is_file():
                found.manifests.append(path / MANIFEST_NAME)
            for file in _walk(path):
                suffix = file.suffix.lower()
                if suffix in SUPPORTED_SUFFIXES:
                    found.files.append(file)
                elif suffix in UNSUPPORTED:
                    found.unsupported.append((file, f"unsupported format: {UNSUPPORTED[suffix]}"))
        elif path.exists():
            found.files.append(path)
        else:
            found.missing.append((path, "no such file or folder"))
    found.files = list(dict.fromkeys(found.files))
    return found


def _walk(folder: Path) -> list[Path]:
    out: list[Path] = []
    for root, dirs, files in os.walk(folder):
        here = Path(root)
        pages = {
            Path(f).stem for f in files if Path(f).suffix.lower() in (".htm", ".html", ".shtml", ".xhtml")
        }
        # a browser's "complete page" save: page.html + page_files/ (scripts, images, iframes)
        dirs[:] = sorted(
            d
            for d in dirs
            if not d.startswith(".")
            and d != "__MACOSX"
            and not (d.endswith("_files") and d[: -len("_files")] in pages)
        )
        out.extend(here / f for f in sorted(files) if not f.startswith((".", "~$")))
    return out


def collect_files(paths: Iterable[Path]) -> tuple[list[Path], list[tuple[Path, str]]]:
    """Files to build from files and folders (walked recursively), and paths that do not exist."""
    found = gather(paths)
    return found.files, found.missing


def load_manifests(found: Collected, manifest: Path | None) -> tuple[Manifest, list[tuple[Path, str]]]:
    """The folders' manifests, then the one named (whose rows win), and the problems of each."""
    combined = Manifest()
    failed: list[tuple[Path, str]] = []
    for path in [*found.manifests, *([Path(manifest)] if manifest else [])]:
        try:
            combined.update(read_manifest(path))
        except InputError as exc:
            failed.append((exc.path, exc.problem))
    failed.extend(combined.problems)
    return combined, failed


def build_version() -> str:
    """What a stored document must have been built with to count as unchanged: extractor, RDF,
    vocabularies and the rules (a document's inferred graph is part of what its build wrote)."""
    return f"{EXTRACTOR_VERSION}+{GRAPH_VERSION}+{vocabulary_version()}+rules-{rules_digest()}"


def file_checksum(path: Path) -> str:
    """sha256 of a file's bytes, as the reader computes it."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def process_file(path: Path, entry: Entry | None = None) -> DocumentGraph:
    """Read, extract and turn one file into RDF (runs in a worker process); ``entry``: its manifest row."""
    return _process(path, entry)[0]


def _process(path: Path, entry: Entry | None) -> tuple[DocumentGraph, str, str]:
    """The document's graph, a digest of its text in simplified characters (same text, same digest),
    and what the rules derive from the graph (N-Triples, the content of its inferred graph)."""
    document = read_document(
        path, entry.overrides if entry else None, overrides_from=entry.where if entry else None
    )
    if document.metadata.region is None:
        raise InputError(path, "no recognisable region (name the place in a manifest: region column)")
    if not document.metadata.years:
        raise InputError(path, "no recognisable year (give it in a manifest: year column)")
    digest = hashlib.sha256(document.norm.encode("utf-8")).hexdigest()
    graph = document_quads(extract(document))
    return graph, digest, infer_document(graph)


Job = tuple[Path, Entry | None, bool]  # a file, its manifest row, whether to validate it


@dataclass
class Outcome:
    """What a worker made of one file."""

    path: Path
    graph: DocumentGraph | None = None
    problem: str | None = None
    text_digest: str | None = None
    inferred: str = ""  # what the rules derive from the graph, as N-Triples
    violations: int | None = None  # None: not validated
    validator_error: str | None = None


def _safe_process(job: Job) -> Outcome:
    path, entry, validate = job
    try:
        graph, digest, inferred = _process(path, entry)
    except InputError as exc:
        return Outcome(path, problem=exc.problem)
    except PolicyKGError as exc:
        return Outcome(path, problem=str(exc))
    except Exception as exc:  # an extractor bug must not stop the other files
        return Outcome(path, problem=f"internal error while extracting ({type(exc).__name__}: {exc})")
    outcome = Outcome(path, graph, text_digest=digest, inferred=inferred)
    if validate:
        from policykg.graph.validate import validate_graph  # pyshacl is loaded only where it is used

        try:
            outcome.violations = len(validate_graph(graph))
        except Exception as exc:  # a validator failure must not lose a document that was read
            outcome.validator_error = f"{type(exc).__name__}: {exc}"
    return outcome


def _stored_state(store: Store, doc_iri: str) -> tuple[str | None, str | None]:
    """Checksum and build version of a document as stored, or (None, None)."""
    rows = store.select(
        f"SELECT ?sum ?ver WHERE {{ GRAPH ?d {{ ?d <{PKG}checksum> ?sum ; <{PKG}buildVersion> ?ver }} }}",
        {"d": NamedNode(doc_iri)},
    )[1]
    if not rows:
        return None, None
    return rows[0]["sum"]["value"], rows[0]["ver"]["value"]


def build(
    paths: Iterable[Path],
    store: Store,
    *,
    workers: int | None = None,
    force: bool = False,
    manifest: Path | None = None,
    validate: bool = True,
    infer: bool = True,
    optimize: bool = False,
    on_progress: Callable[[Path, str], None] | None = None,
    on_step: Callable[[str], None] | None = None,
) -> BuildReport:
    """Build the given files and folders into ``store``.

    ``manifest``: a CSV of metadata (``loaders.manifest``), on top of any
    ``manifest.csv`` at a folder's root; with no ``paths``, the files it lists
    are built. ``workers`` extraction processes beside this one, which writes
    the store (default: every core; 0 extracts in this process too, as does a
    build of one file). ``validate`` counts each document's SHACL violations.
    Each document is stored with its inferred graph, made by the worker; ``infer``
    also brings the shared inferred graph (what the places and ontology entail)
    up to date at the end; ``optimize`` compacts the store after everything
    (``Store.optimize``).
    ``on_progress(path, outcome)`` is called once per file with outcome
    ``built``, ``unchanged``, ``duplicate`` or ``failed``; ``on_step(what)``
    when the work after the last file starts (``inferring``, ``totals``, ``optimize``), which
    takes tens of seconds on thousands of documents.
    """
    report = BuildReport()
    paths = list(paths)
    found = gather(paths)
    manifests, problems = load_manifests(found, manifest)
    if not paths:
        found.files = [entry.path for entry in manifests.entries.values()]
    report.failed.extend(found.missing + problems)
    report.unsupported.extend(found.unsupported)
    store.recover()  # documents a killed bulk load left incomplete were not there before it
    store.ensure_ontology()
    version = build_version()
    todo: list[Job] = []
    versions: dict[Path, str] = {}
    seen_keys: dict[str, Path] = {}
    seen_content: dict[tuple[str, str], Path] = {}
    for path in found.files:
        entry = manifests.get(path)
        versions[path] = version + (
            f"+manifest:{hashlib.sha256(entry.digest().encode()).hexdigest()[:16]}" if entry else ""
        )
        checksum = _checksum(path)
        if checksum is not None:
            content = (checksum, versions[path])
            if content in seen_content:
                _drop_duplicate(store, path)
                report.duplicates.append((path, seen_content[content]))
                if on_progress:
                    on_progress(path, "duplicate")
                continue
            seen_content[content] = path
        key = iris.document_key(path.stem)
        if key in seen_keys:
            report.failed.append((path, f"same document key {key!r} as {seen_keys[key]}: rename one of them"))
            continue
        seen_keys[key] = path
        if (
            not force
            and checksum
            and _stored_state(store, iris.document_iri(key)) == (checksum, versions[path])
        ):
            report.skipped.append(path)
            if on_progress:
                on_progress(path, "unchanged")
            continue
        todo.append((path, entry, validate))

    texts: dict[tuple[str, str], Path] = {}
    new: list[tuple[Outcome, DocumentGraph]] = []  # new documents waiting for their bulk load
    written = 0

    def built(done: Outcome) -> None:
        report.built.append(done.path)
        if done.violations is not None:
            report.validated += 1
            report.violations[done.path] = done.violations
        if done.validator_error:
            report.not_validated.append((done.path, done.validator_error))
        if on_progress:
            on_progress(done.path, "built")

    def load_new() -> None:
        store.add_new_documents([graph for _, graph in new], [done.inferred for done, _ in new])
        for done, _ in new:
            built(done)
        new.clear()

    for done in _run(todo, workers):
        path, graph = done.path, done.graph
        same = texts.get((done.text_digest or "", versions[path]))
        if graph is None:
            report.failed.append((path, done.problem or "failed"))
        elif same is not None:  # the same text as a file already built (another encoding, script or format)
            _drop_duplicate(store, path)
            report.duplicates.append((path, same))
        else:
            texts[(done.text_digest or "", versions[path])] = path
            graph.add(_build_version_quad(graph, versions[path]))
            if store.has_document(graph.iri):
                store.replace_document(graph, done.inferred)
                built(done)
                written += 1
                if written % FLUSH_EVERY == 0:
                    store.flush()  # RocksDB keeps every write buffered in memory until it flushes
            else:
                new.append((done, graph))
                if len(new) >= BULK_DOCUMENTS:
                    load_new()
            continue
        if on_progress:
            on_progress(path, "failed" if graph is None else "duplicate")
    load_new()
    step = on_step or (lambda what: None)
    if infer:
        step("inferring")
        # What the places and ontology entail (regions within regions …), in the shared inferred
        # graph, replaced in one transaction; skipped when neither has changed.
        materialise(store)
    # The corpus totals, when any document was written or dropped (or they are of an older build).
    if not totals.current(store):
        step("totals")
        report.totals_seconds = totals.refresh(store).seconds
    store.flush()
    if optimize:
        step("optimize")
        store.optimize()
    return report


def _drop_duplicate(store: Store, path: Path) -> None:
    """A duplicate has no graph of its own: drop the one an earlier build may have given it."""
    store.remove_document(iris.document_iri(iris.document_key(path.stem)))


def _checksum(path: Path) -> str | None:
    """The file's checksum, or None when the reader will refuse it anyway (unreadable, far too large)."""
    try:
        if path.stat().st_size > MAX_BYTES:
            return None
        return file_checksum(path)
    except OSError:
        return None


def _build_version_quad(graph: DocumentGraph, version: str) -> Quad:
    node = NamedNode(graph.iri)
    return Quad(node, NamedNode(PKG + "buildVersion"), Literal(version), node)


def _process_batch(jobs: list[Job]) -> list[Outcome]:
    return [_safe_process(job) for job in jobs]


def _run(jobs: list[Job], workers: int | None) -> Iterator[Outcome]:
    """Each job's outcome, in the order of ``jobs``, from ``workers`` processes.

    One worker is a process too: this one writes the store meanwhile, which
    costs about as much CPU as extracting, so the two overlap. ``workers=0``
    (or a single job) runs everything here, one file after another: for
    debugging and profiling, and where a pool costs more than it saves.

    Streams: a bounded number of batches of a few files are in flight, so
    finished graphs wait in a bounded queue instead of piling up for the whole
    corpus (``Executor.map`` submits everything at once and keeps every
    result): enough for a bulk load's worth of files, so that the workers keep
    extracting while this process loads the last batch into the store.
    """
    workers = (os.cpu_count() or 1) if workers is None else workers
    if workers < 1 or len(jobs) <= 1:
        yield from map(_safe_process, jobs)
        return
    size = max(1, min(8, len(jobs) // (workers * 8)))  # a few files per task: less pickling, still balanced
    batches = (jobs[i : i + size] for i in range(0, len(jobs), size))
    in_flight = max(2 * workers, -(-BULK_DOCUMENTS // size))
    with ProcessPoolExecutor(max_workers=min(workers, len(jobs))) as pool:
        pending: deque[Future[list[Outcome]]] = deque()
        for batch in batches:
            pending.append(pool.submit(_process_batch, batch))
            if len(pending) >= in_flight:
                yield from pending.popleft().result()
        while pending:
            yield from pending.popleft().result()
