"""The section tree of a plan: 一、 / （一） / 1. / （1） / ① / 一是…二是….

Chinese plans number their parts with a handful of kinds of numbering that nest
in a usual order (一、 over （一） over 1. over （1） over ①, with 一是/二是 items
inside a paragraph), but any one document may skip a kind, nest them in
another order, or restart a kind inside itself (鹿城's 二、2024年工作计划 holds
its own 一、 二、 三、). Pages saved from the web are often flattened to one
line, so headings are found inline, not only at line starts.

A numbering token counts only

* where an item can start: at a line start, after 。；：！？ or white space (an
  inline heading), or, for （一）(1)① and 一是, right after the heading it
  belongs to (一、2023年工作总结(一)开展…);
* in sequence: 二 continues an open 一 of the same kind; a 1 opens a new list
  (inside the item before it); any other number is prose (3820战略, 1个中心,
  6.5世界环境日, 2.5%).

Each section's campaign comes from its heading (the campaign vocabulary's
labels) or is inherited from its parent; so are the year and modality of a part
headed 2022年工作总结 (summary) or 2023年工作计划 (plan), whose words are the
``pkg:modality`` labels of the doc_type vocabulary.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field, fields
from functools import cache, lru_cache
from operator import attrgetter

import ahocorasick

from policykg.loaders.boilerplate import SpanSet, content_end
from policykg.loaders.document import Document, Span
from policykg.loaders.extract.facts import Section
from policykg.ontology.vocab import vocabulary

# Kinds of numbering, in their usual order of nesting.
CN = "cn"  # 一、
PAREN_CN = "paren_cn"  # （一） (一)
ARABIC = "arabic"  # 1. 1、 1．
PAREN_ARABIC = "paren_arabic"  # （1） (1) ⑴
CIRCLED = "circled"  # ①
SHI = "shi"  # 一是
KINDS = (CN, PAREN_CN, ARABIC, PAREN_ARABIC, CIRCLED, SHI)

_CN_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_NUM = "[一二三四五六七八九十]{1,3}"
_TOKEN = re.compile(
    rf"(?P<paren_cn>[（(][ \t\u3000]*(?P<pcn>{_CN_NUM})[ \t\u3000]*[）)])"
    rf"|(?P<paren_arabic>[（(][ \t\u3000]*(?P<par>\d{{1,2}})[ \t\u3000]*[）)]|(?P<pcirc>[⑴-⒇]))"
    rf"|(?P<shi>(?P<shinum>{_CN_NUM})是)"
    rf"|(?P<cn>(?P<cnnum>{_CN_NUM})(?:、|[．.](?![\d]))(?!{_CN_NUM}、))"
    r"|(?P<arabic>(?<![\d.．])(?P<ar>\d{1,2})[ \t]*[．、.](?!\d))"
    r"|(?P<circled>[①-⑳])"
)
# Every character a _TOKEN can begin with. re tries each of _TOKEN's branches at
# every position of the text; finding these first and matching there is the
# same search (a token is never empty), about three times quicker.
_TOKEN_FIRST = re.compile(r"[（(⑴-⒇一二三四五六七八九十\d①-⑳]")
# A part heading whose numeral was lost when the page was saved: "、主要任务".
_LOST_NUMBER = re.compile(r"(?m)^[ \t\u3000\xa0]*、(?=[^\r\n。]{2,30}\r?$)")
# The attachments after a plan (附件1, 附件：) start a new outline.
_ATTACHMENT = re.compile(
    r"(?m)^[ \t\u3000\xa0]*附件[ \t\u3000]*[0-9一二三四五六七八九十]*[ \t\u3000]*(?:[:：]|\r?$)"
)
_SPACE = " \t\u3000\xa0"
_STRONG_BEFORE = "。；;：:！？!?"
_COMMA = "，,、"
_HEADING_STOP = "。！？!?\n\r"
_SHI_HEADING_STOP = "。！？!?；;\n\r"
_YEAR_PREFIX = re.compile(r"^(?:(?P<year>(?:19|20)\d{2})[ \t]*年度?)?(?P<middle>.*)$", re.S)


@dataclass(slots=True)
class _Token:
    start: int
    end: int
    kind: str
    value: int
    lost: bool = False  # the lost-numeral heading "、主要任务"


@dataclass(slots=True)
class _Node:
    token: _Token
    parent: _Node | None
    heading_start: int
    heading_end: int
    end: int = -1
    children: list[_Node] = field(default_factory=list)


def cn_value(numeral: str) -> int:
    """一 -> 1, 十 -> 10, 十二 -> 12, 二十一 -> 21."""
    if "十" not in numeral:
        value = 0
        for ch in numeral:
            value = value * 10 + _CN_DIGITS[ch]
        return value
    tens, _, units = numeral.partition("十")
    return (_CN_DIGITS[tens] if tens else 1) * 10 + (_CN_DIGITS[units] if units else 0)


def _valid_numeral(numeral: str) -> bool:
    return bool(
        re.fullmatch(r"十?[一二三四五六七八九]|[二三四五六七八九]?十[一二三四五六七八九]?|十", numeral)
    )


def _token_matches(norm: str) -> Iterator[re.Match[str]]:
    """``_TOKEN.finditer(norm)``, tried only where a token can begin."""
    pos = 0
    while (first := _TOKEN_FIRST.search(norm, pos)) is not None:
        m = _TOKEN.match(norm, first.start())
        if m is None:
            pos = first.start() + 1
        else:
            yield m
            pos = m.end()


def _tokens(norm: str) -> list[_Token]:
    out: list[_Token] = []
    for m in _token_matches(norm):
        kind = m.lastgroup
        if kind == PAREN_CN:
            numeral = m.group("pcn")
        elif kind == SHI:
            numeral = m.group("shinum")
        elif kind == CN:
            numeral = m.group("cnnum")
        else:
            numeral = ""
        if numeral:
            if not _valid_numeral(numeral):
                continue
            value = cn_value(numeral)
        elif kind == PAREN_ARABIC:
            value = int(m.group("par")) if m.group("par") else ord(m.group("pcirc")) - ord("⑴") + 1
        elif kind == ARABIC:
            value = int(m.group("ar"))
        else:
            value = ord(m.group(0)) - ord("①") + 1
        if value < 1:
            continue
        end = m.end()
        out.append(_Token(m.start(), end, kind, value))
    for m in _LOST_NUMBER.finditer(norm):
        at = m.end() - 1
        out.append(_Token(at, at + 1, CN, 0, lost=True))
    out.sort(key=lambda t: t.start)
    return out


def _position(norm: str, pos: int) -> str:
    """'strong' where an item can start, 'comma' after a comma, else 'weak'."""
    i = pos
    while i > 0 and norm[i - 1] in _SPACE:
        i -= 1
    if i == 0 or norm[i - 1] in "\n\r":
        return "strong"
    if i < pos or norm[i - 1] in _STRONG_BEFORE:
        return "strong"
    if norm[i - 1] in _COMMA:
        return "comma"
    return "weak"


def _heading_end(norm: str, start: int, limit: int, kind: str) -> int:
    """End of the heading text: the first 。 (or ； for 一是 items), the line end,
    the next token, or a gap of white space between two Chinese words (a flattened
    line break: …新提升 深化全域…)."""
    stops = _SHI_HEADING_STOP if kind == SHI else _HEADING_STOP
    i = start
    while i < limit and norm[i] not in stops:
        if norm[i] in _SPACE and i > start:
            j = i
            while j < limit and norm[j] in _SPACE:
                j += 1
            before, after = norm[i - 1], norm[j] if j < limit else ""
            if after and not before.isascii() and not after.isascii() and not before.isdigit():
                return i
            i = j
            continue
        i += 1
    return i


def _skip_space(norm: str, i: int, limit: int) -> int:
    while i < limit and norm[i] in _SPACE:
        i += 1
    return i


class _Builder:
    def __init__(self, norm: str, ignored: list[Span]) -> None:
        self.norm = norm
        self.furniture = SpanSet(ignored)
        self.end = content_end(norm, ignored)
        self.roots: list[_Node] = []
        self.nodes: list[_Node] = []
        self.stack: list[_Node] = []
        self.last: dict[str, _Node] = {}  # the latest section of each kind

    def ignored_at(self, pos: int) -> bool:
        return pos in self.furniture

    def close(self, depth: int, at: int) -> None:
        """Close the open sections from ``depth`` down, at position ``at``."""
        while len(self.stack) > depth:
            self.stack.pop().end = at

    def push(self, token: _Token, parent: _Node | None, limit: int) -> None:
        start = _skip_space(self.norm, token.end, limit)
        node = _Node(token, parent, start, _heading_end(self.norm, start, limit, token.kind))
        (parent.children if parent else self.roots).append(node)
        self.nodes.append(node)
        self.stack.append(node)
        self.last[token.kind] = node

    def right_after_heading(self, node: _Node, pos: int) -> bool:
        """True when only white space separates the node's heading from ``pos``."""
        return not node.children and not self.norm[node.heading_end : pos].strip(_SPACE + "\n\r")

    def in_open_heading(self, pos: int) -> bool:
        """True when ``pos`` is on the heading line of the innermost open section, before any 。."""
        if not self.stack:
            return False
        top = self.stack[-1]
        between = self.norm[top.heading_start : pos]
        return not top.children and not any(ch in between for ch in _HEADING_STOP)

    def place(self, token: _Token, limit: int) -> None:
        position = _position(self.norm, token.start)
        if token.lost:
            for depth in range(len(self.stack) - 1, -1, -1):
                node = self.stack[depth]
                if node.token.kind == CN:
                    token.value = node.token.value + 1
                    self.close(depth, token.start)
                    self.push(token, node.parent, limit)
                    return
            return
        # 二 after an open 一 of the same kind: a sibling, closing what is below.
        for depth in range(len(self.stack) - 1, -1, -1):
            node = self.stack[depth]
            if node.token.kind == token.kind and node.token.value + 1 == token.value:
                allowed = position == "strong" or (
                    token.kind in (PAREN_CN, PAREN_ARABIC, CIRCLED)
                    or (token.kind == SHI and position == "comma")
                )
                if allowed:
                    self.close(depth, token.start)
                    self.push(token, node.parent, limit)
                return
        if token.value != 1:
            self.continue_across(token, position, limit)
            return
        if position != "strong" and not (
            token.kind in (PAREN_CN, PAREN_ARABIC, CIRCLED, SHI) and self.in_open_heading(token.start)
        ):
            return
        top = self.stack[-1] if self.stack else None
        if top is not None and top.token.kind == token.kind:
            if self.right_after_heading(top, token.start):
                self.push(token, top, limit)  # the kind restarts inside its own item
                return
            self.close(len(self.stack) - 1, token.start)  # numbering restarted: a new list
            self.push(token, top.parent, limit)
            return
        for depth in range(len(self.stack) - 1, -1, -1):
            if self.stack[depth].token.kind == token.kind:
                node = self.stack[depth]
                self.close(depth, token.start)
                self.push(token, node.parent, limit)
                return
        self.push(token, top, limit)

    def continue_across(self, token: _Token, position: str, limit: int) -> None:
        """4. after 3. of the previous （一）: numbering that runs on through the parents.

        Many plans number their items 1-45 through all the parts. The token
        continues the last item of its kind if that item was the latest of its
        kind and an open section has the kind of that item's parent (the new
        parent, a sibling of the old one); any other number is prose.
        """
        last = self.last.get(token.kind)
        if last is None or last.token.value + 1 != token.value or last in self.stack:
            return
        if position != "strong" and token.kind not in (PAREN_CN, PAREN_ARABIC, CIRCLED):
            return
        if last.parent is None:
            self.close(0, token.start)
            self.push(token, None, limit)
            return
        for depth in range(len(self.stack) - 1, -1, -1):
            if (
                self.stack[depth].token.kind == last.parent.token.kind
                and self.stack[depth] is not last.parent
            ):
                self.close(depth + 1, token.start)
                self.push(token, self.stack[depth], limit)
                return

    def build(self) -> list[_Node]:
        breaks = [m.start() for m in _ATTACHMENT.finditer(self.norm) if not self.ignored_at(m.start())]
        tokens = [t for t in _tokens(self.norm) if t.start < self.end and not self.ignored_at(t.start)]
        events = sorted(
            [(b, 0, None) for b in breaks] + [(t.start, 1, t) for t in tokens], key=lambda e: e[:2]
        )
        for i, (pos, _, token) in enumerate(events):
            if token is None:
                self.close(0, pos)
                continue
            limit = events[i + 1][0] if i + 1 < len(events) else self.end
            self.place(token, max(limit, token.end))
        self.close(0, self.end)
        self._drop_lone_shi()
        return self.nodes

    def _drop_lone_shi(self) -> None:
        """一是 without 二是 is a phrase (统一是, 其一是), not a list."""
        for node in list(self.nodes):
            if node.token.kind != SHI or node.token.value != 1:
                continue
            siblings = node.parent.children if node.parent else self.roots
            if any(s.token.kind == SHI and s.token.value == 2 for s in siblings):
                continue
            at = siblings.index(node)
            for child in node.children:
                child.parent = node.parent
            siblings[at : at + 1] = node.children
            self.nodes.remove(node)


