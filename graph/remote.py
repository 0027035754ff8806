"""A SPARQL 1.1 server as the store, through SPARQLWrapper.

Queries go to the query endpoint; parameters are substituted as escaped RDF
terms (servers have no substitution API). Full IRIs are sent, not prefixed
names with ``/`` in them, which some servers reject.

``push`` copies every named graph of the embedded store to a server. Through
the update endpoint: per graph, ``DROP SILENT GRAPH`` and then ``INSERT DATA``
inside a ``GRAPH`` clause (Virtuoso accepts no other form), in chunks. Through
the SPARQL 1.1 Graph Store Protocol, when the server has one: one ``PUT`` of
N-Triples per graph, which replaces it (ten times quicker on Virtuoso, whose
SPARQL compiler takes a second or more per thousand inserted triples). Either
way a second push replaces each graph again, so it leaves the same triples.
"""

from __future__ import annotations

import base64
import re
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import pyoxigraph as ox
from SPARQLWrapper import DIGEST, JSON, POST, TURTLE, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException, Unauthorized

from policykg.errors import QueryError, StoreError
from policykg.graph.binding import substitute
from policykg.graph.store import Store
from policykg.ontology.namespaces import XSD

# Comments, and the strings and IRIs a # may sit in without starting one.
_COMMENT_TOKENS = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""'
    r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"(?:[^"\\\n]|\\.)*"'
    r"|'(?:[^'\\\n]|\\.)*'"
    r'|<[^\s<>"{}|^`\\]*>'
    r"|(?P<comment>#[^\n]*)"
)


def strip_comments(sparql: str) -> str:
    """The query without its comments.

    SPARQLWrapper guesses a query's form from its first keyword and does not
    skip every comment line: a ready question's header mentioning
    ``clear_water`` made it send a SELECT as an update (``CLEAR``).
    """
    return _COMMENT_TOKENS.sub(lambda m: "" if m.group("comment") else m.group(0), sparql)


# Per INSERT DATA request: small enough for Virtuoso's SQL compiler and for
# servers' request-size limits, large enough that a push is a few requests per document.
CHUNK_TRIPLES = 1000
CHUNK_CHARS = 400_000


@dataclass(frozen=True, slots=True)
class PushedGraph:
    """One graph copied to a server: its IRI, triples sent and requests made."""

    iri: str
    triples: int
    requests: int


