"""Extraction: from a read ``Document`` to its ``DocumentFacts``.

``extract`` is the one extraction path: the graph and ``policykg extract
--format gold`` both call it. Its steps, in order: sections
(``loaders.sections``) → sentences → measures → actors with their roles →
campaign/pollutant pairs → instruments → targets (``loaders.extract.targets``)
→ each actor, target and instrument linked to the measure it stands in.
"""

from __future__ import annotations

from policykg.loaders.document import Document, Span
from policykg.loaders.extract.facts import DocumentFacts, Section, Target

# Bump whenever a rule changes what is extracted: caches of extracted facts are
# keyed on it together with ``policykg.ontology.vocab.vocabulary_version()``.
EXTRACTOR_VERSION = "1.0"


def _sections(document: Document) -> list[Section]:
    try:
        from policykg.loaders.sections import parse_sections
    except ImportError:  # no section parser installed: the document is one flat part
        return []
    return parse_sections(document)


def _targets(document: Document, sections: list[Section]) -> list[Target]:
    try:
        from policykg.loaders.extract.targets import extract_targets
    except ImportError:  # no target extractor installed: no targets
        return []
    return extract_targets(document, sections)


def _measure_at(starts: list[int], spans: list[Span], pos: int) -> int | None:
    """Index of the measure whose span contains ``pos`` (measures are disjoint, sorted)."""
    from bisect import bisect_right

    i = bisect_right(starts, pos) - 1
    if i >= 0 and spans[i].start <= pos < spans[i].end:
        return i
    return None


def extract(document: Document) -> DocumentFacts:
    """Read every fact out of ``document``; each carries its span into ``document.text``."""
    from policykg.loaders.extract.actors import extract_actors
    from policykg.loaders.extract.clauses import sentences
    from policykg.loaders.extract.instruments import extract_instruments
    from policykg.loaders.extract.measures import SectionIndex, campaign_pollutants, extract_measures

    sections = _sections(document)
    index = SectionIndex(document, sections)
    contexts = [index.context(span) for span in _sentence_spans(document, sections, sentences)]
    measures = extract_measures(document, contexts)
    actors = extract_actors(document, contexts)
    instruments = extract_instruments(document, contexts)
    targets = _targets(document, sections)

    spans = [m.span for m in measures]
    starts = [s.start for s in spans]
    for fact in (*actors, *instruments, *targets):
        fact.measure = _measure_at(starts, spans, fact.span.start)
    return DocumentFacts(
        document=document,
        sections=sections,
        measures=measures,
        targets=targets,
        actors=actors,
        instruments=instruments,
        campaign_pollutants=campaign_pollutants(document, measures, sections),
    )


def _sentence_spans(document: Document, sections: list[Section], sentences) -> list[Span]:
    """Sentences that never cross a heading's edge (a one-line plan runs headings inline)."""
    cuts = sorted(
        {0, len(document.text)}
        | {p for s in sections if s.heading for p in (s.heading.start, s.heading.end)}
        | {s.span.start for s in sections}
    )
    out: list[Span] = []
    for a, b in zip(cuts, cuts[1:], strict=False):
        if b > a:
            out.extend(sentences(document, Span(a, b)))
    return out
