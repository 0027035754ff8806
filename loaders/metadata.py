"""What a plan is: title, issuer, region, years, document type, publication date.

Read from the text by general rules, so that they hold on plans from any
province, level and year:

* **title**: a short line above the first numbered part that names a kind of
  document (工作要点, 工作总结, 实施方案 … from the doc_type vocabulary), or the
  名称 field of an index table, or the page's browser title.
* **doc_type**: from the title's doc_type words (the last one is the head noun:
  …方案的工作要点 is a work plan); a document whose parts are a 2022年工作总结 and a
  2023年工作计划 is a summary_and_plan whatever its title; without a title, the
  parts decide, then the cue words of the vocabulary (确保/力争 plan, 累计 report).
* **years**: the title's years (ranges spelled out: 2018-2020年 → 2018, 2019,
  2020), with the years of the summary and plan parts; else the parts' years;
  else the year the text opens with (2020年是…之年); else the most named year.
* **region**: every place named in the text is looked up in the gazetteer
  (``loaders.gazetteer``). A place in the title decides, then one in the
  issuer fields (发布机构 市生态环境局鹿城分局 → 鹿城区). Without either, the text
  votes: each mention counts for its place and, more weakly, for the places
  above it (counties named in the text vote for their prefecture), in the
  province most named; the level comes from how the document names itself
  (我县/全县/县委县政府 is a county's plan, 区委区政府 a district's, 全市 a city's).
* **issuer**: the 发布机构 field, a signature line, the site name in the browser
  title, or the ecology-environment bureau the text names most (words of the
  department vocabulary), completed with the region (市生态环境局鹿城分局 →
  温州市生态环境局鹿城分局).
* **published**: 发布时间/发布日期/生成日期/成文日期/时间 fields, else a date line
  that closes the text.

Fields are read from the page furniture too (``ignored``): an index table or a
发布时间 line is not policy, but it says who published the page and when.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from functools import cache

from policykg.loaders.boilerplate import SpanSet, content_end
from policykg.loaders.document import Metadata, Region, Span
from policykg.loaders.gazetteer import PlaceMention, gazetteer, short_name
from policykg.loaders.sections import parse_outline
from policykg.ontology.vocab import vocabulary

# Labels of the fields a page gives about itself, by what they tell.
TITLE_FIELDS = ("标题", "信息名称", "名称", "文件名称", "文章标题")
ISSUER_FIELDS = ("发布机构", "发文机关", "发布单位", "发文单位", "制发机关", "所属机构")
SITE_FIELDS = ("主办单位", "主办")
SOURCE_FIELDS = ("来源", "信息来源", "文章来源", "稿件来源")
# Most trusted first: when the page was published, then when it was made.
DATE_FIELDS = (
    "发布时间",
    "发布日期",
    "发文日期",
    "生成日期",
    "成文日期",
    "时间",
    "日期",
    "更新时间",
    "更新日期",
)
# How an organisation's name ends: 局, 厅, 委员会 … (a name ending otherwise is not an issuer).
ORG_ENDS = ("局", "厅", "委员会", "办公室", "人民政府", "政府", "分局", "中心", "委")

_SPACE = " \t\u3000\xa0"
_YEAR = r"(?:19|20)\d{2}"
_RANGE = re.compile(rf"({_YEAR})[ \t]*年?[ \t]*[-—–~～至到][ \t]*({_YEAR})[ \t]*年")
_SINGLE_YEAR = re.compile(rf"(?<!\d)({_YEAR})[ \t]*年")
_DATE = re.compile(r"(?<!\d)(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})(?!\d)")
_FIELD = re.compile(
    r"(?P<label>[\u4e00-\u9fff]{2,6})[ \t\u3000\xa0]*[:：][ \t\u3000\xa0]*"
    r"(?P<value>.*?)(?=[ \t\u3000\xa0]{2,}|[ \t\u3000\xa0]+[\u4e00-\u9fff]{2,6}[ \t\u3000\xa0]*[:：]|$)"
)
_QUOTED = re.compile(r"《[^》\n]{0,80}》")
# How a document names its own level: 我市, 全县, 本区; 市委市政府, 县委县政府.
_SELF = re.compile(r"(?:我|全|本)(省|市|县|区)")
_SELF_LEADERSHIP = re.compile(r"(省|市|县|区)委\1政府")

# Weights of the evidence for a region.
_W_TITLE = 20.0
_W_ISSUER = 10.0
_W_SITE = 3.0
_W_FULL = 2.0
_W_SHORT = 1.0
_W_BELOW = 0.5  # a mention of a place below counts this much for the place above
_NOT_LINE_BREAK = re.compile(r"[^\n\r]")


def read_metadata(text: str, norm: str, ignored: list[Span]) -> Metadata:
    """The metadata of a document, read from its text.

    ``text`` is the text as decoded, ``norm`` the same text in simplified
    characters (same length, matched on), ``ignored`` the page furniture.
    """
    reader = _Reader(text, norm, ignored)
    return reader.read()


class _Reader:
    def __init__(self, text: str, norm: str, ignored: list[Span]) -> None:
        self.text = text
        self.norm = norm
        self.ignored = ignored
        self.furniture = SpanSet(ignored)
        self.end = content_end(norm, ignored)
        self.lines = _lines(norm)
        self.fields = self._fields()
        self.sections = parse_outline(text, norm, ignored)
        self.first_section = self.sections[0].span.start if self.sections else self.end
        # The body: content with furniture blanked out, same length as the text.
        chars = list(norm[: self.end])
        for span in ignored:
            start, end = span.start, min(span.end, self.end)
            if start < end:
                chars[start:end] = _NOT_LINE_BREAK.sub(" ", norm[start:end])
        self.body = "".join(chars)

    def read(self) -> Metadata:
        title_span = self._title()
        title = self.norm[title_span.start : title_span.end] if title_span else None
        region = self._region(title)
        doc_type = self._doc_type(title)
        return Metadata(
            title=self.text[title_span.start : title_span.end] if title_span else None,
            issuer=self._issuer(region),
            region=region,
            years=self._years(title, doc_type),
            doc_type=doc_type,
            published=self._published(),
        )

    # -- fields -------------------------------------------------------------

    def _fields(self) -> dict[str, list[str]]:
        """label -> values, from index tables (a | b | c | d) and label:value lines of the furniture."""
        fields: dict[str, list[str]] = {}
        for start, end in self.lines:
            if not self.furniture.overlaps(start, end):
                continue
            line = self.norm[start:end]
            if "|" in line or "｜" in line:
                cells = [c.strip(_SPACE) for c in re.split(r"[|｜]", line)]
                for i, cell in enumerate(cells[:-1]):
                    if re.fullmatch(r"[\u4e00-\u9fff]{2,6}", cell) and cells[i + 1]:
                        fields.setdefault(cell, []).append(cells[i + 1])
                continue
            for m in _FIELD.finditer(line):
                value = m.group("value").strip(_SPACE)
                if value:
                    fields.setdefault(m.group("label"), []).append(value)
        return fields

    def field(self, labels: tuple[str, ...]) -> list[str]:
        return [v for label in labels for v in self.fields.get(label, ())]

    # -- title and document type -------------------------------------------

    def _title(self) -> Span | None:
        """The title line: short, above the first numbered part, naming a kind of document."""
        for value in self.field(TITLE_FIELDS):
            at = self.norm.find(value)
            if at >= 0 and _doc_type_words(value):
                return Span(at, at + len(value))
        furniture_candidates: list[Span] = []
        for start, end in self.lines:
            if start >= self.first_section:
                break
            line = self.norm[start:end]
            stripped = line.strip(_SPACE)
            if not 4 <= len(stripped) <= 80 or "。" in stripped or stripped.endswith((":", "：")):
                continue
            if not _doc_type_words(stripped):
                continue
            lead = start + len(line) - len(line.lstrip(_SPACE))
            span = Span(lead, lead + len(stripped))
            if self.furniture.overlaps(span.start, span.end):
                # A browser title (标题_栏目_站点): its first part is the title.
                first = re.split(r"_|\s[-|｜]\s", stripped)[0].strip(_SPACE)
                if _doc_type_words(first):
                    furniture_candidates.append(Span(lead, lead + len(first)))
                continue
            return span
        return furniture_candidates[0] if furniture_candidates else None

    def _part_modalities(self) -> dict[str, list[int | None]]:
        """modality -> years of the document's parts (top-level parts when there are any)."""
        parts = [s for s in self.sections if s.modality and s.heading is not None]
        own = [s for s in parts if s.parent is None or self.sections[s.parent].modality is None]
        out: dict[str, list[int | None]] = {}
        for section in own:
            out.setdefault(section.modality, []).append(section.year)
        return out

    def _doc_type(self, title: str | None) -> str:
        parts = self._part_modalities()
        if "summary" in parts and "plan" in parts:
            return "summary_and_plan"
        if title:
            from_title = _title_doc_type(title)
            if from_title:
                return from_title
        if "summary" in parts:
            return "work_summary"
        if "plan" in parts:
            return "work_plan"
        return self._doc_type_from_cues()

    def _doc_type_from_cues(self) -> str:
        """Plan or report by the cue words of the doc_type vocabulary (确保, 力争 … / 累计, 圆满完成 …)."""
        counts: Counter[str] = Counter()
        for concept in vocabulary("doc_type"):
            for cue in concept.props.get("cue", ()):
                counts[concept.code] += self.body.count(cue)
        if not counts or sum(counts.values()) == 0:
            return "other"
        plan, summary = counts.get("work_plan", 0), counts.get("work_summary", 0)
        return "work_summary" if summary > 1.5 * plan else "work_plan"

    # -- years --------------------------------------------------------------

    def _years(self, title: str | None, doc_type: str) -> list[int]:
        years: set[int] = set(_years_in(title)) if title else set()
        parts = self._part_modalities()
        part_years = {y for ys in parts.values() for y in ys if y}
        if doc_type == "summary_and_plan" or not years:
            years |= part_years
            # A plan part without a year is for the year after the summary (下一步工作计划).
            if "plan" in parts and None in parts["plan"] and parts.get("summary"):
                years |= {y + 1 for y in parts["summary"] if y}
        if not years:
            years = self._opening_year()
        return sorted(years)

    def _opening_year(self) -> set[int]:
        """The year the text opens with (2020年是…, 2022年以来…), else the year it names most."""
        body = _QUOTED.sub(lambda m: " " * len(m.group()), self.body)
        opening = body.lstrip()[:80]
        found = _years_in(opening)
        if found:
            return {found[0]}
        counts = Counter(int(m.group(1)) for m in _SINGLE_YEAR.finditer(body))
        if not counts:
            return set()
        return {counts.most_common(1)[0][0]}

    # -- date ---------------------------------------------------------------

    def _published(self) -> str | None:
        for value in self.field(DATE_FIELDS):
            date = _iso_date(value)
            if date:
                return date
        # A date line that closes the text (the date under the signature).
        tail = [self.norm[s:e].strip(_SPACE) for s, e in self.lines if e <= self.end and s < self.end]
        for line in [t for t in tail if t][-3:][::-1]:
            m = _DATE.fullmatch(line.rstrip("日").strip()) or _DATE.fullmatch(line)
            if m:
                return _iso_date(line)
        return None

    # -- region -------------------------------------------------------------

    def _region(self, title: str | None) -> Region | None:
        gaz = gazetteer()
        groups: list[tuple[str, list[PlaceMention], float, float, bool]] = []
        if title:
            groups.append(("title", gaz.find_mentions(title), _W_TITLE, _W_TITLE, False))
        issuer = [m for value in self.field(ISSUER_FIELDS) for m in gaz.find_mentions(value)]
        groups.append(("issuer", issuer, _W_ISSUER, _W_ISSUER, False))
        site = [m for v in self.field(SITE_FIELDS) + self._browser_site() for m in gaz.find_mentions(v)]
        groups.append(("site", site, _W_SITE, _W_SITE, False))
        groups.append(("body", gaz.find_mentions(self.body), _W_FULL, _W_SHORT, True))
        evidence = [
            (group, codes, full if mention.full else short)
            for group, mentions, full, short, anchored in groups
            for mention, codes in _candidates(mentions, anchored)
        ]
        resolved, weights = _resolve(evidence)
        if not weights:
            return None
        province = _best_province(weights)
        for group in ("title", "issuer"):
            region = _most_specific([gaz.regions[c] for g, c in resolved if g == group], weights)
            if region is not None:
                return region
        return self._region_from_text(weights, province)

    def _browser_site(self) -> list[str]:
        """The site name at the end of a browser-title line of the furniture."""
        out = []
        for start, end in self.lines:
            if start >= self.first_section:
                break
            line = self.norm[start:end].strip(_SPACE)
            parts = [p for p in re.split(r"_", line) if p.strip()]
            if len(parts) >= 2 and self.furniture.overlaps(start, end):
                out.append(parts[-1].strip(_SPACE))
        return out

    def _region_from_text(self, weights: Counter[str], province: str) -> Region | None:
        """Without a title or issuer: the place the text is about, at the level it names itself."""
        gaz = gazetteer()
        prov = gaz.by_code(province)
        if prov is None:
            return None
        # City-level units: the prefectures, or the municipality itself.
        prefectures = [c for c in gaz.children.get(province, ()) if gaz.regions[c].level == "prefecture"]
        units = prefectures or [province]
        score = {u: weights[u] + _W_BELOW * sum(weights[d.code] for d in gaz.descendants(u)) for u in units}
        city = max(units, key=lambda u: (score[u], weights[u]))
        if score[city] <= 0:
            return prov if weights[province] > 0 else None
        level = self._self_level()
        children = [
            gaz.regions[c] for c in gaz.children.get(city, ()) if gaz.regions[c].level != "prefecture"
        ]
        named = sorted((c for c in children if weights[c.code] > 0), key=lambda c: -weights[c.code])
        if level in ("县", "区"):
            wanted = "district" if level == "区" else "county"
            for child in named:
                if child.level == wanted and weights[child.code] >= _W_FULL:
                    return child
        if level == "市":
            for child in named:
                if child.name.endswith("市") and weights[child.code] > weights[city]:
                    return child  # a county-level city names itself 我市 too
        if level == "省" and weights[province] >= weights[city]:
            return prov
        return gaz.regions[city]

    def _self_level(self) -> str | None:
        """How the text names its own level: 市, 县, 区 or 省 (None if it does not)."""
        counts: Counter[str] = Counter(m.group(1) for m in _SELF.finditer(self.body))
        for m in _SELF_LEADERSHIP.finditer(self.body):
            counts[m.group(1)] += 3
        if not counts:
            return None
        return counts.most_common(1)[0][0]

    # -- issuer -------------------------------------------------------------

    def _issuer(self, region: Region | None) -> str | None:
        for value in self.field(ISSUER_FIELDS):
            if value.endswith(ORG_ENDS):
                return _complete(value, region)
        signature = self._signature()
        if signature:
            return _complete(signature, region)
        for value in self._browser_site():
            if value.endswith(ORG_ENDS) and _consistent(value, region):
                return _complete(value, region)
        named = self._named_bureau(region)
        if named:
            return named
        for value in self.field(SITE_FIELDS) + self.field(SOURCE_FIELDS):
            if value.endswith(ORG_ENDS) and _consistent(value, region):
                return _complete(value, region)
        return None

    def _signature(self) -> str | None:
        """An organisation's name on its own line at the end of the text (before a date line)."""
        tail = [self.norm[s:e].strip(_SPACE) for s, e in self.lines if e <= self.end]
        tail = [t for t in tail if t][-3:]
        for line in tail[::-1]:
            if _DATE.search(line) and len(line) <= 14:
                continue
            if len(line) <= 30 and "。" not in line and line.endswith(ORG_ENDS) and not line[0].isdigit():
                return line
            break
        return None

    def _named_bureau(self, region: Region | None) -> str | None:
        """The ecology-environment bureau the text names most, as (place)(市)生态环境局(X分局)."""
        labels = _bureau_labels()
        if not labels:
            return None
        gaz = gazetteer()
        places = "|".join(re.escape(r.name) for r in (gaz.chain(region) if region else []) if r.name)
        prefix = rf"(?:(?:{places})|[省市县区])" if places else r"[省市县区]"
        pattern = re.compile(
            rf"{prefix}(?:{'|'.join(re.escape(label) for label in labels)})(?:[\u4e00-\u9fff]{{2,4}}分局)?"
        )
        counts: Counter[str] = Counter()
        for m in pattern.finditer(self.body):
            counts[_complete(m.group(0), region)] += 1
        if region is not None:
            # Only the bureau of the document's own place: not 省生态环境厅 in a city's plan.
            own = short_name(region.name) or region.name
            counts = Counter({n: c for n, c in counts.items() if n.startswith(region.name) or own in n})
        if not counts:
            return None
        return max(counts, key=lambda n: (counts[n], len(n)))


