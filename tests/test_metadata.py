"""Metadata of plans: the five bundled ones against the gold, and invented plans
in the same style from other provinces, levels and years."""

from __future__ import annotations

import json
from pathlib import Path

import opencc
import pytest

from policykg.config import bundled_corpus
from policykg.loaders import gazetteer as gz
from policykg.loaders.boilerplate import find_boilerplate
from policykg.loaders.document import Metadata
from policykg.loaders.metadata import read_metadata
from policykg.loaders.read import read_document, to_simplified

GOLD = Path(__file__).resolve().parents[2] / "shared" / "gold"


def _meta(text: str) -> Metadata:
    norm = to_simplified(text)
    return read_metadata(text, norm, find_boilerplate(norm))


def _gold(path: Path) -> dict:
    gold_path = GOLD / f"{path.stem}.json"
    if not gold_path.exists():
        pytest.skip("no gold annotation next to the repository")
    return json.loads(gold_path.read_text(encoding="utf-8"))


# -- the five bundled plans against the gold ------------------------------------


@pytest.mark.parametrize("path", bundled_corpus(), ids=lambda p: p.stem)
def test_bundled_metadata_matches_gold(path: Path) -> None:
    gold = _gold(path)
    meta = read_document(path).metadata
    assert meta.region is not None
    chain = gz.chain(meta.region)
    assert meta.region.name == gold["region"]["name"]
    assert meta.region.code == gold["region"]["adcode"]
    assert meta.region.level == gold["region"]["level"]
    assert chain[1].name == gold["region"]["parent"]
    assert chain[-1].name == gold["region"]["province"]
    assert meta.years == gold["years"]
    assert meta.doc_type == gold["doc_type"]
    assert meta.published == gold["published"]
    assert meta.issuer == gold["issuer"]


def test_bundled_titles() -> None:
    titles = {p.stem[:3]: read_document(p).metadata.title for p in bundled_corpus()}
    assert titles == {
        "000": "2021年福州市生态环境保护工作要点",
        "001": None,  # the repost starts with the text: no title line
        "002": None,
        "003": "衡阳市2021年生态环境保护工作要点",
        "004": None,  # one long line after the index table
    }


# -- invented plans ---------------------------------------------------------------

COUNTY_SUMMARY_AND_PLAN = """\
2021年，在县委县政府的坚强领导下，全县生态环境系统深入贯彻习近平生态文明思想，长汀县空气质量优良天数比例达到99.2%，汀江出境断面水质稳定保持Ⅱ类。
一、2021年工作总结
（一）深入打好蓝天保卫战。一是完成12家企业挥发性有机物治理。二是淘汰燃煤锅炉5台。
（二）深入打好碧水保卫战。一是推进河田镇、濯田镇污水管网建设。二是完成县城黑臭水体整治。
二、2022年工作思路
一是持续改善空气质量，确保全县PM2.5浓度不高于20微克/立方米。二是巩固提升汀江流域水质。
"""


def test_county_without_a_title_from_how_it_names_itself() -> None:
    meta = _meta(COUNTY_SUMMARY_AND_PLAN)
    assert meta.title is None
    assert meta.region is not None
    assert (meta.region.code, meta.region.name, meta.region.level) == ("350821", "长汀县", "county")
    assert gz.parent(meta.region).name == "龙岩市"
    assert meta.years == [2021, 2022]
    assert meta.doc_type == "summary_and_plan"


COUNTY_LEVEL_CITY = """\
2022年是实施“十四五”规划承上启下的关键之年。全市生态环境系统要在市委市政府的坚强领导下，对标泉州市生态环境局的工作要求，
推动晋江经济社会高质量发展。晋江市空气质量优良率确保达到98%以上，晋江市区黑臭水体全面消除。
一、深入打好污染防治攻坚战
1.推进晋江陶瓷行业深度治理。2.推进安海镇、东石镇污水零直排区建设。
"""


def test_county_level_city_that_says_wo_shi() -> None:
    meta = _meta(COUNTY_LEVEL_CITY)
    assert meta.region is not None
    assert (meta.region.code, meta.region.level) == ("350582", "county")
    assert gz.parent(meta.region).code == "350500"
    assert meta.years == [2022]
    assert meta.doc_type == "work_plan"


DISTRICT_OF_A_MUNICIPALITY = """\
索引号 | 11010500/2022-00123 | 主题分类 | 环境保护 |
发布机构 | 北京市朝阳区生态环境局 | 成文日期 | 2022-03-15 |
朝阳区2022年生态环境保护工作要点
为深入打好污染防治攻坚战，持续改善全区生态环境质量，制定本工作要点。
一、持续深化蓝天保卫战
（一）全区PM2.5年均浓度控制在35微克/立方米以内。
"""


