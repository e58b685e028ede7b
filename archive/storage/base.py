"""What every storage backend promises, and the errors a caller can tell apart.

The index (``WarcFile.location``) keeps the string a backend returned from ``put_sealed``
(local files: a path relative to the home's archive folder, so that the home can move);
everything else (ranged reads for replay, whole-file streams for verify/export) goes through
that string, so the archive does not care where the bytes live.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, Protocol

CHUNK = 1 << 20


class StorageError(Exception):
    """A storage operation failed; the message names the location and what was expected."""


class StorageConfigError(StorageError):
    """The backend cannot work as configured (credentials, bucket, Object Lock): raised at
    construction or ``check()``, so a run stops before it archives anything."""


class MissingObject(StorageError):
    """The location the index names holds nothing (a lost file or object)."""


class UnresolvedLocation(MissingObject):
    """A local location that does not lead into this home's archive folder: a relative one
    climbing out of it, or an absolute one that is neither inside it nor on this disk. Never
    read from anywhere else: the message names the location and the folder looked in."""


class ShortRead(StorageError):
    """Fewer bytes came back than the index claims: damage, truncation or a wrong offset."""


class UploadMismatch(StorageError):
    """What the store holds after an upload is not the sealed local file."""


@dataclass(frozen=True)
class StorageCheck:
    """The state found (and set) by ``check()``, for the operator's start-up log."""

    backend: str
    versioning: str | None = None  # S3: Enabled | Suspended | Off; None for local folders
    object_lock: str | None = None  # e.g. "GOVERNANCE 30 days"; None when not asked for
    warnings: tuple[str, ...] = field(default_factory=tuple)


class Storage(Protocol):
    """Where sealed WARC files live. Open files are always local; only sealed ones move."""

    def check(self) -> StorageCheck:
        """Verify the configuration at start; raise StorageConfigError if it cannot work."""
        ...

    def put_sealed(self, path: Path, name: str, sha256: str | None = None) -> str:
        """Store a sealed local file under ``name``; return the location for the index.

        ``sha256`` (hex, as computed when sealing) makes a file changed since sealing an
        error instead of an archived lie."""
        ...

    def read_range(self, location: str, offset: int, length: int) -> bytes:
        """Exactly ``length`` bytes at ``offset`` (one record), or ShortRead/MissingObject."""
        ...

    def open_stream(self, location: str) -> BinaryIO:
        """The whole file as a stream (verify, export); the caller closes it."""
        ...

    def exists(self, location: str) -> bool: ...

    def describe(self) -> str:
        """Where files go, for logs: never contains credentials."""
        ...


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def check_range(offset: int, length: int) -> None:
    if offset < 0 or length < 0:
        raise ValueError(f"negative offset or length: {offset}, {length}")


def short_read(location: str, offset: int, length: int, got: int) -> ShortRead:
    return ShortRead(f"{location}: {length} bytes at offset {offset} claimed, {got} there")
