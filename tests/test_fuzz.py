"""Property-based tests: random text, numbering and bytes at the loaders and the extractor.

Whatever is thrown at them, the only exception that may come out is the
project's documented ``InputError``; what comes out otherwise is a Document
whose spans point into its text, and facts whose spans do too. The number of
examples is bounded so that the suite runs in CI in seconds.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from pathlib import Path

from documents import docx_bytes, pdf_bytes, plan_lines, plan_text
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from policykg.errors import InputError
from policykg.loaders.boilerplate import find_boilerplate
from policykg.loaders.document import Document
from policykg.loaders.extract import extract
from policykg.loaders.metadata import read_metadata
from policykg.loaders.read import read_document, to_simplified
from policykg.pipeline import process_file

FUZZ = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

# Words and marks of plans: numbering of every kind, campaign and pollutant names, units, cue words.
PLAN_PIECES = [
    *"一二三四五六七八九十是、（）()．.。；：:，, \n\n\r\t1234567890%①②③⑴⑵",
    "一、",
    "（一）",
    "1.",
    "（1）",
    "一是",
    "二是",
    "第一条",
    "附件",
    "2021年",
    "2018-2020年",
    "福州市",
    "鼓楼区",
    "全市",
    "我县",
    "蓝天保卫战",
    "藍天保衛戰",
    "碧水",
    "净土",
    "PM2.5",
    "VOCs",
    "挥发性有机物",
    "微克/立方米",
    "达到",
    "不高于",
    "控制在",
    "以下",
    "确保",
    "力争",
    "牵头",
    "配合",
    "市公安局",
    "市生态环境局",
    "排污许可",
    "工作要点",
    "工作总结",
    "发布时间：2021-07-26",
    "当前位置：首页 > ",
    "| ",
    "索引号",
]
plan_soup = st.lists(st.sampled_from(PLAN_PIECES), max_size=120).map("".join)
any_text = st.one_of(
    st.text(max_size=400), plan_soup, st.text(alphabet=st.characters(codec="utf-8"), max_size=200)
)

TAGS = [
    "p",
    "div",
    "span",
    "br",
    "table",
    "tr",
    "td",
    "h1",
    "ul",
    "li",
    "a",
    "script",
    "style",
    "nav",
    "footer",
]


@st.composite
def html_soup(draw) -> str:
    """Markup of random tags (closed, unclosed, nested) around plan words."""
    parts = ["<html><head><title>", draw(plan_soup), "</title></head><body>"]
    for _ in range(draw(st.integers(0, 30))):
        tag = draw(st.sampled_from(TAGS))
        attrs = draw(
            st.sampled_from(["", ' class="nav"', ' class="TRS_Editor"', ' id="footer"', ' href="/x"'])
        )
        parts.append(f"<{tag}{attrs}>{draw(plan_soup)}")
        if draw(st.booleans()):
            parts.append(f"</{tag}>")
    return "".join(parts)


def _read(tmp_path: Path, name: str, data: bytes) -> Document | None:
    path = tmp_path / name
    path.write_bytes(data)
    try:
        document = read_document(path)
    except InputError as error:
        assert error.path == path and error.problem and "\n" not in error.problem
        return None
    assert len(document.norm) == len(document.text)
    for span in document.ignored:
        assert 0 <= span.start <= span.end <= len(document.text)
    return document


def _check_facts(document: Document) -> None:
    facts = extract(document)
    spans = [s.span for s in facts.sections]
    spans += [f.span for f in (*facts.measures, *facts.targets, *facts.actors, *facts.instruments)]
    for span in spans:
        assert 0 <= span.start <= span.end <= len(document.text)


_PDF = pdf_bytes([plan_lines()[:4], plan_lines()[4:]])
_DOCX = docx_bytes(plan_lines(), table=[["指标", "目标"], ["PM2.5", "22微克/立方米"]])


@FUZZ
@given(
    data=st.binary(max_size=600),
    name=st.sampled_from(["a.txt", "a.html", "a.htm", "a.pdf", "a.docx", "a", "a.doc"]),
)
def test_random_bytes_under_any_name(tmp_path: Path, data: bytes, name: str) -> None:
    _read(tmp_path, name, data)


@FUZZ
@given(body=st.binary(max_size=600), version=st.sampled_from([b"1.4", b"1.7", b"2.0"]))
def test_random_bytes_that_claim_to_be_a_pdf(tmp_path: Path, body: bytes, version: bytes) -> None:
    _read(tmp_path, "claims.pdf", b"%PDF-" + version + b"\n" + body + b"\n%%EOF\n")


@FUZZ
@given(cuts=st.lists(st.tuples(st.integers(0, len(_PDF) - 1), st.binary(min_size=1, max_size=8)), max_size=6))
def test_damaged_pdf(tmp_path: Path, cuts: list[tuple[int, bytes]]) -> None:
    data = bytearray(_PDF)
    for at, junk in cuts:
        data[at : at + len(junk)] = junk
    _read(tmp_path, "damaged.pdf", bytes(data))


@FUZZ
@given(
    cuts=st.lists(st.tuples(st.integers(0, len(_DOCX) - 1), st.binary(min_size=1, max_size=8)), max_size=6),
    xml=st.one_of(st.none(), st.binary(max_size=300), plan_soup.map(lambda s: s.encode("utf-8"))),
)
def test_damaged_docx(tmp_path: Path, cuts: list[tuple[int, bytes]], xml: bytes | None) -> None:
    if xml is not None:  # a well-formed package whose document part is junk
        out = io.BytesIO()
        with zipfile.ZipFile(io.BytesIO(_DOCX)) as source, zipfile.ZipFile(out, "w") as target:
            for item in source.infolist():
                body = xml if item.filename == "word/document.xml" else source.read(item)
                target.writestr(item, body)
        data = bytearray(out.getvalue())
    else:
        data = bytearray(_DOCX)
    for at, junk in cuts:
        data[at % len(data) : at % len(data) + len(junk)] = junk
    _read(tmp_path, "damaged.docx", bytes(data))


@FUZZ
@given(markup=html_soup(), charset=st.sampled_from(["utf-8", "gb2312", "big5", "latin-1", "nonsense"]))
def test_random_markup(tmp_path: Path, markup: str, charset: str) -> None:
    page = markup.replace("<head>", f'<head><meta charset="{charset}">')
    document = _read(tmp_path, "page.html", page.encode("utf-8"))
    if document is not None:
        assert "<script" not in document.text and "<p>" not in document.text
        _check_facts(document)


@FUZZ
@given(text=any_text)
def test_extractor_on_random_text(text: str) -> None:
    # Straight to the extractor, past the reader's refusals: it must cope with any text.
    norm = to_simplified(text)
    ignored = find_boilerplate(norm)
    document = Document(
        text=text,
        source=Path("fuzz.txt"),
        checksum=hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest(),
        norm=norm,
        ignored=ignored,
        metadata=read_metadata(text, norm, ignored),
    )
    _check_facts(document)


@FUZZ
@given(
    text=plan_soup,
    where=st.integers(0, 8),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "gb18030", "big5"]),
)
def test_plans_with_random_numbering_go_through_the_whole_chain(
    tmp_path: Path, text: str, where: int, encoding: str
) -> None:
    lines = plan_text().splitlines()
    lines.insert(where, text)
    path = tmp_path / "plan.txt"
    path.write_bytes("\n".join(lines).encode(encoding, "replace"))
    try:
        graph = process_file(path)
    except InputError as error:
        assert error.path == path
        return
    assert graph.quads