def test_district_of_a_municipality_with_an_ambiguous_name() -> None:
    # 朝阳区 is in 北京 and in 长春: the issuer field says which.
    meta = _meta(DISTRICT_OF_A_MUNICIPALITY)
    assert meta.title == "朝阳区2022年生态环境保护工作要点"
    assert meta.region is not None
    assert (meta.region.code, meta.region.level, meta.region.parent_code) == ("110105", "district", "110000")
    assert meta.issuer == "北京市朝阳区生态环境局"
    assert meta.published == "2022-03-15"
    assert meta.years == [2022]
    assert meta.doc_type == "work_plan"


MUNICIPALITY = """\
上海市2023年生态环境保护工作要点
发布时间：2023年4月2日
2023年，全市生态环境保护工作要以习近平新时代中国特色社会主义思想为指导，推动浦东新区、闵行区、嘉定区协同治理。
一、持续改善环境空气质量
（一）全市PM2.5年均浓度控制在30微克/立方米左右。
"""


def test_province_level_municipality() -> None:
    meta = _meta(MUNICIPALITY)
    assert meta.region is not None
    assert (meta.region.code, meta.region.name, meta.region.level) == ("310000", "上海市", "province")
    assert meta.region.parent_code is None
    assert meta.published == "2023-04-02"
    assert meta.years == [2023]


IMPLEMENTATION_PLAN = """\
邵阳市打赢蓝天保卫战三年行动计划（2018—2020年）
为贯彻落实《湖南省污染防治攻坚战三年行动计划（2018—2020年）》，打赢蓝天保卫战，制定本行动计划。
一、工作目标
到2020年，全市PM2.5年均浓度比2015年下降18%以上。
二、主要任务
（一）调整优化产业结构。
"""


def test_three_year_implementation_plan() -> None:
    meta = _meta(IMPLEMENTATION_PLAN)
    assert meta.title == "邵阳市打赢蓝天保卫战三年行动计划（2018—2020年）"
    assert meta.doc_type == "implementation_plan"
    assert meta.years == [2018, 2019, 2020]
    assert meta.region is not None and meta.region.code == "430500"


def test_opinion_is_an_implementation_plan() -> None:
    text = "宁海县人民政府关于进一步加强农村生活污水治理的实施意见\n各乡镇人民政府、街道办事处：\n为加强全县农村生活污水治理，现提出如下意见。\n一、总体要求\n"
    meta = _meta(text)
    assert meta.doc_type == "implementation_plan"
    assert meta.region is not None and (meta.region.code, meta.region.level) == ("330226", "county")


TRADITIONAL_PAGE = opencc.OpenCC("s2t").convert(
    "当前位置：首页 > 政务公开 > 计划总结\n"
    "2021年厦门市生态环境保护工作要点\n"
    "发布时间：2021-03-18 10:20  来源：厦门市生态环境局\n"
    "一、深入打好蓝天保卫战\n"
    "（一）推进挥发性有机物综合治理。完成30家企业深度治理。\n"
    "扫一扫在手机上查看当前页面\n"
)


def test_traditional_character_page() -> None:
    assert "廈門市生態環境保護工作要點" in TRADITIONAL_PAGE
    meta = _meta(TRADITIONAL_PAGE)
    assert meta.title == "2021年廈門市生態環境保護工作要點"  # quoted from the text as written
    assert meta.region is not None and meta.region.code == "350200"
    assert meta.doc_type == "work_plan"
    assert meta.years == [2021]
    assert meta.published == "2021-03-18"
    assert meta.issuer == "厦门市生态环境局"


REPOST_ON_A_NEWS_SITE = """\
首页 > 新闻中心 > 转载
2023年莆田市生态环境保护工作要点_转载_海峡新闻网
2023年莆田市生态环境保护工作要点
来源：莆田市生态环境局  发布时间：2023-03-01 09:00
一、主要目标
全市空气质量优良天数比例达到98%以上。
主办：海峡新闻网  版权所有  闽ICP备12345678号
"""


def test_plan_reposted_on_a_news_site() -> None:
    meta = _meta(REPOST_ON_A_NEWS_SITE)
    assert meta.title == "2023年莆田市生态环境保护工作要点"
    assert meta.region is not None and meta.region.code == "350300"
    assert meta.issuer == "莆田市生态环境局"  # not the news site
    assert meta.published == "2023-03-01"


def test_work_summary_from_the_title_and_issuer_completed_with_the_region() -> None:
    text = "温州市鹿城区生态环境分局2022年工作总结\n2022年，在区委区政府的坚强领导下，全区生态环境质量持续改善。\n一、主要成效\n（一）累计完成污水零直排区建设12个。\n"
    meta = _meta(text)
    assert meta.doc_type == "work_summary"
    assert meta.region is not None and meta.region.code == "330302"
    assert meta.years == [2022]


def test_title_with_both_parts_is_summary_and_plan() -> None:
    text = "泰顺县生态环境保护2022年工作总结及2023年工作计划\n一、2022年工作总结\n（一）完成12家企业治理。\n二、2023年工作计划\n（一）推进治理。\n"
    meta = _meta(text)
    assert meta.doc_type == "summary_and_plan"
    assert meta.years == [2022, 2023]
    assert meta.region is not None and meta.region.code == "330329"


