"""Every input form turned into one thing: a stream of table rows (cell texts in order).

A grid from an HTML/DOCX/PDF extractor, a table flattened one cell per line (the seeds:
cells lead with a tab, rows end at a blank line), ``| a | b |`` rows (antiword) and PDF
lines with space-separated numbers all become :class:`Row` objects, so the label reader
(``labelled``) is written once. Space-separated text loses blank cells: such rows come up
short, and the reader places what it can by position and says so. (``text_rows`` is the
line reading of flattened text; ``stream`` reads the other flattenings real reports show.)
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from parsers.document import Cell, Table
from parsers.tables.cells import BLANK, LABEL, is_blank, is_value_text, kind

HEADING = re.compile(r"^\s*[一二三四五六七八九十]+、")
_RULE = re.compile(r"^:?-{3,}:?$")
MAX_CONTINUATION = 40  # longer lines after a cell are prose, not the rest of a split label
TEXT = "text"  # the source of rows read from flattened text
EDGES = " \r\u3000\xa0"  # what a text line's cells are stripped of


@dataclass
class Row:
    cells: list[Cell]
    source: str = "table"  # table | ocr | text (flattened: read as a table's cells)
    stray: frozenset[int] = frozenset()  # cells of a grid column blank in every row
    glued: bool = False  # its numbers touched the labels in text (digits may run together)
    cut: bool = False  # the text ends in it: an excerpt may have cut it short
    closed: bool = False  # ... after its end, which the text marks (``|`` ending a row)
    partial: bool = False  # ... inside its last word: its last number may be cut too
    spaced: bool = False  # its numbers were split from one line on spaces (blanks vanish)
    piped: bool = False  # a whole ``| a | b |`` line: its cells are all the row has

    def split(self) -> tuple[list[str], list[str], list[bool]]:
        """(label texts, value texts, which values are stray): the values are the unmerged
        cells after the last cell that is text rather than a number (labels are always left
        of the numbers)."""
        kinds = [kind(cell.text) for cell in self.cells]
        end = -1
        for i, k in enumerate(kinds):
            if k == LABEL:
                end = i
        labels: list[str] = []
        for cell, k in zip(self.cells[:end + 1], kinds):
            if k != BLANK and (not labels or labels[-1] != cell.text):
                labels.append(cell.text)
        tail = [(i, c) for i, c in enumerate(self.cells) if i > end and not c.spanned]
        return labels, [c.text for _, c in tail], [i in self.stray for i, _ in tail]


@dataclass(slots=True)
class Token:
    """One cell's text in a table flattened to text (``stream``): a label, a value or a
    blank cell, with where it stood."""

    text: str
    kind: int  # cells.BLANK | VALUE | LABEL
    header: bool = False  # a column header cut out of run-together label text
    glued: bool = False  # a value that touched label text, no separator between
    spaced: bool = False  # a value split from a line of several on spaces
    line: int = 0  # the line (or tab-led row) it came from
    piped: bool = False  # a cell of a whole ``| a | b |`` line


def grid_rows(table: Table, source: str | None = None) -> list[Row]:
    """A grid's rows, without the rows that are blank throughout; cells of columns blank
    throughout are marked stray (PDF table finders and hand-made HTML add such columns,
    but a piece of a split table can also have a column of blank numbers)."""
    rows = [row for row in table.rows if any(not is_blank(c.text) for c in row)]
    width = max((len(row) for row in rows), default=0)
    empty = frozenset(c for c in range(width)
                      if all(c >= len(row) or is_blank(row[c].text) for row in rows))
    return [Row(list(row), source or table.source, empty) for row in rows]


def text_rows(text: str) -> list[Row]:
    """Rows of a table flattened to text: cell-per-line (tab-led), pipe rows, tab-separated
    lines, or space-separated lines (a label then numbers)."""
    rows: list[Row] = []
    current: list[str] | None = None  # cells of the tab-led row being collected
    in_cell = False  # the previous line was (the end of) a tab-led cell

    def flush() -> None:
        nonlocal current
        if current:
            rows.append(Row([Cell(t) for t in current], TEXT))
        current = None

    for line in text.split("\n"):
        if line.startswith("\t"):
            current = (current or []) + line.split("\t")[1:]
            in_cell = True
            continue
        stripped = line.strip()
        if not stripped:
            flush()
            in_cell = False
            continue
        if (in_cell and current and len(stripped) <= MAX_CONTINUATION
                and not HEADING.match(stripped) and "|" not in stripped):
            current[-1] += "\n" + line  # 商业\n企业: a label broken inside its cell
            continue
        flush()
        in_cell = False
        row = _line_row(line.strip(EDGES))
        if row is not None:
            rows.append(row)
    flush()
    if rows:
        mark_end(rows[-1], text)
    return rows


def mark_end(row: Row, text: str) -> None:
    """The row the text ends in: maybe cut short. Closed when the text ends the row itself
    (a last line of cells ending in a pipe, ``| 0 | 1 |``, or ``||``: its empty cells are
    cells); else partial when the text ends inside a word (no space or separator after
    its last number: ``-`` may be ``-4`` cut)."""
    last = text.rstrip().rsplit("\n", 1)[-1].strip()
    row.cut, row.closed = True, last.endswith("|") and last.count("|") > 1
    row.partial = not row.closed and bool(text) and not (text[-1].isspace() or text[-1] == "|")


def _line_row(line: str) -> Row | None:
    if line.startswith("|"):
        parts = pipe_row(line)
        return None if parts is None else Row([Cell(p) for p in parts], TEXT,
                                               piped=line.endswith("|"))
    if "|" in line:  # "规章 | 0 | 0 |": a row; "规章 |" a cell a line, read by ``stream``
        parts = line.split("|")
        parts = parts[:-1] if not parts[-1].strip() else parts
        return Row([Cell(p) for p in parts], TEXT) if sum(
            1 for p in parts if p.strip()) > 1 else None
    if "\t" in line:
        return Row([Cell(p) for p in line.split("\t")], TEXT)
    label, numbers = label_and_numbers(line)
    cells = ([Cell(label)] if label else []) + [Cell(t) for t in numbers]
    return Row(cells, TEXT, spaced=len(numbers) > 1)


def pipe_row(line: str) -> list[str] | None:
    """The cells of a ``| a | b |`` line; None for the ``|---|---|`` under a header."""
    line = line.strip()
    body = line[1:-1] if line.endswith("|") and len(line) > 1 else line[1:]
    parts = body.split("|")
    if all(_RULE.match(p.strip()) or not p.strip() for p in parts):
        return None
    return parts


def label_and_numbers(line: str) -> tuple[str, list[str]]:
    """A line's label (its words up to the numbers that end it) and those numbers: a PDF
    line, ``1.属于国家秘密 0 0 0``; a number inside the words stays in the label."""
    words = line.split()
    end = len(words)
    while end and is_value_text(words[end - 1]):
        end -= 1
    return " ".join(words[:end]), words[end:]
