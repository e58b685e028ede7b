"""Crawl runs as an operator sees them, whatever started them: `xxgk runs`, `xxgk status`.

The crawl ledger (``crawl_runs``) knows every crawl but not who asked for it; the
scheduler's ``scheduled_runs`` know theirs. Joined here: a crawl run is the scheduler's when
a scheduled run names it (or, still running, a scheduled run of its site on its machine
started before it and is running too), a distributed crawl's when its owner is a frontier,
and manual otherwise (`xxgk crawl` by hand, cron).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from archive.models import Capture
from crawler.models import RUNNING, CrawlFailure, CrawlRun
from crawler.outcome import FAILED, INCOMPLETE, SUCCEEDED, outcome, trouble
from scheduler.models import ScheduledRun  # its states are the same words as outcomes

SCHEDULER, MANUAL, DISTRIBUTED = "scheduler", "manual", "distributed"


@dataclass(frozen=True)
class RunView:
    """One crawl run for `xxgk runs`: its ledger row, who started it, how it went."""

    run: CrawlRun
    trigger: str
    outcome: str
    pages: int  # responses archived so far (a running run's row has no counts yet)
    failures: int  # its crawl_failures rows

    def as_json(self) -> dict[str, Any]:
        r = self.run
        return {"id": r.id, "site": r.site, "state": r.state, "outcome": self.outcome,
                "trigger": self.trigger, "started_at": r.started_at,
                "finished_at": r.finished_at, "finish_reason": r.finish_reason,
                "host": r.host, "pid": r.pid, "resumed": r.resumed, "requests": r.requests,
                "pages": self.pages, "failures": self.failures}


def triggers(session: Session, runs: list[CrawlRun]) -> dict[int, str]:
    """Crawl run id -> scheduler | distributed | manual."""
    ids = [run.id for run in runs]
    linked = set(session.scalars(select(ScheduledRun.crawl_run_id)
                                 .where(ScheduledRun.crawl_run_id.in_(ids))))
    open_runs = session.scalars(select(ScheduledRun).where(
        ScheduledRun.state == RUNNING,
        ScheduledRun.site.in_({run.site for run in runs}))).all()
    found = {}
    for run in runs:
        if run.id in linked or run.state == RUNNING and any(
                s.site == run.site and s.host == run.host and s.started_at <= run.started_at
                for s in open_runs):
            found[run.id] = SCHEDULER
        elif run.host.startswith("redis:"):  # owned by a Redis frontier (crawler.distributed.coordinator)
            found[run.id] = DISTRIBUTED
        else:
            found[run.id] = MANUAL
    return found


def _counts(session: Session, column: Any, ids: list[int]) -> dict[int, int]:
    return dict(session.execute(select(column, func.count()).where(column.in_(ids))
                                .group_by(column)).all())


def views(session: Session, runs: list[CrawlRun]) -> list[RunView]:
    ids = [run.id for run in runs]
    trigger = triggers(session, runs)
    failures = _counts(session, CrawlFailure.crawl_run_id, ids)
    archived = _counts(session, Capture.crawl_run_id,
                       [run.id for run in runs if run.state == RUNNING])
    return [RunView(run, trigger[run.id], outcome(run),
                    archived.get(run.id, 0) if run.state == RUNNING else run.responses,
                    failures.get(run.id, 0)) for run in runs]


def list_runs(session: Session, *, site: str | None = None, state: str | None = None,
              limit: int = 50) -> list[RunView]:
    """The newest crawl runs first."""
    query = select(CrawlRun).order_by(CrawlRun.id.desc()).limit(limit)
    if site is not None:
        query = query.where(CrawlRun.site == site)
    if state is not None:
        query = query.where(CrawlRun.state == state)
    return views(session, list(session.scalars(query)))


@dataclass(frozen=True)
class Attempt:
    """One try at crawling a site, for `xxgk status`: a scheduled run (crawl, index,
    events: its own result) or a crawl run nobody scheduled."""

    started_at: datetime
    result: str  # running | succeeded | failed | interrupted
    error: str | None
    trigger: str


def attempts(session: Session, site: str, limit: int = 50) -> list[Attempt]:
    """The site's newest attempts first."""
    scheduled = session.scalars(select(ScheduledRun).where(ScheduledRun.site == site)
                                .order_by(ScheduledRun.started_at.desc()).limit(limit)).all()
    crawls = list(session.scalars(select(CrawlRun).where(CrawlRun.site == site)
                                  .order_by(CrawlRun.id.desc()).limit(limit)))
    trigger = triggers(session, crawls)
    found = [Attempt(s.started_at, s.state, s.error, SCHEDULER) for s in scheduled]
    found += [Attempt(c.started_at, outcome(c), trouble(session, c), trigger[c.id])
              for c in crawls if trigger[c.id] != SCHEDULER]
    return sorted(found, key=lambda a: a.started_at, reverse=True)[:limit]


def failures_in_a_row(found: list[Attempt]) -> int:
    """Failed attempts since the last success (interrupted ones neither count nor stop;
    incomplete ones count: reports may be missing)."""
    count = 0
    for attempt in found:
        if attempt.result in (FAILED, INCOMPLETE):
            count += 1
        elif attempt.result == SUCCEEDED:
            break
    return count
