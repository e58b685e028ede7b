"""The simulator's report forms copied from the real corpus (tests/portalsim/forms.py).

For each form: the default world draws it; the page the simulator serves has the real form
(pipe rows, no <table> for cells as blocks, traditional characters...); and the parsers,
given the served bytes, read exactly the truth: every cell's value and text, the
organisation as written, the year and the layout. Drawing the forms changes nothing else
of the world. Fast: pages are rendered in-process, no HTTP, no office conversion.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import date
from urllib.parse import parse_qsl, urlsplit

import pytest

from parsers.extract import extract
from parsers.report import parse_document
from tests.portalsim import forms
from tests.portalsim.assets import Assets
from tests.portalsim.page import SimRequest
from tests.portalsim.render_office import OfficeConverter
from tests.portalsim.routes import PortalRouter
from tests.portalsim.traditional import READINGS, traditional_text
from tests.portalsim.truth import report_truth, truth
from tests.portalsim.world import World, build_world

AS_OF = date(2025, 6, 30)
PAGE_ROLES = ("endpoint", "article", "alias")


@pytest.fixture(scope="module")
def world() -> World:
    return build_world()


@pytest.fixture(scope="module")
def router(world: World) -> PortalRouter:
    return PortalRouter(world, Assets(world, OfficeConverter()))


def _served(router: PortalRouter, url: str) -> tuple[bytes, str]:
    parts = urlsplit(url)
    page = router.respond(SimRequest(parts.hostname or "", "GET", parts.path,
                                     dict(parse_qsl(parts.query))), AS_OF)
    assert page.status == 200, url
    return page.body, page.content_type


def _text(body: bytes) -> str:
    for encoding in ("utf-8", "gbk"):
        try:
            return body.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise AssertionError("page is neither UTF-8 nor GBK")


def _form_reports(world: World, form: str) -> list:
    return [r for r in world.reports() if r.form == form and r.visible(AS_OF)]


def _pages(world: World, form: str) -> list[tuple[object, dict, str]]:
    """(report, truth, url) of every page of every visible report drawn in ``form``."""
    out = []
    for report in _form_reports(world, form):
        entry = report_truth(report, AS_OF)
        out += [(report, entry, u["url"]) for u in entry["urls"] if u["role"] in PAGE_ROLES]
    return out


def test_every_form_is_drawn_on_every_portal(world: World) -> None:
    drawn = Counter(r.form for r in world.reports() if r.form)
    portals = {r.portal.key for r in world.reports() if r.form}
    assert portals == {"jiaxiang", "wenshang", "wendeng", "yanzhou", "hongze", "shuyang"}
    # yanzhou posts no report as an article only, so it has no traditional page; jiaxiang
    # posts one, drawn traditional, so it has no page with reading aids; pipe_blank_lines
    # wants an article-only page with blank cells, which three portals have left.
    fewer = {forms.TRADITIONAL: 5, forms.READING_AIDS: 4, forms.PIPE_BLANK_LINES: 3}
    for form in forms.PAGE_FORMS:
        assert drawn[form] >= fewer.get(form, 6), (form, drawn)
    assert drawn[forms.PROSE_NUMBERS] == 6
    assert drawn[forms.SCANNED_PDF] == 0, "scans are behind PORTALSIM_FORMS_UNREAD"
    counts = truth(world, AS_OF)["counts"]["by_form"]
    assert sum(counts.values()) == sum(1 for r in world.reports() if r.form and r.visible(AS_OF))


def test_forms_change_nothing_else(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    """Renderings, layouts, placements, breakages and events are what they are without
    forms: forms draw from their own generator, after everything else."""
    monkeypatch.setattr(forms, "assign_forms", lambda *a, **k: None)
    plain = {r.rid: r for r in build_world().reports()}
    for report in world.reports():
        other = plain[report.rid]
        assert (report.rendering, report.layout, report.on_endpoint, report.breakage,
                report.published, len(report.versions)) == (
            other.rendering, other.layout, other.on_endpoint, other.breakage,
            other.published, len(other.versions)), report.rid
        assert (report.article.path if report.article else None) == (
            other.article.path if other.article else None)
        if report.form not in (forms.ZERO_WORDS, forms.PROSE_NUMBERS):
            assert {k: c.value for k, c in report.versions[0].cells.items()} == {
                k: c.value for k, c in other.versions[0].cells.items()}, report.rid


_NO_TABLE = (forms.CELLS_PIPE_ROWEND, forms.CELLS_BARE, forms.PIPE_ROWS, forms.PIPE_MARKDOWN,
             forms.PDF_TEXT, forms.P_CELLS, forms.DIV_CELLS, forms.P_CELLS_NBSP)
_MARKERS = {
    forms.CELLS_PIPE_ROWEND: [r"<p>信息内容 \|</p>", r"<p>\|\|\|</p>"],
    forms.CELLS_BARE: [r"<p>信息内容</p>\n<p>\|</p>", r"<p>商业</p>\n<p>企业</p>"],
    forms.PIPE_ROWS: [r"<p>信息内容 \| [^<]+ \|</p>", r"申请人情况 \| \|{8}</p>"],
    forms.PIPE_MARKDOWN: [r"<p>\|---\|---\|", r"<p>### 第二十条第（一）项</p>",
                          r"<p>\| 类别 \| 数据1 \|"],
    forms.PDF_TEXT: [r"一、本年新收政府信息公开申请数量( \S+){7}<br/>",
                     r"维持 纠正 结果 审结 计"],
    forms.P_CELLS: [r'<p style="text-align:center">信息内容</p>'],
    forms.DIV_CELLS: [r'<div class="td">信息内容</div>'],
    forms.ROWSPAN_LOST: [r"<table", r"商业<br/>企业|商业</span>.*企业"],
    forms.TRADITIONAL: ["政府信息公開工作年度報告", "三安全一穩定", "行政訴訟", "行政復議"],
    forms.ZERO_WORDS: [r">\d+件<", r">无<"],
    forms.P_CELLS_NBSP: [r"<p>&nbsp;</p>", r"<p>&nbsp;\d+</p>", r"<p>商业<br>企业</p>",
                         r"<p>信息内容</p>"],
    forms.READING_AIDS: [r"年度報\(bào\)告", r"信息內\(nèi\)容", r"行政強\(qiáng\)制",
                         r"行政復\(fù\)議", r"數\(shù\)"],
    forms.INSTRUCTION_LABELS: [r"规章\(设区的市、自治州人民政府应提供相关数据\)",
                               r"规范性档案\(行政机关制定发布的决定、公告、通告、意见、通知,",
                               r"上一年项目数量\(指\d{4}年事项数\)",
                               r"本年增/减\(指\d{4}年增加或减少的事项数,减用负值表示,如-8\)",
                               r"处理决定数量\(指\d{4}年办件量\)",
                               r"其他对外管理服务事项\(指行政许可证以外的政务服务事项,"],
}


@pytest.mark.parametrize("form", sorted(_MARKERS))
def test_the_served_page_has_the_real_form(world: World, router: PortalRouter,
                                           form: str) -> None:
    pages = _pages(world, form)
    assert pages
    for report, _, url in pages:
        html = _text(_served(router, url)[0])
        for marker in _MARKERS[form]:
            assert re.search(marker, html, re.DOTALL), (form, url, marker)
        if form in _NO_TABLE:  # the page chrome may have tables (Ucap's metadata), not these
            tables = re.findall(r"<table.*?</table>", html, re.DOTALL | re.IGNORECASE)
            assert not [t for t in tables if "信息内容" in t or "申请人" in t], (form, url)
        if form == forms.ROWSPAN_LOST:
            assert "rowspan" not in html, url
        if form in forms.TRADITIONAL_FORMS:  # simplified-only characters are outside Big5
            left = {c for c in html if ord(c) > 0x3000 and not _in_big5(c)}
            assert not left, (url, "simplified characters left", left)
        if form == forms.P_CELLS_NBSP and report.layout == "gb2019":
            assert "<p>本年新<br>制作数量</p>" in html, url
        if form == forms.READING_AIDS:  # every such character of the text, none other
            text = re.sub(r"<script.*?</script>|<[^>]*>", "", html, flags=re.DOTALL)
            bare = [m.group() for m in re.finditer(f"[{''.join(READINGS)}]", text)
                    if not text.startswith(f"({READINGS[m.group()]})", m.end())]
            assert not bare, (url, "characters without their reading", set(bare))
            assert "(tiáo)" not in html and "條例" in html, url  # the file leaves 條 bare
        if form == forms.INSTRUCTION_LABELS:  # the report's year and the year before
            assert f"(指{report.year - 1}年事项数)" in html, url
            assert f"(指{report.year}年办件量)" in html, url


def _in_big5(char: str) -> bool:
    try:
        char.encode("big5")
    except UnicodeEncodeError:
        return False
    return True


def _cells(result: dict) -> dict[str, tuple]:
    return {f"{c['table']}/{c['row']}/{c['column']}": (c["value"], (c["raw"] or "").strip())
            for c in result["cells"] if c["source"] != "prose"}


def _parsed(router: PortalRouter, entry: dict, url: str) -> tuple[dict, dict]:
    """The page at ``url`` parsed, and its cells that differ from the truth ``entry``'s
    (truth value and text, then what was read)."""
    body, content_type = _served(router, url)
    result = parse_document(extract(body, content_type=content_type, url=url), url).to_json()
    expected = {f"{c['table']}/{c['row']}/{c['column']}": (c["value"], c["raw"].strip())
                for c in entry["cells"]}
    got = _cells(result)
    return result, {k: (v, got.get(k)) for k, v in expected.items() if got.get(k) != v}


@pytest.mark.parametrize("form", [*forms.PAGE_FORMS, forms.PROSE_NUMBERS])
def test_parsing_the_served_page_gives_the_truth(world: World, router: PortalRouter,
                                                 form: str) -> None:
    pages = _pages(world, form)
    assert pages
    problems = []
    for report, entry, url in pages:
        result, wrong = _parsed(router, entry, url)
        if wrong:
            problems.append(f"{url}: {len(wrong)} cells wrong, e.g. {list(wrong.items())[:3]}")
        if (result["org"], result["year"]) != (entry["org"], entry["year"]):
            problems.append(f"{url}: {result['org']} {result['year']} != "
                            f"{entry['org']} {entry['year']}")
        if entry["layout"] in ("gb2021", "gb2019") and result["layout"] != entry["layout"]:
            problems.append(f"{url}: layout {result['layout']} != {entry['layout']}")
        if form == forms.PROSE_NUMBERS:
            stated = {f["cell"]: f["value"] for f in entry["facts"] if f["cell"]}
            prose = {f"{c['table']}/{c['row']}/{c['column']}": c["value"]
                     for c in result["cells"] if c["source"] == "prose"}
            if prose != stated:
                problems.append(f"{url}: prose {prose} != facts {stated}")
    assert not problems, "\n".join(problems)


def test_prose_numbers_state_the_reports_own_numbers(world: World) -> None:
    for report in _form_reports(world, forms.PROSE_NUMBERS):
        cells = report.versions[0].cells
        text = "\n".join(b.text for b in report.blocks)
        assert report.layout == "none" and not report_truth(report, AS_OF)["cells"]
        for fact in report.facts:
            assert fact.text in text, (report.rid, fact)
            if fact.cell:
                assert (cells[fact.cell].value or 0) == fact.value, (report.rid, fact)


def test_a_traditional_report_names_itself_as_written(world: World) -> None:
    for report in _form_reports(world, forms.TRADITIONAL):
        entry = report_truth(report, AS_OF)
        assert entry["org"] != report.unit.name, entry["org"]
        assert all(_in_big5(c) for c in entry["org"]), entry["org"]
        assert not report.on_endpoint, "a gateway copy is an article page"


def test_a_page_with_reading_aids_names_itself_without_them(world: World) -> None:
    """寧強(qiáng)縣民政局 is 寧強縣民政局 (sn-ningqiang-minzhengju-department-2023-c3dde74e is
    typed so): the truth's org is the traditional name, without pinyin."""
    reports = _form_reports(world, forms.READING_AIDS)
    assert reports
    for report in reports:
        entry = report_truth(report, AS_OF)
        assert entry["org"] == traditional_text(report.unit.name) != report.unit.name
        assert "(" not in entry["org"]
        assert not report.on_endpoint, "a copy site's copy is an article page"


