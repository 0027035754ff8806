"""Actors: the bodies a plan gives a role in its work, with that role.

The words come from two vocabularies. ``department`` gives the bodies: its
labels name a body by themselves (公安局, 市委, 企业); its ``pkg:cue`` words
(生态环境, 财政, 中央, 行业) are function names that are also common nouns and
count as a body only in *body context*, and collective names (公检法) that
stand for one body of each function they are a cue of. ``role`` gives the cue
words of each role (牵头, 配合, 联合, 督促, 决策部署 ...); where a cue stands
is read here:

- a cue right after a body gives it the cue's role: 市生态环境局牵头 → lead,
  市公安局参与 → cooperate, 省委决策部署 → mentioned;
- the nearest cue before a body in its clause gives the role of its object:
  督促企业 → supervised, 联合城管执法 → joint, 按照市政府 → mentioned; a
  cooperation cue built on the cooperate concept's own name (配合, 配合做好)
  makes its object the lead (配合农业农村部门 → lead: the issuer helps),
  other cooperation cues make it a cooperator (依托环境医院 → cooperate);
- a joint cue anywhere in the clause (公检法等多部门联动) makes the rest joint;
- otherwise enterprises and unnamed bodies are the ones worked on
  (supervised) and everyone else is mentioned.

Bodies joined by 、 和 及 与 (or nothing: 市委市政府) form an enumeration that
shares a role; bare place words in it (中央、省、市) are governments. A
responsibility bracket as implementation plans write it, （市生态环境局牵头，
市公安局、交通运输局参与）, makes its first body lead and the others what their
cue says (cooperate without one). The issuer's own system (全市生态环境系统,
市生态环境局 in the city bureau's own plan) is not an actor; a higher body of
the same function (省生态环境厅, 生态环境部, 督察组) is.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

from policykg.loaders.document import Document, Span
from policykg.loaders.extract.clauses import OPEN, clauses
from policykg.loaders.extract.facts import ActorRole
from policykg.loaders.extract.matcher import VocabMatcher, matcher
from policykg.loaders.extract.measures import SentenceContext
from policykg.ontology.vocab import vocabulary

# Grammar, not vocabulary: what joins the members of an enumeration, the
# one-character administrative level words (市公安局 is 市 + 公安局; 中央、省、市
# are three governments), and the ministry (部) and province department (厅)
# endings that put a body of the issuer's own function above the issuer.
JOINERS = ("以及", "、", "和", "及", "与", "或", "，", ",")
LEVEL_CHARS = {"省": 0, "市": 1, "州": 1, "盟": 1, "县": 2, "区": 2, "旗": 2}
HIGHER_ENDINGS = ("部", "厅")
INSPECTION = "督察"
ETC = "等"
# A role cue this far after a body (in characters of plain text) still reads as
# right after it: 市生态环境局等部门牵头.
AFTER_GAP = 3
# Canonical functions that are not government bodies: the ones worked on when
# nothing else is said.
WORKED_ON = frozenset({"enterprise", "other"})
# The department function whose cue words name other bodies' generic heads
# (部门, 有关部门): after 等 they close an enumeration instead of adding a body.
GENERIC = "other"


@dataclass(slots=True)
class Body:
    """One body named in a sentence (a label, or a cue in body context)."""

    codes: tuple[str, ...]  # department notations (several for 公检法)
    start: int
    end: int
    label: str
    is_label: bool  # a department label (a body by itself), not a cue
    prefix_level: int | None = None  # level of a place prefix (0 province ... 2 county)
    higher_prefix: bool = False  # prefixed by a place above the issuer's region


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
    role: str
    start: int
    end: int
    label: str


# ---------------------------------------------------------------- vocabularies


@cache
def _body_index() -> tuple[VocabMatcher, dict[str, tuple[tuple[str, ...], bool]]]:
    """One automaton over department labels and cues: text -> (codes, is_label)."""
    index: dict[str, tuple[tuple[str, ...], bool]] = {}
    vocab = vocabulary("department")
    cue_codes: dict[str, list[str]] = {}
    for concept in vocab:
        for cue in concept.props.get("cue", ()):
            cue_codes.setdefault(cue, []).append(concept.code)
    for label, code in vocab.label_index().items():
        index[label] = ((code,), True)
    for cue, codes in cue_codes.items():
        index.setdefault(cue, (tuple(codes), False))
    return VocabMatcher({text: text for text in index}), index


@cache
def _cooperate_inverse_stem() -> str:
    """The cooperate concept's own name (配合): before a body it makes the body the lead."""
    return vocabulary("role")["cooperate"].pref_zh


