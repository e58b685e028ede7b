"""Parse one archived capture into the fields of its ``parsed_documents`` row.

A module of its own so worker processes can run it: the indexer hands versions to a pool
of parser children (``parsers.sandbox``: memory and time limits) and keeps the database
writes. Every outcome is a row: a document that cannot be read is ``failed`` with the
reason, never an exception out of here (but MemoryError, which the child reports as the
memory limit).
"""

from __future__ import annotations

import json
import logging
import traceback
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from archive.errors import DecodedTooLarge, RetrievalError
from archive.read.decoding import undo_content_encoding
from archive.read.retrieval import Retrieval, Version
from parsers import PARSER_VERSION
from parsers.database.models import FAILED, NOT_REPORT, REPORT, SKIPPED
from parsers.document import ExtractionError
from parsers.extract import extract
from parsers.images import read_image_tables
from parsers.report import parse_document
from xxgk.base.clock import utcnow
from xxgk.base.digests import EMPTY_SHA256
from xxgk.base.home import Home

log = logging.getLogger(__name__)

# What can hold a report; images are read as part of the page that shows them.
DOCUMENT_TYPES = ("text/html", "application/xhtml+xml", "text/plain", "application/pdf",
                  "application/msword", "application/vnd.openxmlformats-officedocument",
                  "application/octet-stream", "application/vnd.ms-works", "application/wps",
                  "application/kswps", "application/x-download", "application/force-download")
IMAGE_NEARBY = timedelta(days=2)


def base_row(version: Version) -> dict[str, Any]:
    """The row's fields known before the payload is read (status ``failed`` until then)."""
    return {
        "payload_digest": version.payload_digest or EMPTY_SHA256, "url": version.url,
        "capture_id": version.capture_id, "captured_at": version.captured_at,
        "parser_version": PARSER_VERSION,
        "parsed_at": utcnow(), "format": None,
        "status": FAILED, "reason": None, "result_json": None, "org_name": None, "year": None}


def verdict_unread(version: Version) -> dict[str, Any] | None:
    """The row of a capture that needs no reading (not a 200, empty, not a document
    type), else None: the indexer starts no parser process for these."""
    row = base_row(version)
    mime = (version.mime or "").split(";")[0].strip().lower()
    if version.status != 200:
        return {**row, "status": SKIPPED, "reason": f"HTTP {version.status}: no document"}
    if not version.payload_length:
        return {**row, "reason": "empty: the server sent 0 bytes with HTTP 200"}
    if mime and not mime.startswith(DOCUMENT_TYPES):
        return {**row, "status": SKIPPED, "reason": f"{mime}: not a document type" + (
            " (images are read with the page that shows them)"
            if mime.startswith("image/") else "")}
    return None


def failed_row(version: Version, error: BaseException) -> dict[str, Any]:
    """The row of a document whose parse ended in ``error`` outside ``parse_version``: a
    memory or time limit (``parsers.sandbox``), a crashed parser process."""
    reason = (f"{error.kind}: {error.reason}" if isinstance(error, ExtractionError)
              else f"parser error: {type(error).__name__}: {error}")
    return {**base_row(version), "reason": reason[:2000]}


def parse_version(retrieval: Retrieval, version: Version) -> dict[str, Any]:
    """The document's row; MemoryError passes through, for the sandbox to report as the
    memory limit it is."""
    unread = verdict_unread(version)
    if unread is not None:
        return unread
    row = base_row(version)
    try:
        payload = retrieval.payload_of(version)
        body, _ = undo_content_encoding(payload.body, payload.body_headers)
        doc = extract(body, content_type=payload.header("Content-Type"), url=version.url,
                      headers=payload.body_headers)
        row["format"] = doc.format
        read_image_tables(doc, lambda src: archived_image(retrieval, src, version.captured_at))
        parsed = parse_document(doc, version.url)
    except MemoryError:
        raise
    except ExtractionError as exc:
        return {**row, "reason": f"{exc.kind}: {exc.reason}"}
    except DecodedTooLarge as exc:
        return {**row, "reason": f"too_large: {exc}"}
    except RetrievalError as exc:
        return {**row, "reason": f"archive: {exc}"}
    except Exception as exc:  # a parser bug must not end the run: record it
        log.error("parser error on %s:\n%s", version.url, traceback.format_exc())
        return {**row, "reason": f"parser error: {type(exc).__name__}: {exc}"}
    row.update(result_json=json.dumps(parsed.to_json(), ensure_ascii=False),
               org_name=parsed.org, year=parsed.year)
    if not parsed.is_report:
        row.update(status=NOT_REPORT, reason="; ".join(parsed.warnings[:2]))
    elif not parsed.org or parsed.year is None:
        missing = [n for n, v in (("organisation", parsed.org), ("year", parsed.year)) if not v]
        row["reason"] = f"a report, but its {' and '.join(missing)} could not be read"
    else:
        row["status"] = REPORT
    return row


def archived_image(retrieval: Retrieval, src: str, near: datetime) -> bytes | None:
    """The archived image nearest after the page (pages are fetched before their images),
    else the newest."""
    for at in (near + IMAGE_NEARBY, None):
        try:
            version = retrieval.version_at(src, at)
            payload = retrieval.payload_of(version)
            if payload.status == 200:
                return undo_content_encoding(payload.body, payload.body_headers)[0]
        except RetrievalError:
            continue
    return None


_RETRIEVAL: Retrieval | None = None


def worker_start(home_root: str) -> None:
    """Pool initializer: each worker reads the archive through its own engine."""
    global _RETRIEVAL
    _RETRIEVAL = Retrieval(Home(Path(home_root)))


def worker_parse(version: Version) -> dict[str, Any]:
    assert _RETRIEVAL is not None, "worker_start was not called"
    return parse_version(_RETRIEVAL, version)
