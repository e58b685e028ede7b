"""parsers.extract: the bytes of one document become a Document, or an ExtractionError.

Specifications in real files and real tools: the real Ucap page and the two real WPS-made
PDFs of real_samples/, every rendering the portal simulator serves (fetched through its
proxy, checked against its ground truth), the seeds, and hostile inputs (truncated,
corrupt, bombs, junk, nothing) that must end as an ExtractionError with a reason a person
understands, never as another exception or a hang.
"""

from __future__ import annotations

import io
import random
import re
import time
import zipfile
from collections import Counter
from pathlib import Path

import docx
import pytest
from PIL import Image as PILImage

from parsers.document import Document, ExtractionError, Table
from parsers.extract import Limits, extract, sniff_format
from tests.conftest import ProxyClient

FIXTURES = Path(__file__).parent / "fixtures"
UCAP_SAMPLE = FIXTURES / "real_samples" / "shuyang_fgj_2023_annual_report_ucap.html"
UCAP_URL = "http://www.shuyang.gov.cn/sygfj/gknb/202401/2ecfb31a335f4d689220a3a23e24a986.shtml"
HONGZE = {2023: FIXTURES / "real_samples" / "hongze_2023_zfxxgk_annual_report.pdf",
          2024: FIXTURES / "real_samples" / "hongze_2024_zfxxgk_annual_report.pdf"}
APPLICANT_COLUMNS = ("natural_person", "commercial_enterprise", "research_institution",
                     "social_welfare_org", "legal_service_org", "other_org", "total")


# --- helpers ---------------------------------------------------------------------------------

def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _table_with(doc: Document, label: str) -> Table:
    """The table holding a cell whose text contains ``label`` (spaces ignored)."""
    return next(t for t in doc.tables
                if any(label in _squash(c.text) for row in t.rows for c in row))


def _row(table: Table, label: str) -> list[str]:
    return next([c.text for c in row] for row in table.rows
                if any(label in _squash(c.text) for c in row))


def _values(doc: Document) -> Counter:
    """Texts of the cells values may be read from (origins of merged cells, not copies)."""
    return Counter(c.text for t in doc.tables for row in t.rows for c in row if not c.spanned)


def _truth_raws(report: dict) -> Counter:
    return Counter(c["raw"].strip() for c in report["cells"] if c["raw"].strip())


def _truth_row(report: dict, row: str) -> list[str]:
    cells = {c["column"]: c["raw"].strip() for c in report["cells"]
             if c["table"] == "applications" and c["row"] == row}
    return [cells[column] for column in APPLICANT_COLUMNS]


def _assert_matches_truth(doc: Document, report: dict) -> None:
    """The three tables as grids: every raw cell text of the truth among the value cells,
    and the applications table's first row in the seven applicant columns, in order."""
    assert len(doc.tables) == 3, [len(t.rows) for t in doc.tables]
    missing = _truth_raws(report) - _values(doc)
    assert not missing, f"cell texts of the truth not found: {dict(missing)}"
    applications = _table_with(doc, "本年新收")
    assert _row(applications, "本年新收")[-7:] == _truth_row(report, "new_received")
    assert all(len(row) == len(applications.rows[0]) for row in applications.rows)


def _error(data: bytes, **kwargs) -> ExtractionError:
    with pytest.raises(ExtractionError) as caught:
        extract(data, **kwargs)
    return caught.value


# --- the real Ucap page ----------------------------------------------------------------------

@pytest.fixture(scope="module")
def ucap() -> Document:
    return extract(UCAP_SAMPLE.read_bytes(), content_type="text/html", url=UCAP_URL)


def test_ucap_sample_metadata_comes_from_the_page(ucap: Document) -> None:
    assert ucap.format == "html"
    assert ucap.title == "沭阳县发展和改革局2023年政府信息公开年度报告"
    assert ucap.published == "2024-01-17"
    assert ucap.publisher == "沭阳县发展和改革局"


def test_ucap_sample_content_is_the_ucapcontent_only(ucap: Document) -> None:
    text = ucap.text
    assert text.startswith("根据《中华人民共和国政府信息公开条例》")
    assert "一、总体情况" in text and "六、其他需要报告的事项" in text
    # The xxgk metadata table, the collector's wrapper and the page chrome stay out.
    for outside in ("索引号", "采集时间", "014314799/2024-00002"):
        assert outside not in text
    # Word's span/font soup is gone, the words are whole.
    assert "全年共审核发布各类公开政府信息249条" in text


