"""Every format a researcher brings: saved web pages, PDF, Word, GBK and Big5 text, folders, manifests."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import opencc
import pytest
from documents import (
    ARTICLE_SENTENCES,
    PAGE_FURNITURE,
    docx_bytes,
    encrypted_pdf,
    html_page,
    pdf_bytes,
    plan_lines,
    plan_text,
    write,
)

from policykg.graph import iris
from policykg.graph.store import Store
from policykg.loaders.read import read_document
from policykg.pipeline import build, gather

to_traditional = opencc.OpenCC("s2tw").convert


def _lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip()]


# -- web pages -------------------------------------------------------------------------------


def test_saved_page_keeps_the_article_title_and_date_and_drops_the_site(tmp_path: Path) -> None:
    # Declared gb2312, written in GBK bytes, as the bureau sites serve them.
    path = write(tmp_path / "1234.html", html_page(charset="gb2312"), "gbk")
    document = read_document(path)
    assert document.encoding == "gb18030"
    lines = _lines(document.text)
    assert lines[0] == "2022年漳州市生态环境保护工作要点"
    assert lines[1 : 1 + len(ARTICLE_SENTENCES)] == ARTICLE_SENTENCES
    for word in PAGE_FURNITURE:
        assert word not in document.text, word
    meta = document.metadata
    assert meta.title == "2022年漳州市生态环境保护工作要点"
    assert meta.published == "2022-03-15"
    assert meta.url == "http://sthjj.zhangzhou.gov.cn/cms/html/zzssthjj/2022-03-15/1234.html"
    assert meta.region is not None and meta.region.name == "漳州市"
    assert meta.years == [2022] and meta.doc_type == "work_plan"


def test_page_date_from_its_info_line_when_it_has_no_meta_tag(tmp_path: Path) -> None:
    page = html_page(date="2021-11-02 16:05", meta_date=False)
    document = read_document(write(tmp_path / "page.htm", page))
    assert document.metadata.published == "2021-11-02"
    assert "发布时间" not in document.text  # the info line is furniture: read, not kept


def test_big5_page_in_traditional_characters_reads_like_simplified(tmp_path: Path) -> None:
    page = to_traditional(html_page(charset="big5"))
    document = read_document(write(tmp_path / "tw.html", page, "big5"))
    assert "藍天保衛戰" in document.text
    at = document.text.index("藍天保衛戰")
    assert document.norm[at : at + 5] == "蓝天保卫战"
    assert len(document.norm) == len(document.text)
    assert document.metadata.region is not None and document.metadata.region.name == "漳州市"
    assert "網站標識碼" not in document.text


def test_page_laid_out_in_a_table_keeps_its_lines_and_loses_its_menu(tmp_path: Path) -> None:
    page = """<html><head><meta charset="utf-8"><title>2021年衢州市生态环境保护工作计划_衢州市生态环境局</title></head>
