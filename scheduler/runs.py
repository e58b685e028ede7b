"""One execution of a site's job: crawl the site, index what is new, derive and send events.

The crawl and the index each run as a child process (``xxgk crawl``, ``xxgk index``): Scrapy's
reactor starts once per process, a parser that crashes takes only its child down, and
nothing of a crawl can leak into the scheduler. A child dies with the scheduler
(PR_SET_PDEATHSIG): a scheduler killed with -9 leaves no crawl behind that would refuse the
re-run as "already being crawled"; the crawl it left is resumed by that re-run (the crawl
ledger resumes a killed run, nothing archived is fetched again).

A run is a ``scheduled_runs`` row, unique per site and fire time, written before the crawl
starts: a fire time runs once, and a row still ``running`` whose process is gone is an
interrupted run that the next scheduler runs again.
"""

from __future__ import annotations

import ctypes
import logging
import os
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from archive.redact import SECRETS
from crawler.models import CrawlRun
from crawler.outcome import INCOMPLETE, outcome, trouble, unreachable
from crawler.registry import Site
from parsers.database.models import Report
from scheduler.clock import Clock
from scheduler.events import add_event, derive_report_events
from scheduler.models import (
    CRAWL_FAILED,
    CRAWL_INCOMPLETE,
    FAILED,
    INTERRUPTED,
    RUNNING,
    SITE_UNREACHABLE,
    SUCCEEDED,
    ScheduledRun,
)
from scheduler.sinks import Deliverer
from xxgk.base.home import Home
from xxgk.base.processes import process_alive

log = logging.getLogger(__name__)
PR_SET_PDEATHSIG = 1
STOP_GRACE = 60.0  # seconds a crawl gets to stop cleanly at shutdown before it is killed


def naive_utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment


def _die_with_parent() -> None:  # pragma: no cover - runs in the child before exec
    libc = ctypes.CDLL("libc.so.6", use_errno=True)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)


@dataclass
class Runtime:
    """What the job function needs and APScheduler cannot pickle: set by the service."""

    home: Home
    sessions: sessionmaker[Session]
    sites: dict[str, Site]
    clock: Clock
    deliverer: Deliverer
    crawl_args: Sequence[str] = ()
    env: dict[str, str] = field(default_factory=dict)
    stopping: threading.Event = field(default_factory=threading.Event)
    fire_times: dict[str, datetime] = field(default_factory=dict)  # job id -> fire time
    index_lock: threading.Lock = field(default_factory=threading.Lock)
    _children: set[subprocess.Popen] = field(default_factory=set)
    _children_lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def log_dir(self) -> Path:
        path = self.home.root / "logs" / "scheduler"
        path.mkdir(parents=True, exist_ok=True)
        return path

    def child(self, args: list[str], log_file: Path) -> int:
        """Run ``python -m xxgk ARGS`` to its end (or until shutdown: SIGTERM, then
        SIGKILL after STOP_GRACE); its output goes to ``log_file``. Returns the exit code."""
        command = [sys.executable, "-m", "xxgk", *args]
        env = {**os.environ, **self.env, "XXGK_HOME": str(self.home.root)}
        with log_file.open("ab") as out:
            out.write(f"$ {' '.join(command)}\n".encode())
            out.flush()
            process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, env=env,
                                       stdin=subprocess.DEVNULL, start_new_session=True,
                                       preexec_fn=_die_with_parent)
        with self._children_lock:
            self._children.add(process)
        try:
            while True:
                try:
                    return process.wait(timeout=0.5)
                except subprocess.TimeoutExpired:
                    if self.stopping.is_set():
                        return self._stop(process)
        finally:
            with self._children_lock:
                self._children.discard(process)

    @staticmethod
    def _stop(process: subprocess.Popen) -> int:
        try:
            os.killpg(process.pid, signal.SIGTERM)  # Scrapy stops gracefully on SIGTERM
            return process.wait(timeout=STOP_GRACE)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            return process.wait()
        except ProcessLookupError:
            return process.wait()

    def running_children(self) -> int:
        with self._children_lock:
            return len(self._children)


