"""`xxgk scheduler run|list|trigger`, `xxgk events`, `xxgk status`."""

from __future__ import annotations

import json
import logging
import signal
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table
from sqlalchemy import select

from archive.db import create_schema, make_engine, session_factory
from archive.home import HomeOption, resolve_home
from crawler.registry import RegistryError, load_registry
from scheduler.clock import Clock, SimulatedClock
from scheduler.config import ConfigError, load_config, sinks_from_env
from scheduler.models import EVENT_KINDS, Event, EventDelivery, ScheduledRun
from scheduler.service import SchedulerService, queue_manual, stored_jobs
from scheduler.status import health

app = typer.Typer(help="Run the crawls on their schedules (one active scheduler per "
                       "database; others stand by).", no_args_is_help=True,
                  rich_markup_mode=None)
console = Console()
ConfigOption = Annotated[Path | None, typer.Option(
    "--config", envvar="XXGK_CONFIG", help="Settings file (TOML); see docs/operations.md. "
    "Environment variables win over it.", show_default=False)]


def _setup(config: Path | None) -> dict:
    try:
        load_config(config)
        return load_registry()
    except (ConfigError, RegistryError) as exc:
        console.print(f"[red]configuration error:[/red] {exc}")
        raise typer.Exit(2) from exc


def _engine(home_option: Path | None, *, create: bool = False):  # type: ignore[no-untyped-def]
    """The home's database, migrated; a home that does not exist is an error unless the
    command writes (``create``)."""
    home = resolve_home(home_option)
    if create:
        home.ensure()
    elif home.database_url.startswith("sqlite") and not home.database_path.exists():
        console.print(f"[red]no xxgk data at {home.root}[/red] (--home / $XXGK_HOME)")
        raise typer.Exit(2)
    engine = make_engine(home.database_url)
    create_schema(engine)
    return home, engine


@app.command("run")
def run(
    home: HomeOption = None,
    config: ConfigOption = None,
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
) -> None:
    """Run the scheduler in the foreground until SIGTERM/SIGINT.

    Each site of the registry gets a job (its `schedule` cron, denser in January-March):
    crawl the site, index what is new, raise events (new/revised/removed reports, failing
    checks, unreachable site, failed crawl) and deliver them to the log, webhooks
    ($XXGK_WEBHOOKS) and email ($XXGK_SMTP_*). Jobs live in the database: a restart keeps
    them, a missed fire time runs once, a run cut short by a crash is run again. While
    another scheduler is active this one stands by and takes over when it stops."""
    sites = _setup(config)
    try:
        sinks = sinks_from_env()
    except ConfigError as exc:
        console.print(f"[red]configuration error:[/red] {exc}")
        raise typer.Exit(2) from exc
    logging.basicConfig(level=logging.INFO, stream=sys.stderr,
                        format="%(asctime)s [%(name)s] %(levelname)s: %(message)s")
    crawl_args = [*(["--proxy", proxy] if proxy else []),
                  *[a for s in setting or [] for a in ("-s", s)]]
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
        raise typer.Exit(1)  # a supervisor restarts it, as a standby


@app.command("list")
def list_jobs(home: HomeOption = None, config: ConfigOption = None,
              as_json: bool = typer.Option(False, "--json")) -> None:
    """The scheduled jobs: next fire time, trigger, and each site's last run."""
    _setup(config)
    _, engine = _engine(home)
    sessions = session_factory(engine)
    jobs = stored_jobs(engine)
    rows = []
    with sessions() as session:
        for job in jobs:
            site = job.args[0] if job.args else job.id
            last = session.scalar(select(ScheduledRun).where(ScheduledRun.site == site)
                                  .order_by(ScheduledRun.started_at.desc()).limit(1))
            rows.append({"job": job.id, "site": site,
                         "next_run": job.next_run_time.isoformat() if job.next_run_time else None,
                         "trigger": str(job.trigger),
                         "last_run": last.started_at.isoformat() + "Z" if last else None,
                         "last_result": last.state if last else None})
    if as_json:
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    if not rows:
        console.print("no jobs yet: `xxgk scheduler run` creates one per site")
        return
    table = Table(title="scheduled jobs")
    for column in ("job", "next run", "trigger", "last run", "result"):
        table.add_column(column)
    for row in rows:
        table.add_row(row["job"], row["next_run"] or "-", row["trigger"], row["last_run"] or "-",
                      row["last_result"] or "-")
    console.print(table)


