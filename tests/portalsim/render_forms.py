"""Report bodies in the forms real portals publish when the Word tables did not survive:
tables flattened to text lines, a ``<p>`` or ``<div>`` per cell (blank cells lost, or kept as
``<p>&nbsp;</p>``), tables whose rowspans were lost, the whole report in traditional
characters (with a converter's pinyin readings, or without), table 二's labels carrying the
filling instructions.

``forms.py`` decides which report gets which form; this module only draws. The words are
the report's own blocks (``render_html``); only the tables (and, for ``traditional``, every
character) change. Each form names the corpus file it copies (tests/fixtures/real/reports/).
"""

from __future__ import annotations

import re
from datetime import date
from html import escape
from typing import TYPE_CHECKING

from . import flatten
from .document import FIGURE, TABLE, TITLE, Block
from .forms import (
    CELLS_BARE,
    CELLS_PIPE_ROWEND,
    DIV_CELLS,
    INSTRUCTION_LABELS,
    P_CELLS,
    P_CELLS_NBSP,
    PAGE_FORMS,
    PDF_TEXT,
    PIPE_BLANK_LINES,
    PIPE_MARKDOWN,
    PIPE_ROWS,
    READING_AIDS,
    ROWSPAN_LOST,
    TRADITIONAL,
    ZERO_WORDS,
)
from .render_html import _paragraph, body_html, table_html
from .tables import Grid, GridCell
from .traditional import reading_aids_page, to_traditional

if TYPE_CHECKING:
    from .world import Report

# What a flattened table is introduced by in the corpus file it copies.
_TABLE_INTRO = {CELLS_BARE: "该部分以表格形式报告。表格如下:"}  # xj-nileke-zhen-township-2023


def _lines_html(lines: list[str], tag: str = "p") -> str:
    """Text lines as the CMS stores them: one ``<p>`` a line (empty lines as empty paragraphs,
    which text extraction turns back into blank lines)."""
    return "\n".join(f"<{tag}>{escape(line, quote=False)}</{tag}>" if line.strip()
                     else f"<{tag}><br/></{tag}>" for line in lines)


def _broken_lines_html(lines: list[str]) -> str:
    """Text lines in one block, broken by ``<br/>``: a PDF's text layer pasted into the
    editor (a flip-book's text page keeps the PDF's lines this way)."""
    return ('<div class="pdf-text">' + "<br/>\n".join(escape(line, quote=False)
                                                      for line in lines) + "</div>")


def _grid_lines(form: str, grid: Grid) -> list[str]:
    return {CELLS_PIPE_ROWEND: flatten.cells_pipe_rowend, CELLS_BARE: flatten.cells_bare,
            PIPE_ROWS: flatten.pipe_rows, PIPE_BLANK_LINES: flatten.pipe_blank_lines}[form](grid)


def _cells_html(grid: Grid, tag: str) -> str:
    """A ``<p>``/``<div>`` per cell, no <table>: cq-rongchang-hebaozhen-township-2020-43c257b3
    (its stored text is one cell a line with an empty line between, what a block per cell
    gives). The ``<div>`` variant draws the same cells with the other block element."""
    lines = flatten.cells_blank_separated(grid)
    cells = [line for line in lines if line]
    if tag == "p":
        return "\n".join(f'<p style="text-align:center">{escape(c, quote=False)}</p>'
                         for c in cells)
    return ('<div class="tab">\n' + "\n".join(
        f'<div class="td">{escape(c, quote=False)}</div>' for c in cells) + "\n</div>")


def _nbsp_cells_html(grid: Grid) -> str:
    """A ``<p>`` per cell, no <table>, a blank cell kept as ``<p>&nbsp;</p>``, a number after
    a ``&nbsp;``, a label's line breaks as ``<br>`` (``本年新<br>制作数量``). Copied from
    qh-huzhu-zhengwufuwuzhongxin-department-2020-de3cc5c6 (互助县政务服务中心), whose text is
    one cell a line with an empty line between, the blank cells lines of a space (what
    ``&nbsp;`` gives) and the numbers ``' 148'``: ``本年新`` / ``制作数量`` / `` `` / ``规章`` /
    ``' '`` / `` `` / ``' '``."""
    def cell_html(cell: GridCell) -> str:
        if cell.key is None:
            return "<br>".join(escape(part.strip(), quote=False) for part in cell.text.split("\n"))
        text = cell.text.strip()
        return f"&nbsp;{escape(text, quote=False)}" if text else "&nbsp;"

    return "\n".join(f"<p>{cell_html(cell)}</p>" for row in grid.rows for cell in row)


# Table 二's labels as hb-wuhan-shengtaihuanjingju-department-2020-672782fe writes them (武汉市
# 生态环境局 2020, a traditional copy; here in simplified characters): the provincial filling
# instructions in half-width brackets after the row and column labels, {year} the report's
# year, {before} the year before; 规范性文件 written 规范性档案, as the file's converter
# swapped 文件 for 檔案 (in the label and in its instruction).
_INSTRUCTIONS = {
    "规章": "{label}(设区的市、自治州人民政府应提供相关数据)",
    "规范性文件": "规范性档案(行政机关制定发布的决定、公告、通告、意见、通知,以及标题采用“规定”“办法”"
                  "“细则”“规范”“规程”“规则”等字样的公文,一般情况下属于规范性档案)",
    "上一年项目数量": "{label}(指{before}年事项数)",
    "本年增/减": "{label}(指{year}年增加或减少的事项数,减用负值表示,如-8)",
    "处理决定数量": "{label}(指{year}年办件量)",
    "其他对外管理服务事项": "{label}(指行政许可证以外的政务服务事项,含行政确认、行政奖励、行政裁决、"
                            "行政给付、行政处罚、行政强制、行政检查、行政征收和其他类,以及公共服务事项)",
}


