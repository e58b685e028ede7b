"""URL trap protection beyond DEPTH_LIMIT: a page budget per host and run, and URLs whose
path repeats itself (``/a/b/a/b/a/b``) or whose shape (digits folded) recurs more often than
any real listing needs, as endless calendars and session-id loops do.

A request stopped here is recorded as a failure of kind ``trap``, never silently dropped.
"""

from __future__ import annotations

import re
from collections import Counter
from urllib.parse import urlsplit

from scrapy import Request
from scrapy.exceptions import IgnoreRequest

_DIGITS = re.compile(r"\d+")


class TrapRequest(IgnoreRequest):
    """A request refused as a probable URL trap."""


def url_shape(url: str) -> str:
    """The URL with every number folded: /cal/2024/05.html and /cal/1999/12.html are one."""
    parts = urlsplit(url)
    query = "&".join(sorted(_DIGITS.sub("#", p.split("=", 1)[0]) + "=" +
                            _DIGITS.sub("#", p.split("=", 1)[-1])
                            for p in parts.query.split("&") if p))
    return f"{parts.hostname}{_DIGITS.sub('#', parts.path)}?{query}"


def repeats_itself(path: str, times: int = 3) -> bool:
    segments = [s for s in path.split("/") if s]
    for size in (1, 2, 3):
        for start in range(0, len(segments) - size * times + 1):
            chunk = segments[start:start + size]
            if all(segments[start + k * size:start + (k + 1) * size] == chunk
                   for k in range(times)):
                return True
    return False


class TrapGuardMiddleware:
    def __init__(self, crawler, max_pages: int, max_per_shape: int) -> None:  # type: ignore[no-untyped-def]
        self.crawler = crawler
        self.max_pages = max_pages
        self.max_per_shape = max_per_shape
        self.pages: Counter[str] = Counter()
        self.shapes: Counter[str] = Counter()

    @classmethod
    def from_crawler(cls, crawler):  # type: ignore[no-untyped-def]
        return cls(crawler, crawler.settings.getint("XXGK_MAX_PAGES_PER_HOST", 5000),
                   crawler.settings.getint("XXGK_MAX_URLS_PER_SHAPE", 2000))

    def process_request(self, request: Request) -> None:
        if request.meta.get("xxgk_counted") == request.url:
            return None  # a retry of a request already counted
        host = urlsplit(request.url).hostname or ""
        path = urlsplit(request.url).path
        if repeats_itself(path):
            raise TrapRequest(f"trap: path repeats itself: {path}")
        shape = url_shape(request.url)
        if self.shapes[shape] >= self.max_per_shape:
            raise TrapRequest(f"trap: more than {self.max_per_shape} URLs shaped {shape}")
        if self.pages[host] >= self.max_pages:
            raise TrapRequest(f"trap: page budget of {self.max_pages} for {host} spent")
        self.shapes[shape] += 1
        self.pages[host] += 1
        request.meta["xxgk_counted"] = request.url
        return None
