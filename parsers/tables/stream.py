"""Tables flattened to text, read as one stream of cells cut into rows.

Real reports reach us with their tables flattened every way: one cell per line (with ``|``
after each cell, ``|`` lines between cells, or nothing), ``| a | b |`` rows, a row's label
on one line and its numbers on the next, a whole table on one line with its digits run
together. Whatever the form, the cells come in reading order, and a row of the form is
its labels followed by its numbers; so the text is turned into one stream of cell tokens
(labels, values, blank cells where the text shows them) and cut into rows wherever a label
follows a value, or where the text itself ends a row (a whole ``| a | b |`` line, a tab-led
row's blank line). The label reader (``labelled``) then reads those rows like any grid's.

A row's own label is the label on its numbers' line, else the last label before them;
the labels before that go to the reader as label-only rows, the context of broken labels
and of group labels (三、本年度办理结果, （三）不予公开) above their first sub-row.
"""

from __future__ import annotations

import re
from itertools import groupby

from parsers.document import EMPTY_PARAGRAPH, Cell
from parsers.tables.cells import BLANK, LABEL, VALUE, kind
from parsers.tables.glued import glued_tokens
from parsers.tables.rows import (
    EDGES,
    HEADING,
    MAX_CONTINUATION,
    TEXT,
    Row,
    Token,
    label_and_numbers,
    mark_end,
    pipe_row,
)

_MARKDOWN_HEADING = re.compile(r"^#{1,6}\s+")
DOUBLE_SPACED_MIN = 20  # cells followed by one blank line, for a text to be double-spaced
DOUBLE_SPACED_SHARE = 3  # ... and this many times the lines followed by a line
BREAK = Token("", BLANK, line=-1)  # the text ends a row here


def stream_rows(text: str) -> list[Row]:
    """The rows of the tables flattened into ``text``, in order (label-only rows too)."""
    lines = text.split("\n")
    reader = _Tokens(_double_spaced(lines), _empty_cells(lines))
    for n, line in enumerate(lines):
        reader.line(n, line)
    reader.close_pipe_cell()
    rows = _cut(reader.tokens)
    if rows:
        mark_end(rows[-1], text)
    return rows


def _double_spaced(lines: list[str]) -> bool:
    """Is every cell followed by a blank line (a page's cells saved one a paragraph)? Then
    an empty cell shows as two more blank lines, or as a line of spaces (the cell's
    ``&nbsp;``) between two blank lines, and counts. Cells are short lines: the prose
    around the tables may be spaced otherwise."""
    gaps = [0, 0]  # cells followed directly by a line, by exactly one blank line
    size = [_size(line) for line in lines]
    for i in range(len(lines) - 2):
        if 0 < size[i] <= MAX_CONTINUATION or size[i] == SPACES:
            if size[i + 1]:
                gaps[0] += 1
            elif size[i + 2]:
                gaps[1] += 1
    return gaps[1] >= DOUBLE_SPACED_MIN and gaps[1] > DOUBLE_SPACED_SHARE * gaps[0]


def _empty_cells(lines: list[str]) -> frozenset[int]:
    """The ``&nbsp;`` paragraphs (``EMPTY_PARAGRAPH`` lines) that stand for empty cells:
    between short lines, as in a page that gives each cell a paragraph; not the spacer a page
    puts after a heading before its prose. One pass each way: the text before and after each
    such line is the nearest line with text (or, after it, another empty paragraph)."""
    marked = [n for n, line in enumerate(lines) if line == EMPTY_PARAGRAPH]
    if not marked:
        return frozenset()
    before: list[str] = []  # the last line with text up to each line
    last = ""
    for line in lines:
        before.append(last)
        last = line.strip() or last
    after: list[str] = [""] * len(lines)  # the next line with text or empty paragraph
    following = ""
    for n in range(len(lines) - 1, -1, -1):
        after[n] = following
        line = lines[n]
        following = line if line.strip() or line == EMPTY_PARAGRAPH else following
    return frozenset(n for n in marked if 0 < len(before[n]) <= MAX_CONTINUATION and (
        after[n] == EMPTY_PARAGRAPH or 0 < len(after[n].strip()) <= MAX_CONTINUATION))


