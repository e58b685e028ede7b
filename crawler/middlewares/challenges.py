"""JavaScript cookie challenges, detected by body, not by status.

- A page that only sets a cookie and reloads (加速乐 ``__jsluid_s`` style, often with 200):
  the cookie is in the script, so it is set and the request retried, no browser needed.
- A 瑞数-style challenge (``$_ts``, usually 412/202): only a real browser gets through; it is
  marked on the response (``xxgk_challenge``) for the browser solver.

The challenge page itself stays in the archive: it is what the server sent.
"""

from __future__ import annotations

import re

from scrapy import Request, Spider
from scrapy.http import Response

_COOKIE_RELOAD = re.compile(
    rb"""document\.cookie\s*=\s*['"]([A-Za-z0-9_\-]+)=([^;'"]*)[^'"]*['"]\s*;?\s*"""
    rb"""(?:window\.)?location\.(?:reload\(\)|href\s*=)""")
_TS = re.compile(rb"\$_ts\s*=\s*window\[")
MAX_TRIES = 2


def cookie_reload(body: bytes) -> tuple[str, str] | None:
    """(name, value) of a cookie-setting reload stub, or None."""
    if len(body) > 20_000:
        return None
    match = _COOKIE_RELOAD.search(body)
    if not match:
        return None
    return match.group(1).decode("latin-1"), match.group(2).decode("latin-1")


def is_ts_challenge(body: bytes) -> bool:
    return len(body) < 50_000 and bool(_TS.search(body))


class CookieChallengeMiddleware:
    @classmethod
    def from_crawler(cls, crawler):  # type: ignore[no-untyped-def]
        return cls()

    def process_response(self, request: Request, response: Response, spider: Spider):
        content_type = (response.headers.get(b"Content-Type") or b"").lower()
        if b"html" not in content_type and content_type:
            return response
        stub = cookie_reload(response.body)
        if stub is None:
            if is_ts_challenge(response.body):
                response.meta["xxgk_challenge"] = "ts"
                spider.crawler.stats.inc_value("xxgk/challenge/ts")
            return response
        tries = request.meta.get("xxgk_cookie_tries", 0)
        if tries >= MAX_TRIES:
            spider.logger.warning("cookie challenge not passed after %d tries: %s", tries,
                                  request.url)
            return response
        name, value = stub
        spider.crawler.stats.inc_value("xxgk/challenge/cookie_reload")
        retry = request.replace(cookies={**_cookies(request), name: value}, dont_filter=True)
        retry.meta["xxgk_cookie_tries"] = tries + 1
        return retry


def _cookies(request: Request) -> dict[str, str]:
    cookies = request.cookies
    if isinstance(cookies, dict):
        return dict(cookies)
    return {c["name"]: c["value"] for c in cookies if "name" in c}
