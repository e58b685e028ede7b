"""The data dictionary: what each column of the reports database and of its exports means,
its type and its unit.

Written once here and published twice: ``xxgk export`` writes it into ``datapackage.json``
(:mod:`parsers.database.datapackage`) and Datasette shows it (:mod:`parsers.database.datasette`), so a
column reads the same wherever a researcher meets it. The export also takes each column's
type from here, which is what makes its files typed (``72``, not ``72.0``).

Types are Table Schema's (https://datapackage.org/standard/table-schema/). A description is
looked up as ``table.column`` first, then as ``column``: shared names (``report_id``,
``organisation``, ``year``) are described once.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from parsers.database import models  # noqa: F401 - the report tables, whose columns are described here
from parsers.tables.schema import AMOUNT_CELLS, LAYOUTS, row_specs
from xxgk.base.db import Base

INTEGER, NUMBER, STRING, BOOLEAN, DATE, DATETIME = (
    "integer", "number", "string", "boolean", "date", "datetime")
COUNT = "count"
AS_WRITTEN = "as written: 元 or 万元 (see cells.unit), or none stated"

TITLE = "政府信息公开工作年度报告: Chinese government information-disclosure annual reports"
DESCRIPTION = (
    "Every annual report (政府信息公开工作年度报告) xxgk-archive found and archived, read into "
    "data: one report per organisation and year, its statistical tables as one row per "
    "number in canonical ids (docs/report-format.md), the numbers its prose states, its "
    "consistency checks (勾稽关系) and its versions when it was revised in place. Counts are "
    "integers; money amounts are decimal numbers.")
LICENCE_NOTE = (
    "The reports are public government information, published by the organisations named "
    "in each row under the Regulations on Open Government Information "
    "(中华人民共和国政府信息公开条例); this data is derived from them by xxgk-archive "
    "(code: Apache-2.0). Cite the organisation and the source_url; check the publisher's "
    "terms before republishing.")

# The tables and views downstream tools read, and what one row of each is.
REPORT_TABLES: dict[str, str] = {
    "report_overview": ("One row per report (its current version): who, which year, layout, "
                        "status, versions, number of cells and of failed checks."),
    "report_active": ("Table 二 (主动公开政府信息情况), one row per report: a column per "
                      "cell of both layouts, null where the report's layout has no such cell."),
    "report_applications": ("Table 三 (收到和处理政府信息公开申请情况), one row per report: a "
                            "column per row and applicant column ({row}__{column})."),
    "report_review_litigation": "Table 四 (行政复议、行政诉讼情况), one row per report.",
    "organisations": "The bodies that publish reports, one row per name.",
    "reports": "One row per organisation and year, however many URLs and renderings it had.",
    "report_versions": ("A report revised in place keeps every version; cells, facts, checks "
                        "and sections hang off a version."),
    "cells": "Every number of the statistical tables, one row per number (long form).",
    "facts": "Numbers the prose states (主动公开政府信息93条), tables or not.",
    "checks": ("The consistency checks (勾稽关系) of each version: a failed check is a finding "
               "about the report, not an error."),
    "sections": "The six sections of each version, with their text.",
    "cell_changes": "What a version changed against the version before it.",
    "parsed_documents": ("Every archived payload the indexer looked at, with its verdict: "
                         "report, not_report, failed (with the reason) or skipped."),
}

_REPORT = "The report: reports.id, what `xxgk report ID` shows."
_VERSION = "The version: report_versions.id."
_KEY = "Key."

# "column" or "table.column" -> (type, description[, unit])
_COLUMNS: dict[str, tuple[str, ...]] = {
    "report_id": (INTEGER, _REPORT),
    "organisation": (STRING, ("The publishing body, as its report names itself "
                              "(organisations.name).")),
    "credit_code": (STRING, ("统一社会信用代码 of the organisation (18 characters), when a "
                             "platform URL carried it.")),
    "level": (STRING, ("county (县/区/市人民政府), township (镇/乡/街道), department "
                       "(局/委/办/中心…) or other.")),
    "province": (STRING, "Province of the portal the report was found on (site registry)."),
    "city": (STRING, "City of the portal the report was found on (site registry)."),
    "county": (STRING, "County of the portal the report was found on (site registry)."),
    "year": (INTEGER, "The year reported on, not the year of publication."),
    "title": (STRING, "The title as published."),
    "published": (DATE, "Publication date the page or the report states."),
    "layout": (STRING, ("Table layout read from the labels (else from the format the text "
                        "names): gb2021 (国办公开办函〔2021〕30号), gb2019 (〔2019〕60号), pre2019, "
                        "none (no tables) or unknown (no table read, no format named).")),
    "status": (STRING, ("published, or removed when every URL the report was found at "
                        "answers 404/410 now.")),
    "source_url": (STRING, ("The rendering the version was read from (real tables preferred "
                            "over OCR, over prose).")),
    "source_capture_id": (INTEGER, "The archive capture of that rendering (captures.id)."),
    "content_sha256": (STRING, "SHA-256 of the payload the version was read from."),
    "parser_version": (STRING, "Version of the parser that read it."),
    "current_version": (INTEGER, "Number of the newest version (report_versions.number)."),
    "updated_at": (DATETIME, "When the report's rows were last rebuilt (UTC)."),
    "versions": (INTEGER, "How many versions the report has."),
    "cells": (INTEGER, "How many numbers the current version has."),
    "failed_checks": (INTEGER, "How many consistency checks the current version fails."),
    "version_id": (INTEGER, _VERSION),
    "version": (INTEGER, ("The version that brought the change (report_versions.number); the "
                          "value before is the previous version's.")),
    "table_id": (STRING, ("Statistical table: active (二 主动公开), applications (三 依申请公开) "
                          "or review_litigation (四 行政复议、行政诉讼).")),
    "row_id": (STRING, ("Canonical row id (docs/report-format.md): new_received, "
                        "denied.state_secret, rules, review, …")),
    "column_id": (STRING, "Canonical column id: natural_person, total, issued, upheld, …"),
    "organisations.id": (INTEGER, _KEY),
    "organisations.name": (STRING, "Full name as the reports give it: 大张楼镇人民政府."),
    "reports.id": (INTEGER, _KEY + " " + _REPORT),
    "reports.organisation_id": (INTEGER, "The publishing body: organisations.id."),
    "report_versions.id": (INTEGER, _KEY),
    "report_versions.number": (INTEGER, ("1, 2, … in capture order: a new version starts when "
                                         "a URL that gave the report gives other values later.")),
    "report_versions.since": (DATETIME, "Capture time (UTC) the version was first seen."),
    "report_versions.warnings": (STRING, "Parser warnings, one per line."),
    "cells.id": (INTEGER, _KEY),
    "cells.value": (INTEGER, ("The count the cell means (-, /, — read as 0). Null for a blank "
                              "cell, for an amount cell (see amount) and for a count printed "
                              "with a fraction (see amount)."), COUNT),
    "cells.amount": (NUMBER, ("A money amount, with its decimals: active/fees/amount_10k_yuan "
                              "(万元) and active/procurement/amount (unit as written). Also a "
                              "count printed with a fraction, kept whole rather than rounded "
                              "(the version's warnings say so). Null otherwise."),
                     "万元, or " + AS_WRITTEN),
    "cells.raw": (STRING, "The cell as written: ' 0', '+19', '103.3879万元'."),
    "cells.label": (STRING, ("The official labels of row and column: "
                             "一、本年新收政府信息公开申请数量 / 自然人.")),
    "cells.source": (STRING, ("table (read from a table), ocr (from a table image: worth a "
                              "look) or prose (a number the text states).")),
    "cells.unit": (STRING, "元 or 万元 when the cell writes a unit."),
    "facts.id": (INTEGER, _KEY),
    "facts.name": (STRING, ("What the prose states: active_disclosure_items, "
                            "applications_received, applications_granted, "
                            "applications_partially_granted, administrative_reviews, "
                            "administrative_litigations, processing_fees_yuan.")),
    "facts.value": (INTEGER, "The count stated; null for an amount (see amount).", COUNT),
    "facts.amount": (NUMBER, ("processing_fees_yuan, in 元; or a count stated with a fraction. "
                              "Null otherwise."), "元"),
    "facts.text": (STRING, "The words the number was read from: 主动公开政府信息93条."),
    "checks.id": (INTEGER, _KEY),
    "checks.name": (STRING, ("The check: applications.balance.{column}, "
                             "applications.outcomes.{column}, applications.row_total.{row}, "
                             "review_litigation.row_total.{row} (docs/report-format.md).")),
    "checks.ok": (BOOLEAN, "Whether the figures add up."),
    "checks.detail": (STRING, "The sums compared: '3+0 == 3+0', '5 != 4+0'."),
    "sections.id": (INTEGER, _KEY),
    "sections.number": (INTEGER, "1-6: 一、总体情况 … 六、其他需要报告的事项."),
    "sections.title": (STRING, "The section's heading as printed."),
    "sections.text": (STRING, "The section's text."),
    "cell_changes.id": (INTEGER, _KEY),
    "cell_changes.version_id": (INTEGER, ("The version that brought the change "
                                          "(report_versions.id).")),
    "cell_changes.old_value": (INTEGER, ("The count before; null when blank, absent or an "
                                         "amount."), COUNT),
    "cell_changes.new_value": (INTEGER, ("The count after; null when blank, absent or an "
                                         "amount."), COUNT),
    "cell_changes.old_amount": (NUMBER, "The amount before (see cells.amount).", AS_WRITTEN),
    "cell_changes.new_amount": (NUMBER, "The amount after (see cells.amount).", AS_WRITTEN),
    "parsed_documents.id": (INTEGER, _KEY),
    "parsed_documents.payload_digest": (STRING, ("SHA-256 of the payload as archived "
                                                 "(captures.payload_digest).")),
    "parsed_documents.url": (STRING, "The first URL the payload was captured at."),
    "parsed_documents.capture_id": (INTEGER, "That capture (captures.id)."),
    "parsed_documents.captured_at": (DATETIME, "When that capture was made (UTC)."),
    "parsed_documents.format": (STRING, "html, docx, doc, wps, pdf, image or text."),
    "parsed_documents.status": (STRING, ("report, not_report (news, notices, decoys), failed "
                                         "or skipped (not a document, not HTTP 200).")),
    "parsed_documents.reason": (STRING, "Why failed, not_report or skipped."),
    "parsed_documents.parsed_at": (DATETIME, "When it was parsed (UTC)."),
    "parsed_documents.result_json": (STRING, ("The whole parse result: the JSON contract of "
                                              "`xxgk parse --json`.")),
    "parsed_documents.org_name": (STRING, "The organisation the parser read."),
    "parsed_documents.report_id": (INTEGER, "The report it was filed under."),
}

OVERVIEW_COLUMNS = ("report_id", "organisation", "level", "credit_code", "province", "city",
                    "county", "year", "title", "published", "layout", "status", "source_url",
                    "current_version", "versions", "cells", "failed_checks", "parser_version",
                    "updated_at")
WIDE_VIEWS = {"report_active": "active", "report_applications": "applications",
              "report_review_litigation": "review_litigation"}
_WIDE_BASE = ("report_id", "organisation", "credit_code", "year", "layout", "status")


@dataclass(frozen=True)
class Field:
    """One column as a downstream tool sees it."""

    name: str
    type: str  # a Table Schema type
    description: str
    unit: str | None = None  # "count", a currency unit, or how to find it


def field(table: str, name: str) -> Field:
    """The column ``name`` of ``table`` (a database table, a view or an export)."""
    if name in _wide_fields():
        return _wide_fields()[name]
    entry = _COLUMNS.get(f"{table}.{name}") or _COLUMNS.get(name)
    if entry is None:
        raise KeyError(f"{table}.{name} is not in the data dictionary (parsers/database/dictionary.py)")
    return Field(name, *entry)


def columns_of(table: str) -> tuple[str, ...]:
    """The columns of a table or view of the reports database, in their order."""
    if table == "report_overview":
        return OVERVIEW_COLUMNS
    if table in WIDE_VIEWS:
        return _WIDE_BASE + tuple(n for n, (t, _) in _wide_keys().items()
                                  if t == WIDE_VIEWS[table])
    return tuple(column.name for column in Base.metadata.tables[table].columns)


def fields(table: str) -> list[Field]:
    return [field(table, name) for name in columns_of(table)]


def wide_name(key: str) -> str:
    """The wide views' column of a cell: ``{row}__{column}``, dots as underscores."""
    _, row, column = key.split("/")
    return f"{row.replace('.', '_')}__{column}"


@functools.cache
def _wide_keys() -> dict[str, tuple[str, str]]:
    """wide column -> (table, cell key) for every cell of both layouts, in table order."""
    return {wide_name(key): (spec.table, key) for layout in LAYOUTS
            for spec in row_specs(layout) for _, key, _ in spec.cells}


@functools.cache
def _wide_fields() -> dict[str, Field]:
    labels: dict[str, str] = {}
    layouts: dict[str, list[str]] = {}
    for layout in LAYOUTS:
        for spec in row_specs(layout):
            for _, key, label in spec.cells:
                labels.setdefault(key, label)
                layouts.setdefault(key, []).append(layout)
    out = {}
    for name, (_, key) in _wide_keys().items():
        where = f"{key}; {', '.join(layouts[key])}"
        if key in AMOUNT_CELLS:
            out[name] = Field(name, NUMBER, f"{labels[key]} ({where}): a money amount",
                              AMOUNT_CELLS[key] or AS_WRITTEN)
        else:
            out[name] = Field(name, INTEGER, f"{labels[key]} ({where})", COUNT)
    return out

