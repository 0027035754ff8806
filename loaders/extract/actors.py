"""Actors: the bodies a plan gives a role in its work, with that role.

The words come from two vocabularies. ``department`` gives the bodies: its
labels name a body by themselves (公安局, 市委, 企业); its ``pkg:cue`` words
(生态环境, 财政, 中央, 行业) are function names that are also common nouns and
count as a body only in *body context*, and collective names (公检法) stand
for one body of each function they are a cue of. ``role`` gives the cue words
of each role (牵头, 配合, 联合, 督促, 决策部署 ...); where a cue stands is read
here:

- a 决策部署-like (``mentioned``) cue right after a body: the body's decisions
  are carried out (推动中央和省委省政府决策部署: mentioned, not pushed);
- a cue right before a body gives the role of its object: 督促企业 →
  supervised, 联合城管执法 → joint; a cooperation cue built on the cooperate
  concept's own name (配合, 配合做好) makes its object the lead (the issuer
  helps), other cooperation cues make it a cooperator (依托环境医院, 邀请高校);
- a cue right after a body gives it the cue's role (市公安局参与 → cooperate,
  市生态环境局牵头 → lead);
- else the nearest cue before the body in its clause, else a joint cue anywhere
  in the clause (公检法等多部门联动);
- else enterprises and unnamed bodies are the ones worked on (supervised) and
  everyone else is mentioned.

Bodies joined by 、 和 及 与 (or by nothing: 市委市政府) form an enumeration that
shares one role; lone level words in it (中央、省、市) are governments, and short
members the vocabulary does not know (突改办) keep it together. A
responsibility list as implementation plans write it, in a bracket
（市生态环境局牵头，市公安局、交通运输局参与） or as fields （牵头单位：…；配合单位：…）
（责任单位：…）, makes its first body lead and the others what their cue says
(cooperate without one: plans list the lead unit first). A body that gathers
others (市生态环境局会同市公安局…) leads them. A government below the issuer's
region (永泰县人民政府, 各区人民政府) is a subordinate government.

Not actors: the issuer and its own system (市生态环境局 in the city bureau's
plan, 全市生态环境系统: a higher body of the same function such as
省生态环境厅, 生态环境部 or a 督察组 is one); names inside quotations
(“我为群众办实事”) and inside a title other than its issuer; document-number
abbreviations (泉环委〔2022〕); places named as where work happens
(乡镇污水处理设施). Places of the gazetteer are actors where they act: a
county of the document's region heading its clause (南安市、安溪县完成…) or
right after a role cue (指导永泰县, 配合做好湖南省…).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, field
from functools import cache

from policykg.loaders.document import Document, Region, Span
from policykg.loaders.extract.clauses import brackets, clauses
from policykg.loaders.extract.facts import ActorRole
from policykg.loaders.extract.matcher import VocabMatcher, matcher
from policykg.loaders.extract.measures import SentenceContext
from policykg.loaders.gazetteer import PlaceMention, gazetteer, short_name
from policykg.ontology.vocab import vocabulary

# Grammar, not vocabulary (the words live in department.ttl and role.ttl):
# what joins the members of an enumeration (、 和 及 与), and what may stand inside
# a name (党校(行政学院), “刘博士”工作室);
JOINERS = ("以及", "、", "和", "及", "与", "或")
NAME_MARKS = '()（）“”‘’"'
# the one-character administrative level words with their rank (市公安局 is 市 +
# 公安局; in 中央、省、市 they are governments), and the rank of a region's level;
LEVEL_CHARS = {"省": 0, "市": 1, "州": 1, "盟": 1, "县": 2, "区": 2, "旗": 2}
REGION_RANK = {"province": 0, "prefecture": 1, "county": 2, "district": 2}
# the ministry (部) and province department (厅) endings and the inspection (督察)
# bodies that put a body of the issuer's own function above the issuer;
HIGHER_ENDINGS = ("部", "厅")
INSPECTION = "督察"
# 等 closing an enumeration; 各 (every …) making a place word a body (各乡镇)
# rather than a location; 于 after a subject (洛江区、惠安县于2022年…荣获);
ETC = "等"
EVERY = "各"
SUBJECT_TIME = "于"
# a field of a plan's table (责任单位：…) and what a responsibility list is made of;
FIELD_MARKS = "：:"
LIST_MARKS = "、和及与等：:"
# quotations and titles, whose bodies are part of a name, and the bracket of a
# document number (泉环委〔2022〕6号) after an issuer's abbreviation.
_QUOTED = re.compile('“[^”]*”|‘[^’]*’|「[^」]*」|"[^"]*"')
_TITLED = re.compile("《[^》]*》")
DOC_NUMBER = "〔["

# A role cue this far after a body (in characters of plain text) still reads as
# right after it: 市生态环境局等部门牵头.
AFTER_GAP = 3
# An unknown member of an enumeration (突改办 in 生环委办、突改办、蓝天办) is this short.
MAX_MEMBER = 6
# A place name ending at most this far before a body is its prefix: 泉州市中级人民法院.
MAX_PLACE = 12
# What else a piece of a responsibility list may hold (按职责, 落实): this many characters.
MAX_RESIDUE = 2

# Department functions the extractor treats apart (notations of department.ttl):
# no government body, the ones worked on when nothing else is said;
WORKED_ON = frozenset({"enterprise", "other"})
# unnamed bodies (部门, 有关部门), which after 等 close an enumeration;
GENERIC = "other"
# counties, districts, townships below the issuer; and governments.
SUBORDINATE = "subordinate_government"
GOVERNMENT = "government"


@dataclass(slots=True)
class Body:
    """One body named in a sentence (a label, or a cue in body context)."""

    codes: tuple[str, ...]  # department notations (several for 公检法)
    start: int  # with its place prefix
    end: int
    label: str
    is_label: bool  # a department label (a body by itself), not a cue
    prefixed: bool = False  # a place prefix stands before it (市, 泉州市)
    higher_prefix: bool = False  # the prefix names a place above the issuer's region
    is_place: bool = False  # a region of the gazetteer (永泰县)


@dataclass(slots=True)
class Group:
    """Bodies of one enumeration, sharing one role."""

    bodies: list[Body] = field(default_factory=list)

    @property
    def start(self) -> int:
        return self.bodies[0].start

    @property
    def end(self) -> int:
        return self.bodies[-1].end


@dataclass(frozen=True, slots=True)
class Cue:
    """A role cue word found in the sentence."""

    role: str
    start: int
    end: int
    label: str


# ---------------------------------------------------------------- vocabularies


@cache
def _body_index() -> tuple[VocabMatcher, dict[str, tuple[tuple[str, ...], bool]]]:
    """One automaton over department labels and cues: text -> (codes, is_label)."""
    vocab = vocabulary("department")
    index: dict[str, tuple[tuple[str, ...], bool]] = {
        label: ((code,), True) for label, code in vocab.label_index().items()
    }
    cue_codes: dict[str, list[str]] = {}
    for concept in vocab:
        for cue in concept.props.get("cue", ()):
            cue_codes.setdefault(cue, []).append(concept.code)
    for cue, codes in cue_codes.items():
        index.setdefault(cue, (tuple(codes), False))
    return VocabMatcher({text: text for text in index}), index


@cache
def _cooperate_inverse_stem() -> str:
    """The cooperate concept's own name (配合): before a body it makes the body the lead."""
    return vocabulary("role")["cooperate"].pref_zh


