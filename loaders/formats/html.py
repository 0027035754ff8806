"""Web pages saved from bureau sites: the article, its title and its date; no site furniture.

The article body comes from ``trafilatura``, which is made for exactly this:
it scores the blocks of a page and keeps the main text, dropping navigation,
share bars, related links, pagers and footers. Its text, with the title as
the first line, is ``Document.text``. Where it finds no article (a page laid
out in tables, a very short page), the page's visible text is taken instead,
without its scripts, styles, navigation, headers, footers and forms; the
furniture lines left in it are marked by ``loaders.boilerplate`` as usual.

The page says what it is in the meta tags Chinese government sites carry
(``ArticleTitle``, ``PubDate``, by the national site specification), in
Open Graph tags, in ``<h1>`` and ``<title>``; the address in
``<link rel=canonical>``, ``og:url`` or the ``saved from url`` comment that
browsers write. The charset is the one the page declares (GB2312 read as
GB18030, which contains it), else detected as for plain text.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import lxml.etree
import lxml.html
import trafilatura

from policykg.errors import InputError
from policykg.loaders.formats import Page
from policykg.loaders.formats.text import checked, decode, t2s

_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.IGNORECASE)
# Declared charsets read with the encoding that contains them (pages declare
# gb2312 and use GBK characters).
_CHARSET_ALIASES = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "gb_2312-80": "gb18030",
    "cp936": "gb18030",
    "gb18030": "gb18030",
    "big5": "big5hkscs",
    "x-x-big5": "big5hkscs",
    "big5-hkscs": "big5hkscs",
    "cp950": "cp950",
    "utf-8": "utf-8",
    "utf8": "utf-8",
}
_SAVED_FROM = re.compile(r"<!--\s*saved from url=\(\d+\)(\S+?)\s*-->", re.IGNORECASE)
_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})")
_TITLE_META = ("ArticleTitle", "og:title", "twitter:title", "dc.title")
_DATE_META = (
    "PubDate",
    "pubdate",
    "publishdate",
    "article:published_time",
    "dcterms.issued",
    "dc.date",
    "firstpublishedtime",
)
_URL_META = ("og:url", "Url")
# Elements that are never article text, and class/id words of the blocks around an article.
_NOT_TEXT = ("script", "style", "noscript", "template", "head", "nav", "header", "footer", "aside", "form")
_FURNITURE_CLASS = re.compile(
    r"nav|menu|foot|header|share|bdshare|breadcrumb|crumb|location|position|related|xgwz|pager|"
    r"print|copyright|sidebar|toolbar|login|search|banner",
    re.IGNORECASE,
)
_BLOCKS = (
    "p",
    "div",
    "br",
    "li",
    "tr",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "table",
    "ul",
    "ol",
    "dl",
    "dt",
    "dd",
    "section",
    "article",
    "blockquote",
    "pre",
    "center",
    "td",
    "th",
)
_SPACE = re.compile(r"[ \t\u3000\xa0]+")


def read_html(path: Path, data: bytes) -> Page:
    """A saved web page: its title, date, address and article text."""
    markup, encoding = _decode(path, data)
    try:
        tree = lxml.html.document_fromstring(markup.encode("utf-8"), parser=_parser())
    except (lxml.etree.ParserError, ValueError) as exc:
        raise InputError(path, f"not a readable web page ({exc})") from None
    title = _title(tree)
    published = _published(tree) or _labelled_date(t2s().convert(tree.text_content()))
    url = _url(tree, markup)
    body = _article(markup) or _visible_text(tree)
    lines = [line for line in (_SPACE.sub(" ", raw).strip() for raw in body.splitlines()) if line]
    if not lines:
        raise InputError(path, "no text in the page (an empty page, or one whose text a script loads)")
    if title and lines[0].replace(" ", "") != title.replace(" ", ""):
        lines.insert(0, title)
    return Page(
        text=checked("\n".join(lines) + "\n", path),
        encoding=encoding,
        format="html",
        title=title,
        published=published,
        url=url,
    )


def _parser() -> lxml.html.HTMLParser:
    return lxml.html.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True)


def _decode(path: Path, data: bytes) -> tuple[str, str]:
    """The page's markup as text: in its declared charset when that reads, else detected."""
    declared = _CHARSET.search(data[:4096])
    if declared:
        name = declared.group(1).decode("ascii", "replace").lower()
        encoding = _CHARSET_ALIASES.get(name)
        if encoding:
            try:
                return data.decode(encoding).lstrip("\ufeff"), encoding
            except UnicodeDecodeError:
                pass  # declared wrongly, as pages often are: detect instead
    return decode(data, path)


