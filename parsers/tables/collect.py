"""Turning one identified row of cell texts into canonical :class:`CellValue` objects.

Shared by the label reader and the positional (OCR) reader, so both fit short or long rows
the same way and say so in the same words.
"""

from __future__ import annotations

from collections.abc import Sequence

from parsers.contract import CellSource, CellValue
from parsers.quantities import is_fraction, whole
from parsers.tables.cells import is_blank, read_value
from parsers.tables.schema import (
    AMOUNT_CELLS,
    VARIANT_REPLACES,
    VARIANT_ROWS,
    RowSpec,
    row_specs,
    table_keys,
)

ENDS, LEFT, FIRST = "ends", "left", "first"  # how a short row of table 三 is placed


def fit(values: Sequence[str], n: int, short: str = LEFT,
        stray: Sequence[bool] = ()) -> list[str | None]:
    """``values`` made exactly ``n`` long, by position.

    Too many: the cells of columns blank throughout the grid (``stray``) are dropped, then
    blank cells from the left (a merged label a PDF table finder split into empty cells),
    then from the right, then the surplus on the right.
    Too few: ``LEFT``, the numbers fill from the left (the tail of a row an excerpt cut
    short; the rows of tables 二 and 四). ``ENDS`` (a row of table 三 whose blank cells a PDF
    line lost): the first number is 自然人 and the last 总计 (the cells reports never
    leave blank); the ones between could stand in any 法人 column, so they are not placed.
    ``FIRST`` (such a row cut short too): only 自然人 is known. A cell not placed is None:
    absent, never guessed.
    """
    cells: list[str | None] = list(values)
    if len(cells) > n and any(stray):
        keep = [v for v, s in zip(values, stray) if not s]
        cells = list(keep) if len(keep) >= n else cells
    while len(cells) > n and is_blank(cells[0] or ""):
        cells.pop(0)
    while len(cells) > n and is_blank(cells[-1] or ""):
        cells.pop()
    cells = cells[:n]
    missing = n - len(cells)
    if missing > 0:
        if short == ENDS:
            # 总计 is the one cell a report never leaves blank, so the last number is it;
            # which applicant column any other number stands in cannot be told. A lone
            # number is 总计 only after blank cells the text shows (a row of empty cells).
            numbers = sum(1 for c in cells if not is_blank(c or ""))
            at_end = not is_blank(cells[-1] or "") and (numbers >= 2 or len(cells) >= 3)
            cells = [None] * (n - 1) + (cells[-1:] if at_end else [None])
        elif short == FIRST:
            cells = cells[:1] + [None] * (n - 1)
        else:
            cells = cells + [None] * missing
    return cells


class Collector:
    """The cells found so far (first one wins), and warnings tagged with their table."""

    def __init__(self) -> None:
        self.cells: dict[str, CellValue] = {}
        self.warnings: list[tuple[str, str]] = []  # (table, message)
        self._repeated: set[str] = set()  # tables already warned of a second copy
        self._last: Sequence[RowSpec] = ()  # the row placed last
        self._conflicted: set[str] = set()  # rows printed again at once with other values

    def warn(self, table: str, message: str) -> None:
        self.warnings.append((table, message))

    def missing(self, layout: str, table: str) -> list[str]:
        """The keys of ``table`` not found (a variant row found stands for its rows: the
        2019 form's single （六）其他处理 for the 2021 form's three)."""
        replaced = tuple(f"{table}/{VARIANT_REPLACES[spec.row]}" for spec in row_specs(layout)
                         if spec.table == table and spec.row in VARIANT_ROWS.get(layout, ())
                         and self.has_row((spec,)))
        return [k for k in table_keys(layout, table) if k not in self.cells
                and not (replaced and k.startswith(replaced))]

    def has_row(self, specs: Sequence[RowSpec]) -> bool:
        return any(key in self.cells for spec in specs for _, key, _ in spec.cells)

    def add_row(self, specs: Sequence[RowSpec], values: Sequence[str], source: str,
                stray: Sequence[bool] = (), short: str = ENDS) -> None:
        """Assign a row's value texts to the columns of ``specs`` (one spec, or the three
        rows of table 四 printed as one line of 15); ``short``: how a short row of table 三
        is placed (``fit``)."""
        table = specs[0].table
        last, self._last = self._last, specs
        if _name(specs) in self._conflicted:
            return
        if self.has_row(specs) and specs == last and self._differs(specs, values, stray):
            # The same row printed again at once with other numbers (政府集中采购 as one line
            # per purchase): which line, or which sum, the form's cell holds is unknown.
            self._conflicted.add(_name(specs))
            for spec in specs:
                for _, key, _ in spec.cells:
                    self.cells.pop(key, None)
            self.warn(table, f"{_name(specs)}: printed again at once with other values; "
                             "not read")
            return
        if self.has_row(specs):
            if table not in self._repeated:  # a second copy of a table: say so once
                self._repeated.add(table)
                self.warn(table, f"{_name(specs)}: row found again; the first one is kept")
            return
        columns = [(spec, cell) for spec in specs for cell in spec.cells]
        n = len(columns)
        fitted = fit(values, n, short if table == "applications" else LEFT, stray)
        if len(values) < n:
            dropped = _count_numbers(values) - _count_numbers([v for v in fitted if v])
            self.warn(table, f"{_name(specs)}: {len(values)} cells for {n} columns; read by "
                             "position" + (f" ({dropped} number(s) could stand in any "
                                           "column: not read)" if dropped else ""))
        elif len(values) > n and _count_numbers(values) > _count_numbers(
                [v for v in fitted if v is not None]):
            self.warn(table, f"{_name(specs)}: {len(values)} cells for {n} columns; extra "
                             "cells ignored")
        cell_source: CellSource = "ocr" if source == "ocr" else "table"
        cells = self.cells
        for (spec, (col, key, label)), raw in zip(columns, fitted):
            if raw is None:
                continue  # a cell the row lost (which one is a guess): absent, not blank
            text = raw
            reading = read_value(text)
            if not reading.readable:
                self.warn(table, f"{key}: not a number: {text!r}")
            value = reading.value
            if key not in AMOUNT_CELLS:  # a count: 72, never 72.0; a fraction is a finding
                value = whole(value)
                if is_fraction(value):
                    self.warn(table, f"{key}: {text.strip()!r} is not a whole number, in a "
                                     "column of counts: kept as printed")
            cells[key] = CellValue(spec.table, spec.row, col, value, text, label,
                                   cell_source, reading.unit)

    def _differs(self, specs: Sequence[RowSpec], values: Sequence[str],
                 stray: Sequence[bool]) -> bool:
        """Do ``values`` read otherwise than the cells already kept for ``specs``?"""
        keys = [key for spec in specs for _, key, _ in spec.cells]
        fitted = fit(values, len(keys), LEFT, stray)
        return any(raw is not None and key in self.cells
                   and read_value(raw).value != self.cells[key].value
                   for key, raw in zip(keys, fitted))


def _count_numbers(values: Sequence[str]) -> int:
    return sum(1 for v in values if not is_blank(v))


def _name(specs: Sequence[RowSpec]) -> str:
    """How warnings name a row (table 四 printed as one line: the table)."""
    return f"{specs[0].table}/{specs[0].row}" if len(specs) == 1 else specs[0].table
