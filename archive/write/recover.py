"""Repair after a crash: WARC files left open by a writer that is gone.

The writer fsyncs each record before the index row is committed, so after a SIGKILL the index
never claims bytes the file lacks; the file may hold more than the index claims (records
written, commit not reached) and end in a half-written gzip member. Repair keeps every whole
record (indexing the ones the index missed: they were fetched, so they are kept), cuts the
half-written tail, and seals the file. ``verify`` passes afterwards.
"""

from __future__ import annotations

import base64
import logging
import os
import zlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from sqlalchemy import func, select
from warcio.timeutils import iso_date_to_datetime

from archive.models import Capture, WarcFile
from archive.read.reader import (
    OPEN_SUFFIX,
    ArchivedRecord,
    RecordMissing,
    file_path,
    header_value,
    parse_record,
)
from archive.storage.base import UnresolvedLocation, file_sha256
from archive.surt import surt
from archive.write.warc import FINGERPRINT_FIELD, RUN_FIELD
from xxgk.base.clock import utcnow
from xxgk.base.processes import process_alive

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker

    from xxgk.base.home import Home


class Opened(Protocol):
    """What a repair needs of the archive that opens (``Archive``): its home and sessions."""

    home: Home
    sessions: sessionmaker[Session]

log = logging.getLogger(__name__)
_CHUNK = 1 << 16


@dataclass(frozen=True)
class Repaired:
    name: str
    kept_bytes: int
    cut_bytes: int
    indexed_orphans: int


def _writer_alive(writer: str | None) -> bool:
    """Whether the process that opened a file (``host:pid``) may still be writing it."""
    if not writer or ":" not in writer:
        return False
    host, pid = writer.rsplit(":", 1)
    return pid.isdigit() and process_alive(host, int(pid))


def member_end(fh, start: int) -> int | None:  # type: ignore[no-untyped-def]
    """End offset of the whole gzip member starting at ``start``, or None if it is cut."""
    fh.seek(start)
    inflater = zlib.decompressobj(wbits=31)
    consumed = 0
    while not inflater.eof:
        chunk = fh.read(_CHUNK)
        if not chunk:
            return None
        try:
            inflater.decompress(chunk)
        except zlib.error:
            return None
        consumed += len(chunk)
    return start + consumed - len(inflater.unused_data)


def _hex_digest(label: str | None) -> str | None:
    if not label or not label.startswith("sha256:"):
        return None
    return base64.b32decode(label.split(":", 1)[1]).hex()


def capture_of_record(session, record: ArchivedRecord, warc_file_id: int, offset: int,
                      length: int) -> Capture | None:  # type: ignore[no-untyped-def]
    """An index row for a record read back from a WARC file (repair, import)."""
    if record.record_type == "warcinfo":
        return None
    headers = record.warc_headers
    when = iso_date_to_datetime(header_value(headers, "WARC-Date") or "")
    digest = _hex_digest(header_value(headers, "WARC-Payload-Digest"))
    content_type = (header_value(record.http_headers, "Content-Type") if record.http_headers
                    else header_value(headers, "Content-Type")) or ""
    refers = None
    if record.record_type == "revisit" and digest:
        refers = session.scalars(select(Capture).where(
            Capture.payload_digest == digest, Capture.record_type == "response")
            .order_by(Capture.id).limit(1)).first()
    run = header_value(headers, RUN_FIELD)
    return Capture(
        url=record.url, surt=surt(record.url), captured_at=when,
        record_type=record.record_type, status=record.status,
        mime=content_type.split(";")[0].strip() or None,
        payload_digest=digest if record.record_type != "request" else None,
        payload_length=len(record.payload) if record.record_type != "revisit" else (
            refers.payload_length if refers else None),
        warc_record_id=header_value(headers, "WARC-Record-ID") or "",
        warc_file_id=warc_file_id, offset=offset, length=length,
        refers_to_id=refers.id if refers else None,
        etag=header_value(record.http_headers, "ETag"),
        last_modified=header_value(record.http_headers, "Last-Modified"),
        crawl_run_id=int(run) if run and run.isdigit() else None,
        fingerprint=header_value(headers, FINGERPRINT_FIELD))


def repair_file(archive: Opened, row: WarcFile) -> Repaired | None:
    """Make one abandoned open file whole and sealed; None if there is nothing to repair."""
    try:
        # The open file, or the sealed one if it was renamed but the index update did not
        # happen; in this home's archive folder, wherever the home was when it was written.
        path = file_path(row, archive.home.archive_dir)
    except UnresolvedLocation as exc:
        log.error("WARC file %s cannot be repaired: %s", row.name, exc)
        return None
    if not path.exists():
        log.error("WARC file %s is in the index but on no disk (%s)", row.name, path)
        return None
    final = path.with_name(path.name.removesuffix(OPEN_SUFFIX))
    with archive.sessions.begin() as session:
        claimed = session.scalar(select(func.max(Capture.offset + Capture.length))
                                 .where(Capture.warc_file_id == row.id)) or 0
        known = set(session.scalars(select(Capture.warc_record_id)
                                    .where(Capture.warc_file_id == row.id)))
        orphans = 0
        with open(path, "r+b") as fh:
            size = fh.seek(0, os.SEEK_END)
            good = 0
            # The whole file is walked, not only from `claimed`: the tail beyond it is short,
            # and the walk from 0 proves every claimed record is a whole member.
            position = 0
            while position < size:
                end = member_end(fh, position)
                if end is None:
                    break
                fh.seek(position)
                data = fh.read(end - position)
                try:
                    record = parse_record(data)
                except Exception:  # noqa: BLE001 - a damaged tail record ends the walk
                    break
                if position >= claimed and record.warc_headers:
                    record_id = header_value(record.warc_headers, "WARC-Record-ID")
                    if record_id not in known:
                        capture = capture_of_record(session, record, row.id, position,
                                                    end - position)
                        if capture is not None:
                            session.add(capture)
                            session.flush()
                            orphans += 1
                good = end
                position = end
            if good < claimed:
                raise RecordMissing(f"{row.name}: the index claims {claimed} bytes, only "
                                    f"{good} are whole; run `xxgk archive verify`")
            fh.truncate(good)
            fh.flush()
            os.fsync(fh.fileno())
        digest = file_sha256(path)
        if path != final:
            os.replace(path, final)
        db_row = session.get(WarcFile, row.id)
        db_row.size, db_row.sha256, db_row.sealed = good, digest, True
        db_row.sealed_at = utcnow()
    result = Repaired(row.name, good, size - good, orphans)
    log.warning("repaired abandoned WARC file %s: kept %d bytes, cut %d, indexed %d orphan "
                "records", row.name, good, size - good, orphans)
    return result


def repair_abandoned_files(archive: Opened) -> list[Repaired]:
    """Repair every unsealed file whose writer process is gone (called when an Archive opens)."""
    with archive.sessions() as session:
        rows = list(session.scalars(select(WarcFile).where(WarcFile.sealed.is_(False))))
    repaired = []
    for row in rows:
        if _writer_alive(row.writer):
            continue
        done = repair_file(archive, row)
        if done is not None:
            repaired.append(done)
    return repaired