# ---------------------------------------------------------------- the document


@dataclass(slots=True)
class _DocumentView:
    """What every sentence of a document needs: its text, region and issuer."""

    document: Document
    text: str
    region: Region | None
    own_rank: int | None
    chain: frozenset[str]  # codes of the region and its ancestors
    issuer_code: str | None
    issuer_spans: list[Span]  # where the issuer names itself (市生态环境局鹿城分局)
    places: list[PlaceMention]  # every place name of the text, in order
    place_starts: list[int]
    place_by_end: dict[int, PlaceMention]

    @classmethod
    def of(cls, document: Document) -> _DocumentView:
        region = document.metadata.region
        chain = frozenset(r.code for r in gazetteer().chain(region)) if region else frozenset()
        code, spans = _issuer(document)
        places = _find_places(region, document.norm) if region else []
        return cls(
            document=document,
            text=document.norm,
            region=region,
            own_rank=REGION_RANK.get(region.level) if region else None,
            chain=chain,
            issuer_code=code,
            issuer_spans=spans,
            places=places,
            place_starts=[p.start for p in places],
            place_by_end={p.end: p for p in places},
        )


@cache
def _place_names(code: str) -> VocabMatcher:
    """Names of a region, its ancestors and the places under it (full and short): name -> names.

    A plan names its own places; one automaton per region keeps the search
    to them (and reads 鼓楼 in Fuzhou's plan as Fuzhou's 鼓楼区).
    """
    g = gazetteer()
    region = g.by_code(code)
    names: dict[str, str] = {}
    for place in (*g.chain(region), *g.descendants(region)):
        names[place.name] = place.name
        short = short_name(place.name)
        if short:
            names.setdefault(short, place.name)
    return VocabMatcher(names)


