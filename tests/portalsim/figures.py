"""The numbers of the statistical tables: generated so that the 勾稽关系 hold, written the
way real reports write them, and checked by an oracle that is independent of ``parsers/``.

A unit's figures are generated year after year so that what one year carries forward is
what the next year carries over, as in real series.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field, replace

from .tables import (
    ACTIVE_BLOCKS,
    APPLICANT_COLUMNS,
    APPLICANTS,
    GB2019,
    GB2021,
    REVIEW_COLUMNS,
    REVIEW_ROWS,
    application_rows,
    cell_keys,
    outcome_rows,
)

Number = int | float


@dataclass(frozen=True)
class Cell:
    value: Number | None  # None only for a blank cell
    raw: str  # the text as printed
    unit: str | None = None  # for amounts: yuan | 10k_yuan


@dataclass(frozen=True)
class RawStyle:
    """How one report writes its numbers."""

    zeros: str = "0"  # 0 | blank_legal | dash | slash | emdash
    padding: str = "none"  # none | seedlike (" 0", "0 ", "　　0")
    fee_unit_suffix: bool = False  # 103.3879万元
    signed_change: bool = False  # +19
    amount_style: str = "yuan"  # yuan (23246297.53) | yuan_suffix (251000元) | wan (35.6万元)


_LEGAL_COLUMNS = ("commercial_enterprise", "legal_service_org", "other_org",
                  "research_institution", "social_welfare_org")
_LEGAL_SHARES = (50, 30, 15, 3, 2)
_ZERO_TEXT = {"dash": "-", "slash": "/", "emdash": "—"}

# Leaf outcome shares of processed applications (real reports: most granted or not held).
_OUTCOME_WEIGHTS_2021 = {
    "granted": 40, "partially_granted": 8, "denied.state_secret": 0.5,
    "denied.prohibited_by_law": 0.5, "denied.three_safety_one_stability": 0.5,
    "denied.third_party_rights": 1, "denied.internal_affairs": 1,
    "denied.process_information": 2, "denied.law_enforcement_files": 1,
    "denied.administrative_query": 2, "unavailable.not_held": 22,
    "unavailable.needs_creation": 4, "unavailable.unclear_after_correction": 2,
    "not_processed.petition_complaint": 4, "not_processed.duplicate": 3,
    "not_processed.publication": 0.5, "not_processed.excessive": 1,
    "not_processed.confirm_existing": 1, "other.overdue_correction": 2,
    "other.unpaid_fee": 0.2, "other.other": 3,
}


def _outcome_weights(layout: str) -> dict[str, float]:
    if layout == GB2021:
        return _OUTCOME_WEIGHTS_2021
    merged = {k: v for k, v in _OUTCOME_WEIGHTS_2021.items() if not k.startswith("other.")}
    merged["other"] = sum(v for k, v in _OUTCOME_WEIGHTS_2021.items() if k.startswith("other."))
    return merged


@dataclass(frozen=True)
class Profile:
    applications: tuple[int, int]
    none_share: float  # chance of a year with no application at all
    legal_share: float
    licensing: tuple[int, int]
    penalty: tuple[int, int]
    coercion: tuple[int, int]
    fees_10k: tuple[float, float]
    normative: tuple[int, int]
    review: tuple[int, int]
    litigation: tuple[int, int]
    service_items: tuple[int, int]
    procurement: tuple[int, int]


PROFILES = {
    "county": Profile((8, 140), 0.0, 0.15, (800, 20000), (100, 3000), (0, 60), (50, 3000),
                      (2, 12), (0, 6), (0, 4), (150, 420), (5, 40)),
    "department": Profile((0, 30), 0.25, 0.2, (0, 4000), (0, 600), (0, 40), (0, 400),
                          (0, 5), (0, 3), (0, 2), (20, 200), (0, 15)),
    "township": Profile((0, 5), 0.6, 0.1, (0, 40), (0, 30), (0, 0), (0, 0), (0, 2), (0, 1),
                        (0, 0), (0, 30), (0, 20)),
    "institution": Profile((0, 3), 0.7, 0.3, (0, 0), (0, 0), (0, 0), (0, 50), (0, 0), (0, 0),
                           (0, 0), (0, 10), (0, 6)),
}


@dataclass
class UnitLedger:
    """What one year leaves to the next for one unit."""

    carried: dict[str, int] = field(default_factory=dict)
    in_force: int | None = None
    published_total: int | None = None
    items: dict[str, int] = field(default_factory=dict)


def generate_values(rng: random.Random, kind: str, layout: str, ledger: UnitLedger,
                    ) -> dict[str, Number]:
    """Consistent values for every cell of one report; advances the unit's ledger."""
    profile = PROFILES[kind]
    values: dict[str, Number] = {k: 0 for k in cell_keys(layout)}
    _applications(rng, profile, layout, ledger, values)
    _review(rng, profile, values)
    if layout == GB2021:
        _active_2021(rng, profile, ledger, values)
    else:
        _active_2019(rng, profile, ledger, values)
    return values