def _kind_levels(nodes: list[_Node]) -> dict[str, int]:
    """Rank of each kind of numbering as the kinds nest in this document (1 = outermost)."""
    edges: dict[str, set[str]] = {}

    def reaches(a: str, b: str) -> bool:
        todo, seen = [a], set()
        while todo:
            k = todo.pop()
            if k == b:
                return True
            if k not in seen:
                seen.add(k)
                todo.extend(edges.get(k, ()))
        return False

    kinds: list[str] = []
    for node in nodes:
        kind = node.token.kind
        if kind not in kinds:
            kinds.append(kind)
        if node.parent is not None:
            outer = node.parent.token.kind
            # An edge that would make a cycle (a kind nested both ways) is dropped:
            # the first nesting seen in the document decides.
            if outer != kind and not reaches(kind, outer):
                edges.setdefault(outer, set()).add(kind)

    @cache
    def depth(kind: str) -> int:
        parents = [k for k, children in edges.items() if kind in children]
        return 1 + max((depth(p) for p in parents), default=0)

    return {kind: depth(kind) for kind in kinds}


@cache
def _campaign_words() -> tuple[tuple[str, str, bool], ...]:
    """(word, campaign, is_label) for every label and ``pkg:cue`` of the campaign vocabulary."""
    vocab = vocabulary("campaign")
    words: dict[str, tuple[str, bool]] = {label: (code, True) for label, code in vocab.label_index().items()}
    for concept in vocab:
        for cue in concept.props.get("cue", ()):
            words.setdefault(cue, (concept.code, False))
    return tuple((word, code, is_label) for word, (code, is_label) in words.items())


