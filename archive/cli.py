"""`xxgk archive ...`: what an archivist asks of the archive, from the command line.

Every command reads through ``archive.read.retrieval`` (or verify/cdxj/wacz/importer), prints
tables or bytes for people and JSON under ``--json`` for scripts, and turns every foreseeable
failure into one line on stderr and an exit code (``archive.cli_output``), never a traceback.
"""

from __future__ import annotations

import base64
import difflib
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from archive.cli_output import CliError, ExitCode, emit, print_wide
from archive.errors import ImportRefused, NoVersion, Undecodable
from archive.read.decoding import undo_content_encoding
from archive.read.retrieval import Payload, Retrieval, Version
from archive.read.text import Text, text_of
from archive.timespec import TIME_HELP, TimeSpan, iso, parse_time, timestamp20
from xxgk.base.home import Home, HomeOption, resolve_home

app = typer.Typer(
    name="archive",
    help=(
        "Read the archive: every version of a URL, byte-exact payloads, text diffs, integrity "
        "checks, CDXJ/WACZ exports and WARC imports.\n\n"
        "Times are UTC and printed with microseconds; type them back to pick one capture. "
        f"Accepted: {TIME_HELP}\n\n"
        "Exit codes: 0 ok; 1 verify found problems (or an export failed); 2 bad usage or "
        "time format; 3 no archive, unknown URL or no version at that time; 4 damaged or "
        "missing bytes, or an import refused. With --json, an error is also printed as "
        '{"error": {"code", "kind", "message"}} on stdout (docs/cli.md).'
    ),
    no_args_is_help=True,
    rich_markup_mode=None,
)
console = Console(stderr=True, highlight=False, soft_wrap=True)
JsonOption = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")]
UrlArgument = Annotated[str, typer.Argument(help="The URL as captured (else matched by its "
                                                 "SURT: scheme, www. and case ignored).")]


@contextmanager
def _writing() -> Iterator[None]:
    """An output file that cannot be written (a full disk) is trouble, not a traceback.
    Archive errors (unknown URL, damage, ...) are reported by the command line's root."""
    try:
        yield
    except OSError as exc:
        raise CliError(ExitCode.FAILED, f"{exc.filename or ''}: {exc.strerror or exc}",
                       "io") from exc


def _time(text: str | None) -> TimeSpan | None:
    return parse_time(text) if text is not None else None


def version_json(version: Version) -> dict[str, Any]:
    return {"capture_id": version.capture_id, "url": version.url,
            "time": iso(version.captured_at), "timestamp": timestamp20(version.captured_at),
            "status": version.status, "record_type": version.record_type,
            "mime": version.mime, "digest": version.payload_digest,
            "size": version.payload_length, "changed": version.changed,
            "refers_to": version.refers_to_id, "warc_file": version.warc_file,
            "offset": version.offset, "length": version.length}


def _retrieval(home: Path | None) -> Retrieval:
    return Retrieval(resolve_home(home))


def _warn_same_second(retrieval: Retrieval, version: Version, span: TimeSpan | None) -> None:
    if span is not None and span.start == span.end:
        return  # an exact time picks one capture
    others = retrieval.same_second(version)
    if others:
        console.print(f"[yellow]note:[/yellow] {len(others)} other capture(s) in the same "
                      f"second ({', '.join(iso(o.captured_at) for o in others)}); this is "
                      f"{iso(version.captured_at)}. Give the full time to pick another.")


# --- history --------------------------------------------------------------------------------

@app.command()
def history(url: UrlArgument, home: HomeOption = None, as_json: JsonOption = False) -> None:
    """List every version of URL, oldest first: time (UTC, microseconds), HTTP status, record
    type (revisit = same payload as an earlier capture, or a 304), payload sha256, size, and
    whether the payload changed since the previous version."""
    with _writing(), _retrieval(home) as retrieval:
        versions = retrieval.history(url)
        if as_json:
            emit({"url": url, "versions": [version_json(v) for v in versions]})
            return
        table = Table(title=f"{url}: {len(versions)} version(s)")
        for column in ("time (UTC)", "status", "type", "size", "sha256", "changed"):
            table.add_column(column)
        for index, v in enumerate(versions):
            changed = "new" if index == 0 else ("changed" if v.changed else "same")
            table.add_row(iso(v.captured_at), str(v.status or "-"), v.record_type,
                          str(v.payload_length if v.payload_length is not None else "-"),
                          (v.payload_digest or "-")[:16], changed)
        print_wide(table)