def _find_places(region: Region, text: str) -> list[PlaceMention]:
    """The region's own places named in the text, leftmost-longest."""
    g = gazetteer()
    out = []
    for m in _place_names(region.code).find(text):
        codes = tuple(r.code for r in g.lookup(m.code) if g.is_within(r, region) or g.is_within(region, r))
        if codes:
            out.append(PlaceMention(m.start, m.end, m.label, codes, m.label == m.code))
    return out


def _issuer(document: Document) -> tuple[str | None, list[Span]]:
    """The issuer's function and the places where the text names the issuer.

    温州市生态环境局鹿城分局 is named in full or, in its own text, with its
    place cut to the level word: 市生态环境局鹿城分局.
    """
    issuer = document.metadata.issuer
    if not issuer:
        return None, []
    automaton, index = _body_index()
    code = next((index[m.code][0][0] for m in automaton.find(issuer) if index[m.code][1]), None)
    names = {issuer}
    places = gazetteer().find_mentions(issuer)
    if places and places[0].start == 0 and places[0].full:
        names.add(issuer[places[0].end - 1 :])
    spans: list[Span] = []
    for name in names:
        at = document.norm.find(name)
        while at != -1:
            spans.append(Span(at, at + len(name)))
            at = document.norm.find(name, at + 1)
    return code, spans


# ---------------------------------------------------------------- bodies


def _place_prefix(view: _DocumentView, start: int, floor: int) -> tuple[int, bool, bool]:
    """Widen a body over a place prefix (市, 泉州市, 湖南省): (start, prefixed, higher)."""
    text = view.text
    if text[start] in LEVEL_CHARS and start + 1 in view.place_by_end:
        start += 1  # 县人民政府 matched inside 永泰县人民政府: the place is the prefix
    if start <= floor or text[start - 1] not in LEVEL_CHARS:
        return start, False, False
    rank = LEVEL_CHARS[text[start - 1]]
    higher = view.own_rank is not None and rank < view.own_rank
    place = view.place_by_end.get(start)
    if place is not None and place.full and place.start >= floor and start - place.start <= MAX_PLACE:
        if view.region is not None:
            higher = any(c in view.chain and c != view.region.code for c in place.codes)
        return place.start, True, higher
    return start - 1, True, higher


def _below(view: _DocumentView, place: PlaceMention | None) -> bool:
    """Is the place a region under the document's own?"""
    if place is None or view.region is None:
        return False
    g = gazetteer()
    return any(c not in view.chain and g.is_within(c, view.region.code) for c in place.codes)


def _quoted_modifier(text: str, start: int, floor: int) -> int:
    """Widen a body over a quoted name right before it: “刘博士”工作室, “低散乱”企业."""
    if start <= floor or text[start - 1] not in '”"’':
        return start
    close = text[start - 1]
    opening = {"”": "“", "’": "‘"}.get(close, close)
    at = text.rfind(opening, max(floor, start - 1 - MAX_MEMBER - 2), start - 1)
    return at if at != -1 else start


def _government_level(
    view: _DocumentView, at: int, label: str, start: int, higher: bool
) -> tuple[tuple[str, ...], bool]:
    """A government below the issuer's region is a subordinate government.

    永泰县人民政府 in Fuzhou's plan (a place of the gazetteer below), 各区人民政府
    or 县政府 in a city's plan (a level word lower than the issuer's); 省政府
    there is above it.
    """
    place = view.place_by_end.get(at) or view.place_by_end.get(at + 1)
    if start < at and _below(view, place):
        return (SUBORDINATE,), False
    if start < at and place is not None:
        return (GOVERNMENT,), higher
    word = view.text[at - 1] if start < at else label[0]
    rank = LEVEL_CHARS.get(word)
    if rank is None or view.own_rank is None:
        return (GOVERNMENT,), higher
    if rank > view.own_rank:
        return (SUBORDINATE,), False
    return (GOVERNMENT,), rank < view.own_rank