def _article(markup: str) -> str:
    """The article text trafilatura finds, or '' when it finds none or only a layout table.

    A page laid out in one big table comes back as table rows (``| … |``) with
    the line breaks of its cells lost: the visible text keeps them.
    """
    try:
        text = trafilatura.extract(
            markup,
            include_comments=False,
            include_tables=True,
            include_images=False,
            include_links=False,
            deduplicate=False,
            fast=True,  # no second opinion from readability/jusText: the visible text is ours
        )
    except Exception:  # a parser failing on a strange page: fall back to the visible text
        return ""
    lines = [line for line in (text or "").splitlines() if line.strip()]
    if sum(1 for line in lines if line.lstrip().startswith("|")) * 2 > len(lines):
        return ""
    return text or ""


def _visible_text(tree: lxml.html.HtmlElement) -> str:
    """The text a reader sees, one block a line, without scripts, navigation, headers and footers.

    Navigation is recognised by its markup (``<nav>``, class or id words such as
    ``nav``, ``footer``, ``share``) or by its link density: a block whose text is
    mostly link text and has no full sentence is a menu or a list of links.
    """
    body = tree.find("body")
    root = body if body is not None else tree
    for element in list(root.iter(*_NOT_TEXT)):
        _drop(element)
    furniture = [
        element
        for element in root.iter()
        if isinstance(element.tag, str) and element is not root and (_marked(element) or _link_dense(element))
    ]
    for element in furniture:
        _drop(element)
    for element in root.iter(*_BLOCKS):
        element.tail = ("\n" if element.tag not in ("td", "th") else " ") + (element.tail or "")
    return root.text_content()


def _marked(element: lxml.html.HtmlElement) -> bool:
    """Class or id words of site furniture (nav, footer, share, breadcrumb …)."""
    words = f"{element.get('class', '')} {element.get('id', '')}"
    return bool(words.strip()) and bool(_FURNITURE_CLASS.search(words))


def _link_dense(element: lxml.html.HtmlElement) -> bool:
    """Mostly link text and no sentence: a menu, a pager, a list of related articles."""
    if element.tag not in ("div", "ul", "ol", "li", "td", "tr", "table", "p", "span", "dl"):
        return False
    text = "".join(element.text_content().split())
    if len(text) < 2 or "。" in text:
        return False
    linked = sum(len("".join(a.text_content().split())) for a in element.iter("a"))
    return linked >= 0.6 * len(text)


def _drop(element: lxml.html.HtmlElement) -> None:
    if element.getparent() is not None:
        element.drop_tree()


def _text_of(element: lxml.html.HtmlElement) -> str:
    """An element's text without what its scripts and styles hold (an unclosed <script> runs to the end)."""
    copy = lxml.html.fromstring(lxml.html.tostring(element))
    for inner in list(copy.iter("script", "style", "noscript", "template")):
        _drop(inner)
    return copy.text_content()


def _meta(tree: lxml.html.HtmlElement, names: tuple[str, ...]) -> str | None:
    wanted = {n.lower() for n in names}
    for meta in tree.iter("meta"):
        name = (meta.get("name") or meta.get("property") or "").strip().lower()
        content = (meta.get("content") or "").strip()
        if name in wanted and content:
            return content
    return None


def _title(tree: lxml.html.HtmlElement) -> str | None:
    """ArticleTitle, og:title, the first <h1>, or the first part of <title> (标题_栏目_站点)."""
    candidates = [_meta(tree, _TITLE_META)]
    h1 = tree.find(".//h1")
    if h1 is not None:
        candidates.append(_text_of(h1))
    head_title = tree.find(".//title")
    if head_title is not None and head_title.text:
        candidates.append(re.split(r"_|\s[-|｜]\s", head_title.text.strip())[0])
    for candidate in candidates:
        if candidate and (clean := _SPACE.sub(" ", candidate).strip()):
            return clean[:300]
    return None


def _published(tree: lxml.html.HtmlElement) -> str | None:
    """The publication date the page's meta tags give, as an ISO date."""
    value = _meta(tree, _DATE_META)
    if not value or not (m := _DATE.search(value)):
        return None
    try:
        date = dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None
    return date.isoformat() if 1949 <= date.year <= dt.date.today().year + 1 else None


def _labelled_date(text: str) -> str | None:
    """The date after a 发布时间/发布日期 … label in the (simplified) page text: trafilatura leaves that line out."""
    from policykg.loaders.metadata import DATE_FIELDS

    labels = "|".join(sorted(DATE_FIELDS, key=len, reverse=True))
    for m in re.finditer(rf"(?:{labels})\s*[:：]\s*{_DATE.pattern}", text):
        try:
            date = dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            continue
        if 1949 <= date.year <= dt.date.today().year + 1:
            return date.isoformat()
    return None


def _url(tree: lxml.html.HtmlElement, markup: str) -> str | None:
    from policykg.loaders.read import is_web_address

    candidates = [
        link.get("href") for link in tree.iter("link") if (link.get("rel") or "").lower() == "canonical"
    ]
    candidates.append(_meta(tree, _URL_META))
    if m := _SAVED_FROM.search(markup[:4096]):
        candidates.append(m.group(1))
    for candidate in candidates:
        if candidate and is_web_address(candidate.strip()):
            return candidate.strip()
    return None
