"""Every request that does not end in a usable answer is written down, with its reason.

Placed lowest (50), so it sees what is left after retries, redirects and challenge handling:
a final 4xx/5xx response, a challenge page the challenge middleware could not pass, or an
exception (network, timeout, size cap, robots.txt, trap, a spent retry budget: ``loops``).
A request for another host is refused before it reaches the downloader (Scrapy's offsite
filter, at scheduling): the ``OffsiteMiddleware`` here records those. The response itself is archived anyway; this is
the operator's list of what went wrong.
"""

from __future__ import annotations

from scrapy import Request, Spider
from scrapy.downloadermiddlewares.offsite import OffsiteMiddleware as ScrapyOffsiteMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from scrapy.statscollectors import StatsCollector
from twisted.internet.error import TimeoutError as TxTimeoutError

from crawler.middlewares.loops import CrawlClosing, RetryBudgetSpent
from crawler.middlewares.traps import TrapRequest


def failure_kind(exception: Exception) -> str:
    if isinstance(exception, TrapRequest):
        return "trap"
    if isinstance(exception, RetryBudgetSpent):
        return "retries"
    if isinstance(exception, IgnoreRequest):
        text = str(exception).lower()
        return "robots" if "robots" in text else "offsite" if "offsite" in text else "ignored"
    name = type(exception).__name__
    if isinstance(exception, TxTimeoutError) or "Timeout" in name:
        return "timeout"
    if "Cancelled" in name or "maxsize" in str(exception).lower() or "max size" in str(exception):
        return "too_large"
    return "network"


def failure_reason(exception: Exception, max_size: int) -> str:
    """Scrapy raises two errors without a message: a body cut off while streaming because it
    outgrew the size cap, and a connection closed before the whole body arrived."""
    name, text = type(exception).__name__, str(exception)
    if not text:
        text = {"DownloadCancelledError": f"body larger than download max size ({max_size}), "
                                          f"cut off while received",
                "ResponseDataLossError": "connection closed before the whole body arrived",
                }.get(name) or repr(exception.__cause__ or exception)
    return f"{name}: {text}"


def record(crawler, request: Request, kind: str, reason: str,  # type: ignore[no-untyped-def]
           status: int | None = None) -> None:
    spider = crawler.spider
    ledger = getattr(spider, "ledger", None)
    crawler.stats.inc_value(f"xxgk/failure/{kind}")
    if ledger is None:
        return
    ledger.record_failure(spider.crawl_run_id, request.url, kind, reason,
                          method=request.method, status=status,
                          capture_id=request.meta.get("xxgk_capture_id"))


class FailureMiddleware:
    def __init__(self, crawler) -> None:  # type: ignore[no-untyped-def]
        self.crawler = crawler
        self.max_size = crawler.settings.getint("DOWNLOAD_MAXSIZE")

    @classmethod
    def from_crawler(cls, crawler):  # type: ignore[no-untyped-def]
        return cls(crawler)

    def process_response(self, request: Request, response: Response) -> Response:
        if request.meta.get("xxgk_from_archive") or request.meta.get("xxgk_solving"):
            return response  # answered before, or a browser visit: see challenges
        challenge = request.meta.get("xxgk_challenge_failed")
        if challenge:
            record(self.crawler, request, "challenge", challenge, response.status)
        elif response.status >= 400:
            tries = request.meta.get("retry_times", 0)
            record(self.crawler, request, "http",
                   f"HTTP {response.status} after {tries} retries", response.status)
        return response

    def process_exception(self, request: Request, exception: Exception) -> None:
        if isinstance(exception, CrawlClosing):
            return None  # not a failure: the run is interrupted, the next crawl resumes it
        kind = failure_kind(exception)
        reason = failure_reason(exception, request.meta.get("download_maxsize", self.max_size))
        tries = request.meta.get("retry_times", 0)
        if tries:
            reason += f" (after {tries} retries)"
        record(self.crawler, request, kind, reason[:2000])


class OffsiteMiddleware(ScrapyOffsiteMiddleware):
    """Scrapy's offsite filter (in its place, 50), whose refusals are recorded (kind
    ``offsite``), once per URL and run. The spiders never follow a link to another host
    (portals link gov.cn and friends everywhere), so what is refused here left the site's
    hosts another way: a redirect, or a report's attachment on another host. Either may be
    a report that moved or is kept elsewhere; Scrapy would only log it, once per domain."""

    def __init__(self, stats: StatsCollector) -> None:
        super().__init__(stats)
        self.recorded: set[str] = set()

    def request_scheduled(self, request: Request, spider: Spider) -> None:
        try:
            super().request_scheduled(request, spider)
        except IgnoreRequest as exc:
            if request.url not in self.recorded:
                self.recorded.add(request.url)
                redirected = request.meta.get("redirect_urls")
                referer = (request.headers.get(b"Referer") or b"").decode("latin-1")
                origin = (f" (redirected from {redirected[-1]})" if redirected else
                          f" (linked from {referer})" if referer else "")
                record(self.crawler, request, "offsite", f"IgnoreRequest: {exc}{origin}")
            raise
