"""The archive as the crawler sees it: hand it an HTTP exchange, it lands in a WARC file and
in the index, deduplicated by payload digest across URLs and crawls.

Order of work per exchange: write the records (fsync), then commit the index rows. A crash
in between leaves bytes the index does not claim, never a claim without bytes.

A crawl hands its exchanges to ``Archive.submit``: one writer archives them in groups, one
fsync and one index transaction per group, with the same guarantee (``GroupCommit``, a
thread; or the crawl's writer process, archive.write.process, set with ``set_writer``).
"""

from __future__ import annotations

import logging
import threading
from concurrent.futures import Future
from dataclasses import dataclass
from datetime import datetime
from typing import cast
from urllib.parse import urlsplit

from sqlalchemy import Table, bindparam, insert, select, update
from warcio.statusandheaders import StatusAndHeaders

from archive.models import Capture, WarcFile
from archive.read.locations import Locations
from archive.read.reader import ArchivedRecord, header_value, parse_record, payload_capture
from archive.read.validators import LastValidators, Validators, confirmed_capture
from archive.redact import strip_credentials
from archive.storage import storage_from_env
from archive.surt import surt
from archive.write.files import OpenFiles
from archive.write.groupcommit import ExchangeWriter, GroupCommit
from archive.write.records import Exchange, Resource, Stored
from archive.write.warc import (
    FINGERPRINT_FIELD,
    RUN_FIELD,
    SERVER_NOT_MODIFIED,
    WarcFileWriter,
    label_of_hex,
    sha256_label,
)
from xxgk.base.clock import utcnow
from xxgk.base.db import LazySession, create_schema, make_engine, session_factory
from xxgk.base.digests import EMPTY_SHA256
from xxgk.base.home import Home

log = logging.getLogger(__name__)
_CAPTURES = cast(Table, Capture.__table__)
_WARC_FILES = cast(Table, WarcFile.__table__)
DEFAULT_MAX_WARC_SIZE = 1024 ** 3


@dataclass(frozen=True)
class _Payload:
    """A response whose payload a revisit can point at: indexed (id) or earlier in the
    same batch (row)."""

    id: int | None
    row: int | None
    url: str
    captured_at: datetime
    payload_length: int | None


