"""A site's crawl run as one worker of a distributed crawl sees it (a Scrapy extension).

The run belongs to the shared frontier, not to this worker: its crawler here stays open
while the site has queued requests or another worker is busy with it (``spider_idle``
raises DontCloseSpider), marks this worker busy while it has the site's work in hand, and
adds its counters to the run's (``P:run:N:stats``) each time it goes idle. The one worker
that finds the site drained (``Frontier.claim_drained``) finishes the run in the ledger
with the counters of all workers; the others' crawlers of the site then close without
touching the run. A worker that stops early (SIGTERM, --max-pages) finishes what it has in
hand and leaves the rest to the others.

Callback errors go to the run's failures as in one process (``CrawlRunExtension``).
"""

from __future__ import annotations

import asyncio
import logging

from redis.exceptions import RedisError
from scrapy import signals
from scrapy.exceptions import DontCloseSpider
from twisted.internet import task

from crawler.distributed.frontier import Frontier, Registration, worker_id
from crawler.distributed.listings import SharedListingTally
from crawler.distributed.scheduler import ClaimingQueue, track_done
from crawler.extensions import CrawlRunExtension
from crawler.ledger import INCOMPLETE

log = logging.getLogger(__name__)
# The counters a run is finished with (Ledger.finish_run), summed over the workers.
SHARED_STATS = ("downloader/", "xxgk/", "retry/", "item_scraped_count",
                "response_received_count")


def has_work(engine) -> bool:  # type: ignore[no-untyped-def]
    """Whether the engine has requests of its own in hand (the shared queue aside)."""
    slot = getattr(engine, "_slot", None)
    scraper = engine.scraper.slot
    return bool(engine.downloader.active or (slot is not None and slot.inprogress)
                or (scraper is not None and not scraper.is_idle()))


