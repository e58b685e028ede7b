"""The scheduler daemon: one job per site, run by APScheduler from a job store in our own
database, by whichever scheduler process holds the lock.

- Jobs persist (``apscheduler_jobs``): a restart finds each site's next fire time where it
  was, and a fire time missed while no scheduler ran is run once on start (coalesced)
  within ``misfire_grace_time``; older ones are skipped, as APScheduler does.
- One instance per site at a time (``max_instances=1``); a few sites in parallel.
- Jobs are synchronised with the registry on start: a new site gets its job, a removed one
  loses it, a changed schedule is rescheduled; an unchanged job keeps its stored next fire
  time (replacing it would forget a missed fire time).
- A run left behind by a scheduler that died (kill -9, power cut) is run again at start.
- SIGTERM/SIGINT: stop taking jobs, stop the running crawls cleanly (they resume later),
  release the lock; a standby takes over.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.job import Job
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import STATE_STOPPED
from apscheduler.triggers.combining import OrTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.date import DateTrigger
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from crawler.registry import Schedule, Site
from scheduler import runs
from scheduler.clock import Clock, use_in_apscheduler
from scheduler.leader import LeaderLock, LostLock
from scheduler.models import JOBS_TABLE
from scheduler.runs import Runtime, interrupted_runs, naive_utc
from scheduler.sinks import Deliverer, Sink
from xxgk.base.db import create_schema, make_engine, session_factory
from xxgk.base.home import Home

log = logging.getLogger(__name__)
PORTAL_TIMEZONE = ZoneInfo("Asia/Shanghai")  # the portals' clocks: cron times are theirs
JOB_FUNCTION = "scheduler.runs:run_site"
MISFIRE_GRACE = 6 * 3600  # a fire time missed by up to 6 h still runs (once) at start
POLL = 10.0  # seconds: how soon a job added by another process (xxgk scheduler trigger) runs


def site_trigger(schedule: Schedule) -> Any:
    """The site's cron, and its denser cron in January-March (reports appear then)."""
    regular = CronTrigger.from_crontab(schedule.cron, timezone=PORTAL_TIMEZONE)
    if not schedule.dense_cron:
        return regular
    minute, hour, day, month, weekday = schedule.dense_cron.split()
    if month != "*":
        raise ValueError(f"dense_cron {schedule.dense_cron!r}: its month field must be '*' "
                         "(it applies to January-March)")
    dense = CronTrigger(minute=minute, hour=hour, day=day, month="1-3", day_of_week=weekday,
                        timezone=PORTAL_TIMEZONE)
    return OrTrigger([regular, dense])


def job_store(engine: Engine) -> SQLAlchemyJobStore:
    return SQLAlchemyJobStore(engine=engine, tablename=JOBS_TABLE)


class ClockedExecutor(ThreadPoolExecutor):
    """APScheduler's thread pool, telling the clock when jobs start and end (a simulated
    clock holds still meanwhile) and the runtime which fire time each job is for."""

    def __init__(self, clock: Clock, runtime: Runtime, max_workers: int) -> None:
        super().__init__(max_workers)
        self.clock = clock
        self.runtime = runtime

    def _do_submit_job(self, job: Any, run_times: list[datetime]) -> None:
        self.clock.job_started()
        if job.id in self.runtime.sites:
            self.runtime.fire_times[job.id] = run_times[-1]
        try:
            super()._do_submit_job(job, run_times)
        except BaseException:
            self.clock.job_finished()
            raise

    def _run_job_success(self, job_id: str, events: list) -> None:
        try:
            super()._run_job_success(job_id, events)
        finally:
            self.clock.job_finished()

    def _run_job_error(self, job_id: str, exc: BaseException, traceback: Any = None) -> None:
        try:
            super()._run_job_error(job_id, exc, traceback)
        finally:
            self.clock.job_finished()


class SiteScheduler(BackgroundScheduler):
    """BackgroundScheduler waiting on our clock: the wall clock (and at most POLL seconds,
    to see jobs other processes add), or a simulated one."""

    def __init__(self, clock: Clock, **options: Any) -> None:
        self.clock = clock
        super().__init__(**options)

    def _main_loop(self) -> None:
        wait_seconds: float | None = 0.0  # look at the jobs first
        while self.state != STATE_STOPPED:
            if not self.clock.simulated:
                wait_seconds = min(wait_seconds if wait_seconds is not None else POLL, POLL)
            self.clock.wait(wait_seconds, self._event)
            self._event.clear()
            wait_seconds = self._process_jobs()


