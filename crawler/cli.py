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
                       last_year=last_year)
    table = Table(title="crawl summary")
    for column in ("site", "requests", "200", "other status", "new payloads", "revisits",
                   "report pages", "files", "errors"):
        table.add_column(column)
    for key, stats in result.stats.items():
        statuses = {k.rsplit("/", 1)[1]: v for k, v in stats.items()
                    if k.startswith("downloader/response_status_count/")}
        table.add_row(key, str(stats.get("downloader/request_count", 0)),
                      str(statuses.get("200", 0)),
                      str(sum(v for k, v in statuses.items() if k != "200")),
                      str(stats.get("xxgk/archived/response", 0)),
                      str(stats.get("xxgk/archived/revisit", 0)),
                      str(stats.get("xxgk/items/report_page", 0)),
                      str(stats.get("xxgk/items/file", 0)),
                      str(stats.get("log_count/ERROR", 0)))
    Console(width=max(Console().width, 120)).print(table)
