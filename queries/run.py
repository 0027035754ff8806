"""Run ready questions and any SPARQL against the embedded store or a SPARQL server.

Results are kept in the SPARQL 1.1 JSON results form (a list of bindings, each
variable → ``{"type", "value", "datatype" | "xml:lang"}``) whatever the
source, so the embedded store and a server give rows that compare equal.
Parameters are bound as RDF terms: with pyoxigraph's own substitution on the
embedded store, and as escaped terms in place of the variable for a server.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Protocol

import pyoxigraph as ox

from policykg.errors import QueryError
from policykg.ontology.namespaces import XSD, sparql_prefixes
from policykg.queries.library import ReadyQuery, get_query

_NUMERIC = {XSD + t for t in ("integer", "int", "long", "short", "decimal", "double", "float")}
_NUMERIC |= {XSD + t for t in ("nonNegativeInteger", "positiveInteger", "unsignedInt", "unsignedLong")}
_BAD_IRI = re.compile(r'[\s<>"{}|^`\\]')


class SparqlSource(Protocol):
    """Anything that answers SPARQL SELECT in the JSON results form."""

    def select(
        self, sparql: str, bindings: dict[str, ox.NamedNode | ox.Literal]
    ) -> tuple[list[str], list[dict]]:
        """Run a SELECT with ``bindings`` for some variables; return (variables, bindings)."""
        ...


@dataclass
class Result:
    """The answer to one query: variables and SPARQL JSON bindings."""

    columns: list[str]
    bindings: list[dict[str, dict[str, str]]]

    @property
    def rows(self) -> list[tuple[Any, ...]]:
        """Rows of plain Python values (numbers for numeric literals, strings otherwise)."""
        return [tuple(term_value(b.get(c)) for c in self.columns) for b in self.bindings]

    def to_frame(self):
        """The rows as a pandas DataFrame."""
        import pandas as pd

        return pd.DataFrame(self.rows, columns=self.columns)

    def to_sparql_json(self) -> dict:
        """The SPARQL 1.1 Query Results JSON document."""
        return {"head": {"vars": self.columns}, "results": {"bindings": self.bindings}}


def term_value(term: dict[str, str] | None) -> Any:
    """A SPARQL JSON term as a plain Python value."""
    if term is None:
        return None
    value = term["value"]
    datatype = term.get("datatype")
    if term["type"] in {"literal", "typed-literal"} and datatype in _NUMERIC:
        number = float(value)
        return int(number) if number.is_integer() and "integer" in datatype.lower() else number
    if datatype == XSD + "boolean":
        return value in {"true", "1"}
    return value


def bind_params(query: ReadyQuery, values: dict[str, str]) -> dict[str, ox.NamedNode | ox.Literal]:
    """Typed RDF terms for the question's parameters (defaults filled in)."""
    for name in values:
        query.param(name)  # unknown parameter: a clear error
    bound: dict[str, ox.NamedNode | ox.Literal] = {}
    for p in query.params:
        raw = values.get(p.name, p.default)
        if raw is None:
            raise QueryError(f"question {query.name!r} needs --param {p.name}=VALUE ({p.description})")
        try:
            if p.type == "integer":
                bound[p.name] = ox.Literal(str(int(raw)), datatype=ox.NamedNode(XSD + "integer"))
            elif p.type == "decimal":
                bound[p.name] = ox.Literal(str(float(raw)), datatype=ox.NamedNode(XSD + "decimal"))
            elif p.type == "iri":
                if _BAD_IRI.search(raw) or ":" not in raw:
                    raise ValueError(raw)
                bound[p.name] = ox.NamedNode(raw)
            else:
                bound[p.name] = ox.Literal(raw)
        except ValueError as exc:
            raise QueryError(f"parameter {p.name} of {query.name!r} must be {p.type}, not {raw!r}") from exc
    return bound


def with_prefixes(sparql: str) -> str:
    """Prepend the project's PREFIX lines, so user queries may use pkg:, skos: ..."""
    return sparql_prefixes() + sparql


def run_query(source: SparqlSource, query: ReadyQuery | str, params: dict[str, str] | None = None) -> Result:
    """Answer a ready question (by name or object) with its parameters bound."""
    ready = get_query(query) if isinstance(query, str) else query
    bindings = bind_params(ready, params or {})
    columns, rows = source.select(ready.sparql, bindings)
    return Result(columns, rows)


def run_sparql(source: SparqlSource, sparql: str) -> Result:
    """Answer any SPARQL SELECT or ASK (the project's prefixes are predeclared)."""
    columns, rows = source.select(with_prefixes(sparql), {})
    return Result(columns, rows)
