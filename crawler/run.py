"""Run crawls of registry sites in one Scrapy process, archiving through one Archive."""

from __future__ import annotations

import base64
import json
import os
from dataclasses import dataclass, field
from typing import Any

from scrapy.crawler import Crawler, CrawlerProcess
from scrapy.settings import Settings

from archive.write.process import ArchiveWriterProcess
from archive.write.store import Archive
from crawler import models as _models  # noqa: F401 - registers the ledger's tables
from crawler import settings as default_settings
from crawler.ledger import Ledger, SiteBusy
from crawler.registry import Site
from crawler.spiders.hanweb import HanwebSpider
from xxgk.base.home import Home


@dataclass
class CrawlResult:
    stats: dict[str, dict[str, Any]] = field(default_factory=dict)  # per site
    runs: dict[str, Any] = field(default_factory=dict)  # per site: its CrawlRun row
    refused: dict[str, str] = field(default_factory=dict)  # site -> why it was not crawled


def spider_class(site: Site) -> type:
    if site.cms == "hanweb":
        return HanwebSpider
    if site.cms == "jpaas":
        from crawler.spiders.jpaas import JpaasSpider

        return JpaasSpider
    from crawler.spiders.generic import GenericSpider

    return GenericSpider


def browser_pac(scope: list[str], proxy: str | None) -> str:
    """A proxy auto-config for the browser: in-scope hosts through our proxy (or direct),
    everything else to a closed local port. Chromium calls Google services on its own even
    with every background flag off; this keeps it from sending a single request elsewhere."""
    # host:port only: a PAC cannot carry a login, and Chromium's command line is public.
    route = f"PROXY {proxy.split('://', 1)[-1].rstrip('/').rsplit('@', 1)[-1]}" if proxy \
        else "DIRECT"
    script = ("function FindProxyForURL(url, host) { var scope = " + json.dumps(sorted(scope))
              + "; if (scope.indexOf(host.toLowerCase()) >= 0) return " + json.dumps(route)
              + '; return "PROXY 127.0.0.1:9"; }')
    return ("data:application/x-ns-proxy-autoconfig;base64,"
            + base64.b64encode(script.encode()).decode())


def build_settings(overrides: dict[str, Any], scope: list[str] | None = None) -> Settings:
    settings = Settings()
    settings.setmodule(default_settings, priority="project")
    # A deployment's contact from its environment (or settings file); -s XXGK_CONTACT wins.
    contact = overrides.get("XXGK_CONTACT") or os.environ.get("XXGK_CONTACT") or \
        settings.get("XXGK_CONTACT")
    settings.set("XXGK_CONTACT", contact, "project")
    settings.set("USER_AGENT", settings.get("USER_AGENT").format(contact=contact), "project")
    for key, value in overrides.items():
        settings.set(key, value, priority="cmdline")
    launch = {"executable_path": settings.get("XXGK_CHROMIUM"),
              "args": settings.getlist("PLAYWRIGHT_CHROMIUM_ARGS"), "headless": True}
    launch["args"] = [*launch["args"],
                      f"--proxy-pac-url={browser_pac(scope or [], settings.get('XXGK_PROXY'))}"]
    settings.set("PLAYWRIGHT_LAUNCH_OPTIONS", launch, "cmdline")
    # No PLAYWRIGHT_CONTEXTS: a startup context would launch Chromium with every crawl. The
    # challenge solver asks for its context, with our User-Agent, on its first visit
    # (CookieChallengeMiddleware.browser_context).
    return settings


def start_archive_writer(archive: Archive, home: Home, settings: Settings) -> None:
    """Where the responses are archived (``Archive.submit``): a process of its own
    (``archive.write.process``, XXGK_ARCHIVE_PROCESS), or a thread of this one; both in groups
    of up to XXGK_ARCHIVE_MAX_BATCH, XXGK_ARCHIVE_MAX_LATENCY seconds apart at most. WARC
    files are named as the archive's (``Archive.prefix``)."""
    max_batch = settings.getint("XXGK_ARCHIVE_MAX_BATCH", 64)
    max_latency = settings.getfloat("XXGK_ARCHIVE_MAX_LATENCY", 0.005)
    if settings.getbool("XXGK_ARCHIVE_PROCESS", True):
        archive.set_writer(ArchiveWriterProcess(home, max_batch=max_batch,
                                                max_latency=max_latency,
                                                prefix=archive.prefix))
    else:
        archive.group_commit(max_batch=max_batch, max_latency=max_latency)


def run_crawl(sites: list[Site], home: Home, *, proxy: str | None = None,
              overrides: dict[str, Any] | None = None, last_year: int | None = None,
              fresh: bool = False) -> CrawlResult:
    """Crawl the sites to the end (blocking); returns Scrapy's stats per site.

    A site whose last run was killed or stopped is resumed (``fresh`` starts over); a site
    another live process is crawling is refused."""
    archive = Archive(home)
    result = CrawlResult()
    crawlers: list[tuple[Site, Crawler]] = []
    try:
        ledger = Ledger(archive.sessions)
        settings = build_settings({**(overrides or {}), "XXGK_PROXY": proxy},
                                  scope=[host for site in sites for host in site.hosts])
        settings.set("LOG_INSTALL_ROOT_HANDLER", True, "cmdline")
        if sites:
            # First: the writer process's start-up (imports, about 0.6 s of CPU) then runs
            # alongside Scrapy's instead of holding up the first responses.
            start_archive_writer(archive, home, settings)
        process = CrawlerProcess(settings)
        for site in sites:
            try:
                run = ledger.start_run(site.key, fresh=fresh)
            except SiteBusy as exc:
                result.refused[site.key] = str(exc)
                continue
            crawler = process.create_crawler(spider_class(site))
            for key, value in site.settings.items():
                crawler.settings.set(key, value, priority="spider")
            crawler.settings.set("XXGK_HOST_CONCURRENCY", site.concurrency, priority="spider")
            crawlers.append((site, crawler))
            process.crawl(crawler, site=site, archive=archive, ledger=ledger,
                          crawl_run_id=run.id, resuming=run.resumed, last_year=last_year)
        if crawlers:
            process.start()
    finally:
        archive.close()  # after the writer has archived everything it was given
    for site, crawler in crawlers:
        result.stats[site.key] = dict(crawler.stats.get_stats())
        ext = next((e for e in crawler.extensions.middlewares
                    if type(e).__name__ == "CrawlRunExtension"), None)
        result.runs[site.key] = getattr(ext, "run", None)
    return result
