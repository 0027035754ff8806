"""``policykg viz``: draw a network as a self-contained HTML page."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from policykg.cli import app
from policykg.commands._options import EndpointOption, StoreOption
from policykg.commands.query import open_source
from policykg.errors import QueryError
from policykg.graph.networks import NETWORKS
from policykg.graph.viz import draw
from policykg.queries.run import SparqlSource

err = Console(stderr=True, highlight=False)


def draw_network(source: SparqlSource, name: str, out: Path) -> Path:
    """Build the named network from the graph and write its picture to ``out``."""
    if name not in NETWORKS:
        raise QueryError(f"no network {name!r}; `policykg viz --list` shows them")
    builder, title, note = NETWORKS[name]
    graph = builder(source)
    return draw(graph, out, title=title, note=note)


@app.command("viz")
def viz_command(
    name: Annotated[str | None, typer.Argument(help="A network (see --list).")] = None,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="HTML file to write (default NAME.html).")
    ] = None,
    list_: Annotated[bool, typer.Option("--list", help="List the networks.")] = False,
    store: StoreOption = None,
    endpoint: EndpointOption = None,
) -> None:
    """Draw a relationship network (pyvis) as an HTML page that opens offline."""
    if list_ or name is None:
        for key, (_, title, note) in NETWORKS.items():
            typer.echo(f"{key}\t{title}: {note}")
        return
    path = draw_network(open_source(store, endpoint), name, out or Path(f"{name}.html"))
    err.print(f"wrote {path}")
