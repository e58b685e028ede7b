"""Report bodies in the forms real portals publish when the Word tables did not survive:
tables flattened to text lines, a ``<p>`` or ``<div>`` per cell, tables whose rowspans were
lost, the whole report in traditional characters.

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
    CELLS_BARE, CELLS_PIPE_ROWEND, DIV_CELLS, P_CELLS, PAGE_FORMS, PDF_TEXT, PIPE_MARKDOWN,
    PIPE_ROWS, ROWSPAN_LOST, TRADITIONAL, ZERO_WORDS,
)
from .render_html import _paragraph, body_html, table_html
from .tables import Grid
from .traditional import to_traditional

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
            PIPE_ROWS: flatten.pipe_rows}[form](grid)


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
              raws: dict[str, str], layout: str, images: dict[int, str],
              skip_title: bool = False) -> str:
    """The report body in ``form`` (one of ``forms.PAGE_FORMS``)."""
    if form in (TRADITIONAL, ZERO_WORDS):
        body = body_html(blocks, style, grids=grids, images=images, skip_title=skip_title)
        return to_traditional(body) if form == TRADITIONAL else body
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
                         raws=raws, layout=report.layout, images=images,
                         skip_title=skip_title)
    return body_html(report.blocks, report.html_style, grids=grids, images=images,
                     skip_title=skip_title)


def page_in_form(report: Report | None, html: str) -> str:
    """A whole served page of the report: a traditional report's page is traditional all
    through (title, chrome, metadata), as a 繁體 gateway serves it."""
    if report is not None and report.form == TRADITIONAL:
        return to_traditional(html)
    return html
