"""The worked examples in notebooks/: stored without outputs, and every cell runs."""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("*.ipynb"))
# The kernel is this virtual environment's own python3 (ipykernel installs its spec
# under sys.prefix); JUPYTER_PATH puts that spec before any a user registered.
VENV_JUPYTER = Path(sys.prefix) / "share" / "jupyter"


def test_there_are_the_three_notebooks():
    names = [p.stem for p in NOTEBOOKS]
    assert names == ["01-sparql-quickstart", "02-department-network", "03-policy-diffusion"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_is_stored_without_outputs(path: Path):
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, (path.name, cell.source[:60])


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs(path: Path, built, tmp_path: Path, monkeypatch):
    _, built_store = built
    # The quick start gets an empty store and builds the bundled plans into it; the
    # others read the session's store. Either way they find it through $POLICYKG_STORE.
    store = tmp_path / "store" if path.stem.startswith("01") else built_store
    monkeypatch.setenv("POLICYKG_STORE", str(store))
    monkeypatch.setenv("JUPYTER_PATH", str(VENV_JUPYTER))
    monkeypatch.setenv("MPLBACKEND", "Agg")
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}
    )
    client.execute()  # raises CellExecutionError, naming the cell, if any cell fails
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert errors == []
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(c.execution_count for c in code)
    shown = "".join(
        o.get("text", "") + str(o.get("data", {}).get("text/plain", "")) for c in code for o in c.outputs
    )
    assert "documents" in shown  # the first cell reports the store it opened
    if path.stem.startswith("01"):
        assert (store / "CURRENT").exists() and "built 5 plans" in shown