def _cues(document: Document, span: Span) -> list[Cue]:
    return [
        Cue(m.code, m.start, m.end, m.label)
        for m in matcher("role").find(document.norm, span.start, span.end)
    ]


# ---------------------------------------------------------------- bodies


def _issuer_function(document: Document) -> tuple[str | None, str | None]:
    """Function code and matched label of the issuer (福州市生态环境局 -> ecology_environment)."""
    issuer = document.metadata.issuer
    if not issuer:
        return None, None
    automaton, index = _body_index()
    for m in reversed(automaton.find(issuer)):
        codes, is_label = index[m.code]
        if is_label:
            return codes[0], m.label
    return None, None


def _own_level(document: Document) -> int | None:
    region = document.metadata.region
    if region is None:
        return None
    return {"province": 0, "prefecture": 1, "county": 2, "district": 2}.get(region.level)


def _place_prefix(document: Document, start: int, floor: int) -> tuple[int, int | None, bool]:
    """Widen a body over a place prefix (市, 泉州市, 湖南省); returns (start, level, higher)."""
    text = document.norm
    level = None
    higher = False
    if start > floor and text[start - 1] in LEVEL_CHARS:
        level = LEVEL_CHARS[text[start - 1]]
        own = _own_level(document)
        higher = own is not None and level < own
        start -= 1
        from policykg.loaders.gazetteer import gazetteer

        region = document.metadata.region
        lo = max(floor, start - 12)
        for place in gazetteer().find_mentions(text[lo : start + 1]):
            if lo + place.end == start + 1 and place.full:
                start = lo + place.start
                if region is not None:
                    chain = {r.code for r in gazetteer().chain(region)}
                    higher = any(c in chain and c != region.code for c in place.codes)
                break
    return start, level, higher


def _bodies(document: Document, span: Span) -> list[Body]:
    automaton, index = _body_index()
    out: list[Body] = []
    for m in automaton.find(document.norm, span.start, span.end):
        codes, is_label = index[m.code]
        start, level, higher = _place_prefix(document, m.start, span.start)
        body = Body(codes, start, m.end, m.label, is_label, level, higher)
        previous = out[-1] if out else None
        # 重点行业 + 企业 is one body: adjacent names of the same function merge.
        if previous is not None and previous.end == body.start and previous.codes == body.codes:
            previous.end = body.end
            previous.is_label = previous.is_label or body.is_label
            previous.label += body.label
            continue
        out.append(body)
    return out


def _bare_level_word(document: Document, start: int, end: int) -> bool:
    """A lone level word (省 in 中央、省、市) between joiners."""
    return end - start == 1 and document.norm[start] in LEVEL_CHARS


def _joined(document: Document, start: int, end: int) -> bool:
    """Only joiners (or nothing) between two bodies."""
    gap = document.norm[start:end]
    while gap:
        for joiner in JOINERS:
            if gap.startswith(joiner):
                gap = gap[len(joiner) :]
                break
        else:
            return False
    return True


def _groups(document: Document, bodies: list[Body], span: Span) -> list[Group]:
    """Enumerations: bodies with only joiners between them, plus lone level words in them."""
    text = document.norm
    groups: list[Group] = []
    for body in bodies:
        if (
            groups
            and _joined(document, groups[-1].end, body.start)
            and "，" not in text[groups[-1].end : body.start]
            and "," not in text[groups[-1].end : body.start]
        ):
            groups[-1].bodies.append(body)
        elif groups and _joined_via_level_words(document, groups[-1], body):
            groups[-1].bodies.append(body)
        else:
            groups.append(Group([body]))
    for group in groups:
        _absorb_level_words(document, group, span)
    return groups


