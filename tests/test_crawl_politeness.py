"""Politeness that holds and no endless loop (issue 14), measured at the server.

Real crawls (`xxgk crawl` in a subprocess, the generic spider, sites from a registry folder of
the test's own through $XXGK_SITES_DIR) of small portals this module serves itself as the
crawl's proxy. The portal logs when each request arrived and when its answer was sent, so
the tests see what a portal's operator sees: requests in flight at once, gaps between
requests, what was asked for again.

- one request at a time per host with DOWNLOAD_DELAY=0 (Scrapy then sent a host's whole
  queue at once), and the two a registry entry's ``concurrency: 2`` allows;
- robots.txt's Crawl-delay holds after a kill and resume (the resumed run used to answer
  robots.txt from the archive and forget its Crawl-delay);
- the 429 backoff comes back down when the 429s stop (it only ever doubled);
- an unreadable archived copy is one failure row and one more request, unconditional (a 304
  answered from an unreadable copy was once asked again conditionally, for ever);
- a request answered with a reason to repeat it is tried XXGK_MAX_TRIES_PER_URL times, then
  refused and recorded; and with that budget off, ``--max-pages`` and SIGTERM still end the
  crawl (a robots.txt retried without end held Scrapy's close for ever).
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sqlite3
import statistics
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

import pytest
from aiohttp import web

from tests.threaded_portal import ThreadedPortal

XXGK = Path(sys.executable).with_name("xxgk")
PAGES = 24  # pages linked from each home page
PAGE_SECONDS = 0.05  # each page takes this long to answer: requests in flight overlap
CRAWL_DELAY = 0.3  # robots.txt of SLOW_HOST
BUSY_429S = 3  # BUSY_HOST answers 429 to its first page requests


@dataclass
class Hit:
    host: str
    path: str
    status: int
    arrived: float  # time.monotonic() of the server
    answered: float
    conditional: bool


class Portal(ThreadedPortal):
    """Every host of this module, as the crawl's forward proxy (an aiohttp server in a
    thread of the test process).

    - ``www.plain.test``, ``www.pair.test``: no Crawl-delay, slow pages (``pair`` is allowed
      two requests at a time by its registry entry);
    - ``www.slow.test``: robots.txt asks for a Crawl-delay of CRAWL_DELAY;
    - ``www.busy.test``: its first BUSY_429S page requests are answered 429;
    - ``www.loop.test``: robots.txt answers 503 for ever, and so does ``/always-503.html``.

    Pages and robots.txt send an ETag and answer If-None-Match with 304."""

    def __init__(self) -> None:
        super().__init__()
        self.hits: list[Hit] = []
        self.pages_429 = BUSY_429S

    def log(self, host: str | None = None) -> list[Hit]:
        return [h for h in list(self.hits) if host is None or h.host == host]

    async def handle(self, request: web.Request) -> web.StreamResponse:
        arrived = time.monotonic()
        response = await self.answer(request, request.url.host or "", request.path)
        self.hits.append(Hit(request.url.host or "", request.path_qs, response.status, arrived,
                             time.monotonic(), "If-None-Match" in request.headers))
        return response

    async def answer(self, request: web.Request, host: str, path: str) -> web.Response:
        if host == "www.loop.test" and path in ("/robots.txt", "/always-503.html"):
            return web.Response(status=503, text="busy\n")
        if path == "/robots.txt":
            delay = f"Crawl-delay: {CRAWL_DELAY}\n" if host == "www.slow.test" else ""
            return _validated(request, f"User-agent: *\n{delay}Disallow: /private/\n",
                              "text/plain")
        if host == "www.busy.test" and path != "/" and self.pages_429 > 0:
            self.pages_429 -= 1
            return web.Response(status=429, text="Too Many Requests\n")
        await asyncio.sleep(PAGE_SECONDS)
        if path == "/":
            links = "".join(f'<li><a href="/xxgk/p{n}.html">信息公开 {n}</a></li>'
                            for n in range(PAGES))
            if host == "www.loop.test":
                links += '<li><a href="/always-503.html">信息公开 503</a></li>'
            return _validated(request, f"<html><head><title>{host}</title></head><body><ul>"
                                       f"{links}</ul></body></html>", "text/html")
        if path.startswith("/xxgk/p"):
            return _validated(request, f"<html><head><title>{path}</title></head><body><p>"
                                       f"{host}{path}</p></body></html>", "text/html")
        return web.Response(status=404, text="Not Found\n")


def _validated(request: web.Request, text: str, content_type: str) -> web.Response:
    etag = f'"{abs(hash(text)) % 10**12}"'
    if request.headers.get("If-None-Match") == etag:
        return web.Response(status=304, headers={"ETag": etag})
    return web.Response(text=text, content_type=content_type, charset="utf-8",
                        headers={"ETag": etag})


SITES = {key: {"key": key, "name": key, "cms": "generic", "hosts": [f"www.{key}.test"],
               "home": f"http://www.{key}.test/"}
         for key in ("plain", "pair", "slow", "busy", "loop")}
SITES["pair"]["concurrency"] = 2
BASE_SETTINGS = {"XXGK_BROWSER_ENABLED": "false", "XXGK_PROGRESS_INTERVAL": 0,
                 "LOG_LEVEL": "WARNING", "DOWNLOAD_TIMEOUT": 20}


@pytest.fixture(scope="module")
def portal():
    running = Portal().start()
    yield running
    running.stop()


@pytest.fixture(scope="module")
def sites_dir(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("politeness-sites")
    for key, entry in SITES.items():
        (folder / f"{key}.yaml").write_text(json.dumps(entry), encoding="utf-8")  # JSON is YAML
    return folder


def start_crawl(portal: Portal, sites_dir: Path, home: Path, *sites: str, args: tuple = (),
                **settings: object) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("XXGK_HOME", "XXGK_DATABASE_URL")}
    merged = {**BASE_SETTINGS, **settings}
    return subprocess.Popen(
        [str(XXGK), "crawl", *sites, "--proxy", portal.proxy, "--home", str(home), *args,
         *(arg for name, value in merged.items() for arg in ("-s", f"{name}={value}"))],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
        env={**env, "XXGK_SITES_DIR": str(sites_dir)})


def finish(process: subprocess.Popen[str], timeout: float) -> tuple[int | None, str]:
    """The exit code (None: still running after ``timeout``, then killed) and stderr."""
    try:
        _, err = process.communicate(timeout=timeout)
        return process.returncode, err
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        _, err = process.communicate()
        return None, err


def crawl(portal: Portal, sites_dir: Path, home: Path, *sites: str, timeout: float = 120,
          args: tuple = (), **settings: object) -> tuple[int | None, str]:
    return finish(start_crawl(portal, sites_dir, home, *sites, args=args, **settings), timeout)


def _db(home: Path, sql: str, *params: object) -> list[tuple]:
    with sqlite3.connect(home / "xxgk.sqlite3", timeout=30) as db:
        return db.execute(sql, params).fetchall()


def max_in_flight(hits: list[Hit]) -> int:
    events = sorted([(h.arrived, 1) for h in hits] + [(h.answered, -1) for h in hits],
                    key=lambda e: (e[0], e[1]))  # an answer before an arrival at the same time
    most = now = 0
    for _, change in events:
        now += change
        most = max(most, now)
    return most


def gaps(hits: list[Hit]) -> list[float]:
    """Seconds from each request's answer to the next request's arrival (one host)."""
    ordered = sorted(hits, key=lambda h: h.arrived)
    return [b.arrived - a.answered for a, b in pairwise(ordered)]


# --- one request at a time ---------------------------------------------------------------------

def test_one_request_at_a_time_per_host_even_without_delay(portal, sites_dir, tmp_path):
    """DOWNLOAD_DELAY=0: every page link of the home page is queued at once. One host gets
    one request at a time; a registry entry's ``concurrency: 2`` allows two, never more."""
    code, err = crawl(portal, sites_dir, tmp_path / "home", "plain", "pair", DOWNLOAD_DELAY=0)
    assert code == 0, err[-3000:]
    plain, pair = portal.log("www.plain.test"), portal.log("www.pair.test")
    assert len(plain) >= PAGES + 2 and len(pair) >= PAGES + 2  # robots.txt, home, pages
    assert max_in_flight(plain) == 1
    assert max_in_flight(pair) == 2


