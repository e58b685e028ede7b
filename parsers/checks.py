"""The 勾稽关系 of ../shared/REPORT_FORMAT.md, run over a report's cells.

Real reports break these sums; a failed check is a finding for researchers, recorded as
data, never an exception and never a reason to "correct" a cell. A blank cell counts as 0
(that is how reports use blanks); a check whose cells are all absent (a table not found)
is not run at all, so a missing table does not read as a consistent one.
"""

from __future__ import annotations

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
    checks: list[Check | None] = []
    outcomes = outcome_rows(layout)
    for col, _ in APPLICANT_COLUMNS:
        a = f"applications/{{}}/{col}"
        checks.append(_equal(f"applications.balance.{col}", values,
                             [a.format("new_received"), a.format("carried_over")],
                             [a.format("total_processed"), a.format("carried_forward")]))
        checks.append(_equal(f"applications.outcomes.{col}", values,
                             [a.format("total_processed")], [a.format(r) for r in outcomes],
                             compact=True))
    rows = [row for row, _ in application_rows(layout)] + list(VARIANT_ROWS.get(layout, ()))
    for row in rows:
        checks.append(_equal(f"applications.row_total.{row}", values,
                             [f"applications/{row}/total"],
                             [f"applications/{row}/{c}" for c in APPLICANTS]))
    parts = [c for c, _ in REVIEW_COLUMNS if c != "total"]
    for row, _ in REVIEW_ROWS:
        checks.append(_equal(f"{REVIEW_CHECK}.{row}", values,
                             [f"review_litigation/{row}/total"],
                             [f"review_litigation/{row}/{c}" for c in parts]))
    return [c for c in checks if c is not None]


def _equal(name: str, values: dict[str, Number | None], left: Sequence[str],
           right: Sequence[str], compact: bool = False) -> Check | None:
    """sum(left) == sum(right), or None when none of the cells is present."""
    if not any(k in values for k in (*left, *right)):
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
