"""Defaults that users can override: where the store lives."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

STORE_ENV = "POLICYKG_STORE"


def default_store() -> Path:
    """The store folder: ``$POLICYKG_STORE``, else a per-user data folder."""
    if env := os.environ.get(STORE_ENV):
        return Path(env).expanduser()
    return Path(platformdirs.user_data_dir("policykg")) / "store"


def bundled_corpus() -> list[Path]:
    """The five plans that ship with the package, in file-name order."""
    from importlib import resources

    root = Path(str(resources.files("policykg.corpus")))
    return sorted(root.glob("*.txt"))