def _joined_via_level_words(document: Document, group: Group, body: Body) -> bool:
    """中央、省、市委: lone level words between two bodies keep the enumeration going."""
    text = document.norm
    i = group.end
    seen = False
    while i < body.start:
        for joiner in JOINERS[:5]:
            if text.startswith(joiner, i):
                i += len(joiner)
                break
        else:
            if text[i] in LEVEL_CHARS and (i + 1 == body.start or text[i + 1] in "、和及与"):
                i += 1
                seen = True
                continue
            return False
    return seen


def _absorb_level_words(document: Document, group: Group, span: Span) -> None:
    """Add the lone level words of an enumeration (国家、省和市委: 省) as governments."""
    text = document.norm
    members: list[Body] = []
    for a, b in zip(group.bodies, group.bodies[1:], strict=False):
        members.append(a)
        i = a.end
        while i < b.start:
            if (
                text[i] in LEVEL_CHARS
                and text[i - 1] in "、和及与"
                and (i + 1 == b.start or text[i + 1] in "、和及与")
            ):
                members.append(Body(("government",), i, i + 1, text[i], True))
            i += 1
    members.append(group.bodies[-1])
    # trailing: 中央、省、市重大决策部署
    i = group.end
    while i + 1 < span.end and text[i] in "、和及与" and text[i + 1] in LEVEL_CHARS:
        members.append(Body(("government",), i + 1, i + 2, text[i + 1], True))
        i += 2
    group.bodies = members


# ---------------------------------------------------------------- roles


def _role_after(document: Document, group: Group, cues: list[Cue], limit: int) -> str | None:
    """A cue right after the enumeration (市公安局参与, 省委决策部署)."""
    text = document.norm
    for cue in cues:
        if cue.start < group.end:
            continue
        gap = text[group.end : cue.start]
        if cue.start >= limit or len(gap) > AFTER_GAP or any(not ch.isalnum() for ch in gap):
            return None
        if cue.role == "supervised":  # 市公安局督促…: the body is the one pushing
            return None
        return cue.role
    return None


def _role_before(cues: list[Cue], group: Group, floor: int) -> str | None:
    """The nearest cue before the enumeration in its clause, read for its object."""
    before = [c for c in cues if floor <= c.start and c.end <= group.start]
    if not before:
        return None
    cue = before[-1]
    if cue.role == "cooperate":
        return "lead" if _cooperate_inverse_stem() in cue.label else "cooperate"
    if cue.role == "lead":  # 牵头组织有关部门: the issuer leads, the body takes part
        return None
    return cue.role


def _default_role(codes: tuple[str, ...]) -> str:
    return "supervised" if codes[0] in WORKED_ON else "mentioned"


# ---------------------------------------------------------------- context


def _in_body_context(document: Document, group: Group, cues: list[Cue], span: Span) -> bool:
    """Does this enumeration name bodies (not 生态环境 of 生态环境质量)?"""
    if any(b.is_label or len(b.codes) > 1 or b.prefix_level is not None for b in group.bodies):
        return True
    text = document.norm
    if text.startswith(ETC, group.end):
        return True  # 自然资源、交通运输等部门
    return any(c.end == group.start or c.start == group.end for c in cues)


def _is_issuer(document: Document, body: Body, issuer: tuple[str | None, str | None]) -> bool:
    """A body of the issuer's own function and level is the issuer's own system."""
    code, _label = issuer
    if code is None or body.codes != (code,):
        return False
    if body.higher_prefix or body.label.endswith(HIGHER_ENDINGS) or INSPECTION in body.label:
        return False
    return True