# --- get ------------------------------------------------------------------------------------

def _headers_text(payload: Payload) -> str:
    lines = [f"HTTP {payload.status if payload.status is not None else '-'}"]
    lines += [f"{name}: {value}" for name, value in payload.http_headers]
    return "\n".join(lines) + "\n"


@app.command()
def get(
    url: UrlArgument,
    at: Annotated[str | None, typer.Option(
        "--at", help="The version captured at or before this time (default: the latest). "
                     + TIME_HELP)] = None,
    output: Annotated[Path | None, typer.Option(
        "-o", "--output", help="Write the payload to this file (default: stdout).")] = None,
    headers: Annotated[bool, typer.Option(
        "--headers", help="Print the archived HTTP status and headers instead of the payload "
                          "(the payload still goes to -o FILE if given).")] = False,
    decoded: Annotated[bool, typer.Option(
        "--decoded", help="Undo chunking and Content-Encoding (gzip, deflate, br). Default: "
                          "the body byte for byte as the server sent it.")] = False,
    home: HomeOption = None,
    as_json: JsonOption = False,
) -> None:
    """Print or save one version's payload. A revisit's payload is the original response's;
    the bytes are checked against the index's sha256 first."""
    with _writing(), _retrieval(home) as retrieval:
        span = _time(at)
        version = retrieval.version_at(url, span.end if span else None)
        payload = retrieval.payload_of(version)
        body, undone = (undo_content_encoding(payload.body, payload.body_headers) if decoded
                        else (payload.body, []))
        _warn_same_second(retrieval, version, span)
        if output is not None:
            output.write_bytes(body)
        if as_json:
            data: dict[str, Any] = {
                "url": url, "at": at, "version": version_json(version),
                "payload_from": version_json(payload.source), "status": payload.status,
                "http_headers": [list(h) for h in payload.http_headers],
                "decoded": undone, "payload_length": len(body),
                "output": str(output) if output else None}
            if output is None:
                data["payload_base64"] = base64.b64encode(body).decode()
            emit(data)
        elif headers:
            typer.echo(_headers_text(payload), nl=False)
        elif output is None:
            sys.stdout.buffer.write(body)
            sys.stdout.buffer.flush()
        if not as_json:
            origin = (f", payload of the {iso(payload.source.captured_at)} capture"
                      if payload.source is not version else "")
            console.print(f"{url} captured {iso(version.captured_at)} "
                          f"({version.record_type}, HTTP {version.status}){origin}: "
                          f"{len(body)} bytes" + (f" -> {output}" if output else ""))


# --- diff -----------------------------------------------------------------------------------

def _default_from(retrieval: Retrieval, to: Version) -> Version:
    """The last version before ``to`` with another payload (what changed last), else the
    one just before it."""
    earlier = [v for v in retrieval.history(to.url) if v.captured_at < to.captured_at
               or (v.captured_at == to.captured_at and v.capture_id < to.capture_id)]
    if not earlier:
        raise NoVersion(f"{to.url} has no version before {iso(to.captured_at)} to compare with")
    different = [v for v in earlier if v.payload_digest != to.payload_digest]
    return (different or earlier)[-1]


def _text(retrieval: Retrieval, version: Version) -> Text:
    payload = retrieval.payload_of(version)
    try:
        body, _ = undo_content_encoding(payload.body, payload.body_headers)
    except Undecodable as exc:
        console.print(f"[yellow]note:[/yellow] {iso(version.captured_at)}: {exc}; comparing "
                      "the bytes as stored")
        body = payload.body
    return text_of(body, payload.body_headers, payload.source.mime or version.mime)


