"""``policykg ontology``: the reference, the checks, the inferred graph and its rules.

- ``docs --out DIR`` writes the browsable reference (``DIR/index.html``, offline).
- ``check`` runs HermiT on the core and the vocabularies and the SHACL checks of the
  vocabularies; with ``--store`` also the functional properties over the whole store
  and HermiT on a sample of its documents. Exit status 1 on any problem.
- ``infer`` computes the shared inferred graph of a store again (``policykg build`` does
  it after every build that added a place; each document's inferred graph is written
  with the document); ``--check`` also runs every rule over the whole store at once and
  fails if that derives anything else than the inferred graphs hold.
- ``rules`` prints the SPARQL rules the inferred graphs are computed with.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from policykg.cli import app
from policykg.commands._options import StoreOption, store_path

ontology_app = typer.Typer(
    help="The ontology: its reference, its checks, the inferred graphs.", no_args_is_help=True
)
app.add_typer(ontology_app, name="ontology")

OntologyDirOption = Annotated[
    Path | None,
    typer.Option(
        "--ontology-dir",
        help="An ontology folder (core.ttl, shapes.ttl, vocab/) instead of the installed one.",
        file_okay=False,
    ),
]


@ontology_app.command("docs")
def docs_command(
    out: Annotated[Path, typer.Option("--out", help="Folder to write the reference into.")],
    ontology_dir: OntologyDirOption = None,
) -> None:
    """Write a browsable reference of every class, property and concept scheme (HTML, works offline)."""
    from policykg.ontology.check import ontology_root
    from policykg.ontology.docs import write_reference

    page = write_reference(out, ontology_root(ontology_dir))
    typer.echo(f"wrote {page}")


@ontology_app.command("check")
def check_command(
    ontology_dir: OntologyDirOption = None,
    store: Annotated[
        Path | None,
        typer.Option(
            "--store", help="Also check this built store: functional properties, a sample under HermiT."
        ),
    ] = None,
    sample: Annotated[int, typer.Option(help="Documents of the store HermiT checks.", min=0)] = 3,
) -> None:
    """HermiT's consistency check and the vocabulary shapes; exit status 1 on any problem."""
    from policykg.ontology.check import check_hermit, check_vocabularies, ontology_root

    root = ontology_root(ontology_dir)
    problems = check_hermit(root)
    typer.echo(f"HermiT: {'consistent, every class satisfiable' if not problems else 'problems'} ({root})")
    shacl = check_vocabularies(root)
    typer.echo(f"SHACL vocabulary shapes: {'conform' if not shacl else f'{len(shacl)} violations'}")
    problems += shacl
    if store is not None:
        from policykg.graph.infer import check_store
        from policykg.graph.store import Store

        found = check_store(Store(store_path(store), read_only=True), sample=sample)
        typer.echo(f"store {store}: {'no problem' if not found else f'{len(found)} problems'}")
        problems += found
    for problem in problems:
        typer.echo(f"error: {problem}", err=True)
    if problems:
        raise typer.Exit(1)


@ontology_app.command("infer")
def infer_command(
    store: StoreOption = None,
    force: Annotated[bool, typer.Option(help="Compute it even if nothing changed.")] = False,
    check: Annotated[
        bool,
        typer.Option(
            help="Also run every rule over the whole store at once (slow on a large one) and fail if "
            "that derives other triples than the inferred graphs hold."
        ),
    ] = False,
) -> None:
    """Compute the shared inferred graph of the store again (what the places and the ontology entail)."""
    from policykg.graph.infer import compare_with_whole_store, materialise
    from policykg.graph.store import open_store

    with open_store(store_path(store)) as db:
        report = materialise(db, force=force)
        typer.echo(report.summary())
        for name, count in sorted(report.counts.items()):
            if count:
                typer.echo(f"  {count:>7}  {name}")
        if check:
            missing, extra = compare_with_whole_store(db)
            for label, triples in (("missing", missing), ("not derived", extra)):
                for triple in sorted(map(str, triples))[:20]:
                    typer.echo(f"error: {label}: {triple}", err=True)
            if missing or extra:
                typer.echo(
                    f"the inferred graphs differ from the whole-store rules: {len(missing)} missing, "
                    f"{len(extra)} not derived by them (policykg build --force rebuilds every document)",
                    err=True,
                )
                raise typer.Exit(1)
            typer.echo("the inferred graphs hold exactly what the rules derive from the whole store")


@ontology_app.command("rules")
def rules_command(
    ontology_dir: OntologyDirOption = None,
) -> None:
    """Print the SPARQL CONSTRUCT rules compiled from the OWL core, one per class or property."""
    from policykg.ontology.check import ontology_root
    from policykg.ontology.rules import rules

    for rule in rules(ontology_root(ontology_dir) / "core.ttl"):
        typer.echo(f"# {rule.kind} {rule.name}{' (defined)' if rule.defined else ''}\n{rule.sparql}\n")
