"""Whether one WARC record is what its own headers say: one whole record per gzip member,
a block as long as Content-Length, and block and payload digests that recompute.

``verify`` runs this on every record of the archive and ``import`` on every record of a file
before it is taken in. WARC files from elsewhere label digests with other algorithms (wget
and Heritrix write sha1) and encodings (base32 or hex): all are recomputed.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import io
from dataclasses import dataclass, field

from warcio.archiveiterator import ArchiveIterator

from archive.read.reader import ArchivedRecord, RecordMissing, parse_record

ALGORITHMS = {"sha1": "sha1", "sha256": "sha256", "sha512": "sha512", "md5": "md5"}
END_OF_RECORD = b"\r\n\r\n"


@dataclass(frozen=True)
class RecordCheck:
    record: ArchivedRecord | None
    problems: list[str] = field(default_factory=list)
    payload_sha256: str | None = None  # hex, recomputed; None for revisits (no payload)

    @property
    def ok(self) -> bool:
        return not self.problems


def digest_matches(label: str, data: bytes) -> bool | None:
    """Whether ``algorithm:value`` is the digest of ``data``; None for an unknown algorithm."""
    algorithm, _, value = label.strip().partition(":")
    name = ALGORITHMS.get(algorithm.lower())
    if name is None or not value:
        return None
    actual = hashlib.new(name, data).digest()
    return value_bytes(value, len(actual)) == actual


def value_bytes(value: str, size: int) -> bytes | None:
    """The digest bytes of a base32 (as WARC writers use) or hex value, or None."""
    for decode in (lambda v: base64.b32decode(v.upper() + "=" * (-len(v) % 8)),
                   bytes.fromhex):
        try:
            decoded = decode(value)
        except (binascii.Error, ValueError):
            continue
        if len(decoded) == size:
            return decoded
    return None


def label_key(label: str | None) -> tuple[str, bytes] | None:
    """A digest label as (algorithm, bytes), so base32 and hex spellings compare equal."""
    if not label:
        return None
    algorithm, _, value = label.strip().partition(":")
    name = ALGORITHMS.get(algorithm.lower())
    if name is None:
        return None
    raw = value_bytes(value, hashlib.new(name).digest_size)
    return (name, raw) if raw is not None else None


def sha256_hex_of_label(label: str | None) -> str | None:
    """The index's hex form of a sha256 label (either encoding), else None."""
    key = label_key(label)
    return key[1].hex() if key is not None and key[0] == "sha256" else None


def header(record: ArchivedRecord, name: str) -> str | None:
    """A WARC header of a parsed record (case-insensitive)."""
    name = name.lower()
    return next((v for k, v in record.warc_headers if k.lower() == name), None)


def read_record(data: bytes) -> ArchivedRecord:
    """``reader.parse_record``, also for request records.

    parse_record reads a request line's target ("/a.html") as a status code and raises
    ValueError; until reader.py is fixed, requests are parsed here with no status."""
    try:
        return parse_record(data)
    except ValueError:
        pass
    for record in ArchiveIterator(io.BytesIO(data), no_record_parse=False,
                                  ensure_http_headers=False):
        if record.rec_type != "request":
            break
        http = record.http_headers
        return ArchivedRecord(
            record_type=record.rec_type,
            url=record.rec_headers.get_header("WARC-Target-URI") or "",
            warc_headers=list(record.rec_headers.headers), status=None,
            http_headers=list(http.headers) if http is not None else [],
            payload=record.raw_stream.read())
    raise RecordMissing("no readable WARC record in the given bytes")


def check_record(content: bytes) -> RecordCheck:
    """Check the decompressed bytes of one gzip member as exactly one WARC record."""
    try:
        record = read_record(content)
    except Exception as exc:
        return RecordCheck(None, [f"not a readable WARC record ({exc})"])
    problems: list[str] = []
    header_end = content.find(END_OF_RECORD)
    length_text = header(record, "Content-Length") or ""
    if header_end < 0 or not length_text.strip().isdigit():
        return RecordCheck(record, ["WARC headers without an end or a Content-Length"])
    block_start = header_end + len(END_OF_RECORD)
    block = content[block_start:block_start + int(length_text)]
    trailer = content[block_start + int(length_text):]
    if len(block) != int(length_text):
        problems.append(f"block is {len(block)} bytes, Content-Length says {length_text}")
    elif trailer != END_OF_RECORD:
        problems.append("more than one record in one gzip member" if
                        trailer.startswith(END_OF_RECORD + b"WARC/") else
                        "the record does not end where its Content-Length says")
    block_label = header(record, "WARC-Block-Digest")
    if block_label and digest_matches(block_label, block) is False:
        problems.append(f"WARC-Block-Digest {block_label} does not match the block")
    payload_sha256 = None
    if record.record_type != "revisit":
        payload_sha256 = hashlib.sha256(record.payload).hexdigest()
        payload_label = header(record, "WARC-Payload-Digest")
        if payload_label and digest_matches(payload_label, record.payload) is False:
            problems.append(f"WARC-Payload-Digest {payload_label} does not match the payload")
    return RecordCheck(record, problems, payload_sha256)
