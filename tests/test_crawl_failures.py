"""Every way a fetch can fail ends as a row of `crawl_failures` with its kind, URL and reason.

One real crawl (`xxgk crawl` in a subprocess, the generic spider, the site from a registry
folder of its own through $XXGK_SITES_DIR) of a small hostile portal that this module serves
itself as the crawl's proxy: a page that never answers, bodies over the size cap, a
connection cut mid-body, a URL robots.txt forbids, links and a redirect out of scope, a
calendar trap, a path that repeats itself, a host that never ends, a 404, a 500 that stays
500, cookie and JavaScript challenges that never pass, a page the spider cannot parse, and
one good report with its PDF.
"""

from __future__ import annotations

import asyncio
import json
import os
import sqlite3
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from aiohttp import web

from tests.threaded_portal import ThreadedPortal

HOST, MIRROR = "www.hostile.test", "mirror.hostile.test"  # the site's hosts
ELSEWHERE = "www.elsewhere.test"  # out of scope: never to be requested
BASE = f"http://{HOST}"
REPORT_TITLE = "某县2024年政府信息公开工作年度报告"

# TIMEOUT: long enough that only SLOW times out even on a loaded machine (with 2 s, the
# 2 MB BIG answer timed out before its size was refused, and was retried, under load).
TIMEOUT, MAX_SIZE, RETRIES = 6, 1_000_000, 2
MAX_PER_SHAPE, MAX_PAGES = 3, 30

SLOW, BIG, BIG_STREAMED, CUT = "/xxgk/slow.html", "/xxgk/big.html", "/xxgk/big-stream.html", \
    "/xxgk/cut.html"
FORBIDDEN, MISSING, BROKEN = "/private/secret.html", "/xxgk/missing.html", "/xxgk/broken.html"
REPORT, REPORT_PDF = "/xxgk/art_2024_1.html", "/xxgk/files/report-2024.pdf"
OFFSITE_LINK, OFFSITE_PDF = f"http://{ELSEWHERE}/xxgk/index.html", \
    f"http://{ELSEWHERE}/files/report-2024-full.pdf"
MOVED, MOVED_TO = "/xxgk/moved.html", f"http://{ELSEWHERE}/xxgk/moved.html"
CALENDAR = "/xxgk/calendar/2024-{:02d}.html"
LOOP = "/xxgk/loop/loop/loop/index.html"
COOKIE_WALL, TS_WALL, BAD_LINKS = "/xxgk/guarded.html", "/xxgk/ts.html", "/xxgk/bad-links.html"

ROBOTS = "User-agent: *\nDisallow: /private/\n"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _html(title: str, body: str) -> web.Response:
    return web.Response(text=f"<html><head><title>{title}</title></head><body>{body}"
                             f"</body></html>", content_type="text/html", charset="utf-8")


def _links(*pairs: tuple[str, str]) -> str:
    return "".join(f'<li><a href="{href}">{label}</a></li>' for href, label in pairs)


