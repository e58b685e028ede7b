"""Walking a WARC file gzip member by gzip member, in one forward pass.

Our files hold one record per gzip member, and the index points at members, so a walk that
knows where every member starts and ends can check index offsets/lengths, and by hashing the
bytes as they pass it checks the file's sha256 in the same read (a file in S3 is read once).

A damaged member (a flipped byte fails the gzip CRC; a cut one ends early) does not end the
walk: it restarts at the next offset the caller knows a record starts at, so one bad record
does not hide the state of the others.
"""

from __future__ import annotations

import bisect
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import BinaryIO, Protocol

CHUNK = 1 << 20
GZIP_MAGIC = b"\x1f\x8b"


class Hasher(Protocol):
    def update(self, data: bytes, /) -> None: ...


@dataclass(frozen=True)
class Member:
    """One gzip member: its compressed span, and its content when it is whole."""

    offset: int
    length: int  # compressed bytes; on error, how far the walk got before giving up
    content: bytes | None  # decompressed bytes; None if the member is damaged
    error: str | None = None

    @property
    def end(self) -> int:
        return self.offset + self.length


class _Reader:
    """A forward-only byte source that hashes everything it reads, and can skip ahead."""

    def __init__(self, stream: BinaryIO, hasher: Hasher | None, limit: int | None) -> None:
        self.stream = stream
        self.hasher = hasher
        self.limit = limit
        self.position = 0  # bytes read from the stream so far

    def read(self) -> bytes:
        size = CHUNK if self.limit is None else min(CHUNK, self.limit - self.position)
        data = self.stream.read(size) if size > 0 else b""
        if data and self.hasher is not None:
            self.hasher.update(data)
        self.position += len(data)
        return data

    def drain(self) -> None:
        while self.read():
            pass


def walk_members(stream: BinaryIO, *, restarts: Sequence[int] = (),
                 hasher: Hasher | None = None, limit: int | None = None) -> Iterator[Member]:
    """Members from offset 0 to the end (or ``limit``); after a damaged one, continue at the
    next of the sorted ``restarts`` offsets. The whole stream passes through ``hasher`` even
    when the walk stops early, so the file digest is always of every byte."""
    reader = _Reader(stream, hasher, limit)
    window = b""  # bytes from `start` on that were read but not yet assigned to a member
    start = 0
    while True:
        if not window:
            window = reader.read()
            if not window:
                return
        member, used, window = _one_member(start, window, reader)
        yield member
        if member.error is None:
            start += used
            continue
        # Restart at the next known record start after the damage, from the bytes held back
        # (a damaged deflate stream may run past the next member) or further on in the file.
        index = bisect.bisect_right(restarts, start)
        if index == len(restarts):
            reader.drain()
            return
        target = restarts[index]
        position = start + len(window)  # the offset of the first byte not yet read
        window = window[target - start:] if target < position else b""
        while position < target:
            data = reader.read()
            if not data:
                return
            if position + len(data) > target:
                window = data[target - position:]
            position += len(data)
        start = target


def _one_member(start: int, window: bytes, reader: _Reader) -> tuple[Member, int, bytes]:
    """Decompress the member at the head of ``window`` (reading more as needed).

    Returns the member, the compressed bytes it used, and the window: on success the bytes
    after the member, on error every byte from ``start`` on (for the restart)."""
    held = bytearray(window)
    while len(held) < len(GZIP_MAGIC) and (data := reader.read()):
        held += data
    if held[:2] != GZIP_MAGIC:
        return Member(start, 0, None, "no gzip member starts here"), 0, bytes(held)
    inflater = zlib.decompressobj(wbits=31)  # gzip wrapper: CRC32 and length are checked
    content: list[bytes] = []
    fed = 0
    while not inflater.eof:
        if fed == len(held):
            data = reader.read()
            if not data:
                return (Member(start, fed, None, f"gzip member cut short after {fed} bytes"),
                        fed, bytes(held))
            held += data
        chunk = bytes(held[fed:])
        try:
            content.append(inflater.decompress(chunk))
        except zlib.error as exc:
            return Member(start, fed, None, f"gzip member damaged ({exc})"), fed, bytes(held)
        fed += len(chunk)
    used = fed - len(inflater.unused_data)
    return Member(start, used, b"".join(content)), used, bytes(held[used:])
