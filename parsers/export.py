"""Files for tools that do not speak SQL: one file per table or view, CSV, JSON lines or
Parquet. The wide views give one row per report; the long tables one row per number."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session, sessionmaker

FORMATS = ("csv", "jsonl", "parquet")
# name -> SQL; the long tables carry the report id, organisation and year, so each file
# stands on its own.
_CURRENT = ("JOIN report_versions v ON v.id = t.version_id "
            "JOIN reports r ON r.id = v.report_id AND v.number = r.current_version "
            "JOIN organisations o ON o.id = r.organisation_id")
EXPORTS = {
    "reports": "SELECT * FROM report_overview ORDER BY organisation, year",
    "report_active": "SELECT * FROM report_active ORDER BY organisation, year",
    "report_applications": "SELECT * FROM report_applications ORDER BY organisation, year",
    "report_review_litigation":
        "SELECT * FROM report_review_litigation ORDER BY organisation, year",
    "cells": "SELECT r.id AS report_id, o.name AS organisation, r.year, t.table_id, t.row_id, "
             f"t.column_id, t.value, t.raw, t.label, t.source, t.unit FROM cells t {_CURRENT} "
             "ORDER BY r.id, t.id",
    "facts": "SELECT r.id AS report_id, o.name AS organisation, r.year, t.name, t.value, "
             f"t.text FROM facts t {_CURRENT} ORDER BY r.id, t.id",
    "checks": "SELECT r.id AS report_id, o.name AS organisation, r.year, t.name, t.ok, "
              f"t.detail FROM checks t {_CURRENT} ORDER BY r.id, t.id",
    "sections": "SELECT r.id AS report_id, o.name AS organisation, r.year, t.number, t.title, "
                f"t.text FROM sections t {_CURRENT} ORDER BY r.id, t.number",
    "report_versions": "SELECT v.report_id, v.number, v.since, v.source_url, v.layout, "
                       "v.content_sha256 FROM report_versions v ORDER BY v.report_id, v.number",
    "cell_changes": "SELECT v.report_id, v.number AS version, c.table_id, c.row_id, "
                    "c.column_id, c.old_value, c.new_value FROM cell_changes c "
                    "JOIN report_versions v ON v.id = c.version_id ORDER BY v.report_id, c.id",
    "organisations": "SELECT * FROM organisations ORDER BY name",
}


def export_tables(sessions: sessionmaker[Session], folder: Path,
                  fmt: str) -> list[tuple[Path, int]]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    with sessions() as session:
        for name, sql in EXPORTS.items():
            result = session.execute(text(sql))
            columns = list(result.keys())
            rows = [list(r) for r in result]
            path = folder / f"{name}.{fmt}"
            _WRITERS[fmt](path, columns, rows)
            written.append((path, len(rows)))
    return written


def _csv(path: Path, columns: list[str], rows: list[list[Any]]) -> None:
    with path.open("w", newline="", encoding="utf-8-sig") as handle:  # BOM: Excel reads UTF-8
        writer = csv.writer(handle)
        writer.writerow(columns)
        writer.writerows(rows)


def _jsonl(path: Path, columns: list[str], rows: list[list[Any]]) -> None:
    with path.open("w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(dict(zip(columns, row)), ensure_ascii=False, default=str))
            handle.write("\n")


def _parquet(path: Path, columns: list[str], rows: list[list[Any]]) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    data = {c: [_plain(r[i]) for r in rows] for i, c in enumerate(columns)}
    pq.write_table(pa.table(data), path)


def _plain(value: Any) -> Any:
    """Dates and times as ISO text: one type per column whatever the database returned."""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


_WRITERS = {"csv": _csv, "jsonl": _jsonl, "parquet": _parquet}