class Endpoint:
    """A remote SPARQL server: query URL, optional update and graph store URLs, and credentials."""

    def __init__(
        self,
        query_url: str,
        update_url: str | None = None,
        *,
        graph_store_url: str | None = None,
        user: str | None = None,
        password: str | None = None,
        timeout: int = 120,
    ) -> None:
        self.query_url = query_url
        self.update_url = update_url
        self.graph_store_url = graph_store_url
        self.user = user
        self.password = password
        self.timeout = timeout

    def _wrapper(self, url: str) -> SPARQLWrapper:
        wrapper = SPARQLWrapper(url)
        wrapper.setTimeout(self.timeout)
        wrapper.setMethod(POST)
        if self.user is not None:
            wrapper.setHTTPAuth(DIGEST)
            wrapper.setCredentials(self.user, self.password or "")
        return wrapper

    def _run(self, wrapper: SPARQLWrapper, url: str, convert: bool = True):
        """Send the request; server problems become one clear policykg error.

        An answer that `policykg serve` cut at its row limit is an error too:
        a ready question's rows are all of them or none.
        """
        try:
            result = wrapper.query()
            headers = result.info()
            if headers.get("policykg-truncated") == "true":
                limit = headers.get("policykg-max-rows")
                raise QueryError(
                    f"{url}: the server cut the answer at its row limit of {limit} rows "
                    "(start `policykg serve` with a higher --max-rows, or ask for fewer rows)"
                )
            return result.convert() if convert else result.response.read()
        except Unauthorized as exc:
            raise StoreError(f"{url}: the server wants other credentials (--user, --password)") from exc
        except SPARQLWrapperException as exc:
            detail = " ".join(str(exc).split())[:500]
            raise QueryError(f"{url}: the server refused the request ({detail})") from exc
        except urllib.error.HTTPError as exc:
            body = exc.read().decode("utf-8", "replace")
            detail = " ".join(body.split())[:500]
            raise QueryError(f"{url}: the server answered HTTP {exc.code} ({detail})") from exc
        except OSError as exc:
            raise StoreError(f"{url}: cannot reach the SPARQL server ({exc})") from exc

    def select(
        self, sparql: str, bindings: dict[str, ox.NamedNode | ox.Literal]
    ) -> tuple[list[str], list[dict]]:
        """A SELECT or ASK in the SPARQL 1.1 JSON results form: (variables, bindings)."""
        wrapper = self._wrapper(self.query_url)
        wrapper.setQuery(strip_comments(substitute(sparql, bindings)))
        wrapper.setReturnFormat(JSON)
        doc = self._run(wrapper, self.query_url)
        if not isinstance(doc, dict) or ("boolean" not in doc and "results" not in doc):
            raise QueryError(
                f"{self.query_url}: expected SELECT or ASK results; use `--format turtle` for CONSTRUCT"
            )
        if "boolean" in doc:
            value = {"type": "literal", "value": str(doc["boolean"]).lower(), "datatype": XSD + "boolean"}
            return ["ask"], [{"ask": value}]
        return doc["head"]["vars"], doc["results"]["bindings"]

    def construct(self, sparql: str) -> bytes:
        """A CONSTRUCT or DESCRIBE query's triples as Turtle."""
        wrapper = self._wrapper(self.query_url)
        wrapper.setQuery(strip_comments(sparql))
        wrapper.setReturnFormat(TURTLE)
        return self._run(wrapper, self.query_url, convert=False)

    def update(self, sparql: str) -> None:
        """Run a SPARQL 1.1 Update on the update endpoint."""
        if not self.update_url:
            raise StoreError(f"{self.query_url}: no update endpoint given (--update-endpoint URL)")
        wrapper = self._wrapper(self.update_url)
        wrapper.setQuery(sparql)
        self._run(wrapper, self.update_url, convert=False)

    def push(
        self, store: Store, *, progress: Callable[[PushedGraph], None] | None = None
    ) -> list[PushedGraph]:
        """Copy every named graph of ``store`` to the server, replacing what it had under that name.

        One graph after the other (Virtuoso deadlocks on graphs written in
        parallel); then the query endpoint counts each graph's triples, and a
        graph that did not arrive whole is a StoreError.
        """
        graphs = sorted(store.graphs())
        pushed = []
        for iri in graphs:
            done = self._push_graph(iri, list(store.quads(iri)))
            pushed.append(done)
            if progress is not None:
                progress(done)
        held = self.graph_sizes(graphs)
        wrong = [(p.iri, p.triples, held.get(p.iri, 0)) for p in pushed if held.get(p.iri, 0) != p.triples]
        if wrong:
            detail = "; ".join(f"{iri}: sent {sent}, it holds {got}" for iri, sent, got in wrong)
            raise StoreError(f"{self.query_url}: the server does not hold what was pushed ({detail})")
        return pushed

    def _push_graph(self, iri: str, quads: list[ox.Quad]) -> PushedGraph:
        if self.graph_store_url:
            self.put_graph(iri, quads)
            return PushedGraph(iri, len(quads), 1)
        chunks = list(chunk_triples(quads))
        drop = f"DROP SILENT GRAPH <{iri}>"
        if not chunks:
            self.update(drop)
            return PushedGraph(iri, 0, 1)
        # The first chunk travels with the DROP: a small graph is replaced in one request.
        for i, chunk in enumerate(chunks):
            insert = chunk.update(iri)
            self.update(f"{drop} ;\n{insert}" if i == 0 else insert)
        return PushedGraph(iri, sum(chunk.triples for chunk in chunks), len(chunks))

    def put_graph(self, iri: str, quads: list[ox.Quad]) -> None:
        """Replace one graph through the Graph Store Protocol (``PUT ...?graph=IRI``)."""
        assert self.graph_store_url
        url = f"{self.graph_store_url}{'&' if '?' in self.graph_store_url else '?'}"
        url += urllib.parse.urlencode({"graph": iri})
        body = "".join(f"{q.subject} {q.predicate} {q.object} .\n" for q in quads).encode("utf-8")
        headers = {"Content-Type": "application/n-triples"}
        try:
            if self.user is not None:
                headers["Authorization"] = self._authorization(url, "PUT")
            request = urllib.request.Request(url, data=body, headers=headers, method="PUT")
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                response.read()
        except urllib.error.HTTPError as exc:
            if exc.code == 401:
                raise StoreError(f"{url}: the server wants other credentials (--user, --password)") from exc
            detail = " ".join(exc.read().decode("utf-8", "replace").split())[:500]
            raise QueryError(f"{url}: the server answered HTTP {exc.code} ({detail})") from exc
        except OSError as exc:
            raise StoreError(f"{url}: cannot reach the graph store ({exc})") from exc

    def _authorization(self, url: str, method: str) -> str:
        """The Authorization header for one request, from the server's challenge.

        Asked for before the request: a server that refuses a large body
        unauthenticated closes the connection while it is still being sent.
        """
        try:
            with urllib.request.urlopen(urllib.request.Request(url, method="HEAD"), timeout=self.timeout):
                return ""  # no authentication asked for
        except urllib.error.HTTPError as exc:
            challenge = exc.headers.get("WWW-Authenticate", "")
            if exc.code != 401 or not challenge:
                return ""
        scheme, _, params = challenge.partition(" ")
        if scheme.lower() == "basic":
            token = base64.b64encode(f"{self.user}:{self.password or ''}".encode()).decode()
            return f"Basic {token}"
        passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
        passwords.add_password(None, url, self.user, self.password or "")
        digest = urllib.request.HTTPDigestAuthHandler(passwords)
        fields = urllib.request.parse_keqv_list(urllib.request.parse_http_list(params))
        header = digest.get_authorization(urllib.request.Request(url, method=method), fields)
        if header is None:
            raise StoreError(f"{url}: cannot answer the server's {scheme} authentication")
        return f"Digest {header}"

    def graph_sizes(self, graphs: list[str]) -> dict[str, int]:
        """Triples in each of these named graphs on the server (graphs it lacks are left out)."""
        values = " ".join(f"<{g}>" for g in graphs)
        _, rows = self.select(
            f"SELECT ?g (COUNT(*) AS ?n) WHERE {{ VALUES ?g {{ {values} }} GRAPH ?g {{ ?s ?p ?o }} }} GROUP BY ?g",
            {},
        )
        return {r["g"]["value"]: int(r["n"]["value"]) for r in rows}


