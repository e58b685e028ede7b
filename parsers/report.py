"""One document in, one :class:`ParsedReport` out: the parser's steps in their order.

Each step reads the format-neutral :class:`Document` and knows nothing of the others, so a
step can be improved (and everything re-parsed from the archive) without touching the rest.
"""

from __future__ import annotations

from .checks import run_checks
from .contract import CellValue, ParsedReport
from .document import Document
from .facts import read_facts
from .metadata import read_metadata
from .recognize import is_report
from .sections import read_sections
from .tables import read_tables

TABLE_LAYOUTS = ("gb2021", "gb2019")
PRE2019_BEFORE = 2019  # the national table format began with the 2019 reports


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
    facts, prose_cells = read_facts(doc)
    cells: list[CellValue] = list(tables.cells)
    have = {c.key for c in cells}
    # A number the prose states joins the cells only where no table gave it, so downstream
    # queries find new_received/total in one place whatever form the report took.
    cells.extend(c for c in prose_cells if c.key not in have)
    warnings = [*doc.warnings, *tables.warnings]
    if tables.layout in TABLE_LAYOUTS:
        layout = tables.layout
    else:
        layout = "pre2019" if meta.year is not None and meta.year < PRE2019_BEFORE else "none"
        warnings.append(_no_tables_warning(doc))
    return ParsedReport(
        org=meta.org, year=meta.year, layout=layout, published=meta.published,
        title=meta.title, sections=read_sections(doc), cells=cells, facts=facts,
        checks=run_checks(cells, layout) if layout in TABLE_LAYOUTS else [],
        warnings=warnings)


def _no_tables_warning(doc: Document) -> str:
    if doc.images:
        return (f"tables are images: not extracted ({len(doc.images)} image(s) in the "
                "document could not be read as tables)")
    return "no statistical tables: facts read from the prose only"
