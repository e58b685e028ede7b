"""A report's versions from every document that was parsed as that report.

A report is published at several URLs in several renderings (the platform page, the column
article, its .docx, a PDF), and each URL may change over time. Renderings of one version can
disagree (an OCR misread, a PDF that lost a table) without the report having changed, so a
new version starts only when a URL that already gave this report gives different values
later: the report was revised in place. A new URL with different values adds nothing but,
if it reads better (real tables beat OCR, OCR beats prose), becomes the version's source.

Pure functions of the parse results, so a rebuild from the stored results is deterministic.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from parsers.quantities import Number, whole

Change = tuple[str, str, str, Number | None, Number | None]  # table, row, column, old, new

@dataclass
class SourceDocument:
    url: str
    captured_at: datetime
    capture_id: int | None
    payload_digest: str
    result: dict[str, Any]  # the ParsedReport JSON


@dataclass
class BuiltVersion:
    since: datetime
    source: SourceDocument
    changes: list[Change] = field(default_factory=list)  # against the previous version


def quality(result: dict[str, Any]) -> tuple[int, int, int, int]:
    """How completely a rendering was read: table cells beat OCR'd ones beat prose."""
    cells = result.get("cells") or []
    table = sum(1 for c in cells if c.get("source") == "table")
    ocr = sum(1 for c in cells if c.get("source") == "ocr")
    return (table, ocr, len(cells), len(result.get("sections") or []))


def values_of(result: dict[str, Any]) -> dict[str, Number | None]:
    """Each cell's number; whole numbers as ints, so a result stored as ``72.0`` by an older
    parser and one read as ``72`` today are the same content."""
    return {f"{c['table']}/{c['row']}/{c['column']}": whole(c.get("value"))
            for c in result.get("cells") or []}


def content_key(result: dict[str, Any]) -> str:
    """What must differ for a revision: the numbers, else (no tables) the facts and text."""
    values = values_of(result)
    if values:
        basis: Any = sorted(values.items())
    else:
        basis = [sorted((f["name"], f["value"]) for f in result.get("facts") or []),
                 [s.get("text", "") for s in result.get("sections") or []]]
    return hashlib.sha256(json.dumps(basis, ensure_ascii=False, default=str)
                          .encode()).hexdigest()


def build_versions(documents: list[SourceDocument]) -> list[BuiltVersion]:
    versions: list[BuiltVersion] = []
    key_by_url: dict[str, str] = {}
    for doc in sorted(documents, key=lambda d: (d.captured_at, d.capture_id or 0)):
        key = content_key(doc.result)
        if not versions:
            versions.append(BuiltVersion(doc.captured_at, doc))
        else:
            current = versions[-1]
            current_key = content_key(current.source.result)
            previous_key = key_by_url.get(doc.url)
            if previous_key is not None and previous_key != key and key != current_key:
                versions.append(BuiltVersion(doc.captured_at, doc,
                                             _changes(current.source.result, doc.result)))
            elif previous_key is None and quality(doc.result) > quality(current.source.result):
                current.source = doc
                if len(versions) > 1:
                    current.changes = _changes(versions[-2].source.result, doc.result)
        key_by_url[doc.url] = key
    return versions


def _changes(old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    before, after = values_of(old), values_of(new)
    out = []
    for key in sorted(set(before) | set(after)):
        if before.get(key) != after.get(key):
            table, row, column = key.split("/")
            out.append((table, row, column, before.get(key), after.get(key)))
    return out
