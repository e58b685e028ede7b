"""What the scheduler keeps in the shared database, next to the archive index, the crawl
ledger and the reports.

- ``apscheduler_jobs``: APScheduler's own job store (SQLAlchemyJobStore), declared here so
  that Alembic creates and upgrades it with everything else; the definition is
  APScheduler 3.x's, which then finds it in place.
- ``scheduled_runs``: one row per execution of a site's job (crawl, then index, then
  events): what ran when, for what fire time, how it ended. The fire time is unique per site,
  so a scheduled crawl runs once even when two schedulers overlapped for a moment, and a run
  whose scheduler died is found (state ``running``, its process gone) and run again.
- ``scheduler_leader``: who the active scheduler is and its last heartbeat, for
  ``xxgk status`` and monitoring (the lock itself is a PostgreSQL advisory lock or a lock
  file; this row only reports it).
- ``events``: what happened that somebody may want to hear about (new, revised and removed
  reports, failing checks, unreachable sites, failed crawls), each once (``key`` is unique).
- ``event_deliveries``: each event's delivery to each configured sink, with its attempts, so
  a webhook that was down gets the event later and nothing is sent twice.
- ``report_watch``: per report, the state last announced (status, version, content), which
  is what the next run's events are derived against: idempotent, and crash-safe.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
    Unicode,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from xxgk.base.db import Base

JOBS_TABLE = "apscheduler_jobs"

# APScheduler 3.x's SQLAlchemyJobStore table, column for column.
apscheduler_jobs = Table(
    JOBS_TABLE, Base.metadata,
    Column("id", Unicode(191), primary_key=True),
    Column("next_run_time", Float(25), index=True),
    Column("job_state", LargeBinary, nullable=False),
)

# scheduled_runs.state
RUNNING, SUCCEEDED, FAILED, INTERRUPTED = "running", "succeeded", "failed", "interrupted"

# events.kind
REPORT_NEW = "report.new"
REPORT_REVISED = "report.revised"
REPORT_REMOVED = "report.removed"
CHECKS_FAILED = "checks.failed"
SITE_UNREACHABLE = "site.unreachable"
CRAWL_FAILED = "crawl.failed"
CRAWL_INCOMPLETE = "crawl.incomplete"  # reached its end, but listings read short
EVENT_KINDS = (REPORT_NEW, REPORT_REVISED, REPORT_REMOVED, CHECKS_FAILED, SITE_UNREACHABLE,
               CRAWL_FAILED, CRAWL_INCOMPLETE)

# event_deliveries.state
PENDING, DELIVERED, GAVE_UP = "pending", "delivered", "gave_up"


class ScheduledRun(Base):
    __tablename__ = "scheduled_runs"
    __table_args__ = (UniqueConstraint("site", "scheduled_for",
                                       name="uq_scheduled_runs_site_fire_time"),
                      Index("ix_scheduled_runs_site_started", "site", "started_at"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    site: Mapped[str] = mapped_column(String(64))
    scheduled_for: Mapped[datetime] = mapped_column(DateTime)  # the fire time (UTC)
    trigger: Mapped[str] = mapped_column(String(16))  # cron | manual | rerun
    state: Mapped[str] = mapped_column(String(16), default=RUNNING)
    started_at: Mapped[datetime] = mapped_column(DateTime)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime)
    host: Mapped[str] = mapped_column(String(255))
    pid: Mapped[int] = mapped_column(Integer)
    attempts: Mapped[int] = mapped_column(Integer, default=1)
    crawl_exit_code: Mapped[int | None] = mapped_column(Integer)
    crawl_run_id: Mapped[int | None] = mapped_column(ForeignKey("crawl_runs.id"))
    index_exit_code: Mapped[int | None] = mapped_column(Integer)
    reports_found: Mapped[int | None] = mapped_column(Integer)  # the site's reports afterwards
    events: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text)


class SchedulerLeader(Base):
    __tablename__ = "scheduler_leader"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)  # always 1
    holder: Mapped[str] = mapped_column(String(255))  # host:pid
    since: Mapped[datetime] = mapped_column(DateTime)
    heartbeat: Mapped[datetime] = mapped_column(DateTime)
    stopped_at: Mapped[datetime | None] = mapped_column(DateTime)  # a clean shutdown


class Event(Base):
    __tablename__ = "events"
    __table_args__ = (Index("ix_events_at", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(400), unique=True)  # what makes it the same event
    kind: Mapped[str] = mapped_column(String(32))
    at: Mapped[datetime] = mapped_column(DateTime)  # when it was noticed (UTC)
    site: Mapped[str | None] = mapped_column(String(64))
    scheduled_run_id: Mapped[int | None] = mapped_column(ForeignKey("scheduled_runs.id"))
    report_id: Mapped[int | None] = mapped_column(Integer)  # reports.id (rebuilt: no FK)
    organisation: Mapped[str | None] = mapped_column(String(255))
    year: Mapped[int | None] = mapped_column(Integer)
    url: Mapped[str | None] = mapped_column(Text)
    summary: Mapped[str] = mapped_column(Text)  # one line for people
    detail: Mapped[str] = mapped_column(Text, default="{}")  # JSON for programs


class EventDelivery(Base):
    __tablename__ = "event_deliveries"
    __table_args__ = (UniqueConstraint("event_id", "sink", name="uq_event_deliveries_sink"),
                      Index("ix_event_deliveries_state", "state"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    sink: Mapped[str] = mapped_column(String(255))  # log | webhook:URL | email:ADDRESS
    state: Mapped[str] = mapped_column(String(16), default=PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_attempt_at: Mapped[datetime | None] = mapped_column(DateTime)
    next_attempt_at: Mapped[datetime | None] = mapped_column(DateTime)
    last_error: Mapped[str | None] = mapped_column(Text)


class ReportWatch(Base):
    __tablename__ = "report_watch"
    __table_args__ = (UniqueConstraint("organisation", "year", name="uq_report_watch_report"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation: Mapped[str] = mapped_column(String(255))
    year: Mapped[int] = mapped_column(Integer)
    site: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16))
    version: Mapped[int] = mapped_column(Integer)
    content_sha256: Mapped[str] = mapped_column(String(64))
    announced_at: Mapped[datetime] = mapped_column(DateTime)
