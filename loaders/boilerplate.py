"""Find web page furniture around a plan: spans to ignore, never text to delete.

Plans arrive as pages saved from bureau sites, reposts and mirrors: breadcrumbs
(当前位置:首页 > 信息公开 > ...), 扫一扫在手机上查看当前页面, 相关解读, lines of
浏览量/来源/发布时间, share bars, 打印本页/关闭窗口, footers (网站标识码, 备案号,
版权所有, 主办单位, 技术支持), the index table of government open-information
pages (索引号 | ... | 发布机构 | ...) and the page numbers of a PDF (— 3 —).
Each rule is about a *kind of line*, so it holds on pages it has never seen. The spans are offsets into the text given
(run it on ``Document.norm`` so that traditional-character pages match too).
Metadata is still read from these spans (发布时间, 发布机构, 主办): furniture is
not policy, but it says who published the page and when.

The cue phrases below are page furniture, not policy vocabulary, so they live
here rather than in ``ontology/vocab/``.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from functools import cache

from policykg.loaders.document import Span

# A line that starts with one of these is a breadcrumb trail.
BREADCRUMB_STARTS = (
    "当前位置",
    "您的位置",
    "你的位置",
    "您当前的位置",
    "您现在的位置",
    "当前页面位置",
    "位置：首页",
)
# Separators of a breadcrumb trail: 首页 > 信息公开 > 规划计划.
BREADCRUMB_SEPARATORS = (">", "＞", "»", "›", "→")

# Whole-phrase furniture: a line made only of these (and punctuation) is furniture;
# inside a longer line (a page flattened to one line) the phrase alone is.
FURNITURE_PHRASES = (
    "扫一扫在手机上查看当前页面",
    "扫一扫在手机打开当前页",
    "用手机扫描二维码",
    "手机扫一扫",
    "扫描二维码",
    "微信扫一扫",
    "相关解读",
    "相关链接",
    "相关文章",
    "相关阅读",
    "相关新闻",
    "相关稿件",
    "打印本页",
    "打印此页",
    "打印文章",
    "关闭窗口",
    "关闭本页",
    "返回顶部",
    "返回首页",
    "收藏本页",
    "加入收藏",
    "请输入以下评论内容",
    "发表评论",
    "我要评论",
    "网站地图",
    "友情链接",
    "联系我们",
    "分享到",
    "字体：大 中 小",
    "字号：大 中 小",
    "【打印】",
    "【关闭】",
    "[打印]",
    "[关闭]",
)
# A line consisting of these names only is a share bar.
SHARE_TARGETS = (
    "分享到",
    "分享",
    "微信",
    "微博",
    "新浪微博",
    "腾讯微博",
    "QQ空间",
    "QQ好友",
    "QQ",
    "人人网",
    "豆瓣",
    "朋友圈",
)
# Lines that start with one of these are links to the neighbouring articles.
NAVIGATION_STARTS = ("上一篇", "下一篇", "上一条", "下一条")

# Labels of the lines above and below an article: views, source, dates, authors.
META_LABELS = (
    "浏览量",
    "浏览次数",
    "浏览",
    "访问量",
    "阅读量",
    "阅读数",
    "阅读次数",
    "点击量",
    "点击数",
    "点击率",
    "来源",
    "信息来源",
    "文章来源",
    "稿件来源",
    "发布时间",
    "发布日期",
    "发文日期",
    "更新时间",
    "更新日期",
    "时间",
    "日期",
    "作者",
    "编辑",
    "责任编辑",
    "发布者",
    "发布人",
    "字号",
    "字体",
)
# Labels too common in plans to mark a line on their own: 时间 and 日期 need a
# full date after them, the others a second label on the same line.
GENERIC_META_LABELS = ("时间", "日期", "浏览", "作者", "编辑", "字号", "字体")
# Footer cues: a short line with one of these is the site's footer.
FOOTER_CUES = (
    "网站标识码",
    "备案号",
    "ICP备",
    "ICP证",
    "公网安备",
    "版权所有",
    "Copyright",
    "copyright",
    "©",
    "主办单位",
    "主办：",
    "主办:",
    "承办单位",
    "承办：",
    "承办:",
    "技术支持",
    "运维单位",
    "维护单位",
    "最佳浏览",
)
# Contact details of a footer: a short line with two or more of these.
CONTACT_LABELS = ("地址", "邮编", "邮政编码", "电话", "联系电话", "传真", "邮箱", "Email", "E-mail")
# Fields of the index table of a government open-information page (政府信息公开).
INDEX_FIELDS = (
    "索引号",
    "组配分类",
    "发布机构",
    "发文机关",
    "发布单位",
    "生成日期",
    "成文日期",
    "发布日期",
    "公开方式",
    "公开形式",
    "公开范围",
    "公开时限",
    "主题分类",
    "体裁分类",
    "信息分类",
    "文号",
    "发文字号",
    "有效性",
    "主题词",
    "所属机构",
    "信息名称",
)
# A line that is only a close button of a pop-up.
CLOSE_BUTTONS = ("X", "x", "×", "✕", "✖")
# Suffixes of the site name at the end of a browser title line (标题_栏目_福州市生态环境局).
SITE_NAME_ENDS = ("局", "厅", "委员会", "委", "办公室", "政府", "网", "网站", "门户", "分局", "中心", "部")

# Page numbers of a PDF or a printed page: — 3 —, - 3 -, 第3页 共10页, 第 3 页.
_PAGE_NUMBER = re.compile(
    r"[-—–－]{1,2}\s*\d{1,4}\s*[-—–－]{1,2}|第\s*\d{1,4}\s*页(?:\s*[,，/]?\s*共\s*\d{1,4}\s*页)?"
)

_SHORT_LINE = 120  # furniture lines are short; a paragraph of the plan is not furniture
_FOOTER_LINE = 240
_PUNCT = " \t\u3000\xa0|｜·•:：,，;；/、-—_()（）[]【】<>《》\"'“”‘’"
_FIELD_SEP = r"[:：|｜\s]"
_DATE = r"\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}"
_TABLE_EDGE = re.compile(r"^[ \t\u3000\xa0]*[|｜][ \t\u3000\xa0]*|[ \t\u3000\xa0]*[|｜]+[ \t\u3000\xa0]*$")


# Inside running text only the unmistakable phrases: 相关解读 or 联系我们 can be
# words of a plan.
_LONG_PHRASES = tuple((p, re.compile(re.escape(p))) for p in FURNITURE_PHRASES if len(p) >= 8)


def _lines(text: str):
    """(start, end) of every line, without its line break."""
    start = 0
    for match in re.finditer(r"\r\n|\n|\r", text):
        yield start, match.start()
        start = match.end()
    yield start, len(text)


@cache
def _label_pattern(labels: tuple[str, ...]) -> re.Pattern[str]:
    alternatives = "|".join(re.escape(label) for label in sorted(labels, key=len, reverse=True))
    return re.compile(rf"(?:^|(?<=[\s|｜【\[]))({alternatives}){_FIELD_SEP}*[:：|｜]")


def _labels_in(line: str, labels: tuple[str, ...]) -> list[str]:
    """The labels that stand as field names in the line (at its start or after a space, then : or |)."""
    return list(dict.fromkeys(m.group(1) for m in _label_pattern(labels).finditer(line)))


def _labelled(line: str, labels: tuple[str, ...]) -> int:
    """How many different labels stand as field names in the line."""
    return len(_labels_in(line, labels))


@cache
def _longest_first(words: tuple[str, ...]) -> list[str]:
    return sorted(words, key=len, reverse=True)


def _only(line: str, words: tuple[str, ...]) -> bool:
    """True when the line is made of these words and punctuation only (and has at least one)."""
    rest = line
    found = False
    for word in _longest_first(words):
        if word in rest:
            found = True
            rest = rest.replace(word, " ")
    return found and not rest.strip(_PUNCT)


def _line_kind(line: str) -> str | None:
    """The kind of furniture a whole line is, or None when it may be part of the plan."""
    stripped = line.strip(" \t\u3000\xa0")
    if not stripped:
        return None
    if stripped in CLOSE_BUTTONS:
        return "close_button"
    if _PAGE_NUMBER.fullmatch(stripped):
        return "page_number"
    if stripped.startswith(BREADCRUMB_STARTS):
        return "breadcrumb"
    short = len(stripped) <= _SHORT_LINE and "。" not in stripped
    if short and "首页" in stripped and sum(stripped.count(s) for s in BREADCRUMB_SEPARATORS) >= 1:
        return "breadcrumb"
    if _labelled(stripped, INDEX_FIELDS) >= 1 and (
        "|" in stripped or "｜" in stripped or _labelled(stripped, INDEX_FIELDS) >= 2 or short
    ):
        return "index_table"
    if not stripped.strip("|｜ \t\u3000\xa0"):
        return "index_table"  # a row of an emptied table: "| |"
    if _only(stripped, FURNITURE_PHRASES):
        return "phrase"
    if short and _only(stripped, SHARE_TARGETS):
        return "share_bar"
    if short and stripped.startswith(NAVIGATION_STARTS):
        return "navigation"
    if short and _is_meta_line(stripped):
        return "meta"
    if len(stripped) <= _FOOTER_LINE and "。" not in stripped:
        if any(cue in stripped for cue in FOOTER_CUES):
            return "footer"
        if _labelled(stripped, CONTACT_LABELS) >= 2:
            return "footer"
    if short and _is_browser_title(stripped):
        return "page_title"
    return None


def _is_meta_line(line: str) -> bool:
    """浏览量:595, 来源:生态环境局, 发布时间:2021-07-26 12:02 (several may share a line)."""
    labels = _labels_in(line, META_LABELS)
    if len(labels) >= 2:
        return True
    if not labels:
        return False
    if labels[0] not in GENERIC_META_LABELS:
        return True
    return bool(re.search(rf"{labels[0]}{_FIELD_SEP}*[:：|｜]\s*{_DATE}", line))


def _is_browser_title(line: str) -> bool:
    """标题_栏目_站点: the page's <title>, repeated above the article, ending with the site name."""
    parts = [p.strip() for p in re.split(r"_|\s[-|｜]\s", line) if p.strip()]
    return len(parts) >= 2 and parts[-1].endswith(SITE_NAME_ENDS) and len(parts[-1]) <= 30


