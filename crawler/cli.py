"""`xxgk crawl`: crawl registry sites into the archive; `xxgk worker` for distributed ones.

`crawl` exits 1 when a site failed (unreachable, or stopped early: ``crawler.outcome``) and
5 when a site was refused because another live process crawls it; see docs/cli.md.
"""

from __future__ import annotations

import logging
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from archive.cli_output import CliError, ExitCode, UsageError, print_wide
from archive.read.retrieval import open_engine
from archive.redact import SECRETS
from crawler.outcome import INCOMPLETE, trouble
from crawler.private_hosts import LOOKUP_DEADLINE
from crawler.registry import RegistryError, Site, load_registry, private_host_problems
from xxgk.base.db import session_factory
from xxgk.base.home import Home, HomeOption, resolve_home

console = Console(stderr=True)


def _setting(text: str) -> tuple[str, object]:
    if "=" not in text:
        raise typer.BadParameter(f"expected NAME=VALUE, got {text!r}")
    name, value = text.split("=", 1)
    for cast in (int, float):
        try:
            return name.strip(), cast(value)
        except ValueError:
            pass
    if value.lower() in ("true", "false"):
        return name.strip(), value.lower() == "true"
    return name.strip(), value


def crawl(
    ctx: typer.Context,
    sites: Annotated[list[str] | None, typer.Argument(help="site keys of the registry")] = None,
    all_sites: bool = typer.Option(False, "--all", help="crawl every site of the registry"),
    proxy: str | None = typer.Option(None, envvar="XXGK_PROXY",
                                      help="forward proxy, e.g. http://127.0.0.1:8765 "
                                                "(the portal simulator)"),
    max_pages: int | None = typer.Option(None, "--max-pages",
                                         help="stop each site after N responses"),
    setting: Annotated[list[str] | None, typer.Option(
        "-s", "--set", help="Scrapy setting NAME=VALUE (repeatable)")] = None,
    last_year: int | None = typer.Option(None, help="last report year to ask the xxgk "
                                                    "endpoint for (default: last year)"),
    fresh: bool = typer.Option(False, "--fresh", help="start new runs even where the last "
                                                      "run was killed or stopped (default: "
                                                      "resume it)"),
    distributed: bool = typer.Option(False, "--distributed", help="seed the shared frontier "
                                     "in Redis (XXGK_REDIS_URL) for `xxgk worker` processes "
                                     "and exit (see --wait)"),
    wait: bool = typer.Option(False, "--wait", help="with --distributed: wait until the "
                                                    "workers have drained the sites, then "
                                                    "print the summary"),
    home: HomeOption = None,
) -> None:
    """Crawl county portals for annual reports; every response is archived (WARC + index).

    Exits 1 when a site was unreachable (no answer below 500) or stopped before its end,
    naming the site and why; 5 when another live process is crawling a site."""
    from crawler.run import run_crawl

    overrides = dict(_setting(s) for s in setting or [])
    remember_secrets(proxy, overrides)
    chosen = _chosen_sites(ctx, sites, all_sites)
    resolved = resolve_home(home)
    if distributed:
        if max_pages:
            raise UsageError("--max-pages is a worker's: `xxgk worker --max-pages N`", ctx)
        _seed(chosen, resolved, proxy=proxy, overrides=overrides,
              last_year=last_year, fresh=fresh, wait=wait)
        return
    if max_pages:
        overrides["CLOSESPIDER_PAGECOUNT"] = max_pages
    overrides.setdefault("LOGSTATS_INTERVAL", 15.0)
    logging.getLogger("scrapy").setLevel(overrides.get("LOG_LEVEL", "INFO"))
    result = run_crawl(chosen, resolved, proxy=proxy, overrides=overrides,
                       last_year=last_year, fresh=fresh)
    if result.runs:
        _print_runs(result.runs)
    _exit_with_outcomes(resolved, chosen, result.runs, result.refused)


def remember_secrets(proxy: str | None, overrides: dict[str, Any]) -> None:
    """The proxy's login (and any URL given as a setting) is masked in every log line from
    here on: it came on the command line, not from the environment ``archive.redact``
    watches."""
    SECRETS.remember(proxy)
    for value in overrides.values():
        if isinstance(value, str) and "://" in value:
            SECRETS.remember(value)


def registry_sites() -> dict[str, Site]:
    """The site registry ($XXGK_SITES_DIR or the shipped one); unusable: a usage error."""
    try:
        return load_registry()
    except RegistryError as exc:
        raise CliError(ExitCode.USAGE, f"registry error: {exc}", "registry") from exc


def _chosen_sites(ctx: typer.Context, sites: list[str] | None, all_sites: bool) -> list[Site]:
    """The sites to crawl; none of them on a private or loopback address unless allowed
    (``crawler.private_hosts``: checked as resolved now, not only as written)."""
    registry = registry_sites()
    if all_sites:
        chosen = list(registry.values())
    else:
        known = f"the registry has: {', '.join(registry) or '(no sites)'}"
        if not sites:
            raise UsageError(f"name the sites to crawl, or give --all; {known}", ctx)
        unknown = [s for s in sites if s not in registry]
        if unknown:
            raise UsageError(f"unknown site(s): {', '.join(unknown)}; {known}", ctx)
        chosen = [registry[s] for s in sites]
    problems, unchecked = private_host_problems(chosen)
    if unchecked:
        console.print(f"[yellow]warning:[/yellow] {len(unchecked)} host(s) did not resolve within "
                      f"{LOOKUP_DEADLINE:g} s here and were not checked for private addresses "
                      f"(first: {escape(unchecked[0])})", highlight=False)
    if problems:
        raise CliError(ExitCode.USAGE, "refused: " + "; ".join(problems), "private-host")
    return chosen


