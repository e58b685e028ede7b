"""``datapackage.json``: the Frictionless description of an export folder.

Every ``xxgk export`` writes one beside its files, so that a tool (``frictionless``, R's
``frictionless``, a spreadsheet user reading it) knows each file's columns, their types,
meanings and units, the keys that join the files and how a missing value is written,
without our code. The descriptions are the data dictionary's (:mod:`parsers.database.dictionary`),
the same words Datasette shows.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Protocol

from archive.timespec import iso
from parsers.database.dictionary import DESCRIPTION, LICENCE_NOTE, REPORT_TABLES, TITLE, Field


class Export(Protocol):
    """What a resource is described from (``parsers.database.export.Export``): its file's name, the
    table its columns come from, its fields and keys."""

    name: str
    table: str
    primary_key: tuple[str, ...]
    foreign_keys: tuple[tuple[tuple[str, ...], str, tuple[str, ...]], ...]

    @property
    def fields(self) -> list[Field]: ...


FILE = "datapackage.json"
PACKAGE_NAME = "xxgk-reports"
# CSV files start with a BOM so that Excel reads them as UTF-8.
ENCODINGS = {"csv": "utf-8-sig", "jsonl": "utf-8"}
MISSING = [""]  # a null is an empty CSV cell (JSON lines write null; Parquet has nulls)


def write_datapackage(folder: Path, fmt: str, exports: Iterable[Export]) -> Path:
    path = folder / FILE
    path.write_text(json.dumps(descriptor(fmt, exports), ensure_ascii=False, indent=2) + "\n",
                    encoding="utf-8")
    return path


def descriptor(fmt: str, exports: Iterable[Export]) -> dict[str, Any]:
    return {
        "name": PACKAGE_NAME,
        "title": TITLE,
        "description": DESCRIPTION,
        "licenses": [{"name": "notspecified", "title": LICENCE_NOTE}],
        "created": iso(datetime.now(timezone.utc)),
        "resources": [_resource(export, fmt) for export in exports],
    }


def _resource(export: Export, fmt: str) -> dict[str, Any]:
    schema: dict[str, Any] = {"fields": [_field(f) for f in export.fields],
                              "missingValues": MISSING}
    if export.primary_key:
        schema["primaryKey"] = list(export.primary_key)
    if export.foreign_keys:
        schema["foreignKeys"] = [
            {"fields": list(own), "reference": {"resource": resource, "fields": list(theirs)}}
            for own, resource, theirs in export.foreign_keys]
    resource: dict[str, Any] = {"name": export.name, "type": "table",
                                "path": f"{export.name}.{fmt}", "format": fmt,
                                "description": REPORT_TABLES[export.table]}
    if fmt in ENCODINGS:
        resource["encoding"] = ENCODINGS[fmt]
    resource["schema"] = schema
    return resource


def _field(f: Field) -> dict[str, Any]:
    out: dict[str, Any] = {"name": f.name, "type": f.type, "description": f.description}
    if f.unit:
        out["unit"] = f.unit  # not a Table Schema property: an extension, kept by readers
    return out
