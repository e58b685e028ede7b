"""Taking in WARC files made elsewhere (another crawler, wget, Browsertrix, an older archive).

A file is checked whole before anything is kept: every record one whole gzip member, every
digest recomputing (``archive.read.integrity``). Then it is indexed in one transaction, copied into
the archive folder (and handed to the storage backend, like a file our writer sealed), and
registered as a sealed ``WarcFile``; the index is committed only after the bytes are in place.

Importing is idempotent: a file whose sha256 is already registered is skipped, and records
whose WARC-Record-ID the index knows are not indexed again, so a file holding nothing new is
not copied at all. The index keeps sha256 payload digests whatever the file's writer used
(sha1 for wget and Heritrix), so deduplication and ``verify`` work the same on imports.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from archive.errors import ImportRefused
from archive.models import Capture, WarcFile
from archive.read.integrity import check_record, header, label_key
from archive.read.members import GZIP_MAGIC, walk_members
from archive.read.reader import ArchivedRecord, payload_capture
from archive.storage import Storage, file_sha256
from archive.storage.local import local_location
from archive.write.recover import capture_of_record
from archive.write.store import Archive
from xxgk.base.clock import utcnow

IMPORTING_SUFFIX = ".importing"
RECOMPRESS_HINT = ("only WARC files gzipped record by record (.warc.gz) can be imported "
                   "byte-exactly; convert it with `warcio recompress IN OUT.warc.gz` first")


@dataclass(frozen=True)
class Imported:
    input: str
    status: str  # imported | already-imported | nothing-new
    file: str | None  # its name in the archive
    location: str | None
    records: int = 0  # records in the file (warcinfo not counted)
    added: int = 0  # captures added to the index
    known: int = 0  # records the index already had (same WARC-Record-ID)
    unresolved_revisits: list[str] = field(default_factory=list)  # their record ids


@dataclass
class _Indexing:
    """What one import learns while walking: originals by record id and payload digest."""

    by_record_id: dict[str, Capture] = field(default_factory=dict)
    by_digest: dict[tuple[str, bytes], Capture] = field(default_factory=dict)
    pending: list[tuple[Capture, ArchivedRecord]] = field(default_factory=list)
    records: int = 0
    added: int = 0
    known: int = 0


def _original(session: Session, state: _Indexing, record: ArchivedRecord) -> Capture | None:
    """The capture holding a revisit's payload: by WARC-Refers-To, then by its digest in any
    algorithm, among this file's records first and then the index."""
    refers_to = header(record, "WARC-Refers-To")
    found = state.by_record_id.get(refers_to or "") or (session.scalars(
        select(Capture).where(Capture.warc_record_id == refers_to)).first()
        if refers_to else None)
    key = label_key(header(record, "WARC-Payload-Digest"))
    if found is None and key is not None:
        found = state.by_digest.get(key)
        if found is None and key[0] == "sha256":
            found = session.scalars(select(Capture).where(
                Capture.payload_digest == key[1].hex(), Capture.record_type == "response")
                .order_by(Capture.id).limit(1)).first()
    return payload_capture(session, found) if found is not None else None


def _resolve(session: Session, state: _Indexing, capture: Capture,
             record: ArchivedRecord) -> bool:
    original = _original(session, state, record)
    if original is None or original.record_type == "revisit":
        return False
    capture.refers_to_id = original.id
    capture.payload_digest = original.payload_digest
    capture.payload_length = original.payload_length
    return True


