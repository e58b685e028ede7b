"""Write one report (organisation + year) to the reports tables from its parsed documents.

The report's rows are recomputed from ``parsed_documents`` every time one of its documents
changes, never patched: the result depends only on the stored parse results (and the
archive's captures for removal), so ``index`` after ``index`` and ``reindex`` agree.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from archive.models import Capture
from parsers import PARSER_VERSION
from parsers.database.models import (
    PUBLISHED,
    REMOVED,
    REPORT,
    CellChange,
    CellRow,
    CheckRow,
    FactRow,
    Organisation,
    ParsedDocument,
    Report,
    ReportVersion,
    SectionRow,
)
from parsers.database.versions import BuiltVersion, SourceDocument, build_versions
from parsers.facts import AMOUNT_FACTS
from parsers.organisations import credit_code_in, level_of
from parsers.quantities import split
from parsers.tables.schema import AMOUNT_CELLS
from xxgk.base.clock import utcnow

Region = tuple[str | None, str | None, str | None]  # province, city, county
RegionOf = Callable[[str], Region | None]
GONE = (404, 410)


def rebuild_report(session: Session, org_name: str, year: int,
                   region_of: RegionOf | None = None) -> Report | None:
    rows = session.scalars(select(ParsedDocument).where(
        ParsedDocument.status == REPORT, ParsedDocument.org_name == org_name,
        ParsedDocument.year == year)).all()
    organisation = _organisation(session, org_name, [r.url for r in rows], region_of)
    report = session.scalars(select(Report).where(Report.organisation_id == organisation.id,
                                                  Report.year == year)).one_or_none()
    if not rows:
        if report is not None:
            session.delete(report)
        return None
    docs = [SourceDocument(r.url, r.captured_at, r.capture_id, r.payload_digest,
                           json.loads(r.result_json or "{}")) for r in rows]
    versions = build_versions(docs)
    best = versions[-1].source
    result = best.result
    if report is None:
        report = Report(organisation_id=organisation.id, year=year)
        session.add(report)
    else:
        session.execute(delete(ReportVersion).where(ReportVersion.report_id == report.id))
        session.expire(report, ["versions"])
    report.title = result.get("title")
    report.published = _date(result.get("published"))
    report.layout = result.get("layout") or "none"
    report.source_url = best.url
    report.source_capture_id = best.capture_id
    report.content_sha256 = best.payload_digest
    report.parser_version = PARSER_VERSION
    report.current_version = len(versions)
    report.updated_at = utcnow()
    report.status = REMOVED if _all_gone(session, _urls_of(session, docs)) else PUBLISHED
    session.flush()
    for number, version in enumerate(versions, start=1):
        _write_version(session, report, number, version)
    for row in rows:
        row.report_id = report.id
    return report


def _organisation(session: Session, name: str, urls: list[str],
                  region_of: RegionOf | None) -> Organisation:
    organisation = session.scalars(select(Organisation)
                                   .where(Organisation.name == name)).one_or_none()
    if organisation is None:
        organisation = Organisation(name=name, level=level_of(name))
        session.add(organisation)
    for url in urls:
        code = credit_code_in(url)
        if code and organisation.credit_code is None and not session.scalars(
                select(Organisation.id).where(Organisation.credit_code == code)).first():
            organisation.credit_code = code
        region = region_of(url) if region_of else None
        if region and organisation.province is None:
            organisation.province, organisation.city, organisation.county = region
    session.flush()
    return organisation


def _write_version(session: Session, report: Report, number: int, built: BuiltVersion) -> None:
    result = built.source.result
    version = ReportVersion(report_id=report.id, number=number, since=built.since,
                            source_url=built.source.url,
                            source_capture_id=built.source.capture_id,
                            content_sha256=built.source.payload_digest,
                            layout=result.get("layout") or "none",
                            warnings="\n".join(result.get("warnings") or []) or None)
    session.add(version)
    session.flush()
    seen: set[str] = set()
    for cell in result.get("cells") or []:
        key = f"{cell['table']}/{cell['row']}/{cell['column']}"
        if key in seen:  # the contract allows one value per cell; keep the first
            continue
        seen.add(key)
        value, amount = split(cell.get("value"), key in AMOUNT_CELLS)
        session.add(CellRow(version_id=version.id, table_id=cell["table"], row_id=cell["row"],
                            column_id=cell["column"], value=value, amount=amount,
                            raw=cell.get("raw") or "", label=cell.get("label") or "",
                            source=cell.get("source") or "table", unit=cell.get("unit")))
    numbers: set[int] = set()
    for section in result.get("sections") or []:
        if section["number"] in numbers:
            continue
        numbers.add(section["number"])
        session.add(SectionRow(version_id=version.id, number=section["number"],
                               title=section.get("title") or "", text=section.get("text") or ""))
    for fact in result.get("facts") or []:
        value, amount = split(fact["value"], fact["name"] in AMOUNT_FACTS)
        session.add(FactRow(version_id=version.id, name=fact["name"], value=value,
                            amount=amount, text=fact.get("text") or ""))
    names: set[str] = set()
    for check in result.get("checks") or []:
        if check["name"] in names:
            continue
        names.add(check["name"])
        session.add(CheckRow(version_id=version.id, name=check["name"], ok=bool(check["ok"]),
                             detail=check.get("detail") or ""))
    for table, row, column, old, new in built.changes:
        amount = f"{table}/{row}/{column}" in AMOUNT_CELLS
        old_value, old_amount = split(old, amount)
        new_value, new_amount = split(new, amount)
        session.add(CellChange(version_id=version.id, table_id=table, row_id=row,
                               column_id=column, old_value=old_value, new_value=new_value,
                               old_amount=old_amount, new_amount=new_amount))


def _urls_of(session: Session, docs: list[SourceDocument]) -> set[str]:
    """Every URL that served one of the report's payloads (aliases and mirrors too)."""
    digests = [d.payload_digest for d in docs]
    urls = set(session.scalars(select(Capture.url).where(Capture.payload_digest.in_(digests))
                               .distinct()))
    return urls | {d.url for d in docs}


def _all_gone(session: Session, urls: set[str]) -> bool:
    """Removed: the newest capture of every URL the report was found at is a 404/410."""
    for url in urls:
        newest = session.execute(
            select(Capture.status).where(Capture.url == url,
                                         Capture.record_type.in_(("response", "revisit")))
            .order_by(Capture.captured_at.desc(), Capture.id.desc()).limit(1)).scalar()
        if newest not in GONE:
            return False
    return True


def _date(text: Any) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(str(text)[:10])
    except ValueError:
        return None


def count_reports(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Report)) or 0
