"""Extraction: from a read ``Document`` to its ``DocumentFacts``.

``extract`` is the one extraction path: the graph and ``policykg extract
--format gold`` both call it. Its steps, in order: sections
(``loaders.sections``) → sentences → measures → actors with their roles →
instruments → targets (``loaders.extract.targets``) → each actor, target and
instrument linked to the measure it stands in → campaign/pollutant pairs.
"""

from __future__ import annotations

from bisect import bisect_right
from itertools import pairwise

from policykg.loaders.document import Document, Span
from policykg.loaders.extract.facts import DocumentFacts, Section

# Bump whenever a rule changes what is extracted: caches of extracted facts are
# keyed on it together with ``policykg.ontology.vocab.vocabulary_version()``.
EXTRACTOR_VERSION = "1.1"


def extract(document: Document) -> DocumentFacts:
    """Read every fact out of ``document``; each carries its span into ``document.text``."""
    # Imported here, not at the top: the section parser and the stages import
    # ``loaders.extract.facts``, which runs this package first.
    from policykg.loaders.extract.actors import extract_actors
    from policykg.loaders.extract.instruments import extract_instruments
    from policykg.loaders.extract.measures import SectionIndex, campaign_pollutants, extract_measures
    from policykg.loaders.extract.targets import extract_targets
    from policykg.loaders.sections import parse_sections

    sections = parse_sections(document)
    index = SectionIndex(document, sections)
    contexts = [index.context(span) for span in sentence_spans(document, sections)]
    measures = extract_measures(document, contexts)
    actors = extract_actors(document, contexts)
    instruments = extract_instruments(document, contexts)
    targets = extract_targets(document, sections)

    spans = [m.span for m in measures]
    starts = [s.start for s in spans]
    for fact in (*actors, *instruments, *targets):
        i = bisect_right(starts, fact.span.start) - 1
        fact.measure = i if i >= 0 and fact.span.start < spans[i].end else None
    return DocumentFacts(
        document=document,
        sections=sections,
        measures=measures,
        targets=targets,
        actors=actors,
        instruments=instruments,
        campaign_pollutants=campaign_pollutants(document, measures, sections),
    )


def sentence_spans(document: Document, sections: list[Section]) -> list[Span]:
    """The document's sentences, none crossing a section's start or a heading's end.

    A one-line plan runs its headings inline (一、2023年工作总结 (一)开展…): the
    heading is a sentence of its own even where no mark ends it.
    """
    from policykg.loaders.extract.clauses import sentences

    cuts = {0, len(document.text)}
    for section in sections:
        cuts.add(section.span.start)
        if section.heading is not None:
            cuts.update((section.heading.start, section.heading.end))
    out: list[Span] = []
    for a, b in pairwise(sorted(cuts)):
        out.extend(sentences(document, Span(a, b)))
    return out