# --- Crawl-delay after a resume ----------------------------------------------------------------

def test_crawl_delay_holds_after_a_kill_and_resume(portal, sites_dir, tmp_path):
    """The run is killed (SIGKILL of its process group) halfway and resumed: the resumed
    part asks for robots.txt again, and keeps its Crawl-delay from the first request on."""
    home = tmp_path / "home"
    process = start_crawl(portal, sites_dir, home, "slow", DOWNLOAD_DELAY=0.02)
    deadline = time.monotonic() + 60
    while len(portal.log("www.slow.test")) < 8 and time.monotonic() < deadline:
        time.sleep(0.05)
    os.killpg(process.pid, signal.SIGKILL)
    process.communicate()
    first = len(portal.log("www.slow.test"))
    assert first < PAGES, "the crawl ended before it could be killed"

    code, err = crawl(portal, sites_dir, home, "slow", DOWNLOAD_DELAY=0.02)
    assert code == 0, err[-3000:]
    resumed = portal.log("www.slow.test")[first:]
    assert _db(home, "select state, resumed from crawl_runs") == [("finished", 1)]
    assert resumed[0].path == "/robots.txt"
    assert len(resumed) > 5
    # Every gap, the one after robots.txt included: counted from the answer.
    assert min(gaps(resumed)) >= CRAWL_DELAY, sorted(gaps(resumed))[:3]
    # Nothing the first part archived was fetched again but robots.txt.
    pages = [h.path for h in resumed if h.path.startswith("/xxgk/")]
    assert len(pages) == len(set(pages))


