"""Ask only for what changed, and never fetch twice what a killed run already has.

- Conditional requests: a GET carries If-None-Match / If-Modified-Since from the last capture
  of its URL. A 304 is archived (as a server-not-modified revisit, by the archive middleware
  below this one) and then answered here from the archived payload, so the spider still sees
  the page and follows its links.
- Resuming: when a killed run is taken up again, a request this run already got a final
  answer for is answered from the archive without touching the network. Retries made for a
  challenge always go to the network, and so does robots.txt: its Crawl-delay is read from
  the answer (``PolitenessMiddleware``), on every run.
- An archived copy that cannot be read (a WARC file missing or damaged) is a failure of kind
  ``archive``, recorded once per URL and run; the request goes on without it: once more,
  unconditionally, after a 304 (never again conditionally: that would 304 for ever).

Placed just above the archive middleware (950): its process_response sees the 304 after it
was archived, and responses it makes are flagged so they are not archived a second time.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from scrapy import Request
from scrapy.http import Headers, Response
from scrapy.responsetypes import responsetypes
from sqlalchemy import select

from archive.models import Capture, WarcFile
from archive.read.reader import payload_capture
from archive.storage.local import local_file_exists
from archive.write.store import Archive
from crawler.middlewares.challenges import cookie_reload, is_ts_challenge
from crawler.middlewares.failures import record

FROM_ARCHIVE = "xxgk_from_archive"
_FINAL = {200, 203, 204, 206, 301, 302, 303, 307, 308, 404, 410}
_RETRY_MARKS = ("xxgk_cookie_tries", "xxgk_browser_tries", "retry_times")


class IncrementalMiddleware:
    def __init__(self, crawler, conditional: bool) -> None:  # type: ignore[no-untyped-def]
        self.crawler = crawler
        self.conditional = conditional
        self._unreadable: set[str] = set()  # URLs whose archived copy failed, recorded once

    @classmethod
    def from_crawler(cls, crawler):  # type: ignore[no-untyped-def]
        return cls(crawler, crawler.settings.getbool("XXGK_CONDITIONAL_REQUESTS", True))

    @property
    def archive(self) -> Archive:
        return self.crawler.spider.archive

    def process_request(self, request: Request) -> Response | None:
        spider = self.crawler.spider
        if request.meta.get("playwright"):
            return None
        if getattr(spider, "resuming", False) and not _is_robots(request) and not any(
                request.meta.get(mark) for mark in _RETRY_MARKS):
            answered = self._answered_in_run(request)
            if answered is not None:
                return answered
        if self.conditional and request.method == "GET" and not request.meta.get(
                "xxgk_unconditional"):
            self._add_validators(request)
        return None

    def process_response(self, request: Request, response: Response) -> Response:
        capture_id = request.meta.get("xxgk_validators_from")
        if response.status != 304 or capture_id is None or request.meta.get(FROM_ARCHIVE):
            return response
        with self.archive.sessions() as session:
            capture = session.get(Capture, capture_id)
            original = payload_capture(session, capture)
            built = self._response(request, original)
        if built is None:  # the archived copy is unreadable: ask again, unconditionally
            retry = request.replace(dont_filter=True)
            for name in (b"If-None-Match", b"If-Modified-Since"):
                retry.headers.pop(name, None)  # replace() keeps them: it would 304 forever
            retry.meta.pop("xxgk_validators_from", None)
            retry.meta["xxgk_unconditional"] = True
            return retry
        self.crawler.stats.inc_value("xxgk/not_modified")
        request.meta["xxgk_unchanged"] = True
        return built

    # --- helpers ----------------------------------------------------------------------------

    def _add_validators(self, request: Request) -> None:
        last = self.archive.last_capture(request.url)
        if last is None:
            return
        if last.etag:
            request.headers[b"If-None-Match"] = last.etag.encode("latin-1")
        if last.last_modified:
            request.headers[b"If-Modified-Since"] = last.last_modified.encode("latin-1")
        request.meta["xxgk_validators_from"] = last.id

    def _answered_in_run(self, request: Request) -> Response | None:
        spider = self.crawler.spider
        fingerprint = self.crawler.request_fingerprinter.fingerprint(request).hex()
        with self.archive.sessions() as session:
            capture = session.scalars(
                select(Capture).where(Capture.crawl_run_id == spider.crawl_run_id,
                                      Capture.fingerprint == fingerprint,
                                      Capture.record_type.in_(("response", "revisit")))
                .order_by(Capture.captured_at.desc(), Capture.id.desc()).limit(1)).first()
            if capture is None or capture.status not in _FINAL | {304}:
                return None
            original = payload_capture(session, capture)
            built = self._response(request, original, status=(
                original.status if capture.status == 304 else capture.status))
        if built is None or cookie_reload(built.body) or is_ts_challenge(built.body):
            return None
        request.meta.update({FROM_ARCHIVE: True, "xxgk_capture_id": capture.id,
                             "xxgk_digest": capture.payload_digest})
        self.crawler.stats.inc_value("xxgk/from_archive")
        return built

    def _response(self, request: Request, capture: Capture,
                  status: int | None = None) -> Response | None:
        try:
            archived = self.archive.read(capture)
        except Exception as exc:  # noqa: BLE001 - damage is recorded, the crawl goes on
            if self._open_elsewhere(capture):
                # Another worker's WARC file, still being written (robots.txt is the same
                # bytes on every portal): no damage, just not readable yet from here.
                self.crawler.stats.inc_value("xxgk/copy_open_elsewhere")
                return None
            self._unreadable_copy(request, capture, exc)
            return None
        headers = Headers()
        for name, value in archived.http_headers:
            headers.appendlist(name, value)
        cls = responsetypes.from_args(headers=headers, url=request.url, body=archived.payload)
        return cls(url=request.url, status=status or archived.status or 200, headers=headers,
                   body=archived.payload, request=request, protocol="HTTP/1.1")

    def _open_elsewhere(self, capture: Capture) -> bool:
        """The capture is in a WARC file that is not sealed yet and not in this home: a
        file another process (a distributed worker) is still writing."""
        with self.archive.sessions() as session:
            warc_file = session.get(WarcFile, capture.warc_file_id)
        return warc_file is not None and not warc_file.sealed and not local_file_exists(
            warc_file.location, self.archive.home.archive_dir)

    def _unreadable_copy(self, request: Request, capture: Capture, exc: Exception) -> None:
        if request.url in self._unreadable:
            return
        self._unreadable.add(request.url)
        self.crawler.spider.logger.error("archived copy of %s unreadable (asked for again "
                                         "without it): %s", capture.url, exc)
        record(self.crawler, request, "archive",
               f"archived copy (capture {capture.id}) unreadable, fetched again without it: "
               f"{type(exc).__name__}: {exc}"[:2000])


def _is_robots(request: Request) -> bool:
    return urlsplit(request.url).path == "/robots.txt"
