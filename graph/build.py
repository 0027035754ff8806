"""Facts become RDF: one named graph per document, shared places in their own graph.

``document_quads`` turns the ``DocumentFacts`` of one document into pyoxigraph
quads. Everything read from the document (its sections, measures, targets,
roles, adoptions, co-responsibility edges) goes into the document's own named
graph, so a rebuild replaces exactly that graph. Regions and actors, which
many documents share, go into ``PLACES_GRAPH``; they are described the same
way by every document, so writing them again changes nothing.

Every fact carries ``pkg:inDocument`` and a ``pkg:span`` selector
(``oa:TextPositionSelector`` + ``oa:TextQuoteSelector``) with the exact text.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import combinations

from pyoxigraph import Literal, NamedNode, Quad

from policykg.graph import iris
from policykg.loaders import gazetteer
from policykg.loaders.document import Document, Region, Span
from policykg.loaders.extract import EXTRACTOR_VERSION
from policykg.loaders.extract.facts import DocumentFacts
from policykg.ontology.namespaces import DCTERMS, OA, ORG, PKG, PLACES_GRAPH, RDF, RDFS, XSD
from policykg.ontology.vocab import vocabulary

_TYPE = NamedNode(RDF + "type")
_LABEL = NamedNode(RDFS + "label")
_XSD_INT = NamedNode(XSD + "integer")
_XSD_DEC = NamedNode(XSD + "decimal")
_XSD_DATE = NamedNode(XSD + "date")
_PLACES = NamedNode(PLACES_GRAPH)

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


def pkg(local: str) -> NamedNode:
    """A term of the policykg ontology."""
    return NamedNode(PKG + local)


def concept(scheme: str, code: str) -> NamedNode:
    """The IRI of a vocabulary concept by notation (unit and comparator IRIs differ from it)."""
    return NamedNode(vocabulary(scheme)[code].iri)


def _decimal(value: float) -> str:
    """An xsd:decimal lexical form (never exponent notation such as 1e-05)."""
    text = format(Decimal(str(value)).normalize(), "f")
    return text if "." in text else text + ".0"


def _int(value: int) -> Literal:
    return Literal(str(value), datatype=_XSD_INT)


@dataclass
class DocumentGraph:
    """The quads of one document: its own graph and what it adds to the places graph."""

    iri: str
    quads: list[Quad] = field(default_factory=list)
    places: list[Quad] = field(default_factory=list)


class _Writer:
    def __init__(self, facts: DocumentFacts, key: str) -> None:
        self.facts = facts
        self.doc: Document = facts.document
        self.iri = iris.document_iri(key)
        self.node = NamedNode(self.iri)
        self.graph = NamedNode(self.iri)
        self.out = DocumentGraph(self.iri)
        self.region: Region | None = self.doc.metadata.region
        self.region_node = NamedNode(iris.region_iri(self.region.code)) if self.region else None
        self.measure_nodes: dict[int, NamedNode] = {}

    def add(self, s: NamedNode, p: NamedNode, o: NamedNode | Literal) -> None:
        self.out.quads.append(Quad(s, p, o, self.graph))

    def place(self, s: NamedNode, p: NamedNode, o: NamedNode | Literal) -> None:
        self.out.places.append(Quad(s, p, o, _PLACES))

    def fact(self, kind: str, cls: str, span: Span, *extra: object) -> NamedNode:
        """A fact node with its type, document and span selector."""
        node = NamedNode(iris.fact_iri(self.iri, kind, span.start, span.end, *extra))
        self.add(node, _TYPE, pkg(cls))
        self.add(node, pkg("inDocument"), self.node)
        sel = NamedNode(iris.span_iri(node.value))
        self.add(node, pkg("span"), sel)
        self.add(sel, _TYPE, NamedNode(OA + "TextPositionSelector"))
        self.add(sel, _TYPE, NamedNode(OA + "TextQuoteSelector"))
        self.add(sel, NamedNode(OA + "start"), _int(span.start))
        self.add(sel, NamedNode(OA + "end"), _int(span.end))
        self.add(sel, NamedNode(OA + "exact"), Literal(self.doc.quote(span)))
        if self.region_node is not None:
            self.add(node, pkg("region"), self.region_node)
        return node

    # -- shared nodes -------------------------------------------------------
    def describe_region(self, region: Region) -> None:
        node = NamedNode(iris.region_iri(region.code))
        self.place(node, _TYPE, pkg("Region"))
        self.place(node, _TYPE, pkg(_LEVEL_CLASS.get(region.level, "Region")))
        self.place(node, _LABEL, Literal(region.name, language="zh"))
        self.place(node, pkg("adcode"), Literal(region.code))
        self.place(node, pkg("level"), Literal(region.level))
        self.place(node, pkg("province"), NamedNode(iris.region_iri(region.province_code)))
        if region.parent_code:
            self.place(node, pkg("parentRegion"), NamedNode(iris.region_iri(region.parent_code)))

    def actor(self, function: str) -> NamedNode:
        code = self.region.code if self.region else None
        node = NamedNode(iris.actor_iri(code, function))
        self.place(node, _TYPE, pkg("Department"))
        self.place(node, _TYPE, NamedNode(ORG + "Organization"))
        self.place(node, pkg("function"), concept("department", function))
        label = vocabulary("department")[function].pref_zh
        if self.region is not None:
            self.place(node, pkg("region"), self.region_node)
            label = f"{self.region.name}{label}"
        self.place(node, _LABEL, Literal(label, language="zh"))
        return node

    # -- the document ---------------------------------------------------------
    def document(self) -> None:
        meta = self.doc.metadata
        n = self.node
        self.add(n, _TYPE, pkg("PolicyDocument"))
        self.add(n, pkg("sourceFile"), Literal(str(self.doc.source)))
        self.add(n, pkg("checksum"), Literal(self.doc.checksum))
        self.add(n, pkg("extractorVersion"), Literal(EXTRACTOR_VERSION))
        if meta.title:
            self.add(n, NamedNode(DCTERMS + "title"), Literal(meta.title, language="zh"))
        if meta.published:
            self.add(n, NamedNode(DCTERMS + "issued"), Literal(meta.published, datatype=_XSD_DATE))
        if meta.url:
            self.add(n, NamedNode(DCTERMS + "source"), NamedNode(meta.url))
        for year in meta.years:
            self.add(n, pkg("year"), _int(year))
        if meta.doc_type and meta.doc_type in vocabulary("doc_type"):
            self.add(n, pkg("documentType"), concept("doc_type", meta.doc_type))
        if self.region is not None:
            self.add(n, pkg("region"), self.region_node)
            for region in gazetteer.chain(self.region):
                self.describe_region(region)
            self.add(n, pkg("issuer"), self.actor("ecology_environment"))

    def sections(self) -> None:
        for sec in self.facts.sections:
            span = sec.heading or sec.span
            node = self.fact("section", "Section", span, sec.index)
            self.add(node, pkg("number"), Literal(sec.number))
            self.add(node, pkg("sectionLevel"), _int(sec.level))
            if sec.parent is not None:
                parent = self.facts.sections[sec.parent]
                pspan = parent.heading or parent.span
                self.add(
                    node,
                    pkg("parentSection"),
                    NamedNode(iris.fact_iri(self.iri, "section", pspan.start, pspan.end, parent.index)),
                )
            if sec.campaign:
                self.add(node, pkg("campaign"), concept("campaign", sec.campaign))
            if sec.year:
                self.add(node, pkg("year"), _int(sec.year))
            if sec.heading:
                self.add(node, _LABEL, Literal(self.doc.quote(sec.heading), language="zh"))

    def section_node(self, index: int | None) -> NamedNode | None:
        if index is None:
            return None
        sec = self.facts.sections[index]
        span = sec.heading or sec.span
        return NamedNode(iris.fact_iri(self.iri, "section", span.start, span.end, sec.index))

    def measures(self) -> None:
        for i, m in enumerate(self.facts.measures):
            node = self.fact("measure", "Measure", m.span)
            self.measure_nodes[i] = node
            self.add(node, pkg("status"), concept("status", m.status))
            if (sec := self.section_node(m.section)) is not None:
                self.add(node, pkg("inSection"), sec)
            if m.campaign:
                self.add(node, pkg("campaign"), concept("campaign", m.campaign))
            if m.year:
                self.add(node, pkg("year"), _int(m.year))
            for code in dict.fromkeys(p.code for p in m.pollutants):
                self.add(node, pkg("pollutant"), concept("pollutant", code))
            for code in dict.fromkeys(a.code for a in m.action_types):
                self.add(node, pkg("actionType"), concept("action_type", code))

    def roles(self) -> None:
        roles = vocabulary("role")
        for a in self.facts.actors:
            node = self.fact("role", "ActorRole", a.span, a.role)
            actor = self.actor(a.function)
            self.add(node, pkg("actor"), actor)
            self.add(node, pkg("role"), concept("role", a.role))
            if a.measure is not None and a.measure in self.measure_nodes:
                measure = self.measure_nodes[a.measure]
                self.add(node, pkg("ofMeasure"), measure)
                if prop := roles[a.role].prop("roleProperty"):
                    self.add(measure, NamedNode(prop), actor)

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
                self.add(node, pkg("ofMeasure"), self.measure_nodes[index])

    def targets(self) -> None:
        units = vocabulary("unit")
        for i, t in enumerate(self.facts.targets):
            cls = "ReportedResult" if t.kind == "achieved" else "Target"
            node = self.fact("target", cls, t.span, i)
            self.add(node, pkg("comparator"), concept("comparator", t.comparator))
            if t.value is not None:
                self.add(node, pkg("value"), Literal(_decimal(t.value), datatype=_XSD_DEC))
            if t.unit:
                if t.unit in units:
                    self.add(node, pkg("unit"), concept("unit", t.unit))
                else:
                    self.add(node, pkg("unitText"), Literal(t.unit, language="zh"))
            if t.indicator:
                self.add(node, pkg("indicator"), Literal(t.indicator, language="zh"))
            if t.year:
                self.add(node, pkg("year"), _int(t.year))
            if t.strength:
                self.add(node, pkg("strength"), concept("strength", t.strength))
            if t.pollutant:
                self.add(node, pkg("pollutant"), concept("pollutant", t.pollutant))
            if t.campaign:
                self.add(node, pkg("campaign"), concept("campaign", t.campaign))
            if t.measure is not None and t.measure in self.measure_nodes:
                self.add(node, pkg("ofMeasure"), self.measure_nodes[t.measure])

    def instruments(self) -> None:
        years = self.doc.metadata.years
        for ins in self.facts.instruments:
            node = self.fact("adoption", "InstrumentAdoption", ins.span, ins.code)
            instrument = concept("instrument", ins.code)
            self.add(node, pkg("instrument"), instrument)
            self.add(
                node, pkg("status"), concept("status", "reported" if ins.kind == "achieved" else "planned")
            )
            year = None
            if ins.measure is not None and ins.measure in self.measure_nodes:
                measure = self.measure_nodes[ins.measure]
                self.add(node, pkg("ofMeasure"), measure)
                self.add(measure, pkg("instrument"), instrument)
                year = self.facts.measures[ins.measure].year
            year = year or (min(years) if years else None)
            if year:
                self.add(node, pkg("year"), _int(year))


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
    return writer.out


def iter_quads(graph: DocumentGraph) -> Iterator[Quad]:
    """All quads of a document graph, its own and its places."""
    yield from graph.quads
    yield from graph.places
