"""PDF pages without a text layer (scans), read by OCR into pages the PDF reader takes like
any other (``pdf_layout.PageLayout``): the same paragraphs, the same tables, source "ocr".

For each page: rendered by PDFium at RENDER_DPI (table digits read right at 150 dpi, worse
at 300: ../shared/ENVIRONMENT.md), turned upright (``ocr_page.deskew``), its ruled tables
located (``ocr_frames``) and painted over, and the rest read as prose by Tesseract
(``ocr_page.read_prose``). Then the tables: a table whose part ends one page (nothing but a
page number below it) and whose next part starts the next (nothing above it), equally wide,
is one table cut by the page break, as in the text-layer path (``pdf._Reader._continues``);
its parts are cut out and stacked into one image, which is read by the table-image machinery
(``image.read_grey_tables``: grid from the rules, table and layout from the grid's shape,
cells by Tesseract). The table is placed where its first part starts.

The work is capped (``Limits``: pages, seconds, pixels a page); what was read and what was
not is said in warnings, never silently.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from PIL import Image, ImageDraw

from parsers.document import ExtractionError, Table
from parsers.extract.limits import Limits
from parsers.extract.ocr.frames import Frame, find_frames
from parsers.extract.ocr.grid import ink_threshold
from parsers.extract.ocr.image import read_grey_tables
from parsers.extract.ocr.page import deskew, flatten, is_blank, read_prose
from parsers.extract.page_layout import Box, Line, ReadTable, is_page_number

if TYPE_CHECKING:
    from parsers.extract.pdf.pdfium import PdfiumDocument

RENDER_DPI = 150
PAGES_AT_ONCE = 2  # Tesseract processes side by side: the machines have two cores
PAD = 6  # px of paper kept around a table cut out of its page
MASK_PAD = 3  # px painted over around a table, so its rules are not read as text (| —)
SAME_WIDTH = 12  # px at RENDER_DPI: two parts of one table are this equally wide
MIN_TABLE_WIDTH = 0.25  # of the page: narrower rules that touch are a glyph (曲) or a box
RULE_PX = 2  # thickness of the rule drawn along a table's open end (a page the scan lacks)


class ScannedPage:
    """A scanned page as the PDF reader asks for it: OCR lines and tables, in points."""

    def __init__(self, width: float, height: float, lines: list[Line],
                 tables: list[ReadTable]) -> None:
        self.width = width
        self.height = height
        self._lines = lines
        self._tables = tables

    def tables(self) -> list[ReadTable]:
        return self._tables

    def lines(self) -> list[Line]:
        return self._lines

    def text_above(self, y: float) -> str:
        return "".join(line.text for line in self._lines if line.bottom <= y)


@dataclass
class Scans:
    """What OCR made of a PDF's pages without a text layer: pages by number (from 1)."""

    pages: dict[int, ScannedPage] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    failure: ExtractionError | None = None  # why pages went unread, if OCR failed


@dataclass
class _Page:
    number: int
    image: Image.Image  # upright, RENDER_DPI or less
    dpi: float
    frames: list[Frame]
    lines: list[Line] = field(default_factory=list)  # pixels
    tables: list[ReadTable] = field(default_factory=list)  # points

    @property
    def scale(self) -> float:
        """Pixels to points."""
        return 72 / self.dpi

    def ends_with(self, frame: Frame) -> bool:
        """Nothing but a page number below the frame: a table may go on over the page."""
        return frame is self.frames[-1] and not any(
            line.top >= frame.bottom and not is_page_number(line, self.image.height)
            for line in self.lines)

    def starts_with(self, frame: Frame) -> bool:
        return frame is self.frames[0] and not any(
            line.bottom <= frame.top and not is_page_number(line, self.image.height)
            for line in self.lines)


def read_scans(data: bytes, numbers: list[int], limits: Limits) -> Scans:
    """The pages ``numbers`` of a PDF read by OCR, within ``limits``."""
    scans = Scans()
    deadline = time.monotonic() + limits.ocr_seconds
    todo = numbers[:limits.max_ocr_pages]
    if len(numbers) > len(todo):
        scans.warnings.append(f"PDF pages without a text layer not read by OCR (limit of "
                              f"{limits.max_ocr_pages} pages): {_ranges(numbers[len(todo):])}")
    try:
        pages, blank = _read_pages(data, todo, limits, deadline, scans)
        tables = _read_tables(pages, deadline, scans)
    except ExtractionError as exc:  # no Tesseract, no language, PDFium cannot render...
        scans.failure = exc
        scans.warnings.append(f"PDF pages without a text layer not read: {_ranges(todo)}; "
                              f"OCR failed: {exc.reason}")
        return scans
    for page in pages:
        size = page.image.width * page.scale, page.image.height * page.scale
        scans.pages[page.number] = ScannedPage(
            *size, [_line_in_points(line, page.scale) for line in page.lines], page.tables)
    if pages:  # blank pages alone (Word's empty last page) are nothing to report
        scans.warnings.insert(0, _summary(pages, tables, blank))
    return scans