@app.command()
def diff(
    url: UrlArgument,
    from_: Annotated[str | None, typer.Option(
        "--from", help="The older version: the one at or before this time (default: the last "
                       "version before --to whose payload differs).")] = None,
    to: Annotated[str | None, typer.Option(
        "--to", help="The newer version: the one at or before this time (default: the "
                     "latest).")] = None,
    context: Annotated[int, typer.Option("--context", "-U", min=0,
                                         help="Lines of context around changes.")] = 3,
    home: HomeOption = None,
    as_json: JsonOption = False,
) -> None:
    """Show what changed in the readable text between two versions of URL: the text of HTML
    bodies, DOCX paragraphs and tables, PDF pages (decoded from gzip etc. first), as a
    unified diff."""
    with _writing(), _retrieval(home) as retrieval:
        to_span, from_span = _time(to), _time(from_)
        newer = retrieval.version_at(url, to_span.end if to_span else None)
        older = (retrieval.version_at(url, from_span.end) if from_span
                 else _default_from(retrieval, newer))
        old_text, new_text = _text(retrieval, older), _text(retrieval, newer)
        lines = list(difflib.unified_diff(
            old_text.text.splitlines(), new_text.text.splitlines(),
            f"{url} @ {iso(older.captured_at)}", f"{url} @ {iso(newer.captured_at)}",
            n=context, lineterm=""))
        if as_json:
            emit({"url": url,
                   "from": {**version_json(older), "text_kind": old_text.kind,
                            "text_note": old_text.note},
                   "to": {**version_json(newer), "text_kind": new_text.kind,
                          "text_note": new_text.note},
                   "identical": not lines, "diff": "\n".join(lines)})
            return
        for text in (old_text, new_text):
            if text.note and text.note.startswith("could not"):
                console.print(f"[yellow]note:[/yellow] {escape(text.note)}")
        if not lines:
            console.print(f"no difference in the text of {iso(older.captured_at)} and "
                          f"{iso(newer.captured_at)}")
        for line in lines:
            typer.echo(line)


# --- verify ---------------------------------------------------------------------------------

@app.command()
def verify(home: HomeOption = None, as_json: JsonOption = False) -> None:
    """Re-read every WARC file and check it against the index: file sha256 and size, every
    record a whole gzip member at the indexed offset/length, block and payload digests,
    payload sha256 vs the index, records the index lacks, files the index does not know,
    unsealed files. Exits 1 if anything is wrong, naming the file and record."""
    from archive.fixity.verify import verify_archive

    with _writing(), _retrieval(home) as retrieval:
        def progress(warc_file: Any) -> None:
            if not as_json:
                console.print(f"checking {warc_file.name}", style="dim")

        report = verify_archive(retrieval.sessions, retrieval.locations,
                                retrieval.home.archive_dir, progress)
        if as_json:
            emit(report.as_json())
        else:
            for kind, items in (("problem", report.problems), ("warning", report.warnings)):
                for p in items:
                    where = "".join(f" {x}" for x in (
                        f"offset {p.offset}" if p.offset is not None else None, p.record_id,
                        p.url) if x)
                    color = "red" if kind == "problem" else "yellow"
                    console.print(f"[{color}]{kind}:[/{color}] {p.kind}: {p.file}"
                                  f"{escape(where)}: {escape(p.detail)}")
            for unsealed in report.unsealed:
                console.print(f"unsealed: {unsealed['file']} (writer {unsealed['writer']}, "
                              f"{'alive' if unsealed['writer_alive'] else 'gone'})")
            console.print(f"{report.files} file(s), {report.records} record(s), "
                          f"{report.bytes} bytes: " + ("OK" if report.ok else
                                                      f"{len(report.problems)} problem(s)"))
        if not report.ok:
            raise typer.Exit(ExitCode.FAILED)


# --- exports --------------------------------------------------------------------------------

