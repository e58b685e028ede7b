"""Which statistical table a ruled grid is, and which of its cells hold numbers, from the
grid's geometry alone.

OCR reads numbers well and Chinese labels only approximately, so the table's identity must
not depend on the labels: an unreadable label would otherwise lose the whole table. The
official templates (tests/portalsim/tables.py draws them) differ enough in shape:

``review_litigation`` (四): 15 value columns. The last row is 15 single cells (行政复议 x5,
    未经复议直接起诉 x5, 复议后起诉 x5) and holds all the numbers; the rows above are
    headers. Recognised by a last row of >= 12 unmerged cells. Both layouts draw it the
    same, so it gets no layout hint.
``applications`` (三): 7 value columns (自然人, five 法人或其他组织, 总计) right of a label
    area. A value row is one whose last 7 grid columns are 7 unmerged cells and which has a
    label cell to their left; the header rows never are (申请人情况 spans 7 columns, 自然人 and
    总计 span two rows). Recognised by >= 15 such rows. ``gb2021`` has 25 value rows,
    ``gb2019`` 23 (its （六）其他处理 is one row instead of three): >= 24 means gb2021.
``active`` (二): blocks, each a full-width heading row (第二十条第（一）项), a header row
    (信息内容 / column names), then value rows: a label cell, then 1-3 value cells (a lone
    value spans the columns). Recognised by >= 3 full-width rows in a grid of <= 6 columns.
    ``gb2021`` has 10 value cells (3+3+1+1+1+1), ``gb2019`` 22 (five blocks, the first
    three with 3 columns): >= 16 means gb2019.

Anything else is an unknown table: every cell is read as text, none as a number.
"""

from __future__ import annotations

from dataclasses import dataclass

from parsers.extract.ocr.grid import GridCell, RuledGrid

APPLICANT_COLUMNS = 7
REVIEW_MIN_CELLS = 12  # of 15; a lost rule must not lose the table
APPLICATIONS_MIN_ROWS = 15  # of 23/25
APPLICATIONS_GB2021_ROWS = 24  # 25 value rows in gb2021, 23 in gb2019
ACTIVE_MAX_COLS = 6  # 4 in both layouts
ACTIVE_MIN_BLOCKS = 3  # of 4/5
ACTIVE_GB2019_CELLS = 16  # 22 value cells in gb2019, 10 in gb2021


@dataclass(frozen=True)
class Shape:
    kind: str | None  # active | applications | review_litigation | None (unknown)
    layout: str | None  # gb2021 | gb2019 | None (unknown, or the same in both)
    values: frozenset[int]  # indexes into RuledGrid.cells of the cells that hold numbers


def classify(grid: RuledGrid) -> Shape:
    for recognise in (_review_litigation, _applications, _active):
        shape = recognise(grid)
        if shape is not None:
            return shape
    return Shape(None, None, frozenset())


def _single(cell: GridCell) -> bool:
    return cell.rowspan == 1 and cell.colspan == 1


def _index(grid: RuledGrid, cell: GridCell) -> int:
    return grid.owner[cell.row, cell.col]


def _review_litigation(grid: RuledGrid) -> Shape | None:
    last = grid.row_cells(grid.n_rows - 1)
    if len(last) < REVIEW_MIN_CELLS or not all(_single(c) for c in last):
        return None
    return Shape("review_litigation", None, frozenset(_index(grid, c) for c in last))


def _applications(grid: RuledGrid) -> Shape | None:
    if grid.n_cols <= APPLICANT_COLUMNS:
        return None
    first_value_col = grid.n_cols - APPLICANT_COLUMNS
    values: set[int] = set()
    rows = 0
    for r in range(grid.n_rows):
        right = [grid.cell_at(r, c) for c in range(first_value_col, grid.n_cols)]
        label = grid.cell_at(r, first_value_col - 1)
        if (all(_single(c) and c.row == r for c in right)
                and label.col + label.colspan == first_value_col):
            rows += 1
            values.update(_index(grid, c) for c in right)
    if rows < APPLICATIONS_MIN_ROWS:
        return None
    layout = "gb2021" if rows >= APPLICATIONS_GB2021_ROWS else "gb2019"
    return Shape("applications", layout, frozenset(values))


def _active(grid: RuledGrid) -> Shape | None:
    if grid.n_cols > ACTIVE_MAX_COLS:
        return None
    headings = {r for r in range(grid.n_rows) if len(grid.row_cells(r)) == 1}
    if len(headings) < ACTIVE_MIN_BLOCKS:
        return None
    values: set[int] = set()
    for r in range(grid.n_rows):
        if r in headings or r - 1 in headings or r < min(headings):
            continue
        _label, *numbers = grid.row_cells(r)
        values.update(_index(grid, c) for c in numbers if c.row == r and c.rowspan == 1)
    layout = "gb2019" if len(values) >= ACTIVE_GB2019_CELLS else "gb2021"
    return Shape("active", layout, frozenset(values))
