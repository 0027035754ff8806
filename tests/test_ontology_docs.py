"""The ontology's documentation: the generated reference, and ontology/README.md.

The reference is written by the command a user runs and opened in a real headless
Chromium with every network request refused. The README's competency questions
are run on the bundled plans.
"""

from __future__ import annotations

import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
import rdflib
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS

from policykg.ontology.docs import anchor
from policykg.ontology.namespaces import PKG, VOCAB
from policykg.ontology.rules import core_file
from policykg.ontology.vocab import vocab_dir
from policykg.queries.library import ready_queries
from policykg.queries.run import run_query

README = vocab_dir().parent / "README.md"
KINDS = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)


class _Page(HTMLParser):
    """Sections by id (their text), every href, and every element that loads something."""

    def __init__(self) -> None:
        super().__init__()
        self.sections: dict[str, str] = {}
        self.ids: set[str] = set()
        self.hrefs: list[str] = []
        self.loads: list[str] = []
        self._open: list[tuple[str, str | None]] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.add(attrs["id"])
        if tag == "a" and "href" in attrs:
            self.hrefs.append(attrs["href"])
        if tag in ("script", "img", "iframe", "link", "source", "video", "audio") and (
            attrs.get("src") or attrs.get("href")
        ):
            self.loads.append(f"{tag}: {attrs.get('src') or attrs.get('href')}")
        if tag == "section":
            self._open.append(("section", attrs.get("id")))
            self.sections[attrs["id"]] = ""

    def handle_endtag(self, tag):
        if tag == "section" and self._open:
            self._open.pop()

    def handle_data(self, data):
        for _, sid in self._open:
            if sid:
                self.sections[sid] += data