def test_ucap_sample_tables_are_grids_with_spans_expanded(ucap: Document) -> None:
    active, applications, review = ucap.tables
    assert (len(active.rows), len(active.rows[0])) == (14, 4)
    assert (len(applications.rows), len(applications.rows[0])) == (28, 10)
    assert (len(review.rows), len(review.rows[0])) == (4, 15)
    for table in ucap.tables:
        assert all(len(row) == len(table.rows[0]) for row in table.rows)
    # The applications table: 3 label columns + the 7 value columns.
    assert [c.text for c in applications.rows[2][3:]] == [
        "自然人", "商业\n企业", "科研\n机构", "社会公益组织", "法律服务机构", "其他", "总计"]
    assert _row(applications, "本年新收")[-7:] == ["26", "", "", "", "", "", "26"]
    # rowspan: the group label is written once and copied down, marked as a copy.
    denied = [row for row in applications.rows if "（三）不予公开" in row[1].text]
    assert len(denied) == 8
    assert not denied[0][1].spanned and all(row[1].spanned for row in denied[1:])
    assert all(row[0].text == "三、本年度办理结果" for row in denied)
    # colspan: 行政许可's number covers three columns and is read once.
    licensing = next(row for row in active.rows if row[0].text == "行政许可")
    assert [(c.text, c.spanned) for c in licensing] == [
        ("行政许可", False), ("0", False), ("0", True), ("0", True)]
    assert [c.text for c in review.rows[3]] == ["0", "0", "0", "1", "1"] + ["0"] * 10


# --- the real PDFs -----------------------------------------------------------------------------

@pytest.mark.parametrize("year", sorted(HONGZE))
def test_real_pdf_text_and_tables(year: int) -> None:
    doc = extract(HONGZE[year].read_bytes(), content_type="application/pdf")
    assert doc.format == "pdf"
    assert f"{year} 年政府信息公开工作年度报告" in doc.text
    assert "洪泽区人民政府" in doc.blocks[0].text
    # WPS shades every text line with a filled box: prose must not become a table.
    assert len(doc.tables) == 3
    active, applications, review = doc.tables
    assert len(active.rows[0]) == 4 and len(applications.rows[0]) == 10
    assert len(review.rows[0]) == 15
    # The applications table runs over two pages and comes back as one grid, every row.
    assert len(applications.rows) == 26
    received = {2023: ["21", "0", "0", "0", "0", "0", "21"],
                2024: ["95", "0", "0", "0", "0", "0", "95"]}[year]
    assert _row(applications, "本年新收")[-7:] == received
    assert _row(applications, "补正后申请内容仍不明确")[-7:] == ["0"] * 7
    assert _row(applications, "结转下年度继续办理")[-7:] == ["0"] * 7
    # A table's text is not repeated as prose.
    prose = "\n".join(b.text for b in doc.blocks if b.kind == "para")
    assert "本年新收政府信息公开申请数量" not in prose
    assert "本机关不掌握相关政府信息" not in prose


def test_real_pdf_paragraphs_are_joined_across_line_wraps() -> None:
    doc = extract(HONGZE[2023].read_bytes())
    assert any(b.kind == "para" and "2023 年，我区在政府网站平台主动公开政府信息 1136 条" in b.text
               for b in doc.blocks)


# --- the simulator's documents ------------------------------------------------------------------

def _fetch(client: ProxyClient, url: str) -> tuple[bytes, list[tuple[str, str]]]:
    response = client.get(url)
    assert response.status == 200, (url, response.status)
    return response.body, list(response.headers.items())


def _portal_hostility(world_truth: dict) -> dict[str, set[str]]:
    return {p["key"]: set(p["hostility"]) for p in world_truth["portals"]}


def _find(world_truth: dict, *, role: str, rendering: str, style: str | None = None,
          styles: dict[str, str] | None = None, portal: str | None = None,
          url_part: str = "", encoding: str | None = None) -> tuple[dict, str]:
    """The first report (by id) with a URL of that role and rendering, on a portal a plain
    client can fetch from (no JS challenge; attachments without a cookie guard)."""
    hostility = _portal_hostility(world_truth)
    for report in sorted(world_truth["reports"], key=lambda r: r["id"]):
        if report["status"] != "published" or not report["cells"]:
            continue
        if "challenge" in hostility[report["portal"]] or (portal and report["portal"] != portal):
            continue
        if role == "attachment" and "cookie_stub" in hostility[report["portal"]]:
            continue
        if style and styles and styles[report["id"]] != style:
            continue
        for url in report["urls"]:
            if (url["role"] == role and url["rendering"] == rendering and url_part in url["url"]
                    and (encoding is None or url.get("encoding") == encoding)):
                return report, url["url"]
    raise LookupError(f"no {role} {rendering} {style or ''} {portal or ''} report")