RUNTIME: Runtime | None = None  # the service sets it before the scheduler starts


def run_site(site_key: str, trigger: str = "cron", scheduled_for: str | None = None) -> None:
    """APScheduler's job function (by reference ``scheduler.runs:run_site``)."""
    runtime = RUNTIME
    if runtime is None:
        raise RuntimeError("the scheduler's runtime is not set up")
    fire = (datetime.fromisoformat(scheduled_for) if scheduled_for
            else runtime.fire_times.pop(site_key, None) or runtime.clock.now())
    execute(runtime, site_key, naive_utc(fire), trigger)


def _claim(runtime: Runtime, site: str, fire: datetime, trigger: str) -> ScheduledRun | None:
    """The run's row, new or taken over from a dead scheduler; None if it is not ours to
    run (done already, or another live process runs it)."""
    now = naive_utc(runtime.clock.now())
    me_host, me_pid = socket.gethostname(), os.getpid()
    with runtime.sessions.begin() as session:
        row = session.scalar(select(ScheduledRun).where(ScheduledRun.site == site,
                                                        ScheduledRun.scheduled_for == fire))
        if row is None:
            row = ScheduledRun(site=site, scheduled_for=fire, trigger=trigger, state=RUNNING,
                               started_at=now, host=me_host, pid=me_pid, attempts=1, events=0)
            session.add(row)
            try:
                session.flush()
            except IntegrityError:
                return None  # another scheduler claimed it a moment ago
            return row
        if row.state in (SUCCEEDED, FAILED):
            log.info("%s: the run for %s is done already (%s)", site, fire, row.state)
            return None
        # A re-run is queued by the active scheduler at its start: whoever left the row
        # "running" was the scheduler before it, gone (it lost the lock), wherever it ran.
        if row.state == RUNNING and trigger != "rerun" and \
                (row.host, row.pid) != (me_host, me_pid) and process_alive(row.host, row.pid):
            log.info("%s: the run for %s is running in %s:%s", site, fire, row.host, row.pid)
            return None
        row.state, row.host, row.pid = RUNNING, me_host, me_pid
        row.attempts += 1
        row.started_at, row.finished_at, row.error = now, None, None
        return row


def execute(runtime: Runtime, site_key: str, fire: datetime, trigger: str = "cron") -> None:
    """Crawl, index, events, deliveries for one fire time of one site."""
    site = runtime.sites.get(site_key)
    if site is None:
        log.error("no site %r in the registry: job skipped", site_key)
        return
    run = _claim(runtime, site_key, fire, trigger)
    if run is None:
        return
    run_id = run.id
    log.info("%s: run %d for %s (%s, attempt %d)", site_key, run_id, fire, trigger,
             run.attempts)
    log_file = runtime.log_dir / f"{site_key}-{run_id}.log"
    error: str | None = None
    crawl_code = index_code = None
    try:
        crawl_code = runtime.child(["crawl", site_key, *runtime.crawl_args], log_file)
        if runtime.stopping.is_set():
            _finish(runtime, run_id, INTERRUPTED, crawl_code=crawl_code,
                    error="the scheduler stopped during the crawl")
            return
        with runtime.index_lock:  # one index pass at a time parses each document once
            index_code = runtime.child(["index", "--workers", "1"], log_file)
            events = _events(runtime, site, run_id, crawl_code, log_file)
        state = SUCCEEDED if crawl_code == 0 and index_code == 0 else FAILED
        if crawl_code != 0:
            error = f"crawl exited with {crawl_code} (log: {log_file})"
            if why := _crawl_trouble(runtime, site_key):
                error = f"{why} (log: {log_file})"
        elif index_code != 0:
            error = f"index exited with {index_code} (log: {log_file})"
        _finish(runtime, run_id, state, crawl_code=crawl_code, index_code=index_code,
                events=events, error=error)
    except Exception as exc:
        log.exception("%s: run %d failed", site_key, run_id)
        _finish(runtime, run_id, FAILED, crawl_code=crawl_code, index_code=index_code,
                error=f"{type(exc).__name__}: {exc}")
    runtime.deliverer.deliver(naive_utc(runtime.clock.now()))


