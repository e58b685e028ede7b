"""Files for tools that do not speak SQL: one file per table or view, CSV, JSON lines or
Parquet, and a ``datapackage.json`` that says what every column is.

The wide views give one row per report; the long tables one row per number. Each file's
columns and their types come from the data dictionary (:mod:`parsers.database.dictionary`), so the
files are typed the same whatever the database: counts are integers (``72``), amounts
decimal numbers, times ISO 8601 UTC with ``Z`` (:func:`archive.timespec.iso`) and, in
Parquet, ``timestamp[us, tz=UTC]``.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

from sqlalchemy import Boolean, Date, DateTime, Integer, Numeric, String, text
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.types import TypeEngine

from archive.timespec import iso
from parsers.database.datapackage import write_datapackage
from parsers.database.dictionary import (
    BOOLEAN,
    DATE,
    DATETIME,
    INTEGER,
    NUMBER,
    STRING,
    WIDE_VIEWS,
    Field,
    columns_of,
    field,
)
from parsers.quantities import whole

FORMATS = ("csv", "jsonl", "parquet")
Reference = tuple[tuple[str, ...], str, tuple[str, ...]]  # fields -> resource's fields


@dataclass(frozen=True)
class Export:
    """One file: its columns (``(name, SQL expression)``), where its rows come from, and the
    keys a data package declares for it."""

    name: str
    table: str  # whose columns these are (for their descriptions)
    select: tuple[tuple[str, str], ...]
    source: str  # FROM ... ORDER BY ...
    primary_key: tuple[str, ...] = ()
    foreign_keys: tuple[Reference, ...] = ()

    @property
    def fields(self) -> list[Field]:
        return [field(self.table, name) for name, _ in self.select]

    @property
    def sql(self) -> str:
        columns = ", ".join(f"{expr} AS {name}" for name, expr in self.select)
        return f"SELECT {columns} {self.source}"


_TO_REPORT: Reference = (("report_id",), "reports", ("report_id",))
# The long tables carry the report id, organisation and year, so each file stands alone.
_CONTEXT = (("report_id", "r.id"), ("organisation", "o.name"), ("year", "r.year"))
_CURRENT = ("JOIN report_versions v ON v.id = t.version_id "
            "JOIN reports r ON r.id = v.report_id AND v.number = r.current_version "
            "JOIN organisations o ON o.id = r.organisation_id")


def _view(name: str, view: str) -> Export:
    keys = (_TO_REPORT,) if view in WIDE_VIEWS else (
        (("organisation",), "organisations", ("name",)),)
    return Export(name, view, tuple((c, c) for c in columns_of(view)),
                  f"FROM {view} ORDER BY organisation, year", ("report_id",), keys)


def _long(table: str, columns: tuple[str, ...], order: str,
          primary_key: tuple[str, ...] = ()) -> Export:
    return Export(table, table, _CONTEXT + tuple((c, f"t.{c}") for c in columns),
                  f"FROM {table} t {_CURRENT} ORDER BY {order}",
                  ("report_id", *primary_key) if primary_key else (), (_TO_REPORT,))


EXPORTS: tuple[Export, ...] = (
    _view("reports", "report_overview"),
    *(_view(view, view) for view in WIDE_VIEWS),
    _long("cells", ("table_id", "row_id", "column_id", "value", "amount", "raw", "label",
                    "source", "unit"), "r.id, t.id", ("table_id", "row_id", "column_id")),
    _long("facts", ("name", "value", "amount", "text"), "r.id, t.id"),
    _long("checks", ("name", "ok", "detail"), "r.id, t.id", ("name",)),
    _long("sections", ("number", "title", "text"), "r.id, t.number", ("number",)),
    Export("report_versions", "report_versions",
           tuple((c, f"v.{c}") for c in ("report_id", "number", "since", "source_url",
                                         "layout", "content_sha256", "warnings")),
           "FROM report_versions v ORDER BY v.report_id, v.number", ("report_id", "number"),
           (_TO_REPORT,)),
    Export("cell_changes", "cell_changes",
           (("report_id", "v.report_id"), ("version", "v.number"),
            *((c, f"c.{c}") for c in ("table_id", "row_id", "column_id", "old_value",
                                      "new_value", "old_amount", "new_amount"))),
           "FROM cell_changes c JOIN report_versions v ON v.id = c.version_id "
           "ORDER BY v.report_id, c.id",
           ("report_id", "version", "table_id", "row_id", "column_id"),
           ((("report_id", "version"), "report_versions", ("report_id", "number")),)),
    Export("organisations", "organisations",
           tuple((c, c) for c in columns_of("organisations")), "FROM organisations "
           "ORDER BY name", ("id",)),
)

# What the database driver is asked to return for each Table Schema type: SQLite hands
# back text for dates and 0/1 for booleans unless told.
_SQL_TYPES: dict[str, TypeEngine[Any]] = {
    INTEGER: Integer(), NUMBER: Numeric(asdecimal=False), STRING: String(),
    BOOLEAN: Boolean(), DATE: Date(), DATETIME: DateTime()}


def export_tables(sessions: sessionmaker[Session], folder: Path,
                  fmt: str) -> list[tuple[Path, int]]:
    """Every export as a file of ``fmt`` in ``folder``, then its ``datapackage.json``;
    (path, rows) of each data file."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    with sessions() as session:
        for export in EXPORTS:
            fields = export.fields
            query = text(export.sql).columns(**{f.name: _SQL_TYPES[f.type] for f in fields})
            rows = [list(r) for r in session.execute(query)]
            path = folder / f"{export.name}.{fmt}"
            _WRITERS[fmt](path, fields, rows)
            written.append((path, len(rows)))
    write_datapackage(folder, fmt, EXPORTS)
    return written


