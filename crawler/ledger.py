"""The crawler's book-keeping in the database: runs, failures, documents and their events.

One ledger per process, shared by the sites crawled in it (like the Archive). Writes are small
transactions of their own, so a killed crawl leaves everything recorded up to the kill.
"""

from __future__ import annotations

import json
import os
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar, cast

from sqlalchemy import Connection, Table, bindparam, func, insert, select, update
from sqlalchemy.orm import Session, sessionmaker

from archive.models import Capture
from crawler.models import (
    CHANGED,
    FINISHED,
    INTERRUPTED,
    MOVED,
    NEW,
    REMOVED,
    RUNNING,
    UNCHANGED,
    CrawlDocument,
    CrawlDocumentEvent,
    CrawlFailure,
    CrawlRun,
)
from xxgk.base.clock import utcnow
from xxgk.base.processes import process_alive

# crawl_failures.kind: a final 4xx/5xx (http), no answer (network, timeout), refused by us
# (too_large, robots, offsite, trap), a challenge not passed, a callback error, the archive
# (an answer not archived, an archived copy unreadable), a request tried too often (retries).
FAILURE_KINDS = ("http", "network", "timeout", "too_large", "robots", "offsite", "trap",
                 "challenge", "parse", "archive", "retries", "incomplete")
INCOMPLETE = "incomplete"  # a listing read fewer records than the portal advertises
RELEASED = "released by an operator"  # crawl_runs.finish_reason of `xxgk runs release`


class SiteBusy(RuntimeError):
    """Another live process is crawling this site."""


@dataclass(frozen=True)
class RunHandle:
    id: int
    site: str
    resumed: bool


@dataclass(frozen=True)
class Sighting:
    """What a crawl saw at a document URL (built by the spider from the response)."""

    url: str
    kind: str  # report_page | file
    title: str | None
    status: int
    capture_id: int | None
    digest: str | None
    gone: bool = False  # a 200 that says the report is not there (暂无数据)
    redirected_from: tuple[str, ...] = ()


def _alive(host: str, pid: int) -> bool:
    if host == socket.gethostname() and pid == os.getpid():
        return False  # our own earlier run in this process: it ended without closing
    return process_alive(host, pid)


