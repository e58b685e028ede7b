"""`xxgk worker`: one worker process of a distributed crawl.

It watches the shared frontier (``crawler.distributed.frontier``) for seeded sites and runs
a Scrapy crawler for each, whose scheduler and duplicate filter are scrapy-redis's on that
site's keys: any number of workers, on any number of machines, take the site's requests
from one queue. Everything else is the single-process crawl: the same spiders (their
``start`` is left out: the coordinator seeded it), the same middlewares and item pipeline,
archiving through this worker's own archive writer process into its own WARC files (named
``xxgk-HOST-PID-...``: unique across machines; sealed files go to the configured storage,
S3 for a scale-out), and the run, failures and documents of the site in the shared
database. Per-host politeness holds across workers (``politeness``).

Its life: a site's crawler here closes when the site is drained (its run finished, by
whichever worker noticed); with no site left the worker seals its WARC file (so the archive
is complete in storage) and waits for the next seeding; ``--idle-exit S`` ends it after S
seconds without any. SIGTERM/SIGINT: take no new requests, finish those in hand, seal,
exit (a second one: stop at once). ``--max-pages N``: the same after N responses.
"""

from __future__ import annotations

import logging
import re
import signal
import time
from contextlib import suppress
from dataclasses import dataclass, field
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler, CrawlerProcess
from scrapy.utils.defer import deferred_from_coro
from scrapy.utils.reactor import install_reactor
from twisted.internet import task, threads

from archive.write.store import Archive
from crawler import models as _models  # noqa: F401 - registers the ledger's tables
from crawler.distributed.frontier import Frontier, Registration, worker_id
from crawler.distributed.scheduler import site_settings
from crawler.ledger import Ledger
from crawler.registry import Site, load_registry
from crawler.run import build_settings, spider_class, start_archive_writer
from xxgk.base.home import Home

log = logging.getLogger("xxgk.worker")
WORKER_PRIORITY = 50  # above `-s` (cmdline, 40): what distributed mode cannot do without


@dataclass
class WorkerResult:
    worker: str
    pages: int = 0
    crawls: dict[str, int] = field(default_factory=dict)  # site -> crawlers run here
    finished_runs: list[int] = field(default_factory=list)  # runs this worker finished
    reason: str = ""


def warc_prefix(worker: str) -> str:
    """WARC file names of this worker: unique across machines and processes."""
    return "xxgk-" + re.sub(r"[^A-Za-z0-9.-]+", "-", worker.replace(":", "-"))


_WORKER_SPIDERS: dict[type, type] = {}


def worker_spider_class(site: Site) -> type:
    """The site's spider without ``start``: its first requests come from the frontier."""
    base = spider_class(site)
    if base not in _WORKER_SPIDERS:
        async def start(self):  # type: ignore[no-untyped-def]
            return
            yield  # noqa: B901 - an async generator that yields nothing

        _WORKER_SPIDERS[base] = type(f"Worker{base.__name__}", (base,), {"start": start})
    return _WORKER_SPIDERS[base]


