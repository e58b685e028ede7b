"""Per-host politeness across the workers of a distributed crawl, kept in Redis.

In one process Scrapy's download slot does it: one request in flight per host, the next sent
DOWNLOAD_DELAY after the last (``PolitenessMiddleware`` raises the delay for a Crawl-delay
and a 429, and holds off for a Retry-After). Workers on several machines each have their
own slots, so here the host's state lives in one Redis hash (``P:host:H``) and every request
first takes its turn there, in one script: it may go when no other worker's request to the
host is in flight and the host's next send time has come. When its response is in, the
next send time becomes the delay after that moment (and after a Retry-After).

Counted from the response, not from the turn (as Heritrix counts its politeness delay): a
request may leave well after its turn began (a reactor busy parsing or starting a crawler
holds it up, once 0.3 s here), and counted from the turn the next worker's request would
then follow it by less than the delay. From the response the gap between two requests to a
host is at least the delay, whatever holds either up; the price is one response time per
request (milliseconds against the simulator, a fraction of a second on real portals).

The delay is the largest of the site's DOWNLOAD_DELAY (given to the worker as
XXGK_HOST_DELAY; its own slots then keep no delay), the robots.txt Crawl-delay and the 429
backoff, both shared: one worker's 429 slows every worker down, and every other answer
brings the backoff halfway back down. A Retry-After moves the
host's next send time for everyone. The state of a site's hosts is cleared when the site is
seeded: a backoff lasts one run, as in one process.

- ``HostGateMiddleware`` (990, the last before the download: a request answered from the
  archive below never takes a turn) waits for the turn without blocking the reactor
  (``asyncio.sleep``; one request per host and worker asks Redis at a time), and gives the
  turn back as soon as the response is in, with its status and Retry-After.
- ``SharedCrawlDelayMiddleware`` (560, where ``PolitenessMiddleware`` sits) reads the
  Crawl-delay of robots.txt once it is decompressed.

A worker that dies with a turn in hand holds the host for at most XXGK_HOST_TURN_TTL. Browser
visits (the challenge solver) use a slot of their own in one process too and take no turn.
"""

from __future__ import annotations

import asyncio
import itertools
from urllib.parse import urlsplit

from redis.exceptions import RedisError
from scrapy import Request
from scrapy.http import Response

from crawler.distributed.frontier import Frontier, async_client, worker_id
from crawler.middlewares.politeness import MAX_DELAY, _crawl_delay, _retry_after

EXPIRE = 3600  # seconds a host's state outlives its last request (crawl-delay, backoff)
UNREACHABLE_PAUSE = 2.0  # seconds before asking Redis again after an error

# KEYS: host. ARGV: token, delay, turn ttl, poll, expire. Returns the seconds to wait ("0":
# go now, the turn is the token's).
_TAKE_TURN = """
local t = redis.call('TIME')
local now = t[1] + t[2] / 1e6
local h = redis.call('HMGET', KEYS[1], 'next', 'holder', 'held_until', 'crawl_delay', 'backoff')
local nxt = tonumber(h[1]) or 0
if h[2] and h[2] ~= ARGV[1] and (tonumber(h[3]) or 0) > now then
  return tostring(math.max(nxt - now, tonumber(ARGV[4])))
end
if nxt > now then return tostring(nxt - now) end
local delay = math.max(tonumber(ARGV[2]), tonumber(h[4]) or 0, tonumber(h[5]) or 0)
redis.call('HSET', KEYS[1], 'next', string.format('%.6f', now + delay), 'holder', ARGV[1],
           'held_until', string.format('%.6f', now + tonumber(ARGV[3])))
redis.call('EXPIRE', KEYS[1], ARGV[5])
return '0'
"""

# KEYS: host. ARGV: token, status, retry-after, delay, max delay. The next send time is the
# delay after this response (and after any Retry-After). A 429 doubles the backoff; any other
# answer halves what it adds to the host's own delay (PolitenessMiddleware does the same).
_GIVE_BACK = """
local t = redis.call('TIME')
local now = t[1] + t[2] / 1e6
if redis.call('HGET', KEYS[1], 'holder') == ARGV[1] then
  redis.call('HDEL', KEYS[1], 'holder', 'held_until')
end
local h = redis.call('HMGET', KEYS[1], 'crawl_delay', 'backoff', 'next')
local floor = math.max(tonumber(ARGV[4]), tonumber(h[1]) or 0)
local base = math.max(floor, tonumber(h[2]) or 0)
local limit = tonumber(ARGV[5])
if ARGV[2] == '429' then
  base = math.min(math.max(base * 2, 0.5), limit)
  redis.call('HSET', KEYS[1], 'backoff', string.format('%.6f', base))
elseif ARGV[2] ~= '0' and base > floor then
  base = floor + (base - floor) / 2
  redis.call('HSET', KEYS[1], 'backoff', string.format('%.6f', base))
end
local nxt = math.max(tonumber(h[3]) or 0, now + base)
local wait = tonumber(ARGV[3])
if wait > base then nxt = math.max(nxt, now + math.min(wait, limit)) end
redis.call('HSET', KEYS[1], 'next', string.format('%.6f', nxt))
return 1
"""


