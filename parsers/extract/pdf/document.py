"""PDF attachments to Documents: text lines joined into paragraphs, ruled tables as grids.

Pages are read through PDFium (``pdf_pdfium``: C, several times faster than pdfminer) and,
for files it cannot open or pages holding what that path does not handle, through pdfplumber
(``pdf_plumber``); both give the same page layout (``pdf_layout``), and this module makes the
Document from it. Each page yields its tables and the lines outside them, ordered top to
bottom, so a table sits between the headings around it and its text is not repeated as
prose. A table that runs onto the next page (the last thing on one page, the first on the
next, same left and right edges) is joined into one grid. Page numbers are dropped.

Lines are joined into paragraphs where the layout says so (a line that reaches the right
margin continues; an indented or short line starts/ends a paragraph), without a space
between Chinese characters.

Pages without a text layer (scans) are read by OCR (``pdf_scanned``) and given to the same
reader as pages of OCR lines and tables already read (``ReadTable``), in their place among
the other pages; a PDF with none pays nothing for this.
"""

from __future__ import annotations

import io
import logging
import re
from bisect import bisect_left
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from parsers.document import Block, Document, ExtractionError, Table
from parsers.extract.grid import GridBuilder
from parsers.extract.limits import DEFAULT_LIMITS, Limits, human_size
from parsers.extract.page_layout import FoundTable, Line, PageLayout, ReadTable, is_page_number
from parsers.extract.pdf.inflate import check_streams

if TYPE_CHECKING:
    from parsers.extract.pdf.scanned import Scans

log = logging.getLogger(__name__)

EDGE_TOLERANCE = 2.0  # points: cell edges closer than this are one grid line
SAME_EDGE = 6.0  # points: a continued table's left/right edges match within this
_LATIN = re.compile(r"[A-Za-z]")
_FOLIO_CHARS = re.compile(r"[\s\d第页共/\-—–]")
_NUMBER = re.compile(r"^[\s\d.,，+\-—–/%万元件条个项]*$")  # values, blanks ("-", "/") too


def extract_pdf(data: bytes, *, limits: Limits = DEFAULT_LIMITS) -> Document:
    tail = data[-2048:]
    if b"%%EOF" not in tail:
        raise ExtractionError(f"truncated PDF: the file ends without %%EOF after "
                              f"{human_size(len(data))}; the download was probably cut off")
    check_streams(data, limits)  # neither reader can be told a maximum inflated size
    try:
        return _extract_with_pdfium(data, limits)
    except (ExtractionError, MemoryError):
        raise
    except Exception as exc:  # noqa: BLE001 - damaged, encrypted, rotated...: pdfplumber's turn
        log.debug("PDFium path declined (%s: %s): reading with pdfplumber",
                  type(exc).__name__, exc)
        return _extract_with_pdfplumber(data, limits)


def _extract_with_pdfium(data: bytes, limits: Limits) -> Document:
    """Raises what PDFium cannot open and ``Unsupported`` for pages only pdfplumber reads
    right; the caller then starts again with pdfplumber."""
    from parsers.extract.pdf.pdfium import PdfiumDocument

    with PdfiumDocument(data) as pdf:
        _check_pages(pdf.page_count, limits)
        return _read_with_scans(pdf.pages, data, limits)


def _extract_with_pdfplumber(data: bytes, limits: Limits) -> Document:
    import pdfplumber
    from pdfminer.pdfdocument import PDFPasswordIncorrect

    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            _check_pages(len(pdf.pages), limits)
            return _read_with_scans(lambda: _plumber_pages(pdf.pages), data, limits)
    except (ExtractionError, MemoryError):
        raise
    except Exception as exc:  # noqa: BLE001 - pdfminer raises PSEOF, PDFSyntaxError, KeyError...
        # pdfplumber wraps pdfminer's errors in PdfminerException(error)
        if isinstance(exc, PDFPasswordIncorrect) or (
                exc.args and isinstance(exc.args[0], PDFPasswordIncorrect)):
            raise ExtractionError("encrypted PDF: it needs a password to open",
                                  "unsupported") from None
        raise ExtractionError(f"unreadable PDF: {type(exc).__name__}: {exc}"[:300]) from None


def _plumber_pages(pages: list) -> Iterable[PageLayout]:
    from parsers.extract.pdf.plumber import PlumberPage

    for page in pages:
        yield PlumberPage(page)
        page.close()  # drops the page's parsed layout: memory stays flat


def _check_pages(count: int, limits: Limits) -> None:
    if count > limits.max_pdf_pages:
        raise ExtractionError(f"PDF has {count} pages (limit {limits.max_pdf_pages})",
                              "too_large")


def _read_with_scans(pages: Callable[[], Iterable[PageLayout]], data: bytes,
                     limits: Limits) -> Document:
    """The pages read; if some have no text layer, read again with those pages read by OCR
    (scans: rare, and seconds a page, so the text-layer path pays nothing for them)."""
    reader = _read(pages())
    if reader.empty_pages:
        from parsers.extract.pdf.scanned import read_scans

        reader = _read(pages(), read_scans(data, reader.empty_pages, limits))
    return reader.document()


