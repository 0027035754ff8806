"""Run ready questions and any SPARQL against the embedded store or a SPARQL server.

Results are kept in the SPARQL 1.1 JSON results form (a list of bindings, each
variable → ``{"type", "value", "datatype" | "xml:lang"}``) whatever the
source, so the embedded store and a server give rows that compare equal.

Parameters are bound as RDF terms: every source replaces each use of the
variable by the term as pyoxigraph serialises and escapes it
(``graph.binding.substitute``), so a value can only ever be one literal or
IRI, and the embedded store and a server run the same text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Protocol

import pyoxigraph as ox

from policykg.errors import QueryError
from policykg.graph.binding import substitute
from policykg.ontology.namespaces import XSD, sparql_prefixes
from policykg.queries.library import ReadyQuery, get_query, query_form

_INTEGER = {XSD + t for t in ("integer", "int", "long", "short", "byte")}
_INTEGER |= {XSD + t for t in ("nonNegativeInteger", "positiveInteger", "unsignedInt", "unsignedLong")}
_INTEGER |= {XSD + t for t in ("nonPositiveInteger", "negativeInteger", "unsignedShort", "unsignedByte")}
_NUMERIC = _INTEGER | {XSD + t for t in ("decimal", "double", "float")}
_BAD_IRI = re.compile(r'[\s<>"{}|^`\\]')


class SparqlSource(Protocol):
    """Anything that answers SPARQL SELECT in the JSON results form, and CONSTRUCT as Turtle."""

    def select(
        self, sparql: str, bindings: dict[str, ox.NamedNode | ox.Literal]
    ) -> tuple[list[str], list[dict]]:
        """Run a SELECT with ``bindings`` for some variables; return (variables, bindings)."""
        ...

    def construct(self, sparql: str) -> bytes:
        """Run a CONSTRUCT or DESCRIBE; return its triples as Turtle."""
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


def term_json(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> dict:
    """A pyoxigraph term in the SPARQL 1.1 JSON results form."""
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != XSD + "string":
            out["datatype"] = term.datatype.value
        return out
    parts = ("subject", "predicate", "object")
    return {"type": "triple", "value": {p: term_json(getattr(term, p)) for p in parts}}


def triples_result(turtle: bytes) -> Result:
    """CONSTRUCT or DESCRIBE triples as rows (subject, predicate, object), sorted and without repeats.

    Sorted so that the same graph from any server gives the same rows.
    """
    triples = {t for t in ox.parse(turtle, format=ox.RdfFormat.TURTLE)}
    ordered = sorted(triples, key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))
    columns = ["subject", "predicate", "object"]
    rows = [{c: term_json(getattr(t, c)) for c in columns} for t in ordered]
    return Result(columns, rows)


def term_value(term: dict[str, str] | None) -> Any:
    """A SPARQL JSON term as a plain Python value."""
    if term is None:
        return None
    value = term["value"]
    datatype = term.get("datatype")
    if term["type"] in {"literal", "typed-literal"} and datatype in _NUMERIC:
        if datatype in _INTEGER:
            return int(value)
        return float(value)
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
    """Answer a ready question (by name or object) with its parameters bound.

    A CONSTRUCT question answers with its triples as rows (subject, predicate, object).
    """
    ready = get_query(query) if isinstance(query, str) else query
    bindings = bind_params(ready, params or {})
    if query_form(ready.sparql) in {"CONSTRUCT", "DESCRIBE"}:
        return triples_result(source.construct(substitute(ready.sparql, bindings)))
    columns, rows = source.select(ready.sparql, bindings)
    return Result(columns, rows)


def run_sparql(source: SparqlSource, sparql: str) -> Result:
    """Answer any SPARQL query (the project's prefixes are predeclared); CONSTRUCT gives triple rows."""
    if query_form(sparql) in {"CONSTRUCT", "DESCRIBE"}:
        return triples_result(source.construct(with_prefixes(sparql)))
    columns, rows = source.select(with_prefixes(sparql), {})
    return Result(columns, rows)


def construct_turtle(source: SparqlSource, sparql: str) -> bytes:
    """Any CONSTRUCT or DESCRIBE query's triples as Turtle (the project's prefixes are predeclared)."""
    if query_form(sparql) not in {"CONSTRUCT", "DESCRIBE"}:
        raise QueryError("--format turtle is for CONSTRUCT and DESCRIBE queries")
    return source.construct(with_prefixes(sparql))