class HostGateMiddleware:
    def __init__(self, crawler, frontier: Frontier, delay: float, ttl: float,  # type: ignore[no-untyped-def]
                 poll: float) -> None:
        self.crawler = crawler
        self.frontier = frontier
        self.delay = delay
        self.ttl = ttl
        self.poll = poll
        # Asynchronous: the reactor goes on with other hosts while Redis answers.
        self._take = async_client(frontier.url).register_script(_TAKE_TURN)
        self._give = async_client(frontier.url).register_script(_GIVE_BACK)
        self._asking: dict[str, asyncio.Lock] = {}
        self._tokens = itertools.count()
        self._worker = crawler.settings.get("XXGK_WORKER_ID") or worker_id()

    @classmethod
    def from_crawler(cls, crawler):  # type: ignore[no-untyped-def]
        settings = crawler.settings
        delay = settings.getfloat("XXGK_HOST_DELAY", settings.getfloat("DOWNLOAD_DELAY"))
        return cls(crawler, Frontier(settings.get("XXGK_REDIS_URL"),
                                     settings.get("XXGK_REDIS_PREFIX")),
                   delay, settings.getfloat("XXGK_HOST_TURN_TTL", 90.0),
                   settings.getfloat("XXGK_HOST_POLL", 0.05))

    async def process_request(self, request: Request) -> None:
        if request.meta.get("playwright"):
            return None
        host = urlsplit(request.url).hostname or ""
        token = f"{self._worker}:{next(self._tokens)}"
        key = self.frontier.host_key(host)
        asking = self._asking.setdefault(host, asyncio.Lock())
        waited = 0.0
        async with asking:
            while True:
                try:
                    wait = float(await self._take(keys=[key], args=[
                        token, self.delay, self.ttl, self.poll, EXPIRE]))
                except RedisError as exc:
                    # Without Redis no worker can know whose turn it is: wait, ask again.
                    self.crawler.spider.logger.warning("politeness turn for %s: %s", host, exc)
                    wait = UNREACHABLE_PAUSE
                    self.crawler.stats.inc_value("xxgk/politeness/redis_errors")
                if wait <= 0:
                    break
                waited += wait
                await asyncio.sleep(wait)
        request.meta["xxgk_host_turn"] = token
        if waited:
            self.crawler.stats.inc_value("xxgk/politeness/waits")
        return None

    async def _give_back(self, request: Request, status: int = 0,
                         retry_after: float = 0.0) -> None:
        token = request.meta.pop("xxgk_host_turn", None)
        if token is None:
            return
        host = urlsplit(request.url).hostname or ""
        try:
            await self._give(keys=[self.frontier.host_key(host)],
                             args=[token, status, retry_after, self.delay, MAX_DELAY])
        except RedisError as exc:  # the turn ends by itself (XXGK_HOST_TURN_TTL)
            self.crawler.spider.logger.warning("politeness turn for %s not given back: %s",
                                               host, exc)

    async def process_response(self, request: Request, response: Response) -> Response:
        retry_after = _retry_after(response) if response.status in (429, 503) else 0.0
        await self._give_back(request, response.status, retry_after)
        return response

    async def process_exception(self, request: Request, exception: Exception) -> None:
        await self._give_back(request)
        return None


class SharedCrawlDelayMiddleware:
    """robots.txt's Crawl-delay for every worker (``HostGateMiddleware`` applies it)."""

    def __init__(self, crawler, frontier: Frontier) -> None:  # type: ignore[no-untyped-def]
        self.crawler = crawler
        self.frontier = frontier

    @classmethod
    def from_crawler(cls, crawler):  # type: ignore[no-untyped-def]
        settings = crawler.settings
        return cls(crawler, Frontier(settings.get("XXGK_REDIS_URL"),
                                     settings.get("XXGK_REDIS_PREFIX")))

    def process_response(self, request: Request, response: Response) -> Response:
        if response.url.endswith("/robots.txt") and response.status == 200:
            delay = _crawl_delay(response.body.decode("utf-8", "replace"))
            if delay:
                key = self.frontier.host_key(urlsplit(response.url).hostname or "")
                self.frontier.redis.hset(key, "crawl_delay", f"{min(delay, MAX_DELAY):.6f}")
                self.frontier.redis.expire(key, EXPIRE)
                self.crawler.spider.logger.info("robots.txt Crawl-delay %.2fs for %s (all "
                                                "workers)", delay, response.url)
        return response
