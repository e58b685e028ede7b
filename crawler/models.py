"""What the crawler remembers between runs, next to the archive index in the same database.

- ``crawl_runs``: one row per crawl of one site, so an operator (and the scheduler) can see
  when a site was crawled, how it went, and resume a run that was killed.
- ``crawl_failures``: every request that did not end in a usable response, with its reason:
  nothing is dropped silently.
- ``crawl_documents``: every URL where a report page or report file was found. Later runs ask
  for each again, which is how removed (404) and moved (301) reports are noticed at all: no
  listing links to a report that is gone.
- ``crawl_document_events``: what each run saw of each document (new, changed, unchanged,
  moved, removed), one row per run and document.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from xxgk.base.db import Base

RUNNING, FINISHED, INTERRUPTED = "running", "finished", "interrupted"

NEW, CHANGED, UNCHANGED, MOVED, REMOVED = "new", "changed", "unchanged", "moved", "removed"
CHANGES = (NEW, CHANGED, UNCHANGED, MOVED, REMOVED)


class CrawlRun(Base):
    __tablename__ = "crawl_runs"
    __table_args__ = (Index("ix_crawl_runs_site_started", "site", "started_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    site: Mapped[str] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(16), default=RUNNING)
    started_at: Mapped[datetime] = mapped_column(DateTime)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime)
    finish_reason: Mapped[str | None] = mapped_column(String(64))
    # Who runs it: a run whose process is gone was interrupted and is resumed next time.
    host: Mapped[str] = mapped_column(String(255))
    pid: Mapped[int] = mapped_column(Integer)
    resumed: Mapped[int] = mapped_column(Integer, default=0)  # times it was taken up again
    requests: Mapped[int] = mapped_column(Integer, default=0)
    responses: Mapped[int] = mapped_column(Integer, default=0)
    bytes_received: Mapped[int] = mapped_column(BigInteger, default=0)
    status_counts: Mapped[str] = mapped_column(Text, default="{}")  # JSON {"200": n, ...}
    new_payloads: Mapped[int] = mapped_column(Integer, default=0)
    revisits: Mapped[int] = mapped_column(Integer, default=0)
    from_archive: Mapped[int] = mapped_column(Integer, default=0)  # served on resume / 304
    new_documents: Mapped[int] = mapped_column(Integer, default=0)
    changed_documents: Mapped[int] = mapped_column(Integer, default=0)
    unchanged_documents: Mapped[int] = mapped_column(Integer, default=0)
    moved_documents: Mapped[int] = mapped_column(Integer, default=0)
    removed_documents: Mapped[int] = mapped_column(Integer, default=0)
    errors: Mapped[int] = mapped_column(Integer, default=0)  # rows in crawl_failures
    # Listings that gave fewer records than the portal says it has (failures of kind
    # ``incomplete``): a run that reached its end with any is ``incomplete``, not a success.
    incomplete: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class CrawlFailure(Base):
    __tablename__ = "crawl_failures"
    __table_args__ = (Index("ix_crawl_failures_run", "crawl_run_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    crawl_run_id: Mapped[int] = mapped_column(ForeignKey("crawl_runs.id"))
    at: Mapped[datetime] = mapped_column(DateTime)
    url: Mapped[str] = mapped_column(Text)
    method: Mapped[str] = mapped_column(String(8), default="GET")
    # http (final 4xx/5xx), network, timeout, too_large, robots, offsite, trap, challenge,
    # parse, archive, retries, incomplete (crawler.ledger.FAILURE_KINDS)
    kind: Mapped[str] = mapped_column(String(16))
    status: Mapped[int | None] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(Text)
    capture_id: Mapped[int | None] = mapped_column(Integer)  # the archived answer, if any


class CrawlDocument(Base):
    __tablename__ = "crawl_documents"
    __table_args__ = (UniqueConstraint("site", "url", name="uq_crawl_documents_site_url"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    site: Mapped[str] = mapped_column(String(64))
    url: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(16))  # report_page | file
    title: Mapped[str | None] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(16), default="present")  # present|moved|removed
    moved_to: Mapped[str | None] = mapped_column(Text)
    first_run_id: Mapped[int] = mapped_column(ForeignKey("crawl_runs.id"))
    last_run_id: Mapped[int] = mapped_column(ForeignKey("crawl_runs.id"))
    last_capture_id: Mapped[int | None] = mapped_column(Integer)
    last_digest: Mapped[str | None] = mapped_column(String(64))


class CrawlDocumentEvent(Base):
    __tablename__ = "crawl_document_events"
    __table_args__ = (UniqueConstraint("crawl_run_id", "document_id",
                                       name="uq_crawl_document_events_run_doc"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    crawl_run_id: Mapped[int] = mapped_column(ForeignKey("crawl_runs.id"))
    document_id: Mapped[int] = mapped_column(ForeignKey("crawl_documents.id"))
    at: Mapped[datetime] = mapped_column(DateTime)
    change: Mapped[str] = mapped_column(String(16))  # one of CHANGES
    status: Mapped[int | None] = mapped_column(Integer)
    capture_id: Mapped[int | None] = mapped_column(Integer)
    digest: Mapped[str | None] = mapped_column(String(64))
    previous_digest: Mapped[str | None] = mapped_column(String(64))
    previous_url: Mapped[str | None] = mapped_column(Text)  # for moved: where it was