def find_boilerplate(text: str) -> list[Span]:
    """Spans of page furniture in ``text``, sorted and not overlapping.

    Whole lines for furniture lines; inside a long line (a page flattened to one
    line), the furniture phrases and the table edges (`` |`` closing a cell) only.
    """
    spans: list[Span] = []
    for start, end in _lines(text):
        line = text[start:end]
        if _line_kind(line) is not None:
            spans.append(Span(start, end))
            continue
        for phrase, pattern in _LONG_PHRASES:
            if phrase in line:
                for match in pattern.finditer(line):
                    spans.append(Span(start + match.start(), start + match.end()))
        for match in _TABLE_EDGE.finditer(line):
            if match.end() > match.start():
                spans.append(Span(start + match.start(), start + match.end()))
    return _merge(spans)


def _merge(spans: list[Span]) -> list[Span]:
    out: list[Span] = []
    for span in sorted(spans, key=lambda s: (s.start, s.end)):
        if len(span) == 0:
            continue
        if out and span.start <= out[-1].end:
            if span.end > out[-1].end:
                out[-1] = Span(out[-1].start, span.end)
        else:
            out.append(span)
    return out


def content_end(text: str, ignored: list[Span]) -> int:
    """Where the document's content ends: before the furniture that runs to the end of the text."""
    end = len(text.rstrip())
    for span in sorted(ignored, key=lambda s: s.start, reverse=True):
        if span.start >= end:
            continue
        if text[span.end : end].strip():
            break  # the content ends after this span
        end = len(text[: span.start].rstrip())
    return end


class SpanSet:
    """Sorted, merged spans with fast membership: is a position (or a range) in furniture?"""

    def __init__(self, spans: list[Span]) -> None:
        self.spans = _merge(list(spans))
        self._starts = [s.start for s in self.spans]

    def __contains__(self, pos: int) -> bool:
        i = bisect_right(self._starts, pos) - 1
        return i >= 0 and pos < self.spans[i].end

    def overlaps(self, start: int, end: int) -> bool:
        """True when some span overlaps ``[start, end)`` (or, for an empty range, contains it)."""
        if end <= start:
            return start in self
        i = bisect_right(self._starts, end - 1) - 1
        return i >= 0 and self.spans[i].end > start
