"""``policykg build``: files in, one named graph per document in the store."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

from policykg.cli import app
from policykg.commands._options import StoreOption, show_progress, store_path
from policykg.config import bundled_corpus

if TYPE_CHECKING:
    from policykg.pipeline import BuildReport

err = Console(stderr=True, highlight=False)
# What a build does after its last file, as the progress bar and --verbose show it.
STEPS = {
    "inferring": "what the places entail",
    "totals": "summing the corpus totals",
    "optimize": "compacting the store",
}


def run_build(
    paths: list[Path],
    store: Path,
    *,
    workers: int | None,
    force: bool,
    quiet: bool,
    manifest: Path | None = None,
    validate: bool = True,
    verbose: bool = False,
    optimize: bool = False,
) -> BuildReport:
    """Build with a progress bar (documents per second, time left) and a summary on stderr.

    Every file that failed gets one line naming it and the problem; files left
    out (duplicates, formats policykg cannot read) one ``note:`` line each
    unless ``quiet``; ``verbose`` prints every file's outcome as it happens.
    ``optimize`` compacts the store at the end (``pipeline.build``).
    """
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from policykg.graph.store import Store
    from policykg.loaders.formats import SUPPORTED_SUFFIXES
    from policykg.pipeline import build, gather

    db = Store(store)

    def echo(path: Path, outcome: str) -> None:
        typer.echo(f"{outcome}: {path}", err=True)

    def say(what: str) -> None:
        typer.echo(f"{STEPS[what]} …", err=True)

    if show_progress(quiet) and not verbose:
        found = gather(paths)
        columns = (
            TextColumn("building"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[rate]}"),
            TimeRemainingColumn(),
        )
        with Progress(*columns, console=err, transient=True) as progress:
            task = progress.add_task("build", total=len(found.files) or None, rate="")

            def tick(path: Path, outcome: str) -> None:
                progress.advance(task)
                speed = progress.tasks[0].speed
                progress.update(task, rate=f"{speed:6.1f} docs/s" if speed else "")

            def step(what: str) -> None:
                progress.update(task, rate=STEPS[what] + " …")

            report = build(
                paths,
                db,
                workers=workers,
                force=force,
                manifest=manifest,
                validate=validate,
                optimize=optimize,
                on_progress=tick,
                on_step=step,
            )
    else:
        report = build(
            paths,
            db,
            workers=workers,
            force=force,
            manifest=manifest,
            validate=validate,
            optimize=optimize,
            on_progress=echo if verbose else None,
            on_step=say if verbose else None,
        )
    for path, problem in report.failed:
        typer.echo(f"error: {path}: {problem}", err=True)
    if not quiet:
        for path, same in report.duplicates:
            typer.echo(f"note: {path}: same content as {same} (built once)", err=True)
        for path, problem in report.unsupported:
            typer.echo(f"note: {path}: skipped, {problem}", err=True)
        for path, problem in report.not_validated:
            typer.echo(f"warning: {path}: built, but SHACL validation failed ({problem})", err=True)
    nothing = not (report.built or report.skipped or report.failed or report.duplicates or report.unsupported)
    if nothing and not quiet:
        typer.echo(f"note: no documents found (policykg reads {' '.join(SUPPORTED_SUFFIXES)})", err=True)
    if not quiet or not report.ok:
        typer.echo(f"{report.summary()} → {store}", err=True)
    return report


@app.command("build")
def build_command(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(help="Files or folders, walked recursively (default: the bundled plans)."),
    ] = None,
    store: StoreOption = None,
    manifest: Annotated[
        Path | None,
        typer.Option(
            "--manifest",
            "-m",
            help="CSV of metadata: path,region,year,doc_type,url,title (a folder's own manifest.csv is "
            "used without it; this one wins). Alone, builds the files it lists.",
        ),
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option(
            min=0,
            help="Extraction processes beside the one writing the store (default: every core; "
            "0: extract in that one too, one file after another).",
        ),
    ] = None,
    force: Annotated[bool, typer.Option(help="Rebuild files that have not changed.")] = False,
    validate: Annotated[
        bool, typer.Option(help="Check each document against the SHACL shapes and count the violations.")
    ] = True,
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="One line per file as it is done.")
    ] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar, notes or summary.")] = False,
    optimize: Annotated[
        bool,
        typer.Option(
            help="Compact the store after the build (RocksDB's full compaction): minutes on a large store;"
            " questions on 10,000 plans ran 2-5 times faster after it."
        ),
    ] = False,
) -> None:
    """Build the graph from plans and summaries (text, web pages, PDF, Word); a rebuild replaces each document's graph."""
    if not paths and manifest is None:
        paths = bundled_corpus()
    report = run_build(
        paths or [],
        store_path(store),
        workers=workers,
        force=force,
        quiet=quiet,
        manifest=manifest,
        validate=validate,
        verbose=verbose,
        optimize=optimize,
    )
    if not report.ok:
        raise typer.Exit(1)
