"""Quantitative targets and reported figures: every number a plan commits to or reports.

``extract_targets(document, sections)`` reads each sentence of ``Document.norm``
and returns one :class:`Target` per goal or figure, with its span into
``Document.text``. The words come from the vocabularies: comparator cues
(``comparator.ttl``: 不高于, 达到, 以上, 下降, 不新增, 消除 …), strength cues
(``strength.ttl``: 确保, 力争 …), unit spellings (``unit.ttl``, read by
``numbers.find_quantities``), pollutants (``pollutant.ttl``) and the cues that
tell a report from a plan (``doc_type.ttl`` ``pkg:cue``). The grammar lives
here: where a cue stands relative to its number, what a list, a date, an
ordinal, a name or a scope threshold looks like.

How a figure is read:

- kind: ``achieved`` in a part whose modality is ``summary`` (or in a work
  summary), ``target`` in a plan; a backlog (剩余/未完成 …) is a target. A
  document of unknown type leans on the sentence's report or plan cues.
- comparator: a cue right before the number (不低于90%, 控制在39ug/m3) or right
  after it (90%以上, 3天以内); a change (下降, 提高, 减少 …) anywhere between the
  measure and its number; 余/多/超 make a reported figure a lower bound. A plan's
  concentration that must "reach" a value is an upper bound (PM2.5确保达到35
  微克/立方米 → ``<=``). Counts and plain figures are ``=``.
- strength: the nearest strength cue before the number in its sentence; a cue
  that stands right before its comparator (力争前十) reaches only its clause.
- lists: 分别 gives each measure its own figure; measures joined by 和 or 、
  with one figure (均/各, or each a measure: X率和Y率达到91%) give one target each.
- no figure: only explicit comparators (不新增, 不增加, 保持稳定 → ``no_increase``;
  消除, 不出现, 清零 → ``eliminate``; 达到…考核要求 → ``>=``; 完成…减排目标 and
  低于前3年平均水平 → ``reduce_by``), never vague directions (提高, 明显降低).
- not targets: dates, ordinals (第五批), document numbers, numbers inside
  quotes or titles (“七大示范工程” names, 《…》), N大 programme names, scope
  thresholds (日处理能力30吨以上的设施, 65蒸吨及以上燃煤锅炉), counts that
  name the measured population of another figure (168个重点城市空气质量排名).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import cache

from policykg.loaders.document import Document, Span
from policykg.loaders.extract.facts import Section, Target
from policykg.loaders.extract.matcher import Match, matcher
from policykg.loaders.extract.numbers import Quantity, find_quantities, parse_number, unit_code
from policykg.ontology.vocab import vocabulary

# ---------------------------------------------------------------- grammar
SENTENCE_ENDS = frozenset("。！？!?\n\r")
CLAUSE_ENDS = frozenset("，,；;：:") | SENTENCE_ENDS
LIST_JOINS = frozenset("、和及与")
QUOTES = {"“": "”", "‘": "’", "《": "》", "「": "」", "『": "』", "〔": "〕", "【": "】"}
# The same sets as patterns, to jump from one mark to the next.
_SENTENCE_END = re.compile("[" + re.escape("".join(sorted(SENTENCE_ENDS))) + "]")
_CLAUSE_END = re.compile("[" + re.escape("".join(sorted(CLAUSE_ENDS))) + "]")
_QUOTE_EVENT = re.compile(
    "[" + re.escape("".join(sorted({"\n", "\r", '"', *QUOTES, *QUOTES.values()}))) + "]"
)
_NUMERAL = re.compile(r"[\d一二两三四五六七八九十百ⅠⅡⅢⅣⅤV]")
# A number followed by one of these is a date, a time or a duration (2021年, 6月底, 100周年).
DATE_AFTER = frozenset("年月日号时周届")
# What may stand between a comparator cue and its number: 达到了90%, 提高到95%, 控制在.
CUE_GAP = frozenset("了到至为在")
# Particles between a number and a cue after it: 3天或以下.
SUFFIX_GAP = frozenset("及或")
# The last character of a cue that says a figure is reached (达到, 达, 提高到, 稳定在, 增至).
REACH = frozenset("到至达在")
# The head nouns of a measured quantity: a phrase ending in one names an indicator.
MEASURE_HEADS = (
    "率", "浓度", "比例", "比率", "总量", "排放量", "量", "强度", "密度", "天数", "指数", "数", "时限",
    "金额", "面积", "长度", "水质",
)  # fmt: skip
# A one-character cue (无) reads only after a place word: 可视范围内无漂浮物, 水面无垃圾.
LOCATIVE = frozenset("内中上面")
# Names and slogans count small (两个维护, 四个意识, 八项规定, 十项规定): a Chinese-numeral count
# up to this is a target only where it counts the items listed before it (A、B、C等三个).
MAX_NAME_NUMERAL = 10
# At most this many characters (无论, 基本, 全市全年) stand before a cue that governs an object.
MAX_LEAD = 6
# Words that mark a backlog: what is left to do is a target even in a report.
BACKLOG = ("剩余", "未完成", "尚未", "遗留")
# A comparison with the past, not a number: 低于前3年平均水平, 不高于上年.
PAST_LEVEL_RE = re.compile(r"(?:前[0-9一二三四五六七八九十]+年|上年|去年|上一年)(?:度)?(?:平均)?水平")
# 达到(国、省)考核要求: a target whose value is set elsewhere.
REQUIREMENT_RE = re.compile(r"[^，,；;。]{0,12}?考核(?:要求|目标)")
RANK_RE = re.compile(
    r"(?P<scope>全国|全省|全市|全区|全县)?(?P<which>第|前)(?P<n>[0-9]+|[一二两三四五六七八九十]+)(?:名|位)?"
)
RANK_WORDS = ("排名", "排位", "位列", "位居", "名列")
# Scales whose unit word comes from the unit vocabulary (notations 类, 级, 星): a water class
# in Roman numerals (Ⅱ类以上), the grade or stars of a standard (国家二级标准, 四星标准).
CLASS_UNIT, GRADE_UNIT, STAR_UNIT = "类", "级", "星"
ROMAN_NUMERAL = "Ⅰ|Ⅱ|Ⅲ|Ⅳ|Ⅴ|III|II|IV|I|V"
ROMAN = {"Ⅰ": 1, "Ⅱ": 2, "Ⅲ": 3, "Ⅳ": 4, "Ⅴ": 5, "I": 1, "II": 2, "III": 3, "IV": 4, "V": 5}
# “四个100%”: one figure stated for N measures listed before it.
N_TIMES_RE = re.compile(r"(?P<n>[两二三四五六七八九十])个(?P<v>[0-9]+(?:\.[0-9]+)?)[%％]")
YEAR_RE = re.compile(r"(20[0-9]{2})\s*年")
# The baseline a change is measured from, written after the measure: 比2020年, 较去年同期, 同比.
BASELINE_TAIL_RE = re.compile(
    r"(?:(?:比|较|与)(?:20[0-9]{2}\s*年度?|去年|上年|上一年)(?:同期)?(?:相比)?|同比)"
)
# The time a goal is for, written before its measure: 到2025年, 2023年底前, 年内.
WHEN_RE = re.compile(r"(?:(?:到|至|在|于)?20[0-9]{2}\s*年(?:底|末|度)?(?:前)?|年内|年底前)[，,]?")
# A year after these is a baseline (比2020年, 较2020年), not the year of the goal.
BASELINE = frozenset("比较与自从")

# Comparator notations (skos:notation of comparator.ttl, the codes of SCHEMA.md).
LE, GE, EQ = "<=", ">=", "="
COUNT = "count"  # notation of the unit of counted things (个, 家, 项 …)
REDUCE, INCREASE, NO_INCREASE, ELIMINATE = "reduce_by", "increase_by", "no_increase", "eliminate"
CHANGES = frozenset({REDUCE, INCREASE})
NO_VALUE = frozenset({NO_INCREASE, ELIMINATE})
BINDING = "binding"  # strength of a target no cue qualifies
# Unit notations whose target is an upper bound when the plan says it must "reach" it.
UPPER_BOUND_UNITS = frozenset({"μg/m3"})


# ---------------------------------------------------------------- vocabulary access
@cache
def _yuan_units() -> dict[str, str]:
    """万 → 10k_yuan, 亿 → 100m_yuan: a bare magnitude that stands for money (投入2.35亿).

    Read from the unit vocabulary's ``pkg:cue`` values.
    """
    return _labels("unit", "cue")


@cache
def _labels(scheme: str, prop: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for concept in vocabulary(scheme):
        for value in concept.props.get(prop, ()):
            out.setdefault(value, concept.code)
    return out


@cache
def _scale_patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """(grade or stars of a standard, Roman water class), spelled as the unit vocabulary spells them."""
    units = vocabulary("unit")

    def spellings(*codes: str) -> str:
        labels = {label: code for code in codes if code in units for label in units[code].labels}
        return "|".join(re.escape(label) for label in sorted(labels, key=len, reverse=True)) or "(?!)"

    grade = re.compile(
        rf"(?P<n>[一二两三四五六七八九]|[0-9])(?P<unit>{spellings(GRADE_UNIT, STAR_UNIT)})标准"
    )
    water = re.compile(rf"(?P<r>{ROMAN_NUMERAL})(?:{spellings(CLASS_UNIT)})")
    return grade, water


@cache
def _medium(pollutant: str) -> str | None:
    vocab = vocabulary("pollutant")
    return vocab[pollutant].prop("medium") if pollutant in vocab else None


def _cues(norm: str, start: int, end: int) -> list[Match]:
    """Comparator cues written before a figure (the concepts' labels: 不高于, 达到, 下降 …)."""
    return matcher("comparator").find(norm, start, end)


def _postposed(norm: str, start: int, end: int) -> list[Match]:
    """Comparator cues written after a figure (``pkg:cue``: 以上, 以下, 以内 …)."""
    return matcher("comparator", "cue").find(norm, start, end)


# ---------------------------------------------------------------- document context
class _Context:
    """What every sentence of one document needs: sections, quotes, years, kind."""

    def __init__(self, document: Document, sections: list[Section]) -> None:
        self.document = document
        self.norm = document.norm
        self.owner = self._owners(len(self.norm), sections)
        self.sections = {s.index: s for s in sections}
        self.quoted = self._quoted(self.norm)
        self.years = sorted(document.metadata.years)
        self.doc_type = document.metadata.doc_type
        plan_starts = [s.span.start for s in sections if s.modality == "plan"]
        self.first_plan = min(plan_starts) if plan_starts else None

    @staticmethod
    def _owners(n: int, sections: list[Section]) -> list[int]:
        owner = [-1] * n
        for s in sorted(sections, key=lambda s: (s.span.start, s.level)):
            a, b = max(0, s.span.start), min(n, s.span.end)
            owner[a:b] = [s.index] * (b - a)
        return owner

    @staticmethod
    def _quoted(norm: str) -> list[bool]:
        """Inside a quote or title (the marks themselves excluded)."""
        inside = [False] * len(norm)
        stack: list[str] = []
        straight = False
        done = 0  # characters before this are decided
        # Only line ends and quote marks change the state: the stretch between two
        # of them is inside or not as a whole.
        for m in _QUOTE_EVENT.finditer(norm):
            i = m.start()
            if (stack or straight) and i > done:
                inside[done:i] = [True] * (i - done)
            done = i + 1
            ch = norm[i]
            if ch in "\n\r":
                stack.clear()
                straight = False
                continue
            if stack and ch == stack[-1]:
                stack.pop()
                continue
            if ch in QUOTES:
                if len(stack) < 3:
                    stack.append(QUOTES[ch])
                continue
            if ch == '"':
                straight = not straight
                continue
            if stack or straight:
                inside[i] = True
        if (stack or straight) and len(norm) > done:
            inside[done:] = [True] * (len(norm) - done)
        return inside

    def section(self, pos: int) -> Section | None:
        i = self.owner[pos] if 0 <= pos < len(self.owner) else -1
        return self.sections.get(i)

    def kind(self, pos: int, cues: list[Match]) -> str:
        """``achieved`` or ``target`` from the part, the document type, else the sentence."""
        section = self.section(pos)
        if section is not None and section.modality == "summary":
            return "achieved"
        if section is not None and section.modality == "plan":
            return "target"
        if self.doc_type == "work_summary":
            return "achieved"
        if self.doc_type in ("work_plan", "implementation_plan"):
            return "target"
        if self.doc_type == "summary_and_plan" and self.first_plan is not None:
            # the preamble of a summary and plan reports the year done
            return "achieved" if pos < self.first_plan else "target"
        report = sum(1 for c in cues if c.code == "work_summary")
        plan = sum(1 for c in cues if c.code != "work_summary")
        if report > plan:
            return "achieved"
        if self.doc_type == "summary_and_plan" and not plan:
            return "achieved" if self.first_plan is None and pos < len(self.norm) // 2 else "target"
        return "target"

    def year(self, pos: int, kind: str, sentence: tuple[int, int], backlog: bool) -> int | None:
        section = self.section(pos)
        if section is not None and section.year is not None:
            if backlog and section.modality == "summary":
                later = [y for y in self.years if y > section.year]
                return later[0] if later else section.year + 1
            return section.year
        if len(self.years) == 1:
            return self.years[0]
        # the year written nearest before the figure (到2025年, 2023年底前), else any in the sentence
        written = [
            (m.start(), int(m.group(1)))
            for m in YEAR_RE.finditer(self.norm, *sentence)
            if _ch(self.norm, m.start() - 1) not in BASELINE and not self.norm.startswith("以来", m.end())
        ]
        if written:
            before = [y for at, y in written if at < pos]
            return before[-1] if before else written[0][1]
        if self.years:
            return self.years[0] if kind == "achieved" else self.years[-1]
        return None

    def campaign(self, pos: int, pollutant: str | None, *spans: tuple[int, int]) -> str | None:
        """The section's campaign; outside campaign sections the medium the fact names
        (a campaign name or cue in ``spans``: 近岸海域, 空气质量, 水质), else its pollutant's."""
        section = self.section(pos)
        if section is not None and section.campaign:
            return section.campaign
        for a, b in spans:
            for found in (matcher("campaign"), matcher("campaign", "cue")):
                hit = found.first(self.norm, a, b) if b > a else None
                if hit is not None:
                    return hit.code
        return _medium(pollutant) if pollutant else None


# ---------------------------------------------------------------- candidates
@dataclass(slots=True)
class _Figure:
    """A number read as a candidate target, before kind, strength and year."""

    start: int  # the number
    end: int  # end of number, unit and suffix cue
    value: float | None
    unit: str | None
    comparator: str | None = None  # from its own cues, None when it has none
    cue_start: int | None = None  # where a prefix cue starts
    count: bool = False  # a count of things (个, 家 …)
    prenominal: bool = False  # the count stands before its noun (完成28家医疗机构)
    modifies: bool = False  # a noun follows the figure (1.3万吨/日污水处理工程, 100吨/日危废扩建项目)
    approx: bool = False  # 余/多: a lower bound
    reach: bool = False  # the cue says the figure is reached (达到, 提高到, 稳定在), not bounded
    fixed: bool = False  # comparator set by the form itself (grade, class, rank)
    times: int = 1  # “四个100%”: the figure of N measures


def _clauses(norm: str, start: int, end: int) -> list[tuple[int, int]]:
    out, piece = [], start
    for m in _CLAUSE_END.finditer(norm, start, end):
        i = m.start()
        if norm[i] in ",:" and 0 < i < len(norm) - 1 and norm[i - 1].isdigit() and norm[i + 1].isdigit():
            continue
        out.append((piece, i))
        piece = i + 1
    out.append((piece, end))
    return [(a, b) for a, b in out if b > a]


def _sentences(document: Document) -> list[tuple[int, int]]:
    """Sentences of the text, cut around page furniture (``Document.ignored``)."""
    norm = document.norm
    out, piece = [], 0
    for m in _SENTENCE_END.finditer(norm):
        i = m.start()
        if i > piece:
            out.append((piece, i))
        piece = i + 1
    if piece < len(norm):
        out.append((piece, len(norm)))
    for span in document.ignored:
        kept = []
        for a, b in out:
            if span.end <= a or b <= span.start:
                kept.append((a, b))
                continue
            if a < span.start:
                kept.append((a, span.start))
            if span.end < b:
                kept.append((span.end, b))
        out = kept
    return out


def _is_boundary(norm: str, pos: int, end: int) -> bool:
    return pos >= end or norm[pos] in CLAUSE_ENDS or norm[pos] in '、)）”"》'


class _Sentence:
    """One sentence: its clauses, its figures and the targets they make."""

    def __init__(self, ctx: _Context, start: int, end: int) -> None:
        self.ctx = ctx
        self.norm = ctx.norm
        self.start, self.end = start, end
        self.clauses = _clauses(self.norm, start, end)
        self.cues = _cues(self.norm, start, end)
        self.after_cues = _postposed(self.norm, start, end)
        self.strengths = matcher("strength").find(self.norm, start, end)
        self.quantities = find_quantities(self.norm, start, end)
        self.quantity_starts = [q.start for q in self.quantities]
        self._kind_cues: list[Match] | None = None
        self._last_indicator: tuple[int, int] | None = None  # of the figure before, for 同比下降6.7%

    def clause(self, pos: int) -> tuple[int, int]:
        for a, b in self.clauses:
            if a <= pos < b:
                return a, b
        return self.start, self.end

    # -- reading the numbers -------------------------------------------------
    def figures(self) -> list[_Figure]:
        quoted = self.ctx.quoted
        figures: list[_Figure] = []
        taken: set[int] = set()
        for f in self._special_forms():
            figures.append(f)
            taken.update(range(f.start, f.end))
        names = self._quoted_numbers()
        for q in self.quantities:
            if q.start in taken or quoted[q.start]:
                continue
            f = self._figure(q, names)
            if f is not None:
                figures.append(f)
        figures.sort(key=lambda f: f.start)
        return self._drop_population_counts(figures)

    def _quoted_numbers(self) -> set[float]:
        """Numbers of quoted names (“1+8+53”): a gloss after the name repeats them."""
        out: set[float] = set()
        quoted = self.ctx.quoted
        for q in self.quantities:
            if quoted[q.start] and not q.chinese:
                out.add(q.value)
        return out

    def _figure(self, q: Quantity, names: set[float]) -> _Figure | None:
        norm, end = self.norm, self.end
        before, after = _ch(norm, q.start - 1), _ch(norm, _skip_blanks(norm, q.num_end, end))
        if before == "第" or (before.isascii() and before.isalpha()) or before in "+〔" or after in "+〕":
            return None  # ordinal, formula or name (PM2.5, G60, 1+X), document number
        if after in DATE_AFTER or (q.unit_text == "个" and _ch(norm, q.end) == "月"):
            return None  # 2021年, 6个月
        if after == "大" or (q.high is not None and q.end < end and norm[q.end] in DATE_AFTER):
            return None  # 七大示范工程; 2018-2025年
        unit, count = q.unit, False
        if q.unit_text in _yuan_units():
            if not _is_boundary(norm, q.end, end):
                return None
            unit = _yuan_units().get(q.unit_text)
        if unit is None:
            return None
        if unit == COUNT:
            count = True
        if q.value in names and self._after_quote(q.start):
            return None
        if q.chinese and (
            q.value < 2 or not count or (q.value <= MAX_NAME_NUMERAL and not self._restates_list(q))
        ):
            return None  # 一批, 四个意识, 中央八项规定: not a count of listed objects
        fig = _Figure(q.start, q.end, q.value, unit, count=count, approx=q.approx is not None)
        self._suffix(fig, count)
        if fig.comparator == "threshold":
            return None
        self._prefix(fig)
        fig.modifies = not _is_boundary(norm, fig.end, end) and not self._starts_figure(fig.end)
        fig.prenominal = count and fig.modifies
        return fig

    def _after_quote(self, pos: int) -> bool:
        quoted = self.ctx.quoted
        return any(quoted[i] for i in range(self.start, pos))

    def _restates_list(self, q: Quantity) -> bool:
        """A Chinese-numeral count that counts the items listed right before it (A、B、C等三个)."""
        a, _ = self.clause(q.start)
        head = self.norm[a : q.start].rstrip("等")
        if not head or head[-1] in "(（":
            return False
        return head.count("、") + 1 == int(q.value)

    def _starts_figure(self, pos: int) -> bool:
        return pos < self.end and (self.norm[pos].isdigit())

    def _suffix(self, fig: _Figure, count: bool) -> None:
        """A cue right after the figure (以上, 以下, 以内); a threshold when a noun follows."""
        norm, end = self.norm, self.end
        pos = fig.end + (1 if _ch(norm, fig.end) in SUFFIX_GAP else 0)
        hit = next((c for c in self.after_cues if c.start in (fig.end, pos)), None)
        if hit is None:
            if pos < end and norm[pos : pos + 2] == "左右":
                fig.end = pos + 2
            return
        after = hit.end
        if fig.unit == "%":  # 90%以上的行政村: a share of things is a goal, not a scope
            fig.comparator = hit.code
            fig.end = hit.end
            return
        if after < end and norm[after] == "的":
            fig.comparator = "threshold"
            return
        if not _is_boundary(norm, after, end) and not count:
            fig.comparator = "threshold"  # 65蒸吨及以上燃煤锅炉
            return
        if after < end and norm[after] == "、":
            b = self.clause(after)[1]
            if any(norm.startswith("的", c.end) for c in self.after_cues if after <= c.start < b):
                fig.comparator = "threshold"  # 5吨以上、一般固废100吨以上的企业
                return
        fig.comparator = hit.code
        fig.end = hit.end

    def _prefix(self, fig: _Figure) -> None:
        """A cue right before the figure, or a change verb between the measure and it."""
        a, _ = self.clause(fig.start)
        norm = self.norm
        for cue in reversed([c for c in self.cues if a <= c.start and c.end <= fig.start]):
            gap = norm[cue.end : fig.start]
            adjacent = all(ch in CUE_GAP for ch in gap)
            if cue.code in CHANGES:
                if _ch(gap, 0) in "到至":  # 提高到95%: reaching, not a change
                    fig.comparator = fig.comparator or (GE if cue.code == INCREASE else LE)
                    fig.cue_start = cue.start
                    return
                if adjacent or any(gap.endswith(h) or h in gap for h in MEASURE_HEADS):
                    fig.comparator = cue.code  # 增长70万立方米以上 is a change
                    fig.cue_start = cue.start
                    return
                continue
            if adjacent and cue.code in (LE, GE, EQ):
                fig.comparator = fig.comparator or cue.code
                fig.cue_start = cue.start
                fig.reach = cue.label[-1] in REACH
                return
            if not adjacent:
                return

    def _special_forms(self) -> list[_Figure]:
        """Grades (国家二级标准), classes (Ⅱ类以上), ranks (排名全省第一), “四个100%”."""
        norm, quoted, out = self.norm, self.ctx.quoted, []
        s, e = self.start, self.end
        grade_re, class_re = _scale_patterns()
        for m in grade_re.finditer(norm, s, e):
            if quoted[m.start()]:
                continue
            value = parse_number(m.group("n"))
            code = unit_code(m.group("unit")) or m.group("unit")
            comparator = LE if code == GRADE_UNIT else GE  # grade 1 is the best, four stars beat three
            out.append(_Figure(m.start(), m.end(), value, code, comparator, fixed=True))
        for m in class_re.finditer(norm, s, e):
            before = _ch(norm, m.start() - 1)
            if quoted[m.start()] or before in "劣-—–~～" or (before.isascii() and before.isalpha()):
                continue
            gap = 1 if _ch(norm, m.end()) in SUFFIX_GAP else 0
            after = next((c for c in self.after_cues if c.start in (m.end(), m.end() + gap)), None)
            stop = after.end if after else m.end()
            if not _is_boundary(norm, stop, e) and not norm.startswith("标准", stop):
                continue  # Ⅲ类断面比例, Ⅴ类水体: the class names what is measured
            if after is None and not any(c.end == m.start() for c in self.cues):
                continue  # (达到或好于Ⅲ类): a definition, not a goal
            # Ⅱ类以上 is class Ⅱ or better: at most 2
            comparator = GE if after is not None and after.code == LE else LE
            out.append(
                _Figure(m.start(), stop, float(ROMAN[m.group("r")]), CLASS_UNIT, comparator, fixed=True)
            )
        for m in RANK_RE.finditer(norm, s, e):
            if quoted[m.start()] or not _is_boundary(norm, m.end(), e):
                continue
            a, _ = self.clause(m.start())
            if not m.group("scope") and not any(w in norm[a : m.start()] for w in RANK_WORDS):
                continue
            value = parse_number(m.group("n"))
            if value is None:
                continue
            comparator = LE if m.group("which") == "前" else EQ
            out.append(_Figure(m.start(), m.end(), value, "名", comparator, fixed=True))
        for m in N_TIMES_RE.finditer(norm, s, e):
            close = m.end() + (1 if m.end() < e and norm[m.end()] in '”"' else 0)
            if not _is_boundary(norm, close, e) or _ch(norm, close) == "、":
                continue  # “七个100%”要求: the name of a rule
            n = int(parse_number(m.group("n")) or 1)
            out.append(_Figure(m.start(), close, float(m.group("v")), "%", EQ, fixed=True, times=n))
        return out

    def _drop_population_counts(self, figures: list[_Figure]) -> list[_Figure]:
        """168个重点城市空气质量排名力争前十: the count names who is measured, it is no target."""
        out = []
        for i, f in enumerate(figures):
            if f.count and f.prenominal:
                b = self.clause(f.start)[1]
                later = [g for g in figures[i + 1 :] if g.start < b]
                if (
                    later
                    and not later[0].count
                    and later[0].unit not in _yuan_units().values()
                    and "、" not in self.norm[f.end : later[0].start]
                ):
                    continue
            out.append(f)
        return out

    # -- from figures to targets ------------------------------------------------
    def targets(self) -> list[Target]:
        figures = self.figures()
        out: list[Target] = []
        for group in self._lists(figures):
            out.extend(self._list_targets(group, figures))
        covered = [(f.start, f.end) for f in figures]
        out.extend(self._valueless(covered))
        return out

    def _lists(self, figures: list[_Figure]) -> list[list[_Figure]]:
        """Figures joined only by 、/和/及 in one clause: 91%、90%; 90%和80%以上."""
        groups: list[list[_Figure]] = []
        for f in figures:
            if groups:
                last = groups[-1][-1]
                gap = self.norm[last.end : f.start].strip()
                if len(gap) == 1 and gap in LIST_JOINS and self.clause(last.start) == self.clause(f.start):
                    groups[-1].append(f)
                    continue
            groups.append([f])
        for group in groups:
            if len(group) < 2:
                continue
            source = next((f for f in group if f.comparator), None)
            for f in group:
                if f.comparator is None and source is not None:
                    f.comparator, f.reach = source.comparator, source.reach
        return groups

    def _segment_start(self, pos: int, figures: list[_Figure]) -> int:
        """Where the words of the figure at ``pos`` begin: its clause, after any earlier figure."""
        a, _ = self.clause(pos)
        for f in figures:
            if a <= f.end <= pos and f.start < pos:
                a = f.end
        return self._skip_joins(a, pos)

    def _skip_joins(self, a: int, b: int) -> int:
        while a < b and (self.norm[a] in LIST_JOINS or self.norm[a] in " \t\u3000)）、"):
            a += 1
        return a

    def _list_targets(self, group: list[_Figure], figures: list[_Figure]) -> list[Target]:
        first = group[0]
        seg = self._segment_start(first.start, figures)
        head_end = first.cue_start if first.cue_start is not None else first.start
        items = [(f, seg, seg, head_end) for f in group]  # figure, span start, subject span
        head = self.norm[seg:head_end]
        if len(group) > 1 and "分别" in head:
            cut = seg + head.rindex("分别")
            subjects = _split_list(self.norm, seg, cut, "、和及与")
            if len(subjects) == len(group):
                items = [(f, s[0], s[0], s[1]) for f, s in zip(group, subjects, strict=True)]
            else:
                items = [(f, seg, seg, cut) for f in group]
        out: list[Target] = []
        for f, span_start, subj_start, subj_end in items:
            if f is not first and len(items) > 1 and subj_start == seg and f.start > first.end:
                subj_start = subj_end = f.start  # 达到90%和80%以上: one measure, list of values
            out.extend(self._figure_targets(f, span_start, subj_start, subj_end, figures))
        return out

    def _figure_targets(
        self, f: _Figure, span_start: int, subj_start: int, subj_end: int, figures: list[_Figure]
    ) -> list[Target]:
        norm = self.norm
        b = self.clause(f.start)[1]
        subj_start, subj_end = self._trim(subj_start, subj_end)
        end = f.end
        right = (f.end, f.end)
        if f.modifies:  # the noun after the figure belongs to the fact
            nxt = min([g.start for g in figures if g.start >= f.end and g.start < b] + [b])
            right = self._trim(f.end, nxt)
            end = max(end, right[1])
        ind = right if f.prenominal or subj_end <= subj_start else (subj_start, subj_end)
        start = (
            min(span_start, f.start)
            if not f.prenominal
            else min(self._segment_start(f.start, figures), f.start)
        )
        start, end = self._trim(start, end)
        kind, backlog = self._kind(f.start)
        comparator = self._comparator(f, kind)
        strength = self._strength(f.start, f.comparator is not None or f.fixed) if kind == "target" else None
        year = self.ctx.year(f.start, kind, (self.start, self.end), backlog)
        ind = self._without_baseline(ind)
        if ind[1] <= ind[0] and self._last_indicator is not None:
            ind = self._last_indicator  # 浓度为28微克/立方米，同比下降6.7%: the same measure
        elif ind[1] > ind[0]:
            self._last_indicator = ind
        indicator = norm[ind[0] : ind[1]] or None
        pollutant = self._pollutant(ind, right, (start, end))
        target = Target(
            span=Span(start, end),
            indicator=self.ctx.document.text[ind[0] : ind[1]] if indicator else None,
            comparator=comparator,
            value=f.value,
            unit=f.unit,
            year=year,
            kind=kind,
            strength=strength,
            pollutant=pollutant,
            campaign=self.ctx.campaign(f.start, pollutant, ind, (start, end)),
        )
        # How many measures share this one figure: “四个100%”, X率和Y率达到91%, A和B各1座.
        parts = [] if f.prenominal else self._measures(subj_start, subj_end, f)
        times = f.times if f.times > 1 else len(parts)
        if times <= 1:
            return [target]
        if len(parts) != times:
            return [replace(target) for _ in range(times)]
        out = []
        for part in parts:
            p = self._pollutant(part)
            text = self.ctx.document.text[part[0] : part[1]]
            out.append(
                replace(target, indicator=text, pollutant=p, campaign=self.ctx.campaign(f.start, p, part))
            )
        return out

    def _without_baseline(self, ind: tuple[int, int]) -> tuple[int, int]:
        """重污染天数比2020年 → 重污染天数, 到2025年城市污水处理率 → 城市污水处理率."""
        a, b = ind
        m = BASELINE_TAIL_RE.search(self.norm, a, b)
        if m and m.end() == b:
            b = m.start()
        m = WHEN_RE.match(self.norm, a, b)
        if m and m.end() < b:
            a = m.end()
        return a, b

    def _measures(self, a: int, b: int, f: _Figure) -> list[tuple[int, int]]:
        """The measures one figure is stated for: X率和Y率; A和B均达; A和B各1座."""
        norm = self.norm
        if b <= a:
            return [(a, b)]
        each = any(norm.find(w, b, f.start + 1) >= 0 for w in "均各") or _ch(norm, b - 1) in "均各"
        text_end = b - 1 if _ch(norm, b - 1) in "均各" else b
        parts = _split_list(norm, a, text_end, "和")
        if len(parts) == 1:
            parts = _split_list(norm, a, text_end, "、")
        if len(parts) < 2:
            return [(a, b)]
        if each or all(_has_head(norm[x:y]) for x, y in parts):
            return parts
        return [(a, b)]

    def _trim(self, a: int, b: int) -> tuple[int, int]:
        norm = self.norm
        while a < b and (norm[a] in " \t\u3000、，,；;：:" or (norm[a] in LIST_JOINS and b - a > 1)):
            a += 1
        while b > a and norm[b - 1] in " \t\u3000、，,；;：:":
            b -= 1
        # the strength cue and comparator cue that end a subject are not the indicator
        changed = True
        while changed and b > a:
            changed = False
            for m in (*self.strengths, *self.cues):
                if m.end == b and m.start >= a:
                    b, changed = m.start, True
        for m in self.strengths:
            if m.start == a and m.end <= b:
                a = m.end
        for word in RANK_WORDS:
            if norm.endswith(word, a, b):
                b -= len(word)
        return a, b

    def _pollutant(self, *spans: tuple[int, int]) -> str | None:
        """The first pollutant named in the first of ``spans`` that names one."""
        pollutants = matcher("pollutant")
        for a, b in spans:
            if b > a:
                hit = pollutants.first(self.norm, a, b)
                if hit is not None:
                    return hit.code
        return None

    def _kind(self, pos: int) -> tuple[str, bool]:
        a, b = self.clause(pos)
        left = self.norm[a:pos]
        clause = self.norm[a:b].replace("未完成", "")
        backlog = any(w in left for w in BACKLOG) and "完成" not in clause
        if backlog:
            return "target", True
        if self._kind_cues is None:
            self._kind_cues = matcher("doc_type", "cue").find(self.norm, self.start, self.end)
        return self.ctx.kind(pos, self._kind_cues), False

    def _comparator(self, f: _Figure, kind: str) -> str:
        c = f.comparator
        if f.fixed:
            return c or EQ
        if c in (LE, GE) and f.reach and kind == "achieved" and not f.approx:
            c = EQ  # a report that a figure was reached (达到, 均达) states it
        if f.approx and c in (None, EQ):
            c = GE
        if kind == "target" and f.unit in UPPER_BOUND_UNITS and c in (None, EQ, GE):
            c = LE
        return c or EQ

    def _strength(self, pos: int, own_comparator: bool) -> str:
        """Binding or aspirational: the nearest strength cue that reaches the figure at ``pos``.

        A cue reaches the figures of its own clause. Beyond it (力争A项目建成;B项目建成)
        it reaches only figures with no comparator of their own: a figure that states its
        own bound (;全省受污染耕地安全利用率不低于93%) starts a new commitment.
        """
        clause = self.clause(pos)
        for cue in sorted((c for c in self.strengths if c.end <= pos), key=lambda c: -c.start):
            if self.clause(cue.start) == clause:
                return cue.code
            if own_comparator or self._local(cue):
                continue
            return cue.code
        # 对未完成的12项…,力争保质保量完成: a short tail after the figures completes them
        # (not 4个区做好申报工作,力争获得示范区命名: an aim of its own)
        for cue in (c for c in self.strengths if c.start >= pos):
            tail = self.clause(cue.start)[1] - cue.end
            if tail <= MAX_LEAD and not any(p > cue.start for p in self.quantity_starts):
                return cue.code
            break
        return BINDING

    def _local(self, cue: Match) -> bool:
        """力争前十, 力争达到31: the cue stands right before its comparator or figure."""
        norm, nxt = self.norm, cue.end
        later = [c.start for c in self.cues if c.start >= nxt] + self.quantity_starts
        later = [p for p in later if p >= nxt]
        if norm.startswith("前", nxt):
            return True
        return bool(later) and min(later) - nxt <= 2

    # -- targets without a figure ------------------------------------------------
    def _valueless(self, covered: list[tuple[int, int]]) -> list[Target]:
        """Targets with an explicit comparator and no figure, each between the figures of its clause."""
        out: list[Target] = []
        quoted = self.ctx.quoted
        for a, b in self.clauses:
            inside = [(s, e) for s, e in covered if a <= s < b]
            for cue in self.cues:
                if not (a <= cue.start < b) or quoted[cue.start]:
                    continue
                if any(s <= cue.start < e for s, e in inside):
                    continue  # part of a figure (下降2.5%)
                wa = max([a] + [e for _, e in inside if e <= cue.start])
                wb = min([b] + [s for s, _ in inside if s >= cue.end])
                out.extend(self._no_value_cue(cue, wa, wb))
            if not inside:
                out.extend(self._reduce_goal(a, b))
        return out

    def _no_value_cue(self, cue: Match, a: int, b: int) -> list[Target]:
        """The figure-free target a cue makes in ``norm[a:b]`` (between the figures of its clause)."""
        if cue.code in NO_VALUE and _is_boundary(self.norm, cue.end, b):
            return self._stays_or_goes(cue, a)
        if cue.code == ELIMINATE:
            return self._object_goes(cue, a, b)
        if cue.code in (GE, LE):
            return self._set_elsewhere(cue, a, b)
        return []

    def _stays_or_goes(self, cue: Match, a: int) -> list[Target]:
        """重金属排放总量不新增, 督察问题清零: the cue ends its clause, its subject is the measure."""
        subj = self._trim(self._skip_joins(a, cue.start), cue.start)
        text = self.norm[subj[0] : subj[1]]
        # a measure (a head noun or a pollutant) or a problem (问题) can stay level or go
        if not text or not (_has_head(text) or self._pollutant(subj, subj) or text.endswith("问题")):
            return []
        return [self._bare(cue.code, subj, (subj[0], cue.end), cue.start)]

    def _object_goes(self, cue: Match, a: int, b: int) -> list[Target]:
        """基本消除劣Ⅴ类水体, 不得出现劣V类水质和“牛奶溪”: each object joined by 和 is one target."""
        norm = self.norm
        if len(cue.label) == 1:
            ok = _ch(norm, cue.start - 1) in LOCATIVE  # 可视范围内无海面漂浮物; not 无人机, 无废城市
        else:
            lead = self._trim(a, cue.start)
            ok = lead[1] - lead[0] <= MAX_LEAD  # not 开展突出环境问题清零行动
        stop = norm.find("、", cue.end, b)
        obj = self._trim(cue.end, stop if stop >= 0 else b)
        if not ok or obj[1] <= obj[0] or norm[obj[0]] in "比率":  # 消除比率达到90%: a measure's name
            return []
        span = (self._skip_joins(a, cue.start), obj[1])
        return [self._bare(cue.code, p, span, cue.start) for p in _split_list(norm, obj[0], obj[1], "和")]

    def _set_elsewhere(self, cue: Match, a: int, b: int) -> list[Target]:
        """达到省考核要求 (>=, no figure); 低于前3年平均水平 (a reduction from the past level)."""
        norm = self.norm
        subj = self._trim(self._skip_joins(a, cue.start), cue.start)
        m = REQUIREMENT_RE.match(norm, cue.end, b)
        if cue.code == GE and m and _is_boundary(norm, m.end(), b):
            return [self._bare(GE, subj, (self._skip_joins(a, cue.start), m.end()), cue.start)]
        m = PAST_LEVEL_RE.match(norm, cue.end, b)
        if cue.code == LE and m:
            return [self._bare(REDUCE, p, (subj[0], m.end()), cue.start) for p in self._pollutant_parts(subj)]
        return []

    def _reduce_goal(self, a: int, b: int) -> list[Target]:
        """完成省下达的主要污染物总量减排和碳排放强度目标任务: reductions set elsewhere."""
        norm = self.norm
        goal = norm.find("目标", a, b)
        if goal < 0:
            return []
        lead = norm[a:goal]
        if not any(w in lead for w in ("完成", "实现")):
            return []
        reduce = [c for c in self.cues if a <= c.start and c.end <= goal and c.code == REDUCE]
        if not reduce:
            return []
        start = self._skip_joins(a, goal)
        parts = _split_list(norm, start, goal, "和")
        parts = [p for p in parts if p[1] > reduce[0].start]
        return [self._bare(REDUCE, p, (start, goal + 2), reduce[0].start) for p in parts]

    def _pollutant_parts(self, subj: tuple[int, int]) -> list[tuple[int, int]]:
        parts = _split_list(self.norm, subj[0], subj[1], "和、")
        found = [self._pollutant(p, p) for p in parts]
        if len(parts) > 1 and all(found) and len(set(found)) == len(found):
            return parts
        return [subj]

    def _bare(self, comparator: str, ind: tuple[int, int], span: tuple[int, int], pos: int) -> Target:
        kind, backlog = self._kind(pos)
        start, end = self._trim(*span)
        if end <= start:
            start, end = span
        pollutant = self._pollutant(ind, (start, end))
        return Target(
            span=Span(start, end),
            indicator=self.ctx.document.text[ind[0] : ind[1]] or None,
            comparator=comparator,
            value=None,
            unit=None,
            year=self.ctx.year(pos, kind, (self.start, self.end), backlog),
            kind=kind,
            strength=self._strength(pos, True) if kind == "target" else None,
            pollutant=pollutant,
            campaign=self.ctx.campaign(pos, pollutant, ind, (start, end)),
        )


def _skip_blanks(text: str, i: int, end: int) -> int:
    while i < end and text[i] in " \t\u3000\xa0":
        i += 1
    return i


def _ch(text: str, i: int) -> str:
    """The character at ``i``, or NUL outside the text (so ``in "..."`` tests stay false)."""
    return text[i] if 0 <= i < len(text) else "\0"


def _has_head(text: str) -> bool:
    return text.endswith(MEASURE_HEADS)


def _split_list(norm: str, a: int, b: int, joins: str) -> list[tuple[int, int]]:
    """``norm[a:b]`` cut at the join characters outside brackets and quotes."""
    parts, depth, piece = [], 0, a
    for i in range(a, b):
        ch = norm[i]
        if ch in "(（《“":
            depth += 1
        elif ch in ")）》”" and depth:
            depth -= 1
        elif depth == 0 and ch in joins:
            if i > piece:
                parts.append((piece, i))
            piece = i + 1
    if b > piece:
        parts.append((piece, b))
    return parts


def _has_numeral(norm: str, start: int, end: int) -> bool:
    """A digit (``str.isdigit``) or a Chinese or Roman numeral in ``norm[start:end]``."""
    # \d finds the decimal digits at once; isdigit also takes the few others (²).
    return _NUMERAL.search(norm, start, end) is not None or any(map(str.isdigit, norm[start:end]))


def extract_targets(document: Document, sections: list[Section]) -> list[Target]:
    """Every quantitative goal and reported figure of ``document``, in document order.

    ``sections`` (from ``loaders.sections.parse_sections``) give each figure its
    part's year, modality (plan or summary) and campaign; with none, the
    document's metadata and the sentence's own cues decide.
    """
    ctx = _Context(document, sections)
    out: list[Target] = []
    for start, end in _sentences(document):
        if not _has_numeral(ctx.norm, start, end) and not _cues(ctx.norm, start, end):
            continue
        out.extend(_Sentence(ctx, start, end).targets())
    out.sort(key=lambda t: (t.span.start, t.span.end))
    return out
