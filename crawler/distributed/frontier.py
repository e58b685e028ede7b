"""The shared frontier of a distributed crawl, in Redis: which sites are being crawled (and
in which run), their request queues and duplicate filters (scrapy-redis), which workers are
busy with them, and the runs' counters.

Keys, under a prefix (XXGK_REDIS_PREFIX, default ``xxgk``), all times from Redis's clock
(``TIME``: the workers' machines may disagree):

| key | type | what |
|---|---|---|
| ``P:sites`` | hash | site -> its registration (JSON: run id, resuming, settings) |
| ``P:site:S:requests`` | sorted set | the site's queue (scrapy-redis ``PriorityQueue``) |
| ``P:site:S:dupefilter`` | set | fingerprints of every request ever queued for the run |
| ``P:site:S:busy`` | hash | worker -> when it last had work of the site in hand |
| ``P:site:S:held:W`` | hash | what worker W popped and has not finished (with its score) |
| ``P:run:N:stats`` | hash | the run's Scrapy counters, summed over its workers |
| ``P:host:H`` | hash | per-host politeness (crawler.distributed.politeness) |

A site is *drained* when its queue is empty and no worker is busy with it: a worker marks
itself busy in the same script that pops a request (``scheduler.ClaimingQueue``), keeps the mark
fresh while it has the site's work in hand, and clears it only when its engine is idle, so
everything it was given has been fetched, archived and its links queued. The worker that
finds the site drained first takes the registration away (one script: exactly one worker
can) and finishes the run; the others' crawlers of the site then close.

Delivery is at least once: a popped request stays in its worker's ``held`` hash until the
engine is through with it (``scheduler.track_done``). A worker that dies leaves its busy mark to go
stale (XXGK_WORKER_STALE seconds); the next worker to look at the site puts what the dead
one held back into the queue. (The request the dead worker was fetching may then be fetched
twice.) The scripts touch keys they compute (``held`` of a stale worker): one Redis server,
not a Redis Cluster.
"""

from __future__ import annotations

import json
import logging
import os
import socket
from dataclasses import asdict, dataclass, field
from functools import cache
from typing import Any

import redis
import redis.asyncio

log = logging.getLogger(__name__)
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"
DEFAULT_PREFIX = "xxgk"
STALE = 30.0  # seconds without a heartbeat after which a worker's busy mark is ignored


def redis_url() -> str:
    return os.environ.get("XXGK_REDIS_URL") or DEFAULT_REDIS_URL


def redis_prefix() -> str:
    return os.environ.get("XXGK_REDIS_PREFIX") or DEFAULT_PREFIX


def worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


@cache
def client(url: str) -> redis.Redis:
    """One client (connection pool) per URL and process, shared by its crawlers."""
    return redis.Redis.from_url(url, socket_timeout=30, socket_connect_timeout=30,
                                health_check_interval=30)


@cache
def async_client(url: str) -> redis.asyncio.Redis:
    """The same for calls the reactor need not wait for (asyncio: a worker's reactor is
    Twisted's asyncio one, whose loop this client's connections join at first use). At a
    hundred pages a second the blocking round trips of the politeness turns alone held the
    reactor up a tenth of its time."""
    # Blocking pool: a hundred hosts' turns asked for at once wait for a connection instead
    # of failing with "Too many connections".
    pool = redis.asyncio.BlockingConnectionPool.from_url(
        url, max_connections=32, timeout=60, socket_timeout=30, socket_connect_timeout=30,
        health_check_interval=30)
    return redis.asyncio.Redis(connection_pool=pool)


# KEYS: queue, busy, held (this worker's). ARGV: worker. The top request, this worker marked
# busy with it, and the request kept among what it holds (with its score) until it is done.
_POP = """
local top = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
if #top == 0 then return false end
redis.call('ZREMRANGEBYRANK', KEYS[1], 0, 0)
local t = redis.call('TIME')
redis.call('HSET', KEYS[2], ARGV[1], t[1] + t[2] / 1e6)
local id = redis.sha1hex(top[1])
redis.call('HSET', KEYS[3], id, top[2] .. ' ' .. top[1])
return {id, top[1]}
"""

# KEYS: busy. ARGV: worker. Keep the worker's mark fresh.
_BUSY = """
local t = redis.call('TIME')
redis.call('HSET', KEYS[1], ARGV[1], t[1] + t[2] / 1e6)
return 1
"""

# KEYS: sites, queue, busy. ARGV: site, generation, stale seconds, held-key prefix.
# -1: the site is not (or no longer, or in another generation) registered; 0: work remains;
# 1: drained, and the registration is this caller's to finish. A worker whose mark is stale
# is taken for dead: what it held goes back into the queue (so: work remains).
_CLAIM = """
local reg = redis.call('HGET', KEYS[1], ARGV[1])
if not reg then return -1 end
if cjson.decode(reg)['generation'] ~= ARGV[2] then return -1 end
local t = redis.call('TIME')
local now = t[1] + t[2] / 1e6
local busy = redis.call('HGETALL', KEYS[3])
local waiting = redis.call('ZCARD', KEYS[2]) > 0
for i = 1, #busy, 2 do
  if now - tonumber(busy[i + 1]) < tonumber(ARGV[3]) then
    waiting = true
  else
    local held = redis.call('HGETALL', ARGV[4] .. busy[i])
    for j = 2, #held, 2 do
      local cut = string.find(held[j], ' ', 1, true)
      redis.call('ZADD', KEYS[2], tonumber(string.sub(held[j], 1, cut - 1)),
                 string.sub(held[j], cut + 1))
      waiting = true
    end
    redis.call('DEL', ARGV[4] .. busy[i])
    redis.call('HDEL', KEYS[3], busy[i])
  end
end
if waiting then return 0 end
redis.call('HDEL', KEYS[1], ARGV[1])
return 1
"""


