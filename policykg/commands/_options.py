"""Options shared by several commands."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from policykg.config import STORE_ENV, default_store

StoreOption = Annotated[
    Path | None,
    typer.Option("--store", help=f"Store folder (default: ${STORE_ENV}, else a per-user data folder)."),
]
EndpointOption = Annotated[
    str | None,
    typer.Option("--endpoint", help="Ask this SPARQL query endpoint instead of the local store."),
]


def store_path(store: Path | None) -> Path:
    """The store folder the user meant."""
    return store if store is not None else default_store()


def show_progress(quiet: bool) -> bool:
    """Progress bars only for a person at a terminal, never in CI logs."""
    return not quiet and sys.stderr.isatty() and not os.environ.get("CI")