@cache
def _campaign_automaton() -> ahocorasick.Automaton | None:
    """Every occurrence of every campaign word in one pass (``iter`` reports overlapping ones too)."""
    if not _campaign_words():
        return None
    automaton = ahocorasick.Automaton()
    for entry in _campaign_words():
        automaton.add_word(entry[0], entry)
    automaton.make_automaton()
    return automaton


def heading_campaign(heading: str) -> str | None:
    """The campaign a heading names: 深入打好"蓝天保卫战" -> blue_sky.

    The vocabulary's labels decide; where no label occurs, its cue words do
    (开展大气环境质量巩固行动 -> blue_sky). Words are matched leftmost-longest, so
    地下水污染防治 is the clean-soil cue 地下水, not the clear-water label
    水污染防治. None when nothing matches or several campaigns do.
    """
    automaton = _campaign_automaton()
    if automaton is None:
        return None
    matches = [
        (last - len(word) + 1, last + 1, code, is_label)
        for last, (word, code, is_label) in automaton.iter(heading)
    ]
    matches.sort(key=lambda m: (m[0], -(m[1] - m[0]), not m[3]))
    labels: set[str] = set()
    cues: set[str] = set()
    taken = 0
    for start, end, code, is_label in matches:
        if start < taken:
            continue
        taken = end
        (labels if is_label else cues).add(code)
    found = labels or cues
    return found.pop() if len(found) == 1 else None


