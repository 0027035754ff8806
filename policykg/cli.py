"""The ``policykg`` command. Each sub-command lives in ``policykg/commands/``.

A command module defines its functions with ``@app.command()`` (or adds a
sub-``Typer``) on the shared ``app`` below; every module in that folder is
imported at start-up, so adding a command touches no other file. That is also why a
command module imports the store, pandas, rdflib ... inside the functions that use
them: at module level every call, even ``policykg --help``, would pay for them
(``tests/test_cli_startup.py``). Expected problems (``PolicyKGError``) are printed as
one line, never as a traceback.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys

import typer

from policykg.errors import PolicyKGError

app = typer.Typer(
    name="policykg",
    help="Chinese local environmental policy as a knowledge graph: build it, ask it, draw it.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _register() -> None:
    import policykg.commands

    for module in sorted(pkgutil.iter_modules(policykg.commands.__path__), key=lambda m: m.name):
        importlib.import_module(f"policykg.commands.{module.name}")


def main() -> None:
    """Entry point of the console script."""
    _register()
    try:
        app()
    except PolicyKGError as exc:
        # plain text: a path may hold [brackets] that rich would read as markup
        typer.echo(f"error: {exc}", err=True)
        sys.exit(2)
