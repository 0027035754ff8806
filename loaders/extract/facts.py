"""The facts extraction produces. Each carries the span it was read from.

These are plain data: ``graph.build`` turns them into RDF and
``loaders.extract.gold`` writes them in the gold annotation format.
Vocabulary values are notations (``skos:notation``) of the ontology's
concept schemes, e.g. pollutant ``"VOCs"``, campaign ``"blue_sky"``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from policykg.loaders.document import Document, Span


@dataclass(slots=True)
class Section:
    """A numbered part of a document (一、 / （一） / 1. / （1） / ① / 一是)."""

    index: int  # position in document order, unique within the document
    number: str  # the numbering token as written, e.g. "（三）"
    level: int  # 1 for 一、, 2 for （一）, ...
    heading: Span | None  # the heading text, if the item has one
    span: Span  # the whole section, heading and body
    parent: int | None = None  # index of the parent section
    campaign: str | None = None  # own or inherited from an ancestor
    # A part headed "2022年工作总结" reports (modality "summary", year 2022);
    # one headed "2023年工作计划" plans. Inherited by children like the campaign.
    year: int | None = None
    modality: str | None = None  # plan | summary | None (the document's own)


@dataclass(slots=True)
class Mention:
    """A vocabulary concept named in the text (pollutant, campaign, instrument, action type)."""

    scheme: str  # "pollutant", "campaign", "instrument", "action_type"
    code: str
    span: Span


@dataclass(slots=True)
class ActorRole:
    """A body given a role in the work, e.g. 市公安局 as ``cooperate``."""

    function: str  # notation of the department vocabulary, e.g. "public_security"
    role: str  # lead | cooperate | joint | supervised | mentioned
    span: Span  # the mention of the body
    clause: Span  # the clause that gives the role
    measure: int | None = None  # index into DocumentFacts.measures


@dataclass(slots=True)
class Target:
    """A quantitative goal (kind ``target``) or reported figure (kind ``achieved``)."""

    span: Span
    indicator: str | None
    comparator: str  # notation of the comparator vocabulary: <=, >=, =, reduce_by, ...
    value: float | None
    unit: str | None  # notation of the unit vocabulary, or the unit as written
    year: int | None
    kind: str  # target | achieved
    strength: str | None  # binding | aspirational | None for achieved
    pollutant: str | None = None
    campaign: str | None = None
    measure: int | None = None


@dataclass(slots=True)
class Instrument:
    """A named policy instrument the document sets up, extends or reports."""

    code: str  # notation of the instrument vocabulary
    span: Span
    kind: str  # planned | achieved
    measure: int | None = None


@dataclass(slots=True)
class Measure:
    """One commitment (or reported piece of work): a numbered item or sentence."""

    span: Span
    section: int | None
    campaign: str | None
    status: str  # planned | reported
    year: int | None
    pollutants: list[Mention] = field(default_factory=list)
    action_types: list[Mention] = field(default_factory=list)
    places: list[Span] = field(default_factory=list)  # rivers, bays, parks named


@dataclass(slots=True)
class DocumentFacts:
    """Everything read out of one document."""

    document: Document
    sections: list[Section] = field(default_factory=list)
    measures: list[Measure] = field(default_factory=list)
    targets: list[Target] = field(default_factory=list)
    actors: list[ActorRole] = field(default_factory=list)
    instruments: list[Instrument] = field(default_factory=list)
    # (campaign, pollutant) pairs with the clearest span, once per pair
    campaign_pollutants: list[tuple[str, str, Span]] = field(default_factory=list)
