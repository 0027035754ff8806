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
from decimal import Decimal, InvalidOperation
from typing import Any, Protocol

import pyoxigraph as ox

from policykg.errors import QueryError, StoreError
from policykg.graph.binding import substitute
from policykg.graph.store import TOTALS_FROM, Store
from policykg.graph.totals import totals_version
from policykg.ontology.namespaces import RDF, TOTALS_GRAPH, XSD, sparql_prefixes
from policykg.queries.library import ReadyQuery, get_query, query_form, strip_comments

_INTEGER = {XSD + t for t in ("integer", "int", "long", "short", "byte")}
_INTEGER |= {XSD + t for t in ("nonNegativeInteger", "positiveInteger", "unsignedInt", "unsignedLong")}
_INTEGER |= {XSD + t for t in ("nonPositiveInteger", "negativeInteger", "unsignedShort", "unsignedByte")}
_NUMERIC = _INTEGER | {XSD + t for t in ("decimal", "double", "float")}
_BAD_IRI = re.compile(r'[\s<>"{}|^`\\]')
# A final ORDER BY of plain conditions: ?v, ASC(?v), DESC(?v), STR(?v), DESC(STR(?v)) ...
_CONDITION = r"(?:(?:ASC|DESC)\s*\(\s*)?(?:STR\s*\(\s*)?\?\w+(?:\s*\))*"
_ORDER_BY = re.compile(rf"\bORDER\s+BY((?:\s+{_CONDITION})+)\s*$", re.IGNORECASE)
_ONE_CONDITION = re.compile(r"(?:(ASC|DESC)\s*\(\s*)?(STR\s*\(\s*)?\?(\w+)", re.IGNORECASE)


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
    if "totals" in ready.reads:
        require_totals(source, ready.name)
    if query_form(ready.sparql) in {"CONSTRUCT", "DESCRIBE"}:
        return triples_result(source.construct(substitute(ready.sparql, bindings)))
    if isinstance(source, Store):
        columns, rows = select_sorted_here(source, ready.sparql, bindings)
    else:
        columns, rows = source.select(ready.sparql, bindings)
    return Result(columns, rows)


def require_totals(source: SparqlSource, question: str) -> None:
    """Raise a clear error unless the corpus totals in ``source`` are those of its documents now."""
    _, rows = source.select(
        f"SELECT ?v WHERE {{ GRAPH <{TOTALS_GRAPH}> {{ <{TOTALS_GRAPH}> <{TOTALS_FROM}> ?v }} }}", {}
    )
    if {row["v"]["value"] for row in rows} == {totals_version()}:
        return
    why = (
        "were computed by another version of policykg"
        if rows
        else "are missing or out of date (a build stopped before its end, or documents were written without one)"
    )
    raise StoreError(
        f"{question!r} reads the corpus totals, which {why}: run `policykg build` on the store again,"
        " which recomputes them and reads only what changed (then `policykg push` for a server)"
    )


def select_sorted_here(
    store: Store, sparql: str, bindings: dict[str, ox.NamedNode | ox.Literal]
) -> tuple[list[str], list[dict]]:
    """A SELECT on the embedded store, its final ORDER BY done in Python when that gives the same order.

    Oxigraph compares IRIs and long strings by reading their text from disk at every comparison:
    sorting 250,000 rows by a measure's IRI took 80 s, the query without it 5 s. Python sorts
    the rows it returned with the same rules (SPARQL's order: unbound, blank nodes, IRIs, then
    literals; numbers by value, strings by code point; stable, as Oxigraph's sort is, so ties
    keep the same order). A column this cannot order as Oxigraph does (literals of mixed kinds
    or languages) runs the query with its ORDER BY instead.
    """
    text = strip_comments(sparql).rstrip()
    m = _ORDER_BY.search(text)
    if m is None:
        return store.select(sparql, bindings)
    conditions = [(d, bool(s), v) for d, s, v in _ONE_CONDITION.findall(m.group(1))]
    columns, rows = store.select(text[: m.start()], bindings)
    keys = _sort_keys(columns, rows, conditions)
    if keys is None:
        return store.select(sparql, bindings)
    order = list(range(len(rows)))
    for n in reversed(range(len(conditions))):  # stable sorts, last condition first
        order.sort(key=lambda i, n=n: keys[i][n], reverse=conditions[n][0].upper() == "DESC")
    return columns, [rows[i] for i in order]


def _sort_keys(
    columns: list[str], rows: list[dict], conditions: list[tuple[str, bool, str]]
) -> list[tuple] | None:
    """Each row's sort key per condition, or None if a condition cannot be ordered here as Oxigraph would."""
    per_condition = []
    for _, as_string, var in conditions:
        if var not in columns:
            return None
        keys = []
        # every literal of a column must be of one kind: numbers, or one datatype/language
        literal_kind = None
        for row in rows:
            term = row.get(var)
            if term is None:
                keys.append((0,))
                continue
            if as_string:
                # STR() of an IRI or literal is its text; of a blank node an error, ordered as unbound
                keys.append((0,) if term["type"] == "bnode" else (3, term["value"]))
                continue
            if term["type"] == "bnode":
                keys.append((1,))
            elif term["type"] == "uri":
                keys.append((2, term["value"]))
            else:
                datatype = term.get("datatype")
                if datatype in _NUMERIC:
                    kind = "number"
                    try:
                        value: Any = Decimal(term["value"])
                    except InvalidOperation:
                        return None
                    if not value.is_finite():
                        return None
                elif datatype is None or datatype in {XSD + "string", RDF + "langString"}:
                    kind = ("string", term.get("xml:lang"))
                    value = term["value"]
                else:
                    return None
                if literal_kind not in (None, kind):
                    return None
                literal_kind = kind
                keys.append((3, value))
        per_condition.append(keys)
    return list(zip(*per_condition, strict=True)) if per_condition else [() for _ in rows]


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
