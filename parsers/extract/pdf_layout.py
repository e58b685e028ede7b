"""What the PDF reader needs to know about one page, whichever library read it.

``parsers.extract.pdf`` turns pages into paragraphs and tables (joining tables across page
breaks, dropping folios). It asks each page only for its text lines, the ruled tables found
on it and the text above a point; two readers answer: PDFium (``pdf_pdfium``, fast, the
normal path) and pdfplumber (``pdf_plumber``, the fallback for files PDFium cannot read or
that hold what the fast path does not handle). Coordinates are pdfplumber's: points from
the top-left corner of the page.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

Box = tuple[float, float, float, float]  # x0, top, x1, bottom


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


class PageLayout(Protocol):
    width: float
    height: float

    def tables(self) -> list[FoundTable]:
        """Every lattice found on the page, top to bottom."""
        ...

    def lines(self) -> list[Line]:
        """The page's text lines, top to bottom."""
        ...

    def text_above(self, y: float) -> str:
        """The text of the characters lying wholly above ``y``."""
        ...
