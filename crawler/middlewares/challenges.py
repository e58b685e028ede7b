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


def _cookies(request: Request) -> dict[str, str]:
    cookies = request.cookies
    if isinstance(cookies, dict):
        return dict(cookies)
    return {c["name"]: c["value"] for c in cookies if "name" in c}


class CookieChallengeMiddleware:
    def __init__(self, crawler, browser_enabled: bool) -> None:  # type: ignore[no-untyped-def]
        self.crawler = crawler
        self.browser_enabled = browser_enabled

    @classmethod
    def from_crawler(cls, crawler):  # type: ignore[no-untyped-def]
        return cls(crawler, crawler.settings.getbool("XXGK_BROWSER_ENABLED"))

    async def process_response(self, request: Request, response: Response):
        spider = self.crawler.spider
        if request.meta.get("xxgk_solving"):
            return await self._solved(request, response, spider)
        content_type = (response.headers.get(b"Content-Type") or b"").lower()
        if b"html" not in content_type and content_type:
            return response
        stub = cookie_reload(response.body)
        if stub is None:
            if is_ts_challenge(response.body):
                spider.crawler.stats.inc_value("xxgk/challenge/ts")
                return self._to_browser(request, response, spider)
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



    def _to_browser(self, request: Request, response: Response, spider: Spider):
        """Send the request through a real browser once; it runs the challenge script."""
        tries = request.meta.get("xxgk_browser_tries", 0)
        if not self.browser_enabled or tries >= MAX_TRIES:
            spider.logger.warning("JS challenge not passed (%s): %s",
                                  "browser disabled" if not self.browser_enabled else
                                  f"{tries} browser tries", request.url)
            spider.crawler.stats.inc_value("xxgk/challenge/failed")
            return response
        meta = {**request.meta, "playwright": True, "playwright_include_page": True,
                "xxgk_solving": True, "xxgk_browser_tries": tries + 1}
        return request.replace(meta=meta, dont_filter=True)

    async def _solved(self, request: Request, response: Response, spider: Spider):
        """The browser page: wait until the challenge is gone, keep its cookies for plain
        requests (same User-Agent), archive its DOM as what it is, retry plainly."""
        page = response.meta.get("playwright_page")
        cookies: dict[str, str] = {}
        if page is not None:
            try:
                await page.wait_for_function("!document.documentElement.outerHTML.includes('$_ts')",
                                             timeout=20_000)
                await page.wait_for_load_state("load")
                snapshot = (await page.content()).encode("utf-8")
                for cookie in await page.context.cookies():
                    cookies[cookie["name"]] = cookie["value"]
                archive = getattr(spider, "archive", None)
                if archive is not None:
                    archive.record_resource(request.url, snapshot, "text/html; charset=utf-8",
                                            record_type="resource")
            except Exception as exc:  # a challenge that does not resolve is recorded, not fatal
                spider.logger.warning("browser could not pass the challenge of %s: %s",
                                      request.url, exc)
            finally:
                await page.close()
        spider.crawler.stats.inc_value("xxgk/challenge/browser_solved" if cookies else
                                       "xxgk/challenge/browser_failed")
        meta = {k: v for k, v in request.meta.items()
                if not k.startswith("playwright") and k != "xxgk_solving"}
        return request.replace(meta=meta, cookies={**_cookies(request), **cookies},
                               dont_filter=True)
