"""Real SPARQL servers for the tests: the Oxigraph server, Virtuoso and `policykg serve`.

Each helper starts the real program on a free port of 127.0.0.1 in a
temporary folder, waits until it answers, and stops it afterwards. Nothing
is mocked. A missing program skips its tests on a developer's machine but
fails them in CI (``CI=true``), where ``.ci/run`` installs everything.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

import pytest

VIRTUOSO_INI = Path("/etc/virtuoso-opensource-7/virtuoso.ini")


@dataclass(frozen=True)
class Server:
    """A running SPARQL server: where to query and update it, and as whom."""

    name: str
    query_url: str
    update_url: str
    graph_store_url: str
    user: str | None = None
    password: str | None = None


def in_ci() -> bool:
    """True on the CI machine, where no server test may skip."""
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def require(program: str | Path | None, what: str) -> str:
    """The program's path; skip (outside CI) or fail (in CI) when it is missing."""
    found = shutil.which(str(program)) if program else None
    if found:
        return found
    message = f"{what} is not installed ({program or 'not found'})"
    if in_ci():
        pytest.fail(message + ": CI must run every server test")
    pytest.skip(message)
    raise AssertionError("unreachable")


def free_port() -> int:
    """A TCP port of 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(url: str, process: subprocess.Popen, timeout: float, log: Path | None = None) -> None:
    """Poll ``url`` until it answers over HTTP (any status); fail if the process dies first."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            detail = log.read_text(errors="replace")[-2000:] if log and log.exists() else ""
            raise RuntimeError(
                f"{process.args[0]} exited with {process.returncode} before answering\n{detail}"
            )
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except urllib.error.HTTPError:
            return  # it answers, even if not with 200
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError(f"{url} did not answer within {timeout} s")