def _bodies(view: _DocumentView, span: Span) -> list[Body]:
    automaton, index = _body_index()
    out: list[Body] = []
    for m in automaton.find(view.text, span.start, span.end):
        codes, is_label = index[m.code]
        start, prefixed, higher = _place_prefix(view, m.start, span.start)
        start = _quoted_modifier(view.text, start, span.start)
        if codes == (GOVERNMENT,):
            codes, higher = _government_level(view, m.start, m.label, start, higher)
        body = Body(codes, start, m.end, m.label, is_label, prefixed, higher)
        previous = out[-1] if out else None
        # 重点行业 + 企业 is one body: adjacent names of one function merge.
        if previous is not None and previous.end == body.start and previous.codes == body.codes:
            previous.end = body.end
            previous.is_label = previous.is_label or body.is_label
            previous.label += body.label
            continue
        out.append(body)
    return out


def _places(view: _DocumentView, span: Span, bodies: list[Body]) -> list[Body]:
    """Regions named in the sentence that can act: below the issuer's region, or (full names) above it."""
    if view.region is None:
        return []
    taken = [Span(b.start, b.end) for b in bodies]
    out: list[Body] = []
    first = bisect_left(view.place_starts, span.start)
    for place in view.places[first:]:
        if place.end > span.end:
            break
        start, end = place.start, place.end
        if any(t.start < end and start < t.end for t in taken):
            continue  # the prefix of a body (泉州市中级人民法院)
        if view.region.code in place.codes:
            continue  # the issuer's own region
        below = _below(view, place)
        above = any(c in view.chain for c in place.codes)
        if below and not above:
            out.append(Body((SUBORDINATE,), start, end, place.surface, True, is_place=True))
        elif above and place.full and not below:
            out.append(Body((GOVERNMENT,), start, end, place.surface, True, is_place=True))
    return out


# ---------------------------------------------------------------- enumerations


def _joiner_at(text: str, i: int) -> int:
    for joiner in JOINERS:
        if text.startswith(joiner, i):
            return len(joiner)
    return 0


def _is_name_char(ch: str) -> bool:
    return ch.isalnum() or ch in NAME_MARKS


def _gap_items(text: str, start: int, end: int) -> list[Span] | None:
    """The unknown members between two bodies of one enumeration, or None if not one.

    Between two bodies may stand nothing (市委市政府), a joiner (、 和 及 与 或),
    or joiners around short members the vocabulary does not know
    (生环委办、突改办、蓝天办; 国家、省和市委), the last perhaps a modifier of the
    next body (环境医院、党员志愿队伍).
    """
    if start == end:
        return []
    if not _joiner_at(text, start):
        return None
    i, items = start, []
    while i < end:
        n = _joiner_at(text, i)
        if n:
            i += n
            continue
        j = i
        while j < end and not _joiner_at(text, j):
            if not _is_name_char(text[j]):
                return None
            j += 1
        if j - i > MAX_MEMBER:
            return None
        if j == end:
            break  # a modifier of the next body: 党员 in 、党员志愿队伍
        items.append(Span(i, j))
        i = j
    return items


def _level_word(text: str, span: Span) -> Body | None:
    """A lone level word in an enumeration (省 in 国家、省和市委) is a government."""
    if span.end - span.start == 1 and text[span.start] in LEVEL_CHARS:
        return Body((GOVERNMENT,), span.start, span.end, text[span.start], True)
    return None


