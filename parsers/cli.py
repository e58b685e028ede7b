"""`xxgk parse | index | reindex | reports | report | export | datasette`: the parsers from
the shell.

``parse`` reads a file and prints the JSON contract; the rest work on a home's database.
``index`` and ``reindex`` are registered by the top-level CLI, which knows the site registry
(regions of organisations), through :func:`run_index`.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated, Any, Literal

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table as RichTable
from sqlalchemy import select

from archive.cli_output import CliError, ExitCode, emit
from archive.read.retrieval import open_engine
from archive.timespec import iso
from parsers.database.datapackage import FILE as DATAPACKAGE
from parsers.database.datasette.launch import CannotServe, checkpoint, datasette_command
from parsers.database.export import FORMATS, export_tables
from parsers.database.index import Indexer, IndexStats
from parsers.database.models import (
    CellChange,
    CellRow,
    CheckRow,
    Organisation,
    Report,
    ReportVersion,
    SectionRow,
)
from parsers.database.rebuild import RegionOf
from parsers.document import ExtractionError
from parsers.parse_file import NotAFile, parse_in_child, read_regular_file
from xxgk.base.db import session_factory
from xxgk.base.home import HomeOption, resolve_home

console = Console(stderr=True, highlight=False, soft_wrap=True)
# Piped output (logs, `make demo`) gets full-width tables instead of an 80-column squeeze.
out = Console(highlight=False, soft_wrap=True, width=None if sys.stdout.isatty() else 200)
JsonOption = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")]
EXIT_USAGE = ExitCode.USAGE
ExportFormat = Literal[FORMATS]  # type: ignore[valid-type]  # choices Typer checks and shows


def parse(
    file: Annotated[Path, typer.Argument(help="A report file: HTML, DOCX, DOC, WPS, PDF, PNG "
                                               "or plain text.", exists=True, dir_okay=False)],
    url: Annotated[str | None, typer.Option(
        "--url", help="The URL it came from (resolves relative links, gives the credit code "
                      "of platform URLs).")] = None,
    as_json: JsonOption = False,
) -> None:
    """Parse one file and print the result (with --json, the JSON contract of
    docs/report-format.md). Exit 1 when the file cannot be read, or its parse passes the
    memory or time limit (XXGK_PARSE_MEMORY_MB, XXGK_PARSE_SECONDS); exit 2 for a path that
    is not a regular file. The reason goes to stderr."""
    try:
        data = read_regular_file(file)
        result = parse_in_child(data, file.name, url, file.parent)
    except NotAFile as exc:
        raise CliError(ExitCode.USAGE, str(exc), "not-a-file") from None
    except ExtractionError as exc:
        raise CliError(ExitCode.FAILED, f"{file.name}: {exc.kind}: {exc.reason}",
                       exc.kind) from None
    if as_json:
        emit(result)
        return
    _print_parsed(result)


def _print_parsed(result: dict[str, Any]) -> None:
    out.print(f"[bold]{escape(result.get('title') or '(no title)')}[/bold]")
    out.print(f"organisation {result.get('org')}  year {result.get('year')}  layout "
              f"{result.get('layout')}  published {result.get('published')}  "
              f"report {result.get('is_report')}")
    out.print(f"{len(result['sections'])} sections, {len(result['cells'])} cells, "
              f"{len(result['facts'])} facts, "
              f"{sum(1 for c in result['checks'] if not c['ok'])}/{len(result['checks'])} "
              "checks failed")
    for warning in result.get("warnings") or []:
        out.print(f"[yellow]warning:[/yellow] {escape(warning)}")


def run_index(home: Path | None, everything: bool, region_of: RegionOf | None,
              as_json: bool, workers: int = 0) -> None:
    """Shared body of ``index`` and ``reindex --all`` (no archive in the home: NoArchive,
    which the command line reports as not found)."""
    indexer = Indexer(resolve_home(home), region_of=region_of, workers=workers or None)
    with indexer:
        stats = indexer.run(everything=everything, progress=_progress(as_json))
    if as_json:
        emit({**stats.__dict__, "failures": [{"url": u, "reason": r}
                                             for u, r in stats.failures]})
        return
    _print_stats(stats)


def _progress(quiet: bool):  # type: ignore[no-untyped-def]
    every = 1 if sys.stderr.isatty() else 50

    def report(done: int, total: int, stats: IndexStats) -> None:
        if quiet or (done % every and done != total):
            return
        end = "\n" if done == total or not sys.stderr.isatty() else "\r"
        sys.stderr.write(f"parsed {done}/{total}: {stats.reports} report documents, "
                         f"{stats.not_reports} other, {stats.failed} failed, "
                         f"{stats.skipped} skipped{end}")
        sys.stderr.flush()

    return report


def _print_stats(stats: IndexStats) -> None:
    out.print(f"{stats.documents} documents parsed in {stats.seconds:.1f} s: "
              f"{stats.reports} report documents, {stats.not_reports} not reports, "
              f"{stats.failed} failed, {stats.skipped} skipped; "
              f"{stats.reports_rebuilt} reports written")
    for url, reason in stats.failures[:20]:
        out.print(f"[red]failed[/red] {escape(url)}: {escape(reason)}")
    if len(stats.failures) > 20:
        out.print(f"... and {len(stats.failures) - 20} more (xxgk reports --failures)")


def _sessions(home: Path | None):  # type: ignore[no-untyped-def]
    """The home's database (none: NoArchive, reported by the command line as not found)."""
    return session_factory(open_engine(resolve_home(home)))


