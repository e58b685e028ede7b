"""The `xxgk` command line.

It lives in the top layer because it drives every other one: subcommands come from the
crawler, archive, parser and scheduler packages as their issues add them.
"""

from __future__ import annotations

import platform
from importlib import metadata
from pathlib import Path

import typer
from rich.console import Console

from archive.cli_output import EXIT_CODES_HELP, emit
from archive.redact import mask_database_url
from xxgk.base.home import HomeOption, resolve_home
from xxgk.cli_contract import RootConfigOption, XxgkGroup, remember_root_config

# The commands other packages define, imported only when one is run (``XxgkGroup.lazy``):
# in the order `xxgk --help` lists them, after the ones below.
COMMANDS = {
    "crawl": "crawler.cli:crawl",
    "worker": "crawler.cli:worker",
    "archive": "archive.cli:app",
    "serve": "archive.replay.server:serve",
    "parse": "parsers.cli:parse",
    "reports": "parsers.cli:reports",
    "report": "parsers.cli:report",
    "export": "parsers.cli:export",
    "datasette": "parsers.cli:datasette",
    "scheduler": "scheduler.commands:app",
    "events": "scheduler.commands:events",
    "status": "scheduler.commands:status",
    "runs": "scheduler.runs_cli:app",
    "sites": "crawler.sites_cli:app",
    "failures": "scheduler.runs_cli:failures",
}


class _Root(XxgkGroup):
    lazy = COMMANDS


app = typer.Typer(
    name="xxgk",
    help=(
        "Crawl, archive and index Chinese government information-disclosure annual reports "
        "(政府信息公开工作年度报告).\n\nData lives under --home / $XXGK_HOME (default ./xxgk-data): "
        "a SQLite database and a WARC archive folder."
    ),
    no_args_is_help=True,
    rich_markup_mode=None,
    cls=_Root,
    epilog=EXIT_CODES_HELP,
)
console = Console()


@app.callback()
def _root(ctx: typer.Context, home: HomeOption = None,
          config: RootConfigOption = None) -> None:
    """Options for every command: the home is resolved by each command (``xxgk.base.home``),
    the settings file applied as each command is parsed (``xxgk.cli_contract``)."""
    remember_root_config(ctx, config)


@app.command()
def info(
    home: HomeOption = None,
    as_json: bool = typer.Option(False, "--json", help="Print machine-readable JSON."),
) -> None:
    """Show where this installation keeps its data and which versions it runs."""
    resolved = resolve_home(home)
    facts = {
        "home": str(resolved.root),
        "home_exists": resolved.root.exists(),
        "database_url": mask_database_url(resolved.database_url),
        "archive_dir": str(resolved.archive_dir),
        "xxgk_version": metadata.version("xxgk-archive"),
        "python": platform.python_version(),
    }
    if as_json:
        emit(facts)
        return
    for key, value in facts.items():
        console.print(f"[bold]{key:>14}[/bold]  {value}")


@app.command()
def index(
    home: HomeOption = None,
    as_json: bool = typer.Option(False, "--json", help="Print the run's figures as JSON."),
    workers: int = typer.Option(0, "--workers", help="Parser processes (default: one per "
                                                     "CPU core)."),
) -> None:
    """Parse every archived document not parsed yet and write its reports to the database.

    Idempotent and safe while a crawl runs: each distinct payload is parsed once; documents
    that cannot be read get a recorded failure with the reason and the run goes on."""
    _run_index(home, False, as_json, workers)


@app.command()
def reindex(
    all_: bool = typer.Option(False, "--all", help="Re-parse every archived document (after "
                                                   "a parser upgrade), not only new ones."),
    home: HomeOption = None,
    as_json: bool = typer.Option(False, "--json", help="Print the run's figures as JSON."),
    workers: int = typer.Option(0, "--workers", help="Parser processes (default: one per "
                                                     "CPU core)."),
) -> None:
    """Re-parse documents from the archive and rebuild their reports (the parser version is
    recorded with each). Without --all, the same as `xxgk index`."""
    _run_index(home, all_, as_json, workers)


def _run_index(home: Path | None, all_: bool, as_json: bool, workers: int) -> None:
    """The parsers and the site registry are imported here, not for every command."""
    from crawler.cli import registry_sites
    from crawler.registry import region_resolver
    from parsers import cli as parsers_cli

    parsers_cli.run_index(home, all_, region_resolver(registry_sites()), as_json, workers)


def main() -> None:
    """Console-script entry point."""
    app()


if __name__ == "__main__":
    main()
