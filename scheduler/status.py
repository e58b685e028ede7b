"""Health of an installation, for people (``xxgk status``) and monitoring (``--json`` and the
exit code): per site its last run and result, its last success, failures in a row, reports
found, next run; the archive and database sizes; whether a scheduler is active.

A site's runs are every attempt to crawl it, scheduled or not (``scheduler.crawl_runs``): a
site crawled by hand is as current as one the scheduler crawled."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

from sqlalchemy import Engine, func, select, text
from sqlalchemy.orm import Session

from archive.models import WarcFile
from archive.redact import SECRETS
from archive.timespec import iso
from crawler.outcome import SUCCEEDED
from crawler.registry import Site
from scheduler.crawl_runs import attempts, failures_in_a_row
from scheduler.models import SchedulerLeader
from scheduler.runs import site_report_count
from xxgk.base.home import Home

STALE_AFTER = timedelta(minutes=2)  # a heartbeat older than this: the scheduler is gone


@dataclass
class SiteHealth:
    site: str
    last_run_at: str | None = None
    last_result: str | None = None
    last_error: str | None = None
    last_trigger: str | None = None  # scheduler | manual | distributed
    last_success_at: str | None = None
    failures_in_a_row: int = 0
    runs: int = 0
    reports_found: int = 0
    next_run_at: str | None = None


@dataclass
class Health:
    scheduler_running: bool
    scheduler_holder: str | None
    scheduler_heartbeat: str | None
    archive_bytes: int
    database_bytes: int | None
    sites: list[SiteHealth] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _iso(moment: datetime | None) -> str | None:
    return iso(moment) if moment is not None else None


def database_bytes(engine: Engine, home: Home) -> int | None:
    if engine.dialect.name == "sqlite":
        files = [home.database_path, home.database_path.with_name(home.database_path.name + "-wal")]
        return sum(p.stat().st_size for p in files if p.exists())
    if engine.dialect.name == "postgresql":
        with engine.connect() as connection:
            return connection.execute(text("select pg_database_size(current_database())")
                                      ).scalar()
    return None


def health(session: Session, engine: Engine, home: Home, sites: dict[str, Site],
           next_runs: dict[str, datetime | None], *, fail_after: int = 3,
           now: datetime | None = None) -> Health:
    now = now or datetime.now(timezone.utc).replace(tzinfo=None)
    leader = session.get(SchedulerLeader, 1)
    running = bool(leader and leader.stopped_at is None
                   and now - leader.heartbeat <= STALE_AFTER)
    archive_bytes = session.scalar(select(func.coalesce(func.sum(WarcFile.size), 0))) or 0
    report = Health(scheduler_running=running,
                    scheduler_holder=leader.holder if leader else None,
                    scheduler_heartbeat=_iso(leader.heartbeat) if leader else None,
                    archive_bytes=int(archive_bytes),
                    database_bytes=database_bytes(engine, home))
    if not running:
        report.problems.append("no scheduler is running" if leader is None or leader.stopped_at
                               else f"the scheduler {leader.holder} stopped beating at "
                                    f"{_iso(leader.heartbeat)}")
    for key, site in sorted(sites.items()):
        tries = attempts(session, key)
        item = SiteHealth(site=key, runs=len(tries), failures_in_a_row=failures_in_a_row(tries),
                          reports_found=site_report_count(session, site))
        item.next_run_at = _iso(next_runs.get(key))
        if tries:
            last = tries[0]
            item.last_run_at, item.last_result, item.last_error, item.last_trigger = (
                _iso(last.started_at), last.result,
                SECRETS.mask(last.error) if last.error else None, last.trigger)
        success = next((a for a in tries if a.result == SUCCEEDED), None)
        item.last_success_at = _iso(success.started_at) if success else None
        if item.failures_in_a_row >= fail_after:
            report.problems.append(f"{key}: {item.failures_in_a_row} failed runs in a row "
                                   f"(last: {item.last_error})")
        report.sites.append(item)
    return report
