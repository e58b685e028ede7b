"""One document in, one :class:`ParsedReport` out: the parser's steps in their order.

Each step reads the format-neutral :class:`Document` and knows nothing of the others, so a
step can be improved (and everything re-parsed from the archive) without touching the rest.
"""

from __future__ import annotations

from parsers.contract import CellValue, Layout, ParsedReport, Section
from parsers.document import Document
from parsers.facts import read_facts
from parsers.metadata import Metadata, read_metadata
from parsers.recognize import is_report
from parsers.sections import read_sections
from parsers.tables import TablesResult, read_tables
from parsers.tables.checks import run_checks

TABLE_LAYOUTS = ("gb2021", "gb2019")
PRE2019_BEFORE = 2019  # the national table format began with the 2019 reports
# The sections that close a report: a text that shows one of them is whole, not an excerpt.
CLOSING_SECTIONS = (5, 6)


def parse_document(doc: Document, url: str | None = None) -> ParsedReport:
    with doc.reading():  # every step reads the same text: joined once
        return _parse(doc, url)


def _parse(doc: Document, url: str | None) -> ParsedReport:
    meta = read_metadata(doc, url)
    verdict, reason = is_report(doc, meta.title)
    if not verdict:
        return ParsedReport(org=meta.org, year=meta.year, layout="none",
                            published=meta.published, title=meta.title,
                            warnings=[f"not a report: {reason}", *doc.warnings],
                            is_report=False)
    tables = read_tables(doc)
    if meta.year is not None and meta.year < PRE2019_BEFORE and tables.cells:
        # The national tables began with the reports on 2019: numbers a report on an earlier
        # year gives in its own tables (or in sentences that only look like rows: 减少行政事业性
        # 收费…380项) are no cells of them.
        tables = TablesResult(None, [], [*tables.warnings, (
            f"a report on {meta.year}: {len(tables.cells)} value(s) that read like the national "
            "tables' cells not kept (those tables began with the reports on 2019)")])
    facts, prose_cells = read_facts(doc)
    sections = read_sections(doc)
    cells: list[CellValue] = list(tables.cells)
    have = {c.key for c in cells}
    # A number the prose states joins the cells only where no table gave it, so downstream
    # queries find new_received/total in one place whatever form the report took.
    cells.extend(c for c in prose_cells if c.key not in have)
    warnings = [*doc.warnings, *tables.warnings, *_unnamed(meta)]
    layout = _layout(tables.layout, meta, doc, sections)
    if tables.layout not in TABLE_LAYOUTS:
        warnings.append(_no_tables_warning(doc, layout))
    return ParsedReport(
        org=meta.org, year=meta.year, layout=layout, published=meta.published,
        title=meta.title, sections=sections, cells=cells, facts=facts,
        # Checks need a table: prose numbers alone would fail every sum for want of the rest.
        checks=run_checks(cells, layout) if tables.layout in TABLE_LAYOUTS else [],
        warnings=warnings)


def _layout(from_tables: str | None, meta: Metadata, doc: Document,
            sections: list[Section]) -> Layout:
    """The form the report is on: its tables' labels say it; without a table read, the format
    its text says it follows (国办公开办函〔2021〕30号); a year before 2019 means the older,
    prose form. Otherwise ``none`` (no statistical tables) only where the whole report is
    there to show it has none, or its tables are pictures; an excerpt is ``unknown``."""
    if from_tables in TABLE_LAYOUTS:
        return from_tables  # type: ignore[return-value]
    if meta.form:
        return meta.form  # type: ignore[return-value]
    if meta.year is not None and meta.year < PRE2019_BEFORE:
        return "pre2019"
    whole = any(s.number in CLOSING_SECTIONS for s in sections)
    return "none" if whole or doc.images else "unknown"


def _unnamed(meta: Metadata) -> list[str]:
    """Warnings for what the report's text does not say (never guessed from the URL's host)."""
    missing = []
    if meta.org is None:
        missing.append("organisation not named in the text")
    if meta.year is None:
        missing.append("year not stated in the text")
    return missing


def _no_tables_warning(doc: Document, layout: str) -> str:
    if doc.images:
        return (f"tables are images: not extracted ({len(doc.images)} image(s) in the "
                "document could not be read as tables)")
    if layout == "unknown":
        return ("layout unknown: the text shows no statistical table and names no format "
                "(an excerpt?); facts read from the prose only")
    return "no statistical tables: facts read from the prose only"
