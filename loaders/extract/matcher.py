"""Find vocabulary labels in text: one Aho-Corasick automaton per concept scheme.

Built from the SKOS labels (see ``ontology/vocab.py``), so a synonym added to
a vocabulary is matched everywhere at once. Matches are leftmost-longest and
never overlap. An ASCII label (``CO``, ``VOCs``) only matches between ASCII
word boundaries, so ``CO`` is not found inside ``CO2`` or ``COD``.
"""

from __future__ import annotations

import re
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
        # Where a label can begin. From the automaton's root, a character that
        # begins no label leaves it at the root, so a search may start at the
        # first character that begins one, and has nothing to find without one.
        initials = sorted({label[0] for label in labels if label})
        self._initial = re.compile("[" + "".join(re.escape(ch) for ch in initials) + "]")

    def find(self, text: str, start: int = 0, end: int | None = None) -> list[Match]:
        """All non-overlapping matches in ``text[start:end]``, offsets into ``text``."""
        if self._empty:
            return []
        end = len(text) if end is None else end
        begin = self._initial.search(text, start, end)
        if begin is None:
            return []
        # The automaton is given the window alone: given a text and bounds, it
        # would copy the whole text (held in two bytes a character) every call.
        begin = begin.start()
        found: list[Match] = []
        for last, (code, label) in self._automaton.iter_long(text[begin:end]):
            last += begin
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
