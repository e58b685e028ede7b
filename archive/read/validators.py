"""The validators of a conditional request: the ETag and Last-Modified of the newest
successful capture of a URL, asked for every request a crawl makes."""

from __future__ import annotations

import threading
from dataclasses import dataclass

from sqlalchemy import Engine, PoolProxiedConnection, bindparam, select
from sqlalchemy.orm import Session

from archive.models import Capture
from archive.read.reader import header_value


@dataclass(frozen=True)
class Validators:
    """What a conditional request needs from the last capture of its URL."""

    id: int
    etag: str | None
    last_modified: str | None


_VALIDATED = (select(Capture.id, Capture.etag, Capture.last_modified)
              .where(Capture.url == bindparam("url"),
                     Capture.record_type.in_(("response", "revisit")),
                     Capture.status.in_((200, 203, 206, 304)),
                     Capture.etag.is_not(None) | Capture.last_modified.is_not(None))
              .order_by(Capture.captured_at.desc(), Capture.id.desc()).limit(1))


class LastValidators:
    """``last(url)`` on one engine, with its own connection on SQLite (opened on first use)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._reader: PoolProxiedConnection | None = None
        self._reader_sql = ""
        self._reader_lock = threading.Lock()

    def last(self, url: str) -> Validators | None:
        """The newest successful capture of a URL with validators (ETag, Last-Modified), for
        conditional requests: a challenge, a cookie stub or a 503 says nothing about it.

        Asked for every request, in the crawler's reactor thread. On SQLite through a plain
        cursor on a connection kept for it, the statement compiled once: about 20 us, where
        a pooled Core connection took 125 us (and more under load). Like any connection it
        reads (WAL) what the writer has committed; it never writes."""
        if self.engine.dialect.name != "sqlite":
            with self.engine.connect() as connection:
                row = connection.execute(_VALIDATED, {"url": url}).first()
            return Validators(*row) if row is not None else None
        with self._reader_lock:
            if self._reader is None:
                self._reader = self.engine.raw_connection()
                marker = "\x00url\x00"  # compiled with literal values, then the URL as ?
                self._reader_sql = str(_VALIDATED.params(url=marker).compile(
                    dialect=self.engine.dialect, compile_kwargs={"literal_binds": True})
                ).replace(f"'{marker}'", "?")
            cursor = self._reader.cursor()
            try:
                row = cursor.execute(self._reader_sql, (url,)).fetchone()
            finally:
                cursor.close()
        return Validators(*row) if row is not None else None

    def close(self) -> None:
        with self._reader_lock:
            if self._reader is not None:
                self._reader.close()
                self._reader = None


def confirmed_capture(session: Session, url: str,
                      request_headers: list[tuple[str, str]]) -> Capture | None:
    """The capture a 304 is about: the one whose validators the request sent (not simply
    the latest 200: a cookie stub or an error page may have come in between)."""
    query = select(Capture).where(Capture.url == url,
                                  Capture.record_type.in_(("response", "revisit")),
                                  Capture.status.between(200, 299))
    etag = header_value(request_headers, "If-None-Match")
    since = header_value(request_headers, "If-Modified-Since")
    newest = Capture.captured_at.desc()
    for condition in ((Capture.etag == etag) if etag else None,
                      (Capture.last_modified == since) if since else None):
        if condition is not None:
            found = session.scalars(query.where(condition).order_by(newest).limit(1)).first()
            if found is not None:
                return found
    return session.scalars(query.order_by(newest).limit(1)).first()