class Ledger:
    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self.sessions = sessions
        self._lock = threading.Lock()

    # --- runs -------------------------------------------------------------------------------

    def start_run(self, site: str, *, fresh: bool = False,
                  owner: tuple[str, int] | None = None,
                  owner_alive: Callable[[], bool] | None = None) -> RunHandle:
        """A new run, or the site's interrupted run taken up again (unless ``fresh``).

        The run is recorded as ``owner``'s (host, pid; default this process). A distributed
        crawl gives its frontier as the owner, and ``owner_alive`` says whether a running
        run of that owner is still being crawled; any other owner's run is alive while its
        process is."""
        host, pid = owner or (socket.gethostname(), os.getpid())
        with self._lock, self.sessions.begin() as session:
            last = session.scalars(select(CrawlRun).where(CrawlRun.site == site)
                                   .order_by(CrawlRun.id.desc()).limit(1)).first()
            if last is not None and last.state == RUNNING and (
                    owner_alive() if owner_alive is not None and (last.host, last.pid)
                    == (host, pid) else _alive(last.host, last.pid)):
                raise SiteBusy(f"site {site} is being crawled by run {last.id} "
                               f"(pid {last.pid} on {last.host})")
            if last is not None and last.state in (RUNNING, INTERRUPTED):
                # Killed (still "running", its process gone) or stopped early (interrupted).
                if not fresh:
                    last.host, last.pid = host, pid
                    last.resumed += 1
                    last.state, last.finished_at, last.finish_reason = RUNNING, None, None
                    return RunHandle(last.id, site, True)
                last.state, last.finished_at = INTERRUPTED, last.finished_at or utcnow()
                last.finish_reason = "superseded by a fresh run"
            run = CrawlRun(site=site, state=RUNNING, started_at=utcnow(), host=host, pid=pid)
            session.add(run)
            session.flush()
            return RunHandle(run.id, site, False)

    def release_run(self, run_id: int) -> tuple[CrawlRun, bool] | None:
        """Mark a run left ``running`` as interrupted, so that the next crawl of its site
        resumes it instead of being refused (``start_run``). For a run whose process is gone
        where this machine cannot see it (another host that died, a distributed crawl): the
        operator vouches for it. A process of this machine is judged: alive, SiteBusy.

        Returns the run as it is now and whether this call released it (False: it was not
        running); None: no such run."""
        with self._lock, self.sessions.begin() as session:
            run = session.get(CrawlRun, run_id)
            if run is None:
                return None
            released = run.state == RUNNING
            if released:
                if run.host == socket.gethostname() and _alive(run.host, run.pid):
                    raise SiteBusy(f"run {run.id} of {run.site} is being crawled by pid "
                                   f"{run.pid} on this machine ({run.host})")
                run.state, run.finished_at, run.finish_reason = INTERRUPTED, utcnow(), RELEASED
            session.flush()
            session.expunge(run)
            return run, released

    def finish_run(self, run_id: int, stats: dict, reason: str) -> CrawlRun:
        with self._lock, self.sessions.begin() as session:
            run = session.get(CrawlRun, run_id)
            statuses = {k.rsplit("/", 1)[1]: v for k, v in stats.items()
                        if k.startswith("downloader/response_status_count/")}
            previous = json.loads(run.status_counts or "{}") if run.resumed else {}
            for code, count in previous.items():
                statuses[code] = statuses.get(code, 0) + count
            run.status_counts = json.dumps(dict(sorted(statuses.items())))
            add = run.resumed > 0  # a resumed run adds to what its first part counted
            run.requests = (run.requests if add else 0) + stats.get("downloader/request_count", 0)
            run.responses = (run.responses if add else 0) + stats.get(
                "downloader/response_count", 0)
            run.bytes_received = (run.bytes_received if add else 0) + stats.get(
                "downloader/response_bytes", 0)
            # What was archived is counted from the index: it survives a kill, stats do not.
            archived = dict(session.execute(
                select(Capture.record_type, func.count()).where(Capture.crawl_run_id == run_id)
                .group_by(Capture.record_type)).all())
            run.new_payloads = session.scalar(
                select(func.count()).select_from(Capture).where(
                    Capture.crawl_run_id == run_id, Capture.record_type == "response",
                    Capture.payload_length > 0))
            run.revisits = archived.get("revisit", 0)
            run.from_archive = (run.from_archive if add else 0) + stats.get(
                "xxgk/from_archive", 0)
            counts = dict(session.execute(
                select(CrawlDocumentEvent.change, func.count())
                .where(CrawlDocumentEvent.crawl_run_id == run_id)
                .group_by(CrawlDocumentEvent.change)).all())
            run.new_documents = counts.get(NEW, 0)
            run.changed_documents = counts.get(CHANGED, 0)
            run.unchanged_documents = counts.get(UNCHANGED, 0)
            run.moved_documents = counts.get(MOVED, 0)
            run.removed_documents = counts.get(REMOVED, 0)
            run.errors = session.scalar(select(func.count()).select_from(CrawlFailure)
                                        .where(CrawlFailure.crawl_run_id == run_id))
            run.incomplete = session.scalar(
                select(func.count()).select_from(CrawlFailure)
                .where(CrawlFailure.crawl_run_id == run_id, CrawlFailure.kind == INCOMPLETE))
            run.finished_at = utcnow()
            run.finish_reason = reason
            run.state = FINISHED if reason == "finished" else INTERRUPTED
            session.flush()
            session.expunge(run)
            return run

    # --- failures ---------------------------------------------------------------------------

    def record_failure(self, run_id: int, url: str, kind: str, reason: str, *,
                       method: str = "GET", status: int | None = None,
                       capture_id: int | None = None) -> None:
        with self._lock, self.sessions.begin() as session:
            session.add(CrawlFailure(crawl_run_id=run_id, at=utcnow(), url=url, method=method,
                                     kind=kind, status=status, reason=reason[:2000],
                                     capture_id=capture_id))

    # --- documents --------------------------------------------------------------------------

    def known_documents(self, site: str) -> list[tuple[str, str, str | None]]:
        """(url, kind, title) of every document still believed present at its URL."""
        with self.sessions() as session:
            return [tuple(row) for row in session.execute(
                select(CrawlDocument.url, CrawlDocument.kind, CrawlDocument.title)
                .where(CrawlDocument.site == site, CrawlDocument.state == "present")
                .order_by(CrawlDocument.id)).all()]

    def see(self, run_id: int, site: str, seen: Sighting) -> str | None:
        """Record a sighting; returns the change it was (None: nothing to record).

        Prepared Core statements on plain rows (``_Documents``), not ORM objects: this runs
        in the reactor thread for every report page and file, and through the ORM it took
        about 5 ms of CPU each (a sixth of all the crawl's CPU in the throughput bench)."""
        with self._lock, self.sessions.begin() as session:
            docs = _Documents(session.connection(), site)
            change = self._see(docs, run_id, site, seen)
            docs.write()
            return change

    @staticmethod
    def _see(docs: _Documents, run_id: int, site: str, seen: Sighting) -> str | None:
        doc = docs.by_url(seen.url)
        if seen.gone or seen.status in (404, 410):
            if doc is None or doc["state"] != "present":
                return None
            docs.set(doc, state=REMOVED)
            return docs.event(run_id, doc, REMOVED, seen, previous=doc["last_digest"])
        if seen.status != 200:
            return None
        moved_from = docs.moved_to(seen.url, run_id)
        for old_url in seen.redirected_from:
            old = docs.by_url(old_url)
            if old is not None and old["state"] == "present":
                docs.set(old, state=MOVED, moved_to=seen.url, last_run_id=run_id)
                moved_from = old
        if doc is None:
            doc = docs.add(url=seen.url, kind=seen.kind, title=seen.title, first_run_id=run_id,
                           last_run_id=run_id)
            if moved_from is not None:
                change, previous = MOVED, moved_from["last_digest"]
            else:
                change, previous = NEW, None
        else:
            previous = doc["last_digest"]
            if doc["state"] != "present":
                docs.set(doc, state="present", moved_to=None)  # it came back
            change = UNCHANGED if previous == seen.digest else CHANGED
            if moved_from is not None:
                change = MOVED
        if seen.title and not doc["title"]:
            docs.set(doc, title=seen.title)
        return docs.event(run_id, doc, change, seen, previous=previous,
                          previous_url=moved_from["url"] if moved_from else None)

    def relocated(self, run_id: int, site: str, url: str, target: str) -> str | None:
        """A known document's URL now redirects: it moved. The sighting at the target (before
        or after this) carries the 'moved' event."""
        with self._lock, self.sessions.begin() as session:
            old = self._document(session, site, url)
            if old is None or old.state != "present":
                return None
            old.state, old.moved_to, old.last_run_id = MOVED, target, run_id
            new = self._document(session, site, target)
            if new is None:
                return None  # the target's sighting will find old.moved_to
            event = session.scalars(select(CrawlDocumentEvent).where(
                CrawlDocumentEvent.crawl_run_id == run_id,
                CrawlDocumentEvent.document_id == new.id)).first()
            if event is not None and event.change in (NEW, CHANGED, UNCHANGED):
                event.change, event.previous_url = MOVED, url
                event.previous_digest = old.last_digest
                return MOVED
            return None

    @staticmethod
    def _document(session: Session, site: str, url: str) -> CrawlDocument | None:
        return session.scalars(select(CrawlDocument).where(
            CrawlDocument.site == site, CrawlDocument.url == url)).first()