@pytest.fixture(scope="module")
def styles(world) -> dict[str, str]:
    """Report id -> HTML house style (word | mso | plain); not part of the truth."""
    return {r.rid: r.html_style for p in world.portals.values() for r in p.reports}


HTML_CASES = {  # id: (role, style, portal, encoding)
    "word-ucap-article": ("article", "word", "shuyang", None),
    "mso-trs-article": ("article", "mso", "hongze", None),
    "plain-hanweb-endpoint": ("endpoint", "plain", "jiaxiang", None),
    "word-hanweb-article": ("article", None, "jiaxiang", None),
    "gbk-hanweb-article": ("article", None, "yanzhou", "gbk"),
}


@pytest.mark.parametrize("case", sorted(HTML_CASES))
def test_simulator_html_reports_match_the_truth(case: str, calm: ProxyClient, world_truth: dict,
                                                styles: dict[str, str]) -> None:
    role, style, portal, encoding = HTML_CASES[case]
    report, url = _find(world_truth, role=role, rendering="html", style=style, styles=styles,
                        portal=portal, encoding=encoding)
    body, headers = _fetch(calm, url)
    doc = extract(body, headers=headers, url=url)
    assert doc.format == "html"
    if role == "article":
        assert doc.title == report["title"]
        assert doc.publisher == report["org"]
    else:  # the endpoint's heading is built from the unit's full name and the year
        assert doc.title == f"{report['org']}{report['year']}年政府信息公开工作年度报告"
    assert doc.published == report["published"][:10]
    _assert_matches_truth(doc, report)
    assert "政府信息公开" in doc.blocks[0].text or "条例" in doc.text[:300]


def test_simulator_image_tables_become_absolute_image_blocks(calm: ProxyClient,
                                                             world_truth: dict) -> None:
    report, url = _find(world_truth, role="endpoint", rendering="image", portal="jiaxiang")
    body, headers = _fetch(calm, url)
    doc = extract(body, headers=headers, url=url)
    expected = {u["url"] for u in report["urls"] if u["role"] == "table_image"}
    assert expected and expected <= {image.src for image in doc.images}
    assert doc.tables == []


def test_simulator_trs_images_resolve_against_the_article(calm: ProxyClient,
                                                         world_truth: dict) -> None:
    report, url = _find(world_truth, role="article", rendering="image", portal="hongze")
    body, headers = _fetch(calm, url)
    doc = extract(body, headers=headers, url=url)
    expected = {u["url"] for u in report["urls"] if u["role"] == "table_image"}
    assert expected and expected <= {image.src for image in doc.images}


@pytest.mark.parametrize("rendering,url_part,fmt", [
    ("docx", "", "docx"),
    ("pdf", "", "pdf"),
    pytest.param("doc", ".doc&", "doc", marks=pytest.mark.slow),
    pytest.param("doc", ".wps", "wps", marks=pytest.mark.slow),
])
def test_simulator_attachments_match_the_truth(rendering: str, url_part: str, fmt: str,
                                               calm: ProxyClient, world_truth: dict) -> None:
    report, url = _find(world_truth, role="attachment", rendering=rendering, url_part=url_part)
    body, headers = _fetch(calm, url)
    doc = extract(body, headers=headers, url=url)
    assert doc.format == fmt
    assert doc.warnings == []
    # The title is the report's own first lines (a docx holds no core title).
    assert _squash(report["title"])[:8] in _squash(doc.text[:200])
    _assert_matches_truth(doc, report)


def test_pdf_table_whose_last_row_falls_on_the_next_page(calm: ProxyClient,
                                                          world_truth: dict) -> None:
    # This report's table 二 leaves its last row (政府集中采购) alone at the top of a page,
    # without a rule above it: still a row of that table, not prose.
    report, url = _find(world_truth, role="attachment", rendering="pdf",
                        url_part="dcdcc148361a8c3b2f8be9b699013882")
    body, headers = _fetch(calm, url)
    doc = extract(body, headers=headers, url=url)
    _assert_matches_truth(doc, report)
    assert _row(doc.tables[0], "政府集中采购")[:2] == ["政府集中采购", "15"]


