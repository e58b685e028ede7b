"""No request repeats without bound, and a crawl that is closing sends nothing new.

Several middlewares send a request again on their own: the retry middleware (5xx, 429,
network errors), the challenge middleware (cookie reloads, browser solves), the incremental
middleware (unconditionally, when the archived copy behind a 304 is unreadable). Each has a
limit of its own, but together, or with a server that answers each retry with a reason for
the next, a URL could be asked for without end (issue 14: 24,759 ``GET /robots.txt`` in ten
minutes). Here every attempt at one request (its fingerprint: URL, method, body) counts,
whoever made it; past XXGK_MAX_TRIES_PER_URL the request is refused and recorded once as a
failure of kind ``retries``.

A re-sent request never goes back through the scheduler when it is robots.txt or a browser
visit (``engine.download_async`` loops on it), so Scrapy's close (``--max-pages``, SIGTERM)
would wait for it for ever. Once the crawl is closing, every request is refused here
(``CrawlClosing``, not a failure: the run is interrupted and the next crawl resumes it), and
the downloader drops what waits in its host queues (``crawler.downloader``); not in a
distributed worker, which finishes what it holds (XXGK_DROP_WHEN_CLOSING).

``--max-pages`` (CLOSESPIDER_PAGECOUNT) counts Scrapy's final answers; a request re-sent
without end never gives one. The same limit is also applied here to what the network
answered (every download, retried ones included), so it ends a crawl in any case.

Placed at 55: after the failure middleware (50), which records the refusal, and before
everything that may answer or hold a request (traps, robots.txt, politeness, challenges).
"""

from __future__ import annotations

from scrapy import Request, signals
from scrapy.exceptions import IgnoreRequest
from scrapy.utils.defer import _schedule_coro


class RetryBudgetSpent(IgnoreRequest):
    """A request tried XXGK_MAX_TRIES_PER_URL times (recorded as kind ``retries``)."""


class CrawlClosing(IgnoreRequest):
    """Not sent: the crawl is closing (not a failure; a resumed run asks for it)."""


def closing(crawler) -> bool:  # type: ignore[no-untyped-def]
    """The crawl is being stopped (SIGTERM, Ctrl-C) or closed (a CLOSESPIDER_* limit, the
    end). Scrapy keeps this on a private attribute of its engine."""
    engine = crawler.engine
    if engine is None:
        return False
    slot = getattr(engine, "_slot", None)
    return not engine.running or (slot is not None and slot.closing is not None)


def dropping(crawler) -> bool:  # type: ignore[no-untyped-def]
    """Closing, and what is not sent yet is dropped (XXGK_DROP_WHEN_CLOSING). A distributed
    worker finishes what it holds instead: the shared queue would lose it (the retry budget
    still bounds every request)."""
    return crawler.settings.getbool("XXGK_DROP_WHEN_CLOSING", True) and closing(crawler)


class LoopGuardMiddleware:
    def __init__(self, crawler, max_tries: int, max_responses: int) -> None:  # type: ignore[no-untyped-def]
        self.crawler = crawler
        self.max_tries = max_tries  # 0: no budget
        self.max_responses = max_responses  # 0: no limit
        self.tries: dict[bytes, int] = {}
        self.downloaded = 0

    @classmethod
    def from_crawler(cls, crawler):  # type: ignore[no-untyped-def]
        settings = crawler.settings
        guard = cls(crawler, settings.getint("XXGK_MAX_TRIES_PER_URL", 10),
                    settings.getint("CLOSESPIDER_PAGECOUNT", 0))
        crawler.signals.connect(guard.response_downloaded, signal=signals.response_downloaded)
        return guard

    def process_request(self, request: Request) -> None:
        if dropping(self.crawler):
            raise CrawlClosing("not sent: the crawl is closing")
        if request.meta.get("xxgk_solving") or not self.max_tries:
            return None  # a browser visit for a challenge: the challenged request counts
        key = self.crawler.request_fingerprinter.fingerprint(request)
        tries = self.tries.get(key, 0) + 1
        self.tries[key] = tries
        if tries > self.max_tries:
            self.crawler.stats.inc_value("xxgk/retry_budget_spent")
            raise RetryBudgetSpent(f"retry budget spent: {request.method} {request.url} was "
                                   f"tried {self.max_tries} times (XXGK_MAX_TRIES_PER_URL; "
                                   f"retries, 429s, challenges and conditional fallbacks "
                                   f"together)")
        return None

    def response_downloaded(self, response, request, spider) -> None:  # type: ignore[no-untyped-def]
        self.downloaded += 1
        if self.max_responses and self.downloaded == self.max_responses \
                and not closing(self.crawler):
            _schedule_coro(self.crawler.engine.close_spider_async(
                reason="closespider_pagecount"))