_DOCS = cast(Table, CrawlDocument.__table__)
_EVENTS = cast(Table, CrawlDocumentEvent.__table__)
_DOC_FIELDS = (_DOCS.c.id, _DOCS.c.url, _DOCS.c.state, _DOCS.c.title, _DOCS.c.last_digest)


class _Documents:
    """The documents one sighting touches, as plain dicts by id: what the ORM's identity map
    gave ``see`` (a row read twice is one object, later reads see earlier changes), without
    its cost. Changes are collected and written by ``write``, one UPDATE per document."""

    BY_URL = select(*_DOC_FIELDS).where(_DOCS.c.site == bindparam("site"),
                                        _DOCS.c.url == bindparam("url"))
    MOVED_TO = select(*_DOC_FIELDS).where(_DOCS.c.site == bindparam("site"),
                                          _DOCS.c.moved_to == bindparam("url"),
                                          _DOCS.c.last_run_id == bindparam("run")).limit(1)
    EVENT_EXISTS = select(_EVENTS.c.id).where(_EVENTS.c.crawl_run_id == bindparam("run"),
                                              _EVENTS.c.document_id == bindparam("doc")).limit(1)
    ADD_DOCUMENT = insert(_DOCS)
    ADD_EVENT = insert(_EVENTS)
    _updates: ClassVar[dict[tuple[str, ...], Any]] = {}  # one prepared UPDATE per set of columns

    def __init__(self, connection: Connection, site: str) -> None:
        self.connection = connection
        self.site = site
        self.rows: dict[int, dict[str, Any]] = {}
        self.changed: dict[int, dict[str, Any]] = {}

    def _adopt(self, row: Any) -> dict[str, Any] | None:
        if row is None:
            return None
        return self.rows.setdefault(row.id, dict(row._mapping))

    def by_url(self, url: str) -> dict[str, Any] | None:
        return self._adopt(self.connection.execute(
            self.BY_URL, {"site": self.site, "url": url}).first())

    def moved_to(self, url: str, run_id: int) -> dict[str, Any] | None:
        """A document this run saw redirect to ``url``."""
        return self._adopt(self.connection.execute(
            self.MOVED_TO, {"site": self.site, "url": url, "run": run_id}).first())

    def add(self, **values: Any) -> dict[str, Any]:
        result = self.connection.execute(self.ADD_DOCUMENT, {"site": self.site, **values})
        key = result.inserted_primary_key
        assert key is not None  # an INSERT of one row
        doc_id = key[0]
        self.rows[doc_id] = {"id": doc_id, "url": values["url"], "state": "present",
                             "title": values.get("title"), "last_digest": None}
        return self.rows[doc_id]

    def set(self, doc: dict[str, Any], **values: Any) -> None:
        doc.update(values)
        self.changed.setdefault(doc["id"], {}).update(values)

    def event(self, run_id: int, doc: dict[str, Any], change: str, seen: Sighting, *,
              previous: str | None, previous_url: str | None = None) -> str | None:
        """The run's event for the document, unless it has one (a resumed run, or two links
        to it); the document then points at this run's capture."""
        if self.connection.execute(self.EVENT_EXISTS,
                                   {"run": run_id, "doc": doc["id"]}).first() is not None:
            return None
        self.set(doc, last_run_id=run_id)
        if change != REMOVED:
            self.set(doc, last_capture_id=seen.capture_id, last_digest=seen.digest)
        self.connection.execute(self.ADD_EVENT, {
            "crawl_run_id": run_id, "document_id": doc["id"], "at": utcnow(), "change": change,
            "status": seen.status, "capture_id": seen.capture_id, "digest": seen.digest,
            "previous_digest": previous, "previous_url": previous_url})
        return change

    def write(self) -> None:
        for doc_id, values in self.changed.items():
            columns = tuple(sorted(values))
            statement = self._updates.get(columns)
            if statement is None:
                statement = self._updates[columns] = (
                    update(_DOCS).where(_DOCS.c.id == bindparam("doc_id"))
                    .values({name: bindparam(name) for name in columns}))
            self.connection.execute(statement, {"doc_id": doc_id, **values})
        self.changed.clear()