def _read_pages(data: bytes, numbers: list[int], limits: Limits, deadline: float,
                scans: Scans) -> tuple[list[_Page], list[int]]:
    """The pages rendered, upright, and their prose read, a few at a time until the
    deadline; and the numbers of the blank ones."""
    from parsers.extract.pdf.pdfium import PdfiumDocument

    try:
        pdf = PdfiumDocument(data)
    except MemoryError:
        raise
    except Exception as exc:  # noqa: BLE001 - PDFium's errors and Unsupported alike
        raise ExtractionError(f"PDFium cannot render the PDF: {exc}"[:300]) from None
    pages: list[_Page] = []
    blank: list[int] = []
    with pdf:
        for start in range(0, len(numbers), PAGES_AT_ONCE):
            chunk = numbers[start:start + PAGES_AT_ONCE]
            try:
                if time.monotonic() >= deadline:
                    raise ExtractionError(f"OCR time limit of {limits.ocr_seconds:g} s "
                                          "reached", "timeout")
                rendered = [_render(pdf, number, limits) for number in chunk]
                blank += [n for n, page in zip(chunk, rendered, strict=True) if page is None]
                pages += _with_prose([p for p in rendered if p is not None], deadline)
            except ExtractionError as exc:
                if exc.kind != "timeout":
                    raise
                if not pages:
                    scans.failure = exc
                scans.warnings.append(f"PDF pages without a text layer not read by OCR (time "
                                      f"limit of {limits.ocr_seconds:g} s): "
                                      f"{_ranges(numbers[start:])}")
                break
    return pages, blank


def _render(pdf: PdfiumDocument, number: int, limits: Limits) -> _Page | None:
    """Page ``number`` upright, its tables located; None if it is blank."""
    image, dpi = pdf.render(number - 1, RENDER_DPI, limits.max_ocr_page_pixels)
    if is_blank(image):
        return None
    image, _angle = deskew(flatten(image))
    frames = [f for f in find_frames(image, ink_threshold(image))
              if f.width >= MIN_TABLE_WIDTH * image.width]
    return _Page(number, image, dpi, frames)


def _with_prose(pages: list[_Page], deadline: float) -> list[_Page]:
    """The pages with their prose read, side by side, each with its tables painted over."""
    texts = read_prose([_masked(page) for page in pages], _left(deadline))
    for page, lines in zip(pages, texts, strict=True):
        page.lines = lines
    return pages


def _read_tables(pages: list[_Page], deadline: float, scans: Scans) -> list[Table]:
    """Each table of the pages read from the image of its parts, given to the page where it
    starts; the tables read."""
    found: list[Table] = []
    for parts in _tables(pages):
        first_page, first = parts[0]
        if time.monotonic() >= deadline:
            scans.warnings.append(f"page {first_page.number}: table not read by OCR (time "
                                  "limit)")
            continue
        try:
            tables = _read_stacked(parts, _left(deadline))
        except ExtractionError as exc:  # the prose is read: one table's failure is a gap
            scans.warnings.append(f"page {first_page.number}: table not read by OCR: "
                                  f"{exc.reason}")
            continue
        if not tables:
            scans.warnings.append(f"page {first_page.number}: a ruled table whose grid could "
                                  "not be rebuilt: not read")
        box = _in_points((first.left, first.top, first.right, first.bottom), first_page.scale)
        first_page.tables += [ReadTable(box, table) for table in tables]
        found += tables
    return found


def _read_stacked(parts: list[tuple[_Page, Frame]], timeout: float) -> list[Table]:
    # Labels read too: the layout is told by them (本年制发件数), and a table whose shape is
    # not the template's (a 2021-form report with one 其他处理 row) is read by them.
    return read_grey_tables(_stack(parts), labels=True, timeout=timeout)