def reports(
    org: Annotated[str | None, typer.Option("--org", help="Organisation name contains this.")]
    = None,
    year: Annotated[int | None, typer.Option("--year", help="Report year.")] = None,
    home: HomeOption = None,
    as_json: JsonOption = False,
) -> None:
    """List the indexed reports (one per organisation and year)."""
    sessions = _sessions(home)
    with sessions() as session:
        query = (select(Report, Organisation).join(Organisation)
                 .order_by(Organisation.name, Report.year))
        if org:
            query = query.where(Organisation.name.contains(org))
        if year is not None:
            query = query.where(Report.year == year)
        rows = [_report_summary(session, r, o) for r, o in session.execute(query)]
    if as_json:
        emit(rows)
        return
    table = RichTable("id", "organisation", "year", "layout", "status", "versions", "cells",
                      "failed checks", "published")
    for row in rows:
        table.add_row(str(row["id"]), row["organisation"], str(row["year"]), row["layout"],
                      row["status"], str(row["versions"]), str(row["cells"]),
                      str(row["failed_checks"]), str(row["published"] or ""))
    out.print(table)
    out.print(f"{len(rows)} reports")


def _current(session: Any, report: Report) -> ReportVersion:
    return session.scalars(select(ReportVersion).where(
        ReportVersion.report_id == report.id,
        ReportVersion.number == report.current_version)).one()


def _report_summary(session: Any, report: Report, organisation: Organisation) -> dict[str, Any]:
    version = _current(session, report)
    checks = session.scalars(select(CheckRow).where(CheckRow.version_id == version.id)).all()
    cells = session.scalars(select(CellRow.id).where(CellRow.version_id == version.id)).all()
    return {"id": report.id, "organisation": organisation.name, "level": organisation.level,
            "credit_code": organisation.credit_code, "year": report.year,
            "title": report.title, "published": report.published, "layout": report.layout,
            "status": report.status, "versions": report.current_version,
            "cells": len(cells), "failed_checks": sum(1 for c in checks if not c.ok),
            "source_url": report.source_url}


def report(
    report_id: Annotated[int, typer.Argument(help="The report's id (from `xxgk reports`).")],
    home: HomeOption = None,
    as_json: JsonOption = False,
) -> None:
    """One report: its metadata, sections, tables, failed checks and version history."""
    sessions = _sessions(home)
    with sessions() as session:
        found = session.get(Report, report_id)
        if found is None:
            raise CliError(ExitCode.NOT_FOUND, f"no report {report_id} (see `xxgk reports`)",
                           "no-report")
        data = _report_detail(session, found)
    if as_json:
        emit(data)
        return
    _print_report(data)