def _lines(text: str) -> list[tuple[int, int]]:
    out = []
    start = 0
    for m in re.finditer(r"\r\n|\n|\r", text):
        out.append((start, m.start()))
        start = m.end()
    out.append((start, len(text)))
    return out


@cache
def _doc_type_labels() -> tuple[tuple[str, str], ...]:
    index = vocabulary("doc_type").label_index()
    return tuple(sorted(index.items(), key=lambda item: -len(item[0])))


def _doc_type_words(text: str) -> list[tuple[int, str]]:
    """(position, doc_type code) of the doc_type words in ``text``, leftmost-longest."""
    found: list[tuple[int, int, str]] = []
    for label, code in _doc_type_labels():
        at = text.find(label)
        while at >= 0:
            found.append((at, at + len(label), code))
            at = text.find(label, at + 1)
    found.sort(key=lambda f: (f[0], -(f[1] - f[0])))
    out: list[tuple[int, str]] = []
    taken = 0
    for start, end, code in found:
        if start >= taken:
            out.append((start, code))
            taken = end
    return out


def _title_doc_type(title: str) -> str | None:
    """The kind of document a title names: its last doc_type word, or summary_and_plan for both."""
    words = _doc_type_words(title)
    if not words:
        return None
    codes = {code for _, code in words}
    if "summary_and_plan" in codes or {"work_summary", "work_plan"} <= codes:
        return "summary_and_plan"
    return words[-1][1]