class Archive:
    """Writes through one open WARC file at a time; thread-safe."""

    def __init__(self, home: Home, *, max_warc_size: int = DEFAULT_MAX_WARC_SIZE,
                 prefix: str = "xxgk", crawl_run_id: int | None = None,
                 maintenance: bool = True) -> None:
        """``maintenance=False`` skips what opening a home does once per process (schema
        migrations, repair of abandoned files, storage check, pending uploads): for a
        helper process (a crawl's archive writer) whose parent has just done it."""
        self.home = home.ensure()
        self.engine = make_engine(home.database_url)
        if maintenance:
            create_schema(self.engine)
        self.sessions = session_factory(self.engine)
        from archive.write.recover import Repaired, repair_abandoned_files

        self.repaired: list[Repaired] = repair_abandoned_files(self) if maintenance else []
        # Where sealed files go: the local folder, or S3 when XXGK_S3_BUCKET is set. Checked
        # now (bucket, versioning, Object Lock), not at the first upload an hour later.
        self.storage = storage_from_env(self.home.archive_dir)
        self.storage_check = self.storage.check() if maintenance else None
        self.locations = Locations(self.home)
        self.locations._storage = self.storage
        self.files = OpenFiles(self.home, self.sessions, self.storage, self.locations,
                               prefix=prefix, max_size=max_warc_size)
        if maintenance:
            self.files.upload_pending()
        self.crawl_run_id = crawl_run_id
        self._lock = threading.Lock()
        self._group: ExchangeWriter | None = None
        self._group_lock = threading.Lock()
        self.validators = LastValidators(self.engine)

    @property
    def prefix(self) -> str:
        """The name prefix of this writer's WARC files (a crawl's writer process shares it)."""
        return self.files.prefix

    def close(self) -> None:
        """Archive what is still queued (``submit``), then seal the open file."""
        with self._group_lock:
            group, self._group = self._group, None
        if group is not None:
            group.close()  # not under self._lock: its writer thread needs it to drain
        self.validators.close()
        with self._lock:
            self.files.seal()
            self.engine.dispose()

    # --- reading the index -------------------------------------------------------------------

    def read(self, capture: Capture) -> ArchivedRecord:
        """A capture's record, wherever its file is (local, still open, or S3)."""
        with self.sessions() as session:
            warc_file = session.get(WarcFile, capture.warc_file_id)
        return parse_record(self.locations.read_range(warc_file, capture.offset,
                                                      capture.length))

    def last_capture(self, url: str) -> Validators | None:
        """The validators of a conditional request for ``url`` (``archive.read.validators``)."""
        return self.validators.last(url)


    # --- writing -----------------------------------------------------------------------------

    def group_commit(self, *, max_batch: int = 64, max_latency: float = 0.05
                     ) -> ExchangeWriter:
        """The writer behind ``submit``: unless one was set (``set_writer``), a GroupCommit
        thread started on first use; the arguments count only for the call that starts it
        (a crawl process starts it with its settings)."""
        with self._group_lock:
            if self._group is None:
                self._group = GroupCommit(self, max_batch=max_batch, max_latency=max_latency)
            return self._group

    def set_writer(self, writer: ExchangeWriter) -> None:
        """Have ``submit`` go to this writer (e.g. a crawl's archive writer process, writing
        into this home through an Archive of its own); ``close`` closes it."""
        with self._group_lock:
            if self._group is not None:
                raise RuntimeError("the archive already has a writer")
            self._group = writer

    def submit(self, exchange: Exchange) -> Future[Stored]:
        """Archive an exchange in the writer thread, together with those submitted about the
        same time (see GroupCommit). The future resolves to what ``record`` returns, once
        the records are on disk and in the committed index; or to its exception."""
        return self.group_commit().submit(exchange)

    def submit_resource(self, resource: Resource) -> Future[int]:
        """``record_resource`` through the writer, when it takes resources (the crawl's
        writer process: its records then stay in the crawl's one WARC file, and the caller,
        the reactor, does not wait for an fsync); otherwise recorded here and now. The
        future resolves to the capture id."""
        with self._group_lock:
            writer = self._group
        submit = getattr(writer, "submit_resource", None)
        if submit is not None:
            return submit(resource)
        future: Future[int] = Future()
        try:
            future.set_result(self.record_resource(
                resource.url, resource.body, resource.content_type,
                record_type=resource.record_type, captured_at=resource.captured_at,
                refers_to=resource.refers_to, crawl_run_id=resource.crawl_run_id))
        except Exception as exc:  # noqa: BLE001 - handed to the caller through the future
            future.set_exception(exc)
        return future

    def flush(self) -> None:
        """Wait until every submitted exchange is archived (or has failed)."""
        with self._group_lock:
            group = self._group
        if group is not None:
            group.flush()

    def record(self, exchange: Exchange) -> Stored:
        """Archive one exchange: on disk (fsync) and in the index before it returns."""
        return self.record_batch([exchange])[0]

    def record_group(self, exchanges: list[Exchange]) -> list[Stored | Exception]:
        """``record_batch``, except that an exchange that cannot be archived fails alone:
        after a failed batch each exchange is tried by itself, and gets its own result or
        exception (what recording them one by one gave)."""
        try:
            return list(self.record_batch(exchanges))
        except Exception as exc:  # noqa: BLE001 - handed back per exchange
            if len(exchanges) == 1:
                return [exc]
        results: list[Stored | Exception] = []
        for exchange in exchanges:
            try:
                results.append(self.record(exchange))
            except Exception as exc:  # noqa: BLE001 - handed back per exchange
                results.append(exc)
        return results

    # record_batch's statements, built once: building and caching a statement cost more
    # than running it, per group of a crawl's responses.
    _KNOWN = (select(Capture.id, Capture.payload_digest, Capture.url, Capture.captured_at,
                     Capture.payload_length)
              .where(Capture.payload_digest.in_(bindparam("digests", expanding=True)),
                     Capture.record_type == "response")
              .order_by(Capture.id.desc()))
    _INSERT = insert(_CAPTURES)
    _IDS = select(Capture.warc_record_id, Capture.id).where(
        Capture.warc_record_id.in_(bindparam("records", expanding=True)))
    _REFERS = (update(_CAPTURES).where(_CAPTURES.c.id == bindparam("capture"))
               .values(refers_to_id=bindparam("refers")))
    _FILE_SIZE = (update(_WARC_FILES).where(_WARC_FILES.c.id == bindparam("file"))
                  .values(size=bindparam("size")))

    def record_batch(self, exchanges: list[Exchange]) -> list[Stored]:
        """Archive several exchanges with one fsync and one index transaction (imports,
        bulk loads, a crawl's group commit): the same guarantee as ``record``, at a fraction
        of the cost per record. Identical payloads within the batch are deduplicated too.
        Core statements on one connection, prepared once; index rows go in as one
        executemany: ORM objects cost more than the rest of the work. (A 304 needs the ORM
        to find the capture it confirms: a session on the same connection, then.)"""
        with self._lock:
            writer, file_id = self.files.current()
            start = writer.size
            try:
                made, ids = self._write_batch(writer, file_id, exchanges)
            except BaseException:
                # Nothing of the batch is claimed (its transaction did not commit): its
                # records go too, so that what is retried (record_group) is there once.
                writer.truncate(start)
                raise
            out = []
            for index, kind, digest, new_payload, original in made:
                payload_id = ids[index] if original is None else (
                    original.id if original.id is not None else ids[original.row])
                out.append(Stored(ids[index], kind, digest, new_payload, payload_id))
            return out

    def _write_batch(self, writer: WarcFileWriter, file_id: int, exchanges: list[Exchange]
                     ) -> tuple[list[tuple[int, str, str | None, bool, _Payload | None]],
                                list[int]]:
        """record_batch's records and index rows, in one transaction: (what _record made
        of each exchange, the ids of the index rows)."""
        with self.engine.begin() as connection:
            session = LazySession(connection)
            try:
                digests = {sha256_label(ex.body)[0] for ex in exchanges
                           if ex.body and ex.status != 304}
                known: dict[str, _Payload] = {}
                if digests:
                    for row in connection.execute(self._KNOWN, {"digests": list(digests)}):
                        known[row.payload_digest] = _Payload(row.id, None, row.url,
                                                             row.captured_at,
                                                             row.payload_length)
                rows: list[dict] = []
                made = [self._record(session, writer, file_id, ex, known, rows)
                        for ex in exchanges]
            finally:
                session.close()
            writer.sync()  # the bytes are on disk before the index claims them
            # executemany, then the ids by record id (unique): RETURNING with row order
            # falls back to one statement per row on SQLite.
            connection.execute(self._INSERT,
                               [{k: v for k, v in row.items() if k != "_refers_row"}
                                for row in rows])
            by_record = dict(connection.execute(
                self._IDS, {"records": [row["warc_record_id"] for row in rows]}).all())
            ids = [by_record[row["warc_record_id"]] for row in rows]
            fixes = [{"capture": ids[i], "refers": ids[row["_refers_row"]]}
                     for i, row in enumerate(rows) if row.get("_refers_row") is not None]
            if fixes:
                connection.execute(self._REFERS, fixes)
            connection.execute(self._FILE_SIZE, {"file": file_id, "size": writer.size})
        return made, ids

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
        previous = confirmed_capture(session, ex.url, ex.request_headers) if ex.status == 304 else None
        if previous is not None:
            record = writer.revisit(ex.url, ex.captured_at, http,
                                    label_of_hex(previous.payload_digest or EMPTY_SHA256),
                                    previous.url, previous.captured_at, SERVER_NOT_MODIFIED,
                                    extra)
            kind, digest = "revisit", previous.payload_digest
            refers = _Payload(previous.id, None, previous.url, previous.captured_at,
                              previous.payload_length)
            source = payload_capture(session, previous)
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
        # Credentials never reach the file (archive.redact): the record is written, and
        # its digests computed, without them.
        request_http = StatusAndHeaders(f"{ex.method} {_target(ex.url)} {ex.protocol}",
                                        strip_credentials(ex.request_headers),
                                        is_http_request=True)
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
            writer, file_id = self.files.current()
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

