"""Find vocabulary labels in text: one Aho-Corasick automaton per concept scheme.

Built from the SKOS labels (see ``ontology/vocab.py``), so a synonym added to
a vocabulary is matched everywhere at once. Matches are leftmost-longest and
never overlap. An ASCII label (``CO``, ``VOCs``) only matches between ASCII
word boundaries, so ``CO`` is not found inside ``CO2`` or ``COD``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import ahocorasick

from policykg.ontology.vocab import vocabulary


@dataclass(frozen=True, slots=True)
class Match:
    """One label found in the text: ``text[start:end] == label``."""

    code: str
    label: str
    start: int
    end: int


def _is_ascii_word_char(ch: str) -> bool:
    return ch.isascii() and (ch.isalnum() or ch in "._")


def _bounds(size: int, start: int, end: int) -> tuple[int, int]:
    """The window as ``Automaton.iter_long(text, start, end)`` reads it, with its IndexErrors."""
    if start < 0:
        start += size
    if not 0 <= start < size:
        raise IndexError(f"start index not in range 0..{size}")
    if end < 0:
        end += size - 1
    if not 0 <= end <= size:
        raise IndexError(f"end index not in range 0..{size}")
    return start, end


class VocabMatcher:
    """Leftmost-longest matching of a scheme's labels (or any label → code map)."""

    def __init__(self, labels: dict[str, str]) -> None:
        self._automaton = ahocorasick.Automaton()
        for label, code in labels.items():
            if label:
                self._automaton.add_word(label, (code, label))
        self._empty = not labels
        if not self._empty:
            self._automaton.make_automaton()

    def find(self, text: str, start: int = 0, end: int | None = None) -> list[Match]:
        """All non-overlapping matches in ``text[start:end]``, offsets into ``text``."""
        if self._empty:
            return []
        end = len(text) if end is None else end
        start, end = _bounds(len(text), start, end)
        # The automaton is given the window alone: given a text and bounds, it
        # would copy the whole text (held in two bytes a character) every call.
        found: list[Match] = []
        for last, (code, label) in self._automaton.iter_long(text[start:end]):
            last += start
            first = last - len(label) + 1
            if label.isascii() and (
                (first > 0 and _is_ascii_word_char(text[first - 1]) and _is_ascii_word_char(label[0]))
                or (
                    last + 1 < len(text)
                    and _is_ascii_word_char(text[last + 1])
                    and _is_ascii_word_char(label[-1])
                )
            ):
                continue
            found.append(Match(code, label, first, last + 1))
        return found

    def first(self, text: str, start: int = 0, end: int | None = None) -> Match | None:
        """The first match in ``text[start:end]``, or None."""
        matches = self.find(text, start, end)
        return matches[0] if matches else None


@cache
def matcher(scheme: str, prop: str | None = None) -> VocabMatcher:
    """The matcher of a scheme's match labels, or of the values of ``pkg:<prop>``.

    ``matcher("pollutant")`` finds pollutant names; ``matcher("campaign", "cue")``
    finds the campaign cue words kept in ``pkg:cue``.
    """
    vocab = vocabulary(scheme)
    if prop is None:
        return VocabMatcher(vocab.label_index())
    labels: dict[str, str] = {}
    for concept in vocab:
        for value in concept.props.get(prop, ()):
            labels.setdefault(value, concept.code)
    return VocabMatcher(labels)
