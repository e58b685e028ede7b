"""Versions of a URL as archivists (and later the Memento server) ask for them.

Read-only: opening a ``Retrieval`` never creates a database, runs a migration or repairs a
file, so it is safe next to a running crawl. Everything it returns is a plain value detached
from the ORM session, so a web server can hand it on after the session is closed.

A version is a ``response`` or ``revisit`` capture. A revisit holds no payload: its bytes are
those of the response it refers to, byte for byte as the server sent them (Content-Encoding
not undone), and they are checked against the index's sha256 before they are returned.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, and_, or_, select
from sqlalchemy.orm import Session, sessionmaker

from archive.errors import Damaged, NoArchive, NoVersion, UnknownUrl
from archive.models import Capture, WarcFile
from archive.read.integrity import read_record
from archive.read.locations import Locations
from archive.read.reader import ArchivedRecord, payload_capture
from archive.surt import surt
from archive.timespec import iso
from xxgk.base.db import make_engine, session_factory
from xxgk.base.home import Home

VERSION_TYPES = ("response", "revisit")


@dataclass(frozen=True)
class Version:
    """One capture of a URL, as history lists it."""

    capture_id: int
    url: str
    captured_at: datetime  # naive UTC, microseconds kept
    record_type: str  # response | revisit
    status: int | None
    mime: str | None
    payload_digest: str | None  # sha256 hex of the payload (a revisit's: the original's)
    payload_length: int | None
    refers_to_id: int | None
    warc_file: str
    offset: int
    length: int
    changed: bool | None = None  # vs the previous version; None when not computed

    @property
    def is_revisit(self) -> bool:
        return self.record_type == "revisit"


@dataclass(frozen=True)
class Payload:
    """A version's archived HTTP response: its own status and headers, and the body bytes
    (from the record that holds them: the version itself, or the response a revisit names)."""

    version: Version
    source: Version  # the response record the body was read from
    status: int | None
    http_headers: list[tuple[str, str]]
    warc_headers: list[tuple[str, str]]
    body: bytes
    # The headers that describe ``body`` (Content-Type, Content-Encoding): the source
    # response's. A revisit's own (a 304's, say) carry no Content-Encoding for a gzipped body.
    body_headers: list[tuple[str, str]]

    def header(self, name: str) -> str | None:
        name = name.lower()
        return next((v for k, v in self.http_headers if k.lower() == name), None)


def version_of(capture: Capture, warc_file: WarcFile, changed: bool | None = None) -> Version:
    return Version(capture.id, capture.url, capture.captured_at, capture.record_type,
                   capture.status, capture.mime, capture.payload_digest, capture.payload_length,
                   capture.refers_to_id, warc_file.name, capture.offset, capture.length, changed)


def open_engine(home: Home) -> Engine:
    """The index's engine, without creating a SQLite file where there is none."""
    url = home.database_url
    if url.startswith("sqlite") and not home.database_path.exists():
        raise NoArchive(f"no archive index at {home.database_path} (nothing archived in "
                        f"{home.root} yet; pass --home or set XXGK_HOME)")
    return make_engine(url)


