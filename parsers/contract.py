"""The result of parsing one report: the JSON contract of ``xxgk parse FILE --json``.

The shape is fixed by docs/report-format.md ("Output contract") and relied on by
downstream tools; add fields, never rename or remove them.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

# unknown: no table was read and the text names no format; it may be an excerpt (a stored
# page keeps the first ~1,000 characters) or tables the parser could not place.
Layout = Literal["gb2021", "gb2019", "pre2019", "none", "unknown"]
CellSource = Literal["table", "prose", "ocr"]


@dataclass
class Section:
    number: int  # 1-6 (一 .. 六)
    title: str
    text: str


@dataclass
class CellValue:
    table: str  # active | applications | review_litigation
    row: str  # canonical row id, e.g. "denied.state_secret"
    column: str  # canonical column id, e.g. "natural_person"
    # None: a blank cell; "-", "/", "—" mean 0. An int for a count (every cell but the
    # amounts of tables.schema.AMOUNT_CELLS); a float only for an amount, or for a count the
    # report printed with a fraction (kept as printed, with a warning).
    value: int | float | None
    raw: str  # the text as written
    label: str  # "一、本年新收政府信息公开申请数量 / 自然人"
    source: CellSource = "table"
    unit: str | None = None  # "元" / "万元" when the cell states one

    @property
    def key(self) -> str:
        return f"{self.table}/{self.row}/{self.column}"


@dataclass
class Fact:
    name: str  # e.g. active_disclosure_items, applications_received, applications_granted
    value: int | float  # an int for a count; processing_fees_yuan (facts.AMOUNT_FACTS) is money
    text: str  # the sentence fragment it was read from


@dataclass
class Check:
    name: str  # e.g. applications.balance.total
    ok: bool
    detail: str


@dataclass
class ParsedReport:
    org: str | None
    year: int | None
    layout: Layout
    published: str | None
    title: str | None
    sections: list[Section] = field(default_factory=list)
    cells: list[CellValue] = field(default_factory=list)
    facts: list[Fact] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    is_report: bool = True  # False for decoys (notices, plans, templates): not stored as reports

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        for cell in data["cells"]:
            if cell.get("unit") is None:
                cell.pop("unit", None)
        return data
