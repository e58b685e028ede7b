"""JavaScript cookie challenges, detected by body, not by status.

- A page that only sets a cookie and reloads (加速乐 ``__jsluid_s`` style, often with 200):
  the cookie is in the script, so it is set and the request retried, no browser needed.
- A 瑞数-style challenge (``$_ts``, usually 412/202): only a real browser gets through; it is
  marked on the response (``xxgk_challenge``) for the browser solver.

The challenge page itself stays in the archive: it is what the server sent.
"""

from __future__ import annotations

import asyncio
import re
from urllib.parse import urlsplit

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import TimeoutError as PlaywrightTimeout
from scrapy import Request, Spider
from scrapy.http import Response
from scrapy_playwright.page import PageMethod

from archive.write.records import Resource
from xxgk.base.clock import utcnow

_COOKIE_RELOAD = re.compile(
    rb"""document\.cookie\s*=\s*['"]([A-Za-z0-9_\-]+)=([^;'"]*)[^'"]*['"]\s*;?\s*"""
    rb"""(?:window\.)?location\.(?:reload\(\)|href\s*=)""")
_TS = re.compile(rb"\$_ts\s*=\s*window\[")
MAX_TRIES = 2
_PAUSE = 1e6  # seconds: a download slot's delay while its host's challenge is solved


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


async def _settled_content(page, tries: int = 20) -> bytes:  # type: ignore[no-untyped-def]
    """The page's DOM once it has stopped navigating. The challenge page sets its cookie and
    reloads itself, and ``page.content()`` fails while a navigation is under way ("Unable to
    retrieve content because the page is navigating"): whether it still is, right after the
    challenge has gone, depends on timing (a browser just started, a loaded machine)."""
    for attempt in range(tries):
        await page.wait_for_load_state("load")
        try:
            return (await page.content()).encode("utf-8")
        except Exception as exc:
            if "navigating" not in str(exc) or attempt == tries - 1:
                raise
            await asyncio.sleep(0.1)
    raise AssertionError("unreachable")


CHALLENGE_GONE = "!document.documentElement.outerHTML.includes('$_ts')"
SOLVE_SECONDS = 20  # for the browser to get through a challenge


async def _challenge_gone(page, seconds: float = SOLVE_SECONDS) -> bool:  # type: ignore[no-untyped-def]
    """True once the challenge has gone from the page and the page has loaded; False if it
    is still there after ``seconds``.

    Run as a PageMethod of the solver's visit, i.e. by scrapy-playwright between opening
    the page and reading its content: the challenge script sets a cookie and reloads the
    page, and scrapy-playwright reads the content right after the first load (with one quick
    retry), which fails while that reload is under way. On a loaded machine it did
    ("Page.content: ... the page is navigating"), losing the visit. A navigation can also
    destroy the context the wait runs in: that error is waited out like the reload."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while True:
        remaining_ms = (deadline - loop.time()) * 1000
        if remaining_ms <= 0:
            return False
        try:
            await page.wait_for_function(CHALLENGE_GONE, timeout=remaining_ms)
            await page.wait_for_load_state("load")
            return True
        except PlaywrightTimeout:
            return False
        except PlaywrightError as exc:
            if "closed" in exc.message:
                return False
            await asyncio.sleep(0.1)  # the page navigated mid-wait: wait again


def _visit_got_through(request: Request) -> bool:
    """What the visit's ``_challenge_gone`` page method found (scrapy-playwright keeps a
    PageMethod's result on it)."""
    methods = request.meta.get("playwright_page_methods") or ()
    return all(m.result is True for m in methods if getattr(m, "method", None) is _challenge_gone)


def _cookies(request: Request) -> dict[str, str]:
    cookies = request.cookies
    if isinstance(cookies, dict):
        return dict(cookies)
    return {c["name"]: c["value"] for c in cookies if "name" in c}


def _add_cookie_header(request: Request, cookies: dict[str, str]) -> None:
    """Put cookies into a request that CookiesMiddleware (700) has already prepared."""
    jar = dict(part.strip().split("=", 1) for part in
               (request.headers.get(b"Cookie") or b"").decode("latin-1").split(";")
               if "=" in part)
    jar.update(cookies)
    request.headers[b"Cookie"] = "; ".join(f"{k}={v}" for k, v in jar.items())


