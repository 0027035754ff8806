"""Write a query result as a terminal table, CSV, JSON or SPARQL JSON results."""

from __future__ import annotations

import csv
import io
import json
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console

    from policykg.queries.run import Result

FORMATS = ("table", "csv", "json", "sparql-json")


def render(result: Result, fmt: str = "table", *, console: Console | None = None) -> str | None:
    """The result as text in ``fmt``; for ``table`` it is printed to ``console`` instead."""
    if fmt == "csv":
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(result.columns)
        writer.writerows(["" if v is None else v for v in row] for row in result.rows)
        return buf.getvalue()
    if fmt == "json":
        rows = [dict(zip(result.columns, row, strict=True)) for row in result.rows]
        return json.dumps(rows, ensure_ascii=False, indent=1) + "\n"
    if fmt == "sparql-json":
        return json.dumps(result.to_sparql_json(), ensure_ascii=False) + "\n"
    if fmt != "table":
        raise ValueError(f"unknown format {fmt!r} (use one of {', '.join(FORMATS)})")
    from rich.console import Console
    from rich.table import Table

    table = Table(show_lines=False, header_style="bold")
    for column in result.columns:
        table.add_column(column, overflow="fold")
    for row in result.rows:
        table.add_row(*("" if v is None else str(v) for v in row))
    console = console or Console()
    console.print(table)
    console.print(f"{len(result.rows)} rows", style="dim")
    return None