def stop(process: subprocess.Popen, timeout: float = 15) -> None:
    """Stop a server we started: politely, then by force."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout)


def oxigraph_program() -> str | None:
    """The ``oxigraph`` executable of the PyPI package: next to this Python, else on PATH."""
    beside = Path(sys.executable).with_name("oxigraph")
    return str(beside) if beside.exists() else shutil.which("oxigraph")


@contextmanager
def oxigraph_server(folder: Path) -> Iterator[Server]:
    """``oxigraph serve`` in memory (its log in ``folder``), every graph in the default graph of queries."""
    program = require(oxigraph_program(), "the Oxigraph server (PyPI package oxigraph)")
    port = free_port()
    log = folder / "oxigraph.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [
                program,
                "serve",
                "--bind",
                f"127.0.0.1:{port}",
                "--union-default-graph",
            ],
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base + "/query?query=ASK%7B%7D", process, 30, log)
        yield Server("oxigraph", base + "/query", base + "/update", base + "/store")
    finally:
        stop(process)


def virtuoso_ini(template: str, folder: Path, sql_port: int, http_port: int) -> str:
    """The packaged virtuoso.ini with every path in ``folder`` and the ports given.

    ``ResultSetMaxRows`` is raised (the packaged 10,000 silently truncates
    answers) and the query time limit removed (it returns partial results).
    """
    db = folder / "db"
    settings = {
        "Database": {
            "DatabaseFile": db / "virtuoso.db",
            "ErrorLogFile": db / "virtuoso.log",
            "LockFile": db / "virtuoso.lck",
            "TransactionFile": db / "virtuoso.trx",
            "xa_persistent_file": db / "virtuoso.pxa",
        },
        "TempDatabase": {
            "DatabaseFile": db / "virtuoso-temp.db",
            "TransactionFile": db / "virtuoso-temp.trx",
        },
        "Parameters": {
            "ServerPort": f"127.0.0.1:{sql_port}",
            "DirsAllowed": f"., {db}, /usr/share/virtuoso-opensource-7/vad",
            "NumberOfBuffers": "10000",
        },
        "HTTPServer": {"ServerPort": f"127.0.0.1:{http_port}", "ServerRoot": folder / "vsp"},
        "SPARQL": {"ResultSetMaxRows": "1000000", "MaxQueryExecutionTime": "0"},
        "Plugins": {},
    }
    lines = []
    section = ""
    for line in template.splitlines():
        stripped = line.strip()
        if stripped.startswith("[") and stripped.endswith("]"):
            section = stripped[1:-1]
        elif "=" in stripped and not stripped.startswith(";"):
            key = stripped.split("=", 1)[0].strip()
            if section == "Plugins" and key.startswith("Load"):
                continue  # wiki plug-ins: not needed, and they log errors without their VADs
            if key in settings.get(section, {}):
                line = f"{key} = {settings[section][key]}"
        lines.append(line)
    return "\n".join(lines) + "\n"


@contextmanager
def virtuoso_server(folder: Path) -> Iterator[Server]:
    """Debian's Virtuoso from a copy of its packaged virtuoso.ini, in ``folder``."""
    program = require("virtuoso-t", "Virtuoso (Debian package virtuoso-opensource)")
    if not VIRTUOSO_INI.exists():
        require(None, f"Virtuoso's packaged {VIRTUOSO_INI}")
    (folder / "db").mkdir(parents=True)
    (folder / "vsp").mkdir()
    sql_port, http_port = free_port(), free_port()
    ini = folder / "virtuoso.ini"
    ini.write_text(virtuoso_ini(VIRTUOSO_INI.read_text(), folder, sql_port, http_port))
    log = folder / "virtuoso.out"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [program, "+foreground", "+configfile", str(ini)],
            cwd=folder / "db",
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{http_port}"
    try:
        wait_until_up(base + "/sparql?query=ASK%7B%7D", process, 90, folder / "db" / "virtuoso.log")
        yield Server(
            "virtuoso",
            base + "/sparql",
            base + "/sparql-auth",
            base + "/sparql-graph-crud-auth",
            "dba",
            "dba",
        )
    finally:
        isql = shutil.which("isql-vt")
        if isql and process.poll() is None:
            subprocess.run(
                [isql, f"127.0.0.1:{sql_port}", "dba", "dba", "exec=shutdown;"],
                capture_output=True,
                timeout=30,
                check=False,
            )
            with suppress(subprocess.TimeoutExpired):
                process.wait(30)
        stop(process)


@contextmanager
def policykg_server(store: Path, folder: Path, *extra: str) -> Iterator[str]:
    """``policykg serve`` over the store folder; yields the base URL (``http://127.0.0.1:PORT``)."""
    port = free_port()
    log = folder / "serve.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "policykg", "serve", "--store", str(store), "--port", str(port), *extra],
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base + "/sparql?query=ASK%7B%7D", process, 60, log)
        yield base
    finally:
        stop(process)


def comparable(rows: list[tuple]) -> list[tuple]:
    """Rows as plain values in a form every engine agrees on.

    Numbers are rounded (a decimal from one server is a double from another),
    and the items of a GROUP_CONCAT list (", "-separated) are sorted: SPARQL
    leaves their order to the engine.
    """

    def norm(value: object) -> object:
        if isinstance(value, float):
            return round(value, 6)
        if isinstance(value, str) and ", " in value:
            return ", ".join(sorted(value.split(", ")))
        return value

    return [tuple(norm(v) for v in row) for row in rows]


def quiet_copy(store, folder: Path) -> Path:
    """A copy of an open store (the session's) in ``folder``/store, which no process writes to.

    For the commands a test runs in another process: the session's store stays
    open for writing in the test process (RocksDB may compact it at any time),
    and reading a database that another process writes is undefined behaviour.
    """
    import pyoxigraph as ox

    dump = folder / "all.nq"
    store.export(dump, "nquads")
    copy = ox.Store(str(folder / "store"))
    copy.bulk_load(path=str(dump), format=ox.RdfFormat.N_QUADS)
    copy.flush()
    del copy
    dump.unlink()
    return folder / "store"
