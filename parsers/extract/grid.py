"""Merged cells to rectangular grids, the one way every extractor expands them.

HTML (rowspan/colspan), Word (gridSpan/vMerge) and PDF (a cell's box covering several rows
and columns) all describe a merged cell by its origin and extent. Expanding it here, once,
gives every format the same contract (parsers.document.Cell): the top-left position holds
the text with ``spanned=False``, every other covered position a copy with ``spanned=True``,
so a merged number is never read twice and labels can still be matched on any row.
"""

from __future__ import annotations

from parsers.document import Cell

MAX_SPAN = 1000  # a colspan="100000" must not allocate a hundred thousand cells
MAX_CELLS = 200_000  # positions per table; the largest real report table has 300


class GridBuilder:
    """Cells placed by (row, column) with their spans; positions never covered are holes."""

    def __init__(self) -> None:
        self._cells: dict[tuple[int, int], Cell] = {}
        self._origin: dict[tuple[int, int], tuple[int, int]] = {}  # position -> its cell's
        self.n_rows = 0
        self.n_cols = 0
        self.overflow = False  # cells were dropped at MAX_CELLS
        self._merged = False  # some cell covers more than its own position

    def place(self, row: int, col: int, text: str, rowspan: int = 1, colspan: int = 1, *,
              continued: bool = False, origin: tuple[int, int] | None = None) -> None:
        """Put ``text`` at (row, col) covering rowspan x colspan positions. A position that
        an earlier cell already covers keeps that cell (broken HTML overlaps spans; the
        browser also lets the first one win). ``continued``: the cell continues a merge that
        started elsewhere (Word's vMerge="continue"), so even (row, col) is a copy of the cell
        at ``origin``."""
        cells = self._cells
        if continued or origin is not None:
            self._merged = True
        if rowspan == 1 and colspan == 1 and len(cells) < MAX_CELLS:  # most cells: no span
            key = (row, col)
            if key not in cells:
                cells[key] = Cell(text, spanned=continued)
                self._origin[key] = origin or key
            if row >= self.n_rows:
                self.n_rows = row + 1
            if col >= self.n_cols:
                self.n_cols = col + 1
            return
        self._merged = True
        rowspan = max(1, min(rowspan, MAX_SPAN))
        colspan = max(1, min(colspan, MAX_SPAN))
        if len(self._cells) + rowspan * colspan > MAX_CELLS:
            self.overflow = True  # keep the text, drop the span
            rowspan = colspan = 1
            if len(self._cells) >= MAX_CELLS:
                return
        for dr in range(rowspan):
            for dc in range(colspan):
                key = (row + dr, col + dc)
                if key not in self._cells:
                    self._cells[key] = Cell(text, spanned=continued or bool(dr or dc))
                    self._origin[key] = origin or (row, col)
        self.n_rows = max(self.n_rows, row + rowspan)
        self.n_cols = max(self.n_cols, col + colspan)

    def place_row(self, row: int, cells: list[tuple[str, int, int]]) -> None:
        """A row's cells (text, rowspan, colspan) from left to right, each at the first
        column no cell of an earlier row covers (HTML's rule). The same as ``place`` for
        each; the loop is here because tables of a few hundred cells spent more time in
        calls to ``place`` than in it."""
        taken, origin = self._cells, self._origin
        col = 0
        for text, rowspan, colspan in cells:
            while (row, col) in taken:
                col += 1
            if rowspan == 1 and colspan == 1 and len(taken) < MAX_CELLS:
                key = (row, col)
                taken[key] = Cell(text)
                origin[key] = key
                if col >= self.n_cols:
                    self.n_cols = col + 1
            else:
                self.place(row, col, text, rowspan, colspan)
            col += colspan
        if cells and row >= self.n_rows:
            self.n_rows = row + 1

    def text_at(self, row: int, col: int) -> str | None:
        cell = self._cells.get((row, col))
        return cell.text if cell is not None else None

    def origin_of(self, row: int, col: int) -> tuple[int, int] | None:
        return self._origin.get((row, col))

    def rows(self, n_rows: int | None = None) -> list[list[Cell]]:
        """The grid as rows of equal length; ``n_rows`` clips rowspans that run past the
        last row (as browsers do). Holes become empty cells.

        A column that only continues the cells of the column before it, row after row, is
        dropped (likewise a row that only continues the row above): converters split grid
        columns (LibreOffice turns the 15-column table 四 into 16, one value cell spanning
        two), and the table's shape is how later stages recognise it.
        """
        height = self.n_rows if n_rows is None else min(n_rows, self.n_rows)
        # Only columns and rows some cell covers: a column of holes is no column.
        keys = (self._cells if height >= self.n_rows
                else [(r, c) for (r, c) in self._cells if r < height])
        row_numbers, col_numbers = zip(*keys) if keys else ((), ())
        used_rows, used_cols = sorted(set(row_numbers)), sorted(set(col_numbers))
        if len(used_rows) * len(used_cols) > 5 * MAX_CELLS:
            self.overflow = True
            used_cols = used_cols[:max(1, 5 * MAX_CELLS // max(1, len(used_rows)))]
        if not self._merged:  # no cell continues another: every column and row stays
            return [[self._cells.get((r, c)) or Cell("") for c in used_cols] for r in used_rows]
        origin = self._origin.get
        columns = [c for n, c in enumerate(used_cols) if n == 0 or any(
            origin((r, c)) is None or origin((r, c)) != origin((r, used_cols[n - 1]))
            for r in used_rows)]
        rows = [r for n, r in enumerate(used_rows) if n == 0 or any(
            origin((r, c)) is None or origin((r, c)) != origin((used_rows[n - 1], c))
            for c in columns)]
        return [[self._cells.get((r, c)) or Cell("") for c in columns] for r in rows]