def instruction_grid(grid: Grid, year: int) -> Grid:
    """Table 二 with the filling instructions in its labels (``_INSTRUCTIONS``), each label
    written as the file writes it (``规章(…)``, not a report's own ``规 章``)."""
    rows = []
    for row in grid.rows:
        cells = []
        for cell in row:
            label = "".join(cell.text.split())
            pattern = _INSTRUCTIONS.get(label) if cell.key is None else None
            if pattern:
                text = pattern.format(label=label, year=year, before=year - 1)
                cell = GridCell(text, cell.rowspan, cell.colspan, cell.key, cell.header)
            cells.append(cell)
        rows.append(cells)
    return Grid(grid.table, grid.n_cols, rows)


_ROWSPAN = re.compile(r' rowspan="\d+"')


def _rowspan_lost_html(grid: Grid, style: str) -> str:
    """The official table with every ``rowspan`` dropped: a group label (三、本年度办理结果,
    （三）不予公开) then shares the row of its first sub-row, and later sub-rows are short.
    Copied from the rows of sc-qilipingzhen-township-2020-6905b4fa and
    jl-erdao-fangwuzhengshouban-department-2022-14c3fa23 (``三、本年度办理结果 |`` /
    ``(一)予以公开 |`` / ``3 |`` ..., ``(三)不予公开 |`` / ``1.属于国家秘密 |`` ...), which are
    what such a table reads as."""
    return _ROWSPAN.sub("", table_html(grid, style))


def form_body(blocks: list[Block], style: str, form: str, *, grids: dict[str, Grid],
              raws: dict[str, str], layout: str, images: dict[int, str], year: int,
              skip_title: bool = False) -> str:
    """The report body in ``form`` (one of ``forms.PAGE_FORMS``)."""
    if form == INSTRUCTION_LABELS:
        grids = {**grids, "active": instruction_grid(grids["active"], year)}
    if form in (TRADITIONAL, READING_AIDS, ZERO_WORDS, INSTRUCTION_LABELS):
        body = body_html(blocks, style, grids=grids, images=images, skip_title=skip_title)
        return {TRADITIONAL: to_traditional, READING_AIDS: reading_aids_page}.get(
            form, str)(body)
    special = {PIPE_MARKDOWN: flatten.markdown_tables, PDF_TEXT: flatten.pdf_text_tables}
    texts = special[form](layout, raws) if form in special else None
    parts = []
    for block in blocks:
        if block.kind == TITLE and skip_title:
            continue
        if block.kind != TABLE:
            if block.kind != FIGURE:
                parts.append(_paragraph(block, style))
            continue
        grid = grids[block.table]
        if form == PDF_TEXT:
            parts.append(_broken_lines_html(texts[block.table]))
        elif texts is not None:
            parts.append(_lines_html(texts[block.table]))
        elif form in (P_CELLS, DIV_CELLS):
            parts.append(_cells_html(grid, "p" if form == P_CELLS else "div"))
        elif form == P_CELLS_NBSP:
            parts.append(_nbsp_cells_html(grid))
        elif form == ROWSPAN_LOST:
            parts.append(_rowspan_lost_html(grid, style))
        else:
            intro = _TABLE_INTRO.get(form)
            parts.append(_lines_html(([intro] if intro else []) + _grid_lines(form, grid)))
    return "\n".join(parts)


def html_report_body(report: Report, as_of: date, images: dict[int, str], *,
                     skip_title: bool) -> str:
    """The body of an inline-HTML report (``world.HTML``), in its form if it has one: what
    both routers (Hanweb, static CMS) serve."""
    from .assets import grids_for

    grids = grids_for(report, as_of)
    if report.form in PAGE_FORMS:
        raws = {k: c.raw for k, c in report.version_at(as_of).cells.items()}
        return form_body(report.blocks, report.html_style, report.form, grids=grids,
                         raws=raws, layout=report.layout, images=images, year=report.year,
                         skip_title=skip_title)
    return body_html(report.blocks, report.html_style, grids=grids, images=images,
                     skip_title=skip_title)


def page_in_form(report: Report | None, html: str) -> str:
    """A whole served page of the report: a traditional report's page is traditional all
    through (title, chrome, metadata), as a 繁體 gateway serves it; a copy with reading aids
    also has the readings in all its text (sn-ningqiang-minzhengju-department-2023-c3dde74e:
    the title 寧強(qiáng)縣民政局 / 關(guān)于2023年政府信息公開年度報(bào)告 is annotated too)."""
    if report is not None and report.form == TRADITIONAL:
        return to_traditional(html)
    if report is not None and report.form == READING_AIDS:
        return reading_aids_page(html)
    return html