def _years_in(text: str) -> list[int]:
    """Years named in ``text`` in order, ranges spelled out (2018-2020年 → 2018, 2019, 2020)."""
    out: list[int] = []
    taken: list[tuple[int, int]] = []
    for m in _RANGE.finditer(text):
        first, last = int(m.group(1)), int(m.group(2))
        if first <= last <= first + 10:
            out.extend(range(first, last + 1))
            taken.append(m.span())
    for m in _SINGLE_YEAR.finditer(text):
        if not any(a <= m.start() < b for a, b in taken):
            out.append(int(m.group(1)))
    return list(dict.fromkeys(out))


def _iso_date(value: str) -> str | None:
    m = _DATE.search(value)
    if not m:
        return None
    try:
        return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3))).isoformat()
    except ValueError:
        return None


def _candidates(mentions: list[PlaceMention], anchored: bool) -> list[tuple[PlaceMention, tuple[str, ...]]]:
    """The places each mention can mean.

    A short name shared by a place and one inside it (衡阳: the prefecture and its
    county) means the higher one. With ``anchored``, the short name of a county
    or district (资源, 新建, 友好: also words) counts only where its prefecture or
    province is named too.
    """
    gaz = gazetteer()
    named = {
        c for m in mentions for c in m.codes if m.full or gaz.regions[c].level in ("province", "prefecture")
    }
    out = []
    for mention in mentions:
        codes = mention.codes
        if anchored and not mention.full:
            codes = tuple(
                c
                for c in codes
                if gaz.regions[c].level in ("province", "prefecture")
                or any(a.code in named for a in gaz.chain(c)[1:])
            )
        if len(codes) > 1 and all(gaz.is_within(c, codes[0]) for c in codes):
            codes = codes[:1]
        if codes:
            out.append((mention, codes))
    return out