def _groups(text: str, bodies: list[Body], span: Span) -> list[Group]:
    """Enumerations of bodies, with their lone level words (中央、省、市) as governments."""
    groups: list[Group] = []
    for body in bodies:
        items = _gap_items(text, groups[-1].end, body.start) if groups else None
        if items is None or (groups and groups[-1].bodies[-1].is_place != body.is_place):
            groups.append(Group([body]))
            continue
        group = groups[-1]
        group.bodies.extend(b for b in (_level_word(text, item) for item in items) if b)
        group.bodies.append(body)
    for group in groups:
        # trailing level words: 中央、省、市重大决策部署
        i = group.end
        while i + 1 < span.end and _joiner_at(text, i) == 1 and text[i + 1] in LEVEL_CHARS:
            chained = group.bodies[-1].label in LEVEL_CHARS
            if not (chained or (i + 2 < span.end and _joiner_at(text, i + 2))):
                break
            group.bodies.append(Body((GOVERNMENT,), i + 1, i + 2, text[i + 1], True))
            i += 2
    return groups


# ---------------------------------------------------------------- names that are not bodies


def _marked_spans(text: str, span: Span) -> tuple[list[Span], list[Span]]:
    """Quotations and titles (《…》) inside a sentence, as inner spans."""
    quotes = [Span(m.start() + 1, m.end() - 1) for m in _QUOTED.finditer(text, span.start, span.end)]
    titles = [Span(m.start() + 1, m.end() - 1) for m in _TITLED.finditer(text, span.start, span.end)]
    return quotes, titles


def _is_name_part(view: _DocumentView, body: Body, quotes: list[Span], titles: list[Span]) -> bool:
    """Part of a quoted name, of a title (but a title's issuer), or of a document number."""
    if any(q.start <= body.start and body.end <= q.end for q in quotes):
        return True
    for t in titles:
        if t.start <= body.start and body.end <= t.end:
            return body.start != t.start
    return body.end < len(view.text) and view.text[body.end] in DOC_NUMBER


def _is_location(view: _DocumentView, body: Body, cues: list[Cue]) -> bool:
    """A place word used for where work happens (乡镇污水处理设施), not for a body."""
    if body.codes != (SUBORDINATE,) or body.is_place or body.label.startswith(EVERY):
        return False
    if _body_index()[1].get(body.label, ((),))[0] != (SUBORDINATE,):
        return False  # a government made subordinate by its level (各区人民政府)
    if body.end >= len(view.text) or not _is_name_char(view.text[body.end]):
        return False
    return not any(c.end == body.start or c.start == body.end for c in cues)


def _is_compound(text: str, body: Body, ends: set[int]) -> bool:
    """A government inside a longer noun (法治政府建设, 排污权政府储备), not a body."""
    return (
        body.codes == (GOVERNMENT,)
        and body.is_label
        and body.label[0] not in LEVEL_CHARS
        and not body.prefixed
        and not body.is_place
        and body.start > 0
        and _is_name_char(text[body.start - 1])
        and body.start not in ends
    )


def _is_issuer(view: _DocumentView, body: Body) -> bool:
    """The issuer itself, or a body of its function and level (its own system)."""
    if any(s.start < body.end and body.start < s.end for s in view.issuer_spans):
        return True
    if view.issuer_code is None or body.codes != (view.issuer_code,):
        return False
    return not (body.higher_prefix or body.label.endswith(HIGHER_ENDINGS) or INSPECTION in body.label)


def _is_generic_head(text: str, body: Body, previous: Group | None) -> bool:
    """部门 in 自然资源、交通运输等部门 or 多部门 in 公检法环等多部门: the head of an enumeration."""
    if previous is None or body.codes != (GENERIC,):
        return False
    gap = text[previous.end : body.start]
    return ETC in gap and len(gap) <= 3 and all(ch.isalnum() for ch in gap)


def _in_body_context(text: str, group: Group, cues: list[Cue]) -> bool:
    """Does this enumeration name bodies (not 生态环境 of 生态环境质量)?

    Yes when a member is a label or a collective name (公检法), or a cue with a
    place prefix that ends its word (市财政, but not 省生态环境保护督察), or
    when 等 follows (自然资源、交通运输等部门), or a role cue stands right
    before it (配合省里) or a non-supervision cue right after it (财政参与; not
    教育引导, where the cue word is a verb with it).
    """
    for b in group.bodies:
        if b.is_label or len(b.codes) > 1:
            return True
        if b.prefixed:
            # 市财政 ends its word and is a body; 省生态环境保护督察 goes on and is a topic
            return b.end >= len(text) or not _is_name_char(text[b.end]) or bool(_joiner_at(text, b.end))
    if text.startswith(ETC, group.end):
        return True
    return any(c.end == group.start or (c.start == group.end and c.role != "supervised") for c in cues)


