"""``policykg viz``: draw a network as a self-contained HTML page, or export it for Gephi."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

from policykg.cli import app
from policykg.commands._options import EndpointOption, StoreOption
from policykg.commands.query import open_source
from policykg.errors import QueryError
from policykg.graph.networks import EXPORT_FORMATS, NETWORKS, build_network, export, summary

if TYPE_CHECKING:
    from policykg.queries.run import SparqlSource

err = Console(stderr=True, highlight=False)


def draw_network(source: SparqlSource, name: str, out: Path) -> Path:
    """Build the named network from the graph and write it to ``out``.

    ``.html`` (or no suffix) draws the picture; ``.graphml`` and ``.gexf`` export the network.
    """
    from policykg.graph.viz import draw

    if name not in NETWORKS:
        raise QueryError(f"no network {name!r}; `policykg viz --list` shows them")
    spec = NETWORKS[name]
    graph = build_network(source, name)
    suffix = out.suffix.lower().lstrip(".")
    if suffix in EXPORT_FORMATS:
        return export(graph, out)
    if suffix not in {"html", "htm", ""}:
        raise QueryError(f"{out}: write a picture as .html, or the network as .graphml or .gexf")
    return draw(graph, out, title=spec.title, note=spec.description)


SUMMARY_COLUMNS = ("node", "label", "kind", "degree", "weighted_degree", "betweenness")


def print_summary(source: SparqlSource, name: str, top: int) -> None:
    """The most central nodes of a network: degree, weighted degree, betweenness."""
    from rich.table import Table

    rows = summary(build_network(source, name))
    table = Table(title=f"{name}: {len(rows)} nodes", header_style="bold")
    for i, column in enumerate(SUMMARY_COLUMNS):
        table.add_column(column, justify="right" if i >= 3 else "left")
    for row in rows[:top]:
        table.add_row(*(str(row[c]) for c in SUMMARY_COLUMNS))
    Console(highlight=False).print(table)


@app.command("viz")
def viz_command(
    name: Annotated[str | None, typer.Argument(help="A network (see --list).")] = None,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            "-o",
            help="File to write: NAME.html (default) draws the picture; .graphml or .gexf exports the "
            "network for Gephi.",
        ),
    ] = None,
    list_: Annotated[bool, typer.Option("--list", help="List the networks.")] = False,
    show_summary: Annotated[
        bool, typer.Option("--summary", help="Print degree and betweenness of the most central nodes.")
    ] = False,
    top: Annotated[int, typer.Option("--top", help="Rows of --summary.")] = 20,
    store: StoreOption = None,
    endpoint: EndpointOption = None,
) -> None:
    """Draw a relationship network as an HTML page that opens offline, or export it (GraphML, GEXF).

    The page colours nodes by kind (legend at the top), sizes them by degree,
    shows an edge's source sentences on hover and filters by place and campaign.
    """
    if list_ or name is None:
        for key, spec in NETWORKS.items():
            typer.echo(f"{key}\t{spec.title}: {spec.description}")
        return
    source = open_source(store, endpoint)
    if show_summary:
        print_summary(source, name, top)
        if out is None:
            return
    path = draw_network(source, name, out or Path(f"{name}.html"))
    err.print(f"wrote {path}")
