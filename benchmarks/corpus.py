"""A scale corpus: N plans made from the sentences and numbered items of the bundled ones.

Each generated document is a plan (工作要点), a summary (工作总结) or a summary
with next year's plan (工作总结和工作计划) of a real place of the gazetteer
(a prefecture, county or district with its GB/T 2260 code) for a year between
2016 and 2025. Its parts and items are drawn from the bundled plans
(``policykg.config.bundled_corpus()``): items keep their own structure (一是,
1. …) but some sentences are swapped for sentences of other items; the places
of the source plan become the generated place (福州市 → 铁岭市, 福州 → 铁岭, 福建省
→ 辽宁省), its years move to the generated year, and every other figure is
varied (23微克/立方米 → 19微克/立方米, 90% → 96%), so that extraction finds
different targets, measures and actors in every document.

Generation is seeded and deterministic: document ``i`` depends only on the
seed and ``i``, so the first 1,000 documents of a 10,000-document corpus are
the 1,000-document corpus. Sizes follow the bundled plans (about 4,000 to
10,000 characters, 10 to 30 KB).
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from policykg.config import bundled_corpus
from policykg.loaders.document import Region
from policykg.loaders.gazetteer import gazetteer, short_name
from policykg.loaders.read import read_document
from policykg.loaders.sections import parse_sections

FIRST_YEAR, LAST_YEAR = 2016, 2025
CN_NUMERALS = "一二三四五六七八九十"

# A template is literal text with holes: ("year", offset from the source's
# year), ("num", figure as written, followed by %), ("place", which place, full name?).
Segment = str | tuple


@dataclass(frozen=True, slots=True)
class GeneratedDocument:
    """One generated file and what it was generated as."""

    path: Path
    region: Region
    title_place: str  # the place as the title names it (温州市鹿城区)
    years: tuple[int, ...]
    doc_type: str  # work_plan | work_summary | summary_and_plan
    chars: int
    size: int  # bytes (UTF-8)


@dataclass(slots=True)
class _Item:
    segments: list[Segment]
    sentences: list[list[Segment]]  # the item cut at 。 (first one: its heading)
    modality: str  # plan | summary


@dataclass(slots=True)
class _Part:
    heading: list[Segment]
    intro: list[Segment]


@dataclass(slots=True)
class _Pool:
    items: dict[str, list[_Item]] = field(default_factory=lambda: {"plan": [], "summary": []})
    parts: list[_Part] = field(default_factory=list)
    openings: list[list[Segment]] = field(default_factory=list)
    sentences: list[list[Segment]] = field(default_factory=list)  # plain sentences, to swap in
    sizes: list[int] = field(default_factory=list)  # characters of each bundled plan


_NUMBER = re.compile(
    r"(?P<date>(?P<dyear>(?:19|20)\d{2})(?P<drest>[-/.]\d{1,2}[-/.]\d{1,2}(?:[ \t]+\d{1,2}:\d{2}(?::\d{2})?)?))"
    r"|(?P<year>(?<![\d.])(?:19|20)\d{2}(?=[ \t]*(?:年|[-—–~～至到][ \t]*(?:19|20)\d{2}[ \t]*年)))"
    r"|(?P<keep>(?<=[A-Za-z])\d+(?:\.\d+)?|\d+(?:\.\d+)?(?=[A-Za-z])|(?:(?<=^)|(?<=[\s（(]))\d{1,2}(?=[.．、)）]))"
    r"|(?P<num>(?<![\d.])\d+(?:\.\d+)?(?![\d.]))",
    re.M,
)


def _place_names(region: Region) -> dict[str, tuple[str, bool]]:
    """Names of a source plan's places → (role, full): self, prefecture, province."""
    gaz = gazetteer()
    names: dict[str, tuple[str, bool]] = {}
    for place in gaz.chain(region):
        role = "self" if place is region else ("province" if place.level == "province" else "prefecture")
        names[place.name] = (role, True)
        short = short_name(place.name)
        if short:
            names.setdefault(short, (role, False))
    return names


def _template(text: str, region: Region, base_year: int) -> list[Segment]:
    """``text`` as literal pieces and holes for places, years and figures."""
    names = _place_names(region)
    places = re.compile("|".join(re.escape(n) for n in sorted(names, key=len, reverse=True)))
    out: list[Segment] = []
    pos = 0
    for m in places.finditer(text):
        out.extend(_numbers(text[pos : m.start()], base_year))
        out.append(("place", *names[m.group(0)]))
        pos = m.end()
    out.extend(_numbers(text[pos:], base_year))
    return out


