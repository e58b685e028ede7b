"""`xxgk scheduler run|list|trigger`, `xxgk events`, `xxgk status`.

Errors are raised as ``CliError`` (or NoArchive) and reported by the root command group,
as JSON too under --json (``xxgk.cli_contract``); times print as ``timespec.iso``.
"""

from __future__ import annotations

import logging
import signal
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Annotated

import typer
from apscheduler.triggers.date import DateTrigger
from rich.console import Console
from rich.table import Table
from sqlalchemy import Engine, select

from archive.cli_output import (
    CliError,
    ExitCode,
    UsageError,
    choices,
    emit,
    emit_line,
    log_formatter,
    print_wide,
    time_text,
)
from archive.read.retrieval import open_engine
from archive.redact import SECRETS, mask_url
from archive.timespec import iso
from crawler.cli import registry_sites
from scheduler.clock import Clock, SimulatedClock
from scheduler.config import ConfigError, sinks_from_env
from scheduler.models import EVENT_KINDS, Event, EventDelivery, ScheduledRun
from scheduler.service import SchedulerService, queue_manual, stored_jobs
from scheduler.sinks import event_document
from scheduler.status import health
from xxgk.base.db import create_schema, make_engine, session_factory
from xxgk.base.home import Home, HomeOption, resolve_home

app = typer.Typer(help="Run the crawls on their schedules (one active scheduler per "
                       "database; others stand by).", no_args_is_help=True,
                  rich_markup_mode=None)
console = Console()
EventKind = choices("EventKind", EVENT_KINDS)


def home_engine(home_option: Path | None, *, create: bool = False) -> tuple[Home, Engine]:
    """The home's database, migrated; a home without one is not found (NoArchive) unless
    the command writes (``create``)."""
    home = resolve_home(home_option)
    if create:
        home.ensure()
        engine = make_engine(home.database_url)
    else:
        engine = open_engine(home)
    create_schema(engine)
    return home, engine


@app.command("run")
def run(
    home: HomeOption = None,
    max_parallel: int = typer.Option(2, "--max-parallel", help="Sites crawled at the same "
                                                               "time."),
    proxy: str | None = typer.Option(None, help="Forward proxy for the crawls."),
    setting: Annotated[list[str] | None, typer.Option(
        "-s", "--set", help="Scrapy/xxgk setting NAME=VALUE for every crawl (repeatable).")
    ] = None,
    simulate_from: datetime | None = typer.Option(
        None, "--simulate-from", help="Run on a simulated clock from this UTC time: time "
        "skips ahead to each next fire time while nothing runs (demos and tests).",
        hidden=True),
    simulate_until: datetime | None = typer.Option(None, "--simulate-until", hidden=True),
    distributed: bool = typer.Option(
        False, "--distributed/--local", envvar="XXGK_DISTRIBUTED",
        help="Hand each crawl to the distributed workers (`xxgk worker`, through Redis: "
             "XXGK_REDIS_URL) and wait for it to drain, instead of crawling in a child "
             "process here. Also `distributed = true` in the settings file."),
) -> None:
    """Run the scheduler in the foreground until SIGTERM/SIGINT.

    Each site of the registry gets a job (its `schedule` cron, denser in January-March):
    crawl the site, index what is new, raise events (new/revised/removed reports, failing
    checks, unreachable site, failed crawl) and deliver them to the log, webhooks
    ($XXGK_WEBHOOKS) and email ($XXGK_SMTP_*). Jobs live in the database: a restart keeps
    them, a missed fire time runs once, a run cut short by a crash is run again. While
    another scheduler is active this one stands by and takes over when it stops (exit 1
    when it lost the lock: a supervisor restarts it, as a standby)."""
    sites = registry_sites()
    try:
        sinks = sinks_from_env()
    except ConfigError as exc:
        raise CliError(ExitCode.USAGE, f"configuration error: {exc}", "config") from exc
    SECRETS.remember(proxy)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(log_formatter())
    handler.addFilter(SECRETS)
    logging.basicConfig(level=logging.INFO, handlers=[handler])
    crawl_args = [*(["--proxy", proxy] if proxy else []),
                  *[a for s in setting or [] for a in ("-s", s)],
                  # The workers crawl; the run waits for its site to drain, so that index
                  # and events follow the crawl as they do for a local one.
                  *(["--distributed", "--wait"] if distributed else [])]
    clock: Clock = Clock()
    if simulate_from is not None:
        clock = SimulatedClock(simulate_from, simulate_until)
    service = SchedulerService(resolve_home(home), sites, sinks, clock=clock,
                               crawl_args=crawl_args, max_parallel=max_parallel)

    def _stop(signum: int, _frame: object) -> None:
        logging.getLogger(__name__).info("signal %s: stopping", signal.Signals(signum).name)
        service.stop.set()

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    service.run()
    if service.lost_lock:
        raise typer.Exit(ExitCode.FAILED)  # a supervisor restarts it, as a standby


