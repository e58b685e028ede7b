"""`xxgk crawl`: crawl registry sites into the archive."""

from __future__ import annotations

import logging
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from archive.home import HomeOption, resolve_home
from crawler.registry import RegistryError, load_registry

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
    """Crawl county portals for annual reports; every response is archived (WARC + index)."""
    from crawler.run import run_crawl

    chosen = _chosen_sites(sites, all_sites)
    overrides = dict(_setting(s) for s in setting or [])
    if distributed:
        if max_pages:
            console.print("[red]--max-pages is a worker's:[/red] `xxgk worker --max-pages N`")
            raise typer.Exit(2)
        _seed(chosen, resolve_home(home), proxy=proxy, overrides=overrides,
              last_year=last_year, fresh=fresh, wait=wait)
        return
    if max_pages:
        overrides["CLOSESPIDER_PAGECOUNT"] = max_pages
    overrides.setdefault("LOGSTATS_INTERVAL", 15.0)
    logging.getLogger("scrapy").setLevel(overrides.get("LOG_LEVEL", "INFO"))
    result = run_crawl(chosen, resolve_home(home), proxy=proxy, overrides=overrides,
                       last_year=last_year, fresh=fresh)
    _print_runs(result.runs)
    for key, why in result.refused.items():
        console.print(f"[red]not crawled:[/red] {key}: {why}")
    if result.refused:
        raise typer.Exit(3)


def _chosen_sites(sites: list[str] | None, all_sites: bool) -> list:  # type: ignore[type-arg]
    try:
        registry = load_registry()
    except RegistryError as exc:
        console.print(f"[red]registry error:[/red] {exc}")
        raise typer.Exit(2) from exc
    if all_sites:
        return list(registry.values())
    unknown = [s for s in sites or [] if s not in registry]
    if unknown or not sites:
        console.print(f"[red]unknown or no site:[/red] {' '.join(unknown) or '(none)'}; "
                      f"known: {' '.join(registry)}")
        raise typer.Exit(2)
    return [registry[s] for s in sites]


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
    Console(width=max(Console().width, 140)).print(table)


def _seed(chosen: list, home, *, proxy: str | None, overrides: dict,  # type: ignore[no-untyped-def, type-arg]
          last_year: int | None, fresh: bool, wait: bool) -> None:
    """`xxgk crawl --distributed`: runs started, start requests in the shared frontier."""
    from redis.exceptions import RedisError

    from crawler import distributed
    from crawler.distributed_frontier import Frontier

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
        for key, why in seeding.refused.items():
            console.print(f"[red]not crawled:[/red] {key}: {why}")
        if wait and seeding.run_ids():
            _print_runs(distributed.wait(frontier, seeding, home, progress=console.print))
    except RedisError as exc:
        console.print(f"[red]Redis ({frontier.url.split('@')[-1]}):[/red] {exc}")
        raise typer.Exit(2) from exc
    if seeding.refused:
        raise typer.Exit(3)


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

    from crawler.distributed_worker import run_worker

    overrides = dict(_setting(s) for s in setting or [])
    overrides.setdefault("LOGSTATS_INTERVAL", 60.0)
    logging.getLogger("scrapy").setLevel(overrides.get("LOG_LEVEL", "INFO"))
    try:
        result = run_worker(resolve_home(home), proxy=proxy, overrides=overrides,
                            idle_exit=idle_exit, max_pages=max_pages)
    except RedisError as exc:
        console.print(f"[red]Redis:[/red] {exc}")
        raise typer.Exit(2) from exc
    console.print(f"worker {result.worker}: {result.pages} responses; sites "
                  f"{', '.join(f'{k} ({v})' for k, v in sorted(result.crawls.items())) or 'none'};"
                  f" runs finished here: {', '.join(map(str, result.finished_runs)) or 'none'}"
                  f"; stopped: {result.reason}")
