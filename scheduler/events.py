"""Events: what a run found that people may want to hear about, stored once each.

Report events are derived from the reports database, not from the crawl's sightings: a
report is "new" when the indexer has it and nobody was told yet, "revised" when its current
version's content differs from what was announced, "removed" when the indexer marks it
removed (its URL answers 404/410). The state last announced per report is kept in
``report_watch`` and updated in the same transaction as the events: deriving again (a
re-run, a crash halfway) gives no duplicates and loses nothing, and it does not matter which
run's index pass parsed the documents.

Site events (unreachable, crawl failed) come from the run itself (scheduler.runs).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from archive.redact import SECRETS
from parsers.database.models import CellChange, CheckRow, Organisation, Report, ReportVersion
from scheduler.models import (
    CHECKS_FAILED,
    PENDING,
    REPORT_NEW,
    REPORT_REMOVED,
    REPORT_REVISED,
    Event,
    EventDelivery,
    ReportWatch,
)

log = logging.getLogger(__name__)
REMOVED = "removed"


@dataclass(frozen=True)
class _Current:
    """One report as the database has it now."""

    report_id: int
    organisation: str
    year: int
    title: str | None
    status: str
    version: int
    version_id: int | None
    content_sha256: str
    url: str


def add_event(session: Session, *, key: str, kind: str, at: datetime, summary: str,
              sinks: Iterable[str], site: str | None = None, run_id: int | None = None,
              report_id: int | None = None, organisation: str | None = None,
              year: int | None = None, url: str | None = None,
              detail: dict | None = None) -> Event | None:
    """Store an event (and a pending delivery per sink) unless one with its key exists."""
    if session.scalar(select(Event.id).where(Event.key == key)) is not None:
        return None
    # Site events quote errors (a crawl's, a proxy's): no secret is stored with them.
    event = Event(key=key, kind=kind, at=at, site=site, scheduled_run_id=run_id,
                  report_id=report_id, organisation=organisation, year=year, url=url,
                  summary=SECRETS.mask_known(summary),
                  detail=SECRETS.mask_known(json.dumps(detail or {}, ensure_ascii=False)))
    session.add(event)
    session.flush()
    for sink in sinks:
        session.add(EventDelivery(event_id=event.id, sink=sink, state=PENDING, attempts=0,
                                  next_attempt_at=at))
    log.info("event %s: %s", kind, summary)
    return event


def _reports_of(session: Session, hosts: set[str]) -> list[_Current]:
    rows = session.execute(
        select(Report.id, Organisation.name, Report.year, Report.title, Report.status,
               Report.current_version, ReportVersion.id, Report.content_sha256,
               Report.source_url)
        .join(Organisation, Organisation.id == Report.organisation_id)
        .outerjoin(ReportVersion, and_(ReportVersion.report_id == Report.id,
                                       ReportVersion.number == Report.current_version)))
    return [_Current(*row) for row in rows
            if (urlsplit(row.source_url).hostname or "") in hosts]


def _failing_checks(session: Session, version_id: int | None) -> list[dict]:
    if version_id is None:
        return []
    return [{"check": name, "detail": detail} for name, detail in session.execute(
        select(CheckRow.name, CheckRow.detail).where(CheckRow.version_id == version_id,
                                                     CheckRow.ok.is_(False))
        .order_by(CheckRow.name))]


def _changes(session: Session, version_id: int | None) -> list[dict]:
    if version_id is None:
        return []
    return [{"table": c.table_id, "row": c.row_id, "column": c.column_id, "old": c.old,
             "new": c.new}  # counts as ints, amounts as numbers (parsers.quantities)
            for c in session.scalars(select(CellChange).where(
                CellChange.version_id == version_id).order_by(CellChange.id))]


def derive_report_events(session: Session, *, site: str, hosts: Iterable[str], at: datetime,
                         sinks: Iterable[str], run_id: int | None = None) -> list[Event]:
    """New, revised and removed reports of a site since they were last announced, and the
    failing checks of each new or revised version. Call inside a transaction."""
    sinks = list(sinks)
    watched = {(w.organisation, w.year): w for w in session.scalars(
        select(ReportWatch).where(ReportWatch.site == site))}
    made: list[Event] = []

    def emit(kind: str, key: str, report: _Current, summary: str, **detail: object) -> None:
        event = add_event(session, key=key, kind=kind, at=at, summary=summary, sinks=sinks,
                          site=site, run_id=run_id, report_id=report.report_id,
                          organisation=report.organisation, year=report.year,
                          url=report.url, detail={"title": report.title,
                                                  "version": report.version,
                                                  "content_sha256": report.content_sha256,
                                                  **detail})
        if event is not None:
            made.append(event)

    for report in _reports_of(session, set(hosts)):
        name = f"{report.organisation} {report.year}年度报告"
        ident = f"{report.organisation}|{report.year}"
        watch = watched.get((report.organisation, report.year))
        if watch is None:
            watch = session.scalar(select(ReportWatch).where(
                ReportWatch.organisation == report.organisation,
                ReportWatch.year == report.year))  # announced under another site
        announced_new = False
        if report.status == REMOVED:
            if watch is not None and watch.status != REMOVED:
                emit(REPORT_REMOVED, f"{REPORT_REMOVED}|{ident}|{watch.announced_at:%Y%m%d%H%M%S}",
                     report, f"removed: {name} ({report.url} is gone)")
        elif watch is None or watch.status == REMOVED:
            again = watch is not None
            emit(REPORT_NEW, f"{REPORT_NEW}|{ident}" + (
                f"|{watch.announced_at:%Y%m%d%H%M%S}" if again else ""),
                report, f"{'back' if again else 'new'}: {name}", reappeared=again)
            announced_new = True
        elif watch.content_sha256 != report.content_sha256 or watch.version != report.version:
            changes = _changes(session, report.version_id)
            emit(REPORT_REVISED, f"{REPORT_REVISED}|{ident}|{report.content_sha256}", report,
                 f"revised: {name}, version {report.version}, {len(changes)} values changed",
                 previous_version=watch.version, changes=changes)
            announced_new = True
        if announced_new:
            failing = _failing_checks(session, report.version_id)
            if failing:
                emit(CHECKS_FAILED, f"{CHECKS_FAILED}|{ident}|{report.content_sha256}", report,
                     f"checks failed: {name}: " + ", ".join(f["check"] for f in failing),
                     failing=failing)
        if watch is None:
            session.add(ReportWatch(organisation=report.organisation, year=report.year,
                                    site=site, status=report.status, version=report.version,
                                    content_sha256=report.content_sha256, announced_at=at))
        elif (watch.status, watch.version, watch.content_sha256) != (
                report.status, report.version, report.content_sha256):
            watch.status, watch.version = report.status, report.version
            watch.content_sha256, watch.announced_at, watch.site = (
                report.content_sha256, at, site)
    return made
