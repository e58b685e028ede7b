"""The archive as the crawler sees it: hand it an HTTP exchange, it lands in a WARC file and
in the index, deduplicated by payload digest across URLs and crawls.

Order of work per exchange: write the records (fsync), then commit the index rows. A crash
in between leaves bytes the index does not claim, never a claim without bytes.
"""

from __future__ import annotations

import hashlib
import logging
import os
import socket
import threading
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urlsplit

from sqlalchemy import bindparam, insert, select, update
from warcio.statusandheaders import StatusAndHeaders

from .db import create_schema, make_engine, session_factory
from .locations import Locations
from .reader import ArchivedRecord, header_value, parse_record
from .storage import LocalStorage, StorageError, storage_from_env
from .home import Home
from .models import Capture, WarcFile
from .surt import surt
from .warc import (
    FINGERPRINT_FIELD, RUN_FIELD, SERVER_NOT_MODIFIED, WarcFileWriter, label_of_hex,
    sha256_label,
)

log = logging.getLogger(__name__)
DEFAULT_MAX_WARC_SIZE = 1024 ** 3
EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()
SOFTWARE = "xxgk-archive (warcio)"


@dataclass(frozen=True)
class Exchange:
    """One HTTP request and the response as received (body before any decoding)."""

    url: str
    method: str
    request_headers: list[tuple[str, str]]
    request_body: bytes
    protocol: str  # HTTP/1.1
    status: int
    reason: str
    response_headers: list[tuple[str, str]]
    body: bytes
    captured_at: datetime  # UTC
    crawl_run_id: int | None = None
    fingerprint: str | None = None  # the client's request key, for resuming


@dataclass(frozen=True)
class _Payload:
    """A response whose payload a revisit can point at: indexed (id) or earlier in the
    same batch (row)."""

    id: int | None
    row: int | None
    url: str
    captured_at: datetime
    payload_length: int | None


@dataclass(frozen=True)
class Validators:
    """What a conditional request needs from the last capture of its URL."""

    id: int
    etag: str | None
    last_modified: str | None


@dataclass(frozen=True)
class Stored:
    capture_id: int
    record_type: str  # response | revisit
    payload_digest: str | None
    new_payload: bool  # False: identical bytes were already archived (or 304)
    payload_capture_id: int  # the capture whose record holds the payload bytes


def utcnow() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


def writer_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


