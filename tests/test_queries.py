"""Ready questions on the bundled plans, parameter binding, output formats."""

from __future__ import annotations

import csv
import io
import json
import re
from itertools import combinations

import pyoxigraph as ox
import pytest

from policykg.errors import QueryError
from policykg.graph.binding import substitute
from policykg.queries.library import parse_query, query_form, ready_queries
from policykg.queries.output import render
from policykg.queries.run import bind_params, construct_turtle, run_query, run_sparql, term_value

FIVE_PLACES = {"福州市", "泉州市", "衢州市", "衡阳市", "鹿城区"}
NOT_BODIES = {"enterprise", "public", "expert", "other"}


def test_every_ready_question_is_documented():
    queries = ready_queries()
    assert {"voc-cities", "shared-responsibility"} <= set(queries)
    for q in queries.values():
        assert q.title and q.description, q.name


def test_voc_cities_lists_all_five_places_with_sentences(store):
    result = run_query(store, "voc-cities")
    frame = result.to_frame()
    assert set(frame["place"]) == FIVE_PLACES
    for row in frame.itertuples():
        assert "VOCs" in row.sentence or "挥发性有机" in row.sentence, row.sentence


def test_voc_cities_takes_another_pollutant(store):
    frame = run_query(store, "voc-cities", {"pollutant": "NOx"}).to_frame()
    assert len(frame) > 0
    assert all("氮氧化物" in s or "NOx" in s for s in frame["sentence"])
    # a Chinese name of the pollutant works as well as its notation
    by_label = run_query(store, "voc-cities", {"pollutant": "氮氧化物"}).to_frame()
    assert sorted(by_label["sentence"]) == sorted(frame["sentence"])


def test_broader_pollutant_finds_narrower_measures(store):
    heavy = set(run_query(store, "voc-cities", {"pollutant": "heavy_metals"}).to_frame()["sentence"])
    thallium = set(run_query(store, "voc-cities", {"pollutant": "Tl"}).to_frame()["sentence"])
    assert thallium and thallium <= heavy


def test_injection_is_data(store):
    hostile = 'VOCs" } } ; DROP ALL ; SELECT * WHERE { ?s ?p ?o . FILTER("x'
    frame = run_query(store, "voc-cities", {"pollutant": hostile}).to_frame()
    assert len(frame) == 0
    assert len(run_query(store, "voc-cities").to_frame()) > 0  # nothing was dropped
    query = ready_queries()["voc-cities"]
    text = substitute(query.sparql, bind_params(query, {"pollutant": hostile}))
    uses = len(re.findall(r"\?pollutant\b", query.sparql))
    assert uses >= 1 and text.count(str(ox.Literal(hostile))) == uses  # every use became one literal
    assert store.select(text, {})[1] == []  # the substituted text is still one harmless query


def test_unknown_parameter_and_question_are_clear_errors(store):
    with pytest.raises(QueryError, match="no parameter 'polutant'"):
        run_query(store, "voc-cities", {"polutant": "NOx"})
    with pytest.raises(QueryError, match="no ready question"):
        run_query(store, "no-such-question")


def test_integer_parameter_is_checked():
    q = parse_query("# title: t\n# param: year:integer = 2021 | a year\nSELECT ?x WHERE { ?x ?p ?year }", "t")
    assert bind_params(q, {})["year"].value == "2021"
    with pytest.raises(QueryError, match="must be integer"):
        bind_params(q, {"year": "2021) } DROP ALL"})


def gold_pairs(gold: dict[str, dict]) -> set[tuple[str, str]]:
    """Function pairs that the hand annotations show sharing the work of one clause."""
    pairs = set()
    for doc in gold.values():
        by_clause: dict[str, set[str]] = {}
        for a in doc["actors"]:
            if a["role"] in {"lead", "cooperate", "joint"} and a["canonical"] not in NOT_BODIES:
                by_clause.setdefault(a["clause"], set()).add(a["canonical"])
        for functions in by_clause.values():
            pairs.update(combinations(sorted(functions), 2))
    return pairs


def test_shared_responsibility_has_the_pairs_of_the_gold(store, gold):
    frame = run_query(store, "shared-responsibility").to_frame()
    found = set(zip(frame["function_a"], frame["function_b"], strict=True))
    expected = gold_pairs(gold)
    assert expected, "the gold shows departments acting together"
    missing = expected - found
    assert len(missing) <= len(expected) * 0.2, sorted(missing)
    assert (frame["measures"] >= 1).all() and frame["places"].str.len().gt(0).all()


def test_sparql_command_form(store):
    result = run_sparql(store, "SELECT (COUNT(*) AS ?n) WHERE { ?d a pkg:PolicyDocument }")
    assert result.rows == [(5,)]
    ask = run_sparql(store, "ASK { ?m a pkg:Measure }")
    assert ask.rows == [(True,)]


def test_output_formats(store):
    result = run_query(store, "voc-cities")
    rows = list(csv.reader(io.StringIO(render(result, "csv"))))
    assert rows[0] == result.columns and len(rows) == len(result.rows) + 1
    as_json = json.loads(render(result, "json"))
    assert as_json[0].keys() == set(result.columns)
    sparql_json = json.loads(render(result, "sparql-json"))
    assert sparql_json["head"]["vars"] == result.columns
    assert len(sparql_json["results"]["bindings"]) == len(result.rows)