def test_blank_cells_are_kept_as_nbsp_paragraphs(world: World) -> None:
    """Unlike p_cells, p_cells_nbsp is given to reports with blank cells (it keeps them),
    and its reports' labels are split (本年新 / 制作数量) as in the file it copies."""
    reports = _form_reports(world, forms.P_CELLS_NBSP)
    assert reports and forms.P_CELLS_NBSP not in forms.NEEDS_NO_BLANKS
    for report in reports:
        assert any(c["value"] is None for c in report_truth(report, AS_OF)["cells"]), report.rid
        assert report.label_style.split_lines, report.rid


def test_instruction_labels_are_drawn_on_2019_tables(world: World) -> None:
    """The instructions belong to the 2019 form's labels (上一年项目数量, 本年增/减)."""
    reports = _form_reports(world, forms.INSTRUCTION_LABELS)
    assert len(reports) >= 6
    assert {r.layout for r in reports} == {"gb2019"}


def test_the_unread_forms_are_behind_their_flag(monkeypatch: pytest.MonkeyPatch) -> None:
    """PORTALSIM_FORMS_UNREAD=1 draws what the parsers cannot read yet: a scanned PDF on two
    portals (truth cells marked ``ocr``)."""
    monkeypatch.setenv(forms.UNREAD_ENV, "1")
    world = build_world()
    scanned = _form_reports(world, forms.SCANNED_PDF)
    assert sorted(r.portal.key for r in scanned) == sorted(forms.SCANNED_PORTALS)
    for report in scanned:
        entry = report_truth(report, AS_OF)
        assert entry["rendering"] == "pdf" and {c["source"] for c in entry["cells"]} == {"ocr"}


def test_traditional_amounts_in_wan_yuan_are_read(world: World) -> None:
    """A traditional page writes 75.46萬元: the fee cell (and gb2019's 政府集中采购 row, whose
    amount shares the row with its count) must still be read."""
    router = PortalRouter(world, Assets(world, OfficeConverter()))
    reports = [r for r in _form_reports(world, forms.TRADITIONAL)
               if any("万" in c.raw for c in r.versions[0].cells.values())]
    assert {r.layout for r in reports} == {"gb2019", "gb2021"}  # the world draws both
    for report in reports:
        entry = report_truth(report, AS_OF)
        url = next(u["url"] for u in entry["urls"] if u["role"] in PAGE_ROLES)
        assert _parsed(router, entry, url)[1] == {}, report.rid
