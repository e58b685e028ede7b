"""The browser's download handler, started at the first request that needs it.

scrapy-playwright starts Playwright (a Node.js driver process) when the engine starts, for
every crawler in the process, and with a startup context (PLAYWRIGHT_CONTEXTS) Chromium as
well: seconds of CPU and a few hundred MB per crawl, taken from the crawl itself on our
two-core machines, for sites that mostly never show a JavaScript challenge. Here both wait
for the first request with ``meta["playwright"]`` (the challenge solver's visit); every
other request goes through Scrapy's own HTTP/1.1 handler as before.
"""

from __future__ import annotations

import asyncio
from typing import Any

from scrapy import Request, Spider
from scrapy.http import Response
from scrapy_playwright.handler import ScrapyPlaywrightDownloadHandler


class LazyPlaywrightDownloadHandler(ScrapyPlaywrightDownloadHandler):
    """ScrapyPlaywrightDownloadHandler whose Playwright starts on first use.

    Relies on the parent's ``_launch`` (start Playwright and any startup contexts),
    connected to ``engine_started`` through ``_maybe_launch_in_thread`` (Scrapy's async API)
    or ``_engine_started`` (older Scrapy), and on ``_download_request`` (every browser
    request). ``_close`` already copes with a Playwright that never started."""

    def __init__(self, crawler: Any) -> None:
        super().__init__(crawler)
        self._started = False
        self._start_lock = asyncio.Lock()

    async def _maybe_launch_in_thread(self) -> None:
        """Not at engine start: see the module's docstring."""

    def _engine_started(self) -> None:  # type: ignore[override]
        """Not at engine start (Scrapy without the async API)."""

    async def _download_request(self, request: Request,
                                spider: Spider | None = None) -> Response:
        if not self._started:
            async with self._start_lock:  # concurrent first visits start it once
                if not self._started:
                    await self._launch()
                    self._started = True
        return await super()._download_request(request, spider)