class Worker:
    def __init__(self, home: Home, *, proxy: str | None = None,
                 overrides: dict[str, Any] | None = None, idle_exit: float | None = None,
                 max_pages: int | None = None, frontier: Frontier | None = None) -> None:
        self.home = home
        self.frontier = frontier or Frontier()
        self.id = worker_id()
        self.idle_exit = idle_exit
        self.max_pages = max_pages
        self.registry = load_registry()
        # A proxy given here wins over the crawl's (its registration's), which wins over none.
        settings = build_settings({"XXGK_PROGRESS_INTERVAL": 0, **(overrides or {}),
                                   **({"XXGK_PROXY": proxy} if proxy else {})},
                                  scope=[h for s in self.registry.values() for h in s.hosts])
        settings.set("LOG_INSTALL_ROOT_HANDLER", True, "cmdline")
        for name in ("DOWNLOADER_MIDDLEWARES", "EXTENSIONS"):
            merged = {**settings.getdict(name), **settings.getdict(f"XXGK_DISTRIBUTED_{name}")}
            settings.set(name, merged, WORKER_PRIORITY)
        settings.set("XXGK_WORKER_ID", self.id, WORKER_PRIORITY)
        # A stopping worker finishes the requests it holds: dropped, the shared queue would
        # count them done (crawler.middlewares.loops).
        settings.set("XXGK_DROP_WHEN_CLOSING", False, WORKER_PRIORITY)
        # Scrapy checks each callback's source for `return value` in a generator, cached by
        # the bound method: callbacks rebuilt from the queue are new objects every time, so
        # it parsed a spider's source for every response (a tenth of the worker's CPU).
        settings.set("WARN_ON_GENERATOR_RETURN_VALUE", False, WORKER_PRIORITY)
        settings.set("CONCURRENT_REQUESTS", settings.getint("XXGK_WORKER_SITE_CONCURRENCY"),
                     WORKER_PRIORITY)
        self.settings = settings
        self.result = WorkerResult(self.id)
        self.process: CrawlerProcess | None = None
        self.archive: Archive | None = None
        self.ledger: Ledger | None = None
        self.active: dict[str, tuple[Crawler, Registration]] = {}
        self.done: set[tuple[str, str]] = set()  # (site, generation) crawled here already
        self.unknown: set[str] = set()
        self.stopping = False
        self.sealing = False
        self.idle_since: float | None = None

    # --- the process ------------------------------------------------------------------------

    def run(self) -> WorkerResult:
        """Blocking: until idle for --idle-exit seconds, --max-pages, or a signal."""
        install_reactor(self.settings["TWISTED_REACTOR"], self.settings["ASYNCIO_EVENT_LOOP"])
        self.frontier.redis.ping()  # no Redis: say so now, not at the first site
        self.process = CrawlerProcess(self.settings)
        self.process._initialized_reactor = True  # installed above, before any crawler
        signal.signal(signal.SIGTERM, self._signalled)
        signal.signal(signal.SIGINT, self._signalled)
        loop = task.LoopingCall(self._tick)
        loop.start(self.settings.getfloat("XXGK_FRONTIER_POLL", 0.5))
        log.info("worker %s: frontier %s (prefix %s), home %s", self.id,
                 re.sub(r"//[^@/]*@", "//", self.frontier.url), self.frontier.prefix,
                 self.home.root)
        try:
            self.process.start(stop_after_crawl=False, install_signal_handlers=False)
        finally:
            if loop.running:
                loop.stop()
            self._close_archive()
        return self.result

    def _signalled(self, signum: int, _frame: Any) -> None:
        from twisted.internet import reactor

        if self.stopping:  # the second one: at once (what it held goes back to the queue
            # once its busy mark is stale; see frontier)
            reactor.callFromThread(self._stop_reactor)
            return
        reactor.callFromThread(self.stop, signal.Signals(signum).name)

    def stop(self, reason: str) -> None:
        """Take nothing new; the crawlers finish what they have in hand and close."""
        if self.stopping:
            return
        self.stopping = True
        self.result.reason = reason
        log.info("worker %s stopping (%s): finishing %d sites' requests in hand", self.id,
                 reason, len(self.active))
        for crawler, _ in list(self.active.values()):
            deferred_from_coro(crawler.stop_async())

    @staticmethod
    def _stop_reactor() -> None:
        from twisted.internet import reactor

        with suppress(RuntimeError):
            reactor.stop()

    # --- the loop ---------------------------------------------------------------------------

    def _tick(self) -> None:
        """Once per XXGK_FRONTIER_POLL: new sites, idleness, the stop. An error (Redis or
        the database away) is logged and the next tick tries again: a daemon outlives it."""
        try:
            self._look()
        except Exception as exc:  # noqa: BLE001 - see the docstring
            log.warning("worker %s: %s: %s", self.id, type(exc).__name__, exc)

    def _look(self) -> None:
        if self.stopping:
            if not self.active and not self.sealing:
                self._stop_reactor()
            return
        registrations = {site: reg for site, reg in self.frontier.registrations().items()
                         if self._wanted(site, reg)}
        for site, reg in registrations.items():
            if site not in self.active and not self.sealing:
                self._start(self.registry[site], reg)
        if self.active or registrations:
            self.idle_since = None
            return
        if self.archive is not None and not self.sealing:
            self._seal()  # nothing to do: the WARC file goes to storage now, not at exit
        now = time.monotonic()
        self.idle_since = self.idle_since or now
        if self.idle_exit is not None and now - self.idle_since >= self.idle_exit:
            self.stop(f"idle for {self.idle_exit:g} s")

    def _wanted(self, site: str, reg: Registration) -> bool:
        if (site, reg.generation) in self.done:
            return False
        if site not in self.registry:
            if site not in self.unknown:
                self.unknown.add(site)
                log.warning("site %s is seeded but not in this worker's registry", site)
            return False
        return True

    def _open_archive(self) -> None:
        if self.archive is None:
            self.archive = Archive(self.home, prefix=warc_prefix(self.id))
            start_archive_writer(self.archive, self.home, self.settings)
            self.ledger = Ledger(self.archive.sessions)

    def _start(self, site: Site, reg: Registration) -> None:
        assert self.process is not None
        self._open_archive()
        crawler = self.process.create_crawler(worker_spider_class(site))
        for key, value in site.settings.items():
            crawler.settings.set(key, value, priority="spider")
        for key, value in reg.settings.items():  # the crawl's -s, over the registry's
            crawler.settings.set(key, value, priority=35)
        # Politeness is the frontier's (HostGateMiddleware): the site's delay goes there,
        # the local slots keep none of their own.
        crawler.settings.set("XXGK_HOST_DELAY", crawler.settings.getfloat("DOWNLOAD_DELAY"),
                             WORKER_PRIORITY)
        crawler.settings.set("DOWNLOAD_DELAY", 0, WORKER_PRIORITY)
        crawler.settings.set("XXGK_REGISTRATION", reg, WORKER_PRIORITY)
        for key, value in site_settings(self.frontier, site.key).items():
            crawler.settings.set(key, value, WORKER_PRIORITY)
        crawler.signals.connect(self._response, signal=signals.response_received)
        self.active[site.key] = (crawler, reg)
        self.result.crawls[site.key] = self.result.crawls.get(site.key, 0) + 1
        log.info("worker %s: crawling %s (run %s)", self.id, site.key, reg.run)
        done = self.process.crawl(crawler, site=site, archive=self.archive, ledger=self.ledger,
                                  crawl_run_id=reg.run, resuming=reg.resuming,
                                  last_year=reg.last_year)
        done.addErrback(lambda failure: log.error("crawler of %s failed: %s", site.key,
                                                  failure.getTraceback()))
        done.addBoth(lambda _: self._ended(site.key, reg, crawler))

    def _ended(self, site: str, reg: Registration, crawler: Crawler) -> None:
        self.active.pop(site, None)
        self.done.add((site, reg.generation))
        ext = crawler.get_extension(_run_extension())
        if ext is not None and ext.claimed:
            self.result.finished_runs.append(reg.run)

    def _response(self, response, request, spider) -> None:  # type: ignore[no-untyped-def]
        self.result.pages += 1
        if self.max_pages and self.result.pages >= self.max_pages:
            self.stop(f"--max-pages {self.max_pages}")

    # --- the archive --------------------------------------------------------------------------

    def _seal(self) -> None:
        """Close the archive (its writer seals and stores the WARC file) in a thread; the
        next site opens a new one."""
        archive, self.archive, self.ledger = self.archive, None, None
        self.sealing = True

        def done(_: object) -> None:
            self.sealing = False

        threads.deferToThread(archive.close).addBoth(done)  # type: ignore[union-attr]

    def _close_archive(self) -> None:
        if self.archive is not None:
            self.archive.close()
            self.archive = None


def _run_extension() -> type:
    from crawler.distributed.run import DistributedRunExtension

    return DistributedRunExtension


def run_worker(home: Home, **options: Any) -> WorkerResult:
    return Worker(home, **options).run()