class HostilePortal(ThreadedPortal):
    """The portal as the crawl's forward proxy; it logs every request it receives."""

    def __init__(self) -> None:
        super().__init__()
        self.requests: list[tuple[str, str]] = []  # (host, path and query)

    async def handle(self, request: web.Request) -> web.StreamResponse:
        host, path = request.url.host or "", request.path
        self.requests.append((host, request.path_qs))
        if path == "/robots.txt":
            return web.Response(text=ROBOTS)
        if host == MIRROR:
            return self.mirror(path)
        if host != HOST:
            return web.Response(status=502, text="not this test's portal")
        if path == SLOW:
            await asyncio.sleep(30)
        if path in (BIG, BIG_STREAMED, CUT):
            return await self.oversized_or_cut(request, path)
        if path == BROKEN:
            return web.Response(status=500, text="Internal Server Error")
        if path == MOVED:
            raise web.HTTPFound(MOVED_TO)
        if path.startswith("/xxgk/calendar/"):
            return self.calendar(path)
        if path == COOKIE_WALL:  # 加速乐 style: the cookie it sets is never accepted
            return web.Response(text='<script>document.cookie="__jsluid_s=0af3; path=/";'
                                     'location.reload();</script>', content_type="text/html")
        if path == TS_WALL:  # 瑞数 style: only a browser could pass, and there is none
            return web.Response(status=412, content_type="text/html",
                                text="<script>$_ts=window['$_ts'];$_ts.nsd=1;</script>")
        page = self.pages().get(path)
        return page if page is not None else web.Response(status=404, text="Not Found")

    def pages(self) -> dict[str, web.StreamResponse]:
        return {
            "/": _html("某县人民政府", _links(
                (SLOW, "工作动态"), (BIG, "专题"), (BIG_STREAMED, "视频"), (CUT, "公告"),
                (FORBIDDEN, "内部"), (MISSING, "旧栏目"), (BROKEN, "互动交流"),
                (REPORT, "2024年政府信息公开工作年度报告"), (OFFSITE_LINK, "中国政府网"),
                (MOVED, "政策文件"), (CALENDAR.format(1), "日历"), (LOOP, "专栏"),
                (f"http://{MIRROR}/xxgk/a.html", "镜像站"), (COOKIE_WALL, "办事服务"),
                (TS_WALL, "数据开放"), (BAD_LINKS, "链接"))),
            REPORT: _html(REPORT_TITLE, f'<div id="zoom"><p>一、总体情况</p>'
                                        f'<a href="{REPORT_PDF}">附件：年度报告.pdf</a>'
                                        f'<a href="{OFFSITE_PDF}">附件：全文.pdf</a></div>'),
            REPORT_PDF: web.Response(body=PDF, content_type="application/pdf"),
            # A broken href (an unclosed IPv6 bracket) makes the spider's callback fail.
            BAD_LINKS: _html("友情链接", _links(("http://[broken/", "信息公开"))),
        }

    async def oversized_or_cut(self, request: web.Request, path: str) -> web.StreamResponse:
        """Twice the size cap, announced (BIG) or streamed without a length (BIG_STREAMED);
        or 100 kB announced and the connection cut after the first 1 kB (CUT)."""
        if path == BIG:
            return web.Response(body=b"x" * (2 * MAX_SIZE), content_type="text/html")
        response = web.StreamResponse(headers={"Content-Type": "text/html"})
        if path == CUT:
            response.content_length = 100_000
        await response.prepare(request)
        try:
            if path == CUT:
                await response.write(b"<p>" + b"x" * 1021)
                if request.transport is not None:
                    request.transport.close()
                return response
            for _ in range(2 * MAX_SIZE // 65536 + 1):
                await response.write(b"x" * 65536)
            await response.write_eof()
        except ConnectionError:
            pass  # the crawler hung up on it, as it should
        return response

    @staticmethod
    def calendar(path: str) -> web.Response:
        """An endless calendar: every month links the next."""
        month = int(path.rsplit("-", 1)[1].split(".")[0])
        return _html(f"日历 {month}", _links((CALENDAR.format(month + 1), "下个月"),
                                            (CALENDAR.format(max(month - 1, 1)), "上个月")))

    @staticmethod
    def mirror(path: str) -> web.Response:
        """A host without end, with no two URLs of one shape: only its page budget stops
        a crawl there. /xxgk/a.html links /xxgk/aa.html, /xxgk/ab.html, /xxgk/ac.html ..."""
        name = path.rsplit("/", 1)[-1].removesuffix(".html")
        return _html(f"镜像 {name}", _links(*((f"/xxgk/{name}{c}.html", f"栏目 {name}{c}")
                                               for c in "abc")))


SITE = {"key": "hostile", "name": "某县 (hostile test portal)", "cms": "generic",
        "hosts": [HOST, MIRROR], "home": f"{BASE}/"}
SETTINGS = {
    "DOWNLOAD_DELAY": 0, "DOWNLOAD_TIMEOUT": TIMEOUT, "DOWNLOAD_MAXSIZE": MAX_SIZE,
    "RETRY_TIMES": RETRIES, "XXGK_MAX_URLS_PER_SHAPE": MAX_PER_SHAPE,
    "XXGK_MAX_PAGES_PER_HOST": MAX_PAGES, "XXGK_BROWSER_ENABLED": "false",
    "XXGK_PROGRESS_INTERVAL": 0, "LOG_LEVEL": "WARNING",
}
XXGK = Path(sys.executable).with_name("xxgk")


def _db(home: Path, sql: str, *params: object) -> list[tuple]:
    with sqlite3.connect(home / "xxgk.sqlite3") as db:
        return db.execute(sql, params).fetchall()


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    """(home, the portal's request log, the run's id)."""
    home = tmp_path_factory.mktemp("failures-home")
    sites = tmp_path_factory.mktemp("failures-sites")
    (sites / "hostile.yaml").write_text(json.dumps(SITE), encoding="utf-8")  # JSON is YAML
    env = {k: v for k, v in os.environ.items() if k not in ("XXGK_HOME", "XXGK_DATABASE_URL")}
    portal = HostilePortal().start()
    try:
        result = subprocess.run(
            [str(XXGK), "crawl", "hostile", "--proxy", portal.proxy, "--home", str(home),
             *(arg for name, value in SETTINGS.items() for arg in ("-s", f"{name}={value}"))],
            check=False, capture_output=True, text=True, timeout=120,
            env={**env, "XXGK_SITES_DIR": str(sites)})
    finally:
        portal.stop()
    assert result.returncode == 0, result.stderr[-3000:]
    (run,) = [r for (r,) in _db(home, "select id from crawl_runs")]
    return home, portal.requests, run


def _failures(home: Path) -> dict[str, list[tuple[str, int | None, str]]]:
    """url -> [(kind, status, reason)]"""
    rows: dict[str, list[tuple[str, int | None, str]]] = {}
    for url, kind, status, reason in _db(home, "select url, kind, status, reason "
                                               "from crawl_failures order by id"):
        rows.setdefault(url, []).append((kind, status, reason))
    return rows


def test_the_crawl_finishes_and_archives_the_good_report(hostile):
    home, _, run = hostile
    assert _db(home, "select state, finish_reason from crawl_runs") == [("finished", "finished")]
    ok = {url for (url,) in _db(home, "select url from captures where status = 200 and "
                                      "record_type = 'response' and crawl_run_id = ?", run)}
    assert {f"{BASE}{REPORT}", f"{BASE}{REPORT_PDF}"} <= ok
    documents = set(_db(home, "select url, kind, title from crawl_documents"))
    assert documents == {(f"{BASE}{REPORT}", "report_page", REPORT_TITLE),
                         (f"{BASE}{REPORT_PDF}", "file", None)}
    assert not {f"{BASE}{p}" for p in ("/", REPORT, REPORT_PDF)} & set(_failures(home))


RETRIED = f"(after {RETRIES} retries)"
# (path on HOST, kind, status, what the reason says)
HOSTILE = [
    (SLOW, "timeout", None, ("DownloadTimeoutError", "took longer than", RETRIED)),
    (BIG, "too_large", None, (f"{2 * MAX_SIZE} bytes which is larger than download max size",)),
    (BIG_STREAMED, "too_large", None, (f"larger than download max size ({MAX_SIZE}), cut off",)),
    (CUT, "network", None, ("ResponseDataLossError: connection closed before the whole body",
                             RETRIED)),
    (MISSING, "http", 404, ("HTTP 404 after 0 retries",)),
    (BROKEN, "http", 500, (f"HTTP 500 after {RETRIES} retries",)),
    (FORBIDDEN, "robots", None, ("Forbidden by robots.txt",)),
    (CALENDAR.format(MAX_PER_SHAPE + 1), "trap", None,
     (f"more than {MAX_PER_SHAPE} URLs shaped {HOST}/xxgk/calendar/#-#.html",)),
    (LOOP, "trap", None, (f"path repeats itself: {LOOP}",)),
    (COOKIE_WALL, "challenge", 200, ("cookie challenge not passed after 2 tries",)),
    (TS_WALL, "challenge", 412, ("JS challenge not passed (browser disabled)",)),
    (BAD_LINKS, "parse", 200, ("ValueError: Invalid IPv6 URL",)),
]


@pytest.mark.parametrize("path, kind, status, reason", HOSTILE, ids=[h[0] for h in HOSTILE])
def test_each_hostile_url_has_one_failure_row_of_its_kind(hostile, path, kind, status, reason):
    """One row per URL, however often it was retried; the reason says what happened."""
    rows = _failures(hostile[0]).get(f"{BASE}{path}")
    assert rows is not None and len(rows) == 1, rows
    assert rows[0][:2] == (kind, status)
    assert all(part in rows[0][2] for part in reason), rows[0][2]


def test_a_host_without_end_stops_at_its_page_budget(hostile):
    home, requests, _ = hostile
    fetched = [p for h, p in requests if h == MIRROR]
    assert len(fetched) == MAX_PAGES  # robots.txt counts against the budget too
    refused = {url: rows for url, rows in _failures(home).items() if MIRROR in url}
    spent = f"TrapRequest: trap: page budget of {MAX_PAGES} for {MIRROR} spent"
    assert refused and all(rows == [("trap", None, spent)] for rows in refused.values())
    assert not {f"http://{MIRROR}{p}" for p in fetched} & set(refused)


def test_retryable_failures_were_retried_before_being_recorded(hostile):
    _, requests, _ = hostile
    sent = Counter(p for h, p in requests if h == HOST)
    assert sent[BROKEN] == sent[SLOW] == sent[CUT] == RETRIES + 1
    assert sent[BIG] == sent[BIG_STREAMED] == sent[MISSING] == 1  # retrying changes nothing


def test_forbidden_and_out_of_scope_urls_are_never_requested(hostile):
    """The robots.txt refusal is a failure row (above). A link to another host is not: the
    spider does not follow out-of-scope links at all (a portal links gov.cn and friends on
    every page), so there is no request to fail. What leaves the site's hosts by other ways,
    a redirect or a report's attachment elsewhere, is refused and recorded as `offsite`:
    that may be a report that moved to another domain."""
    home, requests, _ = hostile
    assert (HOST, FORBIDDEN) not in requests
    assert {h for h, _ in requests} == {HOST, MIRROR}
    failures = _failures(home)
    assert OFFSITE_LINK not in failures
    (moved,) = failures[MOVED_TO]
    assert moved[0] == "offsite" and f"{BASE}{MOVED}" in moved[2], moved
    (attachment,) = failures[OFFSITE_PDF]
    assert attachment[0] == "offsite" and f"linked from {BASE}{REPORT}" in attachment[2]


def test_the_runs_error_count_is_its_failure_rows(hostile):
    """And every URL whose last answer was an HTTP error has its `http` row, as in
    tests/test_crawl.py. Every documented kind but `archive` (the archive's writer failing)
    occurred in this crawl, and no other."""
    home, _, run = hostile
    rows = _db(home, "select url, kind, reason from crawl_failures where crawl_run_id = ?", run)
    assert _db(home, "select errors from crawl_runs where id = ?", run) == [(len(rows),)]
    assert all(url and reason for url, _, reason in rows)
    assert {kind for _, kind, _ in rows} == {"http", "network", "timeout", "too_large",
                                             "robots", "offsite", "trap", "challenge", "parse"}
    last: dict[str, int] = {}
    for url, status in _db(home, "select url, status from captures where crawl_run_id = ? and "
                                 "record_type in ('response', 'revisit') order by captured_at",
                           run):
        last[url] = status
    errors = {url for url, status in last.items() if status >= 400 and status != 412}
    assert errors == {url for url, kind, _ in rows if kind == "http"}
