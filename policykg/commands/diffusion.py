"""``policykg diffusion``: the policy-diffusion tables (CSV, Parquet) and a plot of adopters."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from policykg.cli import app
from policykg.commands._options import EndpointOption, StoreOption
from policykg.commands.query import open_source
from policykg.errors import QueryError
from policykg.graph.diffusion import columns_help, diffusion_data, parquet_available, write_diffusion

console = Console(highlight=False)

HELP = (
    "Write the policy-diffusion tables of the graph to DIR: adoption_events.csv, panel.csv "
    "(event-history: a place leaves an instrument's risk set after it adopts), panel_wide.csv, "
    "dyads.csv (directed place dyads), the same as .parquet when pyarrow is installed, and "
    "cumulative_adopters.png.\n\nColumns:\n\n" + columns_help()
)


@app.command("diffusion", help=HELP)
def diffusion_command(
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder to write the tables and the plot to.")],
    instrument: Annotated[
        list[str] | None,
        typer.Option(
            "--instrument", "-i", help="Only this instrument (notation, e.g. bay_chief); repeatable."
        ),
    ] = None,
    no_parquet: Annotated[
        bool, typer.Option("--no-parquet", help="CSV only, even if pyarrow is installed.")
    ] = False,
    store: StoreOption = None,
    endpoint: EndpointOption = None,
) -> None:
    from rich.table import Table

    data = diffusion_data(open_source(store, endpoint), instrument or None)
    if instrument and data.events.empty:
        raise QueryError(f"no dated adoption of {', '.join(instrument)} in the graph")
    written = write_diffusion(data, out, parquet=not no_parquet and parquet_available())
    table = Table(header_style="bold")
    table.add_column("file")
    table.add_column("rows", justify="right")
    sizes = {stem: len(frame) for stem, frame in data.tables().items()}
    for path in written:
        table.add_row(str(path), str(sizes.get(path.stem, "")))
    console.print(table)
