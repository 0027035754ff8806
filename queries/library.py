"""The ready questions: ``queries/*.rq`` files with a header that documents them.

A header is a block of ``#`` comment lines at the top of the file::

    # title: Cities with measures on a pollutant
    # description: Places whose plans set a measure acting on the pollutant, with the sentence.
    # param: pollutant = VOCs | notation or label of a pollutant (narrower ones count too)
    # param: year:integer = 2021 | a year
    # param: pattern = "湾|公园" | a default with a | in it is quoted
    # example: policykg query voc-cities --param pollutant=NOx
    # network: source=function_a target=function_b weight=measures source_label=label_a target_label=label_b
    # reads: totals

A parameter is a SPARQL variable of the query (``?pollutant``) that the runner
binds to a value as an RDF term — never pasted into the text as SPARQL — so
a value with quotes, braces or keywords stays data. Parameters are not
projected. Types: ``string`` (the default), ``integer``, ``decimal``, ``iri``.

A ``network`` line says which result columns are the two ends of an edge
(and optionally its weight and the ends' labels), so that the query editor of
``policykg serve`` can draw the answer as a network.

A ``reads: totals`` line says the question reads the corpus totals
(``graph/totals.py``) that a build computes at its end: the runner checks that
they are up to date before it runs the question.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path

from policykg.errors import QueryError

PARAM_TYPES = ("string", "integer", "decimal", "iri")
NETWORK_KEYS = ("source", "target", "weight", "source_label", "target_label")
READS = ("totals",)  # what a question can say it reads beyond the documents' graphs
_PARAM = re.compile(
    r"^(?P<name>[A-Za-z_]\w*)(?::(?P<type>\w+))?\s*"
    r'(?:=\s*(?:"(?P<quoted>[^"]*)"|(?P<default>[^|]*?)))?\s*(?:\|\s*(?P<doc>.*))?$'
)


@dataclass(frozen=True, slots=True)
class Param:
    """A parameter of a ready question."""

    name: str
    type: str = "string"
    default: str | None = None
    description: str = ""


@dataclass(frozen=True, slots=True)
class ReadyQuery:
    """One ready question: its name (the file stem), header and SPARQL text."""

    name: str
    title: str
    description: str
    sparql: str
    params: tuple[Param, ...] = ()
    examples: tuple[str, ...] = ()
    network: tuple[tuple[str, str], ...] = ()  # (key, column) pairs, keys from NETWORK_KEYS
    reads: tuple[str, ...] = ()  # from READS
    path: Path | None = field(default=None, compare=False)

    def param(self, name: str) -> Param:
        for p in self.params:
            if p.name == name:
                return p
        known = ", ".join(p.name for p in self.params) or "none"
        raise QueryError(f"question {self.name!r} has no parameter {name!r} (parameters: {known})")


def parse_query(text: str, name: str, path: Path | None = None) -> ReadyQuery:
    """Read a ``.rq`` file's header and body."""
    fields: dict[str, list[str]] = {}
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        key, sep, value = line.lstrip("#").strip().partition(":")
        if sep and key.strip() in {"title", "description", "param", "example", "network", "reads"}:
            fields.setdefault(key.strip(), []).append(value.strip())
    if "title" not in fields:
        raise QueryError(f"{path or name}: a ready question needs a '# title:' line")
    params = []
    for spec in fields.get("param", []):
        m = _PARAM.match(spec)
        if not m:
            raise QueryError(f"{path or name}: cannot read parameter line {spec!r}")
        ptype = m["type"] or "string"
        if ptype not in PARAM_TYPES:
            raise QueryError(f"{path or name}: parameter {m['name']} has unknown type {ptype!r}")
        if not re.search(rf"[?$]{m['name']}\b", text):
            raise QueryError(f"{path or name}: parameter {m['name']} is not a variable of the query")
        default = m["quoted"] if m["quoted"] is not None else (m["default"] or None)
        params.append(Param(m["name"], ptype, default, (m["doc"] or "").strip()))
    network = []
    for spec in " ".join(fields.get("network", [])).split():
        key, sep, column = spec.partition("=")
        if not sep or key not in NETWORK_KEYS or not re.search(rf"[?$]{re.escape(column)}\b", text):
            raise QueryError(
                f"{path or name}: network entries are KEY=COLUMN with KEY one of {', '.join(NETWORK_KEYS)} "
                f"and COLUMN a variable of the query, not {spec!r}"
            )
        network.append((key, column))
    if network and not {"source", "target"} <= {k for k, _ in network}:
        raise QueryError(f"{path or name}: a network line needs source= and target=")
    reads = tuple(" ".join(fields.get("reads", [])).split())
    if unknown := sorted(set(reads) - set(READS)):
        raise QueryError(f"{path or name}: a reads line names {', '.join(READS)}, not {', '.join(unknown)}")
    return ReadyQuery(
        name=name,
        title=fields["title"][0],
        description=" ".join(fields.get("description", [])),
        sparql=text,
        params=tuple(params),
        examples=tuple(fields.get("example", [])),
        network=tuple(network),
        reads=reads,
        path=path,
    )


_FORM = re.compile(
    r"^\s*(?:(?:BASE\s*<[^>]*>|PREFIX\s+[^\s:]*:\s*<[^>]*>)\s*)*(SELECT|ASK|CONSTRUCT|DESCRIBE)\b",
    re.IGNORECASE,
)
_COMMENT_LINE = re.compile(r"^\s*#.*$", re.MULTILINE)


def strip_comments(sparql: str) -> str:
    """The query without its comment lines (the header and the notes between the clauses)."""
    return _COMMENT_LINE.sub("", sparql)


def query_form(sparql: str) -> str | None:
    """SELECT, ASK, CONSTRUCT or DESCRIBE, read after the comments and prologue; None for anything else."""
    m = _FORM.match(strip_comments(sparql))
    return m.group(1).upper() if m else None


def queries_dir() -> Path:
    """The folder of the ready questions inside the installed package."""
    return Path(str(resources.files("policykg.queries")))


@cache
def ready_queries() -> dict[str, ReadyQuery]:
    """Every ready question, by name."""
    out = {}
    for path in sorted(queries_dir().glob("*.rq")):
        out[path.stem] = parse_query(path.read_text(encoding="utf-8"), path.stem, path)
    return out


def get_query(name: str) -> ReadyQuery:
    """One ready question by name, with a helpful error for a wrong name."""
    queries = ready_queries()
    if name not in queries:
        raise QueryError(f"no ready question {name!r}; `policykg query --list` shows them")
    return queries[name]
