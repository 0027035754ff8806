"""Sentences and clauses of a document, as spans into ``Document.text``.

Splitting runs on ``Document.norm`` (simplified, same length as the text), so
the spans quote the original. A sentence ends at 。；！？ (and their ASCII
forms) or a line end; a clause also ends at ，： (and ``,`` ``:`` between
non-digits). A bracket that closes within the same sentence keeps its inside
together: （市生态环境局牵头，市公安局参与） stays inside its clause. Page
furniture marked in ``Document.ignored`` yields no sentence.
"""

from __future__ import annotations

from policykg.loaders.document import Document, Span

SENTENCE_ENDS = frozenset("。；！？;!?\n\r")
CLAUSE_ENDS = frozenset("，：,:")
# Characters trimmed from both ends of a sentence or clause: blanks only, so a
# quoted name (“三线一单”) keeps its quotes.
BLANKS = " \t\u3000\xa0\r\n"
OPEN = {"（": "）", "(": ")", "【": "】", "［": "］", "[": "]"}
# A bracket that does not close within this many characters is a typo, not a
# bracket: it protects nothing.
MAX_BRACKET = 120


def _protected(text: str, start: int, end: int) -> list[bool]:
    """For each position of ``text[start:end]``: is it inside a closed bracket?"""
    inside = [False] * (end - start)
    i = start
    while i < end:
        close = OPEN.get(text[i])
        if close is None:
            i += 1
            continue
        depth, j = 0, i
        limit = min(end, i + MAX_BRACKET)
        while j < limit:
            ch = text[j]
            if ch in "\n\r":
                break
            if ch == text[i]:
                depth += 1
            elif ch == close:
                depth -= 1
                if depth == 0:
                    break
            j += 1
        if j < limit and depth == 0 and text[j] == close:
            for k in range(i + 1, j):
                inside[k - start] = True
            i = j + 1
        else:
            i += 1
    return inside


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] in BLANKS:
        start += 1
    while end > start and text[end - 1] in BLANKS:
        end -= 1
    return start, end


def _is_digit_comma(text: str, i: int) -> bool:
    """``1,000`` or ``10:30``: an ASCII separator between digits splits nothing."""
    return text[i] in ",:" and 0 < i < len(text) - 1 and text[i - 1].isdigit() and text[i + 1].isdigit()


def _split(document: Document, start: int, end: int, marks: frozenset[str]) -> list[Span]:
    text = document.norm
    inside = _protected(text, start, end)
    out: list[Span] = []
    piece = start
    for i in range(start, end):
        ch = text[i]
        if ch in marks and not inside[i - start] and not _is_digit_comma(text, i):
            _emit(document, piece, i, out)
            piece = i + 1
    _emit(document, piece, end, out)
    return out


def _emit(document: Document, start: int, end: int, out: list[Span]) -> None:
    """Add ``[start, end)`` minus blanks and minus ignored stretches."""
    text = document.norm
    if not document.ignored:
        s, e = _trim(text, start, end)
        if e > s and not _only_marks(text, s, e):
            out.append(Span(s, e))
        return
    i = start
    while i < end:
        if document.is_ignored(i):
            i += 1
            continue
        j = i
        while j < end and not document.is_ignored(j):
            j += 1
        s, e = _trim(text, i, j)
        if e > s and not _only_marks(text, s, e):
            out.append(Span(s, e))
        i = j


def _only_marks(text: str, start: int, end: int) -> bool:
    return all(ch in SENTENCE_ENDS or ch in CLAUSE_ENDS or ch in BLANKS for ch in text[start:end])


def sentences(document: Document, span: Span | None = None) -> list[Span]:
    """The sentences of ``span`` (default: the whole document), without their final mark."""
    span = span or Span(0, len(document.text))
    return _split(document, span.start, span.end, SENTENCE_ENDS)


def clauses(document: Document, span: Span) -> list[Span]:
    """The clauses of a sentence ``span``: split further at ，： and their ASCII forms."""
    return _split(document, span.start, span.end, SENTENCE_ENDS | CLAUSE_ENDS)


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
