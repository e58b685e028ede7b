"""An HTML element's content as blocks in reading order: paragraphs, table grids, images.

What a reader sees decides: block elements and ``<br>`` end lines, inline markup (the
``<span><font face="方正仿宋_GBK">`` soup Word pastes leave) does not; source line breaks are
collapsed as a browser collapses them, while non-breaking and full-width spaces stay (they
are part of how cells are written). Tables become grids with their spans expanded; tables
used for page layout (one column, or holding other tables) are read as flowing content.

The walk visits every element of a report page (a thousand or more, most of them Word's
``<p><span><o:p>`` soup), so it is written for speed: plain ``lxml.etree`` elements (tag
names arrive lower-cased from the HTML parser), one dict lookup to classify a tag, table
structure asked of compiled XPath, the verdict on each distinct ``style`` remembered, and
plain cells read by a lean loop of their own.
"""

from __future__ import annotations

import base64
import binascii
import re
from urllib.parse import urljoin

import lxml.etree

from parsers.document import EMPTY_PARAGRAPH, Block, Image, Table
from parsers.extract.grid import MAX_SPAN, GridBuilder
from parsers.extract.text import stripped_lines

BLOCK_TAGS = frozenset((
    "address", "article", "aside", "blockquote", "caption", "center", "dd", "div", "dl", "dt",
    "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6",
    "header", "hr", "li", "main", "nav", "ol", "p", "pre", "section", "table", "tbody", "thead",
    "tfoot", "tr", "td", "th", "ul", "ucapcontent", "ucaptitle"))
SKIP_TAGS = frozenset((
    "script", "style", "noscript", "template", "head", "title", "xml", "select", "option",
    "button", "input", "textarea", "iframe", "object", "embed", "svg", "map", "area", "meta",
    "link", "frame", "frameset", "canvas", "audio", "video"))
_COLLAPSED = " \t\n\r\f\v"  # what a browser collapses; not \xa0 or \u3000
_SPACE = re.compile(f"[{_COLLAPSED}]+")
_HIDDEN = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
_DATA_URI = re.compile(r"data:([\w/+.-]+)?(;[\w=-]+)*;base64,(.*)", re.IGNORECASE | re.DOTALL)
_NOT_DIGIT = re.compile(r"[^\d]")
_BLANKS = re.compile(r"\s+")
MAX_DEPTH = 200  # deeper markup is read as plain text (libxml2 stops at 256 anyway)
ICON_SIZE = 24  # images declared smaller than this are icons, not content
CELL_TAGS = ("td", "th")

# A table's own rows (not those of tables nested in its cells), in document order.
_ROWS = lxml.etree.XPath("tr | thead/tr | tbody/tr | tfoot/tr")
# Layout tables: no row with two cells, or another table inside a cell.
_WIDE_ROW = lxml.etree.XPath("boolean((tr | thead/tr | tbody/tr | tfoot/tr)[count(td | th) > 1])")
_NESTED = lxml.etree.XPath("boolean((tr | thead/tr | tbody/tr | tfoot/tr)/*[self::td or self::th]"
                           "//table)")
text_content = lxml.etree.XPath("string()")  # an element's text with its descendants'

# What the walk does with an element, by tag; other tags are inline (their text flows on).
INLINE, BLOCK, SKIP, BR, IMG, TABLE = range(6)
_KINDS = {**{t: BLOCK for t in BLOCK_TAGS}, **{t: SKIP for t in SKIP_TAGS}, "br": BR,
          "img": IMG, "table": TABLE}

# style attribute -> hides the element; Word soup repeats a few styles thousands of times.
_hidden_styles: dict[str, bool] = {}
_STYLE_CACHE_SIZE = 4096
_STYLE_CACHED = 300  # longer styles are checked each time, not remembered


def tag_of(element: object) -> str | None:
    tag = getattr(element, "tag", None)
    return tag.lower() if isinstance(tag, str) else None  # comments, PIs have no str tag


def _hides(style: str) -> bool:
    hidden = _hidden_styles.get(style)
    if hidden is None:
        hidden = bool(_HIDDEN.search(style))
        if len(style) <= _STYLE_CACHED:
            if len(_hidden_styles) >= _STYLE_CACHE_SIZE:
                _hidden_styles.clear()
            _hidden_styles[style] = hidden
    return hidden


