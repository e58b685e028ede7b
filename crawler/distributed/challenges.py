"""JavaScript challenge cookies shared by the workers of a distributed crawl.

In one process a host's challenge is solved by one browser visit, and every request that
meets it reuses the cookies (``CookieChallengeMiddleware``). Across workers, the cookies a
worker's browser got go to Redis (``P:host:H:challenge``, for XXGK_CHALLENGE_COOKIE_TTL
seconds). Every worker sends them with its requests to the host (looking in Redis every
few seconds), so a worker that comes to a host another one has solved meets no challenge at
all; one whose request meets the challenge first tries the newest shared cookies (a plain
retry, as with its own solve), and starts its own browser only when they do not pass (or
there are none). Two workers meeting a host's challenge at the same moment may both solve
it: the second solve is wasted, not wrong.
"""

from __future__ import annotations

import json
import time
from urllib.parse import urlsplit

from scrapy import Request, Spider
from scrapy.http import Response

from crawler.distributed.frontier import Frontier
from crawler.middlewares.challenges import CookieChallengeMiddleware, _add_cookie_header

LOOK_AGAIN = 10.0  # seconds between looks at a host's shared cookies in Redis


class SharedChallengeMiddleware(CookieChallengeMiddleware):
    def __init__(self, crawler, browser_enabled: bool, frontier: Frontier,  # type: ignore[no-untyped-def]
                 ttl: float) -> None:
        super().__init__(crawler, browser_enabled)
        self.frontier = frontier
        self.ttl = ttl
        self._looked: dict[str, float] = {}  # host -> when Redis was last asked

    @classmethod
    def from_crawler(cls, crawler):  # type: ignore[no-untyped-def]
        settings = crawler.settings
        return cls(crawler, settings.getbool("XXGK_BROWSER_ENABLED"),
                   Frontier(settings.get("XXGK_REDIS_URL"), settings.get("XXGK_REDIS_PREFIX")),
                   settings.getfloat("XXGK_CHALLENGE_COOKIE_TTL", 600.0))

    def _key(self, host: str) -> str:
        return f"{self.frontier.host_key(host)}:challenge"

    def _shared(self, host: str, fresh: bool = False) -> dict[str, str] | None:
        """The host's challenge cookies: this worker's own, or the latest another one shared
        (Redis is asked at most every LOOK_AGAIN seconds per host, or now if ``fresh``)."""
        now = time.monotonic()
        if host not in self._solving and (
                fresh or now - self._looked.get(host, -LOOK_AGAIN) >= LOOK_AGAIN):
            self._looked[host] = now
            raw = self.frontier.redis.get(self._key(host))
            if raw:
                shared = json.loads(raw)
                if shared != self._solved.get(host):
                    self._solved[host] = shared  # met as a fresh solve: a plain retry
                    self.crawler.stats.inc_value("xxgk/challenge/shared_cookies_taken")
        return self._solved.get(host)

    async def process_request(self, request: Request) -> None:
        """Every request to a host with shared cookies carries them. Requests pass the
        cookie middleware (700) long before they are sent (they wait for the host's turn),
        so the cookie jar alone would send a whole batch without them after a solve."""
        await super().process_request(request)
        if request.meta.get("xxgk_solving") or request.meta.get("playwright"):
            return None
        cookies = self._shared(urlsplit(request.url).hostname or "")
        if cookies:
            _add_cookie_header(request, cookies)
        return None

    async def _challenged(self, request: Request, response: Response, spider: Spider):
        self._shared(urlsplit(request.url).hostname or "", fresh=True)
        return await super()._challenged(request, response, spider)

    async def _finish_solve(self, request: Request, response: Response, spider: Spider):
        answer = await super()._finish_solve(request, response, spider)
        host = urlsplit(request.url).hostname or ""
        cookies = self._solved.get(host)
        if cookies:
            self.frontier.redis.set(self._key(host), json.dumps(cookies), ex=int(self.ttl))
        return answer
