"""An HTML element's content as blocks in reading order: paragraphs, table grids, images.

What a reader sees decides: block elements and ``<br>`` end lines, inline markup (the
``<span><font face="方正仿宋_GBK">`` soup Word pastes leave) does not; source line breaks are
collapsed as a browser collapses them, while non-breaking and full-width spaces stay (they
are part of how cells are written). Tables become grids with their spans expanded; tables
used for page layout (one column, or holding other tables) are read as flowing content.
"""

from __future__ import annotations

import base64
import binascii
import re
from urllib.parse import urljoin

from parsers.document import Block, Image, Table

from .grid import MAX_SPAN, GridBuilder

BLOCK_TAGS = frozenset((
    "address", "article", "aside", "blockquote", "caption", "center", "dd", "div", "dl", "dt",
    "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6",
    "header", "hr", "li", "main", "nav", "ol", "p", "pre", "section", "table", "tbody", "thead",
    "tfoot", "tr", "td", "th", "ul", "ucapcontent", "ucaptitle"))
SKIP_TAGS = frozenset((
    "script", "style", "noscript", "template", "head", "title", "xml", "select", "option",
    "button", "input", "textarea", "iframe", "object", "embed", "svg", "map", "area", "meta",
    "link", "frame", "frameset", "canvas", "audio", "video"))
_SPACE = re.compile(r"[ \t\n\r\f\v]+")  # what a browser collapses; not \xa0 or \u3000
_HIDDEN = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
_DATA_URI = re.compile(r"data:([\w/+.-]+)?(;[\w=-]+)*;base64,(.*)", re.IGNORECASE | re.DOTALL)
MAX_DEPTH = 200  # deeper markup is read as plain text (libxml2 stops at 256 anyway)
ICON_SIZE = 24  # images declared smaller than this are icons, not content


def tag_of(element: object) -> str | None:
    tag = getattr(element, "tag", None)
    return tag.lower() if isinstance(tag, str) else None  # comments, PIs have no str tag


def is_hidden(element) -> bool:
    return element.get("hidden") is not None or bool(_HIDDEN.search(element.get("style") or ""))


def table_rows(table) -> list:
    """The <tr> of this table, not of tables nested in its cells."""
    rows = []
    for child in table:
        tag = tag_of(child)
        if tag == "tr":
            rows.append(child)
        elif tag in ("thead", "tbody", "tfoot"):
            rows.extend(c for c in child if tag_of(c) == "tr")
    return rows


def row_cells(row) -> list:
    return [c for c in row if tag_of(c) in ("td", "th")]


def is_layout_table(table) -> bool:
    """A table used to lay out a page, not to hold data: one column, or other tables in
    its cells. Statistical tables never nest and always have several columns."""
    rows = table_rows(table)
    if not rows or max(len(row_cells(r)) for r in rows) <= 1:
        return True
    return any(tag_of(e) == "table" for r in rows for c in row_cells(r) for e in c.iter())


def _span(cell, name: str) -> int:
    digits = re.sub(r"[^\d]", "", cell.get(name) or "1")[:6]
    return max(1, min(int(digits or 1), MAX_SPAN))


class Flow:
    """Walks elements and collects blocks; one instance per content area or table cell."""

    def __init__(self, base_url: str | None) -> None:
        self.base_url = base_url
        self.blocks: list[Block] = []
        self.warnings: list[str] = []
        self._parts: list[str] = []

    # --- text ---------------------------------------------------------------------------
    def _text(self, text: str | None) -> None:
        if text:
            self._parts.append(_SPACE.sub(" ", text))

    def flush(self) -> None:
        """End the current paragraph: its lines stripped at the ends, blank lines dropped."""
        if not self._parts:
            return
        lines = (line.strip() for line in "".join(self._parts).split("\n"))
        self._parts = []
        text = "\n".join(line for line in lines if line)
        if text:
            self.blocks.append(Block("para", text=text))

    # --- walking ------------------------------------------------------------------------
    def walk(self, element, depth: int = 0) -> None:
        tag = tag_of(element)
        if tag is None or tag in SKIP_TAGS or is_hidden(element):
            return
        if depth > MAX_DEPTH:
            self._text(element.text_content())
            return
        if tag == "br":
            self._parts.append("\n")
            return
        if tag == "img":
            self.flush()
            self._image(element)
            return
        if tag == "table" and not is_layout_table(element):
            self.flush()
            self._table(element, depth)
            return
        block = tag in BLOCK_TAGS
        if block:
            self.flush()
        self._text(element.text)
        for child in element:
            self.walk(child, depth + 1)
            self._text(child.tail)
        if block:
            self.flush()

    def walk_content(self, element) -> list[Block]:
        """The blocks of ``element``'s content (its own tag does not matter)."""
        self._text(element.text)
        for child in element:
            self.walk(child)
            self._text(child.tail)
        self.flush()
        return self.blocks

    # --- images -------------------------------------------------------------------------
    def _image(self, element) -> None:
        for size in (element.get("width"), element.get("height")):
            if size and size.strip().isdigit() and int(size) < ICON_SIZE:
                return
        src = ""
        for name in ("src", "oldsrc", "data-src", "original"):
            src = (element.get(name) or "").strip()
            if src:
                break
        if not src:
            return
        data = None
        match = _DATA_URI.match(src)
        if match:
            try:
                data = base64.b64decode(re.sub(r"\s+", "", match.group(3)), validate=False)
            except (binascii.Error, ValueError):
                data = None
            src = f"data:{match.group(1) or 'application/octet-stream'}"
        elif self.base_url:
            src = urljoin(self.base_url, src)
        self.blocks.append(Block("image", image=Image(src=src, alt=(element.get("alt") or "")
                                                      .strip(), data=data)))

    # --- tables -------------------------------------------------------------------------
    def _table(self, table, depth: int) -> None:
        caption = next((c for c in table if tag_of(c) == "caption"), None)
        if caption is not None:
            self.walk(caption, depth + 1)
            self.flush()
        builder = GridBuilder()
        images: list[Block] = []
        rows_html = [row for row in table_rows(table) if row_cells(row)]
        for r, row in enumerate(rows_html):
            c = 0
            for cell in row_cells(row):
                while builder.occupied(r, c):
                    c += 1
                text, cell_images = self._cell(cell, depth)
                images += cell_images
                colspan = _span(cell, "colspan")
                # Browsers end a rowspan at the table's last row.
                builder.place(r, c, text, min(_span(cell, "rowspan"), len(rows_html) - r),
                              colspan)
                c += colspan
        rows = builder.rows()
        if builder.overflow:
            self.warnings.append("a table's spans exceed the grid limit: cells were dropped")
        if rows:
            self.blocks.append(Block("table", table=Table(rows=rows)))
        self.blocks.extend(images)

    def _cell(self, cell, depth: int) -> tuple[str, list[Block]]:
        """A cell's text (its paragraphs one a line) and the images it holds."""
        flow = Flow(self.base_url)
        flow._text(cell.text)
        for child in cell:
            flow.walk(child, depth + 2)
            flow._text(child.tail)
        flow.flush()
        self.warnings += flow.warnings
        texts = []
        for block in flow.blocks:
            if block.kind == "para":
                texts.append(block.text)
            elif block.kind == "table" and block.table is not None:
                texts += [" ".join(c.text for c in row if not c.spanned and c.text)
                          for row in block.table.rows]
        return "\n".join(t for t in texts if t), [b for b in flow.blocks if b.kind == "image"]