class DistributedRunExtension(CrawlRunExtension):
    def __init__(self, crawler) -> None:  # type: ignore[no-untyped-def]
        super().__init__(crawler)
        settings = crawler.settings
        self.frontier = Frontier(settings.get("XXGK_REDIS_URL"),
                                 settings.get("XXGK_REDIS_PREFIX"))
        self.registration: Registration = settings["XXGK_REGISTRATION"]
        self.worker = settings.get("XXGK_WORKER_ID") or worker_id()
        self.poll = settings.getfloat("XXGK_FRONTIER_POLL", 0.5)
        self.poll_max = max(self.poll, settings.getfloat("XXGK_FRONTIER_POLL_MAX", 4.0))
        self.queue: ClaimingQueue | None = None
        self.stale = settings.getfloat("XXGK_WORKER_STALE", 30.0)
        self.heartbeat_interval = settings.getfloat("XXGK_WORKER_HEARTBEAT", 2.0)
        self.claimed = False
        self.listings: SharedListingTally | None = None
        self._pushed: dict[str, int] = {}
        self._heartbeat: task.LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler):  # type: ignore[no-untyped-def]
        ext = cls(crawler)
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_idle, signal=signals.spider_idle)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(ext.spider_error, signal=signals.spider_error)
        return ext

    @property
    def site(self) -> str:
        return self.registration.site

    def spider_opened(self, spider) -> None:  # type: ignore[no-untyped-def]
        # The run's listings are read by every worker: counted together (crawler.distributed.listings).
        self.listings = SharedListingTally(self.frontier.redis,
                                           self.frontier.listings_key(self.registration.run))
        spider.listings = self.listings
        # The engine looks at its scheduler again this often when it has nothing to do
        # (Scrapy's 5 s): other workers keep adding to the shared queue.
        engine = self.crawler.engine
        engine._SLOT_HEARTBEAT_INTERVAL = self.poll
        queue = getattr(engine._slot.scheduler, "queue", None)
        if isinstance(queue, ClaimingQueue):
            track_done(engine, queue)  # what a worker that dies held goes back to the queue
            queue.on_pop = self._awake
            self.queue = queue
        self._heartbeat = task.LoopingCall(self._beat)
        self._heartbeat.start(self.heartbeat_interval, now=False)

    def _awake(self) -> None:
        """Work came from the shared queue: look at it again at the full pace."""
        self._set_poll(self.poll)

    def _slow_down(self) -> None:
        """The site had nothing for this worker: look less often, up to XXGK_FRONTIER_POLL_MAX
        (each look costs Redis round trips; a worker has a crawler for every site, and most
        sites at any moment wait for their politeness turn or for another worker's pages)."""
        heartbeat = self.crawler.engine._slot.heartbeat
        self._set_poll(min(self.poll_max, (heartbeat.interval or self.poll) * 2))

    def _set_poll(self, seconds: float) -> None:
        slot = getattr(self.crawler.engine, "_slot", None)
        if slot is not None and slot.heartbeat.interval is not None:
            slot.heartbeat.interval = seconds

    def _beat(self) -> None:
        try:
            if has_work(self.crawler.engine):
                self.frontier.mark_busy(self.site, self.worker)
                if self.queue is not None:
                    self.queue.busy = True
        except Exception as exc:  # noqa: BLE001 - a missed beat is not worth a crash
            log.warning("heartbeat of %s failed: %s", self.site, exc)

    def push_stats(self) -> None:
        """What this worker counted since it last did, added to the run's counters."""
        stats = self.crawler.stats.get_stats()
        delta = {}
        for key, value in stats.items():
            if isinstance(value, int) and not isinstance(value, bool) \
                    and key.startswith(SHARED_STATS):
                change = value - self._pushed.get(key, 0)
                if change:
                    delta[key] = change
        self.frontier.add_stats(self.registration.run, delta)
        if self.listings is not None:
            self.listings.flush()
        self._pushed.update({k: self._pushed.get(k, 0) + v for k, v in delta.items()})

    def spider_idle(self, spider) -> None:  # type: ignore[no-untyped-def]
        """Everything this worker was given is done (fetched, archived, its links queued):
        count it, stop being busy, and see whether the whole site is done. Without Redis
        that cannot be known: the crawler stays open and asks again."""
        try:
            self.push_stats()
            if self.queue is None or self.queue.busy:  # no round trip for a mark not made
                self.frontier.clear_busy(self.site, self.worker)
                if self.queue is not None:
                    self.queue.busy = False
            outcome = self.frontier.claim_drained(self.registration, self.stale)
        except RedisError as exc:
            log.warning("%s: the frontier cannot be asked whether it is drained: %s",
                        self.site, exc)
            raise DontCloseSpider from exc
        if outcome == 1:
            self.claimed = True  # the engine closes the spider: "finished"
        elif outcome == 0:
            self._slow_down()
            raise DontCloseSpider

    async def spider_closed(self, spider, reason: str) -> None:  # type: ignore[no-untyped-def]
        if self._heartbeat is not None and self._heartbeat.running:
            self._heartbeat.stop()
        archive = getattr(spider, "archive", None)
        if archive is not None:
            await asyncio.to_thread(archive.flush)
        try:
            self.push_stats()
            self.frontier.clear_busy(self.site, self.worker)
        except RedisError as exc:  # its mark goes stale; the counts are the run's loss
            log.warning("%s: counters not added to run %s: %s", self.site,
                        self.registration.run, exc)
        if not self.claimed:
            return
        ledger = getattr(spider, "ledger", None)
        run_id = self.registration.run
        if ledger is not None:
            self._judge_listings(ledger, run_id)
            self.run = ledger.finish_run(run_id, self.frontier.run_stats(run_id), "finished")
            self.crawler.stats.set_value("xxgk/run", run_id)
            log.info("site %s drained: run %s finished by worker %s", self.site, run_id,
                     self.worker)
        self.frontier.forget_run(self.site, run_id)
        if self.listings is not None:
            self.listings.forget()

    def _judge_listings(self, ledger, run_id: int) -> None:  # type: ignore[no-untyped-def]
        """The run's listings, every worker's share added up, against what the portal says
        they hold: a shortfall is a failure of kind ``incomplete`` (the run's outcome then
        says so), as in one process (``CrawlRunExtension``)."""
        if self.listings is None:
            return
        try:
            shortfalls = self.listings.shared().shortfalls()
        except RedisError as exc:  # not judged is said, never taken for complete
            log.warning("%s: listings of run %s not judged: %s", self.site, run_id, exc)
            self.crawler.stats.set_value("xxgk/listings/not_judged", f"redis: {exc}")
            site = getattr(self.crawler.spider, "site", None)
            ledger.record_failure(run_id, getattr(site, "home", "") or self.site, INCOMPLETE,
                                  f"the listings could not be judged: {exc}")
            return
        for short in shortfalls:
            ledger.record_failure(run_id, short.url, INCOMPLETE, short.reason)
            self.crawler.stats.inc_value("xxgk/listings/incomplete")
