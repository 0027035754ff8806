"""``policykg query`` (ready questions) and ``policykg sparql`` (any query)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from policykg.cli import app
from policykg.commands._options import EndpointOption, StoreOption, store_path
from policykg.errors import QueryError
from policykg.queries.output import FORMATS

if TYPE_CHECKING:
    from policykg.queries.run import Result, SparqlSource

FormatOption = Annotated[str, typer.Option("--format", "-f", help=f"One of: {', '.join(FORMATS)}.")]
SparqlFormatOption = Annotated[
    str,
    typer.Option(
        "--format", "-f", help=f"One of: {', '.join(FORMATS)}; turtle for a CONSTRUCT or DESCRIBE query."
    ),
]


def open_source(store: Path | None, endpoint: str | None) -> SparqlSource:
    """The local store (read-only) or a SPARQL endpoint."""
    from policykg.graph.remote import Endpoint
    from policykg.graph.store import Store

    if endpoint:
        return Endpoint(endpoint)
    return Store(store_path(store), read_only=True)


def parse_params(pairs: list[str]) -> dict[str, str]:
    """``["pollutant=NOx"]`` → ``{"pollutant": "NOx"}``."""
    out = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            raise QueryError(f"--param takes NAME=VALUE, not {pair!r}")
        out[name.strip()] = value
    return out


def emit(result: Result, fmt: str) -> None:
    from policykg.queries.output import render

    if fmt not in FORMATS:
        raise QueryError(f"unknown format {fmt!r} (use one of {', '.join(FORMATS)})")
    text = render(result, fmt)
    if text is not None:
        sys.stdout.write(text)


def list_queries() -> None:
    from rich.console import Console
    from rich.table import Table

    from policykg.queries.library import ready_queries

    table = Table(header_style="bold")
    table.add_column("name", no_wrap=True)
    table.add_column("title")
    table.add_column("parameters")
    for q in ready_queries().values():
        params = ", ".join(f"{p.name}={p.default}" if p.default else p.name for p in q.params)
        table.add_row(q.name, q.title, params)
    Console().print(table)


@app.command("query")
def query_command(
    name: Annotated[str | None, typer.Argument(help="A ready question (see --list).")] = None,
    list_: Annotated[bool, typer.Option("--list", help="List the ready questions.")] = False,
    param: Annotated[list[str] | None, typer.Option("--param", "-p", help="NAME=VALUE, repeatable.")] = None,
    fmt: FormatOption = "table",
    store: StoreOption = None,
    endpoint: EndpointOption = None,
) -> None:
    """Answer a ready question from queries/, e.g. `policykg query voc-cities --param pollutant=NOx`."""
    if list_ or name is None:
        list_queries()
        return
    from policykg.queries.run import run_query

    emit(run_query(open_source(store, endpoint), name, parse_params(param or [])), fmt)


@app.command("sparql")
def sparql_command(
    query: Annotated[str, typer.Argument(help="A SPARQL query, or @FILE to read it from a file.")],
    fmt: SparqlFormatOption = "table",
    store: StoreOption = None,
    endpoint: EndpointOption = None,
) -> None:
    """Run any SPARQL query; the prefixes pkg:, skos:, oa:, prov: ... are predeclared.

    SELECT and ASK answer as rows; CONSTRUCT and DESCRIBE as (subject, predicate, object)
    rows, or as Turtle with --format turtle.
    """
    from policykg.queries.run import construct_turtle, run_sparql

    if query.startswith("@"):
        path = Path(query[1:])
        if not path.is_file():
            raise QueryError(f"{path}: no such query file")
        query = path.read_text(encoding="utf-8")
    source = open_source(store, endpoint)
    if fmt == "turtle":
        sys.stdout.buffer.write(construct_turtle(source, query))
        sys.stdout.flush()
        return
    emit(run_sparql(source, query), fmt)
