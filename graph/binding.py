"""Bind query parameters as RDF terms in the query text.

pyoxigraph's own substitution only applies to projected variables, and SPARQL
servers have none, so one mechanism serves both: a bound variable is replaced
by its term serialised as N-Triples (pyoxigraph escapes quotes, backslashes
and newlines), so a value can only ever become one RDF term, never SPARQL.
Strings, IRIs and comments of the query are left alone.
"""

from __future__ import annotations

import re

import pyoxigraph as ox

_TOKENS = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""'
    r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"(?:[^"\\\n]|\\.)*"'
    r"|'(?:[^'\\\n]|\\.)*'"
    r'|<[^\s<>"{}|^`\\]*>'
    r"|#[^\n]*"
    r"|[?$](?P<var>[A-Za-z_][A-Za-z0-9_]*)"
)


def substitute(sparql: str, bindings: dict[str, ox.NamedNode | ox.Literal]) -> str:
    """Replace bound variables by their terms, serialised and escaped as N-Triples.

    For SPARQL servers, which have no substitution API. A value can only ever
    become one RDF term: its quotes and backslashes are escaped by pyoxigraph.
    """

    def repl(m: re.Match) -> str:
        var = m.group("var")
        if var is not None and var in bindings:
            return str(bindings[var])
        return m.group(0)

    return _TOKENS.sub(repl, sparql)
