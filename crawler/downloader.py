"""Scrapy's downloader with a strict per-host slot: the politeness we promise, whatever the
delay settings.

Scrapy 2.19 keeps a host's requests in a slot with a concurrency and a delay, but the
concurrency holds only when the delay is not zero: with DOWNLOAD_DELAY=0 its queue loop hands
every queued request to the handler before the first has started (``transferring`` grows
later), and 63 requests went to one host at once (issue 14). Its delay is counted from when
a request left the queue, so a request sent late by a busy reactor is followed too soon.

Here a slot (``PoliteSlot``):

- sends at most ``concurrency`` requests at a time: XXGK_HOST_CONCURRENCY, 1 unless the
  site's registry entry says ``concurrency: N`` (CONCURRENT_REQUESTS_PER_DOMAIN/IP are not
  used), counting requests taken from the queue and not yet transferring;
- sends the next request ``delay`` after the later of the last send and the last response
  (as the distributed ``HostGateMiddleware`` does): the gap between two requests to a host is
  at least the delay, whatever held either up. The delay is re-read whenever the slot is
  woken, so a delay raised meanwhile (a Crawl-delay, a 429, a Retry-After:
  ``PolitenessMiddleware``) applies to the request already waiting;
- starts as if a response had just come: a new slot, and so a (re)started crawl, waits
  one delay before its first request instead of sending at once (a killed run's last
  request may have been a moment ago);
- once the crawl is closing, fails what waits in its queue (``CrawlClosing``) instead of
  sending it: a SIGTERM ends a crawl in one delay, not a queue of delays (not in a
  distributed worker: XXGK_DROP_WHEN_CLOSING).
"""

from __future__ import annotations

from time import monotonic
from typing import Any

from scrapy import Request
from scrapy.core.downloader import Downloader, Slot, _slot_jitter
from scrapy.utils.asyncio import call_later
from scrapy.utils.defer import _schedule_coro

from crawler.middlewares.loops import CrawlClosing, dropping


class _Transferring(set):  # type: ignore[type-arg]
    """The slot's set of requests on the wire: the moments they start and end are the
    slot's clock (Scrapy adds and removes them in ``Downloader._download``)."""

    def __init__(self, slot: PoliteSlot) -> None:
        super().__init__()
        self.slot = slot

    def add(self, request: Request) -> None:
        super().add(request)
        self.slot.starting = max(0, self.slot.starting - 1)

    def remove(self, request: Request) -> None:
        super().remove(request)
        self.slot.last_response = monotonic()


class PoliteSlot(Slot):
    def __init__(self, concurrency: int, delay: float, jitter: float) -> None:
        super().__init__(concurrency, delay, jitter)
        self.transferring = _Transferring(self)
        self.starting = 0  # taken from the queue, not yet transferring
        self.last_response = monotonic()  # a start is treated as a response just received

    def in_flight(self) -> int:
        return len(self.transferring) + self.starting


class PoliteDownloader(Downloader):
    def _get_slot(self, request: Request, spider: Any = None) -> tuple[str, Slot]:
        key = self.get_slot_key(request)
        if key not in self.slots:
            slot_settings = self.per_slot_settings.get(key, {})
            concurrency = int(slot_settings.get(
                "concurrency", self.settings.getint("XXGK_HOST_CONCURRENCY", 1)))
            self.slots[key] = PoliteSlot(max(1, concurrency),
                                         slot_settings.get("delay", self._delay),
                                         _slot_jitter(slot_settings, self._jitter))
            self._start_slot_gc()
        return key, self.slots[key]

    def _process_queue(self, slot: Slot) -> None:
        if not isinstance(slot, PoliteSlot):
            super()._process_queue(slot)
            return
        if slot.latercall:
            return  # woken when the wait is over
        if dropping(self.crawler):
            while slot.queue:
                request, deferred = slot.queue.popleft()
                deferred.errback(CrawlClosing("not sent: the crawl is closing"))
            return
        if not slot.queue or slot.in_flight() >= slot.concurrency:
            return  # the response in flight wakes the slot
        now = monotonic()
        wait = max(slot.lastseen, slot.last_response) + slot.download_delay() - now
        if wait > 0:
            slot.latercall = call_later(wait, self._latercall, slot)
            return
        slot.lastseen = now
        slot.starting += 1
        request, deferred = slot.queue.popleft()
        _schedule_coro(self._wait_for_download(slot, request, deferred))
        if slot.queue and slot.in_flight() < slot.concurrency:
            self._process_queue(slot)  # concurrency > 1: the next after its delay