def _report_detail(session: Any, report: Report) -> dict[str, Any]:
    data = _report_summary(session, report, report.organisation)
    version = _current(session, report)
    data["sections"] = [{"number": s.number, "title": s.title, "chars": len(s.text)}
                        for s in session.scalars(select(SectionRow).where(
                            SectionRow.version_id == version.id).order_by(SectionRow.number))]
    data["cells"] = [{"table": c.table_id, "row": c.row_id, "column": c.column_id,
                      "value": c.number, "raw": c.raw, "label": c.label, "source": c.source}
                     for c in session.scalars(select(CellRow).where(
                         CellRow.version_id == version.id).order_by(CellRow.id))]
    data["checks"] = [{"name": k.name, "ok": k.ok, "detail": k.detail}
                      for k in session.scalars(select(CheckRow).where(
                          CheckRow.version_id == version.id).order_by(CheckRow.id))]
    data["warnings"] = (version.warnings or "").splitlines()
    data["history"] = []
    for v in session.scalars(select(ReportVersion).where(ReportVersion.report_id == report.id)
                             .order_by(ReportVersion.number)):
        changes = session.scalars(select(CellChange).where(CellChange.version_id == v.id)).all()
        data["history"].append({
            "version": v.number, "since": v.since, "source_url": v.source_url,
            "changed": [{"cell": f"{c.table_id}/{c.row_id}/{c.column_id}",
                         "from": c.old, "to": c.new} for c in changes]})
    return data


def _print_report(data: dict[str, Any]) -> None:
    out.print(f"[bold]#{data['id']} {escape(data['title'] or '')}[/bold]")
    out.print(f"{data['organisation']} ({data['level']}, credit code "
              f"{data['credit_code'] or 'unknown'}), year {data['year']}, layout "
              f"{data['layout']}, {data['status']}, published {data['published'] or '?'}")
    out.print(f"source {data['source_url']}")
    out.print("sections: " + ", ".join(f"{s['number']} {s['title']}" for s in data["sections"]))
    for name in ("active", "applications", "review_litigation"):
        cells = [c for c in data["cells"] if c["table"] == name]
        if not cells:
            continue
        table = RichTable("row", "column", "value", "raw", "source", title=name)
        for c in cells:
            table.add_row(c["row"], c["column"], _number(c["value"]), c["raw"], c["source"])
        out.print(table)
    failed = [c for c in data["checks"] if not c["ok"]]
    out.print(f"checks: {len(data['checks']) - len(failed)} ok, {len(failed)} failed")
    for check in failed:
        out.print(f"  [red]FAILED[/red] {check['name']}: {check['detail']}")
    for warning in data["warnings"]:
        out.print(f"[yellow]warning:[/yellow] {escape(warning)}")
    for entry in data["history"]:
        changes = ", ".join(f"{c['cell']} {_number(c['from'])} -> {_number(c['to'])}"
                            for c in entry["changed"])
        out.print(f"version {entry['version']} since {iso(entry['since'])} "
                  f"({escape(entry['source_url'])})" + (f": {changes}" if changes else ""))


def _number(value: float | None) -> str:
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else str(value)


def export(
    output: Annotated[Path, typer.Option("-o", "--output", help="Folder to write into.")]
    = Path("xxgk-export"),
    fmt: Annotated[ExportFormat, typer.Option("--format", help="File format.")] = "csv",
    home: HomeOption = None,
) -> None:
    """Write the reports overview, the three wide tables and the long tables (cells,
    facts, checks, sections, versions, changes) as files, one per table, typed (counts as
    integers, times ISO 8601 UTC), with a datapackage.json describing every column."""
    if fmt not in FORMATS:
        console.print(f"[red]error:[/red] unknown format {fmt!r} (one of {', '.join(FORMATS)})")
        raise typer.Exit(EXIT_USAGE)
    sessions = _sessions(home)
    written = export_tables(sessions, output, fmt)
    for path, rows in written:
        out.print(f"{path}  {rows} rows")
    out.print(f"{output / DATAPACKAGE}  what every column is (Frictionless Data Package)")


def datasette(
    home: HomeOption = None,
    port: Annotated[int, typer.Option("--port", help="Port to listen on.")] = 8001,
    host: Annotated[str, typer.Option(
        "--host", help="Address to listen on (0.0.0.0 for every interface).")] = "127.0.0.1",
) -> None:
    """Browse the reports database in Datasette, read-only: its columns described, canned
    queries, the crawler's and scheduler's tables hidden. SQLite homes only."""
    resolved = resolve_home(home)
    try:
        argv = datasette_command(resolved, host, port)
    except CannotServe as exc:
        raise CliError(ExitCode.USAGE, str(exc), "cannot-serve") from None
    if not checkpoint(resolved.database_path):
        console.print("[yellow]warning:[/yellow] a writer is busy: Datasette may not show "
                      "its newest changes")
    console.print(f"Datasette on http://{host}:{port}/ (read-only: {resolved.database_path})")
    sys.stderr.flush()
    os.execv(argv[0], argv)  # Datasette takes this process over: signals reach it directly
