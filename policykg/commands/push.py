"""``policykg push``: copy every named graph of the store to a SPARQL 1.1 server."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

from policykg.cli import app
from policykg.commands._options import StoreOption, store_path

if TYPE_CHECKING:
    from policykg.graph.remote import PushedGraph

err = Console(stderr=True, highlight=False)
PASSWORD_ENV = "POLICYKG_SPARQL_PASSWORD"


@app.command("push")
def push_command(
    endpoint: Annotated[
        str, typer.Option("--endpoint", help="The server's SPARQL query URL (to check what arrived).")
    ],
    update_endpoint: Annotated[
        str | None, typer.Option("--update-endpoint", help="The server's SPARQL update URL.")
    ] = None,
    graph_store: Annotated[
        str | None,
        typer.Option(
            "--graph-store",
            help="The server's Graph Store Protocol URL, instead of the update URL (much quicker on Virtuoso).",
        ),
    ] = None,
    user: Annotated[
        str | None, typer.Option("--user", help="User name (HTTP digest authentication).")
    ] = None,
    password: Annotated[
        str | None,
        typer.Option("--password", help=f"Password (default: ${PASSWORD_ENV}).", show_default=False),
    ] = None,
    store: StoreOption = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Only the summary line.")] = False,
) -> None:
    """Load every named graph of the store into a SPARQL server, replacing graphs of the same name.

    Pushing again leaves the same triples: each graph is replaced, never added to.
    Afterwards the query endpoint counts every graph's triples.
    """
    from policykg.graph.remote import Endpoint
    from policykg.graph.store import Store

    if not update_endpoint and not graph_store:
        raise typer.BadParameter("give --update-endpoint URL (or --graph-store URL)")
    if password is None:
        password = os.environ.get(PASSWORD_ENV)
    remote = Endpoint(endpoint, update_endpoint, graph_store_url=graph_store, user=user, password=password)
    path = store_path(store)
    local = Store(path, read_only=True)

    def show(done: PushedGraph) -> None:
        if not quiet:
            err.print(f"pushed {done.triples:>7} triples  {done.iri}")

    pushed = remote.push(local, progress=show)
    total = sum(p.triples for p in pushed)
    err.print(f"{len(pushed)} graphs, {total} triples from {path} → {graph_store or update_endpoint}")