@app.command("trigger")
def trigger(site: str = typer.Argument(help="site key of the registry"),
            home: HomeOption = None, config: ConfigOption = None) -> None:
    """Run a site's job now (the active scheduler picks it up within seconds)."""
    sites = _setup(config)
    if site not in sites:
        console.print(f"[red]unknown site[/red] {site}; known: {' '.join(sites)}")
        raise typer.Exit(2)
    _, engine = _engine(home, create=True)
    job_id = queue_manual(engine, site, datetime.now(timezone.utc))
    console.print(f"queued {job_id}; see `xxgk status` (is a scheduler running?)")


def events(
    home: HomeOption = None,
    since: str | None = typer.Option(None, help="Only events at or after this time: "
                                                "ISO date/time (UTC) or a duration such as "
                                                "24h, 7d."),
    kind: list[str] | None = typer.Option(None, "--kind", help=f"One of {', '.join(EVENT_KINDS)}"
                                                               " (repeatable)."),
    site: str | None = typer.Option(None, "--site"),
    as_json: bool = typer.Option(False, "--json", help="One JSON object per line."),
    limit: int = typer.Option(200, help="At most this many, newest last."),
) -> None:
    """Events raised by the scheduled runs, with where each was delivered."""
    _, engine = _engine(home)
    query = select(Event).order_by(Event.id.desc()).limit(limit)
    if since:
        query = query.where(Event.at >= _since(since))
    if kind:
        query = query.where(Event.kind.in_(kind))
    if site:
        query = query.where(Event.site == site)
    with session_factory(engine)() as session:
        rows = list(reversed(session.scalars(query).all()))
        deliveries = {}
        for delivery in session.scalars(select(EventDelivery).where(
                EventDelivery.event_id.in_([e.id for e in rows]))):
            deliveries.setdefault(delivery.event_id, []).append(
                {"sink": delivery.sink, "state": delivery.state, "attempts": delivery.attempts,
                 "error": delivery.last_error})
    for event in rows:
        if as_json:
            typer.echo(json.dumps({"id": event.id, "at": event.at.isoformat() + "Z",
                                   "kind": event.kind, "site": event.site,
                                   "organisation": event.organisation, "year": event.year,
                                   "url": event.url, "summary": event.summary,
                                   "detail": json.loads(event.detail),
                                   "deliveries": deliveries.get(event.id, [])},
                                  ensure_ascii=False))
        else:
            states = " ".join(f"{d['sink'].split(':')[0]}={d['state']}"
                              for d in deliveries.get(event.id, []))
            typer.echo(f"{event.at:%Y-%m-%d %H:%M:%S}  {event.kind:<16} {event.summary}"
                       f"  [{states}]")
    if not rows and not as_json:
        typer.echo("no events")


def _since(value: str) -> datetime:
    units = {"m": 60, "h": 3600, "d": 86400}
    if value[-1:] in units and value[:-1].isdigit():
        return (datetime.now(timezone.utc).replace(tzinfo=None)
                - timedelta(seconds=int(value[:-1]) * units[value[-1]]))
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as exc:
        raise typer.BadParameter(f"{value!r}: use an ISO date/time or 30m, 24h, 7d") from exc
    return moment.astimezone(timezone.utc).replace(tzinfo=None) if moment.tzinfo else moment


def status(
    home: HomeOption = None,
    config: ConfigOption = None,
    as_json: bool = typer.Option(False, "--json"),
    fail_after: int = typer.Option(3, "--fail-after", help="A site with this many failed "
                                                           "runs in a row is a problem."),
) -> None:
    """Per site: last run, result, reports found, next run; archive and database size.

    Exit code 1 when there is a problem (no active scheduler, or a site failed --fail-after
    times in a row), 0 otherwise: usable as a monitoring check."""
    sites = _setup(config)
    resolved, engine = _engine(home)
    next_runs = {job.id: job.next_run_time for job in stored_jobs(engine)}
    with session_factory(engine)() as session:
        report = health(session, engine, resolved, sites, next_runs, fail_after=fail_after)
    if as_json:
        typer.echo(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
    else:
        state = (f"[green]running[/green] ({report.scheduler_holder}, heartbeat "
                 f"{report.scheduler_heartbeat})" if report.scheduler_running
                 else "[red]not running[/red]")
        console.print(f"scheduler: {state}")
        console.print(f"archive: {report.archive_bytes / 1e6:,.1f} MB   database: "
                      + (f"{report.database_bytes / 1e6:,.1f} MB"
                         if report.database_bytes is not None else "?"))
        table = Table()
        for column in ("site", "last run", "result", "failed in a row", "reports", "next run"):
            table.add_column(column)
        for item in report.sites:
            table.add_row(item.site, item.last_run_at or "-", item.last_result or "-",
                          str(item.failures_in_a_row), str(item.reports_found),
                          item.next_run_at or "-")
        console.print(table)
        for problem in report.problems:
            console.print(f"[red]problem:[/red] {problem}")
    if report.problems:
        raise typer.Exit(1)