def _resolve(
    evidence: list[tuple[str, tuple[str, ...], float]],
) -> tuple[list[tuple[str, str]], Counter[str]]:
    """Each mention's place, and the weight of evidence for each place.

    Unambiguous mentions count first. An ambiguous one (鼓楼区: four provinces)
    goes to the candidate the unambiguous ones support (its prefecture or
    province named elsewhere); with no support, or a tie, it counts for nothing:
    a split vote would favour provinces with several places of the same name.
    """
    gaz = gazetteer()
    first: Counter[str] = Counter()
    for _, codes, weight in evidence:
        if len(codes) == 1:
            first[codes[0]] += weight
    provinces: Counter[str] = Counter()
    for code, weight in first.items():
        provinces[gaz.regions[code].province_code] += weight
    resolved: list[tuple[str, str]] = []
    weights = Counter(first)
    for group, codes, weight in evidence:
        if len(codes) == 1:
            resolved.append((group, codes[0]))
            continue
        support = {
            c: sum(first[a.code] for a in gaz.chain(c)[1:]) + 0.25 * provinces[gaz.regions[c].province_code]
            for c in codes
        }
        best = max(support.values())
        winners = [c for c in codes if support[c] == best]
        if best > 0 and len(winners) == 1:
            resolved.append((group, winners[0]))
            weights[winners[0]] += weight
    return resolved, weights


