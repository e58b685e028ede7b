"""Table 二's column headers, for rows that print fewer columns than their form.

Reports mix the two forms' blocks and drop columns: a 2019-form report whose 行政许可 block
has only 处理决定数量 (not 上一年项目数量 / 本年增/减), or whose fee block is the 2021 form's
本年度收费金额(单位:万元) (the real 区秦岭保护局 report of 2022). Read by position, its one number
would land in the first column of the form, a value the report never gave. So a header row
seen above a block's rows names the columns its numbers stand in; a row with exactly that
many numbers is read by those headers, in its own layout's row or, for a header only the
other form has, in the other form's row. Anything else is read as before.
"""

from __future__ import annotations

import re

from parsers.tables.cells import norm
from parsers.tables.schema import LAYOUTS, RowSpec, row_specs

# Column id -> the words of its header (folded by ``norm``: no spaces, ASCII brackets).
_HEADERS: dict[str, re.Pattern[str]] = {
    "issued": re.compile(r"^(?:本年(?:度)?新?)?制发"),  # 制发数量 under a cut 本年新
    "repealed": re.compile(r"^(?:本年(?:度)?)?废止"),
    "in_force": re.compile(r"^现行有效"),
    "newly_made": re.compile(r"^本年(?:度)?新制作"),
    "newly_published": re.compile(r"^本年(?:度)?新公开"),
    "total_published": re.compile(r"^对外公开总数"),
    "decisions": re.compile(r"^(?:本年(?:度)?)?处理决定数"),
    "previous_items": re.compile(r"^上一年(?:度)?项目数"),
    "change": re.compile(r"^本年(?:度)?增[/\\、]?(?:减|$)"),  # 本年增/ (减 on the next line)
    "amount_10k_yuan": re.compile(r"^本年(?:度)?收费金额"),
    "projects": re.compile(r"^采购项目数"),
    "amount": re.compile(r"^采购总金额"),
}
_BLOCK = re.compile(r"第二十条")


def column_headers(labels: list[str]) -> tuple[str, ...] | None:
    """The column ids a header row names (信息内容 | 处理决定数量 -> ("decisions",)), or None
    when the row names none."""
    found = []
    for label in labels:
        text = norm(label)
        column = next((col for col, pattern in _HEADERS.items() if pattern.search(text)), None)
        if column is not None:
            found.append(column)
    return tuple(found) or None


def starts_block(labels: list[str]) -> bool:
    """第二十条第(五)项: a new block, whose own header row follows."""
    return any(_BLOCK.search(label) for label in labels)


def by_headers(spec: RowSpec, values: list[str], headers: tuple[str, ...],
               layout: str) -> tuple[RowSpec, list[str | None]] | None:
    """The row's spec and its values in that spec's columns (None: a column the row does not
    print), when the row has one number per header; else None."""
    cells = list(values)
    while cells and not cells[-1].strip():
        cells.pop()
    if len(cells) != len(headers) or len(set(headers)) != len(headers):
        return None
    if tuple(col for col, _ in spec.columns) == headers:
        return None  # the form's own columns, all printed: nothing to place
    for candidate in (spec, *_other_forms(spec, layout)):
        columns = [col for col, _ in candidate.columns]
        if all(h in columns for h in headers):
            placed: list[str | None] = [None] * len(columns)
            for header, value in zip(headers, cells):
                placed[columns.index(header)] = value
            return candidate, placed
    return None


def _other_forms(spec: RowSpec, layout: str) -> list[RowSpec]:
    return [s for other in LAYOUTS if other != layout for s in row_specs(other)
            if s.table == spec.table and s.row == spec.row]