def _tables(pages: list[_Page]) -> Iterator[list[tuple[_Page, Frame]]]:
    """The frames of the pages grouped into tables: a group is one frame, or the parts of a
    table that page breaks cut."""
    parts: list[tuple[_Page, Frame]] = []
    for page in pages:
        for frame in page.frames:
            if parts and _continues(parts[-1], page, frame):
                parts.append((page, frame))
                continue
            if parts:
                yield parts
            parts = [(page, frame)]
    if parts:
        yield parts


def _continues(previous: tuple[_Page, Frame], page: _Page, frame: Frame) -> bool:
    before, part = previous
    return (page.number == before.number + 1 and before.ends_with(part)
            and page.starts_with(frame) and abs(part.width - frame.width) <= SAME_WIDTH)


def _stack(parts: list[tuple[_Page, Frame]]) -> Image.Image:
    """The parts of a table cut out and stacked, left edges aligned, into one image: one rule
    where a page break parted two rows, none where it cut through one. A table without a
    rule along its top or bottom (its other part is on a page the scan lacks) gets one, so
    that its rules end on a rule and its grid can be rebuilt."""
    width = max(frame.width for _, frame in parts) + 2 * PAD
    cuts = []
    for k, (page, frame) in enumerate(parts):
        top = frame.top - PAD if k == 0 else frame.top
        if k and parts[k - 1][1].bottom_rule is not None and frame.top_rule is not None:
            top = frame.top_rule.hi + 1  # the rule above ends the row already
        bottom = frame.bottom + PAD if k == len(parts) - 1 else frame.bottom
        cuts.append(_cut(page.image, (frame.left - PAD, top, frame.left - PAD + width, bottom)))
    stacked = Image.new("L", (width, sum(c.height for c in cuts)), 255)
    y = 0
    for cut in cuts:
        stacked.paste(cut, (0, y))
        y += cut.height
    draw = ImageDraw.Draw(stacked)
    if not parts[0][1].closed_top:
        draw.rectangle((PAD, PAD, width - PAD - 1, PAD + RULE_PX - 1), fill=0)
    if not parts[-1][1].closed_bottom:
        draw.rectangle((PAD, y - PAD - RULE_PX, width - PAD - 1, y - PAD - 1), fill=0)
    return stacked


def _cut(image: Image.Image, box: tuple[int, int, int, int]) -> Image.Image:
    """``image.crop(box)``, but paper (not black) where the box reaches past the image."""
    left, top, right, bottom = box
    out = Image.new("L", (right - left, bottom - top), 255)
    inside = (max(left, 0), max(top, 0), min(right, image.width), min(bottom, image.height))
    if inside[0] < inside[2] and inside[1] < inside[3]:
        out.paste(image.crop(inside), (inside[0] - left, inside[1] - top))
    return out


def _masked(page: _Page) -> Image.Image:
    """The page with its tables painted over: their text is read with the tables."""
    if not page.frames:
        return page.image
    image = page.image.copy()
    draw = ImageDraw.Draw(image)
    for f in page.frames:
        draw.rectangle((f.left - MASK_PAD, f.top - MASK_PAD, f.right + MASK_PAD,
                        f.bottom + MASK_PAD), fill=255)
    return image


def _line_in_points(line: Line, scale: float) -> Line:
    x0, top, x1, bottom = _in_points((line.x0, line.top, line.x1, line.bottom), scale)
    return Line(line.text, x0, top, x1, bottom)


def _in_points(box: tuple[float, float, float, float], scale: float) -> Box:
    x0, top, x1, bottom = box
    return x0 * scale, top * scale, x1 * scale, bottom * scale


def _left(deadline: float) -> float:
    return max(deadline - time.monotonic(), 0.0)


def _summary(pages: list[_Page], tables: list[Table], blank: list[int]) -> str:
    dpi = min(p.dpi for p in pages)
    known = sum(1 for t in tables if t.kind_hint)
    text = (f"PDF pages without a text layer read by OCR at {dpi:.0f} dpi: "
            f"{_ranges([p.number for p in pages])}; {len(tables)} table(s) read from "
            f"their images ({known} recognised): check values marked source=ocr")
    return text + (f"; blank pages: {_ranges(blank)}" if blank else "")


def _ranges(numbers: list[int]) -> str:
    """[1, 2, 3, 5] -> "1-3, 5": page lists in warnings are read by people."""
    spans: list[list[int]] = []
    for n in sorted(numbers):
        if spans and n == spans[-1][1] + 1:
            spans[-1][1] = n
        else:
            spans.append([n, n])
    return ", ".join(f"{a}-{b}" if b > a else f"{a}" for a, b in spans)
