"""Real-looking documents made in the tests: plans, saved web pages, PDFs, Word files.

The plans are invented in the style of the bundled ones (工作要点 of a city's
ecology-environment bureau); the pages carry what pages saved from bureau sites
carry (navigation, breadcrumbs, an info line, share bar, related links, pager,
footer with 备案号 and 网站标识码).
"""

from __future__ import annotations

import io
from pathlib import Path

import docx
import pypdf
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

CITIES = (
    "福州市",
    "厦门市",
    "漳州市",
    "泉州市",
    "三明市",
    "莆田市",
    "南平市",
    "龙岩市",
    "宁德市",
    "温州市",
    "衢州市",
    "湖州市",
    "嘉兴市",
    "绍兴市",
    "金华市",
    "台州市",
    "丽水市",
    "舟山市",
)


def plan_lines(city: str = "漳州市", year: int = 2022, extra: str = "") -> list[str]:
    """The lines of a short 工作要点: title, two campaigns, measures with targets and departments."""
    lines = [
        f"{year}年{city}生态环境保护工作要点",
        f"{year}年，全市生态环境保护工作要坚持以习近平生态文明思想为指导，深入打好污染防治攻坚战。",
        "一、深入打好蓝天保卫战",
        "（一）推进挥发性有机物综合治理。完成20家企业VOCs深度治理，PM2.5年均浓度不高于22微克/立方米。",
        "（二）强化扬尘管控。全市建筑工地落实“六个百分百”，由市住建局牵头，市城管局配合。",
        "二、深入打好碧水保卫战",
        "（一）巩固饮用水水源地整治成果。县级以上集中式饮用水水源地水质达标率100%。",
        "（二）推进重点流域综合治理，国控断面水质优良比例达到95%以上，由市水利局负责。",
    ]
    if extra:
        lines.append(extra)
    return lines


def plan_text(city: str = "漳州市", year: int = 2022, extra: str = "") -> str:
    return "\n".join(plan_lines(city, year, extra)) + "\n"


ARTICLE_SENTENCES = plan_lines()[1:]


def html_page(
    lines: list[str] | None = None,
    *,
    charset: str = "utf-8",
    date: str = "2022-03-15 09:30",
    url: str = "http://sthjj.zhangzhou.gov.cn/cms/html/zzssthjj/2022-03-15/1234.html",
    meta_date: bool = True,
) -> str:
    """A page as a browser saves it from a bureau site: the article amid the site's furniture."""
    lines = lines or plan_lines()
    title, body = lines[0], lines[1:]
    paragraphs = "\n".join(f"<p>{line}</p>" for line in body)
    pubdate = f'<meta name="PubDate" content="{date}">' if meta_date else ""
    return f"""<!-- saved from url=({len(url):04d}){url} -->
<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta http-equiv="Content-Type" content="text/html; charset={charset}">
<meta name="SiteName" content="漳州市生态环境局">
<meta name="ColumnName" content="计划总结">
<meta name="ArticleTitle" content="{title}">
{pubdate}
<title>{title}_计划总结_漳州市生态环境局</title>
<script>var _hmt = _hmt || []; function share(to) {{ window.open(to); }}</script>
<style>.nav li {{ float: left; }}</style>
</head>
<body>
<div class="header"><div class="logo"><img src="logo.png" alt="漳州市生态环境局"></div>
<ul class="nav"><li><a href="/">首页</a></li><li><a href="/zwgk/">政务公开</a></li>
<li><a href="/hjzl/">环境质量</a></li><li><a href="/bsfw/">办事服务</a></li><li><a href="/hdjl/">互动交流</a></li></ul></div>
<div class="location">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a> &gt; 计划总结</div>
<div class="article">
<h1 class="title">{title}</h1>
<div class="info">发布时间：{date}  来源：漳州市生态环境局  浏览次数：1024  字号：<a>大</a> <a>中</a> <a>小</a></div>
<div class="TRS_Editor">
{paragraphs}
<p style="text-align:right">漳州市生态环境局<br>2022年3月10日</p>
</div>
<div class="share">分享到：<a class="wx">微信</a> <a class="wb">微博</a> <a>QQ空间</a></div>
<div class="print"><a href="javascript:window.print()">【打印本页】</a> <a href="javascript:window.close()">【关闭窗口】</a></div>
<div class="related"><h3>相关链接</h3><ul><li><a href="/a.html">2021年漳州市生态环境保护工作总结</a></li>
<li><a href="/b.html">漳州市“十四五”生态环境保护规划</a></li></ul></div>
<div class="pager"><p>上一篇：<a href="/c.html">关于开展2022年环境执法大练兵的通知</a></p>
<p>下一篇：<a href="/d.html">漳州市2022年大气污染防治实施方案</a></p></div>
</div>
<div class="footer"><p>主办单位：漳州市生态环境局  地址：漳州市芗城区胜利东路  邮编：363000</p>
<p>版权所有：漳州市生态环境局  闽ICP备05012345号  网站标识码：3506000033</p>
<p>闽公网安备 35060202000123号</p></div>
</body></html>
"""


# Words of the furniture of html_page: none may be in a document's text.
PAGE_FURNITURE = (
    "政务公开",
    "办事服务",
    "互动交流",
    "当前位置",
    "浏览次数",
    "分享到",
    "微博",
    "打印本页",
    "相关链接",
    "十四五",
    "上一篇",
    "执法大练兵",
    "主办单位",
    "版权所有",
    "网站标识码",
    "公网安备",
    "_hmt",
)


def pdf_bytes(
    pages: list[list[str]],
    *,
    font: str = "STSong-Light",
    width_chars: int = 36,
    page_numbers: bool = True,
) -> bytes:
    """A PDF with a text layer, laid out as a printed plan: paragraphs wrapped at the margin, page numbers.

    ``STSong-Light`` (simplified) and ``MSung-Light`` (traditional) are the CID
    fonts every PDF reader knows, so nothing needs embedding.
    """
    pdfmetrics.registerFont(UnicodeCIDFont(font))
    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=A4)
    for number, paragraphs in enumerate(pages, start=1):
        pdf.setFont(font, 12)
        y = 790
        for paragraph in paragraphs:
            for start in range(0, len(paragraph), width_chars):
                pdf.drawString(60, y, paragraph[start : start + width_chars])
                y -= 18
        if page_numbers:
            pdf.drawCentredString(297, 40, f"— {number} —")
        pdf.showPage()
    pdf.save()
    return out.getvalue()


def encrypted_pdf(data: bytes, *, user_password: str, owner_password: str = "owner") -> bytes:
    """The PDF ``data`` locked with AES-128: ``user_password`` "" opens for anyone (a no-copying lock)."""
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(data)))
    writer.encrypt(user_password=user_password, owner_password=owner_password, algorithm="AES-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def docx_bytes(
    paragraphs: list[str], *, table: list[list[str]] | None = None, header: str | None = None
) -> bytes:
    """A Word file: paragraphs, then a table of targets, with a page header."""
    document = docx.Document()
    if header:
        document.sections[0].header.paragraphs[0].text = header
    for text in paragraphs:
        document.add_paragraph(text)
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for row, cells in zip(grid.rows, table, strict=True):
            for cell, text in zip(row.cells, cells, strict=True):
                cell.text = text
    document.add_paragraph("漳州市生态环境局")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def write(path: Path, data: bytes | str, encoding: str = "utf-8") -> Path:
    """Write bytes, or text in ``encoding``, making the folders on the way."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode(encoding) if isinstance(data, str) else data)
    return path
