"""`policykg serve`: the SPARQL 1.1 Protocol over the store, its limits, and the query editor in Chromium.

The server runs as a user runs it (a subprocess on a free port of 127.0.0.1)
over the bundled plans; the editor is driven in Debian's headless Chromium.
"""

from __future__ import annotations

import gc
import json
import re
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import pytest
from servers import comparable, policykg_server, quiet_copy

from policykg.config import bundled_corpus
from policykg.errors import QueryError
from policykg.graph.remote import Endpoint
from policykg.graph.store import Store
from policykg.pipeline import build
from policykg.queries.library import ready_queries
from policykg.queries.run import run_query, run_sparql

FIVE_PLACES = {"福州市", "泉州市", "衢州市", "衡阳市", "鹿城区"}
PREFIXES = "PREFIX pkg: <https://w3id.org/policykg/ontology#>\nPREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
DOCUMENTS = "SELECT ?d WHERE { ?d a pkg:PolicyDocument } ORDER BY ?d"
PLACES = PREFIXES + "CONSTRUCT { ?r rdfs:label ?l } WHERE { ?r a pkg:Prefecture ; rdfs:label ?l }"
# Millions of combinations: runs far past any time limit.
ENDLESS = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")

    @property
    def type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0]


def http(
    url: str, *, data: bytes | None = None, headers: dict[str, str] | None = None, method: str | None = None
) -> Reply:
    """One HTTP request; any status comes back as a Reply."""
    request = urllib.request.Request(url, data=data, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return Reply(
                response.status, {k.lower(): v for k, v in response.headers.items()}, response.read()
            )
    except urllib.error.HTTPError as exc:
        return Reply(exc.code, {k.lower(): v for k, v in exc.headers.items()}, exc.read())


def get(base: str, query: str, accept: str | None = None, **params: str) -> Reply:
    args = urllib.parse.urlencode({"query": query, **params})
    return http(f"{base}/sparql?{args}", headers={"Accept": accept} if accept else None)


def post_form(base: str, accept: str | None = None, **fields: str) -> Reply:
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    if accept:
        headers["Accept"] = accept
    return http(f"{base}/sparql", data=urllib.parse.urlencode(fields).encode(), headers=headers)


@pytest.fixture(scope="module")
def served(store, tmp_path_factory) -> Path:
    """The bundled plans in a store no process writes to while it is served."""
    return quiet_copy(store, tmp_path_factory.mktemp("served"))


@pytest.fixture(scope="module")
def serve(served, tmp_path_factory) -> Iterator[str]:
    """`policykg serve` over the bundled plans, with its default limits."""
    with policykg_server(served, tmp_path_factory.mktemp("serve"), "--quiet") as base:
        yield base


@pytest.fixture(scope="module")
def strict(served, tmp_path_factory) -> Iterator[str]:
    """A server that allows 3 rows and 2 seconds per query, with one worker."""
    folder = tmp_path_factory.mktemp("strict")
    with policykg_server(
        served, folder, "--max-rows", "3", "--timeout", "2", "--workers", "1", "--quiet"
    ) as base:
        yield base


# -- the protocol ----------------------------------------------------------------------
def test_select_in_every_results_format(serve):
    as_json = get(serve, DOCUMENTS, "application/sparql-results+json")
    assert as_json.status == 200 and as_json.type == "application/sparql-results+json"
    docs = [b["d"]["value"] for b in json.loads(as_json.body)["results"]["bindings"]]
    assert len(docs) == 5 and docs == sorted(docs)
    as_csv = get(serve, DOCUMENTS, "text/csv")
    assert as_csv.type == "text/csv" and as_csv.text.splitlines() == ["d", *docs]
    for accept, fmt in [
        ("text/tab-separated-values", ox.QueryResultsFormat.TSV),
        ("application/sparql-results+xml", ox.QueryResultsFormat.XML),
    ]:
        reply = get(serve, DOCUMENTS, accept)
        assert reply.type == accept
        assert [s["d"].value for s in ox.parse_query_results(reply.body, fmt)] == docs
    # q-values decide: CSV preferred over JSON
    assert get(serve, DOCUMENTS, "application/json;q=0.5, text/csv").type == "text/csv"
    assert get(serve, DOCUMENTS, "image/png").status == 406
    assert get(serve, DOCUMENTS, format="tsv").type == "text/tab-separated-values"
    assert json.loads(get(serve, "ASK { ?d a pkg:PolicyDocument }").body)["boolean"] is True


def test_post_as_form_and_as_query_body(serve):
    expected = json.loads(get(serve, DOCUMENTS, "application/json").body)
    form = post_form(serve, "application/json", query=DOCUMENTS)
    body = http(
        f"{serve}/sparql",
        data=DOCUMENTS.encode(),
        headers={"Content-Type": "application/sparql-query", "Accept": "application/json"},
    )
    assert form.status == body.status == 200
    assert json.loads(form.body) == json.loads(body.body) == expected


def test_construct_in_every_graph_format(serve):
    turtle = get(serve, PLACES, "text/turtle")
    assert turtle.status == 200 and turtle.type == "text/turtle"
    expected = set(ox.parse(turtle.body, format=ox.RdfFormat.TURTLE))
    assert {t.object.value for t in expected} == {"福州市", "泉州市", "衢州市", "衡阳市", "温州市"}
    for accept, fmt in [
        ("application/n-triples", ox.RdfFormat.N_TRIPLES),
        ("application/rdf+xml", ox.RdfFormat.RDF_XML),
        ("application/ld+json", ox.RdfFormat.JSON_LD),
    ]:
        reply = get(serve, PLACES, accept)
        assert reply.type == accept
        assert set(ox.parse(reply.body, format=fmt)) == expected
    assert get(serve, PLACES, "text/csv").status == 406  # no table form for a graph


def test_updates_are_refused_and_change_nothing(serve):
    drop = "DROP ALL"
    insert = "INSERT DATA { <http://example.org/a> <http://example.org/b> <http://example.org/c> }"
    replies = [
        post_form(serve, update=drop),
        http(f"{serve}/sparql", data=drop.encode(), headers={"Content-Type": "application/sparql-update"}),
        post_form(serve, query=insert),
        get(serve, "# a comment first\nPREFIX ex: <http://example.org/>\nDELETE WHERE { ?s ?p ?o }"),
    ]
    for reply in replies:
        assert reply.status == 403
        assert "read-only" in reply.text and "UPDATE" in reply.text
    assert http(f"{serve}/sparql", data=b"x", method="PUT").status == 405
    assert len(json.loads(get(serve, DOCUMENTS).body)["results"]["bindings"]) == 5


def test_bad_queries_are_clear_errors(serve):
    broken = get(serve, "SELECT ?x WHERE { ?x ")
    assert broken.status == 400 and "syntax error" in broken.text
    assert get(serve, DOCUMENTS, format="png").status == 400
    assert get(serve, DOCUMENTS, **{"max-rows": "many"}).status == 400
    assert http(f"{serve}/nowhere").status == 404


def test_service_description(serve):
    reply = http(f"{serve}/sparql", headers={"Accept": "text/turtle"})
    assert reply.status == 200
    graph = {(t.predicate.value, t.object.value) for t in ox.parse(reply.body, format=ox.RdfFormat.TURTLE)}
    sd = "http://www.w3.org/ns/sparql-service-description#"
    assert (sd + "feature", sd + "UnionDefaultGraph") in graph
    assert (sd + "supportedLanguage", sd + "SPARQL11Query") in graph


def test_every_ready_question_answers_as_in_the_embedded_store(serve, store):
    endpoint = Endpoint(f"{serve}/sparql")
    for name in ready_queries():
        assert comparable(run_query(endpoint, name).rows) == comparable(run_query(store, name).rows), name


# -- limits ----------------------------------------------------------------------------
def test_row_limit_can_be_lowered_not_raised(strict):
    many = "SELECT ?s WHERE { ?s a pkg:Measure } ORDER BY ?s"
    capped = get(strict, many, "application/json")
    assert len(json.loads(capped.body)["results"]["bindings"]) == 3
    assert capped.headers["policykg-truncated"] == "true" and capped.headers["policykg-max-rows"] == "3"
    lower = get(strict, many, "application/json", **{"max-rows": "2"})
    assert len(json.loads(lower.body)["results"]["bindings"]) == 2
    higher = get(strict, many, "application/json", **{"max-rows": "1000"})
    assert len(json.loads(higher.body)["results"]["bindings"]) == 3
    assert higher.headers["policykg-max-rows"] == "3"
    whole = get(strict, DOCUMENTS + " LIMIT 2", "application/json")
    assert whole.headers["policykg-truncated"] == "false"
    triples = get(strict, "CONSTRUCT WHERE { ?s a pkg:Measure }", "application/n-triples")
    assert len(triples.text.strip().splitlines()) == 3
    # a ready question asked through --endpoint gets all its rows or an error, never a part
    with pytest.raises(QueryError, match="row limit of 3 rows"):
        run_query(Endpoint(f"{strict}/sparql"), "documents")
    few = run_sparql(Endpoint(f"{strict}/sparql"), "SELECT ?d WHERE { ?d a pkg:PolicyDocument } LIMIT 3")
    assert len(few.rows) == 3


def test_time_limit_can_be_lowered_not_raised(strict):
    started = time.monotonic()
    stopped = get(strict, ENDLESS, **{"timeout": "0.5"})
    assert stopped.status == 503 and "time limit of 0.5 s" in stopped.text
    assert time.monotonic() - started < 1.5
    started = time.monotonic()
    capped = get(strict, ENDLESS, **{"timeout": "600"})
    assert capped.status == 503 and "time limit of 2 s" in capped.text
    assert capped.headers["policykg-timeout"] == "2"
    assert time.monotonic() - started < 4
    # the worker that was stopped is replaced: the server answers at once
    assert get(strict, "ASK { ?d a pkg:PolicyDocument }").status == 200


def test_a_running_server_answers_from_the_newest_build(tmp_path):
    plans = bundled_corpus()
    path = tmp_path / "store"
    assert build(plans[:1], Store(path), workers=1).ok
    gc.collect()  # the build's store is closed, as when `policykg build` ends
    count = "SELECT (COUNT(?d) AS ?n) WHERE { ?d a pkg:PolicyDocument }"
    with policykg_server(path, tmp_path, "--quiet", "--workers", "1") as base:
        assert get(base, count, "text/csv").text.split() == ["n", "1"]
        assert build(plans[1:3], Store(path), workers=1).ok
        gc.collect()
        assert get(base, count, "text/csv").text.split() == ["n", "3"]


# -- the ready questions for the editor --------------------------------------------------
def test_questions_api_binds_parameters_as_terms(serve):
    listed = json.loads(http(f"{serve}/api/questions").body)
    ready_queries.cache_clear()  # the questions on disk now, as the server read them
    assert {q["name"] for q in listed} == set(ready_queries())
    voc = next(q for q in listed if q["name"] == "voc-cities")
    assert voc["params"][0]["name"] == "pollutant" and voc["params"][0]["default"] == "VOCs"
    shared = next(q for q in listed if q["name"] == "shared-responsibility-by-place")
    assert shared["network"]["source"] == "function_a" and shared["network"]["weight"] == "measures"
    hostile = 'VOCs" } } ; DROP ALL ; SELECT * WHERE { ?s ?p ?o . FILTER("x'
    bound = json.loads(
        http(f"{serve}/api/questions/voc-cities?" + urllib.parse.urlencode({"pollutant": hostile})).body
    )
    assert (
        str(ox.Literal(hostile)) in bound["sparql"]
        and "?pollutant" not in bound["sparql"].split("WHERE", 1)[1]
    )
    answer = post_form(serve, "application/json", query=bound["sparql"])
    assert answer.status == 200 and json.loads(answer.body)["results"]["bindings"] == []
    assert len(json.loads(get(serve, DOCUMENTS).body)["results"]["bindings"]) == 5
    wrong = http(f"{serve}/api/questions/voc-cities?polutant=NOx")
    assert wrong.status == 400 and "no parameter 'polutant'" in json.loads(wrong.body)["error"]


def test_front_page_uses_no_outside_assets(serve):
    page = http(f"{serve}/")
    assert page.status == 200 and page.type == "text/html"
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", page.text)
    for asset, kind in (("/static/app.js", "text/javascript"), ("/static/app.css", "text/css")):
        assert asset in page.text
        reply = http(serve + asset)
        assert reply.status == 200 and reply.type == kind
        assert not re.search(r"""(?:fetch\(|import|url\()\s*["'`]?(?:https?:)?//""", reply.text)
    assert http(f"{serve}/static/../server.py").status == 404
    assert http(f"{serve}/static/nothing.js").status == 404


# -- the editor in a real browser ----------------------------------------------------------


@pytest.fixture
def page(browser, serve):
    context = browser.new_context()
    page = context.new_page()
    outside: list[str] = []
    page.on("request", lambda r: None if r.url.startswith(serve) else outside.append(r.url))
    page.goto(serve + "/")
    page.wait_for_selector("#question option[value='voc-cities']", state="attached")
    yield page
    assert outside == [], outside  # nothing but the server: no CDN, no font service
    context.close()


def column(page, name: str) -> list[str]:
    headers = page.locator("#results thead th").all_inner_texts()
    i = headers.index(name)
    return page.locator(f"#results tbody tr td:nth-child({i + 1})").all_inner_texts()


def run_and_wait(page) -> str:
    """Run the editor's query and wait for its answer; the status line of that answer.

    The wait ends on an error too (an HTTP status in the line), so that a failed run fails
    with its message instead of a timeout; the run sets "running…" first, so a previous
    answer's line cannot end the wait.
    """
    page.click("#run")
    page.wait_for_function(
        "(s => s.textContent.includes(' in ') || s.classList.contains('error'))(document.querySelector('#status'))",
        timeout=60_000,
    )
    status = page.inner_text("#status")
    assert " in " in status, f"the run failed: {status}"
    return status


def test_editor_runs_a_ready_question(page):
    page.select_option("#question", "voc-cities")
    page.wait_for_function("document.querySelector('#editor').value.includes('\"VOCs\"')")
    assert page.inner_text("#description") == ready_queries()["voc-cities"].description
    status = run_and_wait(page)
    places = column(page, "place")
    assert set(places) == FIVE_PLACES
    assert status.startswith(f"{len(places)} rows")
    sentences = column(page, "sentence")
    assert all("VOCs" in s or "挥发性有机" in s for s in sentences)
    # another value of the parameter
    page.fill("input[data-param='pollutant']", "NOx")
    page.dispatch_event("input[data-param='pollutant']", "change")
    page.wait_for_function("document.querySelector('#editor').value.includes('\"NOx\"')")
    run_and_wait(page)
    assert all("氮氧化物" in s or "NOx" in s for s in column(page, "sentence"))


def test_editor_draws_a_network_and_a_construct_graph(page, store):
    page.select_option("#question", "shared-responsibility")
    page.wait_for_function("document.querySelector('#editor').value.includes('pkg:PairTotal')")
    run_and_wait(page)
    pairs = list(zip(column(page, "function_a"), column(page, "function_b"), strict=True))
    page.click("#view-graph")
    page.wait_for_selector("#graph circle")
    functions = {f for pair in pairs for f in pair}
    assert page.locator("#graph circle").count() == len(functions)
    assert page.locator("#graph line").count() == len(pairs)
    assert page.eval_on_selector("#graph-source", "e => e.value") == "function_a"
    # a CONSTRUCT question: triples in the table, nodes with their labels in the graph
    page.click("#view-table")
    page.select_option("#question", "place-graph")
    page.wait_for_function("document.querySelector('#editor').value.includes('CONSTRUCT')")
    status = run_and_wait(page)
    assert page.locator("#results thead th").all_inner_texts() == ["subject", "predicate", "object"]
    assert status.startswith(f"{len(run_query(store, 'place-graph').rows)} triples")
    page.click("#view-graph")
    page.wait_for_selector("#graph circle")
    labels = page.locator("#graph text").all_text_contents()
    assert "福州市" in labels and "福建省" in labels
    assert "2021年福州市生态环境保护工作要点" in labels


def test_editor_shows_a_refused_update(page):
    page.fill("#editor", "DROP ALL")
    page.click("#run")
    page.wait_for_function("document.querySelector('#status').classList.contains('error')")
    assert "403" in page.inner_text("#status") and "read-only" in page.inner_text("#status")
