"""A crawl run's listing tally shared by the workers of a distributed crawl, in Redis.

Each worker reads only the pages of a listing that it pops from the shared queue, so its own
``ListingTally`` holds a part of every listing: judged alone, each part would read short, and
no part would ever be judged (the worker that finishes the run is not the one that read most
of it). So every worker adds what it saw to the run's tally in Redis (a set of the records read
per listing, the largest size advertised, the notes), in one pipeline whenever its crawler
goes idle and when it closes; the worker that finishes the run judges the sum
(``crawler.distributed.run``). Records are sets, so a page read twice (a dead worker's requests
queued again) counts its records once.

Keys (``{prefix}:listings:{run}:…``) expire a week after their last write: a run abandoned
with its frontier does not leave them behind for good.
"""

from __future__ import annotations

import redis

from crawler.listings import ListingTally

EXPIRE = 7 * 24 * 3600  # seconds the keys of a run outlive their last write


class SharedListingTally(ListingTally):
    """The spider's tally (``spider.listings``) in a distributed worker: counted locally, as
    the spider needs it, and added to the run's shared tally by :meth:`flush`."""

    def __init__(self, client: redis.Redis, key: str) -> None:
        super().__init__()
        self.redis = client
        self.key = key  # {prefix}:listings:{run}
        self._pending: list[tuple[str, str, str, int]] = []  # (op, listing, text, number)

    def expect(self, key: str, url: str, advertised: int, unit: str = "records") -> None:
        super().expect(key, url, advertised, unit)
        self._pending.append(("expect", key, url, advertised))
        if unit != "records":
            self._pending.append(("unit", key, unit, 0))

    def saw(self, key: str, record: str) -> None:
        super().saw(key, record)
        self._pending.append(("saw", key, record, 0))

    def note(self, key: str, text: str) -> None:
        super().note(key, text)
        self._pending.append(("note", key, text, 0))

    def read(self, key: str) -> int:
        """Records read of the listing by every worker (what the spider asks when it has no
        advertised size to go by)."""
        self.flush()
        return max(super().read(key), int(self.redis.scard(self._read_key(key))))

    def flush(self) -> None:
        """Add what this worker saw since it last did to the run's tally (one round trip)."""
        if not self._pending:
            return
        pipe = self.redis.pipeline(transaction=False)
        touched = {self._keys_key, self._advertised_key, self._urls_key}
        for op, listing, text, number in self._pending:
            pipe.sadd(self._keys_key, listing)
            if op == "expect":
                pipe.zadd(self._advertised_key, {listing: number}, gt=True)  # adds, or raises
                if text:
                    pipe.hsetnx(self._urls_key, listing, text)
            elif op == "unit":
                pipe.hset(self._units_key, listing, text)
                touched.add(self._units_key)
            elif op == "saw":
                pipe.sadd(self._read_key(listing), text)
                touched.add(self._read_key(listing))
            else:
                pipe.rpush(self._notes_key(listing), text)
                touched.add(self._notes_key(listing))
        for key in touched:
            pipe.expire(key, EXPIRE)
        pipe.execute()
        self._pending.clear()

    def shared(self) -> ListingTally:
        """The run's whole tally, every worker's flushed share added up."""
        self.flush()
        whole = ListingTally()
        urls = {k.decode(): v.decode() for k, v in self.redis.hgetall(self._urls_key).items()}
        units = {k.decode(): v.decode() for k, v in self.redis.hgetall(self._units_key).items()}
        for raw in sorted(self.redis.smembers(self._keys_key)):
            listing = raw.decode()
            advertised = self.redis.zscore(self._advertised_key, listing) or 0
            whole.expect(listing, urls.get(listing, ""), int(advertised),
                         units.get(listing, "records"))
            for record in self.redis.smembers(self._read_key(listing)):
                whole.saw(listing, record.decode())
            for text in self.redis.lrange(self._notes_key(listing), 0, -1):
                whole.note(listing, text.decode())
        return whole

    def forget(self) -> None:
        """The run's keys, once it is finished in the database."""
        listings = [raw.decode() for raw in self.redis.smembers(self._keys_key)]
        self.redis.delete(self._keys_key, self._advertised_key, self._urls_key, self._units_key,
                          *(self._read_key(k) for k in listings),
                          *(self._notes_key(k) for k in listings))

    @property
    def _keys_key(self) -> str:
        return f"{self.key}:keys"

    @property
    def _advertised_key(self) -> str:
        return f"{self.key}:advertised"

    @property
    def _urls_key(self) -> str:
        return f"{self.key}:urls"

    @property
    def _units_key(self) -> str:
        return f"{self.key}:units"

    def _read_key(self, listing: str) -> str:
        return f"{self.key}:read:{listing}"

    def _notes_key(self, listing: str) -> str:
        return f"{self.key}:notes:{listing}"