class SchedulerService:
    """``run`` blocks: standby until the lock is ours, then schedule until ``stop``."""

    def __init__(self, home: Home, sites: dict[str, Site], sinks: Sequence[Sink], *,
                 clock: Clock | None = None, crawl_args: Sequence[str] = (),
                 env: dict[str, str] | None = None, max_parallel: int = 2,
                 standby_poll: float = 2.0, heartbeat: float = 15.0) -> None:
        self.home = home.ensure()
        self.sites = sites
        self.clock = clock or Clock()
        self.engine = make_engine(home.database_url)
        create_schema(self.engine)
        self.sessions: sessionmaker[Session] = session_factory(self.engine)
        self.lock = LeaderLock(self.engine, self.sessions,
                               lock_file=Path(home.root) / "scheduler.lock")
        self.deliverer = Deliverer(self.sessions, list(sinks))
        self.runtime = Runtime(home=self.home, sessions=self.sessions, sites=sites,
                               clock=self.clock, deliverer=self.deliverer,
                               crawl_args=list(crawl_args), env=dict(env or {}))
        self.max_parallel = max_parallel
        self.standby_poll = standby_poll
        self.heartbeat = heartbeat
        self.stop = threading.Event()
        self.leading = threading.Event()
        self.scheduler: SiteScheduler | None = None
        self.lost_lock = False  # run() ended because the lock was lost: exit non-zero

    def run(self) -> None:
        if not self.lock.acquire(self.stop, poll=self.standby_poll, on_wait=lambda: log.info(
                "another scheduler is active: standing by")):
            return
        self.leading.set()
        runs.RUNTIME = self.runtime
        use_in_apscheduler(self.clock)
        scheduler = self.scheduler = SiteScheduler(
            self.clock, jobstores={"default": job_store(self.engine)},
            executors={"default": ClockedExecutor(self.clock, self.runtime, self.max_parallel)},
            job_defaults={"coalesce": True, "max_instances": 1,
                          "misfire_grace_time": MISFIRE_GRACE},
            timezone=PORTAL_TIMEZONE)
        try:
            scheduler.start(paused=True)
            self.sync_jobs()
            self.queue_interrupted()
            scheduler.resume()
            # Said once the job store holds every site's job: an operator (or a test) who
            # reads the jobs after this line sees all of them, whatever the machine's load.
            log.info("this scheduler is active (%s): %d jobs", self.lock.holder,
                     len(scheduler.get_jobs()))
            while not self.stop.is_set():
                try:
                    self.lock.heartbeat()
                except LostLock as exc:
                    log.error("%s: stopping, a standby takes over", exc)
                    self.lost_lock = True
                    break
                self.deliverer.deliver(naive_utc(self.clock.now()))
                finished = getattr(self.clock, "finished", None)
                if finished is not None and finished.is_set() and \
                        self.runtime.running_children() == 0 and self.clock.idle(0):  # type: ignore[attr-defined]
                    break  # a simulated period is over
                self.stop.wait(self.heartbeat if not self.clock.simulated else 0.2)
        finally:
            self.runtime.stopping.set()
            scheduler.shutdown(wait=True)  # running jobs see ``stopping`` and stop their crawl
            use_in_apscheduler(None)
            runs.RUNTIME = None
            self.lock.release()
            self.leading.clear()
            self.engine.dispose()
            log.info("scheduler stopped")

    def sync_jobs(self) -> None:
        assert self.scheduler is not None
        jobs = {job.id: job for job in self.scheduler.get_jobs()}
        for key, site in self.sites.items():
            trigger = site_trigger(site.schedule)
            job = jobs.get(key)
            if job is None:
                self.scheduler.add_job(JOB_FUNCTION, trigger, id=key, name=f"crawl {key}",
                                       args=[key], replace_existing=True)
            elif str(job.trigger) != str(trigger):
                log.info("%s: schedule changed to %s", key, trigger)
                self.scheduler.reschedule_job(key, trigger=trigger)
        for key in jobs:
            if key not in self.sites and not key.startswith(("manual-", "rerun-")):
                log.info("%s: no longer in the registry, its job is removed", key)
                self.scheduler.remove_job(key)

    def queue_interrupted(self) -> None:
        """Run again, now, what a dead scheduler left running."""
        assert self.scheduler is not None
        with self.sessions() as session:
            left = [(r.id, r.site, r.scheduled_for) for r in interrupted_runs(session)]
        for run_id, site, fire in left:
            if site not in self.sites:
                continue
            log.info("%s: run %d (for %s) was interrupted: running it again", site, run_id,
                     fire)
            self.scheduler.add_job(JOB_FUNCTION, DateTrigger(self.clock.now()),
                                   id=f"rerun-{run_id}", args=[site, "rerun", fire.isoformat()],
                                   replace_existing=True, misfire_grace_time=None)


def _opened_store(engine: Engine) -> SQLAlchemyJobStore:
    """The job store, opened for reading and adding jobs without a running scheduler (a
    scheduler started even paused would process due jobs at its shutdown)."""
    store = job_store(engine)
    store.start(BackgroundScheduler(timezone=PORTAL_TIMEZONE), "default")
    return store


def queue_manual(engine: Engine, site: str, now: datetime) -> str:
    """A one-off run of a site, now, for the active scheduler to pick up (within POLL s)."""
    store = _opened_store(engine)
    job_id = f"manual-{site}-{now:%Y%m%dT%H%M%S}"
    trigger = DateTrigger(now)
    job = Job(store._scheduler, id=job_id, func=JOB_FUNCTION, trigger=trigger,
              executor="default", args=[site, "manual", naive_utc(now).isoformat()],
              kwargs={}, name=f"crawl {site} (manual)", misfire_grace_time=None,
              coalesce=True, max_instances=1, next_run_time=trigger.run_date)
    store.add_job(job)
    return job_id


def stored_jobs(engine: Engine) -> list[Job]:
    """The job store's jobs (id, name, trigger, next_run_time), read without scheduling."""
    return _opened_store(engine).get_all_jobs()


def next_fire_after(site: Site, moment: datetime, count: int = 1) -> list[datetime]:
    trigger = site_trigger(site.schedule)
    out: list[datetime] = []
    previous = None
    now = moment
    for _ in range(count):
        fire = trigger.get_next_fire_time(previous, now)
        if fire is None:
            break
        out.append(fire)
        previous, now = fire, fire + timedelta(seconds=1)
    return out
