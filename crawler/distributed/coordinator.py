"""`xxgk crawl --distributed`: start (or resume) the sites' runs and seed the shared frontier.

The coordinator does what a single-process crawl does before its first request, and no
more: the run of each site in the database (new, or the site's interrupted run taken up
again), then the site's start requests (its spider's ``start``: entry points, and every
document earlier runs found) into the site's queue in Redis, through scrapy-redis's queue
and duplicate filter, and last the site's registration, from which ``xxgk worker``
processes take it up. It then exits, or with ``wait`` follows the sites until workers have
drained them and their runs are finished.

A site whose registration is still in the frontier is being crawled: it is joined, not
seeded again. The run is recorded in the ledger as owned by the frontier
(``Frontier.owner``), not by a process: a single-process ``xxgk crawl`` of the site is
refused while it runs, and a distributed run left behind (every worker gone, or Redis
emptied) is resumed by the next ``xxgk crawl --distributed`` of the site, answering from
the archive what the run already has.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from scrapy.crawler import Crawler
from scrapy_redis.dupefilter import RFPDupeFilter
from scrapy_redis.queue import PriorityQueue
from sqlalchemy.orm import Session, sessionmaker

from crawler import models as _models  # noqa: F401 - registers the ledger's tables
from crawler.distributed import codec as distributed_codec
from crawler.distributed.frontier import Frontier, Registration
from crawler.ledger import Ledger, RunHandle, SiteBusy
from crawler.models import CrawlRun
from crawler.registry import Site
from crawler.run import build_settings, spider_class
from xxgk.base.db import create_schema, make_engine, session_factory
from xxgk.base.home import Home

log = logging.getLogger(__name__)
SEEDING_LOCK = 300  # seconds: two coordinators seeding one site at once


@dataclass
class Seeding:
    runs: dict[str, RunHandle] = field(default_factory=dict)  # seeded now
    queued: dict[str, int] = field(default_factory=dict)  # start requests per seeded site
    joined: dict[str, int] = field(default_factory=dict)  # already in the frontier: its run
    refused: dict[str, str] = field(default_factory=dict)  # site -> why not

    def run_ids(self) -> dict[str, int]:
        return {**self.joined, **{site: run.id for site, run in self.runs.items()}}


def database(home: Home) -> sessionmaker[Session]:
    engine = make_engine(home.database_url)
    create_schema(engine)
    return session_factory(engine)


def seed(sites: list[Site], home: Home, *, frontier: Frontier | None = None,
         overrides: dict[str, Any] | None = None, last_year: int | None = None,
         fresh: bool = False) -> Seeding:
    """Runs started and start requests queued for each site (see the module's docstring).
    ``overrides`` (``-s``) go to every worker with the registration."""
    frontier = frontier or Frontier()
    frontier.redis.ping()
    ledger = Ledger(database(home))
    settings = build_settings(overrides or {})
    result = Seeding()
    for site in sites:
        existing = frontier.registration(site.key)
        if existing is not None:
            result.joined[site.key] = existing.run
            continue
        lock = f"{frontier.prefix}:site:{site.key}:seeding"
        if not frontier.redis.set(lock, "1", nx=True, ex=SEEDING_LOCK):
            result.refused[site.key] = "another `xxgk crawl --distributed` is seeding it"
            continue
        try:
            try:
                # Not registered, so a run the frontier owns is not being crawled any more.
                run = ledger.start_run(site.key, fresh=fresh, owner=frontier.owner,
                                       owner_alive=lambda: False)
            except SiteBusy as exc:
                result.refused[site.key] = str(exc)
                continue
            frontier.reset_site(site.key, site.hosts)
            result.queued[site.key] = _queue_start(frontier, site, settings, ledger, run,
                                                   last_year)
            result.runs[site.key] = run
            frontier.register(Registration(site.key, run.id, run.resumed, uuid.uuid4().hex,
                                           last_year, dict(overrides or {})))
        finally:
            frontier.redis.delete(lock)
    return result


def _queue_start(frontier: Frontier, site: Site, settings: Any, ledger: Ledger,
                 run: RunHandle, last_year: int | None) -> int:
    """The site's start requests, as its spider makes them, into its queue."""
    crawler = Crawler(spider_class(site), settings)
    spider = crawler.spidercls.from_crawler(crawler, site=site, ledger=ledger,
                                            crawl_run_id=run.id, resuming=run.resumed,
                                            last_year=last_year)

    async def start() -> list:
        return [request async for request in spider.start()]

    queue = PriorityQueue(frontier.redis, spider, frontier.queue_key(site.key),
                          serializer=distributed_codec)
    seen = RFPDupeFilter(frontier.redis, frontier.dupefilter_key(site.key))
    queued = 0
    for request in asyncio.run(start()):
        if request.dont_filter or not seen.request_seen(request):
            queue.push(request)
            queued += 1
    return queued


def wait(frontier: Frontier, seeding: Seeding, home: Home, *, poll: float = 2.0,
         progress: Callable[[str], None] | None = None) -> dict[str, CrawlRun]:
    """Until every site of the seeding has been drained (its registration gone); then
    the sites' runs as the database has them."""
    wanted = seeding.run_ids()
    shown = 0.0
    while True:
        left = {site: reg for site, reg in frontier.registrations().items()
                if wanted.get(site) == reg.run}
        if not left:
            break
        if progress is not None and time.monotonic() - shown >= 15:
            shown = time.monotonic()
            progress(", ".join(f"{site}: {frontier.queued(site)} queued, "
                               f"{len(frontier.busy_workers(site))} workers busy"
                               for site in sorted(left)))
        time.sleep(poll)
    sessions = database(home)
    with sessions() as session:
        runs = {site: session.get(CrawlRun, run) for site, run in wanted.items()}
        for run in runs.values():
            if run is not None:
                session.expunge(run)
    return {site: run for site, run in runs.items() if run is not None}