def _read(pages: Iterable[PageLayout], scans: Scans | None = None) -> _Reader:
    reader = _Reader(scans)
    for number, page in enumerate(pages, start=1):
        reader.page(number, scans.pages.get(number, page) if scans else page)
    return reader


@dataclass
class _Box:
    x0: float
    top: float
    x1: float
    bottom: float
    text: str


@dataclass
class _PendingTable:
    """A table being built, possibly over several pages: its cells' boxes, pages stacked
    so each continues where the last one ended."""

    x0: float
    x1: float
    cells: list[_Box] = field(default_factory=list)

    def add_part(self, boxes: list[_Box]) -> None:
        if not boxes:
            return
        if self.cells:
            shift = max(b.bottom for b in self.cells) - min(b.top for b in boxes)
            boxes = [_Box(b.x0, b.top + shift, b.x1, b.bottom + shift, b.text) for b in boxes]
            boxes = _join_at_page_break(self.cells, boxes)
        self.cells += boxes


class _Reader:
    def __init__(self, scans: Scans | None = None) -> None:
        self.blocks: list[Block | _PendingTable] = []
        self.warnings: list[str] = []
        self.empty_pages: list[int] = []
        self._carried: list[Line] = []  # a paragraph the page break may have cut
        self._scans = scans  # what OCR read of the pages without a text layer

    def page(self, number: int, page: PageLayout) -> None:
        found = page.tables()
        tables = [t for n, t in enumerate(found) if t.n_columns >= 2 and (
            t.n_rows >= 2 or (n == 0 and not isinstance(t, ReadTable)
                              and self._continues(t, page)))]
        boxes = [t.bbox for t in tables]
        lines = [line for line in page.lines()
                 if line.text.strip() and not any(_inside(line, box) for box in boxes)
                 and not is_page_number(line, page.height)]
        paragraph, self._carried = self._carried, []
        if not lines and not tables:
            self.empty_pages.append(number)
            self._end_paragraph(paragraph)
            return
        items: list[tuple[float, int, Line | FoundTable | ReadTable]] = sorted(
            [(t.bbox[1], 0, t) for t in tables] + [(ln.top, 1, ln) for ln in lines],
            key=lambda item: item[:2])
        margins = _margins(lines, page.width)
        for position, (_top, _kind, item) in enumerate(items):
            if isinstance(item, Line):
                paragraph = self._line(item, paragraph, margins)
                continue
            self._end_paragraph(paragraph)
            paragraph = []
            self._table(item, continues=position == 0)
        _left, right, size = margins
        if paragraph and paragraph[-1].x1 >= right - 2 * size:
            self._carried = paragraph  # reaches the margin: it may go on over the page
        else:
            self._end_paragraph(paragraph)

    # --- paragraphs ---------------------------------------------------------------------
    def _line(self, line: Line, paragraph: list[Line], margins: tuple[float, float, float]
              ) -> list[Line]:
        left, right, size = margins
        if paragraph:
            previous = paragraph[-1]
            starts_new = (line.x0 > left + 1.5 * size or previous.x1 < right - 2 * size
                          or line.top - previous.bottom > 1.5 * size)
            if starts_new:
                self._end_paragraph(paragraph)
                paragraph = []
        paragraph.append(line)
        return paragraph

    def _end_paragraph(self, paragraph: list[Line]) -> None:
        if paragraph:
            text = join_lines([line.text for line in paragraph])
            if text:
                self.blocks.append(Block("para", text=text))

    # --- tables -------------------------------------------------------------------------
    def _continues(self, table: FoundTable, page: PageLayout) -> bool:
        """Whether a table at the top of a page goes on from the previous page's last one:
        then even a single row is a table (the last row of a table the break cut off)."""
        previous = self.blocks[-1] if self.blocks else None
        top = table.bbox[1]
        above = page.text_above(top) if top > 1 else ""
        return (isinstance(previous, _PendingTable) and not self._carried
                and not _FOLIO_CHARS.sub("", above)  # nothing above but a page number
                and abs(previous.x0 - table.bbox[0]) <= SAME_EDGE
                and abs(previous.x1 - table.bbox[2]) <= SAME_EDGE)

    def _table(self, table: FoundTable | ReadTable, *, continues: bool) -> None:
        if isinstance(table, ReadTable):
            self.blocks.append(Block("table", table=table.table))
            return
        x0, _top, x1, _bottom = table.bbox
        previous = self.blocks[-1] if self.blocks else None
        if not (continues and isinstance(previous, _PendingTable)
                and abs(previous.x0 - x0) <= SAME_EDGE and abs(previous.x1 - x1) <= SAME_EDGE):
            previous = _PendingTable(x0, x1)
            self.blocks.append(previous)
        previous.add_part([_Box(*cell.box, join_lines(cell.text.split("\n")))
                           for cell in table.cells()])

    def document(self) -> Document:
        self._end_paragraph(self._carried)
        blocks = [Block("table", table=_grid(b)) if isinstance(b, _PendingTable) else b
                  for b in self.blocks]
        scans = self._scans
        if scans is not None:
            self.warnings += scans.warnings
        if not blocks:
            if scans is not None and scans.failure is not None:
                raise ExtractionError(f"PDF has no text layer (a scan?), and OCR failed: "
                                      f"{scans.failure.reason}", scans.failure.kind)
            raise ExtractionError("PDF has no text layer (a scan?): nothing to extract", "empty")
        return Document(format="pdf", blocks=blocks, warnings=self.warnings)


