"""Reports as Word documents (python-docx), the form most attachments start from.

The .doc and .pdf attachments are converted from these by LibreOffice (``render_office``),
as real ones are exported from Word or WPS. Output is byte-deterministic: fixed core
properties and fixed zip timestamps, so ETags stay honest across simulator restarts.
"""

from __future__ import annotations

import io
import zipfile
from datetime import datetime

import docx
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt
from docx.text.paragraph import Paragraph

from .document import BLANK, FIGURE, HEADING, SIGNATURE, SUBHEADING, TABLE, TITLE, Block
from .tables import Grid

_FIXED = datetime(2023, 1, 1, 8, 0, 0)


def _font(run, name: str, size: float, bold: bool = False) -> None:
    run.font.name = name
    run.font.size = Pt(size)
    run.font.bold = bold
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)


def report_docx(blocks: list[Block], grids: dict[str, Grid] | None, *, author: str) -> bytes:
    """The whole report; tables drawn from ``grids`` (None: the document has no tables)."""
    document = docx.Document()
    props = document.core_properties
    props.author = author
    props.last_modified_by = author
    props.created = props.modified = _FIXED
    props.revision = 1
    for block in blocks:
        if block.kind == TABLE:
            if grids is not None:
                _table(document, grids[block.table])
            continue
        if block.kind == FIGURE:
            continue
        if block.kind == BLANK:
            document.add_paragraph()
            continue
        for line in block.text.split("\n"):
            paragraph = document.add_paragraph()
            run = paragraph.add_run(line.strip() if block.kind == SIGNATURE else line)
            if block.kind == TITLE:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
                _font(run, "方正小标宋简体", 22)
            elif block.kind == HEADING:
                _font(run, "黑体", 16)
            elif block.kind == SUBHEADING:
                _font(run, "楷体_GB2312", 16)
            elif block.kind == SIGNATURE:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
                _font(run, "仿宋_GB2312", 16)
            else:
                paragraph.paragraph_format.first_line_indent = Pt(32)
                _font(run, "仿宋_GB2312", 16)
    buffer = io.BytesIO()
    document.save(buffer)
    return _normalised_zip(buffer.getvalue())


def _table(document, grid: Grid) -> None:
    """Write merged cells as Word stores them (gridSpan, vMerge) in one pass; python-docx's
    cell-by-cell merge API is quadratic and takes seconds on the 28x10 table."""
    table = document.add_table(rows=len(grid.rows), cols=grid.n_cols)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    origin = {}
    for r, c, cell in grid.positions():
        for dr in range(cell.rowspan):
            origin[(r + dr, c)] = (r, cell)
    for r, row in enumerate(table.rows):
        tr = row._tr
        for tc in list(tr.tc_lst):
            tr.remove(tc)
        c = 0
        while c < grid.n_cols:
            start, cell = origin[(r, c)]
            tc = OxmlElement("w:tc")
            props = OxmlElement("w:tcPr")
            if cell.colspan > 1:
                span = OxmlElement("w:gridSpan")
                span.set(qn("w:val"), str(cell.colspan))
                props.append(span)
            if cell.rowspan > 1:
                merge = OxmlElement("w:vMerge")
                if start == r:
                    merge.set(qn("w:val"), "restart")
                props.append(merge)
            tc.append(props)
            tr.append(tc)
            lines = cell.text.split("\n") if start == r else [""]
            for line in lines:
                paragraph = Paragraph(tc.add_p(), None)
                paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
                if line:
                    _font(paragraph.add_run(line), "仿宋_GB2312", 9)
            c += cell.colspan


def _normalised_zip(data: bytes) -> bytes:
    """Rewrite the package with fixed timestamps (python-docx stamps the current time)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=_FIXED.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(fixed, source.read(info.filename))
    return out.getvalue()
