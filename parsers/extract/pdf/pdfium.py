"""PDF pages read through PDFium (pypdfium2): the fast path of the PDF extractor.

pdfplumber spends four fifths of a PDF's time in pdfminer, which interprets content streams
in Python; PDFium does it in C. Only what the layout algorithms need is asked of PDFium: the
characters with their boxes (``pdf_glyphs``) and the drawn paths (``pdf_paths``), boxed and
classified as pdfminer does, so that the layout algorithms (``pdf_words``, ``pdf_lattice``,
pdfplumber's own re-implemented) give the page the pdfplumber path gives
(``pdf_layout.PageLayout``), and the same Document.

``Unsupported`` is raised for what this path does not handle, and the caller falls back to
pdfplumber: rotated pages, pages not starting at (0, 0), rotated or mirrored text.
PDFium also renders the pages that have no text layer, for OCR (``pdf_scanned``).
"""

from __future__ import annotations

import threading
from bisect import bisect_right
from collections.abc import Iterator
from typing import Self

import pypdfium2 as pdfium
from PIL import Image

from parsers.extract.page_layout import Box, CellText, Line
from parsers.extract.pdf.glyphs import Unsupported, read_chars
from parsers.extract.pdf.lattice import Shape, find_lattices, lattice_rows
from parsers.extract.pdf.objects import read_objects
from parsers.extract.pdf.words import Char, block_text, text_lines, text_within

__all__ = ["PdfiumDocument", "Unsupported"]


# PDFium is not thread-safe, not even across documents, and ctypes releases the GIL during a
# call: one call into it at a time in this process.
_LOCK = threading.Lock()


class PdfiumDocument:
    """An open PDF; ``pdfium.PdfiumError`` if PDFium cannot open it (damaged, encrypted)."""

    def __init__(self, data: bytes) -> None:
        with _LOCK:
            self._pdf = pdfium.PdfDocument(data)
            self.page_count = len(self._pdf)
        if not self.page_count:  # a damaged page tree: pdfminer may find the pages
            self.close()
            raise Unsupported("no pages")

    def pages(self) -> Iterator[PdfiumPage]:
        """Each page's characters and drawings, read and released before it is yielded: no
        PDFium object outlives a step, whatever the caller does between steps."""
        for index in range(self.page_count):
            with _LOCK:
                page = self._pdf[index]
                try:
                    layout = _read_page(page)
                finally:
                    page.close()
            yield layout

    def render(self, index: int, dpi: float, max_pixels: int) -> tuple[Image.Image, float]:
        """Page ``index`` as grey pixels at ``dpi``, or at the lower resolution that keeps it
        within ``max_pixels`` (a poster-sized page); returns the image and the dpi used."""
        with _LOCK:
            page = self._pdf[index]
            try:
                width, height = page.get_size()
                dpi = min(dpi, 72 * (max_pixels / max(width * height, 1.0)) ** 0.5)
                bitmap = page.render(scale=dpi / 72, grayscale=True)
                try:
                    image = bitmap.to_pil().convert("L")
                finally:
                    bitmap.close()
            finally:
                page.close()
        return image, dpi

    def close(self) -> None:
        with _LOCK:
            self._pdf.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _read_page(page: pdfium.PdfPage) -> PdfiumPage:
    if page.get_rotation() % 360:
        raise Unsupported("rotated page")
    left, bottom, right, top = page.get_mediabox()
    if left or bottom:
        raise Unsupported("media box not at the origin")
    height = top
    textpage = page.get_textpage()
    try:
        chars = read_chars(textpage.raw, height)
    finally:
        textpage.close()
    shapes, blanks = read_objects(page.raw, height)
    return PdfiumPage(right, height, chars + blanks, shapes)


class PdfiumPage:
    """One page's characters and drawings; tables and lines are worked out when asked."""

    def __init__(self, width: float, height: float, chars: list[Char],
                 shapes: list[Shape]) -> None:
        self.width = width
        self.height = height
        self._chars = chars
        self._shapes = shapes

    def tables(self) -> list[_Lattice]:
        return [_Lattice(self, cells) for cells in find_lattices(self._shapes)]

    def lines(self) -> list[Line]:
        return text_lines(self._chars)

    def text_above(self, y: float) -> str:
        return text_within(self._chars, (0.0, 0.0, self.width, y))

    def cell_texts(self, boxes: list[Box]) -> list[str]:
        """The text of each cell: its characters, in page order, whose middle lies in the
        box (left and top edges included), as pdfplumber's ``Table.extract``. The cells'
        edges cut the table into a grid; each character finds its grid square by bisection
        and goes to the cells covering it."""
        ys = sorted({b[1] for b in boxes} | {b[3] for b in boxes})
        xs = sorted({b[0] for b in boxes} | {b[2] for b in boxes})
        row_of = {y: i for i, y in enumerate(ys)}
        column_of = {x: i for i, x in enumerate(xs)}
        covering: dict[tuple[int, int], list[int]] = {}
        for k, (x0, top, x1, bottom) in enumerate(boxes):
            for r in range(row_of[top], row_of[bottom]):
                for c in range(column_of[x0], column_of[x1]):
                    covering.setdefault((r, c), []).append(k)
        members: list[list[Char]] = [[] for _ in boxes]
        top, bottom, left, right = ys[0], ys[-1], xs[0], xs[-1]
        for char in self._chars:
            middle_y, middle_x = (char[3] + char[4]) / 2, (char[1] + char[2]) / 2
            if top <= middle_y < bottom and left <= middle_x < right:
                square = (bisect_right(ys, middle_y) - 1, bisect_right(xs, middle_x) - 1)
                for k in covering.get(square, ()):
                    members[k].append(char)
        return [block_text(chars) for chars in members]


class _Lattice:
    def __init__(self, page: PdfiumPage, cells: list[Box]) -> None:
        self._page = page
        self._rows = lattice_rows(cells)
        self.bbox: Box = (min(c[0] for c in cells), min(c[1] for c in cells),
                          max(c[2] for c in cells), max(c[3] for c in cells))
        self.n_rows = len(self._rows)
        self.n_columns = max(len(row) for row in self._rows)

    def cells(self) -> list[CellText]:
        boxes = [box for row in self._rows for box in row if box is not None]
        return [CellText(box, text) for box, text in zip(boxes, self._page.cell_texts(boxes))]