def _inside(line: Line, box: tuple[float, float, float, float]) -> bool:
    middle_x, middle_y = (line.x0 + line.x1) / 2, (line.top + line.bottom) / 2
    return box[0] <= middle_x <= box[2] and box[1] <= middle_y <= box[3]


def _margins(lines: list[Line], width: float) -> tuple[float, float, float]:
    """(left margin, right margin, character size) of a page's text."""
    if not lines:
        return 0.0, width, 12.0
    sizes = sorted(line.bottom - line.top for line in lines)
    return (min(line.x0 for line in lines), max(line.x1 for line in lines),
            max(sizes[len(sizes) // 2], 4.0))


def join_lines(lines: list[str]) -> str:
    """Wrapped lines as one text: no space where the layout broke Chinese or numbers, one
    space between Latin words."""
    out = ""
    for line in (ln.strip() for ln in lines):
        if not line:
            continue
        if out and _LATIN.match(out[-1]) and _LATIN.match(line[0]):
            out += " "
        out += line
    return out


def _cluster(values: list[float]) -> list[float]:
    edges: list[float] = []
    for value in sorted(values):
        if not edges or value - edges[-1] > EDGE_TOLERANCE:
            edges.append(value)
    return edges


def _nearest(edges: list[float], value: float) -> int:
    """Index of the edge nearest ``value`` (the lower one on a tie); ``edges`` ascend."""
    i = bisect_left(edges, value)
    if i == len(edges) or (i > 0 and value - edges[i - 1] <= edges[i] - value):
        return i - 1
    return i


def _grid(pending: _PendingTable) -> Table:
    """Cell boxes to a grid: the distinct left/right edges are the column lines, the
    distinct tops/bottoms the row lines; a box covering several of them is a merged cell."""
    cells = pending.cells
    columns = _cluster([c.x0 for c in cells] + [c.x1 for c in cells])
    rows = _cluster([c.top for c in cells] + [c.bottom for c in cells])
    builder = GridBuilder()
    for box in sorted(cells, key=lambda c: (c.top, c.x0)):
        r0, r1 = _nearest(rows, box.top), _nearest(rows, box.bottom)
        c0, c1 = _nearest(columns, box.x0), _nearest(columns, box.x1)
        builder.place(r0, c0, box.text, max(1, r1 - r0), max(1, c1 - c0))
    return Table(rows=builder.rows())


def _is_number(text: str) -> bool:
    return bool(text.strip()) and bool(_NUMBER.match(text))


def _join_at_page_break(above: list[_Box], below: list[_Box]) -> list[_Box]:
    """Mend what a page break does to a table's rows; returns the boxes still to add.

    The first row of the continuation may be (a) the rest of a row the break split (label
    text continues, value cells empty under the values above): it is joined into the row
    above; or (b) a new row whose label cells are empty because they continue merged labels
    of the previous page (三、本年度办理结果 running down): those boxes are joined to the
    boxes above. Empty cells under numbers are blanks, and stay cells of their own.
    """
    last_bottom = max(b.bottom for b in above)
    first_top = min(b.top for b in below)
    first_row = [b for b in below if abs(b.top - first_top) <= EDGE_TOLERANCE]
    row_bottom = min(b.bottom for b in first_row)
    single = [b for b in first_row if abs(b.bottom - row_bottom) <= EDGE_TOLERANCE]

    def cell_above(box: _Box) -> _Box | None:
        return next((a for a in above if abs(a.bottom - last_bottom) <= EDGE_TOLERANCE
                     and abs(a.x0 - box.x0) <= EDGE_TOLERANCE
                     and abs(a.x1 - box.x1) <= EDGE_TOLERANCE), None)

    pairs = [(b, cell_above(b)) for b in first_row]
    split_row = (any(a is not None and _is_number(a.text) and not b.text.strip()
                     for b, a in pairs if b in single)
                 and not any(_is_number(b.text) for b in single)
                 and any(b.text.strip() for b in single))
    joined = []
    for box, cell in pairs:
        if cell is None:
            continue
        if split_row and box in single:
            cell.text = join_lines([cell.text, box.text])
        elif box.text.strip() or _is_number(cell.text) or not cell.text.strip():
            continue
        cell.bottom = box.bottom
        joined.append(box)
    return [b for b in below if not any(b is j for j in joined)]