def _index_records(session: Session, path: Path, warc_file_id: int) -> _Indexing:
    state = _Indexing()
    with open(path, "rb") as stream:
        for member in walk_members(stream):
            if member.error is not None or member.content is None:
                raise ImportRefused(f"{path}: offset {member.offset}: {member.error}")
            check = check_record(member.content)
            record = check.record
            if not check.ok or record is None:
                raise ImportRefused(f"{path}: offset {member.offset}: "
                                    + "; ".join(check.problems or ["unreadable record"]))
            if record.record_type == "warcinfo":
                continue
            state.records += 1
            record_id = header(record, "WARC-Record-ID")
            if not record_id:
                raise ImportRefused(f"{path}: offset {member.offset}: a record without "
                                    "WARC-Record-ID")
            if session.scalars(select(Capture.id)
                               .where(Capture.warc_record_id == record_id)).first():
                state.known += 1
                continue
            capture = capture_of_record(session, record, warc_file_id, member.offset,
                                        member.length)
            if capture is None:
                continue
            if record.record_type not in ("revisit", "request"):
                capture.payload_digest = check.payload_sha256 if record.payload else None
            session.add(capture)
            session.flush()
            state.added += 1
            state.by_record_id[record_id] = capture
            if record.record_type == "revisit":
                if not _resolve(session, state, capture, record):
                    state.pending.append((capture, record))
            elif record.record_type in ("response", "resource"):
                key = label_key(header(record, "WARC-Payload-Digest"))
                if key is not None:
                    state.by_digest.setdefault(key, capture)
    # Revisits written before the record they refer to (rare, but allowed).
    state.pending = [(c, r) for c, r in state.pending if not _resolve(session, state, c, r)]
    return state


class _NothingNew(Exception):
    """Every record is known already: roll back the file row, copy nothing."""

    def __init__(self, state: _Indexing) -> None:
        super().__init__("nothing new")
        self.state = state


def _archive_name(session: Session, archive_dir: Path, path: Path, sha256: str) -> str:
    name = path.name
    taken = session.scalars(select(WarcFile.id).where(WarcFile.name == name)).first()
    if taken or (archive_dir / name).exists():
        name = f"import-{sha256[:12]}-{path.name}"
    return name


def import_warc(archive: Archive, path: Path, storage: Storage) -> Imported:
    """Import one file into the archive (see the module docstring for the guarantees)."""
    path = path.expanduser().absolute()
    with open(path, "rb") as probe:
        if probe.read(2) != GZIP_MAGIC:
            raise ImportRefused(f"{path}: not gzip-compressed; {RECOMPRESS_HINT}")
    sha256 = file_sha256(path)
    archive_dir = archive.home.archive_dir
    with archive.sessions() as session:
        existing = session.scalars(select(WarcFile).where(WarcFile.sha256 == sha256)).first()
        if existing is not None:
            return Imported(str(path), "already-imported", existing.name, existing.location)
    temporary: Path | None = None
    try:
        with archive.sessions.begin() as session:  # rolled back by any exception
            name = _archive_name(session, archive_dir, path, sha256)
            final = archive_dir / name
            now = utcnow()
            row = WarcFile(name=name, location=local_location(final, archive_dir),
                           size=path.stat().st_size, sha256=sha256, sealed=True,
                           created_at=now, sealed_at=now)
            session.add(row)
            session.flush()
            state = _index_records(session, path, row.id)
            unresolved = [header(r, "WARC-Record-ID") or "" for _, r in state.pending]
            if state.added == 0:
                raise _NothingNew(state)
            temporary = final.with_name(name + IMPORTING_SUFFIX)
            shutil.copyfile(path, temporary)
            if file_sha256(temporary) != sha256:
                raise ImportRefused(f"{path}: the copy in {archive_dir} differs from the file "
                                    "(changed while importing?)")
            os.replace(temporary, final)
            temporary = final
            row.location = storage.put_sealed(final, name, sha256)
        temporary = None  # committed: the index names the file now
    except _NothingNew as nothing:
        return Imported(str(path), "nothing-new", None, None, nothing.state.records, 0,
                        nothing.state.known)
    finally:
        if temporary is not None and temporary.exists():
            temporary.unlink()  # the transaction rolled back: no index row names it
    return Imported(str(path), "imported", name, row.location, state.records, state.added,
                    state.known, unresolved)
