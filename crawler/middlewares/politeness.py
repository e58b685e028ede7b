"""Politeness Scrapy does not do by itself: robots.txt Crawl-delay, and Retry-After.

A host's download slot keeps a base delay (DOWNLOAD_DELAY, raised by a Crawl-delay, doubled
by each 429: the server said we are too fast). Retry-After on 429/503 slows the slot down
for that long only, then the base delay applies again.
"""

from __future__ import annotations

import time

from scrapy import Request
from scrapy.http import Response

MAX_DELAY = 120.0


class PolitenessMiddleware:
    def __init__(self, crawler) -> None:  # type: ignore[no-untyped-def]
        self.crawler = crawler
        self._base: dict[str, float] = {}
        self._until: dict[str, float] = {}

    @classmethod
    def from_crawler(cls, crawler):  # type: ignore[no-untyped-def]
        return cls(crawler)

    def _slot(self, request: Request):  # type: ignore[no-untyped-def]
        downloader = self.crawler.engine.downloader
        key = request.meta.get("download_slot") or downloader.get_slot_key(request)
        return key, downloader.slots.get(key)

    def process_response(self, request: Request, response: Response) -> Response:
        spider = self.crawler.spider
        key, slot = self._slot(request)
        if slot is None:
            return response
        base = self._base.setdefault(key, slot.delay)
        now = time.monotonic()
        if response.url.endswith("/robots.txt") and response.status == 200:
            delay = _crawl_delay(response.body.decode("utf-8", "replace"))
            if delay and delay > base:
                base = self._base[key] = min(delay, MAX_DELAY)
                spider.logger.info("robots.txt Crawl-delay %.2fs for %s", delay, response.url)
        if response.status == 429:
            base = self._base[key] = min(max(base * 2, 0.5), MAX_DELAY)
        retry_after = _retry_after(response) if response.status in (429, 503) else 0.0
        if retry_after > base:
            self._until[key] = now + retry_after
            slot.delay = min(retry_after, MAX_DELAY)
            spider.logger.info("Retry-After %.1fs from %s", retry_after, response.url)
        elif self._until.get(key, 0.0) <= now:
            slot.delay = base
        return response


def _retry_after(response: Response) -> float:
    value = response.headers.get(b"Retry-After")
    try:
        return float(value.decode()) if value else 0.0
    except ValueError:
        return 0.0  # an HTTP date: rare on these portals; the retry backoff applies


def _crawl_delay(robots: str, agent: str = "*") -> float | None:
    from protego import Protego

    return Protego.parse(robots).crawl_delay(agent)