# ---------------------------------------------------------------- roles


def _role_after(text: str, group: Group, cues: list[Cue], limit: int, starts: set[int]) -> str | None:
    """A cue right after the enumeration (市公安局参与, 省委决策部署).

    A joint cue between two bodies makes the first the lead: in 市生态环境局会同
    市公安局开展联合执法 the environment bureau gathers the police.
    """
    for cue in cues:
        if cue.start < group.end:
            continue
        gap = text[group.end : cue.start].lstrip(FIELD_MARKS)  # 市生态环境局：负责…
        if cue.start >= limit or len(gap) > AFTER_GAP or any(not ch.isalnum() for ch in gap):
            return None
        if cue.role == "supervised":  # 市公安局督促…: the body is the one pushing
            return None
        if cue.role == "joint" and cue.end in starts:
            return "lead"
        return cue.role
    return None


def _object_role(cue: Cue) -> str | None:
    """The role a cue gives the body that follows it."""
    if cue.role == "cooperate":
        return "lead" if _cooperate_inverse_stem() in cue.label else "cooperate"
    if cue.role == "lead":  # 牵头组织有关部门: the issuer leads, the body is organised
        return None
    return cue.role


def _group_role(text: str, group: Group, cues: list[Cue], clause: Span, starts: set[int]) -> str | None:
    """The role of an enumeration outside a responsibility bracket, None for the default."""
    after = _role_after(text, group, cues, clause.end, starts)
    if after == "mentioned":
        return after
    # the nearest cue before, unless another enumeration stands between (会同有关部门加强对各地…)
    before = [c for c in cues if clause.start <= c.start and c.end <= group.start]
    if before and any(before[-1].end <= s < group.start for s in starts):
        before = []
    nearest = _object_role(before[-1]) if before else None
    if nearest is not None and before[-1].end == group.start:
        return nearest
    if after is not None:
        return after
    if nearest is not None:
        return nearest
    if any(c.role == "joint" and group.end <= c.start < clause.end for c in cues):
        return "joint"  # 公检法环等多部门联动
    return None


def _default_role(view: _DocumentView, body: Body, status: str) -> str:
    if body.is_place:  # a county heading a plan's clause is tasked; in a report it is credited
        return "supervised" if status == "planned" else "mentioned"
    return "supervised" if body.codes[0] in WORKED_ON else "mentioned"


# ---------------------------------------------------------------- responsibility lists


def _lists(text: str, sentence: Span, bodies: list[Body], cues: list[Cue]) -> list[Span]:
    """Where a sentence may assign responsibilities: its brackets, and what follows a
    field label that opens it (责任单位：…, 牵头单位：…)."""
    spans = [Span(a, b) for a, b in brackets(text, sentence.start, sentence.end)]
    heads = [(b.start, b.end) for b in bodies] + [(c.start, c.end) for c in cues]
    for start, end in heads:
        if start == sentence.start and end < sentence.end and text[end] in FIELD_MARKS:
            spans.append(Span(sentence.start, sentence.end))
    return spans


def _responsibility(
    view: _DocumentView, inner: Span, groups: list[Group], cues: list[Cue]
) -> dict[int, str] | None:
    """Roles of the bodies of a responsibility list (by body id), or None if it is none.

    Every piece between commas or semicolons must be bodies and at most a cue
    (a field label such as 责任单位： or 配合单位： counts as one), and the
    first names a body by a label. The list's first body leads unless its
    piece's cue says otherwise; every other body takes its piece's cue, else
    cooperates (plans list the lead unit first).
    """
    text = view.text
    inside = [g for g in groups if inner.start <= g.start and g.end <= inner.end]
    if not inside or not any(b.is_label for b in inside[0].bodies):
        return None
    roles: dict[int, str] = {}
    first = True
    for piece in clauses(view.document, inner):
        piece = _after_field_label(text, piece, cues)
        members = [g for g in inside if piece.start <= g.start and g.end <= piece.end]
        if not members:
            return None
        piece_cues = [c for c in cues if piece.start <= c.start and c.end <= piece.end]
        used = sum(g.end - g.start for g in members) + sum(c.end - c.start for c in piece_cues)
        used += sum(1 for ch in text[piece.start : piece.end] if ch in LIST_MARKS)
        if piece.end - piece.start - used > MAX_RESIDUE:
            return None
        cue_role = piece_cues[-1].role if piece_cues else None
        for g in members:
            for body in g.bodies:
                if _is_field_label(text, body):
                    continue
                roles[id(body)] = cue_role or ("lead" if first else "cooperate")
                first = False
    return roles


