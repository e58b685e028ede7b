"""Sealed WARC files kept in a local folder: the default, and what every other backend
falls back to for locations that are plain paths (files archived before S3 was configured).
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import BinaryIO

from .base import (
    MissingObject, StorageCheck, StorageError, check_range, file_sha256, short_read,
)


class LocalStorage:
    """Files stay where the writer sealed them; the location is the absolute path."""

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
        return str(target)

    def read_range(self, location: str, offset: int, length: int) -> bytes:
        return read_file_range(location, offset, length)

    def open_stream(self, location: str) -> BinaryIO:
        return open_file(location)

    def exists(self, location: str) -> bool:
        return Path(location).is_file()

    def describe(self) -> str:
        return f"local folder {self.directory}"


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