SPACES = -1  # the size ``_size`` gives a line of nothing but spaces


def _size(line: str) -> int:
    """The length of a line's text; SPACES for a line of spaces only (not an empty one)."""
    stripped = line.strip()
    return len(stripped) if stripped or not line.strip("\r") else SPACES


def clean_line(line: str) -> str:
    """A text line without its edges' spaces and a Markdown heading's ``###``."""
    line = line.strip(EDGES)
    return _MARKDOWN_HEADING.sub("", line) if line.startswith("#") else line


class _Tokens:
    """Reads lines into tokens, keeping what a cell that spans lines needs."""

    def __init__(self, double_spaced: bool, empty_cells: frozenset[int] = frozenset()) -> None:
        self.tokens: list[Token] = []
        self.pending: list[str] | None = None  # lines since the last ``|``, in a piped text
        self.tab_row: int | None = None  # the first line of the tab-led row being read
        self.double_spaced = double_spaced
        self.empty_cells = empty_cells  # lines that are an HTML cell's <p>&nbsp;</p>
        self.blanks = 0  # blank lines since the last line with text

    def line(self, n: int, raw: str) -> None:
        if raw.startswith("\t"):  # the seeds: a cell a line, led by a tab
            if self.tab_row is None:
                self.tab_row = n
            self.tokens.extend(_token(c, self.tab_row) for c in raw.split("\t")[1:])
            return
        text = clean_line(raw)
        if self.tab_row is not None:
            if text and self._continues(text):
                last = self.tokens[-1]  # 商业\n企业: a label broken inside its cell
                self.tokens[-1] = _token(f"{last.text}\n{raw}", last.line)
                return
            self.tokens.append(BREAK)
            self.tab_row = None
        if not text:
            # An empty cell the text shows: an HTML cell's <p>&nbsp;</p>, or in a double-spaced
            # text a line of spaces between blank lines.
            shown = (n in self.empty_cells and bool(self.tokens)
                     or self.double_spaced and _size(raw) == SPACES)
            if shown and self.pending is None:
                self.tokens.append(Token("", BLANK, line=n))
                self.blanks = 0
            else:
                self.blanks += 1
            return
        blanks, self.blanks = self.blanks, 0
        if "|" in text:
            self._piped(n, text)
        elif "\t" in text:
            self._row(n, text.split("\t"))
        elif self.pending is not None:
            self.pending.append(text)
        else:
            if self.double_spaced and blanks > 2 and self.tokens:
                self.tokens.extend(Token("", BLANK, line=n) for _ in range((blanks - 1) // 2))
            self.tokens.extend(_plain(text, n))

    def _continues(self, text: str) -> bool:
        last = self.tokens[-1] if self.tokens else None
        return (last is not None and last is not BREAK and len(text) <= MAX_CONTINUATION
                and not HEADING.match(text) and "|" not in text)

    def _piped(self, n: int, text: str) -> None:
        # A whole row, | a | b |; but inside a row whose cells the lines before ended with
        # pipes (blank cells as line breaks: "自然人 | 25 |", "|", "| 4 | 3 |", "| 25 |"), its
        # first pipe ends the cell before it, as every pipe of that row does.
        if text.startswith("|") and text.strip("| ") and self.pending is None:
            parts = pipe_row(text)
            if parts is not None:
                self._row(n, parts, piped=text.endswith("|"))
            return
        if len(text) > 1 and not text.strip("|"):  # ||: a row's end, its cells a line each
            self.close_pipe_cell(n, blank=False)
            self.pending = []
            self.tokens.append(BREAK)
            return
        # Cells ended by a pipe ("规章 |", "规章 | 0 | 0 |"), or pipes between cell lines.
        parts = text.split("|")
        self.pending = [*(self.pending or []), parts[0]]
        self.close_pipe_cell(n, blank=True)
        self.tokens.extend(_token(p, n) for p in parts[1:-1])
        self.pending = [parts[-1]] if parts[-1].strip() else []

    def close_pipe_cell(self, n: int = -1, blank: bool = False) -> None:
        """The lines gathered since the last pipe, as the cell the next pipe ends: a blank
        cell, one cell (its lines joined when they are the pieces of one label), or the
        tokens of each line when they are more than one cell's text."""
        if self.pending is None:
            return
        lines = [t.strip(EDGES) for t in self.pending if t.strip(EDGES)]
        self.pending = None
        if not lines:
            if blank:  # a pipe right after a pipe: an empty cell
                self.tokens.append(Token("", BLANK, line=n))
            return
        if len(lines) > 1 and all(kind(t) == LABEL and len(t) <= MAX_CONTINUATION
                                  and not HEADING.match(t) for t in lines[1:]):
            self.tokens.append(_token("\n".join(lines), n))
            return
        for line in lines:
            self.tokens.extend(_plain(line, n))

    def _row(self, n: int, cells: list[str], piped: bool = False) -> None:
        self.close_pipe_cell()
        self.tokens.append(BREAK)
        self.tokens.extend(Token(c, kind(c), line=n, piped=piped) for c in cells)
        self.tokens.append(BREAK)


def _token(text: str, line: int) -> Token:
    return Token(text, kind(text), line=line)


def _plain(text: str, n: int) -> list[Token]:
    """A line with no pipe or tab: run-together cells, or a label then spaced numbers
    (a PDF line), or one cell."""
    if kind(text) == VALUE:  # one number, with a unit or a remark (13000000(预算数))
        return [Token(text, VALUE, line=n)]
    glued = glued_tokens(text)
    if glued is not None:
        for token in glued:
            token.line = n
        return glued
    label, numbers = label_and_numbers(text)
    spaced = len(numbers) > 1
    return ([Token(label, LABEL, line=n)] if label else []) + [
        Token(w, VALUE, line=n, spaced=spaced) for w in numbers]


def _cut(tokens: list[Token]) -> list[Row]:
    """Rows: a row ends where a label follows a value, or where the text ends it."""
    rows: list[Row] = []
    labels: list[Token] = []
    values: list[Token] = []
    for token in [*tokens, BREAK]:
        if token is BREAK or (token.kind == LABEL and values):
            rows.extend(_rows_of(labels, values))
            labels, values = [], []
        if token is BREAK:
            continue
        (labels if token.kind == LABEL else values).append(token)
    return rows


def _rows_of(labels: list[Token], values: list[Token]) -> list[Row]:
    """Label-only rows for the labels above a row, then the row: its own labels (those just
    before its numbers on their line, else the last one before them; never a column
    header) and values."""
    own = 0  # how many of the last labels are the row's own
    if values:
        while own < len(labels) and not labels[-1 - own].header and (
                labels[-1 - own].line == values[0].line or not own):
            own += 1
            if labels[-own].line != values[0].line:
                break  # a label line above a line of numbers
    above, mine = labels[:len(labels) - own], labels[len(labels) - own:]
    rows = [Row([Cell(t.text) for t in group], TEXT)
            for _, group in groupby(above, key=lambda t: (t.line, id(t) if t.header else 0))
            ] if above else []
    if values:
        # One run of digits touching the labels may be several cells run together.
        rows.append(Row([Cell(t.text) for t in mine] + [Cell(t.text) for t in values], TEXT,
                        glued=len(values) == 1 and values[0].glued,
                        spaced=any(t.spaced for t in values),
                        piped=all(t.piped for t in [*mine, *values])))
    return rows
