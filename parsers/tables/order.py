"""Rows of table 三 parted from their labels, placed by the form's order where the sums prove it.

A PDF turned into Markdown (the Shanghai reports of 2024 and 2025 kept in public
repositories) can part a row of table 三 from its label: the label's lines float above or
below, and the seven numbers stand in a row of their own, or beside a fragment that names
nothing (``行政机关不再处理其政府信息公``). The rows themselves keep the form's order, and the
rows whose labels stayed with them show where the others belong. So between two rows named
by their own labels, in the form's order, a run of unnamed full rows exactly as long as the
rows the form has between those two is those rows, in order, provided (the proof) every
column's outcome rows then add up to its （七）总计. Anything less is not placed: a row read
by a label above it stays as it was read, a bare row stays unread, and the table's gaps are
reported as missing cells.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from parsers.tables.cells import is_blank, read_value
from parsers.tables.collect import Collector
from parsers.tables.rows import Row
from parsers.tables.schema import APPLICANT_COLUMNS, VARIANT_ROWS, RowSpec, outcome_rows, row_specs

_WIDTH = len(APPLICANT_COLUMNS)
_TOTAL = "total_processed"
MIN_ANCHOR_VALUES = 2


@dataclass
class Found:
    """A row with values, as the label reader identified it (``target`` None: nothing)."""

    row: Row
    labels: list[str]
    values: list[str]
    stray: list[bool]
    target: tuple[RowSpec, ...] | None
    own: bool  # its own label named it (not the labels above it, nor its length)
    headers: tuple[str, ...] | None = None  # table 二's column headers above it (headers.py)


def place_by_order(found: list[Found], layout: str, out: Collector) -> None:
    """Retarget the unnamed rows of table 三 that the form's order and its sums place."""
    specs = [s for s in row_specs(layout) if s.table == "applications"
             and s.row not in VARIANT_ROWS.get(layout, ())]
    index = {s.row: i for i, s in enumerate(specs)}
    anchors = [(i, index[f.target[0].row]) for i, f in enumerate(found) if _anchor(f, index)]
    if any(b <= a for (_, a), (_, b) in itertools.pairwise(anchors)):
        return  # not in the form's order (two tables, or rows the labels misname)
    plan: dict[int, RowSpec] = {}
    for (i, a), (j, b) in itertools.pairwise(anchors):
        loose = [k for k in range(i + 1, j) if _loose(found[k])]
        if not loose:
            continue
        if len(loose) != b - a - 1:
            return  # rows lost or added: the order proves nothing
        plan.update({k: specs[a + 1 + n] for n, k in enumerate(loose)})
    if not plan:
        return
    numbers = {found[i].target[0].row: _numbers(found[i].values)  # type: ignore[index]
               for i, _ in anchors}
    numbers.update({spec.row: _numbers(found[k].values) for k, spec in plan.items()})
    if not _adds_up(numbers, layout):
        out.warn("applications", f"applications: {len(plan)} row(s) without their labels "
                                 "not placed: the form's order does not add up to （七）总计")
        return
    for k, spec in plan.items():
        found[k].target = (spec,)
    out.warn("applications", f"applications: {len(plan)} row(s) without their labels placed "
                             "by the form's order (every column adds up to （七）总计)")


def _anchor(item: Found, index: dict[str, int]) -> bool:
    """A row of table 三 named by its own label; a sentence with one number in it
    (``部分公开答复 0 件``) is no row of the table."""
    target = item.target
    return (item.own and target is not None and len(target) == 1
            and target[0].table == "applications" and target[0].row in index
            and len(item.values) >= MIN_ANCHOR_VALUES)


def _loose(item: Found) -> bool:
    """A full row of table 三 whose own label names nothing."""
    named = item.own or (item.target is not None and (
        len(item.target) != 1 or item.target[0].table != "applications"))
    return not named and _numbers(item.values) is not None


def _numbers(values: list[str]) -> list[float] | None:
    """The seven numbers of a full row (trailing empty cells aside), or None."""
    cells = list(values)
    while cells and is_blank(cells[-1]):
        cells.pop()
    if len(cells) != _WIDTH:
        return None
    readings = [read_value(c) for c in cells]
    if any(is_blank(c) or not r.readable or r.value is None for c, r in zip(cells, readings)):
        return None
    return [float(r.value) for r in readings]  # type: ignore[arg-type]


def _adds_up(numbers: dict[str, list[float] | None], layout: str) -> bool:
    variants = VARIANT_ROWS.get(layout, ())
    outcomes = [row for row in outcome_rows(layout) if row not in variants]
    rows = [numbers.get(row) for row in [*outcomes, _TOTAL]]
    if any(r is None for r in rows):
        return False
    *parts, total = rows
    return all(sum(p[c] for p in parts) == total[c]  # type: ignore[index]
               for c in range(_WIDTH))