def _csv(path: Path, fields: list[Field], rows: list[list[Any]]) -> None:
    with path.open("w", newline="", encoding="utf-8-sig") as handle:  # BOM: Excel reads UTF-8
        writer = csv.writer(handle)
        writer.writerow([f.name for f in fields])
        for row in rows:
            writer.writerow([_text(f, v) for f, v in zip(fields, row)])


def _jsonl(path: Path, fields: list[Field], rows: list[list[Any]]) -> None:
    with path.open("w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps({f.name: _json(f, v) for f, v in zip(fields, row)},
                                    ensure_ascii=False))
            handle.write("\n")


def _parquet(path: Path, fields: list[Field], rows: list[list[Any]]) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = parquet_schema(fields)
    columns = [pa.array([_arrow(f, r[i]) for r in rows], type=schema.field(i).type)
               for i, f in enumerate(fields)]
    pq.write_table(pa.Table.from_arrays(columns, schema=schema), path)


def parquet_schema(fields: list[Field]) -> Any:
    """The explicit Arrow schema of a Parquet export, each field's description in its
    metadata: int64 counts and ids, float64 amounts, date32 dates, UTC microsecond times."""
    import pyarrow as pa

    types = {INTEGER: pa.int64(), NUMBER: pa.float64(), STRING: pa.string(),
             BOOLEAN: pa.bool_(), DATE: pa.date32(), DATETIME: pa.timestamp("us", tz="UTC")}
    return pa.schema([pa.field(f.name, types[f.type],
                               metadata={"description": f.description,
                                         **({"unit": f.unit} if f.unit else {})})
                      for f in fields])


def _text(f: Field, value: Any) -> str:
    """A CSV cell: empty for null (the package's missingValues), else the JSON form."""
    value = _json(f, value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _json(f: Field, value: Any) -> Any:
    if value is None:
        return None
    return _JSON[f.type](value)


def _arrow(f: Field, value: Any) -> Any:
    if value is None or f.type == DATE:
        return value
    if f.type == DATETIME:
        return _utc(value)
    if f.type == NUMBER:
        return float(value)
    return _JSON[f.type](value)


def _utc(moment: datetime) -> datetime:
    """The database keeps naive UTC times."""
    return moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment


def _date(value: date) -> str:
    return value.isoformat()


_JSON: dict[str, Callable[[Any], Any]] = {
    INTEGER: int, NUMBER: lambda v: whole(float(v)), STRING: str, BOOLEAN: bool,
    DATE: _date, DATETIME: iso}
_WRITERS = {"csv": _csv, "jsonl": _jsonl, "parquet": _parquet}