def _after_field_label(text: str, piece: Span, cues: list[Cue]) -> Span:
    """The piece without a leading field label (责任单位：), unless the label is a role cue."""
    for i in range(piece.start, min(piece.end, piece.start + MAX_MEMBER + 1)):
        if text[i] in FIELD_MARKS:
            if any(c.start == piece.start and c.end == i for c in cues):
                return piece  # 配合单位： gives the role of the piece
            return Span(i + 1, piece.end)
    return piece


def _is_field_label(text: str, body: Body) -> bool:
    """责任单位 in 责任单位：市生态环境局: the name of a field, not a body."""
    return body.end < len(text) and text[body.end] in FIELD_MARKS


# ---------------------------------------------------------------- main


def _place_acts(text: str, group: Group, cues: list[Cue], clause: Span) -> bool:
    """A place acts where it stands right after a role cue (指导永泰县), or heads its clause as a subject.

    A subject is an enumeration of places (南安市、安溪县、永春县完成…), or a place
    followed by 等, 于 or a mark; a single place running on into a name
    (常宁市水口山铅锌煤矿区生态修复工程) is where a project is, not who acts.
    """
    if any(c.end == group.start and c.role != "mentioned" for c in cues):
        return True
    if group.start != clause.start:
        return False
    if len(group.bodies) > 1 or group.end >= clause.end:
        return True
    nxt = text[group.end]
    return nxt in ETC + SUBJECT_TIME or not _is_name_char(nxt)


def extract_actors(document: Document, contexts: list[SentenceContext]) -> list[ActorRole]:
    """Every body given a role, one ActorRole per body and function, in document order."""
    view = _DocumentView.of(document)
    text = view.text
    out: list[ActorRole] = []
    for ctx in contexts:
        sentence = ctx.span
        bodies = _bodies(view, sentence)
        bodies = sorted(bodies + _places(view, sentence, bodies), key=lambda b: b.start)
        if not bodies:
            continue
        cues = [
            Cue(m.code, m.start, m.end, m.label)
            for m in matcher("role").find(text, sentence.start, sentence.end)
        ]
        quotes, titles = _marked_spans(text, sentence)
        ends = {b.end for b in bodies}
        bodies = [
            b
            for b in bodies
            if not _is_name_part(view, b, quotes, titles)
            and not _is_location(view, b, cues)
            and not (b.codes == (GENERIC,) and _is_field_label(text, b))
            and not _is_compound(text, b, ends)
        ]
        groups: list[Group] = []
        for group in _groups(text, bodies, sentence):
            previous = groups[-1] if groups else None
            if len(group.bodies) == 1 and _is_generic_head(text, group.bodies[0], previous):
                continue
            groups.append(group)
        listed: dict[int, tuple[str, Span]] = {}
        for inner in _lists(text, sentence, bodies, cues):
            for body_id, role in (_responsibility(view, inner, groups, cues) or {}).items():
                listed.setdefault(body_id, (role, inner))
        parts = clauses(document, sentence)
        status = ctx.status
        starts = {g.start for g in groups}
        for group in groups:
            in_list = any(id(b) in listed for b in group.bodies)
            role = None
            clause = next((c for c in parts if c.start <= group.start < c.end), sentence)
            if not in_list:
                if group.bodies[0].is_place:
                    if not _place_acts(text, group, cues, clause):
                        continue
                elif not _in_body_context(text, group, cues):
                    continue
                role = _group_role(text, group, cues, clause, starts)
            for body in group.bodies:
                if _is_issuer(view, body) or (in_list and id(body) not in listed):
                    continue
                body_role, body_clause = listed.get(id(body), (role, clause))
                body_role = body_role or _default_role(view, body, status)
                for code in body.codes:
                    out.append(ActorRole(code, body_role, Span(body.start, body.end), body_clause))
    return out
