"""What every `xxgk` command promises scripts: exit codes, JSON output, errors as values.

One table of exit codes for the whole command line (docs/cli.md), so a script or a
monitoring check can tell "something is wrong out there" (1) from "you asked wrongly" (2),
"that is not there" (3), "the bytes are damaged" (4) and "someone else holds it" (5).

Commands raise :class:`CliError` (or let a known archive error through); the top-level
command line (``xxgk.cli_contract``) turns it into one line on stderr and, when the
command was given ``--json``, ``{"error": {"code", "kind", "message"}}`` on stdout. Output
under ``--json`` goes through :func:`emit`, which prints every time as ``timespec.iso``.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterable
from datetime import UTC, date, datetime
from enum import Enum, IntEnum, StrEnum
from pathlib import Path
from typing import Any, NoReturn

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from sqlalchemy import exc as sqlalchemy_exc

from archive.errors import (
    BadSetting,
    BadTime,
    Damaged,
    DecodedTooLarge,
    ImportRefused,
    NoArchive,
    NoVersion,
    Undecodable,
    UnknownUrl,
)
from archive.read.reader import RecordMissing
from archive.redact import SECRETS, mask_database_url, mask_values
from archive.storage import StorageConfigError, StorageError
from archive.timespec import iso
from xxgk.base.db import DATABASE_URL_ATTRIBUTE


class ExitCode(IntEnum):
    OK = 0
    FAILED = 1  # trouble found: status unhealthy, verify found damage, a site failed
    USAGE = 2  # bad option, value or time; configuration or registry error
    NOT_FOUND = 3  # no data in this home, unknown URL, report, run; no version at that time
    DAMAGED = 4  # bytes missing, unreadable or not what the index says; import refused
    BUSY = 5  # held by a live process: a site being crawled, a run whose process lives


ERROR_CODES = {ExitCode.FAILED: "failed", ExitCode.USAGE: "usage",
               ExitCode.NOT_FOUND: "not_found", ExitCode.DAMAGED: "damaged",
               ExitCode.BUSY: "busy"}
EXIT_CODES_HELP = ("Exit codes: 0 ok; 1 trouble found (failed or unreachable site, unhealthy "
                   "status, damage found); 2 bad usage or configuration; 3 not found; 4 "
                   "damaged data; 5 busy (held by a live process). With --json, an error is "
                   '{"error": {"code", "kind", "message"}} on stdout. See docs/cli.md.')

# Archive errors any command may meet, by the exit code they mean (first match wins).
_KNOWN: tuple[tuple[type[Exception], ExitCode], ...] = (
    (BadTime, ExitCode.USAGE), (StorageConfigError, ExitCode.USAGE),
    (BadSetting, ExitCode.USAGE),
    (NoArchive, ExitCode.NOT_FOUND), (UnknownUrl, ExitCode.NOT_FOUND),
    (NoVersion, ExitCode.NOT_FOUND), (Damaged, ExitCode.DAMAGED),
    (DecodedTooLarge, ExitCode.FAILED),  # a limit of ours, not damage: before Undecodable
    (Undecodable, ExitCode.DAMAGED), (ImportRefused, ExitCode.DAMAGED),
    (RecordMissing, ExitCode.DAMAGED), (StorageError, ExitCode.DAMAGED),
)

# Typer vendors Click: the usage errors it raises (bad option values, missing arguments)
# derive from its own UsageError, which only BadParameter's ancestry names publicly.
UsageError: type[Exception] = next(c for c in typer.BadParameter.__mro__
                                   if c.__name__ == "UsageError")
_stderr = Console(stderr=True, highlight=False, soft_wrap=True)


class CliError(Exception):
    """A failure a command reports instead of a traceback: its exit code, a stable ``kind``
    for scripts (e.g. ``unknown-url``, ``no-run``) and a message for people."""

    def __init__(self, code: ExitCode, message: str, kind: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.kind = kind or ERROR_CODES[code]

    def as_json(self) -> dict[str, Any]:
        return {"error": {"code": ERROR_CODES[self.code], "kind": self.kind,
                          "message": self.message}}


def known_error(exc: BaseException) -> CliError | None:
    """The CliError an archive error stands for (None: not one we know)."""
    if isinstance(exc, CliError):
        return exc
    if isinstance(exc, (sqlalchemy_exc.OperationalError, sqlalchemy_exc.InterfaceError)):
        return database_error(exc)
    for kind, code in _KNOWN:
        if isinstance(exc, kind):
            name = getattr(exc, "kind", None)
            if not isinstance(name, str):
                name = "bad-time" if isinstance(exc, BadTime) else (
                    "damaged" if isinstance(exc, RecordMissing) else "storage")
            return CliError(code, str(exc), name)
    return None


def database_error(exc: sqlalchemy_exc.DBAPIError) -> CliError:
    """A database that cannot be reached (or dropped the connection) is trouble out there,
    said in one line naming the database with its password hidden, not a traceback."""
    where = getattr(exc, DATABASE_URL_ATTRIBUTE, None) or mask_database_url(
        os.environ.get("XXGK_DATABASE_URL", "")) or "the database"
    lines = [line.strip() for line in str(exc.orig or exc).splitlines() if line.strip()]
    reason = lines[0] if lines else type(exc.orig or exc).__name__
    reason = reason.rsplit(" failed: ", 1)[-1]  # psycopg: "connection ... failed: REASON"
    what = "database unreachable" if exc.statement is None else "database error"
    return CliError(ExitCode.FAILED, SECRETS.mask(f"{what}: {where}: {reason}"), "database")


def fail(error: CliError, as_json: bool) -> NoReturn:
    """Say what went wrong (stderr; and stdout as JSON under --json) and exit with its code.
    The message is masked (``archive.redact``): errors quote URLs and settings."""
    error.message = SECRETS.mask(error.message)
    _stderr.print(f"[red]error:[/red] {escape(error.message)}")
    if as_json:
        emit(error.as_json())
    raise typer.Exit(int(error.code))


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return iso(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Path):
        return str(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def to_json(data: Any, *, indent: int | None = 2) -> str:
    """JSON as every command prints it: UTF-8 text as is, times in the one format."""
    return json.dumps(data, ensure_ascii=False, indent=indent, default=_plain)


def without_secrets(data: Any, secrets: frozenset[str] | None = None) -> Any:
    """The data with every known secret value masked in its texts (``archive.redact``);
    only values, not URL shapes: an archived URL's ``?sign=`` is data."""
    secrets = frozenset(SECRETS.secrets) if secrets is None else secrets
    if not secrets:
        return data
    if isinstance(data, str):
        return mask_values(data, secrets)
    if isinstance(data, dict):
        return {without_secrets(k, secrets): without_secrets(v, secrets)
                for k, v in data.items()}
    if isinstance(data, (list, tuple)):
        return [without_secrets(item, secrets) for item in data]
    return data


