"""Sentences and clauses of a document, as spans into ``Document.text``.

Splitting runs on ``Document.norm`` (simplified, same length as the text), so
the spans quote the original. A sentence ends at 。；！？ (and their ASCII
forms) or a line end; a clause also ends at ， (and ``,`` between non-digits:
1,000 is one number). A bracket that closes within the same line keeps its
inside together: （市生态环境局牵头，市公安局参与） stays inside its clause. Page
furniture marked in ``Document.ignored`` yields no sentence. Spans carry no
blanks at their ends and no final mark.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from itertools import pairwise

from policykg.loaders.document import Document, Span

SENTENCE_MARKS = "。；！？;!?\n\r"
CLAUSE_MARKS = "，,"
BLANKS = " \t\u3000\xa0\r\n"
OPEN = {"（": "）", "(": ")", "【": "】", "［": "］", "[": "]"}
# A bracket that does not close within this many characters is a typo, not a
# bracket: it protects nothing.
MAX_BRACKET = 120

_SENTENCE_END = re.compile(f"[{re.escape(SENTENCE_MARKS)}]")
_CLAUSE_END = re.compile(f"[{re.escape(SENTENCE_MARKS + CLAUSE_MARKS)}]")
# One level of nesting: （责任单位：市住建局，各县（市、区）人民政府）.
_BRACKET = re.compile(
    "|".join(
        f"{re.escape(o)}(?:[^{re.escape(o + c)}\\n\\r]|{re.escape(o)}[^{re.escape(o + c)}\\n\\r]*{re.escape(c)})"
        f"{{0,{MAX_BRACKET}}}{re.escape(c)}"
        for o, c in OPEN.items()
    )
)
_CONTENT = re.compile(f"[^{re.escape(SENTENCE_MARKS + CLAUSE_MARKS + BLANKS)}]")


def brackets(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Insides of the closed brackets in ``text[start:end]``."""
    return [(m.start() + 1, m.end() - 1) for m in _BRACKET.finditer(text, start, end)]


def _split(document: Document, start: int, end: int, marks: re.Pattern[str]) -> list[Span]:
    text = document.norm
    protected = brackets(text, start, end)
    starts = [a for a, _ in protected]
    cuts = [start - 1]
    for m in marks.finditer(text, start, end):
        i = m.start()
        k = bisect_right(starts, i) - 1
        if k >= 0 and i < protected[k][1]:
            continue  # inside a bracket
        if text[i] == "," and 0 < i < len(text) - 1 and text[i - 1].isdigit() and text[i + 1].isdigit():
            continue  # 1,000
        cuts.append(i)
    cuts.append(end)
    ignored = sorted((s for s in document.ignored if s.start < end and start < s.end), key=lambda s: s.start)
    out: list[Span] = []
    for a, b in pairwise(cuts):
        for s, e in _subtract(a + 1, b, ignored):
            piece = _trim(text, s, e)
            if piece is not None:
                out.append(piece)
    return out


def _subtract(start: int, end: int, ignored: list[Span]) -> list[tuple[int, int]]:
    """``[start, end)`` minus the ignored stretches in it."""
    pieces = []
    for span in ignored:
        if span.end <= start or span.start >= end:
            continue
        if span.start > start:
            pieces.append((start, span.start))
        start = max(start, span.end)
    if start < end:
        pieces.append((start, end))
    return pieces


def _trim(text: str, start: int, end: int) -> Span | None:
    """The piece without blanks at its ends; None if nothing but blanks and marks."""
    if start >= end or _CONTENT.search(text, start, end) is None:
        return None
    while text[start] in BLANKS:
        start += 1
    while text[end - 1] in BLANKS:
        end -= 1
    return Span(start, end)


def sentences(document: Document, span: Span | None = None) -> list[Span]:
    """The sentences of ``span`` (default: the whole document), without their final mark."""
    span = span or Span(0, len(document.text))
    return _split(document, span.start, span.end, _SENTENCE_END)


def clauses(document: Document, span: Span) -> list[Span]:
    """The clauses of ``span``: its sentences split further at ，and ``,``."""
    return _split(document, span.start, span.end, _CLAUSE_END)


def enclosing(spans: list[Span], pos: int) -> Span | None:
    """The span of ``spans`` (sorted, disjoint) that contains ``pos``, by bisection."""
    lo, hi = 0, len(spans)
    while lo < hi:
        mid = (lo + hi) // 2
        if spans[mid].end <= pos:
            lo = mid + 1
        else:
            hi = mid
    if lo < len(spans) and spans[lo].start <= pos < spans[lo].end:
        return spans[lo]
    return None