def test_header_quoted_default_and_network_line():
    q = parse_query(
        '# title: t\n# param: pattern = "湾|公园" | a regular expression\n'
        "# network: source=a target=b weight=n\n"
        "SELECT ?a ?b ?n WHERE { ?a ?p ?b . FILTER(REGEX(str(?b), ?pattern)) BIND(1 AS ?n) }",
        "t",
    )
    assert q.params[0].default == "湾|公园" and q.params[0].description == "a regular expression"
    assert dict(q.network) == {"source": "a", "target": "b", "weight": "n"}
    with pytest.raises(QueryError, match="network entries"):
        parse_query("# title: t\n# network: source=a target=nope\nSELECT ?a WHERE { ?a ?p ?o }", "t")
    with pytest.raises(QueryError, match="needs source= and target="):
        parse_query("# title: t\n# network: source=a\nSELECT ?a WHERE { ?a ?p ?o }", "t")


def test_query_form_reads_past_comments_and_prologue():
    assert query_form("# CONSTRUCT in a comment\nPREFIX a: <http://a/>\nSELECT * WHERE {}") == "SELECT"
    assert query_form("BASE <http://b/> prefix c: <http://c#> construct { ?s ?p ?o } WHERE {}") == "CONSTRUCT"
    assert query_form("ASK {}") == "ASK" and query_form("DROP ALL") is None


def test_every_ready_question_has_defaults_for_its_parameters(store):
    # `policykg demo` and the editor run each question as it comes
    for q in ready_queries().values():
        assert all(p.default is not None for p in q.params), q.name
        assert q.examples and q.examples[0].startswith(f"policykg query {q.name}"), q.name


def test_construct_questions_answer_as_triple_rows(store):
    result = run_query(store, "place-graph", {"place": "衡阳市"})
    assert result.columns == ["subject", "predicate", "object"]
    # without repeats and always in the same order: rows compare across servers
    assert len(set(result.rows)) == len(result.rows) > 0
    assert run_query(store, "place-graph", {"place": "衡阳市"}).rows == result.rows
    labels = {o for s, p, o in result.rows if p.endswith("rdf-schema#label") and s.endswith("/region/430400")}
    assert labels == {"衡阳市"}
    any_construct = run_sparql(store, "CONSTRUCT { ?d dcterms:title ?t } WHERE { ?d dcterms:title ?t }")
    assert {row[2] for row in any_construct.rows} >= {"2021年福州市生态环境保护工作要点"}
    turtle = construct_turtle(store, "DESCRIBE <https://w3id.org/policykg/id/region/350100>")
    assert "福州市" in turtle.decode("utf-8")
    with pytest.raises(QueryError, match="turtle is for CONSTRUCT"):
        construct_turtle(store, "SELECT * WHERE { ?s ?p ?o } LIMIT 1")


def test_injection_in_a_question_using_its_parameter_twice(store):
    hostile = '福州市" || true) } UNION { ?region ?p ?o . FILTER("x'
    assert run_query(store, "place-profile", {"place": hostile}).rows == []
    assert run_query(store, "place-graph", {"place": hostile}).rows == []
    assert run_query(store, "named-places", {"pattern": hostile}).rows == []
    # a value that reads as SPARQL keywords is only a string to compare
    assert run_query(store, "provenance", {"fact": "} } DELETE WHERE { ?s ?p ?o } #"}).rows == []
    assert len(run_query(store, "documents").rows) == 5


def test_numbers_from_any_server_become_python_numbers():
    xsd = "http://www.w3.org/2001/XMLSchema#"
    assert term_value({"type": "typed-literal", "datatype": xsd + "int", "value": "7"}) == 7
    assert isinstance(term_value({"type": "literal", "datatype": xsd + "integer", "value": "7"}), int)
    assert term_value({"type": "literal", "datatype": xsd + "decimal", "value": "2"}) == 2.0
    assert term_value({"type": "literal", "datatype": xsd + "boolean", "value": "true"}) is True
    assert term_value({"type": "literal", "xml:lang": "zh", "value": "福州市"}) == "福州市"
    assert term_value(None) is None


def test_rows_sorted_in_python_are_in_the_engines_order(store):
    """On the embedded store a question's final ORDER BY runs in Python: the same rows, the same order."""
    for q in ready_queries().values():
        if query_form(q.sparql) != "SELECT":
            continue
        params = {"place": "福州市"} if any(p.name == "place" for p in q.params) else {}
        _, engine = store.select(q.sparql, bind_params(q, params))
        assert run_query(store, q, params).bindings == engine, q.name


def test_python_sort_orders_as_sparql_and_falls_back_on_mixed_literals(store):
    rows = 'VALUES (?x ?n) { (UNDEF 2) (<urn:b> 10) ("b" 1.5) ("a" 3) (<urn:a> 2.0) }'
    sparql = f"SELECT ?x ?n WHERE {{ {rows} }} ORDER BY DESC(?n) STR(?x)"
    ready = parse_query(f"# title: t\n{sparql}", "t")
    _, engine = store.select(sparql, {})
    assert run_query(store, ready).bindings == engine
    # numbers by value, 2 and 2.0 tied and then ordered by STR(?x), an unbound one first
    assert [b.get("x", {}).get("value") for b in engine] == ["urn:b", "a", None, "urn:a", "b"]
    # strings and numbers in one column: Oxigraph's own order, not a guess
    mixed = parse_query('# title: t\nSELECT ?x WHERE { VALUES ?x { "b" 1 "a" 2 } } ORDER BY ?x', "t")
    assert run_query(store, mixed).bindings == store.select(mixed.sparql, {})[1]
