"""Scrapy extensions: close the crawl run in the ledger, record callback errors, and show
progress while a crawl runs."""

from __future__ import annotations

import asyncio

from scrapy import signals

from crawler.ledger import INCOMPLETE
from crawler.progress import board


class CrawlRunExtension:
    """Writes the run's end (counts, reason) and every spider callback error to the ledger."""

    def __init__(self, crawler) -> None:  # type: ignore[no-untyped-def]
        self.crawler = crawler
        self.run = None

    @classmethod
    def from_crawler(cls, crawler):  # type: ignore[no-untyped-def]
        ext = cls(crawler)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(ext.spider_error, signal=signals.spider_error)
        return ext

    def spider_error(self, failure, response, spider) -> None:  # type: ignore[no-untyped-def]
        ledger = getattr(spider, "ledger", None)
        if ledger is not None:
            ledger.record_failure(spider.crawl_run_id, response.url, "parse",
                                  f"{failure.type.__name__}: {failure.value}",
                                  status=response.status,
                                  capture_id=response.meta.get("xxgk_capture_id"))

    async def spider_closed(self, spider, reason: str) -> None:  # type: ignore[no-untyped-def]
        archive = getattr(spider, "archive", None)
        if archive is not None:
            # Exchanges still queued for the archive's writer (group commit) are written
            # first: the run's counts come from the index. Waited for in a thread: the
            # other sites of the process go on meanwhile, their requests on time.
            await asyncio.to_thread(archive.flush)
        ledger = getattr(spider, "ledger", None)
        if ledger is not None and spider.crawl_run_id is not None:
            listings = getattr(spider, "listings", None)
            # Only a run that reached its end is judged (an interrupted one is resumed). A
            # resumed run is judged too: it walks the site again from its start, every page
            # the killed process had answered from the archive (IncrementalMiddleware), so
            # every listing page is read again and the tally is whole.
            if reason == "finished" and listings is not None:
                for short in listings.shortfalls():
                    ledger.record_failure(spider.crawl_run_id, short.url, INCOMPLETE,
                                          short.reason)
                    self.crawler.stats.inc_value("xxgk/listings/incomplete")
            self.run = ledger.finish_run(spider.crawl_run_id, self.crawler.stats.get_stats(),
                                         reason)
            self.crawler.stats.set_value("xxgk/run", self.run.id)


class ProgressExtension:
    """Registers the site with the process-wide progress board."""

    def __init__(self, crawler, interval: float) -> None:  # type: ignore[no-untyped-def]
        self.crawler = crawler
        self.interval = interval

    @classmethod
    def from_crawler(cls, crawler):  # type: ignore[no-untyped-def]
        ext = cls(crawler, crawler.settings.getfloat("XXGK_PROGRESS_INTERVAL", 2.0))
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def spider_opened(self, spider) -> None:  # type: ignore[no-untyped-def]
        if self.interval > 0:
            board.add(spider.site.key, self.crawler, self.interval)

    def spider_closed(self, spider, reason: str) -> None:  # type: ignore[no-untyped-def]
        board.done(spider.site.key, reason)
