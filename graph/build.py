"""Facts become RDF: one named graph per document, shared places in their own graph.

``document_quads`` turns the ``DocumentFacts`` of one document into a
``DocumentGraph``. Everything read from the document (its sections, measures,
targets, roles, adoptions, co-responsibility edges) goes into the document's
own named graph, so a rebuild replaces exactly that graph. Regions and
actors, which many documents share, go into ``PLACES_GRAPH``; they are
described the same way by every document, so writing them again changes
nothing.

Every fact carries ``pkg:inDocument`` and a ``pkg:span`` selector with its
offsets and the exact text (``oa:start``, ``oa:end``, ``oa:exact``). The
selector node has no ``rdf:type``: the range of ``pkg:span`` in
ontology/core.ttl makes it an ``oa:TextPositionSelector`` and an
``oa:TextQuoteSelector``, and two type triples per fact were about a seventh
of a document's triples (issue 7). The inferred graph does not write them
either (``NOT_MATERIALISED`` in ontology/rules.py): a query reaches a span by
``pkg:span``, not by its class.

The triples are written as N-Triples text, not as pyoxigraph objects: a plan
has about 5,000 of them, and making a ``Quad`` of each cost more than
reading the plan. The text is what a worker process sends back (one string
pickles in microseconds) and what the store loads in one transaction
(``DocumentGraph.trig``). ``DocumentGraph.quads`` parses it back for the few
callers that want objects (validation, tests).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from decimal import Decimal
from functools import cache
from itertools import combinations

import pyoxigraph as ox
from pyoxigraph import Quad

from policykg.graph import iris
from policykg.graph.tallies import tally_lines
from policykg.loaders import gazetteer
from policykg.loaders.document import Document, Region, Span
from policykg.loaders.extract import EXTRACTOR_VERSION
from policykg.loaders.extract.facts import DocumentFacts
from policykg.ontology.namespaces import DCTERMS, OA, ORG, PKG, PLACES_GRAPH, RDF, RDFS, XSD
from policykg.ontology.vocab import vocabulary

# The shape of the RDF written here: part of every document's build version, so that a
# change of IRIs or triples rebuilds stored documents (2: one role per body, untyped spans;
# 3: tallies of the facts, graph/tallies.py; 4: what issue 7's second speed pass changed).
GRAPH_VERSION = "4"

# Bodies that carry a share of the work (SCHEMA.md's "duties"): the pairs of
# these that act on one measure are the co-responsibility edges.
DUTY_ROLES = frozenset({"lead", "cooperate", "joint"})
NOT_BODIES = frozenset({"enterprise", "public", "expert", "other"})

_LEVEL_CLASS = {
    "province": "Province",
    "prefecture": "Prefecture",
    "county": "County",
    "district": "District",
}

# Terms in N-Triples syntax.
_TYPE = f"<{RDF}type>"
_LABEL = f"<{RDFS}label>"
_XSD_INT = f"<{XSD}integer>"
_XSD_DEC = f"<{XSD}decimal>"
_XSD_DATE = f"<{XSD}date>"
_OA_START = f"<{OA}start>"
_OA_END = f"<{OA}end>"
_OA_EXACT = f"<{OA}exact>"
_ORGANIZATION = f"<{ORG}Organization>"
_DC_TITLE = f"<{DCTERMS}title>"
_DC_ISSUED = f"<{DCTERMS}issued>"
_DC_SOURCE = f"<{DCTERMS}source>"
_IN_DOCUMENT = f"<{PKG}inDocument>"
_SPAN = f"<{PKG}span>"
_REGION = f"<{PKG}region>"
_YEAR = f"<{PKG}year>"
_CAMPAIGN = f"<{PKG}campaign>"
_POLLUTANT = f"<{PKG}pollutant>"
_STATUS = f"<{PKG}status>"
_OF_MEASURE = f"<{PKG}ofMeasure>"
_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})


@cache
def pkg(local: str) -> str:
    """A term of the policykg ontology, as N-Triples (``<…ontology#Measure>``)."""
    return f"<{PKG}{local}>"


@cache
def concept(scheme: str, code: str) -> str:
    """A vocabulary concept by notation, as N-Triples (unit and comparator IRIs differ from it)."""
    return f"<{vocabulary(scheme)[code].iri}>"


def iri(value: str) -> str:
    """An IRI as N-Triples."""
    return f"<{value}>"


def literal(value: str, language: str | None = None, datatype: str | None = None) -> str:
    """A literal as N-Triples: ``"text"``, ``"text"@zh`` or ``"3"^^<…#integer>`` (datatype as N-Triples)."""
    text = f'"{value.translate(_ESCAPES)}"'
    if language:
        return f"{text}@{language}"
    return f"{text}^^{datatype}" if datatype else text


def _decimal(value: float) -> str:
    """An xsd:decimal lexical form (never exponent notation such as 1e-05)."""
    text = format(Decimal(str(value)).normalize(), "f")
    return text if "." in text else text + ".0"


def _int(value: int) -> str:
    return f'"{value}"^^{_XSD_INT}'


class DocumentGraph:
    """The triples of one document: its own graph and what it adds to the places graph.

    Held as N-Triples text (``triples``, ``place_triples``: one ``s p o .``
    per line), the form a worker sends and the store loads; ``trig`` puts
    both in their graphs. ``quads`` and ``places`` give them as pyoxigraph
    quads (parsed on first use: slow, for validation and checks); once
    parsed, those lists are the graph, so changes to them count.
    """

    def __init__(
        self,
        iri: str,
        quads: Iterable[Quad] | None = None,
        places: Iterable[Quad] | None = None,
        *,
        triples: str = "",
        place_triples: str = "",
    ) -> None:
        self.iri = iri
        self._triples: str | None = None if quads is not None else triples
        self._place_triples: str | None = None if places is not None else place_triples
        self._quads: list[Quad] | None = list(quads) if quads is not None else None
        self._places: list[Quad] | None = list(places) if places is not None else None

    def add(self, quad: Quad) -> None:
        """Add a quad of the document's own graph (the build version, written by the pipeline)."""
        if quad.graph_name != ox.NamedNode(self.iri):
            raise ValueError(f"{quad} is not in the graph of {self.iri}")
        if self._quads is not None:
            self._quads.append(quad)
        else:
            self._triples = f"{self._triples}{quad.subject} {quad.predicate} {quad.object} .\n"

    @property
    def triples(self) -> str:
        """The document's own triples as N-Triples."""
        return self._triples if self._quads is None else _ntriples(self._quads)

    @property
    def place_triples(self) -> str:
        """The triples the document adds to the places graph, as N-Triples."""
        return self._place_triples if self._places is None else _ntriples(self._places)

    def trig(self) -> str:
        """The document's graph and its places as TriG (one ``GRAPH { … }`` block each)."""
        return f"<{self.iri}> {{\n{self.triples}}}\n<{PLACES_GRAPH}> {{\n{self.place_triples}}}\n"

    @property
    def quads(self) -> list[Quad]:
        """The quads of the document's own graph."""
        if self._quads is None:
            self._quads = _parse(self._triples or "", self.iri)
            self._triples = None
        return self._quads

    @quads.setter
    def quads(self, quads: Iterable[Quad]) -> None:
        self._quads, self._triples = list(quads), None

    @property
    def places(self) -> list[Quad]:
        """The quads the document adds to the places graph."""
        if self._places is None:
            self._places = _parse(self._place_triples or "", PLACES_GRAPH)
            self._place_triples = None
        return self._places

    @places.setter
    def places(self, quads: Iterable[Quad]) -> None:
        self._places, self._place_triples = list(quads), None

    def __getstate__(self) -> tuple[str, str, str]:
        # Text crosses process boundaries in microseconds; thousands of Quad objects do not.
        return self.iri, self.triples, self.place_triples

    def __setstate__(self, state: tuple[str, str, str]) -> None:
        self.__init__(state[0], triples=state[1], place_triples=state[2])

    def __repr__(self) -> str:
        return f"DocumentGraph({self.iri!r}, {self.triples.count(chr(10))} triples)"


def _ntriples(quads: Iterable[Quad]) -> str:
    return "".join(f"{q.subject} {q.predicate} {q.object} .\n" for q in quads)


def _parse(ntriples: str, graph: str) -> list[Quad]:
    node = ox.NamedNode(graph)
    return [
        Quad(t.subject, t.predicate, t.object, node)
        for t in ox.parse(ntriples, format=ox.RdfFormat.N_TRIPLES)
    ]


class _Writer:
    def __init__(self, facts: DocumentFacts, key: str) -> None:
        self.facts = facts
        self.doc: Document = facts.document
        self.iri = iris.document_iri(key)
        self.node = iri(self.iri)
        self.lines: list[str] = []
        self.place_lines: list[str] = []
        self.region: Region | None = self.doc.metadata.region
        self.region_node = iri(iris.region_iri(self.region.code)) if self.region else None
        self.measure_nodes: dict[int, str] = {}
        self.actors: dict[str, str] = {}
        self.section_nodes = [self._section_iri(sec) for sec in facts.sections]

    def add(self, s: str, p: str, o: str) -> None:
        self.lines.append(f"{s} {p} {o} .\n")

    def place(self, s: str, p: str, o: str) -> None:
        self.place_lines.append(f"{s} {p} {o} .\n")

    def graph(self) -> DocumentGraph:
        # An actor or region described twice (every role of 市公安局) is one triple.
        return DocumentGraph(
            self.iri, triples="".join(self.lines), place_triples="".join(dict.fromkeys(self.place_lines))
        )

    def fact(self, kind: str, cls: str, span: Span, *extra: object) -> str:
        """A fact node with its type, document and span selector (offsets and text, no type)."""
        value = iris.fact_iri(self.iri, kind, span.start, span.end, *extra)
        node = f"<{value}>"
        sel = f"<{iris.span_iri(value)}>"
        exact = literal(self.doc.text[span.start : span.end])
        lines = [
            f"{node} {_TYPE} {pkg(cls)} .\n",
            f"{node} {_IN_DOCUMENT} {self.node} .\n",
            f"{node} {_SPAN} {sel} .\n",
            f"{sel} {_OA_START} {_int(span.start)} .\n",
            f"{sel} {_OA_END} {_int(span.end)} .\n",
            f"{sel} {_OA_EXACT} {exact} .\n",
        ]
        if self.region_node is not None:
            lines.append(f"{node} {_REGION} {self.region_node} .\n")
        self.lines.extend(lines)
        return node

    # -- shared nodes -------------------------------------------------------
    def describe_region(self, region: Region) -> None:
        node = iri(iris.region_iri(region.code))
        self.place(node, _TYPE, pkg("Region"))
        self.place(node, _TYPE, pkg(_LEVEL_CLASS.get(region.level, "Region")))
        self.place(node, _LABEL, literal(region.name, "zh"))
        self.place(node, pkg("adcode"), literal(region.code))
        self.place(node, pkg("level"), literal(region.level))
        self.place(node, pkg("province"), iri(iris.region_iri(region.province_code)))
        if region.parent_code:
            self.place(node, pkg("parentRegion"), iri(iris.region_iri(region.parent_code)))

    def actor(self, function: str) -> str:
        if function in self.actors:
            return self.actors[function]
        code = self.region.code if self.region else None
        node = iri(iris.actor_iri(code, function))
        self.place(node, _TYPE, pkg("Department"))
        self.place(node, _TYPE, _ORGANIZATION)
        self.place(node, pkg("function"), concept("department", function))
        label = vocabulary("department")[function].pref_zh
        if self.region is not None:
            self.place(node, _REGION, self.region_node)
            label = f"{self.region.name}{label}"
        self.place(node, _LABEL, literal(label, "zh"))
        self.actors[function] = node
        return node

    # -- the document ---------------------------------------------------------
    def document(self) -> None:
        meta = self.doc.metadata
        n = self.node
        self.add(n, _TYPE, pkg("PolicyDocument"))
        self.add(n, pkg("sourceFile"), literal(str(self.doc.source)))
        self.add(n, pkg("checksum"), literal(self.doc.checksum))
        self.add(n, pkg("extractorVersion"), literal(EXTRACTOR_VERSION))
        if meta.title:
            self.add(n, _DC_TITLE, literal(meta.title, "zh"))
        if meta.published:
            self.add(n, _DC_ISSUED, literal(meta.published, datatype=_XSD_DATE))
        if meta.url:
            self.add(n, _DC_SOURCE, iri(meta.url))
        for year in meta.years:
            self.add(n, _YEAR, _int(year))
        if meta.doc_type and meta.doc_type in vocabulary("doc_type"):
            self.add(n, pkg("documentType"), concept("doc_type", meta.doc_type))
        if self.region is not None:
            self.add(n, _REGION, self.region_node)
            for region in gazetteer.chain(self.region):
                self.describe_region(region)
            self.add(n, pkg("issuer"), self.actor("ecology_environment"))

    def _section_iri(self, sec) -> str:
        span = sec.heading or sec.span
        return iri(iris.fact_iri(self.iri, "section", span.start, span.end, sec.index))

    def sections(self) -> None:
        for sec in self.facts.sections:
            span = sec.heading or sec.span
            node = self.fact("section", "Section", span, sec.index)
            self.add(node, pkg("number"), literal(sec.number))
            self.add(node, pkg("sectionLevel"), _int(sec.level))
            if sec.parent is not None:
                self.add(node, pkg("parentSection"), self.section_nodes[sec.parent])
            if sec.campaign:
                self.add(node, _CAMPAIGN, concept("campaign", sec.campaign))
            if sec.year:
                self.add(node, _YEAR, _int(sec.year))
            if sec.heading:
                self.add(node, _LABEL, literal(self.doc.quote(sec.heading), "zh"))

    def section_node(self, index: int | None) -> str | None:
        return None if index is None else self.section_nodes[index]

    def measures(self) -> None:
        for i, m in enumerate(self.facts.measures):
            node = self.fact("measure", "Measure", m.span)
            self.measure_nodes[i] = node
            self.add(node, _STATUS, concept("status", m.status))
            if (sec := self.section_node(m.section)) is not None:
                self.add(node, pkg("inSection"), sec)
            if m.campaign:
                self.add(node, _CAMPAIGN, concept("campaign", m.campaign))
            if m.year:
                self.add(node, _YEAR, _int(m.year))
            for code in dict.fromkeys(p.code for p in m.pollutants):
                self.add(node, _POLLUTANT, concept("pollutant", code))
            for code in dict.fromkeys(a.code for a in m.action_types):
                self.add(node, pkg("actionType"), concept("action_type", code))

    def roles(self) -> None:
        roles = vocabulary("role")
        for a in self.facts.actors:
            # the function too: one word can name several bodies (公检法), each its own role
            node = self.fact("role", "ActorRole", a.span, a.role, a.function)
            actor = self.actor(a.function)
            self.add(node, pkg("actor"), actor)
            self.add(node, pkg("role"), concept("role", a.role))
            if a.measure is not None and a.measure in self.measure_nodes:
                measure = self.measure_nodes[a.measure]
                self.add(node, _OF_MEASURE, measure)
                if prop := roles[a.role].prop("roleProperty"):
                    self.add(measure, iri(prop), actor)

    def coresponsibility(self) -> None:
        by_measure: dict[int, set[str]] = {}
        for a in self.facts.actors:
            if a.measure is not None and a.role in DUTY_ROLES and a.function not in NOT_BODIES:
                by_measure.setdefault(a.measure, set()).add(a.function)
        for index, functions in sorted(by_measure.items()):
            measure = self.facts.measures[index]
            for fa, fb in combinations(sorted(functions), 2):
                node = self.fact("coresp", "CoResponsibility", measure.span, fa, fb)
                self.add(node, pkg("functionA"), concept("department", fa))
                self.add(node, pkg("functionB"), concept("department", fb))
                self.add(node, _OF_MEASURE, self.measure_nodes[index])

    def targets(self) -> None:
        units = vocabulary("unit")
        for i, t in enumerate(self.facts.targets):
            cls = "ReportedResult" if t.kind == "achieved" else "Target"
            node = self.fact("target", cls, t.span, i)
            self.add(node, pkg("comparator"), concept("comparator", t.comparator))
            if t.value is not None:
                self.add(node, pkg("value"), literal(_decimal(t.value), datatype=_XSD_DEC))
            if t.unit:
                if t.unit in units:
                    self.add(node, pkg("unit"), concept("unit", t.unit))
                else:
                    self.add(node, pkg("unitText"), literal(t.unit, "zh"))
            if t.indicator:
                self.add(node, pkg("indicator"), literal(t.indicator, "zh"))
            if t.year:
                self.add(node, _YEAR, _int(t.year))
            if t.strength:
                self.add(node, pkg("strength"), concept("strength", t.strength))
            if t.pollutant:
                self.add(node, _POLLUTANT, concept("pollutant", t.pollutant))
            if t.campaign:
                self.add(node, _CAMPAIGN, concept("campaign", t.campaign))
            if t.measure is not None and t.measure in self.measure_nodes:
                self.add(node, _OF_MEASURE, self.measure_nodes[t.measure])

    def instruments(self) -> None:
        years = self.doc.metadata.years
        for ins in self.facts.instruments:
            node = self.fact("adoption", "InstrumentAdoption", ins.span, ins.code)
            instrument = concept("instrument", ins.code)
            self.add(node, pkg("instrument"), instrument)
            self.add(node, _STATUS, concept("status", "reported" if ins.kind == "achieved" else "planned"))
            year = None
            if ins.measure is not None and ins.measure in self.measure_nodes:
                measure = self.measure_nodes[ins.measure]
                self.add(node, _OF_MEASURE, measure)
                self.add(measure, pkg("instrument"), instrument)
                year = self.facts.measures[ins.measure].year
            year = year or (min(years) if years else None)
            if year:
                self.add(node, _YEAR, _int(year))


def document_quads(facts: DocumentFacts, key: str | None = None) -> DocumentGraph:
    """The RDF of one document's facts. ``key`` defaults to the document's key."""
    writer = _Writer(facts, iris.document_key(key or facts.document.key))
    writer.document()
    writer.sections()
    writer.measures()
    writer.roles()
    writer.coresponsibility()
    writer.targets()
    writer.instruments()
    # Counted from the triples written above, into the same graph (graph/tallies.py).
    functions = {node: concept("department", f) for f, node in writer.actors.items()}
    writer.lines.extend(tally_lines(writer.iri, writer.lines, functions))
    return writer.graph()


def iter_quads(graph: DocumentGraph) -> Iterator[Quad]:
    """All quads of a document graph, its own and its places."""
    yield from graph.quads
    yield from graph.places
