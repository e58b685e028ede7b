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
    proxy: str | None = typer.Option(None, help="forward proxy, e.g. http://127.0.0.1:8765 "
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
    home: HomeOption = None,
) -> None:
    """Crawl county portals for annual reports; every response is archived (WARC + index)."""
    from crawler.run import run_crawl

    try:
        registry = load_registry()
    except RegistryError as exc:
        console.print(f"[red]registry error:[/red] {exc}")
        raise typer.Exit(2) from exc
    if all_sites:
        chosen = list(registry.values())
    else:
        unknown = [s for s in sites or [] if s not in registry]
        if unknown or not sites:
            console.print(f"[red]unknown or no site:[/red] {' '.join(unknown) or '(none)'}; "
                          f"known: {' '.join(registry)}")
            raise typer.Exit(2)
        chosen = [registry[s] for s in sites]
    overrides = dict(_setting(s) for s in setting or [])
    if max_pages:
        overrides["CLOSESPIDER_PAGECOUNT"] = max_pages
    overrides.setdefault("LOGSTATS_INTERVAL", 15.0)
    logging.getLogger("scrapy").setLevel(overrides.get("LOG_LEVEL", "INFO"))
    result = run_crawl(chosen, resolve_home(home), proxy=proxy, overrides=overrides,
                       last_year=last_year, fresh=fresh)
    table = Table(title="crawl summary")
    for column in ("site", "run", "state", "requests", "new payloads", "revisits",
                   "from archive", "documents new/changed/same/moved/removed", "failures"):
        table.add_column(column)
    for key, run in result.runs.items():
        if run is None:
            continue
        table.add_row(key, f"{run.id}{' (resumed)' if run.resumed else ''}", run.state,
                      str(run.requests), str(run.new_payloads), str(run.revisits),
                      str(run.from_archive),
                      f"{run.new_documents}/{run.changed_documents}/{run.unchanged_documents}/"
                      f"{run.moved_documents}/{run.removed_documents}", str(run.errors))
    Console(width=max(Console().width, 140)).print(table)
    for key, why in result.refused.items():
        console.print(f"[red]not crawled:[/red] {key}: {why}")
    if result.refused:
        raise typer.Exit(3)