# --- 429 backoff -------------------------------------------------------------------------------

def test_the_429_backoff_comes_back_down_when_the_429s_stop(portal, sites_dir, tmp_path):
    """Each 429 doubles the host's delay (from 0.5 s: 0.5, 1, 2 s); each answer after
    halves what the backoff added. The last pages go at about the site's own delay again
    (they went 2 s apart when the backoff never came down)."""
    delay = 0.05
    code, err = crawl(portal, sites_dir, tmp_path / "home", "busy", DOWNLOAD_DELAY=delay)
    assert code == 0, err[-3000:]
    hits = sorted(portal.log("www.busy.test"), key=lambda h: h.arrived)
    statuses = [h.status for h in hits]
    assert statuses.count(429) == BUSY_429S
    backed_off = gaps(hits)[statuses.index(429) + BUSY_429S - 1]
    assert backed_off >= 2.0  # after the third 429
    last = gaps(hits)[-8:]
    assert statistics.median(last) < 0.3, last
    assert min(gaps(hits)) >= delay


# --- unreadable archived copies -----------------------------------------------------------------

def test_an_unreadable_archived_copy_is_one_failure_and_one_more_request(portal, sites_dir,
                                                                         tmp_path):
    """Every WARC file of the home is gone (a damaged disk, a half-copied home). The recrawl
    sends conditional requests from the index's validators; each 304 can be answered from
    no archived copy: one failure row (kind ``archive``) per URL, and the URL asked once more
    without validators, whose answer is archived again."""
    home = tmp_path / "home"
    code, err = crawl(portal, sites_dir, home, "plain", DOWNLOAD_DELAY=0)
    assert code == 0, err[-3000:]
    for warc in (home / "archive").rglob("*.warc.gz"):
        warc.unlink()
    start = len(portal.log("www.plain.test"))

    code, err = crawl(portal, sites_dir, home, "plain", timeout=120, DOWNLOAD_DELAY=0)
    assert code is not None, "the recrawl did not end"
    second = portal.log("www.plain.test")[start:]
    sent = Counter((h.path, h.conditional) for h in second)
    assert sent[("/robots.txt", True)] == 1 and sent[("/robots.txt", False)] == 1
    assert max(sent.values()) == 1  # each URL once with validators, once without
    (run,) = _db(home, "select max(id) from crawl_runs")[0]
    rows = _db(home, "select url, reason from crawl_failures where crawl_run_id = ? and "
                     "kind = 'archive'", run)
    urls = [url for url, _ in rows]
    assert len(urls) == len(set(urls)) == len({p for p, c in sent if c})
    assert all("unreadable" in reason for _, reason in rows)
    assert code == 0, err[-3000:]
    # The archive holds every page again.
    assert {h.path for h in second} <= {
        url.split(".test", 1)[1] for (url,) in _db(
            home, "select url from captures where crawl_run_id = ? and status = 200", run)}


