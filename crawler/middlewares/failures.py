"""Every request that does not end in a usable answer is written down, with its reason.

Placed lowest (50), so it sees what is left after retries, redirects and challenge handling:
a final 4xx/5xx response, or an exception (network, timeout, size cap, robots.txt, trap).
The response itself is archived anyway; this is the operator's list of what went wrong.
"""

from __future__ import annotations

from scrapy import Request
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from twisted.internet.error import TimeoutError as TxTimeoutError

from crawler.middlewares.traps import TrapRequest


def failure_kind(exception: Exception) -> str:
    if isinstance(exception, TrapRequest):
        return "trap"
    if isinstance(exception, IgnoreRequest):
        text = str(exception).lower()
        return "robots" if "robots" in text else "offsite" if "offsite" in text else "ignored"
    name = type(exception).__name__
    if isinstance(exception, TxTimeoutError) or "Timeout" in name:
        return "timeout"
    if "Cancelled" in name or "maxsize" in str(exception).lower() or "max size" in str(exception):
        return "too_large"
    return "network"


class FailureMiddleware:
    def __init__(self, crawler) -> None:  # type: ignore[no-untyped-def]
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):  # type: ignore[no-untyped-def]
        return cls(crawler)

    def _record(self, request: Request, kind: str, reason: str, status: int | None = None
                ) -> None:
        spider = self.crawler.spider
        ledger = getattr(spider, "ledger", None)
        self.crawler.stats.inc_value(f"xxgk/failure/{kind}")
        if ledger is None:
            return
        ledger.record_failure(spider.crawl_run_id, request.url, kind, reason,
                              method=request.method, status=status,
                              capture_id=request.meta.get("xxgk_capture_id"))

    def process_response(self, request: Request, response: Response) -> Response:
        if response.status >= 400 and not request.meta.get("xxgk_from_archive") \
                and not request.meta.get("xxgk_solving"):  # a browser visit: see challenges
            tries = request.meta.get("retry_times", 0)
            self._record(request, "http", f"HTTP {response.status} after {tries} retries",
                         response.status)
        return response

    def process_exception(self, request: Request, exception: Exception) -> None:
        kind = failure_kind(exception)
        self._record(request, kind, f"{type(exception).__name__}: {exception}"[:2000])
        return None