def _numbers(text: str, base_year: int) -> list[Segment]:
    out: list[Segment] = []
    pos = 0
    for m in _NUMBER.finditer(text):
        if m.group("keep"):
            continue
        out.append(text[pos : m.start()])
        if m.group("date"):
            out.append(("year", int(m.group("dyear")) - base_year))
            out.append(m.group("drest"))
        elif m.group("year"):
            out.append(("year", int(m.group("year")) - base_year))
        else:
            out.append(("num", m.group("num"), text[m.end() : m.end() + 1] == "%"))
        pos = m.end()
    out.append(text[pos:])
    return [s for s in out if s != ""]


def _split_sentences(segments: list[Segment]) -> list[list[Segment]]:
    """Cut a template after each 。 (holes never hold one)."""
    out: list[list[Segment]] = [[]]
    for seg in segments:
        if isinstance(seg, str) and "。" in seg:
            pieces = seg.split("。")
            for piece in pieces[:-1]:
                out[-1].append(piece + "。")
                out.append([])
            if pieces[-1]:
                out[-1].append(pieces[-1])
        else:
            out[-1].append(seg)
    return [s for s in out if s]


def _plain(sentence: list[Segment]) -> bool:
    """A sentence that can stand anywhere: one line, not opening with a number."""
    text = "".join(s for s in sentence if isinstance(s, str))
    return "\n" not in text and "\r" not in text and not re.match(r"\s*[（(①-⑳\d一二三四五六七八九十]", text)


@cache
def _pool() -> _Pool:
    """The parts, items, openings and sentences of the bundled plans, as templates."""
    pool = _Pool()
    for path in bundled_corpus():
        doc = read_document(path)
        meta = doc.metadata
        if meta.region is None or not meta.years:
            continue
        base = min(meta.years)
        default = "summary" if meta.doc_type == "work_summary" else "plan"
        text = doc.text
        sections = parse_sections(doc)
        pool.sizes.append(len(text))
        children = {s.parent for s in sections if s.parent is not None}
        first = sections[0].span.start if sections else len(text)
        opening = [
            p.strip() for p in re.split(r"\n\s*\n|\n", text[:first]) if "。" in p and len(p.strip()) > 40
        ]
        if opening:
            pool.openings.append(_template(opening[-1], meta.region, base))
        for s in sections:
            body = text[s.span.start + len(s.number) : s.span.end].strip(" \t\u3000\xa0\n\r")
            if s.level == 1 and s.index in children:
                if s.heading is None or s.modality is not None:
                    continue  # the 2022年工作总结 parts are made anew
                kids = [c for c in sections if c.parent == s.index]
                intro = text[s.heading.end : kids[0].span.start].strip(" \t\u3000\xa0\n\r") if kids else ""
                heading = text[s.heading.start : s.heading.end]
                pool.parts.append(
                    _Part(_template(heading, meta.region, base), _template(intro, meta.region, base))
                )
                continue
            if s.level > 2 or len(body) < 40:
                continue
            segments = _template(body, meta.region, base)
            sentences = _split_sentences(segments)
            item = _Item(segments, sentences, s.modality or default)
            pool.items[item.modality].append(item)
            pool.sentences.extend(x for x in sentences[1:] if _plain(x))
    return pool


@cache
def _places() -> tuple[Region, ...]:
    """The places a plan can be for: prefectures, counties and districts."""
    return tuple(r for r in gazetteer().regions.values() if r.level != "province")


def _title_place(region: Region) -> str:
    """How a title names the place: a county or district with its prefecture (or municipality)."""
    if region.level == "prefecture":
        return region.name
    parent = gazetteer().parent(region)
    return f"{parent.name}{region.name}" if parent else region.name


class _Writer:
    def __init__(self, rng: random.Random, region: Region, year: int) -> None:
        self.rng = rng
        self.year = year
        gaz = gazetteer()
        chain = gaz.chain(region)
        province = chain[-1]
        prefecture = next((r for r in chain if r.level == "prefecture"), region)
        self.places = {"self": region, "prefecture": prefecture, "province": province}

    def render(self, segments: list[Segment], year: int | None = None) -> str:
        year = self.year if year is None else year
        out: list[str] = []
        for seg in segments:
            if isinstance(seg, str):
                out.append(seg)
            elif seg[0] == "year":
                out.append(str(year + seg[1]))
            elif seg[0] == "num":
                out.append(self.vary(seg[1], seg[2]))
            else:
                place = self.places[seg[1]]
                out.append(place.name if seg[2] else (short_name(place.name) or place.name))
        return "".join(out)

    def vary(self, figure: str, percent: bool) -> str:
        decimals = len(figure.partition(".")[2])
        value = float(figure)
        if value == 0:
            return figure
        new = value * self.rng.uniform(0.6, 1.4)
        if percent and value <= 100:
            new = min(new, 100.0)
        if decimals == 0:
            return str(max(1, round(new)))
        return f"{max(new, 10**-decimals):.{decimals}f}"

    def item(self, item: _Item, pool: _Pool, year: int) -> str:
        """An item with some of its body sentences swapped for others'."""
        sentences = list(item.sentences)
        for i in range(1, len(sentences)):
            if _plain(sentences[i]) and self.rng.random() < 0.3:
                sentences[i] = self.rng.choice(pool.sentences)
        return "".join(self.render(s, year) for s in sentences).strip()