def _applications(rng: random.Random, profile: Profile, layout: str, ledger: UnitLedger,
                  values: dict[str, Number]) -> None:
    low, high = profile.applications
    new = 0 if rng.random() < profile.none_share else rng.randint(max(low, 1), max(high, 1))
    weights = _outcome_weights(layout)
    outcomes, shares = list(weights), list(weights.values())
    natural = round(new * (1 - profile.legal_share))
    legal = Counter(rng.choices(_LEGAL_COLUMNS, _LEGAL_SHARES, k=new - natural))
    for col in APPLICANTS:
        n = natural if col == "natural_person" else legal[col]
        carried = ledger.carried.get(col, 0)
        forward = min(carried + n, rng.choice([0, 0, 0, 0, 1, 2])) if carried + n else 0
        values[f"applications/new_received/{col}"] = n
        values[f"applications/carried_over/{col}"] = carried
        values[f"applications/carried_forward/{col}"] = forward
        processed = carried + n - forward
        values[f"applications/total_processed/{col}"] = processed
        for outcome in rng.choices(outcomes, shares, k=processed):
            values[f"applications/{outcome}/{col}"] += 1
        ledger.carried[col] = forward
    for row, _ in application_rows(layout):
        values[f"applications/{row}/total"] = sum(
            values[f"applications/{row}/{col}"] for col in APPLICANTS)