@app.command("list")
def list_jobs(home: HomeOption = None,
              as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """The scheduled jobs: next fire time, trigger, and each site's last scheduled run."""
    registry_sites()
    _, engine = home_engine(home)
    rows = []
    with session_factory(engine)() as session:
        for job in stored_jobs(engine):
            site = job.args[0] if job.args else job.id
            last = session.scalar(select(ScheduledRun).where(ScheduledRun.site == site)
                                  .order_by(ScheduledRun.started_at.desc()).limit(1))
            rows.append({"job": job.id, "site": site, "next_run": job.next_run_time,
                         "trigger": _trigger_text(job.trigger),
                         "last_run": last.started_at if last else None,
                         "last_result": last.state if last else None})
    if as_json:
        emit(rows)
        return
    if not rows:
        console.print("no jobs yet: `xxgk scheduler run` creates one per site")
        return
    table = Table(title="scheduled jobs")
    for column in ("job", "next run", "trigger", "last run", "result"):
        table.add_column(column)
    for row in rows:
        table.add_row(row["job"], time_text(row["next_run"]), row["trigger"],
                      time_text(row["last_run"]), row["last_result"] or "-")
    print_wide(table, 160)


def _trigger_text(trigger: object) -> str:
    """APScheduler's description of a trigger, with a one-off run's time as we print times."""
    if isinstance(trigger, DateTrigger):
        return f"date[{iso(trigger.run_date)}]"
    return str(trigger)


@app.command("trigger")
def trigger(ctx: typer.Context, site: str = typer.Argument(help="site key of the registry"),
            home: HomeOption = None) -> None:
    """Run a site's job now (the active scheduler picks it up within seconds)."""
    sites = registry_sites()
    if site not in sites:
        raise UsageError(f"unknown site {site}; the registry has: {', '.join(sites)}", ctx)
    _, engine = home_engine(home, create=True)
    job_id = queue_manual(engine, site, datetime.now(UTC))
    console.print(f"queued {job_id}; see `xxgk status` (is a scheduler running?)")


def events(
    home: HomeOption = None,
    since: str | None = typer.Option(None, help="Only events at or after this time: "
                                                "ISO date/time (UTC) or a duration such as "
                                                "24h, 7d."),
    kind: Annotated[list[EventKind] | None, typer.Option(
        "--kind", help="Only events of this kind (repeatable).")] = None,
    site: str | None = typer.Option(None, "--site"),
    as_json: bool = typer.Option(False, "--json", help="One JSON object per line."),
    limit: int = typer.Option(200, help="At most this many, newest last."),
) -> None:
    """Events raised by the scheduled runs, with where each was delivered."""
    _, engine = home_engine(home)
    query = select(Event).order_by(Event.id.desc()).limit(limit)
    if since:
        query = query.where(Event.at >= _since(since))
    if kind:
        query = query.where(Event.kind.in_([str(k) for k in kind]))
    if site:
        query = query.where(Event.site == site)
    with session_factory(engine)() as session:
        rows = list(reversed(session.scalars(query).all()))
        deliveries: dict[int, list[dict]] = {}
        for delivery in session.scalars(select(EventDelivery).where(
                EventDelivery.event_id.in_([e.id for e in rows]))):
            deliveries.setdefault(delivery.event_id, []).append(
                {"sink": _shown_sink(delivery.sink), "state": delivery.state,
                 "attempts": delivery.attempts,
                 "error": SECRETS.mask(delivery.last_error) if delivery.last_error else None})
    for event in rows:
        if as_json:
            emit_line({**event_document(event), "deliveries": deliveries.get(event.id, [])})
        else:
            states = " ".join(f"{d['sink'].split(':')[0]}={d['state']}"
                              for d in deliveries.get(event.id, []))
            typer.echo(f"{time_text(event.at)}  {event.kind:<16} {event.summary}  [{states}]")
    if not rows and not as_json:
        typer.echo("no events")


def _shown_sink(name: str) -> str:
    """A sink's name as shown: a webhook's URL masked, rows of older versions included."""
    kind, _, where = name.partition(":")
    return f"{kind}:{mask_url(where)}" if kind == "webhook" else name


def _since(value: str) -> datetime:
    units = {"m": 60, "h": 3600, "d": 86400}
    if value[-1:] in units and value[:-1].isdigit():
        return (datetime.now(UTC).replace(tzinfo=None)
                - timedelta(seconds=int(value[:-1]) * units[value[-1]]))
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as exc:
        raise typer.BadParameter(f"{value!r}: use an ISO date/time or 30m, 24h, 7d",
                                 param_hint="--since") from exc
    return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment


def status(
    home: HomeOption = None,
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
    fail_after: int = typer.Option(3, "--fail-after", help="A site with this many failed "
                                                           "runs in a row is a problem."),
) -> None:
    """Per site: last run (scheduled or by hand), result, last success, reports found, next
    run; archive and database size.

    Exit code 1 when there is a problem (no active scheduler, or a site failed --fail-after
    times in a row), 0 otherwise: usable as a monitoring check."""
    sites = registry_sites()
    resolved, engine = home_engine(home)
    next_runs = {job.id: job.next_run_time for job in stored_jobs(engine)}
    with session_factory(engine)() as session:
        report = health(session, engine, resolved, sites, next_runs, fail_after=fail_after)
    if as_json:
        emit(report.as_dict())  # known secrets masked by emit; errors by health()
    else:
        state = (f"[green]running[/green] ({report.scheduler_holder}, heartbeat "
                 f"{report.scheduler_heartbeat})" if report.scheduler_running
                 else "[red]not running[/red]")
        console.print(f"scheduler: {state}")
        console.print(f"archive: {report.archive_bytes / 1e6:,.1f} MB   database: "
                      + (f"{report.database_bytes / 1e6:,.1f} MB"
                         if report.database_bytes is not None else "?"))
        table = Table()
        for column in ("site", "last run", "by", "result", "last success", "failed in a row",
                       "reports", "next run"):
            table.add_column(column)
        for item in report.sites:
            table.add_row(item.site, item.last_run_at or "-", item.last_trigger or "-",
                          item.last_result or "-", item.last_success_at or "-",
                          str(item.failures_in_a_row), str(item.reports_found),
                          item.next_run_at or "-")
        print_wide(table, 170)
        for problem in report.problems:
            console.print(f"[red]problem:[/red] {SECRETS.mask(problem)}")
    if report.problems:
        raise typer.Exit(ExitCode.FAILED)
