"""Reading files into Documents: encodings, scripts, furniture, bad input, overrides."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import opencc
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from policykg.config import bundled_corpus
from policykg.errors import InputError
from policykg.loaders.boilerplate import find_boilerplate
from policykg.loaders.read import read_document, to_simplified

GOLD = Path(__file__).resolve().parents[2] / "shared" / "gold"

# A plan in the style of the bundled ones, invented for these tests.
PLAN = (
    "2021年漳州市生态环境保护工作要点\n"
    "一、深入打好蓝天保卫战\n"
    "（一）推进挥发性有机物综合治理。完成20家企业VOCs深度治理，"
    "PM2.5年均浓度不高于22微克/立方米。\n"
    "（二）强化扬尘管控。全市建筑工地落实“六个百分百”。\n"
    "二、深入打好碧水保卫战\n"
    "（一）巩固饮用水水源地整治成果。县级以上集中式饮用水水源地水质达标率100%。\n"
)


def _write(tmp_path: Path, data: bytes, name: str = "plan.txt") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("path", bundled_corpus(), ids=lambda p: p.stem)
def test_bundled_text_is_the_utf8_text_untouched(path: Path) -> None:
    document = read_document(path)
    data = path.read_bytes()
    assert document.text == data.decode("utf-8")
    assert document.encoding == "utf-8"
    assert document.checksum == hashlib.sha256(data).hexdigest()
    assert len(document.norm) == len(document.text)
    assert document.key == path.stem


@pytest.mark.parametrize("path", bundled_corpus(), ids=lambda p: p.stem)
def test_gold_quotes_are_found_in_the_text(path: Path) -> None:
    gold_path = GOLD / f"{path.stem}.json"
    if not gold_path.exists():
        pytest.skip("no gold annotation next to the repository")
    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    document = read_document(path)
    quotes = [t["text"] for t in gold["targets"]] + [a["text"] for a in gold["actors"]]
    assert quotes
    for quote in quotes:
        assert quote in document.text


def test_bom_is_stripped_and_offsets_match_the_text_without_it(tmp_path: Path) -> None:
    path = _write(tmp_path, b"\xef\xbb\xbf" + PLAN.encode("utf-8"))
    document = read_document(path)
    assert document.text == PLAN
    assert document.encoding == "utf-8-sig"
    assert document.text.find("PM2.5年均浓度") == PLAN.find("PM2.5年均浓度")
    # The checksum is of the bytes as stored, BOM included.
    assert document.checksum == hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("encoding", ["gb18030", "gbk"])
def test_gb_encodings_are_detected(tmp_path: Path, encoding: str) -> None:
    document = read_document(_write(tmp_path, PLAN.encode(encoding)))
    assert document.text == PLAN
    assert document.encoding == "gb18030"
    assert document.metadata.region is not None and document.metadata.region.code == "350600"


def test_big5_is_detected_and_read_in_simplified(tmp_path: Path) -> None:
    traditional = opencc.OpenCC("s2t").convert(PLAN)
    assert "藍天保衛戰" in traditional
    document = read_document(_write(tmp_path, traditional.encode("big5")))
    assert document.encoding == "big5"
    assert document.text == traditional
    assert len(document.norm) == len(document.text)
    assert document.norm.find("蓝天保卫战") == document.text.find("藍天保衛戰")
    assert document.metadata.region is not None and document.metadata.region.name == "漳州市"
    assert document.metadata.doc_type == "work_plan"


def test_traditional_utf8_keeps_offsets(tmp_path: Path) -> None:
    traditional = "二、深入打好藍天保衛戰，推進揮發性有機物綜合治理。\n乾隆年間的頭髮與臺灣的電腦\n"
    document = read_document(_write(tmp_path, traditional.encode("utf-8")))
    assert document.text == traditional
    at = document.norm.find("挥发性有机物")
    assert at == traditional.find("揮發性有機物")
    assert document.text[at : at + 6] == "揮發性有機物"
    assert document.norm.count("\n") == traditional.count("\n")


def test_to_simplified_keeps_length_character_for_character() -> None:
    text = "藍天保衛戰 VOCs 2021年 乾隆 頭髮 於是 著手 ①⑵ 𠀀"
    norm = to_simplified(text)
    assert len(norm) == len(text)
    assert norm.startswith("蓝天保卫战 VOCs 2021年")
    assert to_simplified(PLAN) == PLAN  # simplified text is left as it is


def test_missing_path_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "no-such-plan.txt"
    with pytest.raises(InputError) as info:
        read_document(path)
    assert "no-such-plan.txt" in str(info.value)
    assert info.value.path == path
    assert "no such file" in info.value.problem


def test_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="folder"):
        read_document(tmp_path)


@pytest.mark.parametrize("data", [b"", b" \n\t\r\n", b"\xef\xbb\xbf"])
def test_empty_file(tmp_path: Path, data: bytes) -> None:
    path = _write(tmp_path, data, "empty.txt")
    with pytest.raises(InputError) as info:
        read_document(path)
    assert "empty" in info.value.problem
    assert str(info.value).startswith(str(path))


def test_binary_file_with_a_txt_name(tmp_path: Path) -> None:
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4
    path = _write(tmp_path, png, "scan.txt")
    with pytest.raises(InputError) as info:
        read_document(path)
    assert "not text" in info.value.problem
    assert "scan.txt" in str(info.value)


def test_control_characters_are_not_text(tmp_path: Path) -> None:
    data = bytes([1, 2, 3, 4, 5, 6, 7, 8, 14, 15, 16]) * 40 + "一、深入打好蓝天保卫战".encode()
    with pytest.raises(InputError, match="not text"):
        read_document(_write(tmp_path, data))


@pytest.mark.parametrize(
    "data",
    [
        bytes([0xFF, 0xFE, 0xFD]) * 50 + b"abc",  # invalid in every candidate encoding
        bytes([0x81, 0x30]) * 200,  # decodes as GB18030, but to nothing a reader could read
    ],
)
def test_undecodable_bytes(tmp_path: Path, data: bytes) -> None:
    with pytest.raises(InputError, match="undecodable"):
        read_document(_write(tmp_path, data, "broken.txt"))


def test_text_full_of_replacement_characters_is_refused(tmp_path: Path) -> None:
    damaged = ("2021年" + "\ufffd\ufffd" * 20 + "工作要点。") * 5
    with pytest.raises(InputError, match="replacement characters"):
        read_document(_write(tmp_path, damaged.encode("utf-8")))


def test_a_few_replacement_characters_are_accepted(tmp_path: Path) -> None:
    text = PLAN + "附件下载失败\ufffd\n"
    assert read_document(_write(tmp_path, text.encode("utf-8"))).text == text


def test_furniture_is_marked_not_removed() -> None:
    path = next(p for p in bundled_corpus() if p.stem.startswith("003_"))
    document = read_document(path)
    assert document.text == path.read_bytes().decode("utf-8")
    quoted = [document.quote(span) for span in document.ignored]
    assert quoted[0].startswith("当前位置:首页")
    assert any("网站标识码" in q for q in quoted)
    assert any(q.startswith("来源:综合协调科") and "发布时间:2021-07-26" in q for q in quoted)
    # The plan itself is not furniture.
    plan_at = document.text.find("细颗粒物(PM2.5)年均浓度控制在39ug/m3以下")
    assert plan_at > 0 and not document.is_ignored(plan_at)


def test_furniture_of_a_traditional_page_is_found_on_norm(tmp_path: Path) -> None:
    page = (
        "當前位置：首頁 > 政務公開 > 計劃總結\n"
        + opencc.OpenCC("s2t").convert(PLAN)
        + "掃一掃在手機上查看當前頁面\n"
    )
    document = read_document(_write(tmp_path, page.encode("utf-8")))
    quoted = [document.quote(span) for span in document.ignored]
    assert quoted[0] == "當前位置：首頁 > 政務公開 > 計劃總結"
    assert quoted[-1] == "掃一掃在手機上查看當前頁面"


def test_boilerplate_kinds_of_line() -> None:
    page = (
        "您当前的位置：首页 > 政务公开 > 规划计划\n"
        "字号：大 中 小\n"
        "分享到：微信 微博 QQ空间\n"
        "发布日期：2022-03-01  浏览次数：128\n"
        "2022年三明市生态环境保护工作要点\n"
        "一、主要目标\n"
        "完成时间：2022年底前完成全部整治任务，时间紧、任务重。\n"
        "【打印本页】【关闭窗口】\n"
        "上一篇：2021年三明市生态环境保护工作总结\n"
        "版权所有：三明市生态环境局  闽ICP备05012345号\n"
        "地址：三明市梅列区新市北路  邮编：365000  电话：0598-8224123\n"
    )
    kept = {line for line in page.splitlines() if not _line_ignored(page, line)}
    assert kept == {
        "2022年三明市生态环境保护工作要点",
        "一、主要目标",
        "完成时间：2022年底前完成全部整治任务，时间紧、任务重。",
    }


def _line_ignored(page: str, line: str) -> bool:
    start = page.index(line)
    return any(s.start <= start and start + len(line) <= s.end for s in find_boilerplate(page))


def test_inline_furniture_in_a_one_line_page() -> None:
    page = "一、主要目标 全市PM2.5浓度不高于25微克/立方米。 扫一扫在手机上查看当前页面 |"
    spans = find_boilerplate(page)
    quoted = [page[s.start : s.end] for s in spans]
    assert quoted == ["扫一扫在手机上查看当前页面 |"]  # adjacent furniture merges into one span


def test_overrides_replace_what_was_read(tmp_path: Path) -> None:
    path = _write(tmp_path, PLAN.encode("utf-8"))
    document = read_document(
        path,
        {
            "region": "330302",
            "years": "2018-2020",
            "doc_type": "implementation_plan",
            "url": "https://example.org/plan.html",
            "published": "2021年5月6日",
            "title": "另一个标题",
        },
    )
    meta = document.metadata
    assert meta.region is not None and (meta.region.name, meta.region.level) == ("鹿城区", "district")
    assert meta.years == [2018, 2019, 2020]
    assert meta.doc_type == "implementation_plan"
    assert meta.url == "https://example.org/plan.html"
    assert meta.published == "2021-05-06"
    assert meta.title == "另一个标题"


def test_region_override_by_name_uses_the_text_for_context(tmp_path: Path) -> None:
    # 鼓楼区 exists in four provinces; the plan is about 福州 (福建).
    text = (
        "2021年鼓楼区生态环境保护工作要点\n全区深入贯彻福州市委市政府部署，推进福建省生态文明示范区建设。\n"
    )
    document = read_document(_write(tmp_path, text.encode("utf-8")), {"region": "鼓楼区", "year": 2022})
    assert document.metadata.region is not None and document.metadata.region.code == "350102"
    assert document.metadata.years == [2022]


@pytest.mark.parametrize(
    ("overrides", "problem"),
    [
        ({"region": "不存在县"}, "unknown or ambiguous region"),
        ({"doc_type": "plan"}, "unknown doc_type"),
        ({"year": "二〇二一"}, "cannot read the year"),
        ({"published": "yesterday"}, "cannot read the date"),
        ({"colour": "red"}, "unknown metadata field"),
    ],
)
def test_bad_overrides_are_input_errors(tmp_path: Path, overrides: dict, problem: str) -> None:
    path = _write(tmp_path, PLAN.encode("utf-8"))
    with pytest.raises(InputError) as info:
        read_document(path, overrides)
    assert problem in info.value.problem
    assert info.value.path == path


_NUMBERING_SOUP = st.text(
    alphabet=st.sampled_from(
        list(
            "一二三四五六七八九十是、（）()．.。；：: \n\r\t1234567890①②⑴年工作总结计划市县区蓝天|索引号附件>首页"
        )
    ),
    max_size=300,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.one_of(st.binary(max_size=400), _NUMBERING_SOUP.map(lambda s: s.encode("utf-8"))))
def test_random_input_gives_a_document_or_an_input_error(tmp_path: Path, data: bytes) -> None:
    path = _write(tmp_path, data, "random.txt")
    try:
        document = read_document(path)
    except InputError as error:
        assert error.path == path and error.problem
        return
    assert len(document.norm) == len(document.text)
    for span in document.ignored:
        assert 0 <= span.start <= span.end <= len(document.text)