def _exit_with_outcomes(home: Home, chosen: list[Site], runs: dict[str, Any],
                        refused: dict[str, str]) -> None:
    """Name every site that failed or was refused, and exit with the code that says so."""
    failed: dict[str, str] = {}
    judged = [site.key for site in chosen if site.key not in refused]
    if judged:
        with session_factory(open_engine(home))() as session:
            for key in judged:
                run = runs.get(key)
                why = trouble(session, run) if run is not None else \
                    "no run was recorded (the crawl did not start; see the log above)"
                if why:
                    failed[key] = why
    for key, why in failed.items():
        label, _, rest = why.partition(": ")
        if label == INCOMPLETE:  # reached its end, reports may be missing: its own word
            console.print(f"[red]incomplete:[/red] {key}: {escape(rest)}")
        else:
            console.print(f"[red]failed:[/red] {key}: {escape(why)}")
    for key, why in refused.items():
        console.print(f"[red]not crawled:[/red] {key}: {escape(why)}")
    if failed:
        raise typer.Exit(ExitCode.FAILED)
    if refused:
        raise typer.Exit(ExitCode.BUSY)


def _print_runs(runs: dict) -> None:  # type: ignore[type-arg]
    table = Table(title="crawl summary")
    for column in ("site", "run", "state", "requests", "new payloads", "revisits",
                   "from archive", "documents new/changed/same/moved/removed", "failures"):
        table.add_column(column)
    for key, run in runs.items():
        if run is None:
            continue
        table.add_row(key, f"{run.id}{' (resumed)' if run.resumed else ''}", run.state,
                      str(run.requests), str(run.new_payloads), str(run.revisits),
                      str(run.from_archive),
                      f"{run.new_documents}/{run.changed_documents}/{run.unchanged_documents}/"
                      f"{run.moved_documents}/{run.removed_documents}", str(run.errors))
    print_wide(table, 140)


def _seed(chosen: list, home, *, proxy: str | None, overrides: dict,  # type: ignore[no-untyped-def, type-arg]
          last_year: int | None, fresh: bool, wait: bool) -> None:
    """`xxgk crawl --distributed`: runs started, start requests in the shared frontier."""
    from redis.exceptions import RedisError

    from crawler.distributed import coordinator as distributed
    from crawler.distributed.frontier import Frontier

    if proxy:
        overrides["XXGK_PROXY"] = proxy  # for the workers (a worker's own --proxy wins)
    frontier = Frontier()
    try:
        seeding = distributed.seed(chosen, home, frontier=frontier, overrides=overrides,
                                   last_year=last_year, fresh=fresh)
        for key, run in seeding.runs.items():
            console.print(f"seeded {key}: run {run.id}{' (resumed)' if run.resumed else ''}, "
                          f"{seeding.queued[key]} start requests")
        for key, run_id in seeding.joined.items():
            console.print(f"{key}: already being crawled (run {run_id})")
        runs = distributed.wait(frontier, seeding, home, progress=console.print) \
            if wait and seeding.run_ids() else {}
    except RedisError as exc:
        raise CliError(ExitCode.USAGE, f"Redis ({frontier.url.split('@')[-1]}): {exc}",
                       "redis") from exc
    if runs:
        _print_runs(runs)
    _exit_with_outcomes(home, [site for site in chosen if site.key in runs], runs,
                        seeding.refused)


def worker(
    idle_exit: float | None = typer.Option(None, "--idle-exit", help="exit after the "
                                           "frontier has had no site for SECONDS (default: "
                                           "run until SIGTERM)"),
    max_pages: int | None = typer.Option(None, "--max-pages",
                                         help="stop after N responses (in all)"),
    proxy: str | None = typer.Option(None, envvar="XXGK_PROXY",
                                      help="forward proxy, e.g. http://127.0.0.1:8765 "
                                                "(the portal simulator)"),
    setting: Annotated[list[str] | None, typer.Option(
        "-s", "--set", help="Scrapy setting NAME=VALUE (repeatable)")] = None,
    home: HomeOption = None,
) -> None:
    """Work on the distributed crawl: take requests of every site `xxgk crawl --distributed`
    seeded (XXGK_REDIS_URL), archive them (WARC files of its own; XXGK_S3_* for shared
    storage) into the shared database (XXGK_DATABASE_URL)."""
    from redis.exceptions import RedisError

    from crawler.distributed.worker import run_worker

    overrides = dict(_setting(s) for s in setting or [])
    remember_secrets(proxy, overrides)
    overrides.setdefault("LOGSTATS_INTERVAL", 60.0)
    logging.getLogger("scrapy").setLevel(overrides.get("LOG_LEVEL", "INFO"))
    try:
        result = run_worker(resolve_home(home), proxy=proxy, overrides=overrides,
                            idle_exit=idle_exit, max_pages=max_pages)
    except RedisError as exc:
        raise CliError(ExitCode.USAGE, f"Redis: {exc}", "redis") from exc
    console.print(f"worker {result.worker}: {result.pages} responses; sites "
                  f"{', '.join(f'{k} ({v})' for k, v in sorted(result.crawls.items())) or 'none'};"
                  f" runs finished here: {', '.join(map(str, result.finished_runs)) or 'none'}"
                  f"; stopped: {result.reason}")
