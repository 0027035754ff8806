"""``policykg serve``: the store as a read-only SPARQL endpoint with a query editor."""

from __future__ import annotations

import ipaddress
from typing import Annotated

import typer
from rich.console import Console

from policykg.cli import app
from policykg.commands._options import StoreOption, store_path

err = Console(stderr=True, highlight=False)


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@app.command("serve")
def serve_command(
    host: Annotated[
        str, typer.Option("--host", help="Address to listen on; 0.0.0.0 opens it to the network.")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", "-p", help="TCP port (0: any free port).")] = 7879,
    store: StoreOption = None,
    timeout: Annotated[
        float,
        typer.Option("--timeout", help="Longest a query may run, in seconds; callers may ask for less."),
    ] = 30.0,
    max_rows: Annotated[
        int,
        typer.Option("--max-rows", help="Most rows (or triples) in one answer; callers may ask for fewer."),
    ] = 10_000,
    workers: Annotated[int, typer.Option("--workers", help="Queries answered at the same time.")] = 2,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No request log.")] = False,
) -> None:
    """Serve the graph: SPARQL 1.1 Protocol at /sparql (read-only) and a query editor at /."""
    from policykg.server import Settings, run

    if timeout <= 0 or max_rows < 0 or workers < 1:
        raise typer.BadParameter("--timeout must be > 0, --max-rows >= 0 and --workers >= 1")
    if not _loopback(host):
        err.print(
            f"[yellow]warning:[/yellow] listening on {host}: anyone who can reach this machine can query the graph"
        )
    settings = Settings(store_path(store), host, port, timeout, max_rows, workers)
    run(settings, quiet=quiet, announce=lambda line: err.print(line, soft_wrap=True))