def test_wps_is_sniffed_from_bytes_not_its_octet_stream_type() -> None:
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600
    assert sniff_format(ole, content_type="application/octet-stream",
                 url="http://x.gov.cn/module/download/downfile.jsp?filename=a.wps") == "wps"
    assert sniff_format(ole, content_type="application/octet-stream", url="http://x/a.doc") == "doc"
    assert sniff_format(b"%PDF-1.7 ...", content_type="text/html") == "pdf"
    assert sniff_format(b"<!DOCTYPE html><html>", content_type="application/octet-stream") == "html"


# --- charsets, plain text -------------------------------------------------------------------------

def test_gbk_page_declared_gb2312_reads_as_gb18030() -> None:
    # 喆 is outside GB2312: portals that declare gb2312 write GBK/GB18030.
    page = ('<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">'
            '<meta name="ArticleTitle" content="兖州区2023年政府信息公开工作年度报告"></head><body>'
            '<div id="zoom"><p>责任编辑：王喆</p><table border="1"><tr><td>规章</td><td>3</td>'
            '</tr><tr><td>行政规范性文件</td><td>5</td></tr></table></div></body></html>')
    doc = extract(page.encode("gb18030"), headers=[("Content-Type", "text/html")])
    assert doc.title == "兖州区2023年政府信息公开工作年度报告"
    assert "王喆" in doc.text
    assert doc.tables[0].texts() == [["规章", "3"], ["行政规范性文件", "5"]]


@pytest.mark.parametrize("seed", sorted(p.name for p in (FIXTURES / "seeds").glob("*.txt")))
def test_seed_text_is_one_para_a_line(seed: str) -> None:
    data = (FIXTURES / "seeds" / seed).read_bytes()
    doc = extract(data, url=f"file:///{seed}")
    # Every line as written, blank and tab-led ones too: the table reader needs the layout
    # of flattened tables (one cell per tab-led line, a blank line between rows).
    assert doc.format == "text"
    assert [b.text for b in doc.blocks] == data.decode("utf-8").splitlines()


def test_short_gbk_text_is_not_read_as_korean() -> None:
    doc = extract("收到政府信息公开申请4件，予以公开2件。".encode("gbk"), content_type="text/plain")
    assert doc.text == "收到政府信息公开申请4件，予以公开2件。"


# --- HTML content finding -------------------------------------------------------------------------

def test_hanweb_markers_trs_oldsrc_and_layout_tables() -> None:
    page = """<html><head><meta name="PubDate" content="2021-02-03 09:00">
<meta name="ContentSource" content="某县人民政府"></head><body>
<div class="nav"><a href="/">首页</a> <a href="/col/1">通知公告</a></div>
<table width="100%"><tr><td>
<div id="zoom"><!--ZJEG_RSS.content.begin--><meta name="ContentStart">
<p>第一段<br>第二行&nbsp;</p>
<div class="TRS_Editor"><img src="" OLDSRC="W020210203.png" alt="表一"></div>
<table border="1"><tr><td rowspan="2">甲</td><td>1</td></tr><tr><td>2</td></tr></table>
<meta name="ContentEnd"><!--ZJEG_RSS.content.end-->
</div><p>页脚</p></td></tr></table></body></html>"""
    doc = extract(page.encode(), url="http://www.x.gov.cn/art/2021/2/3/art_1_2.html")
    assert doc.published == "2021-02-03" and doc.publisher == "某县人民政府"
    assert [b.kind for b in doc.blocks] == ["para", "image", "table"]
    assert doc.blocks[0].text == "第一段\n第二行"
    assert doc.images[0].src == "http://www.x.gov.cn/art/2021/2/3/W020210203.png"
    assert doc.images[0].alt == "表一"
    assert [[(c.text, c.spanned) for c in row] for row in doc.tables[0].rows] == [
        [("甲", False), ("1", False)], [("甲", True), ("2", False)]]
    assert "页脚" not in doc.text and "首页" not in doc.text


@pytest.mark.parametrize("info,publisher,published", [
    ("<div class='info'>发布时间：2022-01-05 10:00　来源：某某镇人民政府</div>", "某某镇人民政府",
     "2022-01-05"),
    ("", None, None),
])
def test_date_and_source_lines_are_read_before_the_body_only(info: str, publisher: str | None,
                                                              published: str | None) -> None:
    page = (f"<html><body><h1>报告</h1>{info}<div class='TRS_Editor'><p>资金来源：财政拨款。"
            f"日期：2021年3月1日</p></div></body></html>")
    doc = extract(page.encode())
    assert (doc.publisher, doc.published) == (publisher, published)


