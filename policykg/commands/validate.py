"""``policykg validate``: check every document in the store against the SHACL shapes.

Per document that does not conform: its graph and source file, then each kind
of violation (shape, property, message) with how often it occurs and an
example node. Then the vocabularies, checked once. The exit status is 1 when
anything does not conform, so the command can stand in a script or CI.
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Annotated

import typer

from policykg.cli import app
from policykg.commands._options import StoreOption, store_path
from policykg.ontology.namespaces import PKG

if TYPE_CHECKING:
    from policykg.graph.store import Store

# An sh:or message spells out every alternative; the first line of it is enough to tell what failed.
MESSAGE_CHARS = 160


def _sources(store: Store) -> dict[str, str]:
    _, rows = store.select(
        f"SELECT ?d ?f WHERE {{ GRAPH ?d {{ ?d <{PKG}sourceFile> ?f }} }}",
        {},
    )
    return {row["d"]["value"]: row["f"]["value"] for row in rows}


def _short(message: str) -> str:
    line = " ".join(message.split())
    return line if len(line) <= MESSAGE_CHARS else line[: MESSAGE_CHARS - 1] + "…"


@app.command("validate")
def validate_command(
    store: StoreOption = None,
    vocabulary: Annotated[
        bool, typer.Option(help="Check the vocabularies too (notations, labels, label clashes).")
    ] = True,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Only the summary line.")] = False,
) -> None:
    """Check each document's graph against the SHACL shapes of the ontology; report violations per document."""
    from policykg.graph.store import Store
    from policykg.graph.validate import validate_store, validate_vocabulary

    db = Store(store_path(store), read_only=True)
    sources = _sources(db)
    results = validate_store(db)
    failing = 0
    total = 0
    for iri, violations in results.items():
        if not violations:
            continue
        failing += 1
        total += len(violations)
        if quiet:
            continue
        typer.echo(
            f"{iri.rsplit('/', 1)[-1]} ({sources.get(iri, 'no source file')}): {len(violations)} violations"
        )
        kinds = Counter((v.shape, v.path or "", _short(v.message)) for v in violations)
        examples = {(v.shape, v.path or "", _short(v.message)): v.focus for v in reversed(violations)}
        for (shape, path, message), count in sorted(kinds.items()):
            where = f" {path}" if path else ""
            typer.echo(f"  {count:>4} × {shape}{where}: {message}")
            typer.echo(f"         e.g. {examples[(shape, path, message)]}")
    vocab = validate_vocabulary() if vocabulary else []
    if vocab and not quiet:
        typer.echo(f"vocabularies: {len(vocab)} violations")
        for v in vocab:
            typer.echo(f"  {v.shape}{f' {v.path}' if v.path else ''}: {_short(v.message)} ({v.focus})")
    summary = f"{len(results)} documents: {len(results) - failing} conform, {failing} with {total} violations"
    if vocabulary:
        summary += f"; vocabularies: {'conform' if not vocab else f'{len(vocab)} violations'}"
    typer.echo(summary)
    if failing or vocab:
        raise typer.Exit(1)
