"""WARC 1.1 files written through warcio: gzip per record, sha256 digests, one warcinfo
record per file, written under a temporary name and sealed (renamed, hashed) when closed.
"""

from __future__ import annotations

import base64
import hashlib
import io
import os
import socket
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.timeutils import datetime_to_iso_date
from warcio.utils import Digester
from warcio.warcwriter import WARCWriter

from archive.read.reader import OPEN_SUFFIX
from archive.storage.base import file_sha256


class Sha256WARCWriter(WARCWriter):
    """warcio writes sha1 digests by default; WARC 1.1 allows any labelled algorithm."""

    @staticmethod
    def _create_digester() -> Digester:
        return Digester("sha256")


def warc_date(moment: datetime) -> str:
    """WARC 1.1 date with microseconds, in UTC."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(timezone.utc).replace(tzinfo=None)
    return datetime_to_iso_date(moment, use_micros=True)


@dataclass(frozen=True)
class Written:
    record_id: str
    offset: int
    length: int


class WarcFileWriter:
    """Appends records to one WARC file; ``seal`` closes it under its final name."""

    def __init__(self, directory: Path, name: str, software: str) -> None:
        self.name = name
        self.final_path = directory / name
        self.path = directory / (name + OPEN_SUFFIX)
        directory.mkdir(parents=True, exist_ok=True)
        self._fh = open(self.path, "ab")
        self._writer = Sha256WARCWriter(self._fh, gzip=True, warc_version="1.1")
        if self._fh.tell() == 0:
            info = {"software": software, "format": "WARC File Format 1.1",
                    "hostname": socket.gethostname(),
                    "conformsTo": "https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/"}
            self.write(self._writer.create_warcinfo_record(name, info))

    @property
    def size(self) -> int:
        return self._fh.tell()

    def write(self, record, sync: bool = True) -> Written:  # type: ignore[no-untyped-def]
        offset = self._fh.tell()
        self._writer.write_record(record)
        if sync:
            self.sync()
        return Written(record.rec_headers.get_header("WARC-Record-ID"), offset,
                       self._fh.tell() - offset)

    def sync(self) -> None:
        """Flush and fsync: the index may only claim what is on disk."""
        self._fh.flush()
        os.fsync(self._fh.fileno())

    def truncate(self, size: int) -> None:
        """Cut the file back to ``size`` bytes: the records written after it were never
        claimed by the index (their transaction failed) and are written again, or not at
        all; left in place they would be records the index does not know."""
        self._fh.flush()
        self._fh.truncate(size)
        self._fh.seek(size)

    def response(self, url: str, when: datetime, http: StatusAndHeaders, body: bytes,
                 extra: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
        headers = {"WARC-Date": warc_date(when), **(extra or {})}
        return self._writer.create_warc_record(url, "response", payload=io.BytesIO(body),
                                               length=len(body), http_headers=http,
                                               warc_headers_dict=headers)

    def request(self, url: str, when: datetime, http: StatusAndHeaders, body: bytes,
                concurrent_to: str, extra: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
        headers = {"WARC-Date": warc_date(when), "WARC-Concurrent-To": concurrent_to,
                   **(extra or {})}
        return self._writer.create_warc_record(url, "request", payload=io.BytesIO(body),
                                               length=len(body), http_headers=http,
                                               warc_headers_dict=headers)

    def revisit(self, url: str, when: datetime, http: StatusAndHeaders, digest: str,
                refers_to_url: str, refers_to_date: datetime, profile: str | None = None,
                extra: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
        record = self._writer.create_revisit_record(
            url, digest, refers_to_url, warc_date(refers_to_date), http_headers=http,
            warc_headers_dict={"WARC-Date": warc_date(when), **(extra or {})})
        if profile:
            record.rec_headers.replace_header("WARC-Profile", profile)
        return record

    def resource(self, url: str, when: datetime, record_type: str, content_type: str,
                 body: bytes, extra: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
        headers = {"WARC-Date": warc_date(when), **(extra or {})}
        return self._writer.create_warc_record(url, record_type, payload=io.BytesIO(body),
                                               length=len(body), warc_content_type=content_type,
                                               warc_headers_dict=headers)

    def seal(self) -> tuple[int, str]:
        """Close, rename to the final name, return (size, sha256 of the file)."""
        self._fh.close()
        digest = file_sha256(self.path)
        size = self.path.stat().st_size
        os.replace(self.path, self.final_path)
        return size, digest


# Our own fields (WARC 1.1 allows extension fields): which crawl run and which request a
# record belongs to, so an index rebuilt from the files alone (repair, import) keeps them.
RUN_FIELD = "XXGK-Crawl-Run"
FINGERPRINT_FIELD = "XXGK-Request-Fingerprint"

SERVER_NOT_MODIFIED = "http://netpreserve.org/warc/1.1/revisit/server-not-modified"


def sha256_label(data: bytes) -> tuple[str, str]:
    """(hex for the index, 'sha256:BASE32' as WARC-Payload-Digest)."""
    digest = hashlib.sha256(data).hexdigest()
    return digest, label_of_hex(digest)


def label_of_hex(hex_digest: str) -> str:
    """The WARC form of a sha256 the index keeps in hex."""
    return "sha256:" + base64.b32encode(bytes.fromhex(hex_digest)).decode()
