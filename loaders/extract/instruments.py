"""Instrument adoptions: named policy instruments a plan sets up or a summary reports.

Names come from the ``instrument`` vocabulary (河长制, 排污许可, 三线一单 ...).
Each mention becomes one ``Instrument`` whose kind follows the status of the
sentence it stands in: ``planned`` in a plan, ``achieved`` in a report. The
same instrument named twice in one sentence is one adoption; named again in
another sentence it is another (a summary part and a plan part of one
document may both carry it). Headings count too: a part titled
严格落实“党政同责、一岗双责” adopts both.
"""

from __future__ import annotations

from policykg.loaders.document import Document, Span
from policykg.loaders.extract.facts import Instrument
from policykg.loaders.extract.matcher import matcher
from policykg.loaders.extract.measures import SentenceContext

QUOTES = {"“": "”", '"': '"', "「": "」", "‘": "’", "《": "》"}


def _with_quotes(text: str, start: int, end: int) -> tuple[int, int]:
    """Widen ``[start, end)`` over quotation marks wrapped right around it."""
    if start > 0 and end < len(text) and QUOTES.get(text[start - 1]) == text[end]:
        return start - 1, end + 1
    return start, end


def extract_instruments(document: Document, contexts: list[SentenceContext]) -> list[Instrument]:
    """Every instrument mention, one per instrument and sentence, in document order."""
    found: list[Instrument] = []
    automaton = matcher("instrument")
    for ctx in contexts:
        kind = "achieved" if ctx.status == "reported" else "planned"
        seen: set[str] = set()
        for m in automaton.find(document.norm, ctx.span.start, ctx.span.end):
            if m.code in seen:
                continue
            seen.add(m.code)
            start, end = _with_quotes(document.norm, m.start, m.end)
            found.append(Instrument(code=m.code, span=Span(start, end), kind=kind))
    return found