def _review(rng: random.Random, profile: Profile, values: dict[str, Number]) -> None:
    for row, span in (("review", profile.review), ("litigation_direct", profile.litigation),
                      ("litigation_after_review", (0, profile.litigation[1] // 2))):
        n = rng.randint(*span) if rng.random() < 0.6 else 0
        for outcome in rng.choices(["upheld", "corrected", "other", "pending"], [6, 1, 2, 2], k=n):
            values[f"review_litigation/{row}/{outcome}"] += 1
        values[f"review_litigation/{row}/total"] = n


def _active_2021(rng: random.Random, profile: Profile, ledger: UnitLedger,
                 values: dict[str, Number]) -> None:
    issued = rng.randint(*profile.normative)
    repealed = rng.randint(0, max(0, profile.normative[1] // 3))
    previous = ledger.in_force if ledger.in_force is not None else rng.randint(
        profile.normative[1], profile.normative[1] * 5 + 1)
    repealed = min(repealed, previous)
    ledger.in_force = previous + issued - repealed
    values["active/normative_documents/issued"] = issued
    values["active/normative_documents/repealed"] = repealed
    values["active/normative_documents/in_force"] = ledger.in_force
    values["active/licensing/decisions"] = rng.randint(*profile.licensing)
    values["active/penalty/decisions"] = rng.randint(*profile.penalty)
    values["active/coercion/decisions"] = rng.randint(*profile.coercion)
    low, high = profile.fees_10k
    values["active/fees/amount_10k_yuan"] = (round(rng.uniform(low, high), rng.choice([0, 2, 4]))
                                             if high else 0)


def _active_2019(rng: random.Random, profile: Profile, ledger: UnitLedger,
                 values: dict[str, Number]) -> None:
    made = rng.randint(*profile.normative)
    published = made - (1 if made and rng.random() < 0.15 else 0)
    previous = ledger.published_total if ledger.published_total is not None else rng.randint(
        0, profile.normative[1] * 4 + 2)
    ledger.published_total = previous + published
    values["active/normative_documents/newly_made"] = made
    values["active/normative_documents/newly_published"] = published
    values["active/normative_documents/total_published"] = ledger.published_total
    for row, decisions in (("licensing", profile.licensing), ("other_services", profile.licensing),
                           ("penalty", profile.penalty), ("coercion", profile.coercion)):
        items = ledger.items.get(row)
        if items is None:
            low, high = profile.service_items
            items = rng.randint(low, high) if decisions[1] else 0
        change = rng.randint(-min(items, 8), 15) if items else 0
        values[f"active/{row}/previous_items"] = items
        values[f"active/{row}/change"] = change
        values[f"active/{row}/decisions"] = rng.randint(*decisions) if items + change else 0
        ledger.items[row] = items + change
    fee_items = ledger.items.get("fees", rng.randint(0, 12) if profile.fees_10k[1] else 0)
    fee_change = rng.randint(-min(fee_items, 3), 2) if fee_items else 0
    values["active/fees/previous_items"] = fee_items
    values["active/fees/change"] = fee_change
    ledger.items["fees"] = fee_items + fee_change
    projects = rng.randint(*profile.procurement)
    values["active/procurement/projects"] = projects
    values["active/procurement/amount"] = (round(rng.uniform(2e4, 4e5) * projects, 2)
                                           if projects else 0)


def write_cells(values: dict[str, Number], style: RawStyle, rng: random.Random,
                ) -> dict[str, Cell]:
    """Turn values into cells with the raw text a report of this style prints."""
    cells = {}
    for key, value in values.items():
        cells[key] = _write(key, value, style, rng)
    return cells


def _decimal(value: Number) -> str:
    """Up to 4 decimals, no trailing zeros: every digit the truth keeps is printed (``:g``
    would cut 390.6151 to 390.615)."""
    return f"{value:.4f}".rstrip("0").rstrip(".") if value else "0"


def _write(key: str, value: Number, style: RawStyle, rng: random.Random) -> Cell:
    table, row, col = key.split("/")
    unit = None
    if col == "amount":
        unit = "yuan"
        if style.amount_style == "wan" and value:
            unit = "10k_yuan"
            value = round(value / 10000, 4)
            text = _decimal(value) + "万元"
        elif style.amount_style == "yuan_suffix" and value:
            text = f"{value:.2f}".rstrip("0").rstrip(".") + "元"
        else:
            text = f"{value:.2f}" if value else "0"
    elif col == "amount_10k_yuan":
        unit = "10k_yuan"
        text = _decimal(value) + ("万元" if style.fee_unit_suffix and value else "")
    elif col == "change" and style.signed_change and value > 0:
        text = f"+{value}"
    else:
        text = str(value)
    if value == 0:
        legal = table == "applications" and col in APPLICANTS and col != "natural_person"
        if style.zeros == "blank_legal" and legal:
            return Cell(None, "", unit)
        if style.zeros in _ZERO_TEXT:
            return Cell(0, _ZERO_TEXT[style.zeros], unit)
    if style.padding == "seedlike":
        text = rng.choice([text, text, f" {text}", f"{text} ", f"\u3000\u3000{text}",
                           f" \u3000{text}"])
    return Cell(value, text, unit)


def zero_words(cells: dict[str, Cell]) -> dict[str, Cell]:
    """The cells as a report that writes its numbers in words writes them: nought as ``无``
    in table 二, counts of tables 三 and 四 with their unit (``0件``, ``3件``). The corpus
    README types both (``0件`` -> 0); readers take ``无`` in a number cell for nought."""
    out = {}
    for key, cell in cells.items():
        table = key.split("/", 1)[0]
        if cell.value is None or cell.unit or isinstance(cell.value, float):
            out[key] = cell
        elif table == "active" and cell.value == 0:
            out[key] = replace(cell, raw="无")
        elif table != "active" and cell.value >= 0:
            out[key] = replace(cell, raw=f"{cell.value}件")
        else:
            out[key] = cell
    return out


def with_value(cells: dict[str, Cell], key: str, delta: int) -> dict[str, Cell]:
    """A copy with one integer cell changed by delta (to break or to correct a report)."""
    cell = cells[key]
    value = (cell.value or 0) + delta
    out = dict(cells)
    out[key] = replace(cell, value=value, raw=str(value))
    return out


# --- the consistency oracle ---------------------------------------------------------------


def _v(cells: dict[str, Cell], key: str) -> Number:
    cell = cells.get(key)
    return (cell.value or 0) if cell else 0


def check_results(cells: dict[str, Cell], layout: str) -> dict[str, bool]:
    """Every 勾稽关系 of docs/report-format.md, by name -> holds."""
    if not cells:
        return {}
    results: dict[str, bool] = {}
    for col, _ in APPLICANT_COLUMNS:
        a = "applications/{}/" + col
        results[f"applications.balance.{col}"] = (
            _v(cells, a.format("new_received")) + _v(cells, a.format("carried_over"))
            == _v(cells, a.format("total_processed")) + _v(cells, a.format("carried_forward")))
        results[f"applications.outcomes.{col}"] = (
            _v(cells, a.format("total_processed"))
            == sum(_v(cells, a.format(r)) for r in outcome_rows(layout)))
    for row, _ in application_rows(layout):
        results[f"applications.row_total.{row}"] = (
            _v(cells, f"applications/{row}/total")
            == sum(_v(cells, f"applications/{row}/{c}") for c in APPLICANTS))
    for row, _ in REVIEW_ROWS:
        results[f"review_litigation.row_total.{row}"] = (
            _v(cells, f"review_litigation/{row}/total")
            == sum(_v(cells, f"review_litigation/{row}/{c}")
                   for c, _ in REVIEW_COLUMNS if c != "total"))
    return results


def failing_checks(cells: dict[str, Cell], layout: str) -> list[str]:
    return sorted(name for name, ok in check_results(cells, layout).items() if not ok)


# How the deliberately inconsistent reports are broken: (description, cell, delta).
BREAKAGES = (
    ("row total one too high", "applications/granted/total", 1),
    ("carried forward forgotten in the total column", "applications/carried_forward/total", -1),
    ("review total miscounted", "review_litigation/review/total", 2),
    ("natural-person outcome one too high", "applications/unavailable.not_held/natural_person", 1),
)


def active_keys(layout: str) -> list[str]:
    return [f"active/{row}/{col}" for _, _, rows, cols in ACTIVE_BLOCKS[layout]
            for row, _ in rows for col in cols]


__all__ = ["Cell", "RawStyle", "UnitLedger", "generate_values", "write_cells", "check_results",
           "failing_checks", "BREAKAGES", "with_value", "zero_words", "GB2019", "GB2021", "active_keys"]