class Archive:
    """Writes through one open WARC file at a time; thread-safe."""

    def __init__(self, home: Home, *, max_warc_size: int = DEFAULT_MAX_WARC_SIZE,
                 prefix: str = "xxgk", crawl_run_id: int | None = None) -> None:
        self.home = home.ensure()
        self.engine = make_engine(home.database_url)
        create_schema(self.engine)
        self.sessions = session_factory(self.engine)
        from .recover import repair_abandoned_files

        self.repaired = repair_abandoned_files(self)
        # Where sealed files go: the local folder, or S3 when XXGK_S3_BUCKET is set. Checked
        # now (bucket, versioning, Object Lock), not at the first upload an hour later.
        self.storage = storage_from_env(self.home.archive_dir)
        self.storage_check = self.storage.check()
        self.locations = Locations(self.home)
        self.locations._storage = self.storage
        self._upload_pending()
        self.max_warc_size = max_warc_size
        self.prefix = prefix
        self.crawl_run_id = crawl_run_id
        self._writer: WarcFileWriter | None = None
        self._file_id: int | None = None
        self._serial = 0
        self._lock = threading.Lock()

    # --- files -----------------------------------------------------------------------------

    def _current(self) -> tuple[WarcFileWriter, int]:
        if self._writer is not None and self._writer.size >= self.max_warc_size:
            self._seal()
        if self._writer is None:
            now = utcnow()
            self._serial += 1
            name = f"{self.prefix}-{now:%Y%m%d%H%M%S%f}-{self._serial:05d}.warc.gz"
            directory = self.home.archive_dir
            self._writer = WarcFileWriter(directory, name, SOFTWARE)
            with self.sessions.begin() as session:
                row = WarcFile(name=name, location=str(directory / name), created_at=now,
                               size=self._writer.size, writer=writer_id())
                session.add(row)
                session.flush()
                self._file_id = row.id
        return self._writer, self._file_id  # type: ignore[return-value]

    def _upload_pending(self) -> None:
        """Sealed files still on local disk while the storage is elsewhere (repaired after a
        crash, or an upload that failed): stored now."""
        if isinstance(self.storage, LocalStorage):
            return
        with self.sessions() as session:
            pending = list(session.scalars(select(WarcFile).where(
                WarcFile.sealed.is_(True), ~WarcFile.location.startswith("s3://"))))
        for row in pending:
            path = Path(row.location)
            if not path.exists():
                continue
            try:
                location = self.storage.put_sealed(path, row.name, row.sha256)
            except StorageError as exc:
                log.error("could not store %s (%s); it stays at %s", row.name, exc, path)
                continue
            with self.sessions.begin() as session:
                session.get(WarcFile, row.id).location = location

    def _seal(self) -> None:
        if self._writer is None:
            return
        size, sha = self._writer.seal()
        location = str(self._writer.final_path)
        try:
            location = self.storage.put_sealed(self._writer.final_path, self._writer.name, sha)
        except StorageError as exc:
            # The sealed file stays on local disk and in the index there: a later
            # `xxgk archive` run can upload it; nothing is lost.
            log.error("could not store %s (%s); it stays at %s", self._writer.name, exc,
                      location)
        with self.sessions.begin() as session:
            row = session.get(WarcFile, self._file_id)
            row.size, row.sha256, row.sealed, row.sealed_at = size, sha, True, utcnow()
            row.location = location
        self._writer = None
        self._file_id = None

    def close(self) -> None:
        with self._lock:
            self._seal()
            self.engine.dispose()

    # --- reading the index -------------------------------------------------------------------

    def read(self, capture: Capture) -> ArchivedRecord:
        """A capture's record, wherever its file is (local, still open, or S3)."""
        with self.sessions() as session:
            warc_file = session.get(WarcFile, capture.warc_file_id)
        return parse_record(self.locations.read_range(warc_file, capture.offset,
                                                      capture.length))

    _VALIDATED = (select(Capture.id, Capture.etag, Capture.last_modified)
                  .where(Capture.url == bindparam("url"),
                         Capture.record_type.in_(("response", "revisit")),
                         Capture.status.in_((200, 203, 206, 304)),
                         Capture.etag.is_not(None) | Capture.last_modified.is_not(None))
                  .order_by(Capture.captured_at.desc(), Capture.id.desc()).limit(1))

    def last_capture(self, url: str) -> Validators | None:
        """The newest successful capture of a URL with validators (ETag, Last-Modified), for
        conditional requests: a challenge, a cookie stub or a 503 says nothing about it.
        Asked for every request: one prepared Core statement, no ORM objects."""
        with self.engine.connect() as connection:
            row = connection.execute(self._VALIDATED, {"url": url}).first()
        return Validators(*row) if row is not None else None

    @staticmethod
    def payload_capture(session, capture: Capture) -> Capture:  # type: ignore[no-untyped-def]
        """The response record that holds a capture's payload (revisits point back)."""
        seen = set()
        while capture.record_type == "revisit" and capture.refers_to_id is not None \
                and capture.id not in seen:
            seen.add(capture.id)
            capture = session.get(Capture, capture.refers_to_id)
        return capture

    def _validated(self, session, ex: Exchange) -> Capture | None:  # type: ignore[no-untyped-def]
        """The capture a 304 is about: the one whose validators the request sent (not
        simply the latest 200: a cookie stub or an error page may have come in between)."""
        query = select(Capture).where(Capture.url == ex.url,
                                      Capture.record_type.in_(("response", "revisit")),
                                      Capture.status.between(200, 299))
        etag = header_value(ex.request_headers, "If-None-Match")
        since = header_value(ex.request_headers, "If-Modified-Since")
        newest = Capture.captured_at.desc()
        for condition in ((Capture.etag == etag) if etag else None,
                          (Capture.last_modified == since) if since else None):
            if condition is not None:
                found = session.scalars(query.where(condition).order_by(newest).limit(1)).first()
                if found is not None:
                    return found
        return session.scalars(query.order_by(newest).limit(1)).first()

    # --- writing -----------------------------------------------------------------------------

    def record(self, exchange: Exchange) -> Stored:
        """Archive one exchange: on disk (fsync) and in the index before it returns."""
        return self.record_batch([exchange])[0]

    def record_batch(self, exchanges: list[Exchange]) -> list[Stored]:
        """Archive several exchanges with one fsync and one index transaction (imports,
        bulk loads): the same guarantee as ``record``, at a fraction of the cost per record.
        Identical payloads within the batch are deduplicated too. Index rows go in as one
        Core executemany: ORM objects cost more than the rest of the work."""
        with self._lock:
            writer, file_id = self._current()
            with self.sessions.begin() as session:
                digests = {sha256_label(ex.body)[0] for ex in exchanges
                           if ex.body and ex.status != 304}
                known: dict[str, _Payload] = {}
                if digests:
                    for row in session.execute(
                            select(Capture.id, Capture.payload_digest, Capture.url,
                                   Capture.captured_at, Capture.payload_length)
                            .where(Capture.payload_digest.in_(digests),
                                   Capture.record_type == "response")
                            .order_by(Capture.id.desc())):
                        known[row.payload_digest] = _Payload(row.id, None, row.url,
                                                             row.captured_at,
                                                             row.payload_length)
                rows: list[dict] = []
                made = [self._record(session, writer, file_id, ex, known, rows)
                        for ex in exchanges]
                writer.sync()  # the bytes are on disk before the index claims them
                # executemany, then the ids by record id (unique): RETURNING with row order
                # falls back to one statement per row on SQLite.
                connection = session.connection()
                connection.execute(insert(Capture.__table__),
                                   [{k: v for k, v in row.items() if k != "_refers_row"}
                                    for row in rows])
                by_record = dict(connection.execute(
                    select(Capture.warc_record_id, Capture.id).where(
                        Capture.warc_record_id.in_([row["warc_record_id"] for row in rows]))
                ).all())
                ids = [by_record[row["warc_record_id"]] for row in rows]
                fixes = [{"capture": ids[i], "refers": ids[row["_refers_row"]]}
                         for i, row in enumerate(rows) if row.get("_refers_row") is not None]
                if fixes:
                    connection.execute(
                        update(Capture.__table__)
                        .where(Capture.__table__.c.id == bindparam("capture"))
                        .values(refers_to_id=bindparam("refers")), fixes)
                session.execute(update(WarcFile).where(WarcFile.id == file_id)
                                .values(size=writer.size))
                out = []
                for index, kind, digest, new_payload, original in made:
                    payload_id = ids[index] if original is None else (
                        original.id if original.id is not None else ids[original.row])
                    out.append(Stored(ids[index], kind, digest, new_payload, payload_id))
                return out

    def _record(self, session, writer: WarcFileWriter, file_id: int,  # type: ignore[no-untyped-def]
                ex: Exchange, known: dict[str, _Payload], rows: list[dict]
                ) -> tuple[int, str, str | None, bool, _Payload | None]:
        """Write one exchange's records and queue its index rows (inserted by the caller)."""
        http = StatusAndHeaders(f"{ex.status} {ex.reason}".strip(), ex.response_headers,
                                protocol=ex.protocol)
        hex_digest, label = sha256_label(ex.body)
        mime = (header_value(ex.response_headers, "Content-Type") or "").split(";")[0].strip() or None
        run_id = ex.crawl_run_id or self.crawl_run_id
        extra = {RUN_FIELD: str(run_id)} if run_id else {}
        if ex.fingerprint:
            extra[FINGERPRINT_FIELD] = ex.fingerprint
        refers: _Payload | None = None
        original: _Payload | None = None
        previous = self._validated(session, ex) if ex.status == 304 else None
        if previous is not None:
            record = writer.revisit(ex.url, ex.captured_at, http,
                                    label_of_hex(previous.payload_digest or EMPTY_SHA256),
                                    previous.url, previous.captured_at, SERVER_NOT_MODIFIED,
                                    extra)
            kind, digest = "revisit", previous.payload_digest
            refers = _Payload(previous.id, None, previous.url, previous.captured_at,
                              previous.payload_length)
            source = self.payload_capture(session, previous)
            original = _Payload(source.id, None, source.url, source.captured_at,
                                source.payload_length)
        elif ex.body and ex.status != 304 and hex_digest in known:
            original = refers = known[hex_digest]
            record = writer.revisit(ex.url, ex.captured_at, http, label, original.url,
                                    original.captured_at, None, extra)
            kind, digest = "revisit", hex_digest
        else:
            record = writer.response(ex.url, ex.captured_at, http, ex.body, extra)
            kind, digest = "response", hex_digest if ex.body else None
        written = writer.write(record, sync=False)
        request_http = StatusAndHeaders(f"{ex.method} {_target(ex.url)} {ex.protocol}",
                                        ex.request_headers, is_http_request=True)
        request = writer.write(writer.request(ex.url, ex.captured_at, request_http,
                                              ex.request_body, written.record_id, extra),
                               sync=False)
        key = surt(ex.url)
        index = len(rows)
        rows.append({
            "url": ex.url, "surt": key, "captured_at": ex.captured_at, "record_type": kind,
            "status": ex.status, "mime": mime, "payload_digest": digest,
            "payload_length": len(ex.body) if kind == "response" else (
                refers.payload_length if refers else None),
            "warc_record_id": written.record_id, "warc_file_id": file_id,
            "offset": written.offset, "length": written.length,
            "refers_to_id": refers.id if refers is not None else None,
            "_refers_row": refers.row if refers is not None and refers.id is None else None,
            "etag": header_value(ex.response_headers, "ETag"),
            "last_modified": header_value(ex.response_headers, "Last-Modified"),
            "crawl_run_id": run_id, "fingerprint": ex.fingerprint})
        rows.append({
            "url": ex.url, "surt": key, "captured_at": ex.captured_at, "record_type": "request",
            "status": None, "mime": None, "payload_digest": None, "payload_length": None,
            "warc_record_id": request.record_id, "warc_file_id": file_id,
            "offset": request.offset, "length": request.length, "refers_to_id": None,
            "_refers_row": None, "etag": None, "last_modified": None, "crawl_run_id": run_id,
            "fingerprint": ex.fingerprint})
        if kind == "response" and ex.body:
            # Later exchanges in the batch dedup against this row (its id comes later).
            known.setdefault(hex_digest, _Payload(None, index, ex.url, ex.captured_at,
                                                  len(ex.body)))
        return index, kind, digest, kind == "response" and bool(ex.body), original

    def record_resource(self, url: str, body: bytes, content_type: str, *,
                        record_type: str = "resource", captured_at: datetime | None = None,
                        refers_to: str | None = None, crawl_run_id: int | None = None) -> int:
        """A browser snapshot or extracted text: stored as what it is, never as a response."""
        with self._lock:
            writer, file_id = self._current()
            when = captured_at or utcnow()
            extra = {"WARC-Refers-To": refers_to} if refers_to else None
            written = writer.write(writer.resource(url, when, record_type, content_type, body,
                                                   extra))
            with self.sessions.begin() as session:
                capture = Capture(url=url, surt=surt(url), captured_at=when,
                                  record_type=record_type, mime=content_type,
                                  payload_digest=sha256_label(body)[0], payload_length=len(body),
                                  warc_record_id=written.record_id, warc_file_id=file_id,
                                  offset=written.offset, length=written.length,
                                  crawl_run_id=crawl_run_id or self.crawl_run_id)
                session.add(capture)
                session.flush()
                return capture.id


def _target(url: str) -> str:
    parts = urlsplit(url)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")

