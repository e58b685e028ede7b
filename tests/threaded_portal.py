"""A small portal of a test module's own, served as the crawl's forward proxy: an aiohttp
server in a thread of the test process (absolute-form requests for any host reach
``handle``). Subclasses answer; `tests/test_crawl_failures.py` and
`tests/test_crawl_politeness.py` use it."""

from __future__ import annotations

import asyncio
import threading

from aiohttp import web


class ThreadedPortal:
    def __init__(self) -> None:
        self.port = 0
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)

    @property
    def proxy(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self):  # type: ignore[no-untyped-def]
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._serve(), self._loop).result(timeout=10)
        return self

    def stop(self) -> None:
        asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self._loop).result(timeout=10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)

    async def _serve(self) -> None:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self.handle)
        # Handlers end when the client hangs up: a never-answering page must not outlive it.
        self._runner = web.AppRunner(app, handler_cancellation=True, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        self.port = self._runner.addresses[0][1]

    async def handle(self, request: web.Request) -> web.StreamResponse:
        raise NotImplementedError
