"""Whether the archive is intact: every file, every record, and the index that points at them.

One forward read per file (local or S3) checks, at once:
- the file's sha256 and size against the index (sealed files: any changed byte shows here);
- that every index offset/length is exactly one whole gzip member (a cut member, a flipped
  byte failing the gzip CRC, or a shifted offset shows here, naming the record);
- that each record parses as one WARC record whose block and payload digests recompute, and
  whose payload sha256 is the one the index keeps (revisits: the digest they claim);
- that every record in the file is known to the index.
Then: files in the archive folder the index does not know, revisits whose original differs,
and unsealed files (normal while a crawl writes; a dead writer's file is repaired by
``archive.write.recover`` when the archive is next opened for writing).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased, sessionmaker

from archive.errors import Damaged
from archive.models import Capture, WarcFile
from archive.read.integrity import check_record, header, sha256_hex_of_label
from archive.read.locations import Locations, is_remote
from archive.read.members import Member, walk_members
from archive.read.reader import OPEN_SUFFIX, file_path
from archive.storage.base import UnresolvedLocation
from archive.write.recover import _writer_alive as writer_alive

WARC_SUFFIXES = (".warc.gz", ".warc", ".warc.gz" + OPEN_SUFFIX, ".warc" + OPEN_SUFFIX)


@dataclass(frozen=True)
class Problem:
    kind: str  # missing-file | file-sha256 | file-size | read | member | record | index |
    #            unindexed-record | revisit | unknown-file | abandoned-file;
    #            warnings: unresolved-revisit | outside-home
    file: str
    detail: str
    offset: int | None = None
    record_id: str | None = None
    url: str | None = None


@dataclass
class Report:
    files: int = 0
    records: int = 0
    bytes: int = 0
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    unsealed: list[dict[str, object]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def as_json(self) -> dict[str, object]:
        return {"ok": self.ok, "files": self.files, "records": self.records,
                "bytes": self.bytes, "problems": [asdict(p) for p in self.problems],
                "warnings": [asdict(w) for w in self.warnings], "unsealed": self.unsealed}


class _FileCheck:
    """The walk of one file against the index rows that claim records in it."""

    def __init__(self, warc_file: WarcFile, captures: list[Capture], report: Report) -> None:
        self.file = warc_file
        self.report = report
        self.by_offset = {c.offset: c for c in captures}
        self.seen: set[int] = set()

    def problem(self, kind: str, detail: str, offset: int | None = None,
                capture: Capture | None = None) -> None:
        self.report.problems.append(Problem(
            kind, self.file.name, detail, offset,
            capture.warc_record_id if capture else None, capture.url if capture else None))

    def member(self, member: Member) -> None:
        claimed = self.by_offset.get(member.offset)
        if claimed is not None:
            self.seen.add(member.offset)
        if member.error is not None or member.content is None:
            self.problem("member" if claimed is None else "record",
                         member.error or "unreadable", member.offset, claimed)
            return
        check = check_record(member.content)
        record = check.record
        if claimed is None:
            if record is None or record.record_type != "warcinfo":
                record_id = header(record, "WARC-Record-ID") if record else None
                self.report.problems.append(Problem(
                    "unindexed-record", self.file.name, "a record the index does not know",
                    member.offset, record_id, record.url if record else None))
            return
        self.report.records += 1
        if claimed.length != member.length:
            self.problem("index", f"the index says {claimed.length} bytes, the gzip member "
                                  f"is {member.length}", member.offset, claimed)
        for detail in check.problems:
            self.problem("record", detail, member.offset, claimed)
        if record is not None:
            self._against_index(record, check.payload_sha256, claimed, member.offset)

    def _against_index(self, record, payload_sha256: str | None,  # type: ignore[no-untyped-def]
                       claimed: Capture, offset: int) -> None:
        record_id = header(record, "WARC-Record-ID")
        if record_id != claimed.warc_record_id or record.record_type != claimed.record_type:
            self.problem("index", f"the index expects {claimed.record_type} "
                                  f"{claimed.warc_record_id} here, the file holds "
                                  f"{record.record_type} {record_id}", offset, claimed)
            return
        indexed = claimed.payload_digest
        if claimed.record_type == "revisit":
            actual = sha256_hex_of_label(header(record, "WARC-Payload-Digest"))
        elif claimed.record_type == "request" or (indexed is None and not record.payload):
            return
        else:
            actual = payload_sha256
        if actual is not None and actual != indexed:
            self.problem("index", f"payload sha256 {actual}, the index says {indexed}",
                         offset, claimed)

    def finish(self) -> None:
        for offset, capture in sorted(self.by_offset.items()):
            if offset not in self.seen:
                self.problem("index", "no whole gzip member starts at the offset the index "
                                      "gives", offset, capture)


def verify_file(session: Session, warc_file: WarcFile, locations: Locations,
                report: Report) -> None:
    captures = list(session.scalars(select(Capture).where(Capture.warc_file_id == warc_file.id)
                                    .order_by(Capture.offset)))
    check = _FileCheck(warc_file, captures, report)
    report.files += 1
    claimed_end = max((c.offset + c.length for c in captures), default=0)
    if not warc_file.sealed:
        alive = writer_alive(warc_file.writer)
        report.unsealed.append({"file": warc_file.name, "writer": warc_file.writer,
                                "writer_alive": alive})
        if not alive:
            check.problem("abandoned-file", "unsealed, and its writer is gone: it is repaired "
                                            "when the archive is next opened for writing")
    # An unsealed file may be growing: only what the index claims is checked.
    limit = None if warc_file.sealed else claimed_end
    counter = _Counting()
    try:
        _warn_outside_home(warc_file, locations, report)
        with locations.open(warc_file) as stream:
            for member in walk_members(stream, restarts=sorted(check.by_offset),
                                       hasher=counter, limit=limit):
                check.member(member)
    except Damaged as exc:
        check.problem("missing-file", str(exc))
        return
    except OSError as exc:  # a read failing half-way (disk, network)
        check.problem("read", f"reading failed after {counter.size} bytes: {exc}")
        return
    report.bytes += counter.size
    check.finish()
    if warc_file.sealed:
        if counter.size != warc_file.size:
            check.problem("file-size", f"{counter.size} bytes, the index says {warc_file.size}")
        if counter.hexdigest() != warc_file.sha256:
            check.problem("file-sha256", f"sha256 {counter.hexdigest()}, the index says "
                                         f"{warc_file.sha256}")


def _warn_outside_home(warc_file: WarcFile, locations: Locations, report: Report) -> None:
    """A file read from outside the home is not an error (an older version's row migration
    0005 could not convert), but the operator should know: it does not move with the home."""
    outside = locations.outside_home(warc_file)
    if outside is not None:
        report.warnings.append(Problem(
            "outside-home", warc_file.name, f"read from {outside}, outside this home's archive "
            f"folder {locations.home.archive_dir}: it is not copied or moved with the home"))


class _Counting:
    """Hashes and counts what passes (the walk's hasher)."""

    def __init__(self) -> None:
        self._digest = hashlib.sha256()
        self.size = 0

    def update(self, data: bytes, /) -> None:
        self._digest.update(data)
        self.size += len(data)

    def hexdigest(self) -> str:
        return self._digest.hexdigest()


def check_revisits(session: Session, report: Report) -> None:
    original = aliased(Capture)
    rows = session.execute(select(Capture, original, WarcFile)
                           .join(original, Capture.refers_to_id == original.id)
                           .join(WarcFile, Capture.warc_file_id == WarcFile.id)
                           .where(Capture.record_type == "revisit",
                                  Capture.payload_digest != original.payload_digest)).tuples()
    for revisit, referred, warc_file in rows:
        report.problems.append(Problem(
            "revisit", warc_file.name, f"payload digest {revisit.payload_digest}, the record it "
            f"refers to has {referred.payload_digest}", revisit.offset,
            revisit.warc_record_id, revisit.url))
    unresolved = session.execute(select(Capture, WarcFile)
                                 .join(WarcFile, Capture.warc_file_id == WarcFile.id)
                                 .where(Capture.record_type == "revisit",
                                        Capture.refers_to_id.is_(None))).tuples()
    for revisit, warc_file in unresolved:
        report.warnings.append(Problem(
            "unresolved-revisit", warc_file.name, "a revisit whose original record is not in "
            "this archive: its payload cannot be retrieved", revisit.offset,
            revisit.warc_record_id, revisit.url))


def unknown_files(archive_dir: Path, files: list[WarcFile]) -> list[Path]:
    """WARC files in the archive folder (sub-folders too) that no index row names, as the
    rows resolve in this home (``archive.read.reader.file_path``)."""
    known = set()
    for warc_file in files:
        if is_remote(warc_file):
            continue
        try:
            path = file_path(warc_file, archive_dir)
        except UnresolvedLocation:
            continue  # reported as missing-file by verify_file
        final = path.with_name(path.name.removesuffix(OPEN_SUFFIX))
        known |= {final, final.with_name(final.name + OPEN_SUFFIX)}
    if not archive_dir.is_dir():
        return []
    return sorted(p for p in archive_dir.rglob("*")
                  if p.is_file() and p.name.endswith(WARC_SUFFIXES) and p not in known)


def verify_archive(sessions: sessionmaker[Session], locations: Locations, archive_dir: Path,
                   progress: Callable[[WarcFile], None] | None = None) -> Report:
    report = Report()
    with sessions() as session:
        files = list(session.scalars(select(WarcFile).order_by(WarcFile.id)))
        for warc_file in files:
            if progress is not None:
                progress(warc_file)
            verify_file(session, warc_file, locations, report)
        check_revisits(session, report)
    for path in unknown_files(archive_dir, files):
        report.problems.append(Problem("unknown-file", path.relative_to(archive_dir).as_posix(),
                                       "a WARC file in the archive folder the index does not "
                                       "know"))
    return report