def test_ambiguous_district_resolved_by_the_city_named_in_the_text() -> None:
    text = (
        "2021年鼓楼区生态环境保护工作要点\n全区深入贯彻福州市委市政府部署，推进福建省生态文明示范区建设。\n"
    )
    meta = _meta(text)
    assert meta.region is not None and meta.region.code == "350102"


def test_ambiguous_district_alone_is_not_guessed() -> None:
    meta = _meta("2021年鼓楼区生态环境保护工作要点\n一、主要目标\n全区空气质量持续改善。\n")
    assert meta.region is None
    assert meta.years == [2021]


def test_no_recognisable_region_or_year() -> None:
    meta = _meta("关于开展环保宣传活动的说明\n请各单位积极参与。\n")
    assert meta.region is None
    assert meta.years == []


def test_plan_with_a_next_step_part_without_a_year() -> None:
    text = (
        "2022年以来，在市委市政府的领导下，全市生态环境质量持续改善，南平市空气质量优良率100%。\n"
        "一、2022年工作总结\n（一）累计完成治理项目30个。\n（二）圆满完成督察整改。\n"
        "二、下一步工作计划\n（一）持续推进武夷山国家公园生态保护。\n"
    )
    meta = _meta(text)
    assert meta.doc_type == "summary_and_plan"
    assert meta.years == [2022, 2023]
    assert meta.region is not None and meta.region.code == "350700"


def test_published_from_the_date_under_the_signature() -> None:
    text = "2021年三明市生态环境保护工作要点\n一、主要目标\n全市空气质量持续改善。\n三明市生态环境局\n2021年3月5日\n"
    meta = _meta(text)
    assert meta.published == "2021-03-05"
    assert meta.issuer == "三明市生态环境局"


# -- the gazetteer --------------------------------------------------------------


def test_gazetteer_levels_and_parents() -> None:
    assert gz.by_code("350000").level == "province"
    assert gz.by_code("350100").level == "prefecture"
    assert gz.by_code("330302").level == "district"
    assert gz.by_code("350582").level == "county"  # 晋江市, a county-level city
    assert gz.by_code("152200").level == "prefecture"  # 兴安盟
    assert [r.name for r in gz.chain("330302")] == ["鹿城区", "温州市", "浙江省"]
    assert [r.name for r in gz.chain("110105")] == ["朝阳区", "北京市"]  # district of a municipality
    assert gz.parent("429004").code == "420000"  # 仙桃市, administered by the province
    assert gz.by_code("500000").level == "province"
    assert len(gz.gazetteer().regions) > 3000


def test_gazetteer_short_names() -> None:
    assert gz.short_name("福州市") == "福州"
    assert gz.short_name("广西壮族自治区") == "广西"
    assert gz.short_name("恩施土家族苗族自治州") == "恩施"
    assert gz.short_name("浦东新区") == "浦东"
    assert gz.short_name("城区") is None  # one character is not a name
    assert gz.short_name("市中区") is None  # would match 全市中心
    assert gz.resolve("福州").code == "350100"
    assert gz.resolve("衡阳").code == "430400"  # the prefecture, not 衡阳县
    assert gz.resolve("鼓楼区") is None  # four provinces have one
    assert gz.resolve("鼓楼区", ["350000"]).code == "350102"
    assert gz.resolve("朝阳区", ["110000"]).code == "110105"
    assert gz.resolve("350100").name == "福州市"


def test_gazetteer_mentions_skip_one_character_names_inside_words() -> None:
    text = "创建示范县，推进城区和县城污水治理；安徽省马鞍山市和县"
    found = [(m.surface, m.codes) for m in gz.gazetteer().find_mentions(text)]
    assert ("范县", ("410926",)) not in found
    assert ("和县", ("340523",)) in found  # right after its own prefecture


def test_gazetteer_search_skipping_idle_stretches_finds_what_one_whole_search_finds() -> None:
    """``find_mentions`` reads only the text between stretches the automaton would read
    without leaving its root: on the bundled plans and on mixtures of place names, their
    pieces and filler, that must give exactly the matches of one search over the text."""
    import random

    g = gz.gazetteer()
    names = sorted([*g.short_names, *g.full_names])
    rng = random.Random(7)
    texts = [read_document(p).text for p in bundled_corpus()]
    for _ in range(300):
        parts = []
        for _ in range(rng.randint(1, 30)):
            name = rng.choice(names)
            kind = rng.random()
            if kind < 0.4:
                parts.append(name)
            elif kind < 0.7:  # a piece of a name: partial matches the skip must not cut
                parts.append(name[: rng.randint(1, len(name))])
            else:
                parts.append(
                    rng.choice(["，", "的", "生态环境", "abc", " ", "1234", "。\n", "推进"])
                    * rng.randint(1, 6)
                )
        texts.append("".join(parts))
    whole = [list(g._automaton.iter_long(text)) for text in texts]
    skipping = [list(g._names_in(text)) for text in texts]
    assert sum(map(len, whole)) > 1000
    assert skipping == whole