@pytest.fixture(scope="module")
def core() -> rdflib.Graph:
    return rdflib.Graph().parse(core_file(), format="turtle")


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> Path:
    """The reference as `policykg ontology docs --out DIR` writes it."""
    out = tmp_path_factory.mktemp("reference")
    done = subprocess.run(
        [sys.executable, "-m", "policykg", "ontology", "docs", "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    page = out / "index.html"
    assert done.stdout.strip() == f"wrote {page}"
    return page


@pytest.fixture(scope="module")
def page(reference: Path) -> _Page:
    parsed = _Page()
    parsed.feed(reference.read_text(encoding="utf-8"))
    return parsed


def _terms(core: rdflib.Graph) -> list[rdflib.URIRef]:
    onto = rdflib.URIRef("https://w3id.org/policykg/ontology")
    return sorted(
        {s for k in KINDS for s in core.subjects(RDF.type, k) if isinstance(s, rdflib.URIRef)} - {onto}
    )


def _label(graph: rdflib.Graph, s, predicate, lang: str) -> str:
    return next((str(o) for o in graph.objects(s, predicate) if getattr(o, "language", None) == lang), "")


def test_the_reference_covers_every_class_and_property(core, page):
    terms = _terms(core)
    assert len(terms) > 90
    for term in terms:
        text = page.sections.get(anchor(str(term)))
        assert text is not None, term
        assert str(term) in text, term  # its IRI
        en = _label(core, term, RDFS.label, "en")
        assert en and en in text, term
        if str(term).startswith(PKG):  # our own terms: both labels, a definition and an example
            zh = _label(core, term, RDFS.label, "zh")
            assert zh and zh in text, term
            comment = str(core.value(term, RDFS.comment))
            example = str(core.value(term, SKOS.example))
            assert comment in text and example in text, term


def test_the_reference_gives_definitions_and_rules_of_the_defined_classes(core, page):
    air = page.sections["pkg-AirMeasure"]
    assert "Equivalent to" in air and "∃pkg:campaign.{campaign:blue_sky}" in air
    assert "CONSTRUCT { ?x a <https://w3id.org/policykg/ontology#AirMeasure> }" in air
    joint = page.sections["pkg-JointlyRunMeasure"]
    assert "≥2 pkg:responsibleActor.pkg:Department" in joint
    assert "HAVING (COUNT(DISTINCT" in joint
    involves = page.sections["pkg-involvesActor"]
    assert "Sub-properties" in involves and "pkg:responsibleActor" in involves


def test_the_reference_covers_every_concept_scheme_and_concept(page):
    files = sorted(vocab_dir().glob("*.ttl"))
    assert len(files) == 12
    for path in files:
        graph = rdflib.Graph().parse(path, format="turtle")
        scheme = rdflib.URIRef(f"{VOCAB}{path.stem}/")
        text = page.sections.get(f"scheme-{path.stem}")
        assert text is not None, path.stem
        for lang in ("zh", "en"):
            assert _label(graph, scheme, SKOS.prefLabel, lang) in text, path.stem
        assert str(graph.value(scheme, DCTERMS.description)) in text, path.stem
        assert re.search(r"Example\s*pkg:\w+", text), path.stem  # the property whose values they are
        for concept in graph.subjects(RDF.type, SKOS.Concept):
            assert str(graph.value(concept, SKOS.notation)) in text, concept
            assert _label(graph, concept, SKOS.prefLabel, "zh") in text, concept
            assert _label(graph, concept, SKOS.prefLabel, "en") in text, concept
    pollutants = page.sections["scheme-pollutant"]
    assert "http://purl.obolibrary.org/obo/CHEBI_25812" in pollutants and "7446-09-5" in pollutants


def test_the_reference_loads_nothing_and_links_only_within_itself(page):
    assert page.loads == []
    internal = [h for h in page.hrefs if h.startswith("#")]
    assert len(internal) > 300 and len(internal) == len(page.hrefs)
    assert {h[1:] for h in internal} <= page.ids


def test_the_reference_opens_offline_in_chromium(browser, reference, core, tmp_path):
    page = browser.new_page(viewport={"width": 1300, "height": 900})
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.route(re.compile(r"^(https?|wss?|ftp)://"), lambda route: route.abort())
    try:
        page.goto(reference.as_uri() + "#pkg-JointlyRunMeasure")
        sections = page.eval_on_selector_all("section.term", "s => s.length")
        title = page.title()
        at = page.evaluate("document.getElementById('pkg-JointlyRunMeasure').getBoundingClientRect().top")
        page.fill("#filter", "多主体共担")
        shown = page.eval_on_selector_all("section.term:not([hidden])", "s => s.map(x => x.id)")
        page.screenshot(path=str(tmp_path / "reference.png"))
    finally:
        page.close()
    assert not [u for u in requests if not u.startswith("file:")]
    assert sections == len(_terms(core)) + 12  # every term and every concept scheme
    assert title.startswith("policykg ontology 0.2.0")
    assert abs(at) < 50  # the anchor scrolled into view: the page laid out
    assert "pkg-JointlyRunMeasure" in shown and "pkg-AirMeasure" not in shown
    assert (tmp_path / "reference.png").stat().st_size > 10_000


# -- ontology/README.md ----------------------------------------------------------------


def test_the_readme_tables_name_every_term_of_ours(core):
    readme = README.read_text(encoding="utf-8")
    tables = readme.split("## Classes and properties", 1)[1].split("## Vocabularies", 1)[0]
    for term in _terms(core):
        if str(term).startswith(PKG):
            name = f"`pkg:{str(term)[len(PKG) :]}`"
            assert name in tables, name
            zh = _label(core, term, RDFS.label, "zh")
            assert zh in tables, name


def competency_questions() -> list[tuple[str, list[str]]]:
    """(question, ready questions) of the README's competency table."""
    section = README.read_text(encoding="utf-8").split("## Competency questions", 1)[1].split("\n## ", 1)[0]
    rows = []
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 3 and cells[0].isdigit():
            rows.append((cells[1], re.findall(r"`([a-z0-9-]+)`", cells[2])))
    return rows


def test_the_readme_lists_competency_questions_each_with_its_ready_question():
    rows = competency_questions()
    assert len(rows) >= 12
    names = [n for _, ns in rows for n in ns]
    assert all(ns for _, ns in rows)
    assert set(names) <= set(ready_queries()), sorted(set(names) - set(ready_queries()))
    assert {"inferred-market-based", "inferred-jointly-run", "voc-cities", "first-adopters"} <= set(names)


@pytest.mark.parametrize("name", sorted({n for _, ns in competency_questions() for n in ns}))
def test_every_competency_question_is_answered_on_the_bundled_plans(store, name):
    result = run_query(store, name)
    assert result.rows, name
    assert len(result.columns) >= 2