@cache
def _modality_labels() -> tuple[tuple[str, str], ...]:
    labels: dict[str, str] = {}
    for concept in vocabulary("doc_type"):
        modality = concept.prop("modality")
        if modality:
            for label in concept.labels:
                labels.setdefault(label, modality)
    return tuple(sorted(labels.items(), key=lambda item: -len(item[0])))


def heading_part(heading: str) -> tuple[int | None, str | None]:
    """Year and modality of a part heading: 2022年工作总结 -> (2022, "summary").

    The heading must end with a label of a doc_type concept that has a
    ``pkg:modality``; before it may stand a year and, with a year, a few words
    (2023年生态环境保护工作计划). Anything else is a heading about some work, not a
    part of the document: (三)制定工作计划 is not a plan part.
    """
    text = heading.strip(_SPACE + "：:,，。")
    for label, modality in _modality_labels():
        if not text.endswith(label):
            continue
        m = _YEAR_PREFIX.match(text[: -len(label)])
        if m is None:
            continue
        year, middle = m.group("year"), m.group("middle").strip(_SPACE)
        if (year and len(middle) <= 10) or not middle:
            return (int(year) if year else None), modality
    return None, None


def parse_outline(text: str, norm: str, ignored: list[Span]) -> list[Section]:
    """The sections of a text (``parse_sections`` without a Document).

    Reading a document asks for its outline twice (its metadata read the
    parts, then extraction does): the last few outlines are kept, and each
    caller gets its own copies.
    """
    return [Section(*_section_fields(section)) for section in _outline(text, norm, tuple(ignored))]


