"""Every response lands in the archive exactly as received, before Scrapy decodes it.

Placed above HttpCompressionMiddleware (590) and RedirectMiddleware (600), so bodies are
still compressed as the server sent them and redirects are archived too. The request part of
the record is the request as sent (after cookies, user agent and compression headers), less
its credentials: Proxy-Authorization and Authorization always (``archive.redact``), and the
headers the operator lists in XXGK_SECRET_HEADERS (e.g. ``Cookie``).
"""

from __future__ import annotations

import asyncio
from http import HTTPStatus

from scrapy import Request
from scrapy.http import Response

from archive.redact import strip_credentials
from archive.write.records import Exchange
from archive.write.store import Archive
from xxgk.base.clock import utcnow

# Twisted has removed the chunked framing by the time we see the body: a reader must not try
# to de-chunk it again, so the header is kept under another name.
_RENAMED = {"transfer-encoding": "X-Archive-Orig-Transfer-Encoding"}


def _pairs(headers) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    out = []
    for name, values in headers.items():
        text = name.decode("latin-1")
        text = _RENAMED.get(text.lower(), text)
        for value in values:
            out.append((text, value.decode("latin-1")))
    return out


class ArchiveMiddleware:
    def __init__(self, crawler, archive: Archive) -> None:  # type: ignore[no-untyped-def]
        self.crawler = crawler
        self.archive = archive
        # Headers an operator marks secret besides the credentials the archive always drops.
        self.secret_headers = tuple(crawler.settings.getlist("XXGK_SECRET_HEADERS", []))

    @classmethod
    def from_crawler(cls, crawler):  # type: ignore[no-untyped-def]
        # The run's Archive travels with the spider: settings are deep-copied, an open
        # archive (files, database engine) cannot be.
        archive = getattr(crawler.spider, "archive", None)
        if archive is None:
            raise ValueError("the spider has no archive: pass archive=Archive(...) to crawl()")
        return cls(crawler, archive)

    async def process_response(self, request: Request, response: Response) -> Response:
        if request.meta.get("xxgk_from_archive"):
            return response  # answered from the archive: already there
        if request.meta.get("playwright"):
            # A browser's serialised DOM is not what the network sent: the challenge solver
            # archives it as a resource record.
            return response
        try:
            reason = HTTPStatus(response.status).phrase
        except ValueError:
            reason = ""
        exchange = Exchange(
            url=response.url, method=request.method,
            request_headers=strip_credentials(_pairs(request.headers), self.secret_headers),
            request_body=request.body or b"", protocol=response.protocol or "HTTP/1.1",
            status=response.status, reason=reason, response_headers=_pairs(response.headers),
            body=response.body, captured_at=utcnow(),
            crawl_run_id=getattr(self.crawler.spider, "crawl_run_id", None),
            fingerprint=self.crawler.request_fingerprinter.fingerprint(request).hex())
        try:
            # The archive's writer (a process of its own, archive.write.process) stores it with
            # the exchanges of the same moment (group commit: one fsync and one index
            # transaction for all of them); the reactor meanwhile keeps every other host's
            # requests on time. The response goes on only once its records are on disk and
            # in the index.
            stored = await asyncio.wrap_future(self.archive.submit(exchange))
        except Exception as exc:
            # The response is not lost silently: the run's failures say what and why.
            spider = self.crawler.spider
            if getattr(spider, "ledger", None) is not None:
                spider.ledger.record_failure(spider.crawl_run_id, response.url, "archive",
                                             f"{type(exc).__name__}: {exc}",
                                             method=request.method, status=response.status)
            raise
        request.meta["xxgk_capture_id"] = stored.capture_id
        request.meta["xxgk_digest"] = stored.payload_digest
        request.meta["xxgk_new_payload"] = stored.new_payload
        self.crawler.stats.inc_value(f"xxgk/archived/{stored.record_type}")
        if stored.new_payload:
            self.crawler.stats.inc_value("xxgk/archived/new_payload")
        return response