class Retrieval:
    """History, the version at a time, and the payload of a version, for one home."""

    def __init__(self, home: Home, engine: Engine | None = None) -> None:
        self.home = home
        self.engine = engine or open_engine(home)
        self.sessions: sessionmaker[Session] = session_factory(self.engine)
        self.locations = Locations(home)

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Retrieval:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    # --- the index -------------------------------------------------------------------------

    def _rows(self, session: Session, url: str) -> list[tuple[Capture, WarcFile]]:
        """Captures of the URL, oldest first; by its SURT when the exact URL is unknown
        (http/https, www., letter case and query order then do not matter, as in Wayback)."""
        base = (select(Capture, WarcFile).join(WarcFile, Capture.warc_file_id == WarcFile.id)
                .where(Capture.record_type.in_(VERSION_TYPES))
                .order_by(Capture.captured_at, Capture.id))
        rows = [tuple(r) for r in session.execute(base.where(Capture.url == url))]
        if not rows:
            rows = [tuple(r) for r in session.execute(base.where(Capture.surt == surt(url)))]
        if not rows:
            raise UnknownUrl(f"no capture of {url} in the archive")
        return rows

    def history(self, url: str) -> list[Version]:
        """Every version, oldest first, each marked changed when its payload differs from
        the previous version's (the first one counts as changed)."""
        with self.sessions() as session:
            versions = []
            previous: str | None = None
            for index, (capture, warc_file) in enumerate(self._rows(session, url)):
                # A 304 whose original was never archived has no digest: not a change.
                unknown = capture.status == 304 and capture.payload_digest is None
                digest = previous if unknown else capture.payload_digest
                versions.append(version_of(capture, warc_file, index == 0 or digest != previous))
                previous = digest
            return versions

    def version_at(self, url: str, at: datetime | None = None) -> Version:
        """The newest version captured at or before ``at`` (naive UTC; None: the latest).

        Two indexed lookups (the version, and the one before it for the changed flag),
        not the whole history: a URL may have thousands of versions."""
        newest = (Capture.captured_at.desc(), Capture.id.desc())
        with self.sessions() as session:
            for key in (Capture.url == url, Capture.surt == surt(url)):
                query = (select(Capture, WarcFile)
                         .join(WarcFile, Capture.warc_file_id == WarcFile.id)
                         .where(key, Capture.record_type.in_(VERSION_TYPES)))
                bounded = query if at is None else query.where(Capture.captured_at <= at)
                row = session.execute(bounded.order_by(*newest).limit(1)).first()
                if row is not None:
                    break
                first = session.execute(query.order_by(Capture.captured_at).limit(1)).first()
                if first is not None:
                    raise NoVersion(f"{url} was first captured at "
                                    f"{iso(first[0].captured_at)}, after the time asked for")
            else:
                raise UnknownUrl(f"no capture of {url} in the archive")
            capture, warc_file = row
            before = session.execute(
                query.where(or_(Capture.captured_at < capture.captured_at,
                                and_(Capture.captured_at == capture.captured_at,
                                     Capture.id < capture.id)))
                .with_only_columns(Capture.payload_digest, Capture.status)
                .order_by(*newest).limit(1)).first()
            unknown = capture.status == 304 and capture.payload_digest is None
            changed = before is None or (not unknown and capture.payload_digest != before[0])
            return version_of(capture, warc_file, changed)

    def same_second(self, version: Version) -> list[Version]:
        """Other versions of the URL in the same second: a 14-digit timestamp cannot tell
        them apart, so commands warn about them."""
        second = version.captured_at.replace(microsecond=0)
        return [v for v in self.history(version.url) if v.capture_id != version.capture_id
                and v.captured_at.replace(microsecond=0) == second]

    # --- the bytes -------------------------------------------------------------------------

    def record_of(self, version: Version) -> ArchivedRecord:
        with self.sessions() as session:
            warc_file = session.scalars(select(WarcFile)
                                        .where(WarcFile.name == version.warc_file)).one()
        data = self.locations.read_range(warc_file, version.offset, version.length)
        try:
            return read_record(data)
        except Exception as exc:
            raise Damaged(f"{version.warc_file} offset {version.offset}: the record of "
                          f"{version.url} at {version.captured_at} cannot be read ({exc})") \
                from exc

    def source_of(self, version: Version) -> Version:
        """The response whose record holds a version's payload."""
        if not version.is_revisit:
            return version
        with self.sessions() as session:
            capture = payload_capture(session, session.get(Capture, version.capture_id))
            if capture.record_type == "revisit":
                raise Damaged(f"the revisit of {version.url} at {version.captured_at} refers to "
                              "a payload this archive does not hold (an imported revisit "
                              "whose original was not imported)")
            return version_of(capture, session.get(WarcFile, capture.warc_file_id))

    def payload_of(self, version: Version) -> Payload:
        """The archived response of a version, with the body checked against the index."""
        record = self.record_of(version)
        source = self.source_of(version)
        held_by = record if source is version else self.record_of(source)
        body = held_by.payload
        digest = hashlib.sha256(body).hexdigest()
        expected = source.payload_digest
        if expected is not None and digest != expected:
            raise Damaged(f"{source.warc_file} offset {source.offset}: the payload of "
                          f"{source.url} has sha256 {digest}, the index says {expected}; "
                          "run `xxgk archive verify`")
        return Payload(version, source, record.status, record.http_headers,
                       record.warc_headers, body, held_by.http_headers)
