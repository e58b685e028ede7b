"""Politeness Scrapy does not do by itself: robots.txt Crawl-delay, 429 backoff, Retry-After.

A host's delay (its download slot's, ``crawler.downloader``) is the largest of
DOWNLOAD_DELAY and the robots.txt Crawl-delay (the host's floor), raised by the 429 backoff:
each 429 doubles it (the server said we are too fast), up to MAX_DELAY, and each other answer
of the host halves what the backoff added, so the delay comes back to the floor once the 429s
stop. Retry-After on 429/503 holds the host for that long only, then the delay applies again.

The floor is kept per host here, not on the slot: robots.txt may be read before the host's
slot exists (an answer the archive gave) and Scrapy drops slots idle for a minute. robots.txt
is asked for on every run, a resumed one included (``IncrementalMiddleware`` never answers it
from the run's archive), so its Crawl-delay holds after a restart.
"""

from __future__ import annotations

import time

from scrapy import Request
from scrapy.http import Response

MAX_DELAY = 120.0
MIN_BACKOFF = 0.5  # the first 429 of a host with a smaller delay waits this long


class PolitenessMiddleware:
    def __init__(self, crawler) -> None:  # type: ignore[no-untyped-def]
        self.crawler = crawler
        self.download_delay = crawler.settings.getfloat("DOWNLOAD_DELAY")
        self._floor: dict[str, float] = {}  # DOWNLOAD_DELAY or Crawl-delay
        self._delay: dict[str, float] = {}  # the floor, raised by 429s
        self._until: dict[str, float] = {}  # end of a Retry-After

    @classmethod
    def from_crawler(cls, crawler):  # type: ignore[no-untyped-def]
        return cls(crawler)

    def process_response(self, request: Request, response: Response) -> Response:
        downloader = self.crawler.engine.downloader
        key = request.meta.get("download_slot") or downloader.get_slot_key(request)
        if response.url.endswith("/robots.txt") and response.status == 200:
            self._read_robots(key, response)
        if request.meta.get("xxgk_from_archive"):
            return response  # the server was not asked: nothing to learn about its load
        floor = self._floor.get(key, self.download_delay)
        delay = self._delay.get(key, floor)
        if response.status == 429:
            delay = min(max(delay * 2, MIN_BACKOFF, floor), MAX_DELAY)
        else:
            delay = max(floor, floor + (delay - floor) / 2)  # recovering from a backoff
        self._delay[key] = delay
        now = time.monotonic()
        retry_after = _retry_after(response) if response.status in (429, 503) else 0.0
        slot = downloader.slots.get(key)
        if retry_after > delay:
            self._until[key] = now + min(retry_after, MAX_DELAY)
            self.crawler.spider.logger.info("Retry-After %.1fs from %s", retry_after,
                                            response.url)
        if slot is not None:
            holding = self._until.get(key, 0.0) - now
            slot.delay = max(delay, min(holding, MAX_DELAY)) if holding > 0 else delay
        return response

    def _read_robots(self, key: str, response: Response) -> None:
        crawl_delay = _crawl_delay(response.body.decode("utf-8", "replace"))
        floor = min(max(self.download_delay, crawl_delay or 0.0), MAX_DELAY)
        self._floor[key] = floor
        self._delay[key] = max(self._delay.get(key, floor), floor)
        if crawl_delay:
            self.crawler.spider.logger.info("robots.txt Crawl-delay %.2fs for %s",
                                            crawl_delay, response.url)


def _retry_after(response: Response) -> float:
    value = response.headers.get(b"Retry-After")
    try:
        return float(value.decode()) if value else 0.0
    except ValueError:
        return 0.0  # an HTTP date: rare on these portals; the retry backoff applies


def _crawl_delay(robots: str, agent: str = "*") -> float | None:
    from protego import Protego

    return Protego.parse(robots).crawl_delay(agent)
