"""The 勾稽关系 of docs/report-format.md, run over a report's cells.

Real reports break these sums; a failed check is a finding for researchers, recorded as
data, never an exception and never a reason to "correct" a cell. A blank cell counts as 0
(that is how reports use blanks); a check whose cells are all absent (a table not found)
is not run at all, so a missing table does not read as a consistent one.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Iterable, Sequence

from parsers.contract import CellValue, Check
from parsers.tables.schema import (
    APPLICANT_COLUMNS,
    APPLICANTS,
    LAYOUTS,
    REVIEW_COLUMNS,
    REVIEW_ROWS,
    VARIANT_ROWS,
    application_rows,
    outcome_rows,
)

Number = int | float
REL_TOLERANCE = 1e-9  # figures with decimals are summed as floats
# The simulator's truth (tests/portalsim/figures.py) names the 四 row checks row_total, like
# the applications ones; one constant in case the contract settles on another name.
REVIEW_CHECK = "review_litigation.row_total"


def run_checks(cells: Iterable[CellValue], layout: str) -> list[Check]:
    """Every consistency check of the layout that has at least one of its cells."""
    if layout not in LAYOUTS:
        return []
    values: dict[str, Number | None] = {c.key: c.value for c in cells}
    checks = (_equal(name, values, left, right, compact)
              for name, left, right, compact in _sums(layout))
    return [c for c in checks if c is not None]


@functools.cache
def _sums(layout: str) -> tuple[tuple[str, tuple[str, ...], tuple[str, ...], bool], ...]:
    """(check name, cells on the left, cells on the right, compact) of each check: the
    same for every report of a layout, so spelled out once."""
    sums: list[tuple[str, tuple[str, ...], tuple[str, ...], bool]] = []
    outcomes = outcome_rows(layout)
    for col, _ in APPLICANT_COLUMNS:
        a = f"applications/{{}}/{col}"
        sums.append((f"applications.balance.{col}",
                     (a.format("new_received"), a.format("carried_over")),
                     (a.format("total_processed"), a.format("carried_forward")), False))
        sums.append((f"applications.outcomes.{col}", (a.format("total_processed"),),
                     tuple(a.format(r) for r in outcomes), True))
    rows = [row for row, _ in application_rows(layout)] + list(VARIANT_ROWS.get(layout, ()))
    for row in rows:
        sums.append((f"applications.row_total.{row}", (f"applications/{row}/total",),
                     tuple(f"applications/{row}/{c}" for c in APPLICANTS), False))
    parts = [c for c, _ in REVIEW_COLUMNS if c != "total"]
    for row, _ in REVIEW_ROWS:
        sums.append((f"{REVIEW_CHECK}.{row}", (f"review_litigation/{row}/total",),
                     tuple(f"review_litigation/{row}/{c}" for c in parts), False))
    return tuple(sums)


def _equal(name: str, values: dict[str, Number | None], left: Sequence[str],
           right: Sequence[str], compact: bool = False) -> Check | None:
    """sum(left) == sum(right), or None when none of the cells is present."""
    if values.keys().isdisjoint(left) and values.keys().isdisjoint(right):
        return None
    lhs = [values.get(k) or 0 for k in left]
    rhs = [values.get(k) or 0 for k in right]
    ok = _same(sum(lhs), sum(rhs))
    op = "==" if ok else "!="
    return Check(name, ok, f"{_terms(lhs, False)} {op} {_terms(rhs, compact)}")


def _same(a: Number, b: Number) -> bool:
    if isinstance(a, int) and isinstance(b, int):
        return a == b
    return math.isclose(a, b, rel_tol=REL_TOLERANCE, abs_tol=REL_TOLERANCE)


def _terms(numbers: Sequence[Number], compact: bool) -> str:
    """``3+1``; compact (the 20-odd outcome rows): only the non-zero terms."""
    shown = [n for n in numbers if n] if compact else list(numbers)
    return "+".join(_number(n) for n in shown) or "0"


def _number(n: Number) -> str:
    return str(n) if isinstance(n, int) else f"{n:g}"
