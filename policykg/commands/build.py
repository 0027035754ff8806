"""``policykg build``: files in, one named graph per document in the store."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from policykg.cli import app
from policykg.commands._options import StoreOption, show_progress, store_path
from policykg.config import bundled_corpus
from policykg.graph.store import Store
from policykg.pipeline import BuildReport, build, collect_files

err = Console(stderr=True, highlight=False)


def run_build(
    paths: list[Path], store: Path, *, workers: int | None, force: bool, quiet: bool
) -> BuildReport:
    """Build with a progress bar (documents per second, time left) and a summary on stderr."""
    files, _ = collect_files(paths)
    db = Store(store)
    if show_progress(quiet):
        columns = (
            TextColumn("building"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[rate]}"),
            TimeRemainingColumn(),
        )
        with Progress(*columns, console=err, transient=True) as progress:
            task = progress.add_task("build", total=len(files), rate="")

            def tick(path: Path, outcome: str) -> None:
                progress.advance(task)
                speed = progress.tasks[0].speed
                progress.update(task, rate=f"{speed:6.1f} docs/s" if speed else "")

            report = build(paths, db, workers=workers, force=force, on_progress=tick)
    else:
        report = build(paths, db, workers=workers, force=force)
    for path, problem in report.failed:
        typer.echo(f"error: {path}: {problem}", err=True)
    if not quiet or not report.ok:
        typer.echo(f"{report.summary()} → {store}", err=True)
    return report


@app.command("build")
def build_command(
    paths: Annotated[
        list[Path] | None, typer.Argument(help="Files or folders (default: the bundled plans).")
    ] = None,
    store: StoreOption = None,
    workers: Annotated[int | None, typer.Option(help="Extraction processes (default: every core).")] = None,
    force: Annotated[bool, typer.Option(help="Rebuild files that have not changed.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar or summary.")] = False,
) -> None:
    """Build the graph from plans and summaries; a rebuild replaces each document's graph."""
    report = run_build(
        paths or bundled_corpus(), store_path(store), workers=workers, force=force, quiet=quiet
    )
    if not report.ok:
        raise typer.Exit(1)
