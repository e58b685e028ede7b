"""Run crawls of registry sites in one Scrapy process, archiving through one Archive."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

from archive.home import Home
from archive.store import Archive
from crawler import settings as default_settings
from crawler.registry import Site
from crawler.spiders.hanweb import HanwebSpider


@dataclass
class CrawlResult:
    stats: dict[str, dict[str, Any]] = field(default_factory=dict)  # per site


def build_settings(overrides: dict[str, Any]) -> Settings:
    settings = Settings()
    settings.setmodule(default_settings, priority="project")
    contact = overrides.get("XXGK_CONTACT", settings.get("XXGK_CONTACT"))
    settings.set("USER_AGENT", settings.get("USER_AGENT").format(contact=contact), "project")
    for key, value in overrides.items():
        settings.set(key, value, priority="cmdline")
    return settings


def run_crawl(sites: list[Site], home: Home, *, proxy: str | None = None,
              overrides: dict[str, Any] | None = None, last_year: int | None = None,
              ) -> CrawlResult:
    """Crawl the sites to the end (blocking); returns Scrapy's stats per site."""
    archive = Archive(home)
    settings = build_settings({**(overrides or {}), "XXGK_PROXY": proxy})
    settings.set("LOG_INSTALL_ROOT_HANDLER", True, "cmdline")
    process = CrawlerProcess(settings)
    crawlers = []
    for site in sites:
        crawler = process.create_crawler(HanwebSpider)
        for key, value in site.settings.items():
            crawler.settings.set(key, value, priority="spider")
        crawlers.append((site, crawler))
        process.crawl(crawler, site=site, archive=archive, last_year=last_year)
    try:
        process.start()
    finally:
        archive.close()
    return CrawlResult({site.key: dict(crawler.stats.get_stats()) for site, crawler in crawlers})