def is_hidden(element) -> bool:
    if element.get("hidden") is not None:
        return True
    style = element.get("style")
    return bool(style) and _hides(style)


def row_cells(row) -> list:
    return [c for c in row if c.tag in CELL_TAGS]


def is_layout_table(table) -> bool:
    """A table used to lay out a page, not to hold data: one column, or other tables in
    its cells. Statistical tables never nest and always have several columns."""
    return not _WIDE_ROW(table) or _NESTED(table)


def _span(value: str) -> int:
    """A rowspan/colspan attribute's number: its digits, 1 to MAX_SPAN."""
    digits = value if value.isdecimal() else _NOT_DIGIT.sub("", value)
    return max(1, min(int(digits[:6] or 1), MAX_SPAN))


class Flow:
    """Walks elements and collects blocks; one instance per content area."""

    def __init__(self, base_url: str | None) -> None:
        self.base_url = base_url
        self.blocks: list[Block] = []
        self.warnings: list[str] = []
        self._parts: list[str] = []

    # --- text ---------------------------------------------------------------------------
    def _text(self, text: str | None) -> None:
        if text:
            self._parts.append(_collapse(text))

    def flush(self) -> None:
        """End the current paragraph: its lines stripped at the ends, blank lines dropped."""
        if not self._parts:
            return
        joined = "".join(self._parts)
        text = stripped_lines(joined)
        self._parts.clear()
        if text:
            self.blocks.append(Block("para", text=text))
        elif EMPTY_PARAGRAPH in joined:  # <p>&nbsp;</p>: perhaps an empty table cell
            self.blocks.append(Block("para", text=EMPTY_PARAGRAPH))

    # --- walking ------------------------------------------------------------------------
    def walk(self, element, depth: int = 0) -> None:
        """``element`` as a reader sees it, its tail excluded."""
        tag = element.tag
        kind = _KINDS.get(tag, INLINE) if tag.__class__ is str else SKIP  # comments, PIs
        if kind == SKIP or is_hidden(element):
            return
        if depth > MAX_DEPTH:
            self._text(text_content(element))
        elif kind == BR:
            self._parts.append("\n")
        elif kind == IMG:
            self.flush()
            self._image(element)
        elif kind == TABLE and not is_layout_table(element):
            self.flush()
            self._table(element, depth)
        elif kind == INLINE:
            self._content(element, depth + 1)
        else:  # a block, or a table laid out as blocks
            self.flush()
            self._content(element, depth + 1)
            self.flush()

    def _content(self, element, depth: int) -> None:
        """``element``'s text, then each child (at ``depth``) with the text after it."""
        text = element.text
        if text:
            self._parts.append(_collapse(text))
        walk = self.walk
        for child in element:
            # An empty inline leaf (Word's <o:p>) shows nothing, hidden or not.
            if child.text or len(child) or _KINDS.get(child.tag, INLINE) != INLINE:
                walk(child, depth)
            tail = child.tail
            if tail:
                self._parts.append(_collapse(tail))

    def walk_content(self, element) -> list[Block]:
        """The blocks of ``element``'s content (its own tag does not matter)."""
        self._content(element, 0)
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
                data = base64.b64decode(_BLANKS.sub("", match.group(3)), validate=False)
            except (binascii.Error, ValueError):
                data = None
            src = f"data:{match.group(1) or 'application/octet-stream'}"
        elif self.base_url:
            src = urljoin(self.base_url, src)
        self.blocks.append(Block("image", image=Image(src=src, alt=(element.get("alt") or "")
                                                      .strip(), data=data)))

    # --- tables -------------------------------------------------------------------------
    def _table(self, table, depth: int) -> None:
        caption = next((c for c in table if c.tag == "caption"), None)
        if caption is not None:
            self.walk(caption, depth + 1)
            self.flush()
        builder = GridBuilder()
        images: list[Block] = []
        # A data table holds no other table (is_layout_table): without pictures, every
        # cell is plain text.
        plain = next(table.iter("img"), None) is None
        rows_html = [cells for cells in map(row_cells, _ROWS(table)) if cells]
        n_rows = len(rows_html)
        for r, cells in enumerate(rows_html):
            placed = []
            for cell in cells:
                text = (self._plain_cell(cell, depth + 2) if plain
                        else self._cell(cell, depth + 2, images))
                colspan, rowspan = cell.get("colspan"), cell.get("rowspan")
                # Browsers end a rowspan at the table's last row.
                placed.append((text, min(_span(rowspan), n_rows - r) if rowspan else 1,
                               _span(colspan) if colspan else 1))
            builder.place_row(r, placed)
        rows = builder.rows()
        if builder.overflow:
            self.warnings.append("a table's spans exceed the grid limit: cells were dropped")
        if rows:
            self._add_table(Table(rows=rows))
        self.blocks.extend(images)

    def _add_table(self, table: Table) -> None:
        self.blocks.append(Block("table", table=table))

    def _plain_cell(self, cell, depth: int) -> str:
        """The text of a cell without images or tables, its paragraphs one a line."""
        if len(cell) == 0:  # text only
            text = cell.text
            return _collapse(text).strip() if text else ""
        parts: list[str] = []
        _plain_text(cell, depth, parts)
        return stripped_lines("".join(parts))

    def _cell(self, cell, depth: int, images: list[Block]) -> str:
        """A cell's text, its paragraphs one a line (a table nested in it one row a line);
        its images go to ``images``. ``depth``: that of the cell's children."""
        if next(cell.iter("img", "table"), None) is None:
            return self._plain_cell(cell, depth)
        flow = _CellFlow(self.base_url)
        flow._content(cell, depth)
        self.warnings += flow.warnings
        images += flow.blocks
        return stripped_lines("".join(flow._parts))