def test_generic_fallback_takes_the_text_not_the_navigation() -> None:
    links = "".join(f'<li><a href="/c/{n}">栏目{n}</a></li>' for n in range(60))
    body = "".join(f"<p>第{n}段：本机关全年主动公开政府信息若干条。</p>" for n in range(12))
    page = (f"<html><body><div class='head'><ul>{links}</ul></div><div class='main'>"
            f"<div class='crumb'>当前位置：首页</div><div class='art'>{body}</div></div>"
            f"<div class='foot'>版权所有</div></body></html>")
    doc = extract(page.encode(), content_type="text/html; charset=utf-8")
    assert doc.blocks[0].text == "第0段：本机关全年主动公开政府信息若干条。"
    assert len(doc.blocks) == 12
    assert any("no CMS content marker" in w for w in doc.warnings)


# --- DOCX details ---------------------------------------------------------------------------------

def _png() -> bytes:
    buffer = io.BytesIO()
    PILImage.new("RGB", (40, 30), "white").save(buffer, "PNG")
    return buffer.getvalue()


def test_docx_merged_cells_images_and_core_title() -> None:
    document = docx.Document()
    document.core_properties.title = "某镇2022年政府信息公开工作年度报告"
    document.add_paragraph("一、总体情况")
    table = document.add_table(rows=3, cols=3)
    table.cell(0, 0).merge(table.cell(0, 2)).text = "申请人情况"  # gridSpan
    table.cell(1, 0).merge(table.cell(2, 0)).text = "三、本年度办理结果"  # vMerge
    for r, c, text in ((1, 1, "予以公开"), (1, 2, "4"), (2, 1, "部分公开"), (2, 2, " 1")):
        table.cell(r, c).text = text
    document.add_paragraph().add_run().add_picture(io.BytesIO(_png()))
    buffer = io.BytesIO()
    document.save(buffer)
    doc = extract(buffer.getvalue())
    assert doc.format == "docx" and doc.title == "某镇2022年政府信息公开工作年度报告"
    assert [b.kind for b in doc.blocks] == ["para", "table", "image"]
    assert [[(c.text, c.spanned) for c in row] for row in doc.tables[0].rows] == [
        [("申请人情况", False), ("申请人情况", True), ("申请人情况", True)],
        [("三、本年度办理结果", False), ("予以公开", False), ("4", False)],
        [("三、本年度办理结果", True), ("部分公开", False), ("1", False)]]
    image = doc.images[0]
    assert image.data is not None and image.data.startswith(b"\x89PNG")
    assert image.src.startswith("word/media/")


# --- hostile inputs ---------------------------------------------------------------------------------

def test_empty_input_is_empty() -> None:
    for data in (b"", b" \r\n\t "):
        error = _error(data)
        assert error.kind == "empty" and "empty file" in error.reason