def _numbering(style: int, kind: str, n: int) -> str:
    numeral = _cn(n)
    if kind == "part":
        return f"{numeral}、"
    return f"（{numeral}）" if style == 0 else f"({numeral})"


def _cn(n: int) -> str:
    if n <= 10:
        return CN_NUMERALS[n - 1]
    if n < 20:
        return "十" + CN_NUMERALS[n - 11]
    tens, units = divmod(n, 10)
    return CN_NUMERALS[tens - 1] + "十" + (CN_NUMERALS[units - 1] if units else "")


def generate_document(seed: int, index: int) -> tuple[str, Region, str, tuple[int, ...], str]:
    """The text of document ``index`` of the corpus of ``seed``: (text, region, title place, years, doc_type)."""
    pool = _pool()
    rng = random.Random(f"policykg-scale-{seed}-{index}")
    region = rng.choice(_places())
    year = rng.randint(FIRST_YEAR + 1, LAST_YEAR)
    kind = rng.choices(["work_plan", "summary_and_plan", "work_summary"], weights=[6, 3, 1])[0]
    writer = _Writer(rng, region, year)
    place = _title_place(region)
    bureau = f"{region.name}生态环境局" if region.level == "prefecture" else f"{place}生态环境分局"
    if kind == "work_plan":
        title, years = f"{year}年{place}生态环境保护工作要点", (year,)
    elif kind == "work_summary":
        title, years = f"{place}{year}年生态环境保护工作总结", (year,)
    else:
        title, years = f"{bureau}{year - 1}年工作总结和{year}年工作计划", (year - 1, year)
    month, day = rng.randint(1, 12), rng.randint(1, 28)
    date = f"{year if kind == 'work_plan' else year + 1}-{month:02d}-{day:02d}"
    lines: list[str] = []
    furniture = rng.randrange(3)
    if furniture == 0:
        lines += [
            "当前位置:首页 > 信息公开 > 规划计划 > ",
            "",
            title,
            "",
            f"来源:{bureau}   发布时间:{date} 10:02",
            "",
        ]
    elif furniture == 1:
        lines += [
            f"{title}_年度计划_{bureau}",
            title,
            f"时间:{date} 09:35 浏览量:{rng.randint(50, 3000)}",
            "",
        ]
    else:
        lines += [title, ""]
    target = int(rng.choice(pool.sizes) * rng.uniform(0.7, 1.05))
    style = rng.randrange(2)
    body: list[str] = []
    if kind != "summary_and_plan":
        body.append("  " + writer.render(rng.choice(pool.openings)))
        body.append("")
        modality = "summary" if kind == "work_summary" else "plan"
        part_no = 0
        while part_no < 3 or (sum(map(len, body)) < target and part_no < 12):
            part_no += 1
            part = rng.choice(pool.parts)
            body.append(f"{_numbering(style, 'part', part_no)}{writer.render(part.heading)}")
            if part.intro and rng.random() < 0.5:
                body.append(writer.render(part.intro))
            for n in range(1, rng.randint(2, 5) + 1):
                item = rng.choice(pool.items[modality] or pool.items["plan"])
                body.append(f"{_numbering(style, 'item', n)}{writer.item(item, pool, year)}")
            body.append("")
    else:
        for part_no, (modality, y, words) in enumerate(
            [("summary", year - 1, "工作总结"), ("plan", year, "工作计划")], start=1
        ):
            body.append(f"{_numbering(style, 'part', part_no)}{y}年{words}")
            share = target * (0.6 if modality == "summary" else 0.4)
            n, size = 0, 0
            while n < 2 or (size < share and n < 20):
                n += 1
                item = writer.item(rng.choice(pool.items[modality] or pool.items["plan"]), pool, y)
                body.append(f"{_numbering(style, 'item', n)}{item}")
                size += len(item)
            body.append("")
    if furniture != 1:
        body += [bureau, date.replace("-", "年", 1).replace("-", "月", 1) + "日"]
    text = "\n".join(lines + body) + "\n"
    return text, region, place, years, kind


def generate(out: Path, count: int, seed: int = 1) -> list[GeneratedDocument]:
    """Write ``count`` generated plans into the folder ``out`` (created); return what each is."""
    out.mkdir(parents=True, exist_ok=True)
    docs: list[GeneratedDocument] = []
    for i in range(count):
        text, region, place, years, kind = generate_document(seed, i)
        path = out / f"gen-{seed}-{i:05d}.txt"
        data = text.encode("utf-8")
        path.write_bytes(data)
        docs.append(GeneratedDocument(path, region, place, years, kind, len(text), len(data)))
    return docs