@dataclass(frozen=True)
class Registration:
    """What workers need to crawl a seeded site: its run, and how the crawl was asked for."""

    site: str
    run: int
    resuming: bool
    generation: str  # one seeding of the run: a worker's crawler belongs to one
    last_year: int | None = None
    settings: dict[str, Any] = field(default_factory=dict)  # `xxgk crawl -s`, for every worker

    def dumps(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False)

    @classmethod
    def loads(cls, text: str | bytes) -> Registration:
        return cls(**json.loads(text))


class Frontier:
    """The keys and scripts of one shared frontier (a Redis URL and a key prefix)."""

    def __init__(self, url: str | None = None, prefix: str | None = None) -> None:
        self.url = url or redis_url()
        self.prefix = prefix or redis_prefix()
        self.redis = client(self.url)
        self._pop = self.redis.register_script(_POP)
        self._busy = self.redis.register_script(_BUSY)
        self._claim = self.redis.register_script(_CLAIM)

    @property
    def owner(self) -> tuple[str, int]:
        """How the ledger records a distributed run's owner: the frontier, not a process."""
        return (f"redis:{self.prefix}", 0)

    # --- keys ---------------------------------------------------------------------------------

    @property
    def sites_key(self) -> str:
        return f"{self.prefix}:sites"

    def queue_key(self, site: str) -> str:
        return f"{self.prefix}:site:{site}:requests"

    def dupefilter_key(self, site: str) -> str:
        return f"{self.prefix}:site:{site}:dupefilter"

    def busy_key(self, site: str) -> str:
        return f"{self.prefix}:site:{site}:busy"

    def held_key(self, site: str, worker: str = "") -> str:
        """What a worker popped of the site and has not finished (``worker=""``: the
        prefix of these keys)."""
        return f"{self.prefix}:site:{site}:held:{worker}"

    def stats_key(self, run: int) -> str:
        return f"{self.prefix}:run:{run}:stats"

    def listings_key(self, run: int) -> str:
        return f"{self.prefix}:run:{run}:listings"

    def host_key(self, host: str) -> str:
        return f"{self.prefix}:host:{host}"

    # --- registrations ----------------------------------------------------------------------

    def registrations(self) -> dict[str, Registration]:
        return {k.decode(): Registration.loads(v)
                for k, v in self.redis.hgetall(self.sites_key).items()}

    def registration(self, site: str) -> Registration | None:
        raw = self.redis.hget(self.sites_key, site)
        return Registration.loads(raw) if raw is not None else None

    def register(self, registration: Registration) -> None:
        """Last step of seeding: from now on workers take the site's requests."""
        self.redis.hset(self.sites_key, registration.site, registration.dumps())

    def reset_site(self, site: str, hosts: tuple[str, ...] = ()) -> None:
        """A new pass over the site: its old queue, duplicate filter and marks go, and with
        ``hosts`` their politeness state (a 429 backoff is for one run, as in one process)."""
        self.redis.delete(self.queue_key(site), self.dupefilter_key(site), self.busy_key(site),
                          *self.redis.scan_iter(f"{self.held_key(site)}*"),
                          *(self.host_key(host) for host in hosts))

    def queued(self, site: str) -> int:
        return int(self.redis.zcard(self.queue_key(site)))

    # --- workers ------------------------------------------------------------------------------

    def pop(self, site: str, worker: str) -> tuple[bytes, bytes] | None:
        """(the id it is held under, the request's data), or None: the queue is empty."""
        got = self._pop(keys=[self.queue_key(site), self.busy_key(site),
                              self.held_key(site, worker)], args=[worker])
        return (got[0], got[1]) if got else None

    async def done(self, site: str, worker: str, held: bytes) -> None:
        """A popped request is finished: fetched (or failed), and what came of it queued."""
        await async_client(self.url).hdel(self.held_key(site, worker), held)

    def mark_busy(self, site: str, worker: str) -> None:
        self._busy(keys=[self.busy_key(site)], args=[worker])

    def clear_busy(self, site: str, worker: str) -> None:
        self.redis.hdel(self.busy_key(site), worker)

    def busy_workers(self, site: str) -> list[str]:
        return [k.decode() for k in self.redis.hkeys(self.busy_key(site))]

    def claim_drained(self, registration: Registration, stale: float = STALE) -> int:
        """1: the site is drained and its run is now the caller's to finish; 0: work
        remains; -1: the registration is gone (another worker finished the run)."""
        site = registration.site
        return int(self._claim(keys=[self.sites_key, self.queue_key(site), self.busy_key(site)],
                               args=[site, registration.generation, stale,
                                     self.held_key(site)]))

    def add_stats(self, run: int, delta: dict[str, int]) -> None:
        if not delta:
            return
        pipe = self.redis.pipeline(transaction=True)
        for key, value in delta.items():
            pipe.hincrby(self.stats_key(run), key, value)
        pipe.execute()

    def run_stats(self, run: int) -> dict[str, int]:
        return {k.decode(): int(v) for k, v in self.redis.hgetall(self.stats_key(run)).items()}

    def forget_run(self, site: str, run: int) -> None:
        """After the run is finished in the database: its keys go."""
        self.redis.delete(self.stats_key(run))
        self.reset_site(site)


# KEYS: queue, dupefilter. ARGV: fingerprint, score, request. Queued only if never seen.