# A section's fields in order: a copy made from them is copy.copy's, ten times quicker.
_section_fields = attrgetter(*(f.name for f in fields(Section)))


@lru_cache(maxsize=4)
def _outline(text: str, norm: str, ignored: tuple[Span, ...]) -> tuple[Section, ...]:
    nodes = _Builder(norm, list(ignored)).build()
    levels = _kind_levels(nodes)
    order = {id(node): i for i, node in enumerate(nodes)}
    sections: list[Section] = []
    for i, node in enumerate(nodes):
        parent = sections[order[id(node.parent)]] if node.parent is not None else None
        level = max(levels[node.token.kind], parent.level + 1 if parent else 1)
        heading_end = node.heading_end
        while heading_end > node.heading_start and norm[heading_end - 1] in _SPACE:
            heading_end -= 1
        heading = Span(node.heading_start, heading_end) if heading_end > node.heading_start else None
        end = node.end
        while end > heading_end and norm[end - 1] in _SPACE + "\n\r":
            end -= 1
        end = max(end, node.token.end, heading_end)
        heading_text = norm[heading.start : heading.end] if heading else ""
        campaign = heading_campaign(heading_text) if heading else None
        if campaign is None and parent is not None:
            campaign = parent.campaign
        year, modality = heading_part(heading_text) if heading else (None, None)
        if modality is None and parent is not None:
            year, modality = parent.year, parent.modality
        sections.append(
            Section(
                index=i,
                number=text[node.token.start : node.token.end],
                level=level,
                heading=heading,
                span=Span(node.token.start, end),
                parent=parent.index if parent else None,
                campaign=campaign,
                year=year,
                modality=modality,
            )
        )
    return tuple(sections)


def parse_sections(document: Document) -> list[Section]:
    """The section tree of a document, in document order (parents before children).

    Numbering inside page furniture (``Document.ignored``) is skipped; sections
    end at the next sibling or ancestor's sibling, at an attachment (附件) or at
    the furniture that closes the page.
    """
    return parse_outline(document.text, document.norm, document.ignored)