def emit(data: Any) -> None:
    """Print one JSON document on stdout (no known secret in it)."""
    typer.echo(to_json(without_secrets(data)))


def emit_line(data: Any) -> None:
    """Print one JSON object on a line of its own (JSON Lines, for streams of records)."""
    typer.echo(to_json(without_secrets(data), indent=None))


def choices(name: str, values: Iterable[str]) -> type[StrEnum]:
    """The values as an Enum, for an option whose values Typer checks (a bad one is a usage
    error naming them) and --help lists; repeatable options need an Enum, not a Literal."""
    return StrEnum(name, {value: value for value in values})  # type: ignore[return-value]


def print_wide(table: Table, width: int = 120) -> None:
    """A table on stdout at least ``width`` columns wide: piped, Rich assumes 80 and would
    cut times and URLs across lines."""
    Console(width=max(Console().width, width), highlight=False).print(table)


def time_text(moment: datetime | None) -> str:
    """A time in a table for people: the same format as in JSON, or "-"."""
    return iso(moment) if moment is not None else "-"


class _UtcFormatter(logging.Formatter):
    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        return iso(datetime.fromtimestamp(record.created, UTC))


def log_formatter() -> logging.Formatter:
    """For the log lines of a long-running command (the scheduler): their times in the one
    format too, so a log line and a `status` or `events` time can be compared as text."""
    return _UtcFormatter("%(asctime)s [%(name)s] %(levelname)s: %(message)s")
