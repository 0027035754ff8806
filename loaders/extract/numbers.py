"""Numbers as Chinese plans write them: 1.6, 2.5%, 3万, 1200万元, 一百, 两, 百分之九十, 2-3个.

This module is grammar only: how digits, Chinese numerals, magnitudes (万, 亿)
and ranges are written. Which words are units is the unit vocabulary's
business (``ontology/vocab/unit.ttl``): :func:`find_quantities` reads the unit
that follows a number with the vocabulary matcher and returns it as written,
with the unit's notation when the vocabulary has it.

A magnitude written after an Arabic number stays with the unit, as the plans
mean it: ``1200万元`` is 1200 of the unit 万元, ``1.3万吨/日`` is 1.3 of 万吨/日.
A Chinese numeral is read whole: ``三千五百`` is 3500.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, replace

from policykg.loaders.extract.matcher import VocabMatcher, matcher

_CN_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_CN_SMALL = {"十": 10, "百": 100, "千": 1000}
_CN_LARGE = {"万": 10_000, "亿": 100_000_000}
_FULLWIDTH = str.maketrans("０１２３４５６７８９．％，", "0123456789.%,")

# A Chinese numeral starts with a digit or 十 (a bare 万 or 千 is a word: 万元GDP, 千人以上).
_CN = "[零〇一二两三四五六七八九十][零〇一二两三四五六七八九十百千万亿]*"
_AR = r"[0-9０-９]+(?:[,，][0-9０-９]{3})*(?:[.．][0-9０-９]+)?"
_DASH = "[-—–~～至到]"
NUMBER_RE = re.compile(
    rf"(?P<pct_cn>百分之(?P<pct_body>{_CN}(?:点[零〇一二三四五六七八九]+)?|{_AR}))"
    r"|(?P<pct_full>百分百)"
    rf"|(?P<ar>(?<![0-9０-９.．]){_AR})(?:{_DASH}(?P<ar_high>{_AR}))?"
    rf"|(?P<cn>{_CN})(?:{_DASH}(?P<cn_high>{_CN}))?"
)
# Every character a NUMBER_RE match can begin with: re tries each of its branches
# at every position; matching only where these stand is the same search (a
# match is never empty), about twice as quick.
_NUMBER_FIRST = re.compile("[百0-9０-９零〇一二两三四五六七八九十]")
_MAGNITUDE = frozenset("万亿千")
_CLASSIFIER = "个"
_LIST_JOINS = frozenset("、和及与")
_BLANKS = frozenset(" \u3000\xa0\t")


def parse_chinese(text: str) -> float | None:
    """Value of a Chinese numeral (一百 → 100, 两 → 2, 三千五百 → 3500, 三百零五 → 305; 一二 → None)."""
    if not text:
        return None
    total = 0  # finished 亿 groups
    wan = 0  # finished 万 group below the current 亿
    section = 0  # below the current 万
    digit: int | None = None
    last_small = 10_000  # the last 十/百/千 seen in this section: they must fall
    zero = False  # a 零 skips a place: 三百零五 is 305, not 350
    for ch in text:
        if ch in ("零", "〇"):
            if digit:  # 一〇: digits spelled one by one are not a numeral
                return None
            digit, zero = None, True
            continue
        if ch in _CN_DIGITS:
            if digit is not None:
                return None
            digit = _CN_DIGITS[ch]
        elif ch in _CN_SMALL:
            unit = _CN_SMALL[ch]
            if unit >= last_small:
                return None
            section += (1 if digit is None else digit) * unit
            digit, last_small, zero = None, unit, False
        elif ch == "万":
            wan = (section + (digit or 0)) * 10_000
            if wan == 0:
                return None
            section, digit, last_small, zero = 0, None, 10_000, False
        elif ch == "亿":
            total = (total + wan + section + (digit or 0)) * 100_000_000
            if total == 0:
                return None
            wan, section, digit, last_small, zero = 0, 0, None, 10_000, False
        else:
            return None
    if digit is not None:
        # 三百五 = 350: a digit right after 百/千 is the next place down.
        section += digit * (last_small // 10 if 100 <= last_small < 10_000 and not zero else 1)
    return float(total + wan + section)


def parse_arabic(text: str) -> float | None:
    """Value of an Arabic number as written (1,234.5 → 1234.5; full-width digits too)."""
    try:
        return float(text.translate(_FULLWIDTH).replace(",", ""))
    except ValueError:
        return None


def parse_number(text: str) -> float | None:
    """Value of one number as written: Arabic, Chinese, 百分之九十 (→ 90) or 百分百 (→ 100)."""
    text = text.strip()
    if text == "百分百":
        return 100.0
    if text.startswith("百分之"):
        return parse_number(text[3:])
    if "点" in text:  # 三点五
        whole, _, frac = text.partition("点")
        w = parse_chinese(whole)
        digits = [_CN_DIGITS.get(c) for c in frac]
        if w is None or not digits or None in digits:
            return None
        return float(f"{int(w)}.{''.join(str(d) for d in digits)}")
    value = parse_arabic(text)
    return value if value is not None else parse_chinese(text)


@dataclass(frozen=True, slots=True)
class Quantity:
    """A number and the unit written after it, with offsets into the searched text."""

    start: int  # first character of the number
    num_end: int  # end of the number (and of the range, if any)
    end: int  # end of the unit (== num_end when there is none)
    value: float
    high: float | None  # upper bound of a range (2-3个 → 2, high 3)
    unit_text: str | None  # as written: "万元", "%", "个"
    unit: str | None  # notation of the unit vocabulary, else the unit as written
    chinese: bool  # written in Chinese numerals
    approx: str | None = None  # 余/多 written between number and unit (2600余个)

    @property
    def text_span(self) -> tuple[int, int]:
        return self.start, self.end


def unit_matcher() -> VocabMatcher:
    """The matcher of unit spellings (``ontology/vocab/unit.ttl``)."""
    return matcher("unit")


def unit_code(label: str) -> str | None:
    """Notation of the unit concept spelled ``label``, or None."""
    found = unit_matcher().find(label)
    if len(found) == 1 and found[0].start == 0 and found[0].end == len(label):
        return found[0].code
    return None


def read_unit(text: str, pos: int, end: int | None = None) -> tuple[str | None, str | None, int]:
    """The unit written at ``text[pos:]``: (as written, notation or None, end).

    A magnitude 万/亿 before a unit goes with it (万元, 万吨/日); the longest
    spelling the vocabulary knows wins, and a magnitude with a unit the
    vocabulary only knows bare (万份) is returned as written, without notation.
    """
    end = len(text) if end is None else end
    if pos >= end:
        return None, None, pos
    units = unit_matcher()
    window = text[pos : min(end, pos + 12)]
    hit = units.find(window)
    if hit and hit[0].start == 0:
        label, code, stop = hit[0].label, hit[0].code, hit[0].end
        # 个 is the general classifier: before a unit noun the unit is the noun (43个工作日)
        if label == _CLASSIFIER and len(hit) > 1 and hit[1].start == stop:
            label, code, stop = window[: hit[1].end], hit[1].code, hit[1].end
        # a rate: 万吨/日, 吨/年 — the whole spelling if the vocabulary has it, else as written
        if stop + 1 < len(window) and window[stop] == "/" and not window[stop + 1].isascii():
            rate = window[: stop + 2]
            return rate, unit_code(rate), pos + stop + 2
        return label, code, pos + stop
    if window[:1] in _MAGNITUDE and len(window) > 1:
        rest = units.find(window, 1)
        if rest and rest[0].start == 1:
            stop = rest[0].end
            if stop + 1 < len(window) and window[stop] == "/" and not window[stop + 1].isascii():
                stop += 2
            return window[:stop], unit_code(window[:stop]), pos + stop
    if window[:1] in _MAGNITUDE:
        # A bare magnitude (投入2.35亿, 1000余万) is read by the caller from context.
        return window[:1], None, pos + 1
    return None, None, pos


def _numbers(text: str, start: int, end: int) -> Iterator[re.Match[str]]:
    """``NUMBER_RE.finditer(text, start, end)``, tried only where a number can begin."""
    pos = start
    while (first := _NUMBER_FIRST.search(text, pos, end)) is not None:
        m = NUMBER_RE.match(text, first.start(), end)
        if m is None:
            pos = first.start() + 1
        else:
            yield m
            pos = m.end()


def find_quantities(text: str, start: int = 0, end: int | None = None) -> list[Quantity]:
    """Every number in ``text[start:end]`` with the unit after it (unit may be None)."""
    end = len(text) if end is None else end
    out: list[Quantity] = []
    for m in _numbers(text, start, end):
        high: float | None = None
        chinese = False
        if m.group("pct_cn") or m.group("pct_full"):
            value = parse_number(m.group(0))
            if value is None:
                continue
            percent = unit_code("%") or "%"
            out.append(Quantity(m.start(), m.end(), m.end(), value, None, "%", percent, chinese=False))
            continue
        if m.group("ar"):
            value = parse_arabic(m.group("ar"))
            if m.group("ar_high"):
                high = parse_arabic(m.group("ar_high"))
        else:
            chinese = True
            value = parse_chinese(m.group("cn"))
            if m.group("cn_high"):
                high = parse_chinese(m.group("cn_high"))
        if value is None:
            continue
        num_end = m.end()
        pos, approx = num_end, None
        while pos < end and text[pos] in _BLANKS:  # 37 微克/立方米: text converted from PDF
            pos += 1
        if pos < end and text[pos] in "余多":
            approx, pos = text[pos], pos + 1
        unit_text, unit, unit_end = read_unit(text, pos, end)
        if unit_text is None:
            unit_end = num_end
        if unit_text is not None and unit is None and unit_text not in _MAGNITUDE:
            unit = unit_text
        out.append(Quantity(m.start(), num_end, unit_end, value, high, unit_text, unit, chinese, approx))
    return _share_units(text, out)


def _share_units(text: str, found: list[Quantity]) -> list[Quantity]:
    """分别为47、55和55微克/立方米: numbers listed before the last one take its unit."""
    for i in range(len(found) - 2, -1, -1):
        q, nxt = found[i], found[i + 1]
        if q.unit_text is None and nxt.unit is not None and not q.chinese and not nxt.chinese:
            between = text[q.num_end : nxt.start].strip()
            if len(between) == 1 and between in _LIST_JOINS:
                found[i] = replace(q, unit_text=nxt.unit_text, unit=nxt.unit)
    return found
