"""``xxgk index``: parse every archived payload not parsed yet, then rebuild its reports.

Reads the archive only. Each distinct payload (sha256) is parsed once, whatever URLs and
crawls it was captured in; its verdict is a ``parsed_documents`` row (report, not_report,
failed with the reason, skipped), committed one by one, so a run that is killed loses at
most the document it was on, and a second indexer running at the same time only skips what
the first one took. Safe next to a running crawl: captures the crawl commits later are
simply found by the next run.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import Engine, delete, exists, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from archive.models import Capture, WarcFile
from archive.read.retrieval import Retrieval, Version, version_of
from parsers.database.models import FAILED, NOT_REPORT, REPORT, SKIPPED, ParsedDocument, Report
from parsers.database.parse_one import failed_row, verdict_unread
from parsers.database.rebuild import GONE, RegionOf, rebuild_report
from parsers.sandbox import DocumentLimits, WorkerPool
from xxgk.base.db import create_schema
from xxgk.base.digests import EMPTY_SHA256
from xxgk.base.home import Home

log = logging.getLogger(__name__)

MIN_PER_WORKER = 8  # fewer documents than this per worker: not worth starting processes


@dataclass
class IndexStats:
    documents: int = 0
    reports: int = 0
    not_reports: int = 0
    failed: int = 0
    skipped: int = 0
    reports_rebuilt: int = 0
    seconds: float = 0.0
    failures: list[tuple[str, str]] = field(default_factory=list)  # (url, reason)


Progress = Callable[[int, int, IndexStats], None]


class Indexer:
    def __init__(self, home: Home, engine: Engine | None = None,
                 region_of: RegionOf | None = None, workers: int | None = None,
                 limits: DocumentLimits | None = None) -> None:
        self.retrieval = Retrieval(home, engine)
        create_schema(self.retrieval.engine)
        self.sessions = self.retrieval.sessions
        self.region_of = region_of
        self.workers = workers or os.cpu_count() or 1
        self.limits = limits or DocumentLimits.from_env()  # per document, in the children
        # Reports a re-parse took a document away from (its organisation or year changed).
        self._orphaned: set[tuple[str, int]] = set()

    def close(self) -> None:
        self.retrieval.close()

    def __enter__(self) -> Indexer:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    # --- what to parse -----------------------------------------------------------------------

    def pending(self, session: Session, everything: bool = False) -> list[Version]:
        """One response capture per payload not yet parsed (every payload, when
        ``everything``), the earliest capture of each."""
        digest = func.coalesce(Capture.payload_digest, EMPTY_SHA256)  # empty bodies have none
        first = (select(func.min(Capture.id)).where(Capture.record_type == "response")
                 .group_by(digest))
        query = (select(Capture, WarcFile).join(WarcFile, Capture.warc_file_id == WarcFile.id)
                 .where(Capture.id.in_(first)).order_by(Capture.captured_at, Capture.id))
        if not everything:
            done = select(ParsedDocument.id).where(ParsedDocument.payload_digest == digest)
            query = query.where(~exists(done))
        return [version_of(c, w) for c, w in session.execute(query)]

    # --- running -------------------------------------------------------------------------

    def run(self, everything: bool = False, progress: Progress | None = None,
            limit: int | None = None) -> IndexStats:
        started = time.monotonic()
        stats = IndexStats()
        with self.sessions() as session:
            todo = self.pending(session, everything)
            since = self._last_index_time(session)
        if limit is not None:
            todo = todo[:limit]
        touched: set[tuple[str, int]] = set()
        for number, fields in enumerate(self._parsed(todo), start=1):
            row = ParsedDocument(**fields)
            stats.documents += 1
            if self._store(row):
                counter = {REPORT: "reports", NOT_REPORT: "not_reports", FAILED: "failed",
                           SKIPPED: "skipped"}[row.status]
                setattr(stats, counter, getattr(stats, counter) + 1)
                if row.status == FAILED:
                    stats.failures.append((row.url, row.reason or ""))
                if row.status == REPORT:
                    touched.add((row.org_name, row.year))
            if progress:
                progress(number, len(todo), stats)
        with self.sessions() as session:
            touched |= self._gone_since(session, since) | self._orphaned
            if everything:
                touched |= {(name, year) for name, year in session.execute(
                    select(ParsedDocument.org_name, ParsedDocument.year)
                    .where(ParsedDocument.status == REPORT).distinct())}
        for org_name, year in sorted(touched):
            with self.sessions() as session, session.begin():
                rebuild_report(session, org_name, year, self.region_of)
            stats.reports_rebuilt += 1
        stats.seconds = time.monotonic() - started
        return stats

    def _parsed(self, todo: list[Version]) -> Iterator[dict]:
        """Parse results in order. Each document is read in a parser child under the memory
        and time limits (``parsers.sandbox``): a bomb or a hang is that document's failure
        row, never the run's end; several children when there is enough to do (LibreOffice,
        OCR and pdfplumber are CPU-bound); the database writes stay in this process."""
        unread = [verdict_unread(v) for v in todo]
        to_read = [v for v, row in zip(todo, unread) if row is None]
        workers = min(self.workers, max(1, len(to_read) // MIN_PER_WORKER))
        start = ("parsers.database.parse_one:worker_start",
                 (str(self.retrieval.home.root.absolute()),))
        with WorkerPool(workers, self.limits, initializer=start) as pool:
            outcomes = pool.imap("parsers.database.parse_one:worker_parse", to_read)
            for version, row in zip(todo, unread):
                if row is None:
                    outcome = next(outcomes)
                    row = outcome.value if outcome.error is None else \
                        failed_row(version, outcome.error)
                yield row

    def _store(self, row: ParsedDocument) -> bool:
        """Insert (or, for a re-parse, replace) the row; False when another indexer stored
        this payload first."""
        with self.sessions() as session:
            try:
                with session.begin():
                    old = session.scalars(select(ParsedDocument).where(
                        ParsedDocument.payload_digest == row.payload_digest)).one_or_none()
                    if old is not None:
                        if old.org_name and old.year is not None and (
                                old.org_name, old.year) != (row.org_name, row.year):
                            self._orphaned.add((old.org_name, old.year))
                        session.execute(delete(ParsedDocument).where(
                            ParsedDocument.id == old.id))
                    session.add(row)
            except IntegrityError:
                return False
        return True

    def _last_index_time(self, session: Session) -> datetime | None:
        return session.scalar(select(func.max(Report.updated_at)))

    def _gone_since(self, session: Session, since: datetime | None) -> set[tuple[str, int]]:
        """Reports one of whose URLs answered 404/410 since the last rebuild: removal is
        seen through the archive's captures, not through any new document."""
        query = (select(ParsedDocument.org_name, ParsedDocument.year)
                 .join(Capture, Capture.url == ParsedDocument.url)
                 .where(Capture.status.in_(GONE), ParsedDocument.status == REPORT))
        if since is not None:
            query = query.where(Capture.captured_at >= since - timedelta(days=1))
        return {(name, year) for name, year in session.execute(query.distinct())}


def iter_failures(session: Session) -> Iterator[ParsedDocument]:
    yield from session.scalars(select(ParsedDocument).where(ParsedDocument.status == FAILED)
                               .order_by(ParsedDocument.captured_at))