<body><table width="100%"><tr><td><a href="/">首页</a> | <a href="/x">机构概况</a> | <a href="/y">政务公开</a></td></tr>
<tr><td class="bt">2021年衢州市生态环境保护工作计划</td></tr>
<tr><td>发布日期：2021-04-02　　浏览次数：88</td></tr>
<tr><td>一、大气污染防治<br>全市PM2.5平均浓度控制在30微克/立方米以下。<br>二、水污染防治<br>地表水市控以上断面水质达标率100%。</td></tr>
<tr><td>版权所有：衢州市生态环境局 浙ICP备12345678号</td></tr></table></body></html>"""
    document = read_document(write(tmp_path / "old-site.html", page))
    lines = _lines(document.text)
    assert "一、大气污染防治" in lines and "二、水污染防治" in lines
    assert "全市PM2.5平均浓度控制在30微克/立方米以下。" in lines
    assert "机构概况" not in document.text
    footer = document.text.index("版权所有")
    assert document.is_ignored(footer) and not document.is_ignored(document.text.index("一、大气"))
    assert document.metadata.published == "2021-04-02"
    assert document.metadata.region is not None and document.metadata.region.name == "衢州市"


def test_page_saved_with_a_txt_name_is_read_as_a_page(tmp_path: Path) -> None:
    document = read_document(write(tmp_path / "page.txt", html_page()))
    assert document.encoding == "utf-8"
    assert "<p>" not in document.text and "分享到" not in document.text
    assert _lines(document.text)[1] == ARTICLE_SENTENCES[0]


# -- PDF -------------------------------------------------------------------------------------


def test_pdf_text_layer_with_wrapped_lines_joined_and_page_numbers_marked(tmp_path: Path) -> None:
    lines = plan_lines()
    path = write(tmp_path / "plan.pdf", pdf_bytes([lines[:4], lines[4:]], width_chars=30))
    document = read_document(path)
    assert document.encoding == "pdf"
    text_lines = _lines(document.text)
    # Every paragraph wrapped at 30 characters is one line again.
    for line in lines:
        assert line in text_lines, line
    numbers = [document.quote(s) for s in document.ignored]
    assert numbers == ["— 1 —", "— 2 —"]
    assert document.metadata.region is not None and document.metadata.region.name == "漳州市"
    assert document.metadata.years == [2022]


def test_traditional_pdf(tmp_path: Path) -> None:
    lines = [to_traditional(line) for line in plan_lines("泉州市", 2021)]
    document = read_document(write(tmp_path / "tw.pdf", pdf_bytes([lines], font="MSung-Light")))
    at = document.text.index("揮發性有機物")
    assert document.norm[at : at + 6] == "挥发性有机物"
    assert document.metadata.region is not None and document.metadata.region.name == "泉州市"


def test_pdf_locked_against_copying_only_is_read(tmp_path: Path) -> None:
    data = encrypted_pdf(pdf_bytes([plan_lines()]), user_password="")
    assert b"/Encrypt" in data
    document = read_document(write(tmp_path / "locked.pdf", data))
    assert ARTICLE_SENTENCES[2] in document.text


# -- Word ------------------------------------------------------------------------------------


def test_docx_paragraphs_and_table_rows_without_page_header(tmp_path: Path) -> None:
    table = [["指标", "2022年目标"], ["PM2.5年均浓度", "不高于22微克/立方米"]]
    data = docx_bytes(plan_lines(), table=table, header="内部资料 注意保存")
    document = read_document(write(tmp_path / "plan.docx", data))
    lines = _lines(document.text)
    assert lines[: len(plan_lines())] == plan_lines()
    assert "指标\t2022年目标" in lines and "PM2.5年均浓度\t不高于22微克/立方米" in lines
    assert "内部资料" not in document.text
    assert document.metadata.region is not None and document.metadata.region.name == "漳州市"
    assert document.metadata.doc_type == "work_plan"


def test_traditional_docx(tmp_path: Path) -> None:
    data = docx_bytes([to_traditional(line) for line in plan_lines("温州市", 2023)])
    document = read_document(write(tmp_path / "tw.docx", data))
    assert "藍天保衛戰" in document.text
    assert document.metadata.region is not None and document.metadata.region.name == "温州市"
    assert document.metadata.years == [2023]


# -- folders ---------------------------------------------------------------------------------


def _folder(root: Path) -> Path:
    """A researcher's download folder: every format, nested, with a browser's page resources."""
    write(root / "fujian" / "zhangzhou-2022.html", html_page(), "utf-8")
    write(root / "fujian" / "zhangzhou-2022_files" / "frame.html", html_page(plan_lines("三明市")))
    write(root / "fujian" / "quanzhou-2021.txt", plan_text("泉州市", 2021), "gbk")
    write(root / "fujian" / "nested" / "fuzhou-2023.pdf", pdf_bytes([plan_lines("福州市", 2023)]))
    write(root / "zhejiang" / "wenzhou-2022.docx", docx_bytes(plan_lines("温州市", 2022)))
    write(root / "zhejiang" / "taizhou-2021.txt", to_traditional(plan_text("台州市", 2021)), "big5")
    write(root / "zhejiang" / "~$nzhou-2022.docx", b"\x05owner lock file")
    write(root / "zhejiang" / ".DS_Store", b"\x00\x00\x00\x01Bud1")
    write(root / "__MACOSX" / "zhejiang" / "wenzhou-2022.docx", b"\x00\x05\x16\x07 resource fork")
    write(root / "zhejiang" / "old-plan.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512))
    write(root / "README.md", "downloaded 2024-05")
    return root


def test_folder_is_walked_for_every_format(tmp_path: Path) -> None:
    root = _folder(tmp_path / "downloads")
    found = gather([root])
    assert sorted(p.relative_to(root).as_posix() for p in found.files) == [
        "fujian/nested/fuzhou-2023.pdf",
        "fujian/quanzhou-2021.txt",
        "fujian/zhangzhou-2022.html",
        "zhejiang/taizhou-2021.txt",
        "zhejiang/wenzhou-2022.docx",
    ]
    assert [p.name for p, _ in found.unsupported] == ["old-plan.doc"]

    store = Store(tmp_path / "db")
    report = build([root], store, workers=1)
    assert report.ok, report.failed
    assert len(report.built) == 5
    assert "1 skipped (1 unsupported format)" in report.summary()
    _, rows = store.select(
        "SELECT ?d ?name WHERE { ?d a <https://w3id.org/policykg/ontology#PolicyDocument> ; "
        "<https://w3id.org/policykg/ontology#region> ?r . "
        "?r <http://www.w3.org/2000/01/rdf-schema#label> ?name }",
        {},
    )
    places = {row["d"]["value"].rsplit("/", 1)[-1]: row["name"]["value"] for row in rows}
    assert places == {
        "zhangzhou-2022": "漳州市",
        "quanzhou-2021": "泉州市",
        "fuzhou-2023": "福州市",
        "wenzhou-2022": "温州市",
        "taizhou-2021": "台州市",
    }


# -- manifests -------------------------------------------------------------------------------

# A summary that names no place and no year: only a manifest can say where and when it is from.
PLACELESS = (
    "生态环境保护工作要点\n"
    "一、深入打好蓝天保卫战\n"
    "（一）推进挥发性有机物综合治理。完成20家企业VOCs深度治理。\n"
    "二、深入打好碧水保卫战\n"
    "（一）巩固饮用水水源地整治成果，水质达标率保持100%。\n"
)


def _manifest(rows: list[dict[str, str]], columns: tuple[str, ...] | None = None) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns or tuple(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def _document_facts(store: Store, key: str) -> dict[str, set[str]]:
    _, rows = store.select(
        "SELECT ?p ?o WHERE { GRAPH ?d { ?d ?p ?o } }", {"d": _node(iris.document_iri(key))}
    )
    facts: dict[str, set[str]] = {}
    for row in rows:
        facts.setdefault(row["p"]["value"].rsplit("#", 1)[-1].rsplit("/", 1)[-1], set()).add(
            row["o"]["value"]
        )
    return facts


def _node(iri: str):
    from pyoxigraph import NamedNode

    return NamedNode(iri)


def test_manifest_at_the_folder_root_supplies_region_and_year(tmp_path: Path) -> None:
    root = tmp_path / "plans"
    write(root / "sub" / "placeless.txt", PLACELESS)
    write(root / "zhangzhou.txt", plan_text())
    store = Store(tmp_path / "db")
    # Without a manifest the placeless plan cannot be built.
    report = build([root], store, workers=1)
    assert [(p.name, problem.split(" (")[0]) for p, problem in report.failed] == [
        ("placeless.txt", "no recognisable region")
    ]
    write(
        root / "manifest.csv",
        _manifest(
            [
                {
                    "path": "sub/placeless.txt",
                    "region": "350100",
                    "year": "2023",
                    "doc_type": "work_plan",
                    "url": "https://sthjj.fuzhou.gov.cn/zwgk/2023/plan.html",
                    "title": "2023年福州市生态环境保护工作要点",
                }
            ]
        ),
    )
    report = build([root], store, workers=1)
    assert report.ok, report.failed
    assert [p.name for p in report.built] == ["placeless.txt"]
    assert [p.name for p in report.skipped] == ["zhangzhou.txt"]
    facts = _document_facts(store, "placeless")
    assert facts["region"] == {iris.region_iri("350100")}
    assert facts["year"] == {"2023"}
    assert facts["title"] == {"2023年福州市生态环境保护工作要点"}
    assert facts["source"] == {"https://sthjj.fuzhou.gov.cn/zwgk/2023/plan.html"}


def test_manifest_named_on_the_command_line_wins_and_may_be_gbk_with_chinese_headers(tmp_path: Path) -> None:
    root = tmp_path / "plans"
    write(root / "zhangzhou.txt", plan_text())
    write(root / "manifest.csv", _manifest([{"path": "zhangzhou.txt", "year": "2020"}]))
    mine = tmp_path / "my-manifest.csv"
    rows = [{"路径": str(root / "zhangzhou.txt"), "年份": "2018-2020", "标题": "漳州市三年行动方案"}]
    write(mine, _manifest(rows), "gbk")  # Excel on a Chinese system saves CSV in GBK
    store = Store(tmp_path / "db")
    report = build([root], store, workers=1, manifest=mine)
    assert report.ok, report.failed
    facts = _document_facts(store, "zhangzhou")
    assert facts["year"] == {"2018", "2019", "2020"}
    assert facts["title"] == {"漳州市三年行动方案"}


def test_manifest_alone_builds_the_files_it_lists(tmp_path: Path) -> None:
    write(tmp_path / "a" / "zhangzhou.txt", plan_text())
    write(tmp_path / "b" / "placeless.txt", PLACELESS)
    write(tmp_path / "b" / "not-listed.txt", plan_text("泉州市"))
    manifest = write(
        tmp_path / "list.csv",
        _manifest(
            [
                {"path": "a/zhangzhou.txt", "region": "", "year": ""},
                {"path": "b/placeless.txt", "region": "宁德市", "year": "2022"},
            ]
        ),
    )
    store = Store(tmp_path / "db")
    report = build([], store, workers=1, manifest=manifest)
    assert report.ok, report.failed
    assert sorted(p.name for p in report.built) == ["placeless.txt", "zhangzhou.txt"]
    assert _document_facts(store, "placeless")["region"] == {iris.region_iri("350900")}


def test_manifest_problems_name_the_manifest_and_the_rest_is_built(tmp_path: Path) -> None:
    root = tmp_path / "plans"
    write(root / "zhangzhou.txt", plan_text())
    write(root / "placeless.txt", PLACELESS)
    write(
        root / "manifest.csv",
        _manifest(
            [
                {"path": "placeless.txt", "region": "不存在县", "year": "2022"},
                {"path": "gone.pdf", "region": "福州市", "year": "2022"},
                {"path": "zhangzhou.txt", "region": "", "year": "2022"},
            ]
        ),
    )
    report = build([root], Store(tmp_path / "db"), workers=1)
    failed = {p.name: problem for p, problem in report.failed}
    assert set(failed) == {"placeless.txt", "gone.pdf"}
    assert "unknown or ambiguous region '不存在县'" in failed["placeless.txt"]
    assert f"{root / 'manifest.csv'} line 2" in failed["placeless.txt"]
    assert failed["gone.pdf"] == f"listed in {root / 'manifest.csv'} line 3, but there is no such file"
    assert [p.name for p in report.built] == ["zhangzhou.txt"]


def test_manifest_with_an_unknown_column_fails_as_a_whole(tmp_path: Path) -> None:
    root = tmp_path / "plans"
    write(root / "zhangzhou.txt", plan_text())
    write(root / "manifest.csv", "path,regoin\nzhangzhou.txt,福州市\n")
    report = build([root], Store(tmp_path / "db"), workers=1)
    assert [(p.name, problem) for p, problem in report.failed] == [
        (
            "manifest.csv",
            "unknown manifest column(s) regoin (known: path, region, year, years, doc_type, url, title, published, issuer)",
        )
    ]
    assert [p.name for p in report.built] == ["zhangzhou.txt"]


@pytest.mark.parametrize("fmt", ["html", "pdf", "docx", "gbk", "big5"])
def test_each_format_builds_through_the_command_line(tmp_path: Path, fmt: str) -> None:
    import subprocess
    import sys

    makers = {
        "html": lambda p: write(p.with_suffix(".html"), html_page()),
        "pdf": lambda p: write(p.with_suffix(".pdf"), pdf_bytes([plan_lines()])),
        "docx": lambda p: write(p.with_suffix(".docx"), docx_bytes(plan_lines())),
        "gbk": lambda p: write(p.with_suffix(".txt"), plan_text(), "gbk"),
        "big5": lambda p: write(p.with_suffix(".txt"), to_traditional(plan_text()), "big5"),
    }
    path = makers[fmt](tmp_path / "in" / "zhangzhou-2022")
    done = subprocess.run(
        [sys.executable, "-m", "policykg", "build", str(path.parent), "--store", str(tmp_path / "db")],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert "1 built, 0 skipped, 0 failed" in done.stderr
    store = Store(tmp_path / "db", read_only=True)
    _, rows = store.select(
        "SELECT (COUNT(?m) AS ?n) WHERE { ?m a <https://w3id.org/policykg/ontology#Measure> }", {}
    )
    assert int(rows[0]["n"]["value"]) >= 4
