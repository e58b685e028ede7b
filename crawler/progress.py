"""A live view of a crawl: one line per site (requests, archived, documents, errors, queue).

On a terminal it is a table redrawn in place (rich); otherwise (logs, cron, CI) one line per
site every interval, so an unattended run still says how far it got.
"""

from __future__ import annotations

import logging
import sys
import time

from rich.console import Console
from rich.live import Live
from rich.table import Table
from twisted.internet import task

log = logging.getLogger("xxgk.progress")


class ProgressBoard:
    def __init__(self) -> None:
        self.crawlers: dict[str, object] = {}
        self.finished: dict[str, str] = {}
        self.started = time.monotonic()
        self._loop: task.LoopingCall | None = None
        self._live: Live | None = None
        self.console = Console(stderr=True)

    def add(self, site: str, crawler, interval: float) -> None:  # type: ignore[no-untyped-def]
        self.crawlers[site] = crawler
        if self._loop is None:
            if self.console.is_terminal and sys.stderr.isatty():
                self._live = Live(self.table(), console=self.console, refresh_per_second=2,
                                  transient=False)
                self._live.start()
            self._loop = task.LoopingCall(self.tick)
            self._loop.start(interval, now=False)

    def done(self, site: str, reason: str) -> None:
        self.finished[site] = reason
        if set(self.finished) >= set(self.crawlers):
            self.tick()
            if self._loop is not None and self._loop.running:
                self._loop.stop()
            if self._live is not None:
                self._live.stop()
            self._loop = self._live = None

    def row(self, site: str) -> list[str]:
        crawler = self.crawlers[site]
        stats = crawler.stats.get_stats()  # type: ignore[attr-defined]
        queue = 0
        engine = getattr(crawler, "engine", None)
        if engine is not None and getattr(engine, "_slot", None) is not None:
            try:
                queue = len(engine._slot.scheduler)
            except Exception:  # noqa: BLE001 - a view must not break the crawl
                queue = 0
        docs = sum(v for k, v in stats.items() if k.startswith("xxgk/documents/"))
        failures = sum(v for k, v in stats.items() if k.startswith("xxgk/failure/"))
        return [site, self.finished.get(site, "crawling"),
                str(stats.get("downloader/request_count", 0)),
                str(stats.get("xxgk/archived/new_payload", 0)),
                str(stats.get("xxgk/archived/revisit", 0) + stats.get("xxgk/from_archive", 0)),
                str(docs), str(failures), str(queue)]

    def table(self) -> Table:
        table = Table(title=f"crawling, {time.monotonic() - self.started:.0f} s")
        for name in ("site", "state", "requests", "new payloads", "unchanged", "documents",
                     "failures", "queued"):
            table.add_column(name)
        for site in self.crawlers:
            table.add_row(*self.row(site))
        return table

    def tick(self) -> None:
        if self._live is not None:
            self._live.update(self.table())
            return
        for site in self.crawlers:
            if site in self.finished and self._loop is not None and self._loop.running:
                continue
            _, state, requests, new, unchanged, docs, failures, queued = self.row(site)
            log.info("progress %s: %s, %s requests, %s new payloads, %s unchanged, "
                        "%s documents, %s failures, %s queued", site, state, requests, new,
                        unchanged, docs, failures, queued)


board = ProgressBoard()
