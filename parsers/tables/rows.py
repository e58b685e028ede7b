"""Every input form turned into one thing: a stream of table rows (cell texts in order).

A grid from an HTML/DOCX/PDF extractor, a table flattened one cell per line (the seeds:
cells lead with a tab, rows end at a blank line), ``| a | b |`` rows (antiword) and PDF
lines with space-separated numbers all become :class:`Row` objects, so the label reader
(``labelled``) is written once. Space-separated text loses blank cells: such rows come up
short, and the reader fills them by position and says so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from parsers.document import Cell, Table

from .cells import BLANK, LABEL, is_blank, is_value_text, kind

_HEADING = re.compile(r"^\s*[一二三四五六七八九十]+、")
_RULE = re.compile(r"^:?-{3,}:?$")
MAX_CONTINUATION = 40  # longer lines after a cell are prose, not the rest of a split label


@dataclass
class Row:
    cells: list[Cell]
    source: str = "table"  # table | ocr
    stray: frozenset[int] = frozenset()  # cells of a grid column blank in every row

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
            rows.append(Row([Cell(t) for t in current]))
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
                and not _HEADING.match(stripped) and "|" not in stripped):
            current[-1] += "\n" + line  # 商业\n企业: a label broken inside its cell
            continue
        flush()
        in_cell = False
        row = _line_row(line.strip(" \r\u3000\xa0"))
        if row is not None:
            rows.append(row)
    flush()
    return rows


def _line_row(line: str) -> Row | None:
    if line.startswith("|"):
        line = line.strip()
        body = line[1:-1] if line.endswith("|") and len(line) > 1 else line[1:]
        parts = body.split("|")
        if all(_RULE.match(p.strip()) or not p.strip() for p in parts):
            return None  # |---|---| under a markdown header
        return Row([Cell(p) for p in parts])
    if "\t" in line:
        return Row([Cell(p) for p in line.split("\t")])
    tokens = line.split()
    n = len(tokens)
    while n and is_value_text(tokens[n - 1]):
        n -= 1
    label = " ".join(tokens[:n])
    cells = ([Cell(label)] if label else []) + [Cell(t) for t in tokens[n:]]
    return Row(cells)
