"""Bytes of WARC files wherever the index says they are: in the home's archive folder (a
location relative to it) or ``s3://``.

Local files (also unsealed ones still being written) are read through ``archive.read.reader``,
relative to the archive folder of the home in use, so a moved or restored home reads its
own files; the S3 backend is only built the first time an ``s3://`` location is met, so
reading a local archive never needs S3 settings or credentials.
"""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO

from archive.errors import Damaged
from archive.models import WarcFile
from archive.read.reader import RecordMissing, file_path
from archive.storage import Storage, StorageError, storage_from_env
from archive.storage.local import in_folder, read_file_range
from xxgk.base.home import Home

S3_SCHEME = "s3://"


def is_remote(warc_file: WarcFile) -> bool:
    return warc_file.location.startswith(S3_SCHEME)


class Locations:
    """Ranged and whole-file reads for one home; every failure becomes ``Damaged``."""

    def __init__(self, home: Home) -> None:
        self.home = home
        self._storage: Storage | None = None

    def storage(self) -> Storage:
        if self._storage is None:
            self._storage = storage_from_env(self.home.archive_dir)
        return self._storage

    def local_path(self, warc_file: WarcFile) -> Path | None:
        """The file on this machine, or None when it lives in object storage."""
        if is_remote(warc_file):
            return None
        try:
            return file_path(warc_file, self.home.archive_dir)
        except StorageError as exc:
            raise Damaged(str(exc)) from exc

    def outside_home(self, warc_file: WarcFile) -> Path | None:
        """The local file, when it lies outside this home's archive folder (a row from before
        migration 0005 that it could not convert): it would not move with the home."""
        path = self.local_path(warc_file)
        return None if path is None or in_folder(self.home.archive_dir, path) else path

    def read_range(self, warc_file: WarcFile, offset: int, length: int) -> bytes:
        path = self.local_path(warc_file)
        try:
            if path is None:
                return self.storage().read_range(warc_file.location, offset, length)
            return read_file_range(str(path), offset, length)
        except (RecordMissing, StorageError) as exc:
            raise Damaged(str(exc)) from exc
        except OSError as exc:
            raise Damaged(f"{path or warc_file.location}: {exc.strerror or exc}") from exc

    def open(self, warc_file: WarcFile) -> BinaryIO:
        path = self.local_path(warc_file)
        try:
            if path is None:
                return self.storage().open_stream(warc_file.location)
            return open(path, "rb")
        except StorageError as exc:
            raise Damaged(str(exc)) from exc
        except OSError as exc:
            raise Damaged(f"{path or warc_file.location}: {exc.strerror or exc}") from exc

    def exists(self, warc_file: WarcFile) -> bool:
        if is_remote(warc_file):
            try:
                return self.storage().exists(warc_file.location)
            except StorageError as exc:
                raise Damaged(str(exc)) from exc
        try:
            path = self.local_path(warc_file)
        except Damaged:
            return False
        return path is not None and path.is_file()
