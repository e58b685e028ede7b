"""A page as the PDF reader and the OCR of scans both see it, whichever library read it.

``parsers.extract.pdf.document`` turns pages into paragraphs and tables (joining tables across page
breaks, dropping folios). It asks each page only for its text lines, the ruled tables found
on it and the text above a point; two readers answer: PDFium (``pdf_pdfium``, fast, the
normal path) and pdfplumber (``pdf_plumber``, the fallback for files PDFium cannot read or
that hold what the fast path does not handle); a page without a text layer is answered by
OCR (``pdf_scanned``). Coordinates are pdfplumber's: points from the top-left corner of the
page.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from parsers.document import Table

Box = tuple[float, float, float, float]  # x0, top, x1, bottom
_PAGE_NUMBER = re.compile(r"^[-—–\s]*(第\s*)?\d{1,4}(\s*页)?(\s*[/共]\s*\d{1,4}\s*页?)?[-—–\s]*$")


@dataclass(frozen=True)
class Line:
    """One text line: its words joined by single spaces."""

    text: str
    x0: float
    top: float
    x1: float
    bottom: float


@dataclass(frozen=True)
class CellText:
    """A table cell's box and its text, lines separated by "\\n"."""

    box: Box
    text: str


class FoundTable(Protocol):
    """A table found from the rules on a page: a lattice of cells."""

    @property
    def bbox(self) -> Box: ...

    @property
    def n_rows(self) -> int: ...

    @property
    def n_columns(self) -> int: ...

    def cells(self) -> list[CellText]:
        """The cells row by row, left to right (only asked of the tables that are kept)."""
        ...


@dataclass(frozen=True)
class ReadTable:
    """A table already read into a grid where it starts on the page (a scanned page's table,
    read by OCR from the image of all its parts): placed as it is, joined to nothing."""

    bbox: Box
    table: Table

    @property
    def n_rows(self) -> int:
        return len(self.table.rows)

    @property
    def n_columns(self) -> int:
        return max((len(row) for row in self.table.rows), default=0)


class PageLayout(Protocol):
    width: float
    height: float

    def tables(self) -> Sequence[FoundTable | ReadTable]:
        """Every lattice found on the page (or table read from it), top to bottom."""
        ...

    def lines(self) -> list[Line]:
        """The page's text lines, top to bottom."""
        ...

    def text_above(self, y: float) -> str:
        """The text of the characters lying wholly above ``y``."""
        ...


def is_page_number(line: Line, height: float) -> bool:
    """A folio ("- 3 -", "第3页 共5页") in the top or bottom tenth of the page: layout, not
    content, and it would separate a table from its continuation."""
    in_margin = line.bottom < 0.1 * height or line.top > 0.9 * height
    return in_margin and bool(_PAGE_NUMBER.match(line.text))
