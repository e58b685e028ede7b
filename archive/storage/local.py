"""Sealed WARC files kept in a local folder: the default, and what every other backend
falls back to for locations that are plain paths (files archived before S3 was configured).

A local location is the file's path relative to the home's archive folder
(``xxgk-….warc.gz``), so a home copied or restored elsewhere reads its own files. Rows
written before migration 0005 held absolute paths: ``local_path`` still reads them, never
from outside the home when the home holds the file.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from archive.storage.base import (
    MissingObject,
    StorageCheck,
    StorageError,
    UnresolvedLocation,
    check_range,
    file_sha256,
    short_read,
)
from xxgk.base.home import ARCHIVE_DIR


class LocalStorage:
    """Files stay where the writer sealed them; the location is the path relative to the
    folder."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory.expanduser().absolute()

    def check(self) -> StorageCheck:
        self.directory.mkdir(parents=True, exist_ok=True)
        return StorageCheck(backend=self.describe())

    def put_sealed(self, path: Path, name: str, sha256: str | None = None) -> str:
        target = self.directory / name
        if not path.is_file():
            raise MissingObject(f"{path}: no sealed file to store")
        if path.absolute() != target:
            # Only when the writer sealed elsewhere: move, never overwrite a sealed file.
            if target.exists():
                raise StorageError(f"{target} exists already; sealed files are never replaced")
            self.directory.mkdir(parents=True, exist_ok=True)
            shutil.move(path, target)
            if sha256 is not None and file_sha256(target) != sha256:
                raise StorageError(f"{target}: sha256 differs from the one computed at sealing")
        return local_location(target, self.directory)

    def read_range(self, location: str, offset: int, length: int) -> bytes:
        return read_file_range(str(local_path(location, self.directory)), offset, length)

    def open_stream(self, location: str) -> BinaryIO:
        return open_file(str(local_path(location, self.directory)))

    def exists(self, location: str) -> bool:
        return local_file_exists(location, self.directory)

    def describe(self) -> str:
        return f"local folder {self.directory}"


def local_location(path: Path, directory: Path) -> str:
    """What the index keeps for a file in the archive folder: its path relative to the
    folder. A file outside it would tie the index to one place on one disk: refused."""
    try:
        return path.absolute().relative_to(directory.absolute()).as_posix()
    except ValueError:
        raise StorageError(f"{path} is not inside the archive folder {directory}") from None


def archive_relative(location: str) -> str | None:
    """Where an absolute path written by an older version lies inside its home's archive
    folder: the part after its last folder named ``archive``
    (``/srv/xxgk-data/archive/x.warc.gz`` -> ``x.warc.gz``). The last one, because a home
    may itself sit below a folder of that name (``/mnt/archive/xxgk/archive/x.warc.gz``),
    while xxgk never makes a folder named ``archive`` inside its archive folder. None for
    relative and S3 locations, for paths without such a folder, and for ``..`` after it.

    Migration 0005 converts rows by this rule, and ``local_path`` applies it to rows not
    converted yet (a home copied from an older version): keep its meaning."""
    path = PurePosixPath(location)
    if not path.is_absolute():
        return None
    parts = path.parts
    last = max((i for i, part in enumerate(parts[:-1]) if part == ARCHIVE_DIR), default=None)
    if last is None or ".." in parts[last + 1:]:
        return None
    return PurePosixPath(*parts[last + 1:]).as_posix()


def local_path(location: str, directory: Path | None) -> Path:
    """The file a local location names, on this machine, for the home whose archive folder
    is ``directory`` (None: no home known, only absolute paths can be read).

    Relative locations (every row since migration 0005) lie inside the folder. An absolute
    one inside the folder is used as it is; outside it, the home's own copy wins (a home
    copied or restored elsewhere whose index an older version wrote); only then the path
    itself, if that file exists (a row the migration could not convert: ``xxgk archive
    verify`` warns that it does not move with the home). Anything else is an
    UnresolvedLocation naming the location, not a read from some other place."""
    path = Path(location)
    if not path.is_absolute():
        return _inside(directory, location, location)
    if directory is not None:
        if in_folder(directory, path):
            return path
        copied = archive_relative(location)
        if copied is not None and (directory / copied).exists():
            return _inside(directory, copied, location)
    if path.exists():
        return path
    raise UnresolvedLocation(f"{location}: no such file, and not in this home's archive "
                             f"folder {directory}")


def local_file_exists(location: str, directory: Path | None) -> bool:
    try:
        return local_path(location, directory).is_file()
    except UnresolvedLocation:
        return False


def in_folder(directory: Path, path: Path) -> bool:
    """Whether ``path`` lies in ``directory``, once ``..`` and ``.`` are taken out."""
    return Path(os.path.abspath(path)).is_relative_to(os.path.abspath(directory))


def _inside(directory: Path | None, relative: str, location: str) -> Path:
    """``relative`` under the folder, refused if it climbs out of it (``../``)."""
    if directory is None:
        raise UnresolvedLocation(f"{location}: relative to a home's archive folder, and no "
                                 "home is known here")
    path = directory / relative
    if not in_folder(directory, path):
        raise UnresolvedLocation(f"{location}: leads outside this home's archive folder "
                                 f"{directory}")
    return path


def read_file_range(location: str, offset: int, length: int) -> bytes:
    check_range(offset, length)
    try:
        with open(location, "rb") as fh:
            fh.seek(offset)
            data = fh.read(length)
    except FileNotFoundError as exc:
        raise MissingObject(f"{location}: no such file") from exc
    if len(data) != length:
        raise short_read(location, offset, length, len(data))
    return data


def open_file(location: str) -> BinaryIO:
    try:
        return open(location, "rb")
    except FileNotFoundError as exc:
        raise MissingObject(f"{location}: no such file") from exc