# --- endless repetition -----------------------------------------------------------------------

def test_a_request_answered_with_a_reason_to_repeat_it_stops_at_its_budget(portal, sites_dir,
                                                                          tmp_path):
    """robots.txt and a page answer 503 for ever, and the retry middleware would retry them
    a million times: each is tried XXGK_MAX_TRIES_PER_URL times in all, then refused, one
    failure row of kind ``retries`` saying so; the crawl finishes."""
    home = tmp_path / "home"
    start = len(portal.log("www.loop.test"))
    code, err = crawl(portal, sites_dir, home, "loop", timeout=120, DOWNLOAD_DELAY=0,
                      RETRY_TIMES=1_000_000, XXGK_MAX_TRIES_PER_URL=6)
    assert code is not None, f"the crawl did not end: {err[-2000:]}"
    sent = Counter(h.path for h in portal.log("www.loop.test")[start:])
    assert sent["/robots.txt"] == sent["/always-503.html"] == 6
    rows = _db(home, "select url, reason from crawl_failures where kind = 'retries'")
    assert sorted(url for url, _ in rows) == ["http://www.loop.test/always-503.html",
                                              "http://www.loop.test/robots.txt"]
    assert all("retry budget spent" in reason and "tried 6 times" in reason
               for _, reason in rows)
    assert _db(home, "select state from crawl_runs") == [("finished",)]


@pytest.mark.parametrize("stop", ["max-pages", "sigterm"])
def test_max_pages_and_sigterm_end_a_crawl_whatever_repeats(portal, sites_dir, tmp_path, stop):
    """With no retry budget, robots.txt is retried without end (503 for ever): a request the
    engine's close used to wait for. ``--max-pages`` (counting what the network answered,
    retries too) and one SIGTERM each end the crawl, the run left interrupted."""
    home = tmp_path / "home"
    args = ("--max-pages", "20") if stop == "max-pages" else ()
    start = len(portal.log("www.loop.test"))
    process = start_crawl(portal, sites_dir, home, "loop", args=args, DOWNLOAD_DELAY=0.01,
                          RETRY_TIMES=1_000_000, XXGK_MAX_TRIES_PER_URL=0)
    if stop == "sigterm":
        deadline = time.monotonic() + 60
        while len(portal.log("www.loop.test")) < start + 40 and time.monotonic() < deadline:
            time.sleep(0.1)
        process.send_signal(signal.SIGTERM)
        stopped = time.monotonic()
    code, err = finish(process, timeout=90)
    assert code is not None, f"the crawl did not end after {stop}: {err[-2000:]}"
    if stop == "sigterm":
        assert time.monotonic() - stopped < 30
    state, reason = _db(home, "select state, finish_reason from crawl_runs")[0]
    assert state == "interrupted"
    assert reason == ("closespider_pagecount" if stop == "max-pages" else "shutdown")