@dataclass(frozen=True, slots=True)
class Chunk:
    """Some triples of one graph as N-Triples lines, and whether they hold blank nodes."""

    text: str
    triples: int
    blank_nodes: bool

    def update(self, graph_iri: str) -> str:
        """The SPARQL update that adds these triples to the graph.

        ``INSERT DATA`` where it can; blank nodes go through an ``INSERT ...
        WHERE {}`` template, the standard form that Virtuoso also accepts
        (it refuses blank nodes in ``INSERT DATA``).
        """
        body = f"GRAPH <{graph_iri}> {{\n{self.text}\n}}"
        return f"INSERT {{ {body} }} WHERE {{ }}" if self.blank_nodes else f"INSERT DATA {{ {body} }}"


def chunk_triples(quads: Iterable[ox.Quad]) -> Iterable[Chunk]:
    """The quads' triples in chunks small enough for one request each.

    Blank-node labels only hold within one request, so every triple that
    shares a blank node (directly or through others: an OWL list) travels in
    the same chunk; such chunks hold no other triples.
    """
    lines = []
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for q in quads:
        nodes = [str(t) for t in (q.subject, q.object) if isinstance(t, ox.BlankNode)]
        for other in nodes[1:]:
            a, b = find(nodes[0]), find(other)
            if a != b:
                parent[b] = a
        lines.append((f"{q.subject} {q.predicate} {q.object} .", nodes[0] if nodes else None))
    plain = [line for line, node in lines if node is None]
    components: dict[str, list[str]] = {}
    for line, node in lines:
        if node is not None:
            components.setdefault(find(node), []).append(line)
    yield from _pack([[line] for line in plain], blank_nodes=False)
    yield from _pack(list(components.values()), blank_nodes=True)


def _pack(groups: list[list[str]], *, blank_nodes: bool) -> Iterable[Chunk]:
    text: list[str] = []
    size = 0
    for group in groups:
        if text and (len(text) + len(group) > CHUNK_TRIPLES or size > CHUNK_CHARS):
            yield Chunk("\n".join(text), len(text), blank_nodes)
            text, size = [], 0
        text.extend(group)
        size += sum(len(line) for line in group)
    if text:
        yield Chunk("\n".join(text), len(text), blank_nodes)