def _not_passed(request: Request, response: Response, why: str) -> Response:
    """The challenge page goes on as the answer; the failure middleware records why it is
    not a usable one (kind ``challenge``)."""
    request.meta["xxgk_challenge_failed"] = why
    return response


class CookieChallengeMiddleware:
    """Challenges of one host are solved by one browser visit at a time: requests that meet
    the challenge while it is being solved wait for that solve and reuse its cookies."""

    def __init__(self, crawler, browser_enabled: bool) -> None:  # type: ignore[no-untyped-def]
        self.crawler = crawler
        self.browser_enabled = browser_enabled
        self._solving: dict[str, asyncio.Future] = {}
        self._solved: dict[str, dict[str, str]] = {}

    @classmethod
    def from_crawler(cls, crawler):  # type: ignore[no-untyped-def]
        return cls(crawler, crawler.settings.getbool("XXGK_BROWSER_ENABLED"))

    async def process_request(self, request: Request) -> None:
        """While a host's challenge is being solved, its requests wait here instead of
        meeting the challenge too; then they carry the fresh cookies."""
        request.meta.pop("xxgk_challenge_failed", None)  # a retry's copy of an earlier verdict
        if request.meta.get("xxgk_solving") or request.meta.get("playwright"):
            return None
        host = urlsplit(request.url).hostname or ""
        pending = self._solving.get(host)
        if pending is None:
            return None
        await asyncio.shield(pending)
        solved = self._solved.get(host)
        if solved:
            _add_cookie_header(request, solved)
        return None

    async def process_response(self, request: Request, response: Response):
        spider = self.crawler.spider
        if request.meta.get("xxgk_solving"):
            return await self._finish_solve(request, response, spider)
        content_type = (response.headers.get(b"Content-Type") or b"").lower()
        if b"html" not in content_type and content_type:
            return response
        stub = cookie_reload(response.body)
        if stub is None:
            if is_ts_challenge(response.body):
                spider.crawler.stats.inc_value("xxgk/challenge/ts")
                return await self._challenged(request, response, spider)
            return response
        tries = request.meta.get("xxgk_cookie_tries", 0)
        if tries >= MAX_TRIES:
            spider.logger.warning("cookie challenge not passed after %d tries: %s", tries,
                                  request.url)
            return _not_passed(request, response,
                               f"cookie challenge not passed after {tries} tries")
        name, value = stub
        spider.crawler.stats.inc_value("xxgk/challenge/cookie_reload")
        retry = request.replace(cookies={**_cookies(request), name: value}, dont_filter=True)
        retry.meta["xxgk_cookie_tries"] = tries + 1
        return retry

    async def _challenged(self, request: Request, response: Response, spider: Spider):
        """One browser visit per host solves it for every request that meets the challenge
        meanwhile; they wait for it, then go again with its cookies."""
        host = urlsplit(request.url).hostname or ""
        sent = _cookies(request)
        pending = self._solving.get(host)
        solved = self._solved.get(host)
        fresh_solve = solved and any(sent.get(k) != v for k, v in solved.items())
        if pending is not None:
            await asyncio.shield(pending)
        elif not fresh_solve:  # never solved, or its cookies expired: a browser visit is due
            tries = request.meta.get("xxgk_browser_tries", 0)
            if not self.browser_enabled or tries >= MAX_TRIES:
                why = "browser disabled" if not self.browser_enabled else f"{tries} browser tries"
                spider.logger.warning("JS challenge not passed (%s): %s", why, request.url)
                spider.crawler.stats.inc_value("xxgk/challenge/failed")
                return _not_passed(request, response, f"JS challenge not passed ({why})")
            await self._solve(request, tries, spider, host)
        solved = self._solved.get(host)
        reused = request.meta.get("xxgk_reused_solve", 0)
        if not solved or reused >= MAX_TRIES:
            spider.crawler.stats.inc_value("xxgk/challenge/failed")
            return _not_passed(request, response, "JS challenge not passed (" + (
                "the browser could not solve it" if not solved else
                f"still challenged after {reused} solves") + ")")
        retry = request.replace(cookies={**sent, **solved}, dont_filter=True)
        retry.meta["xxgk_reused_solve"] = reused + 1
        retry.meta["xxgk_browser_tries"] = request.meta.get("xxgk_browser_tries", 0) + (
            0 if pending is not None or fresh_solve else 1)
        return retry

    async def _solve(self, request: Request, tries: int, spider: Spider, host: str) -> None:
        """The browser request goes straight to the downloader (engine.download_async), not
        through the scheduler: requests waiting here keep their slots busy, and a scheduled
        request could not be started until they are done."""
        self._solved.pop(host, None)
        future = asyncio.get_running_loop().create_future()
        self._solving[host] = future
        resume = self._pause_slot(request)
        # The visit goes to the host's front page: the challenged request may be a file
        # download or an image, which a browser does not render.
        parts = urlsplit(request.url)
        visit = Request(f"{parts.scheme}://{parts.netloc}/", dont_filter=True,
                        meta={"playwright": True, "playwright_include_page": True,
                              "playwright_page_methods": [PageMethod(_challenge_gone)],
                              "playwright_context_kwargs": self.browser_context(),
                              "xxgk_solving": True,
                              "download_slot": f"{parts.netloc}#browser"})
        try:
            await self.crawler.engine.download_async(visit)
        except Exception as exc:  # noqa: BLE001 - recorded; the waiting requests go on
            spider.logger.warning("browser visit of %s failed: %s", request.url, exc)
            ledger = getattr(spider, "ledger", None)
            if ledger is not None:
                ledger.record_failure(spider.crawl_run_id, request.url, "challenge",
                                      f"browser visit failed: {exc}")
        finally:
            self._solving.pop(host, None)
            future.set_result(None)
            resume()

    def browser_context(self) -> dict[str, str]:
        """Options of the browser context, made with the first visit (no startup context:
        that would launch Chromium with every crawl). The browser must present our
        User-Agent: challenge cookies are bound to it, and plain requests reuse them."""
        return {"user_agent": self.crawler.settings.get("USER_AGENT")}

    def _pause_slot(self, request: Request):  # type: ignore[no-untyped-def]
        """Hold the host's download slot while its challenge is solved: requests already
        queued in the slot would otherwise all meet the challenge. Scrapy has no API for
        this; the slot's delay is raised and restored (the browser uses its own slot)."""
        downloader = self.crawler.engine.downloader
        key = request.meta.get("download_slot") or downloader.get_slot_key(request)
        slot = downloader.slots.get(key)
        if slot is None:
            return lambda: None
        saved = slot.delay
        slot.delay = _PAUSE

        def resume() -> None:
            solved = self._solved.get(urlsplit(request.url).hostname or "")
            if solved:  # what waited in the slot was sent before the solve
                for queued, _ in slot.queue:
                    _add_cookie_header(queued, solved)
            if slot.delay == _PAUSE:
                slot.delay = saved
            if slot.latercall is not None:
                slot.latercall.cancel()
                slot.latercall = None
            downloader._process_queue(slot)

        return resume

    async def _finish_solve(self, request: Request, response: Response, spider: Spider):
        """The browser page: wait until the challenge is gone, keep its cookies for plain
        requests (same User-Agent), archive its DOM as what it is."""
        host = urlsplit(request.url).hostname or ""
        page = response.meta.get("playwright_page")
        cookies: dict[str, str] = {}
        try:
            if page is not None:
                try:
                    if not _visit_got_through(request):
                        raise TimeoutError(f"the challenge was still there after "
                                           f"{SOLVE_SECONDS} s")
                    snapshot = await _settled_content(page)
                    for cookie in await page.context.cookies():
                        cookies[cookie["name"]] = cookie["value"]
                    archive = getattr(spider, "archive", None)
                    if archive is not None:
                        # Through the archive's writer (the crawl's one WARC file), without
                        # holding the reactor up for its fsync.
                        await asyncio.wrap_future(archive.submit_resource(Resource(
                            request.url, snapshot, "text/html; charset=utf-8",
                            record_type="resource", captured_at=utcnow(),
                            crawl_run_id=getattr(spider, "crawl_run_id", None))))
                except Exception as exc:  # a challenge that does not resolve is recorded
                    spider.logger.warning("browser could not pass the challenge of %s: %s",
                                          request.url, exc)
                    ledger = getattr(spider, "ledger", None)
                    if ledger is not None:
                        ledger.record_failure(spider.crawl_run_id, request.url, "challenge",
                                              f"browser could not pass it: {exc}")
                finally:
                    await page.close()
        finally:
            if cookies:
                self._solved[host] = cookies
        spider.crawler.stats.inc_value("xxgk/challenge/browser_solved" if cookies else
                                       "xxgk/challenge/browser_failed")
        return response
