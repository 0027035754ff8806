"""A SPARQL 1.1 server as the store, through SPARQLWrapper.

Queries go to the query endpoint; parameters are substituted as escaped RDF
terms (servers have no substitution API). Full IRIs are sent, not prefixed
names with ``/`` in them, which some servers reject.
"""

from __future__ import annotations

import re

import pyoxigraph as ox
from SPARQLWrapper import DIGEST, JSON, POST, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

from policykg.errors import QueryError, StoreError

# Strings, IRIs and comments are skipped so that only real variables are replaced.
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


class Endpoint:
    """A remote SPARQL server: query URL, optional update URL and credentials."""

    def __init__(
        self,
        query_url: str,
        update_url: str | None = None,
        *,
        user: str | None = None,
        password: str | None = None,
        timeout: int = 120,
    ) -> None:
        self.query_url = query_url
        self.update_url = update_url
        self.user = user
        self.password = password
        self.timeout = timeout

    def _wrapper(self, url: str) -> SPARQLWrapper:
        wrapper = SPARQLWrapper(url)
        wrapper.setTimeout(self.timeout)
        if self.user is not None:
            wrapper.setHTTPAuth(DIGEST)
            wrapper.setCredentials(self.user, self.password or "")
        return wrapper

    def select(
        self, sparql: str, bindings: dict[str, ox.NamedNode | ox.Literal]
    ) -> tuple[list[str], list[dict]]:
        """A SELECT or ASK in the SPARQL 1.1 JSON results form: (variables, bindings)."""
        wrapper = self._wrapper(self.query_url)
        wrapper.setQuery(substitute(sparql, bindings))
        wrapper.setReturnFormat(JSON)
        wrapper.setMethod(POST)
        try:
            doc = wrapper.queryAndConvert()
        except SPARQLWrapperException as exc:
            raise QueryError(f"{self.query_url}: the server refused the query ({exc})") from exc
        except OSError as exc:
            raise StoreError(f"{self.query_url}: cannot reach the SPARQL server ({exc})") from exc
        if "boolean" in doc:
            value = {"type": "literal", "value": str(doc["boolean"]).lower()}
            return ["ask"], [{"ask": value}]
        return doc["head"]["vars"], doc["results"]["bindings"]
