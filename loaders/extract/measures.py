"""Measures: the commitments of a plan (or the reported work of a summary).

A measure is a sentence that names an action (a label of the ``action_type``
vocabulary: 治理, 淘汰, 建立, 开展 ...) or a policy instrument. The heading of a
numbered item that has sub-items is a title, not a measure. Each measure gets:

- ``status``: ``reported`` in a part whose modality is ``summary`` (or in a
  work summary, or in the opening before a summary part), else ``planned``;
- ``campaign``: its section's (inherited from ancestors), else one named in the
  sentence (蓝天保卫战, 治水 ...), else the one whose cue words (大气, 水质 ...)
  the sentence uses;
- ``pollutants``: pollutant labels in the sentence, each its own mention, so an
  enumeration 铊、镉等重金属 yields Tl, Cd and heavy_metals;
- ``action_types`` and ``year`` (the part's, else the document's when it
  covers one year).

``campaign_pollutants`` gathers the (campaign, pollutant) pairs of the
measures, once per document.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from policykg.loaders.document import Document, Span
from policykg.loaders.extract.facts import Measure, Mention, Section
from policykg.loaders.extract.matcher import matcher
from policykg.ontology.vocab import vocabulary

SUMMARY_DOC_TYPES = frozenset({"work_summary"})
MODALITY_STATUS = {"summary": "reported", "plan": "planned"}


@dataclass(slots=True)
class SentenceContext:
    """What a sentence inherits from where it stands."""

    span: Span
    section: Section | None
    is_heading: bool  # the sentence is (part of) a section heading
    has_children: bool  # that section has sub-sections
    status: str  # planned | reported
    year: int | None


class SectionIndex:
    """Innermost section of every character, built once per document.

    A sentence's status and year come from the part it stands in (一、2022年工作
    总结 reports, 二、2023年工作计划 plans); the opening before a document's first
    such part reads like that part (the summary's own introduction), anything
    else like the document (a work summary reports, a plan plans).
    """

    def __init__(self, document: Document, sections: list[Section]) -> None:
        self.document = document
        self.sections = sections
        self._by_index = {s.index: s for s in sections}
        self._owner: list[int] = [-1] * len(document.text)
        # Parents come before their children in document order, so a later
        # (deeper) section overwrites the characters of its ancestors.
        for section in sorted(sections, key=lambda s: (s.span.start, s.level)):
            n = section.span.end - section.span.start
            self._owner[section.span.start : section.span.end] = [section.index] * n
        self._parents = {s.parent for s in sections if s.parent is not None}
        parts = [s for s in sections if s.modality]
        self._first_part = parts[0] if parts else None

    def at(self, pos: int) -> Section | None:
        """The innermost section containing character ``pos``."""
        if 0 <= pos < len(self._owner) and self._owner[pos] >= 0:
            return self._by_index[self._owner[pos]]
        return None

    def context(self, span: Span) -> SentenceContext:
        section = self.at(span.start)
        is_heading = bool(section and section.heading and section.heading.overlaps(span))
        has_children = bool(section and section.index in self._parents)
        part = section if section is not None and section.modality else None
        if part is None and self._first_part is not None and span.end <= self._first_part.span.start:
            part = self._first_part
        status = MODALITY_STATUS.get(part.modality) if part else None
        year = part.year if part and part.year is not None else None
        years = self.document.metadata.years
        return SentenceContext(
            span,
            section,
            is_heading,
            has_children,
            status or document_status(self.document),
            year if year is not None else (years[0] if len(years) == 1 else None),
        )


def document_status(document: Document) -> str:
    """``reported`` for a work summary, else ``planned``."""
    return "reported" if document.metadata.doc_type in SUMMARY_DOC_TYPES else "planned"


def sentence_campaign(document: Document, span: Span) -> str | None:
    """A campaign named in the sentence, else the one its cue words point to most."""
    named = matcher("campaign").find(document.norm, span.start, span.end)
    if named:
        return named[0].code
    cues = matcher("campaign", "cue").find(document.norm, span.start, span.end)
    if not cues:
        return None
    counts = Counter(m.code for m in cues)
    best = max(counts.values())
    # ties go to the cue read first
    return next(m.code for m in cues if counts[m.code] == best)


def campaign_of(section: Section | None, document: Document, span: Span) -> str | None:
    """The section's campaign (inherited), else the sentence's own cues."""
    if section is not None and section.campaign:
        return section.campaign
    return sentence_campaign(document, span)


def pollutant_mentions(document: Document, span: Span) -> list[Mention]:
    """Every pollutant label in ``span``, one mention each."""
    return [
        Mention("pollutant", m.code, Span(m.start, m.end))
        for m in matcher("pollutant").find(document.norm, span.start, span.end)
    ]


def action_mentions(document: Document, span: Span) -> list[Mention]:
    """Every action-type label in ``span``."""
    return [
        Mention("action_type", m.code, Span(m.start, m.end))
        for m in matcher("action_type").find(document.norm, span.start, span.end)
    ]


def is_commitment(document: Document, ctx: SentenceContext, actions: list[Mention]) -> bool:
    """A sentence that names an action or an instrument, and is not a group title."""
    if ctx.is_heading and ctx.has_children:
        return False
    if actions:
        return True
    return matcher("instrument").first(document.norm, ctx.span.start, ctx.span.end) is not None


def extract_measures(document: Document, contexts: list[SentenceContext]) -> list[Measure]:
    """One measure per committing sentence, in document order."""
    measures: list[Measure] = []
    for ctx in contexts:
        actions = action_mentions(document, ctx.span)
        if not is_commitment(document, ctx, actions):
            continue
        measures.append(
            Measure(
                span=ctx.span,
                section=ctx.section.index if ctx.section else None,
                campaign=campaign_of(ctx.section, document, ctx.span),
                status=ctx.status,
                year=ctx.year,
                pollutants=pollutant_mentions(document, ctx.span),
                action_types=actions,
            )
        )
    return measures


def campaign_pollutants(
    document: Document, measures: list[Measure], sections: list[Section]
) -> list[tuple[str, str, Span]]:
    """Each (campaign, pollutant) pair a measure acts on, once, with the clause that shows it.

    In a campaign's section every pollutant its measures name is that
    campaign's (噪声 under 蓝天保卫战, 农村生活污水 under 净土工程). Outside one, a
    sentence often lists the work of several media (水质自动监测站、大气小微站、
    颗粒物组分站): each pollutant goes to its own medium's campaign
    (``pkg:medium``), and one without a medium (噪声, 碳排放) to none. Of
    several clauses naming a pair, the shortest is the clearest.
    """
    from policykg.loaders.extract.clauses import clauses, enclosing

    by_index = {s.index: s for s in sections}
    pollutants = vocabulary("pollutant")
    best: dict[tuple[str, str], Span] = {}
    for measure in measures:
        if not measure.pollutants:
            continue
        section = by_index.get(measure.section) if measure.section is not None else None
        in_campaign = section.campaign if section is not None else None
        parts = clauses(document, measure.span)
        for mention in measure.pollutants:
            concept = pollutants.concepts.get(mention.code)
            campaign = in_campaign or (concept.prop("medium") if concept else None)
            if not campaign:
                continue
            clause = enclosing(parts, mention.span.start) or mention.span
            key = (campaign, mention.code)
            if key not in best or len(clause) < len(best[key]):
                best[key] = clause
    return [(c, p, span) for (c, p), span in best.items()]