@app.command("export-cdxj")
def export_cdxj(
    output: Annotated[Path | None, typer.Option(
        "-o", "--output", help="Write to this file (default: stdout).")] = None,
    home: HomeOption = None,
    as_json: JsonOption = False,
) -> None:
    """Write the index as sorted CDXJ (pywb, cdxj-indexer layout): one line per response,
    revisit and resource. CDXJ timestamps have one-second resolution: captures in the same
    second keep distinct lines by filename/offset, and the extra field "captured_at" holds
    the microseconds. With --json, prints a summary (needs -o)."""
    from archive.replay.cdxj import cdxj

    with _writing(), _retrieval(home) as retrieval:
        if as_json and output is None:
            raise typer.BadParameter("--json prints a summary: give the CDXJ an -o FILE",
                                     param_hint="--json")
        count = 0
        with retrieval.sessions() as session:
            if output is None:
                for line in cdxj(session):
                    typer.echo(line)
                    count += 1
            else:
                partial = output.with_name(output.name + ".partial")
                with open(partial, "w", encoding="utf-8") as handle:
                    for line in cdxj(session):
                        handle.write(line + "\n")
                        count += 1
                os.replace(partial, output)
        if as_json:
            emit({"output": str(output), "lines": count})
        elif output is not None:
            console.print(f"{count} CDXJ line(s) -> {output}")


@app.command()
def wacz(
    output: Annotated[Path, typer.Option("-o", "--output", help="The .wacz file to write.")],
    title: Annotated[str | None, typer.Option(help="Title in datapackage.json.")] = None,
    desc: Annotated[str | None, typer.Option(help="Description in datapackage.json.")] = None,
    home: HomeOption = None,
    as_json: JsonOption = False,
) -> None:
    """Pack every sealed WARC file, a CDXJ index and a list of HTML pages into one WACZ file
    (via the `wacz` package; check it with `wacz validate -f FILE`). Open files are left out
    until their crawl seals them."""
    from archive.replay.wacz_export import create_wacz

    with _writing(), _retrieval(home) as retrieval:
        result = create_wacz(retrieval.sessions, retrieval.locations, output, title, desc)
        if as_json:
            emit(asdict(result))
        else:
            console.print(f"{len(result.files)} WARC file(s), {result.pages} page(s) -> "
                          f"{result.output} ({result.size} bytes)")
            if result.skipped_unsealed:
                console.print(f"left out (still open): {', '.join(result.skipped_unsealed)}")


# --- import ---------------------------------------------------------------------------------

@app.command("import")
def import_(
    files: Annotated[list[Path], typer.Argument(
        exists=True, dir_okay=False, readable=True,
        help="WARC files gzipped per record (.warc.gz), from any tool.")],
    home: HomeOption = None,
    as_json: JsonOption = False,
) -> None:
    """Ingest WARC files made elsewhere: each is checked whole (gzip members, digests), copied
    into the archive folder (or the configured S3 bucket) and indexed, so `get`, `history`
    and `verify` treat its records like our own. Importing a file again adds nothing. Exits
    4 if any file was refused (the others are still imported)."""
    from archive.fixity.importer import import_warc
    from archive.storage import storage_from_env
    from archive.write.store import Archive

    results: list[dict[str, Any]] = []
    refused = False
    with _writing():
        resolved: Home = resolve_home(home)
        storage = storage_from_env(resolved.archive_dir)
        archive = Archive(resolved)
        try:
            for path in files:
                try:
                    results.append(asdict(import_warc(archive, path, storage)))
                except ImportRefused as exc:
                    refused = True
                    console.print(f"[red]refused:[/red] {escape(str(exc))}")
                    results.append({"input": str(path), "status": "refused",
                                    "error": str(exc)})
        finally:
            archive.close()
    if as_json:
        emit({"imports": results})
    else:
        for item in results:
            if item["status"] != "refused":
                console.print(f"{item['input']}: {item['status']}"
                              + (f" as {item['file']}" if item.get("file") else "")
                              + f", {item.get('added', 0)} capture(s) added, "
                                f"{item.get('known', 0)} already known")
    if refused:
        raise typer.Exit(ExitCode.DAMAGED)