def _is_generic_head(document: Document, body: Body, previous: Group | None) -> bool:
    """部门 in 自然资源、交通运输等部门 or 多部门 in 公检法环等多部门: the head of an enumeration."""
    if previous is None or body.codes != (GENERIC,):
        return False
    gap = document.norm[previous.end : body.start]
    return ETC in gap and len(gap) <= 3 and all(ch.isalnum() for ch in gap)


# ---------------------------------------------------------------- brackets


def _brackets(document: Document, span: Span) -> list[Span]:
    """Closed brackets inside a sentence, as inner spans."""
    text = document.norm
    out: list[Span] = []
    i = span.start
    while i < span.end:
        close = OPEN.get(text[i])
        if close is not None:
            j = text.find(close, i + 1, span.end)
            if j != -1:
                out.append(Span(i + 1, j))
                i = j
        i += 1
    return out


def _responsibility(
    document: Document, inner: Span, groups: list[Group], cues: list[Cue]
) -> dict[int, str] | None:
    """Roles of the groups of a responsibility bracket (by group id), or None if it is none.

    Every piece between commas must be bodies and at most a cue; the first
    piece leads unless its cue says otherwise, later ones cooperate.
    """
    text = document.norm
    inside = [g for g in groups if inner.start <= g.start and g.end <= inner.end]
    if not inside:
        return None
    pieces = [p for p in clauses(document, inner)]
    roles: dict[int, str] = {}
    for n, piece in enumerate(pieces):
        members = [g for g in inside if piece.start <= g.start and g.end <= piece.end]
        if not members:
            return None
        used = sum(g.end - g.start for g in members)
        piece_cues = [c for c in cues if piece.start <= c.start and c.end <= piece.end]
        used += sum(c.end - c.start for c in piece_cues)
        joiners = sum(1 for ch in text[piece.start : piece.end] if ch in "、和及与等")
        if piece.end - piece.start - used - joiners > 2:
            return None
        cue_role = piece_cues[-1].role if piece_cues else None
        for g in members:
            roles[id(g)] = cue_role or ("lead" if n == 0 else "cooperate")
    return roles


# ---------------------------------------------------------------- main


def extract_actors(document: Document, contexts: list[SentenceContext]) -> list[ActorRole]:
    """Every body given a role, one ActorRole per body and function, in document order."""
    issuer = _issuer_function(document)
    out: list[ActorRole] = []
    for ctx in contexts:
        sentence = ctx.span
        bodies = _bodies(document, sentence)
        if not bodies:
            continue
        cues = _cues(document, sentence)
        groups: list[Group] = []
        for group in _groups(document, bodies, sentence):
            previous = groups[-1] if groups else None
            if len(group.bodies) == 1 and _is_generic_head(document, group.bodies[0], previous):
                continue
            groups.append(group)
        bracket_roles: dict[int, str] = {}
        bracket_of: dict[int, Span] = {}
        for inner in _brackets(document, sentence):
            roles = _responsibility(document, inner, groups, cues)
            if roles:
                bracket_roles.update(roles)
                for g in groups:
                    if id(g) in roles:
                        bracket_of[id(g)] = inner
        parts = clauses(document, sentence)
        for group in groups:
            if id(group) in bracket_roles:
                clause = bracket_of[id(group)]
                role = bracket_roles[id(group)]
            else:
                clause = next((c for c in parts if c.start <= group.start < c.end), sentence)
                if not _in_body_context(document, group, cues, clause):
                    continue
                role = _group_role(document, group, cues, clause)
            for body in group.bodies:
                if _is_issuer(document, body, issuer):
                    continue
                body_role = role or _default_role(body.codes)
                for code in body.codes:
                    out.append(ActorRole(code, body_role, Span(body.start, body.end), clause))
    return out


def _group_role(document: Document, group: Group, cues: list[Cue], clause: Span) -> str | None:
    role = _role_after(document, group, cues, clause.end)
    if role is None:
        role = _role_before(cues, group, clause.start)
    if role is None and any(c.role == "joint" and clause.start <= c.start < clause.end for c in cues):
        role = "joint"
    return role
