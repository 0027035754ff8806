"""The whole chain for a set of files: read → extract → RDF → store.

Extraction runs in worker processes; the store is written by this process
alone, one document per transaction, so a failed or killed build leaves each
document either as it was or fully replaced. A file whose bytes, extractor
version and vocabulary version are unchanged since the last build is skipped.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from pyoxigraph import Literal, NamedNode, Quad

from policykg.errors import InputError, PolicyKGError
from policykg.graph import iris
from policykg.graph.build import DocumentGraph, document_quads
from policykg.graph.store import Store
from policykg.loaders.extract import EXTRACTOR_VERSION, extract
from policykg.loaders.read import read_document
from policykg.ontology.namespaces import PKG
from policykg.ontology.vocab import vocabulary_version

SUPPORTED_SUFFIXES = (".txt",)


@dataclass
class BuildReport:
    """What a build did, file by file."""

    built: list[Path] = field(default_factory=list)
    skipped: list[Path] = field(default_factory=list)  # unchanged since the last build
    failed: list[tuple[Path, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failed

    def summary(self) -> str:
        return f"{len(self.built)} built, {len(self.skipped)} unchanged, {len(self.failed)} failed"


def collect_files(paths: Iterable[Path]) -> tuple[list[Path], list[tuple[Path, str]]]:
    """Files to build from files and folders (walked recursively), and paths that do not exist."""
    files: list[Path] = []
    missing: list[tuple[Path, str]] = []
    for path in paths:
        if path.is_dir():
            files.extend(
                sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES)
            )
        elif path.exists():
            files.append(path)
        else:
            missing.append((path, "no such file or folder"))
    return list(dict.fromkeys(files)), missing


def build_version() -> str:
    """What a stored document must have been built with to count as unchanged."""
    return f"{EXTRACTOR_VERSION}+{vocabulary_version()}"


def file_checksum(path: Path) -> str:
    """sha256 of a file's bytes, as the reader computes it."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def process_file(path: Path) -> DocumentGraph:
    """Read, extract and turn one file into RDF (runs in a worker process)."""
    document = read_document(path)
    if document.metadata.region is None:
        raise InputError(path, "no recognisable region (name the place in a manifest)")
    facts = extract(document)
    return document_quads(facts)


def _safe_process(path: Path) -> tuple[Path, DocumentGraph | None, str | None]:
    try:
        return path, process_file(path), None
    except InputError as exc:
        return path, None, exc.problem
    except PolicyKGError as exc:
        return path, None, str(exc)
    except Exception as exc:  # an extractor bug must not stop the other files
        return path, None, f"internal error while extracting ({type(exc).__name__}: {exc})"


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
    on_progress: Callable[[Path, str], None] | None = None,
) -> BuildReport:
    """Build the given files and folders into ``store``.

    ``workers`` extraction processes (default: every core; 1 runs in this
    process). ``on_progress(path, outcome)`` is called once per file with
    outcome ``built``, ``unchanged`` or ``failed``.
    """
    report = BuildReport()
    files, missing = collect_files(paths)
    report.failed.extend(missing)
    store.ensure_ontology()
    version = build_version()
    todo: list[Path] = []
    seen_keys: dict[str, Path] = {}
    for path in files:
        key = iris.document_key(path.stem)
        if key in seen_keys:
            report.failed.append((path, f"same document key {key!r} as {seen_keys[key]}: rename one of them"))
            continue
        seen_keys[key] = path
        if not force and _stored_state(store, iris.document_iri(key)) == (file_checksum(path), version):
            report.skipped.append(path)
            if on_progress:
                on_progress(path, "unchanged")
            continue
        todo.append(path)

    for path, graph, problem in _run(todo, workers):
        if graph is None:
            report.failed.append((path, problem or "failed"))
            outcome = "failed"
        else:
            graph.quads.append(_build_version_quad(graph, version))
            store.replace_document(graph)
            report.built.append(path)
            outcome = "built"
        if on_progress:
            on_progress(path, outcome)
    store.flush()
    return report


def _build_version_quad(graph: DocumentGraph, version: str) -> Quad:
    node = NamedNode(graph.iri)
    return Quad(node, NamedNode(PKG + "buildVersion"), Literal(version), node)


def _run(paths: list[Path], workers: int | None) -> Iterator[tuple[Path, DocumentGraph | None, str | None]]:
    workers = workers or os.cpu_count() or 1
    if workers == 1 or len(paths) <= 1:
        yield from map(_safe_process, paths)
        return
    with ProcessPoolExecutor(max_workers=workers) as pool:
        # chunks keep the pickling overhead low; map keeps the input order and streams results
        yield from pool.map(_safe_process, paths, chunksize=max(1, min(32, len(paths) // (workers * 4) or 1)))
