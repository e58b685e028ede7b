"""`xxgk runs`, `xxgk runs release RUN`, `xxgk failures RUN`: the crawl ledger for operators.

Every crawl is a run in ``crawl_runs`` whoever started it (the scheduler, a person, a
distributed seeding); its failed requests are ``crawl_failures`` rows. ``release`` replaces
the SQL that operators once ran to free a run whose process died on another machine: the
ledger cannot judge another machine's processes, so a person vouches for it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from archive.cli_output import CliError, ExitCode, choices, emit, print_wide, time_text
from crawler.ledger import FAILURE_KINDS, Ledger, SiteBusy
from crawler.models import FINISHED, INTERRUPTED, RUNNING, CrawlFailure, CrawlRun
from scheduler.commands import home_engine
from scheduler.crawl_runs import list_runs, views
from scheduler.models import INTERRUPTED as SCHEDULED_INTERRUPTED
from scheduler.models import RUNNING as SCHEDULED_RUNNING
from scheduler.models import ScheduledRun
from xxgk.base.db import session_factory
from xxgk.base.home import HomeOption

RunState = choices("RunState", (RUNNING, FINISHED, INTERRUPTED))
FailureKind = choices("FailureKind", FAILURE_KINDS)
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON.")]
RunArgument = Annotated[int, typer.Argument(help="The crawl run's id (from `xxgk runs`).")]

app = typer.Typer(invoke_without_command=True, no_args_is_help=False, rich_markup_mode=None)
out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)


@app.callback()
def runs(
    ctx: typer.Context,
    site: Annotated[str | None, typer.Option("--site", help="Only this site's runs.")] = None,
    state: Annotated[RunState | None, typer.Option("--state", help="Only runs in this "
                                                   "state.")] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, help="At most this many, newest "
                                                              "first.")] = 50,
    home: HomeOption = None,
    as_json: JsonOption = False,
) -> None:
    """List crawl runs, newest first: id, site, state and outcome, who started it
    (scheduler, manual, distributed), start and end, pages archived, failed requests.

    `xxgk runs release RUN` frees a run left running by a process that died elsewhere."""
    if ctx.invoked_subcommand is not None:
        return
    _, engine = home_engine(home)
    with session_factory(engine)() as session:
        found = list_runs(session, site=site, state=str(state) if state else None,
                          limit=limit)
    if as_json:
        emit([view.as_json() for view in found])
        return
    table = Table(title=f"{len(found)} crawl run(s)")
    for column in ("run", "site", "state", "outcome", "by", "started", "ended", "pages",
                   "failures"):
        table.add_column(column)
    for view in found:
        r = view.run
        table.add_row(str(r.id), r.site, r.state, view.outcome, view.trigger,
                      time_text(r.started_at), time_text(r.finished_at), str(view.pages),
                      str(view.failures))
    print_wide(table, 150)


def _crawl_run(session: Session, run_id: int) -> CrawlRun:
    run = session.get(CrawlRun, run_id)
    if run is None:
        raise CliError(ExitCode.NOT_FOUND, f"no crawl run {run_id} (see `xxgk runs`)", "no-run")
    return run


@app.command()
def release(
    run_id: RunArgument,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")]
    = False,
    home: HomeOption = None,
    as_json: JsonOption = False,
) -> None:
    """Free a run left "running" by a crawl process that is gone (e.g. on a machine that
    died), so that the next crawl of its site resumes it instead of being refused (exit 5,
    "being crawled by run N"). The run becomes interrupted; the site's scheduled runs left
    running on that machine too.

    Refused (exit 5) while the run's process is alive on this machine; a process on another
    machine cannot be checked from here: be sure it is gone. A run not running is left as
    it is (exit 0). Unknown run: exit 3; answering no: exit 1."""
    _, engine = home_engine(home)
    sessions = session_factory(engine)
    with sessions() as session:
        run = _crawl_run(session, run_id)
        site, host, pid, started = run.site, run.host, run.pid, run.started_at
        if run.state == RUNNING and not yes:
            prompt = (f"Release run {run_id} of {site} (running since {time_text(started)}, "
                      f"pid {pid} on {host})? Only if that process is gone: the next crawl "
                      f"of {site} resumes the run.")
            if not typer.confirm(prompt, err=True):
                err.print("not released")
                raise typer.Exit(ExitCode.FAILED)
    try:
        result = Ledger(sessions).release_run(run_id)
    except SiteBusy as exc:
        raise CliError(ExitCode.BUSY, f"{exc}: stop it, or let it finish", "busy") from exc
    assert result is not None  # it was there a moment ago; runs are never deleted
    released, done = result
    scheduled = _release_scheduled(sessions, site, host, started) if done else []
    with sessions() as session:
        (view,) = views(session, [released])
        data = {"released": done, "run": view.as_json(), "scheduled_runs": scheduled}
    if as_json:
        emit(data)
        return
    if done:
        out.print(f"released run {run_id} of {site}: the next crawl of {site} resumes it"
                  + (f"; scheduled run(s) {', '.join(map(str, scheduled))} marked interrupted"
                     if scheduled else ""))
    else:
        out.print(f"run {run_id} of {site} is {released.state}, not running: nothing to "
                  "release")


def _release_scheduled(sessions: sessionmaker[Session], site: str, host: str,
                       since: datetime) -> list[int]:
    """The site's scheduled runs left running on the run's machine, from before it: their
    scheduler went with the crawl. Marked interrupted, as a scheduler does when it stops."""
    with sessions.begin() as session:
        ids = list(session.scalars(select(ScheduledRun.id).where(
            ScheduledRun.site == site, ScheduledRun.host == host,
            ScheduledRun.state == SCHEDULED_RUNNING, ScheduledRun.started_at <= since)))
        if ids:
            session.execute(update(ScheduledRun).where(ScheduledRun.id.in_(ids))
                            .values(state=SCHEDULED_INTERRUPTED))
    return ids


def failures(
    run_id: RunArgument,
    kind: Annotated[list[FailureKind] | None, typer.Option(
        "--kind", help="Only failures of this kind (repeatable).")] = None,
    home: HomeOption = None,
    as_json: JsonOption = False,
) -> None:
    """A crawl run's failed requests, grouped by kind: http (a final 4xx/5xx), network,
    timeout, too_large, robots, offsite, trap, challenge, parse, archive (an answer not
    archived, an archived copy unreadable), retries (a request tried too often); each with its
    URL, HTTP status and reason."""
    _, engine = home_engine(home)
    with session_factory(engine)() as session:
        run = _crawl_run(session, run_id)
        query = select(CrawlFailure).where(CrawlFailure.crawl_run_id == run_id)
        if kind:
            query = query.where(CrawlFailure.kind.in_([str(k) for k in kind]))
        rows = session.scalars(query.order_by(CrawlFailure.kind, CrawlFailure.id)).all()
        (view,) = views(session, [run])
        grouped: dict[str, list[dict]] = {}
        for row in rows:
            grouped.setdefault(row.kind, []).append(
                {"at": row.at, "url": row.url, "method": row.method, "status": row.status,
                 "reason": row.reason, "capture_id": row.capture_id})
    if as_json:
        emit({"run": view.as_json(), "counts": {k: len(v) for k, v in grouped.items()},
              "failures": grouped})
        return
    out.print(f"run {run_id} of {view.run.site} ({view.run.state}, {view.outcome}): "
              f"{len(rows)} failure(s)")
    for name, items in grouped.items():
        out.print(f"[bold]{name}[/bold] ({len(items)})")
        for item in items:
            status = f" {item['status']}" if item["status"] is not None else ""
            out.print(f"  {time_text(item['at'])}{status} {escape(item['url'])}: "
                      f"{escape(item['reason'])}")