def _crawl_trouble(runtime: Runtime, site_key: str) -> str | None:
    """What the site's last crawl run says went wrong (unreachable, incomplete...)."""
    with runtime.sessions() as session:
        crawl = _latest_crawl(session, site_key)
        return trouble(session, crawl) if crawl is not None else None


def _latest_crawl(session: Session, site: str) -> CrawlRun | None:
    return session.scalar(select(CrawlRun).where(CrawlRun.site == site)
                          .order_by(CrawlRun.id.desc()).limit(1))


def _events(runtime: Runtime, site: Site, run_id: int, crawl_code: int | None,
            log_file: Path) -> int:
    now = naive_utc(runtime.clock.now())
    sinks = runtime.deliverer.names
    with runtime.sessions.begin() as session:
        crawl = _latest_crawl(session, site.key)
        made = 0
        down = crawl is not None and unreachable(crawl)
        short = crawl is not None and not down and outcome(crawl) == INCOMPLETE
        if short:
            made += add_event(
                session, key=f"{CRAWL_INCOMPLETE}|{site.key}|{run_id}", kind=CRAWL_INCOMPLETE,
                at=now, site=site.key, run_id=run_id, sinks=sinks, url=site.home,
                summary=f"crawl of {site.key} incomplete: {crawl.incomplete} listing(s) read "
                        "fewer records than the portal advertises",
                detail={"crawl_run_id": crawl.id, "listings": crawl.incomplete,
                        "why": trouble(session, crawl)}) is not None
        if crawl_code != 0 and not down and not short:  # those two have their own events
            made += add_event(
                session, key=f"{CRAWL_FAILED}|{site.key}|{run_id}", kind=CRAWL_FAILED, at=now,
                site=site.key, run_id=run_id, sinks=sinks,
                summary=f"crawl of {site.key} failed (exit code {crawl_code})",
                detail={"exit_code": crawl_code, "log": str(log_file)}) is not None
        if down:
            made += add_event(
                session, key=f"{SITE_UNREACHABLE}|{site.key}|{run_id}", kind=SITE_UNREACHABLE,
                at=now, site=site.key, run_id=run_id, sinks=sinks, url=site.home,
                summary=f"{site.key} unreachable: no answer from {site.home}",
                detail={"crawl_run_id": crawl.id, "requests": crawl.requests,
                        "errors": crawl.errors}) is not None
        made += len(derive_report_events(session, site=site.key, hosts=site.hosts, at=now,
                                         sinks=sinks, run_id=run_id))
        row = session.get(ScheduledRun, run_id)
        if row is not None and crawl is not None:
            row.crawl_run_id = crawl.id
    return made


def _finish(runtime: Runtime, run_id: int, state: str, *, crawl_code: int | None = None,
            index_code: int | None = None, events: int = 0, error: str | None = None) -> None:
    with runtime.sessions.begin() as session:
        row = session.get(ScheduledRun, run_id)
        if row is None:
            return
        row.state, row.error = state, SECRETS.mask(error) if error else error
        row.finished_at = naive_utc(runtime.clock.now())
        row.crawl_exit_code, row.index_exit_code = crawl_code, index_code
        row.events = (row.events or 0) + events
        row.reports_found = site_report_count(session, runtime.sites[row.site])
    log.info("%s: run %d %s%s", row.site, run_id, state, f": {error}" if error else "")


def site_report_count(session: Session, site: Site) -> int:
    """The reports whose source is on one of the site's hosts."""
    hosts = set(site.hosts)
    urls = session.scalars(select(Report.source_url)).all()
    return sum((urlsplit(u).hostname or "") in hosts for u in urls)


def interrupted_runs(session: Session) -> list[ScheduledRun]:
    """Runs left ``running`` or ``interrupted`` by an earlier scheduler. Called by the
    active scheduler as it starts, before it runs anything: only the lock holder runs jobs,
    so every such row is a previous holder's, on this machine or another, and that holder
    is gone (or stopped cleanly)."""
    return list(session.scalars(select(ScheduledRun).where(
        ScheduledRun.state.in_((RUNNING, INTERRUPTED)))).all())
