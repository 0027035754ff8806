"""Start-up of the policykg command: registering the commands and printing help load no heavy library.

Every call of ``policykg`` imports every module in ``policykg/commands/``; a
command module that imports pandas, rdflib, pyvis ... at module level makes
each call, even ``policykg --help``, pay for it. The command modules import
those inside the functions that need them; these tests check that this stays so.
"""

from __future__ import annotations

import json
import subprocess
import sys

# Libraries that take tenths of a second to import (pandas alone about 0.9 s).
HEAVY = (
    "pandas",
    "numpy",
    "pyvis",
    "networkx",
    "rdflib",
    "pyoxigraph",
    "owlready2",
    "pyshacl",
    "SPARQLWrapper",
    "matplotlib",
    "pyarrow",
)

# Run in a fresh interpreter: registers the commands, prints the help of the command,
# of every sub-command and the two lists, then reports which heavy libraries got imported.
CHILD = """
import contextlib, io, json, sys
import typer
from policykg.cli import _register, app

heavy = {heavy!r}
loaded = lambda: sorted(m for m in heavy if m in sys.modules)
_register()
after_register = loaded()
group = typer.main.get_command(app)
calls = [["--help"], ["viz", "--list"], ["query", "--list"]]
for name, command in group.commands.items():
    calls.append([name, "--help"])
    calls.extend([name, sub, "--help"] for sub in getattr(command, "commands", {{}}))
for args in calls:
    with contextlib.redirect_stdout(io.StringIO()) as out:
        code = group.main(args, prog_name="policykg", standalone_mode=False)
    assert code in (None, 0) and out.getvalue(), (args, code)
after_help = loaded()
import policykg.graph.store, policykg.queries.run  # what `policykg query` loads: pyoxigraph only
print(json.dumps({{"register": after_register, "help": after_help, "calls": [" ".join(a) for a in calls], "control": loaded()}}))
"""


def child_report() -> dict:
    done = subprocess.run(
        [sys.executable, "-c", CHILD.format(heavy=HEAVY)], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.splitlines()[-1])


def test_registering_the_commands_and_printing_help_import_no_heavy_library():
    report = child_report()
    assert report["register"] == []
    assert report["help"] == []
    # every command's help was printed, the sub-commands' too
    assert {"--help", "viz --help", "diffusion --help", "ontology infer --help"} <= set(report["calls"])
    # the check sees a heavy import when there is one; reading a store needs no rdflib,
    # which only the extraction side (vocabularies, gazetteer) uses
    assert report["control"] == ["pyoxigraph"]
