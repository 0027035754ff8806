"""``policykg demo``: the main job on the bundled plans, start to finish."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from policykg.cli import app
from policykg.commands._options import StoreOption, store_path
from policykg.commands.build import run_build
from policykg.commands.viz import draw_network
from policykg.config import bundled_corpus
from policykg.graph.networks import NETWORKS

console = Console(highlight=False)


@app.command("demo")
def demo_command(
    store: StoreOption = None,
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder for the pictures.")] = Path(
        "policykg-demo"
    ),
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
) -> None:
    """Build the bundled plans, answer every ready question, and draw the networks."""
    from policykg.graph.store import Store
    from policykg.queries.library import ready_queries
    from policykg.queries.output import render
    from policykg.queries.run import run_query

    path = store_path(store)
    report = run_build(bundled_corpus(), path, workers=None, force=False, quiet=quiet)
    source = Store(path, read_only=True)
    for query in ready_queries().values():
        console.rule(f"[bold]{query.name}[/bold]: {query.title}")
        render(run_query(source, query), "table", console=console)
    for name in NETWORKS:
        picture = draw_network(source, name, out / f"{name}.html")
        console.print(f"picture: {picture}")
    if not report.ok:
        raise typer.Exit(1)
