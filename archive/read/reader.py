"""Reading records back from WARC files by the index's (file, offset, length).

The crawler needs this to answer a 304 from the archive (the spider still has to see the page
to follow its links), and archivists need it to get any version as it was.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

from archive.models import Capture, WarcFile
from archive.storage.local import local_file_exists, local_path

# A WARC file still being written carries this suffix until it is sealed.
OPEN_SUFFIX = ".open"


class RecordMissing(Exception):
    """The index claims a record the WARC file does not hold (damage, or a lost file)."""


@dataclass(frozen=True)
class ArchivedRecord:
    record_type: str
    url: str
    warc_headers: list[tuple[str, str]]
    status: int | None
    http_headers: list[tuple[str, str]]
    payload: bytes  # as received: Content-Encoding and chunking not undone


def header_value(pairs: list[tuple[str, str]], name: str) -> str | None:
    """The first value of a header in (name, value) pairs, names compared case-blind."""
    name = name.lower()
    return next((v for k, v in pairs if k.lower() == name), None)


def file_path(warc_file: WarcFile, archive_dir: Path) -> Path:
    """Where a local WARC file is now, in the archive folder of the home being used (which
    may have moved since the file was written): sealed under its final name, or still open.
    Raises UnresolvedLocation (``archive.storage.local.local_path``) rather than read from
    another place."""
    location = warc_file.location
    if not warc_file.sealed and not local_file_exists(location, archive_dir):
        location += OPEN_SUFFIX
    return local_path(location, archive_dir)


def parse_record(data: bytes) -> ArchivedRecord:
    """One gzipped WARC record (exactly its bytes) into its parts."""
    for record in ArchiveIterator(io.BytesIO(data), no_record_parse=False,
                                  ensure_http_headers=False):
        http = record.http_headers
        code = http.get_statuscode() if http is not None else None
        # A request record's first line is "GET /path HTTP/1.1": it has no status.
        status = int(code) if record.rec_type in ("response", "revisit") and code and \
            code.isdigit() else None
        return ArchivedRecord(
            record_type=record.rec_type,
            url=record.rec_headers.get_header("WARC-Target-URI") or "",
            warc_headers=list(record.rec_headers.headers),
            status=status,
            http_headers=list(http.headers) if http is not None else [],
            payload=record.raw_stream.read())
    raise RecordMissing("no WARC record in the given bytes")


def payload_capture(session, capture: Capture) -> Capture:  # type: ignore[no-untyped-def]
    """The response record that holds a capture's payload (revisits point back)."""
    seen = set()
    while capture.record_type == "revisit" and capture.refers_to_id is not None \
            and capture.id not in seen:
        seen.add(capture.id)
        capture = session.get(Capture, capture.refers_to_id)
    return capture
