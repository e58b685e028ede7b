"""Reading an OCR grid by position, when its labels cannot be trusted.

Tesseract reads numbers well and Chinese labels only approximately, and the image extractor
(``parsers.extract.ocr.image``) already named the table from its shape (``kind_hint``,
``layout_hint``). The official templates fix where every number sits:

- ``applications``: the value rows are the rows whose last 7 grid cells are unmerged (the
  header rows never are: 申请人情况 spans 7 columns, 自然人 and 总计 span two rows); the
  last 25 (gb2021) or 23 (gb2019) of them, top to bottom, are the canonical rows in order.
- ``review_litigation``: the last row of >= 12 unmerged cells holds the 15 numbers.
- ``active``: each block starts with a full-width heading row and a header row; the rows up
  to the next heading are the block's rows, in the template's order.

Returns False when the grid does not have the template's shape, so the caller can fall back
to reading the labels.
"""

from __future__ import annotations

from parsers.document import Cell, Table
from parsers.tables.collect import Collector
from parsers.tables.schema import (
    APPLICANT_COLUMNS,
    VARIANT_ROWS,
    RowSpec,
    active_rows,
    review_specs,
    row_specs,
)

_WIDTH = len(APPLICANT_COLUMNS)
REVIEW_MIN_CELLS = 12


def read_positional(table: Table, layout: str, out: Collector) -> bool:
    rows = table.rows  # blank rows too: a row of blank numbers is still a row
    if table.kind_hint == "applications":
        return _applications(rows, layout, out)
    if table.kind_hint == "review_litigation":
        return _review(rows, out)
    if table.kind_hint == "active":
        return _active(rows, layout, out)
    return False


def _unmerged_tail(row: list[Cell], n: int) -> bool:
    return len(row) >= n and not any(c.spanned for c in row[-n:])


def _applications(rows: list[list[Cell]], layout: str, out: Collector) -> bool:
    # The template's own rows: a drawn table has one form or the other, not both.
    specs = [s for s in row_specs(layout) if s.table == "applications"
             and s.row not in VARIANT_ROWS.get(layout, ())]
    value_rows = [row for row in rows if len(row) > _WIDTH and _unmerged_tail(row, _WIDTH)]
    if len(value_rows) < len(specs):
        return False
    if len(value_rows) > len(specs):
        out.warn("applications", f"applications: {len(value_rows)} value rows for "
                                 f"{len(specs)}; the first ones are taken for headers")
    for spec, row in zip(specs, value_rows[-len(specs):]):
        out.add_row((spec,), [c.text for c in row[-_WIDTH:]], "ocr")
    return True


def _review(rows: list[list[Cell]], out: Collector) -> bool:
    for row in reversed(rows):
        cells = [c for c in row if not c.spanned]
        if len(cells) >= REVIEW_MIN_CELLS and _unmerged_tail(row, len(cells)):
            out.add_row(review_specs(), [c.text for c in cells[-15:]], "ocr")
            return True
    return False


def _active(rows: list[list[Cell]], layout: str, out: Collector) -> bool:
    blocks = active_rows(layout)
    headings = [i for i, row in enumerate(rows)
                if len(row) > 1 and sum(1 for c in row if not c.spanned) == 1]
    if len(headings) != len(blocks):
        return False
    ends = [*headings[1:], len(rows)]
    for specs, start, end in zip(blocks, headings, ends):
        body = rows[start + 2:end]  # the heading row, then the 信息内容 header row
        if len(body) != len(specs):
            out.warn("active", f"active: a block has {len(body)} rows, the template "
                               f"{len(specs)}; read by position")
        for spec, row in zip(specs, body):
            _active_row(spec, row, out)
    return True


def _active_row(spec: RowSpec, row: list[Cell], out: Collector) -> None:
    values = [c.text for c in row[1:] if not c.spanned]
    out.add_row((spec,), values, "ocr")