def test_truncated_pdf_is_reported_as_truncated() -> None:
    data = HONGZE[2023].read_bytes()
    error = _error(data[: len(data) // 2], content_type="application/pdf")
    assert error.kind == "extract" and error.reason.startswith("truncated PDF")


def test_damaged_pdfs_end_as_extraction_errors_or_partial_documents() -> None:
    junk = b"%PDF-1.7\n" + random.Random(5).randbytes(30_000) + b"\n%%EOF\n"
    assert _error(junk).reason.startswith(("unreadable PDF", "PDF has no text layer"))
    damaged = bytearray(HONGZE[2024].read_bytes())
    damaged[1000:60000] = bytes(59000)  # objects zeroed, the end intact: pdfminer recovers
    try:
        doc = extract(bytes(damaged))
    except ExtractionError:
        return
    assert doc.format == "pdf" and doc.blocks


def test_corrupt_docx_is_reported_as_corrupt(calm: ProxyClient, world_truth: dict) -> None:
    _report, url = _find(world_truth, role="attachment", rendering="docx")
    body, headers = _fetch(calm, url)
    error = _error(body[: len(body) // 2], headers=headers, url=url)
    assert error.reason.startswith("corrupt DOCX")
    broken = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(body)) as source, zipfile.ZipFile(broken, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            target.writestr(info, b"<w:document><unclosed" if info.filename ==
                            "word/document.xml" else data)
    error = _error(broken.getvalue(), headers=headers, url=url)
    assert error.kind == "extract" and error.reason.startswith("corrupt DOCX")


def test_zip_bomb_posing_as_docx_is_refused_before_inflating() -> None:
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("word/document.xml", "w") as member:
            chunk = b"\0" * (1 << 20)
            for _ in range(64):
                member.write(chunk)
    data = bomb.getvalue()
    assert len(data) < 200_000
    started = time.monotonic()
    error = _error(data, url="http://x.gov.cn/a.docx")
    assert time.monotonic() - started < 2
    assert error.kind == "too_large"
    assert error.reason.startswith("DOCX is a zip bomb") and "64.0 MB" in error.reason


@pytest.mark.slow
def test_ten_megabytes_of_html_are_capped_with_a_warning() -> None:
    para = "<p>本报告由某某镇按照《中华人民共和国政府信息公开条例》要求编制，共公开信息123条。</p>\n"
    page = ("<html><head><meta charset='utf-8'></head><body><div id='zoom'>"
            + para * (10_500_000 // len(para.encode()))).encode()
    assert len(page) > 10_000_000
    started = time.monotonic()
    doc = extract(page, content_type="text/html")
    assert time.monotonic() - started < 30
    assert any(w.startswith("HTML too large: 10.0 MB") for w in doc.warnings)
    assert doc.blocks and doc.blocks[0].text.startswith("本报告由某某镇")


def test_absurd_spans_do_not_explode_the_grid() -> None:
    page = ("<html><body><table>" + "<tr>" + '<td colspan="100000" rowspan="100000">x</td>' * 3
            + "</tr><tr><td>a</td><td>b</td></tr></table></body></html>").encode()
    started = time.monotonic()
    doc = extract(page)
    assert time.monotonic() - started < 2
    assert [len(row) for row in doc.tables[0].rows] == [5, 5]


@pytest.mark.parametrize("kwargs,kind,reason", [
    ({}, "unsupported", "binary data of unknown type"),
    ({"content_type": "application/pdf"}, "extract", "not a PDF"),
    ({"url": "http://x.gov.cn/a.docx"}, "unsupported", "not a DOCX file"),
    ({"content_type": "text/html"}, "unsupported", "not HTML"),
])
def test_binary_junk_is_refused_with_what_it_is(kwargs: dict, kind: str, reason: str) -> None:
    junk = random.Random(7).randbytes(50_000)
    error = _error(junk, **kwargs)
    assert error.kind == kind and error.reason.startswith(reason)


def test_a_zip_that_is_no_word_document_is_unsupported() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("data.csv", "a,b\n1,2\n")
    error = _error(buffer.getvalue(), url="http://x.gov.cn/a.zip")
    assert error.kind == "unsupported" and "not a Word document" in error.reason


def test_ole2_junk_is_no_word_document() -> None:
    junk = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + random.Random(3).randbytes(20_000)
    error = _error(junk, url="http://x.gov.cn/a.doc")
    assert error.kind == "unsupported" and "WordDocument" in error.reason


@pytest.mark.slow
def test_word_document_libreoffice_and_antiword_cannot_read_is_refused() -> None:
    junk = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + random.Random(3).randbytes(20_000)
            + "WordDocument".encode("utf-16-le") + random.Random(4).randbytes(5_000))
    error = _error(junk, url="http://x.gov.cn/a.doc")
    assert error.reason.startswith(("DOC unreadable", "unreadable DOC"))


@pytest.mark.slow
def test_libreoffice_timeout_falls_back_to_antiword(calm: ProxyClient, world_truth: dict) -> None:
    report, url = _find(world_truth, role="attachment", rendering="doc", url_part=".doc&")
    body, headers = _fetch(calm, url)
    doc = extract(body, headers=headers, url=url, limits=Limits(soffice_timeout=0.2))
    assert doc.format == "doc"
    assert any("LibreOffice could not convert" in w and "did not finish within 0.2 s" in w
               for w in doc.warnings)
    # antiword reads the prose (and flattens the narrow table 二 into |-rows).
    assert "一、总体情况" in doc.text and "|规章" in _squash(doc.text)
    assert report["org"][:2] in doc.text


def test_image_payloads_go_to_the_image_extractor() -> None:
    try:
        doc = extract(_png(), content_type="application/octet-stream")
    except ExtractionError as error:  # no table in a blank image is a fine answer too
        assert error.reason
    else:
        assert doc.format == "image"
