"""parsers.tables.checks: the 勾稽关系 of docs/report-format.md as recorded findings.

A failed check is data about the report, never an error; a blank counts as 0; a check with
none of its cells present is not run. The simulator's oracle (tests/portalsim/figures.py)
is the independent reference: for every report of the world, the same checks fail.
"""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parsers.contract import CellValue
from parsers.tables import read_tables
from parsers.tables.checks import run_checks
from parsers.tables.schema import GB2019, GB2021, cell_keys
from tests.parse_helpers import seed_text, text_document
from tests.portalsim.world import DEFAULT_AS_OF, World, event_reports


def _cells(values: dict[str, int | float | None]) -> list[CellValue]:
    out = []
    for key, value in values.items():
        table, row, column = key.split("/")
        out.append(CellValue(table, row, column, value, "" if value is None else str(value),
                             key))
    return out


def _by_name(checks) -> dict:
    return {c.name: c for c in checks}


@pytest.mark.parametrize(("seed", "layout", "count"), [("002", GB2021, 7 + 7 + 25 + 3),
                                                       ("003", GB2019, 7 + 7 + 23 + 3)])
def test_seed_reports_pass_every_check(seed, layout, count):
    result = read_tables(text_document(seed_text(seed)))
    checks = run_checks(result.cells, layout)
    assert len(checks) == count and all(c.ok for c in checks)
    named = _by_name(checks)
    assert named["applications.balance.total"].detail == "0+0 == 0+0"
    assert named["applications.outcomes.natural_person"].detail == "0 == 0"
    assert named["applications.row_total.granted"].detail == "0 == 0+0+0+0+0+0"
    assert named["review_litigation.row_total.review"].detail == "0 == 0+0+0+0"


def test_balance_failure_reads_like_the_sum():
    checks = _by_name(run_checks(_cells({
        "applications/new_received/total": 3, "applications/carried_over/total": 1,
        "applications/total_processed/total": 2, "applications/carried_forward/total": 1,
    }), GB2021))
    assert checks["applications.balance.total"].ok is False
    assert checks["applications.balance.total"].detail == "3+1 != 2+1"


def test_outcomes_sum_the_leaf_rows_of_the_layout():
    values = {"applications/total_processed/natural_person": 5,
              "applications/granted/natural_person": 2,
              "applications/unavailable.not_held/natural_person": 1,
              "applications/other.unpaid_fee/natural_person": 2}
    check = _by_name(run_checks(_cells(values), GB2021))["applications.outcomes.natural_person"]
    assert (check.ok, check.detail) == (True, "5 == 2+1+2")
    # gb2019 has no other.* rows: the same cells leave 2 unaccounted for
    check = _by_name(run_checks(_cells(values), GB2019))["applications.outcomes.natural_person"]
    assert (check.ok, check.detail) == (False, "5 != 2+1")
    values["applications/other/natural_person"] = 2
    assert _by_name(run_checks(_cells(values), GB2019))[
        "applications.outcomes.natural_person"].ok


def test_blank_counts_as_zero_and_absent_cells_skip_the_check():
    checks = _by_name(run_checks(_cells({
        "review_litigation/review/upheld": 1, "review_litigation/review/corrected": None,
        "review_litigation/review/total": 1}), GB2021))
    assert set(checks) == {"review_litigation.row_total.review"}
    assert checks["review_litigation.row_total.review"].detail == "1 == 1+0+0+0"
    assert run_checks([], GB2021) == []
    assert run_checks(_cells({"applications/granted/total": 1}), "none") == []


def test_decimals_are_compared_with_a_tolerance():
    values = {"applications/new_received/total": 0.1 + 0.2,
              "applications/total_processed/total": 0.3}
    assert _by_name(run_checks(_cells(values), GB2021))["applications.balance.total"].ok


def test_the_simulators_oracle_agrees_for_every_report(world: World):
    """The truth's failing checks (breakages, and the revised report before its revision)
    are exactly the ones run_checks fails, fed the truth's own cells."""
    revised = event_reports(world)["revised"]
    cases = [(r, DEFAULT_AS_OF) for r in world.reports()
             if r.has_tables and r.published.date() <= DEFAULT_AS_OF]
    cases.append((revised, date(2024, 6, 30)))
    failing_reports = 0
    for report, as_of in cases:
        cells = {k: c.value for k, c in report.version_at(as_of).cells.items()}
        failing = sorted(c.name for c in run_checks(_cells(cells), report.layout) if not c.ok)
        assert failing == report.failing_checks(as_of), report.rid
        failing_reports += bool(failing)
    assert failing_reports >= 10
    assert revised.failing_checks(date(2024, 6, 30)) != []  # its first version


@settings(max_examples=100, deadline=None)
@given(st.sampled_from([GB2021, GB2019, "none", ""]),
       st.dictionaries(st.sampled_from(cell_keys(GB2021) + cell_keys(GB2019)),
                       st.one_of(st.none(), st.integers(-10**30, 10**30),
                                 st.floats(allow_nan=True, allow_infinity=True))))
def test_any_cells_give_checks_never_an_exception(layout, values):
    for check in run_checks(_cells(values), layout):
        assert isinstance(check.ok, bool) and check.detail
