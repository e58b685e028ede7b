"""What every extractor produces: a report's content in reading order, format-neutral.

Extractors (``parsers.extract``) turn the bytes of one capture (HTML, DOCX, DOC/WPS, PDF, PNG,
plain text) into a :class:`Document`; everything after that (recognition, metadata, sections,
tables, facts, checks) reads only Documents, so a new format needs only a new extractor.

Tables are kept as grids of cell texts, not as parsed numbers: which cell is which canonical
value is decided once, by ``parsers.tables``, for every format alike.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Literal, TypeVar

BlockKind = Literal["para", "table", "image"]
# The text of a paragraph that holds only &nbsp; (HTML): kept, because a page that gives each
# table cell a paragraph shows an empty cell so (parsers.tables.stream reads it as one).
EMPTY_PARAGRAPH = "\xa0"
TableSource = Literal["table", "ocr"]
_V = TypeVar("_V")


@dataclass
class Cell:
    """One position of a table grid.

    A merged cell (rowspan/colspan, Word's vMerge/gridSpan) is expanded so every row has one
    Cell per grid column: the top-left position holds the text with ``spanned=False``, every
    other covered position holds the same text with ``spanned=True``. Label matching may use
    the copies; values must only be read from ``spanned=False`` cells, or a merged number
    would be counted twice.
    """

    text: str
    spanned: bool = False


@dataclass
class Table:
    """A table as a rectangular grid (rows may be ragged only if the source was broken)."""

    rows: list[list[Cell]]
    source: TableSource = "table"  # "ocr": texts were read from an image by Tesseract
    # What the extractor could tell without reading labels (OCR of an image grid, say):
    # one of "active", "applications", "review_litigation", and "gb2021" / "gb2019".
    kind_hint: str | None = None
    layout_hint: str | None = None

    def texts(self) -> list[list[str]]:
        return [[c.text for c in row] for row in self.rows]


@dataclass
class Image:
    """An image in the content (HTML ``<img>``, a picture in a DOCX): tables are often
    published as screenshots. ``src`` is absolute when the extractor knew the page URL."""

    src: str
    alt: str = ""
    data: bytes | None = None  # embedded images (DOCX) carry their bytes


@dataclass
class Block:
    kind: BlockKind
    text: str = ""  # para: its text (line breaks inside kept as "\n")
    table: Table | None = None
    image: Image | None = None


@dataclass
class Document:
    """A document's content and the metadata its container states (HTML meta tags, the xxgk
    metadata table, DOCX core properties): hints only; the report's own text decides."""

    format: str  # html | docx | doc | wps | pdf | image | text
    blocks: list[Block] = field(default_factory=list)
    title: str | None = None
    published: str | None = None  # as stated by the container, e.g. "2023-01-16"
    publisher: str | None = None  # 发布机构 / ContentSource, if stated
    warnings: list[str] = field(default_factory=list)

    # Views computed once while the document is only being read (``reading``).
    _views: dict[str, object] | None = field(default=None, init=False, repr=False,
                                             compare=False)

    @contextmanager
    def reading(self) -> Iterator[Document]:
        """A span in which the document is read, not changed (the parse steps): its text
        and lines are joined once and shared, instead of once by every step that asks."""
        if self._views is not None:  # nested: the outer span owns the views
            yield self
            return
        self._views = {}
        try:
            yield self
        finally:
            self._views = None

    def view(self, name: str, make: Callable[[], _V]) -> _V:
        """``make()``, made once per ``reading`` span (every call outside one): for what
        several steps derive from the whole text (its squeezed form, say)."""
        views = self._views
        if views is None:
            return make()
        if name not in views:
            views[name] = make()
        return views[name]  # type: ignore[return-value]

    @property
    def text(self) -> str:
        """The prose and the tables' texts in reading order (a table row per line, its cells
        separated by tabs), for recognition, prose facts and sections."""
        return self.view("text", self._join_text)

    @property
    def lines(self) -> tuple[str, ...]:
        """``text`` split into lines."""
        return self.view("lines", lambda: tuple(self.text.split("\n")))

    def _join_text(self) -> str:
        parts: list[str] = []
        for block in self.blocks:
            if block.kind == "para":
                parts.append(block.text)
            elif block.kind == "table" and block.table is not None:
                parts.extend("\t".join(c.text for c in row if not c.spanned)
                             for row in block.table.rows)
        return "\n".join(parts)

    @property
    def tables(self) -> list[Table]:
        return [b.table for b in self.blocks if b.kind == "table" and b.table is not None]

    @property
    def images(self) -> list[Image]:
        return [b.image for b in self.blocks if b.kind == "image" and b.image is not None]


class ExtractionError(Exception):
    """A document that cannot be read (corrupt, truncated, a bomb, unsupported): the reason
    is recorded as the document's parse failure and the run goes on."""

    def __init__(self, reason: str, kind: str = "extract") -> None:
        super().__init__(reason)
        self.reason = reason
        self.kind = kind  # extract | too_large | unsupported | timeout | empty

    def __reduce__(self) -> tuple[type[ExtractionError], tuple[str, str]]:
        # Failures cross process boundaries (``parsers.sandbox``): keep the kind too.
        return type(self), (self.reason, self.kind)