class _CellFlow(Flow):
    """A cell holding images or tables: its text as one string (in ``_parts``), its images
    as its only blocks. A paragraph's end is just a line break: the cell's lines are
    stripped and the blank ones dropped once, at the end (``stripped_lines``)."""

    def flush(self) -> None:
        if self._parts:
            self._parts.append("\n")

    def _add_table(self, table: Table) -> None:
        for row in table.rows:
            self._parts.append("\n" + " ".join(c.text for c in row if not c.spanned and c.text)
                               + "\n")


def _plain_text(element, depth: int, parts: list[str]) -> None:
    """What ``Flow._content`` makes of an element without images or tables inside, with a
    line break where a paragraph would end: the lean loop most cells take.

    An inline element is asked whether it is hidden only once it turned out to hold text
    (the text is then taken back if so): Word's empty <o:p> and the <span> around them
    hold none, and fetching their long style attributes is the walk's largest cost."""
    text = element.text
    if text:
        parts.append(_collapse(text))
    for child in element:
        tag = child.tag
        if tag.__class__ is str:  # not a comment or PI (those only have a tail)
            kind = _KINDS.get(tag, INLINE)
            if kind == INLINE:
                start = len(parts)
                if depth > MAX_DEPTH:
                    text = text_content(child)
                    if text:
                        parts.append(_collapse(text))
                elif len(child):
                    _plain_text(child, depth + 1, parts)
                else:  # a leaf (most <span> and <o:p>): its text, without a call
                    text = child.text
                    if text:
                        parts.append(_collapse(text))
                # is_hidden(child), inline: this line runs for nearly every cell
                if len(parts) > start and (child.get("hidden") is not None or (
                        (style := child.get("style")) and _hides(style))):
                    del parts[start:]
            elif kind == SKIP or is_hidden(child):
                pass
            elif depth > MAX_DEPTH:
                text = text_content(child)
                if text:
                    parts.append(_collapse(text))
            elif kind == BR:
                parts.append("\n")
            else:
                parts.append("\n")
                _plain_text(child, depth + 1, parts)
                parts.append("\n")
        tail = child.tail
        if tail:
            parts.append(_collapse(tail))


def _collapse(text: str) -> str:
    """Runs of spaces and line breaks as one space, as a browser shows them (the markup's
    indentation, most often, and text with nothing to collapse need no regex)."""
    if not text.strip(_COLLAPSED):
        return " "
    if ("  " in text or "\n" in text or "\t" in text or "\r" in text or "\f" in text
            or "\v" in text):
        return _SPACE.sub(" ", text)
    return text
