"""The shared frontier as Scrapy's scheduler sees it, in each worker's crawler of a site:
``SiteScheduler`` (scrapy-redis's, with fewer Redis round trips), ``ClaimingQueue`` (a pop
that marks the worker busy and holds what it took), ``track_done`` (a held request let go
when the engine is through with it) and ``site_settings``, which wires them into a crawler.
The keys and scripts they work on are ``frontier``'s."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

from scrapy_redis.queue import PriorityQueue
from scrapy_redis.scheduler import Scheduler

from crawler.distributed.codec import request_dict
from crawler.distributed.frontier import Frontier, worker_id

log = logging.getLogger(__name__)


_PUSH_NEW = """
if redis.call('SADD', KEYS[2], ARGV[1]) == 0 then return 0 end
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[3])
return 1
"""


class SiteScheduler(Scheduler):
    """scrapy-redis's scheduler, cheaper per request: a request this worker knows to be
    seen is dropped without asking Redis (the shared filter only grows during a run), and a
    new one is checked and queued in one round trip instead of two. A worker yields each
    page's links, mostly the same navigation again and again: this halved its Redis calls."""

    def open(self, spider):  # type: ignore[no-untyped-def]
        super().open(spider)
        self.seen: set[str] = set()
        self.empty = False  # the shared queue was empty at this worker's last look

    def has_pending_requests(self) -> bool:
        """Whether the shared queue holds requests, as the last pop found it: the engine asks
        right after a pop came back empty, and asking Redis again (ZCARD) doubled an idle
        site's round trips. A request another worker queues meanwhile is found at the next
        look; whether the site is drained is decided in Redis (``Frontier.claim_drained``)."""
        return not self.empty

    def enqueue_request(self, request) -> bool:  # type: ignore[no-untyped-def]
        if request.dont_filter:
            self.queue.push(request)
        else:
            fingerprint = self.df.request_fingerprint(request)
            known = fingerprint in self.seen
            self.seen.add(fingerprint)
            if known or not self.queue.push_new(request, self.df.key, fingerprint):
                self.df.log(request, self.spider)
                return False
        if self.stats:
            self.stats.inc_value("scheduler/enqueued/redis")
        return True

    def next_request(self):  # type: ignore[no-untyped-def]
        request = self.queue.pop()
        self.empty = request is None
        if request is not None and self.stats:
            self.stats.inc_value("scheduler/dequeued/redis")
        return request


class ClaimingQueue(PriorityQueue):
    """scrapy-redis's priority queue, whose pop also marks this worker busy with the site
    (one script: no moment where a request is neither queued nor someone's work)."""

    def __init__(self, server, spider, key, serializer=None) -> None:  # type: ignore[no-untyped-def]
        super().__init__(server, spider, key, serializer)
        settings = spider.crawler.settings
        self.frontier = Frontier(settings.get("XXGK_REDIS_URL"),
                                 settings.get("XXGK_REDIS_PREFIX"))
        self.site = spider.site.key
        self.worker = settings.get("XXGK_WORKER_ID") or worker_id()
        self.held: dict[object, bytes] = {}  # popped request -> the id it is held under
        self._push_new = server.register_script(_PUSH_NEW)
        self.busy = False  # marked busy with the site (the pop script marks it) and not cleared
        self.on_pop: Callable[[], None] | None = None  # the run extension's: work came

    def _encode_request(self, request):  # type: ignore[no-untyped-def]
        return self.serializer.dumps(request_dict(request, self.spider))

    def push_new(self, request, dupefilter: str, fingerprint: str) -> bool:  # type: ignore[no-untyped-def]
        """Queue the request unless its fingerprint is in the duplicate filter (one script)."""
        return bool(self._push_new(keys=[self.key, dupefilter],
                                   args=[fingerprint, -request.priority,
                                         self._encode_request(request)]))

    def pop(self, timeout: int = 0):  # type: ignore[no-untyped-def]
        got = self.frontier.pop(self.site, self.worker)
        if got is None:
            return None
        self.busy = True
        if self.on_pop is not None:
            self.on_pop()
        request = self._decode_request(got[1])
        self.held[request] = got[0]
        return request

    def done(self, request: object) -> None:
        """Called when the engine is through with a request (``track_done``). Not waited
        for: should this worker die before it arrives, the request is fetched again."""
        held = self.held.pop(request, None)
        if held is not None:
            task = asyncio.ensure_future(self.frontier.done(self.site, self.worker, held))
            _pending.add(task)
            task.add_done_callback(_settled)


_pending: set[asyncio.Future] = set()  # fire-and-forget calls, kept until they are done


def _settled(task: asyncio.Future) -> None:
    _pending.discard(task)
    if not task.cancelled() and task.exception() is not None:
        log.warning("Redis call failed: %s", task.exception())


def track_done(engine, queue: ClaimingQueue) -> None:  # type: ignore[no-untyped-def]
    """Tell the queue when the engine is through with each request it popped: downloaded
    (or failed), its callback's requests queued, its items through the pipeline. Scrapy has
    no signal for that moment; it is when the engine's slot lets go of the request
    (``_Slot.remove_request``), which is wrapped here."""
    slot = engine._slot
    let_go = slot.remove_request

    def remove_request(request) -> None:  # type: ignore[no-untyped-def]
        queue.done(request)
        let_go(request)

    slot.remove_request = remove_request


def site_settings(frontier: Frontier, site: str) -> dict[str, Any]:
    """The scrapy-redis settings of one site's crawler in a worker."""
    return {
        "SCHEDULER": "crawler.distributed.scheduler.SiteScheduler",
        "SCHEDULER_QUEUE_CLASS": "crawler.distributed.scheduler.ClaimingQueue",
        "SCHEDULER_QUEUE_KEY": frontier.queue_key(site),
        "SCHEDULER_DUPEFILTER_KEY": frontier.dupefilter_key(site),
        "DUPEFILTER_CLASS": "scrapy_redis.dupefilter.RFPDupeFilter",
        "SCHEDULER_SERIALIZER": "crawler.distributed.codec",
        "SCHEDULER_PERSIST": True,  # a worker that stops leaves the queue to the others
        "REDIS_URL": frontier.url,
        "XXGK_REDIS_URL": frontier.url,
        "XXGK_REDIS_PREFIX": frontier.prefix,
    }