def _best_province(weights: Counter[str]) -> str:
    gaz = gazetteer()
    totals: Counter[str] = Counter()
    for code, weight in weights.items():
        totals[gaz.regions[code].province_code] += weight
    return max(totals, key=lambda p: (totals[p], weights[p]))


def _most_specific(regions: list[Region], weights: Counter[str]) -> Region | None:
    """The deepest of the places a title (or issuer field) names, if they agree (温州市鹿城区 → 鹿城区)."""
    if not regions:
        return None
    gaz = gazetteer()
    for region in sorted(regions, key=lambda r: -len(gaz.chain(r))):
        if all(gaz.is_within(region, other) or gaz.is_within(other, region) for other in regions):
            return region
    # Places that do not nest (a title naming two cities): the one the text is most about.
    return max(regions, key=lambda r: weights[r.code])


def _consistent(name: str, region: Region | None) -> bool:
    """False when an organisation's name places it elsewhere (a mirror site's owner)."""
    if region is None:
        return True
    gaz = gazetteer()
    chain = {r.code for r in gaz.chain(region)}
    for mention in gaz.find_mentions(name):
        if not any(c in chain or gaz.is_within(c, region) for c in mention.codes):
            return False
    return True


def _complete(name: str, region: Region | None) -> str:
    """An organisation's full name: 市生态环境局鹿城分局 → 温州市生态环境局鹿城分局."""
    name = name.strip(_SPACE)
    if region is None:
        return name
    gaz = gazetteer()
    mentions = gaz.find_mentions(name)
    if mentions and mentions[0].start == 0 and mentions[0].full:
        return name
    if name[0] in "省市县区":
        for r in gaz.chain(region):
            if r.name.endswith(name[0]):
                return r.name + name[1:]
        return name
    if mentions and mentions[0].start == 0:
        return name  # starts with a short place name (鹿城区生态环境分局 is written in full)
    return region.name + name


@cache
def _bureau_labels() -> tuple[str, ...]:
    """Names of an ecology-environment bureau (…局, …厅) from the department vocabulary."""
    try:
        concept = vocabulary("department")["ecology_environment"]
    except KeyError:
        return ()
    return tuple(
        sorted((label for label in concept.labels if label.endswith(("局", "厅"))), key=len, reverse=True)
    )
