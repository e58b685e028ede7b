"""The archive's WARC files as they are written: one open at a time, a new one when it has
grown past the size limit, each sealed (renamed, hashed) and handed to the storage (the
local folder, or S3), its row in the index following every step.

Why apart from ``Archive``: what records go into a file and what a file goes through are
two jobs; ``Archive`` asks this for the file to write into and to seal it at the end."""

from __future__ import annotations

import logging

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from archive.errors import Damaged
from archive.models import WarcFile
from archive.read.locations import Locations
from archive.storage import LocalStorage, StorageError
from archive.storage.base import Storage
from archive.storage.local import local_location
from archive.write.warc import WarcFileWriter
from xxgk.base.clock import utcnow
from xxgk.base.home import Home
from xxgk.base.processes import writer_id

log = logging.getLogger(__name__)
SOFTWARE = "xxgk-archive (warcio)"  # the warcinfo record's software field


class OpenFiles:
    """The open WARC file of one writer (an ``Archive``), its rotation and sealing. Not
    thread-safe on its own: ``Archive`` calls it under its lock."""

    def __init__(self, home: Home, sessions: sessionmaker[Session], storage: Storage,
                 locations: Locations, *, prefix: str, max_size: int) -> None:
        self.home, self.sessions, self.storage, self.locations = home, sessions, storage, locations
        self.prefix = prefix
        self.max_size = max_size
        self.writer: WarcFileWriter | None = None
        self.file_id: int | None = None
        self._serial = 0

    def current(self) -> tuple[WarcFileWriter, int]:
        if self.writer is not None and self.writer.size >= self.max_size:
            self.seal()
        if self.writer is None:
            now = utcnow()
            self._serial += 1
            name = f"{self.prefix}-{now:%Y%m%d%H%M%S%f}-{self._serial:05d}.warc.gz"
            directory = self.home.archive_dir
            self.writer = WarcFileWriter(directory, name, SOFTWARE)
            with self.sessions.begin() as session:
                # Relative to the archive folder, as every local location: the home can move.
                row = WarcFile(name=name, location=local_location(self.writer.final_path,
                                                                  directory),
                               created_at=now, size=self.writer.size, writer=writer_id())
                session.add(row)
                session.flush()
                self.file_id = row.id
        return self.writer, self.file_id  # type: ignore[return-value]

    def upload_pending(self) -> None:
        """Sealed files still on local disk while the storage is elsewhere (repaired after a
        crash, or an upload that failed): stored now."""
        if isinstance(self.storage, LocalStorage):
            return
        with self.sessions() as session:
            pending = list(session.scalars(select(WarcFile).where(
                WarcFile.sealed.is_(True), ~WarcFile.location.startswith("s3://"))))
        for row in pending:
            try:
                path = self.locations.local_path(row)
            except Damaged:
                continue  # not in this home: a row `xxgk archive verify` reports
            if path is None or not path.exists():
                continue
            try:
                location = self.storage.put_sealed(path, row.name, row.sha256)
            except StorageError as exc:
                log.error("could not store %s (%s); it stays at %s", row.name, exc, path)
                continue
            with self.sessions.begin() as session:
                session.get(WarcFile, row.id).location = location

    def seal(self) -> None:
        if self.writer is None:
            return
        size, sha = self.writer.seal()
        final = self.writer.final_path
        location = local_location(final, self.home.archive_dir)
        try:
            location = self.storage.put_sealed(final, self.writer.name, sha)
        except StorageError as exc:
            # The sealed file stays on local disk and in the index there: a later
            # `xxgk archive` run can upload it; nothing is lost.
            log.error("could not store %s (%s); it stays at %s", self.writer.name, exc, final)
        with self.sessions.begin() as session:
            row = session.get(WarcFile, self.file_id)
            row.size, row.sha256, row.sealed, row.sealed_at = size, sha, True, utcnow()
            row.location = location
        self.writer = None
        self.file_id = None
