"""Crawl throughput against the portal simulator: what archiving costs, and whether politeness
leaves throughput on the table.

1. bare vs full: one fixed list of URLs of the seed world, fetched with politeness off by a
   plain Scrapy spider (no archive, no items) and by our full stack (``crawler.run.run_crawl``:
   our settings and middlewares, WARC + SQLite index in a fresh home, the ledger, a crawl run).
   Target: full / bare >= 0.85 pages/s.
2. many hosts: ``--scale N`` generated portals, a fixed number of URLs per host, our full stack
   at DOWNLOAD_DELAY=1.0 and one request at a time per host: ideally N pages/s. Measured from
   the simulator's access log over the steady part of the crawl. Target: >= 90 % of ideal.

Every crawl runs in its own process (Twisted's reactor starts once per process); the simulator
runs in another one, so it does not share the crawler's GIL. See bench/README.md.

    python bench/crawl_throughput.py [--pages N] [--hosts N] [--per-host N] [--repeat N] [--json]
                                     [--profile FILE]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import pairwise, zip_longest
from pathlib import Path
from typing import ClassVar, Self

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))  # the simulator (tests.portalsim) is not an installed package

TARGET_RATIO = 0.85  # full-stack pages/s over bare-Scrapy pages/s, politeness off
TARGET_SHARE = 0.90  # aggregate pages/s over the ideal (hosts x 1 request/s)
PER_DOMAIN = 8  # part 1: concurrent requests per host, both spiders
CONCURRENCY = 64  # part 1: concurrent requests in all, both spiders (our default)
POLITE_DELAY = 1.0  # part 2: seconds between requests to one host
TRIM = 3.0  # part 2: seconds left out at each end of the crawl (start-up and tail)
REPORT_PAGE, FILE = "report_page", "file"  # = crawler.spiders.base: the ledger's kinds


def say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def load() -> str:
    return "/".join(f"{x:.2f}" for x in os.getloadavg())


# --- the simulator ---------------------------------------------------------------------------


class Simulator:
    """``python -m tests.portalsim serve`` in a subprocess, calm, on a free port."""

    def __init__(self, workdir: Path, scale: int = 0) -> None:
        self.scale = scale
        self.out = workdir / f"portalsim-scale{scale}.log"
        self.proc: subprocess.Popen | None = None
        self.port = 0

    def __enter__(self) -> Self:
        cmd = [sys.executable, "-m", "tests.portalsim", "serve", "--port", "0", "--calm",
               "--no-warm", "--time-scale", "1.0", "--scale", str(self.scale)]
        with self.out.open("wb") as out:
            self.proc = subprocess.Popen(cmd, cwd=REPO, stdout=out, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            text = self.out.read_text(errors="replace")
            if "ready in" in text:
                line = next(ln for ln in text.splitlines() if "listening on" in ln)
                self.port = int(line.split("127.0.0.1:", 1)[1].split()[0])
                return self
            if self.proc.poll() is not None:
                break
            time.sleep(0.2)
        self.__exit__()
        raise RuntimeError(f"the simulator did not start:\n{self.out.read_text()[-2000:]}")

    def __exit__(self, *exc: object) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    @property
    def proxy(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def control(self, name: str) -> object:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        try:
            conn.request("GET", f"/__portalsim/{name}")
            return json.loads(conn.getresponse().read())
        finally:
            conn.close()

    def fetch(self, url: str) -> int:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        try:
            conn.request("GET", url, headers={"Accept-Encoding": "gzip"})
            response = conn.getresponse()
            response.read()
            return response.status
        finally:
            conn.close()


# --- which URLs ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    url: str
    kind: str | None  # a report document (REPORT_PAGE, FILE) or None


def portal_targets(portal, as_of) -> list[Target]:  # type: ignore[no-untyped-def]
    """What a crawl of the portal fetches and a plain client can fetch too: articles, report
    endpoint pages, images and DOCX files. Left out: pages behind a JS challenge, downloads
    behind a cookie stub (both spiders would not fetch the same), DOC/PDF (made by
    LibreOffice on first request) and the 20 MB bundle."""
    from tests.portalsim.catalog import CHALLENGE, COOKIE_STUB

    spec = portal.spec
    if CHALLENGE in spec.hostility:
        return []
    documents: dict[str, str] = {}
    for report in portal.reports:
        if not report.visible(as_of):
            continue
        if report.on_endpoint:
            documents[f"http://{spec.host}{report.endpoint_path}"] = REPORT_PAGE
        if report.article is not None and report.article.path_at(as_of):
            documents[f"http://{report.article.host or spec.host}"
                      f"{report.article.path_at(as_of)}"] = REPORT_PAGE
        for att in [report.attachment, *report.images]:
            if att is not None:
                documents[f"http://{att.host or spec.host}{att.path}"] = FILE
    urls = [f"http://{a.host or spec.host}{a.path_at(as_of)}" for a in portal.articles
            if a.path_at(as_of)]
    if COOKIE_STUB not in spec.hostility:
        urls += [f"http://{att.host or spec.host}{att.path}" for att in portal.attachments.values()
                 if att.ext in ("docx", "png") and att.role != "broken"]
    urls += [u for u in documents if u not in urls]
    return [Target(u, documents.get(u)) for u in dict.fromkeys(urls)]


def interleave(groups: list[list[Target]]) -> list[Target]:
    """Round-robin over hosts: no host's URLs all at the end of the list."""
    return [t for row in zip_longest(*groups) for t in row if t is not None]


def seed_targets(count: int) -> list[Target]:
    from tests.portalsim.world import DEFAULT_AS_OF, build_world

    world = build_world(0, 0)
    groups = [portal_targets(p, DEFAULT_AS_OF) for p in world.portals.values()]
    return interleave([g for g in groups if g])[:count]


def scale_targets(hosts: int, per_host: int) -> list[Target]:
    from tests.portalsim.world import DEFAULT_AS_OF, build_world

    world = build_world(0, hosts)
    groups = [portal_targets(p, DEFAULT_AS_OF)[:per_host] for p in world.portals.values()
              if p.spec.is_scale]
    return interleave(groups)


def warm_up(sim: Simulator, targets: list[Target]) -> tuple[list[Target], float]:
    """Fetch every URL once (the simulator makes some files on first request) and keep those
    that answer 200; then fetch them again to time what the simulator serves to a plain
    threaded client: the ceiling of both spiders."""
    urls = [t.url for t in targets]
    with ThreadPoolExecutor(16) as pool:
        statuses = list(pool.map(sim.fetch, urls))
        kept = [t for t, s in zip(targets, statuses, strict=True) if s == 200]
        started = time.monotonic()
        list(pool.map(sim.fetch, [t.url for t in kept]))
    return kept, len(kept) / (time.monotonic() - started)


# --- the crawl processes ---------------------------------------------------------------------


class _Snapshot:
    """A thread's profile as pstats takes it, without ``Profile.disable``: that would be
    called from the main thread and only ever switch the main thread's profiling off, while
    unwinding the other thread's call stack under its feet."""

    def __init__(self, profile) -> None:  # type: ignore[no-untyped-def]
        profile.snapshot_stats()
        self.stats = profile.stats

    def create_stats(self) -> None:
        """Taken in __init__ already."""


@contextmanager
def profiled(path: str | None, top: int = 30) -> Iterator[None]:
    """cProfile of every thread of a worker (cProfile alone sees only the thread that
    enabled it), merged into one pstats file; the top entries are printed too. The full
    crawl's archive writer process (archive.write.process) writes its own profile next to it,
    ``FILE.writer``.

    cProfile's own clock (wall time): a CPU-time clock (time.thread_time) is a system call
    per event and made the crawls ten times slower, which drowns what is measured. Waiting
    therefore shows up as time, under what it waits in: the reactor in ``epoll.poll``,
    idle worker threads in ``SimpleQueue.get``, a thread waiting for a lock in ``acquire``.
    Profiling still slows a crawl down about twofold: read shares, not absolute figures."""
    if not path:
        yield
        return
    import cProfile
    import pstats
    import threading

    threads: list[cProfile.Profile] = []

    def start_thread(frame, event, arg) -> None:  # type: ignore[no-untyped-def]
        # Called for the first profile event of every new thread: hands over to a profiler
        # of its own.
        sys.setprofile(None)
        profile = cProfile.Profile()
        threads.append(profile)
        profile.enable()

    os.environ["XXGK_ARCHIVE_WRITER_PROFILE"] = f"{path}.writer"  # = archive.write.process
    main = cProfile.Profile()
    threading.setprofile(start_thread)
    main.enable()
    try:
        yield
    finally:
        main.disable()
        threading.setprofile(None)  # type: ignore[arg-type]
        stats = pstats.Stats(main, stream=sys.stdout)
        for profile in threads[:]:  # a copy: a thread starting late may still add one
            stats.add(_Snapshot(profile))
        stats.dump_stats(path)
        print(f"    profile of {1 + len(threads)} threads written to {path}; top {top} by "
              f"own time, then by cumulative time:", flush=True)
        stats.sort_stats("tottime").print_stats(top)
        stats.sort_stats("cumulative").print_stats(top)
        writer = Path(f"{path}.writer")
        if writer.exists():
            print(f"    the archive writer's profile: {writer}; top {top} by own time:")
            pstats.Stats(str(writer), stream=sys.stdout).sort_stats("tottime").print_stats(top)
        sys.stdout.flush()



def run_worker(mode: str, spec: dict, workdir: Path, label: str) -> dict:
    """One crawl in its own process; its progress lines go to our stderr, its log to a file."""
    n = len(list(workdir.glob(f"{mode}-*.json")))
    spec_path = workdir / f"{mode}-{n}.json"
    spec["out"] = str(workdir / f"{mode}-{n}.result.json")
    spec["label"] = label
    spec_path.write_text(json.dumps(spec))
    log_path = workdir / f"{mode}-{n}.log"
    with log_path.open("wb") as log:
        done = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--worker", mode,
                               str(spec_path)], check=False, cwd=REPO, stdout=sys.stderr,
                              stderr=log)
    if done.returncode != 0 or not Path(spec["out"]).exists():
        raise RuntimeError(f"{label} failed (exit {done.returncode}); log {log_path}:\n"
                           + log_path.read_text(errors="replace")[-3000:])
    result = json.loads(Path(spec["out"]).read_text())
    result["load"] = load()
    return result


def bare_settings() -> dict:
    return {"ROBOTSTXT_OBEY": False, "DOWNLOAD_DELAY": 0, "CONCURRENT_REQUESTS": CONCURRENCY,
            "CONCURRENT_REQUESTS_PER_DOMAIN": PER_DOMAIN, "LOG_LEVEL": "INFO",
            "TELNETCONSOLE_ENABLED": False,
            "TWISTED_REACTOR": "twisted.internet.asyncioreactor.AsyncioSelectorReactor"}


def full_overrides() -> dict:
    """Politeness off, the same concurrency as the bare spider; everything else ours."""
    return {"ROBOTSTXT_OBEY": False, "DOWNLOAD_DELAY": 0, "CONCURRENT_REQUESTS": CONCURRENCY,
            "CONCURRENT_REQUESTS_PER_DOMAIN": PER_DOMAIN, "XXGK_HOST_CONCURRENCY": PER_DOMAIN,
            "LOG_LEVEL": "INFO"}


def polite_overrides(hosts: int) -> dict:
    """Our politeness (robots.txt obeyed, one request at a time per host) at 1 request/s."""
    return {"DOWNLOAD_DELAY": POLITE_DELAY, "CONCURRENT_REQUESTS_PER_DOMAIN": 1,
            "CONCURRENT_REQUESTS": max(128, 2 * hosts), "LOG_LEVEL": "INFO"}


def polite_bare_settings(hosts: int) -> dict:
    """The control: a bare spider with the same politeness (exact delays, as ours)."""
    return {**bare_settings(), **polite_overrides(hosts), "ROBOTSTXT_OBEY": True,
            "DOWNLOAD_DELAY_JITTER": 0}


_TICK = os.sysconf("SC_CLK_TCK")


def children_cpu() -> float:
    """CPU seconds of this process's child processes that are still running: the full crawl
    archives in a writer process of its own (archive.write.process), whose work is part of what
    a page costs. Read from /proc (utime + stime of each child); Linux only."""
    total = 0.0
    me = str(os.getpid())
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # ended meanwhile
        if fields[1] == me:  # fields after the name: state, ppid, ..., utime, stime
            total += (int(fields[11]) + int(fields[12])) / _TICK
    return total


def _clock_spider(base):  # type: ignore[no-untyped-def]
    """A spider class that times its crawl: first request sent to last response received
    (robots.txt left out of the count), with a progress line every few seconds."""
    import scrapy
    from scrapy import signals

    class Timed(base):  # type: ignore[misc, valid-type]
        plan: ClassVar[list[dict]] = []
        label = ""
        instances: ClassVar[list] = []  # the running spider, for its figures after the crawl

        @classmethod
        def from_crawler(cls, crawler, *args, **kwargs):  # type: ignore[no-untyped-def]
            spider = super().from_crawler(crawler, *args, **kwargs)
            spider.first = spider.last = spider.shown = None
            spider.responses = 0
            spider.arrivals = []
            cls.instances.append(spider)
            crawler.signals.connect(spider._sent, signal=signals.request_reached_downloader)
            crawler.signals.connect(spider._received, signal=signals.response_received)
            crawler.signals.connect(spider._closed, signal=signals.spider_closed)
            return spider

        def _closed(self, spider) -> None:  # type: ignore[no-untyped-def]
            # The archive writer is still running here (it is closed after the crawl).
            if self.first is not None:
                self.children_last = children_cpu()

        def _sent(self, request, spider) -> None:  # type: ignore[no-untyped-def]
            if self.first is None:
                self.first = self.shown = time.monotonic()
                self.cpu_first = time.process_time()
                self.children_first = self.children_last = children_cpu()

        def _received(self, response, request, spider) -> None:  # type: ignore[no-untyped-def]
            if response.url.endswith("/robots.txt"):
                return
            self.responses += 1
            self.last = now = time.monotonic()
            self.cpu_last = time.process_time()
            self.arrivals.append(now)
            if now - self.shown >= 5:
                self.shown = now
                print(f"    {self.label}: {self.responses}/{len(self.plan)} responses, "
                      f"{self.responses / (now - self.first):.0f} pages/s", flush=True)

        async def start(self):  # type: ignore[no-untyped-def]
            for target in self.plan:
                yield scrapy.Request(target["url"], callback=self.parse,
                                     cb_kwargs={"kind": target["kind"]})

        def timing(self) -> dict:
            elapsed = (self.last - self.first) if self.first and self.last else 0.0
            # The middle 80 % of the responses: the rate without start-up and tail.
            lo, hi = int(0.1 * len(self.arrivals)), int(0.9 * len(self.arrivals)) - 1
            middle = self.arrivals[hi] - self.arrivals[lo] if hi > lo else 0.0
            return {"responses": self.responses, "seconds": elapsed,
                    "pages_per_s": self.responses / elapsed if elapsed else 0.0,
                    "steady_pages_per_s": (hi - lo) / middle if middle else 0.0,
                    # CPU time per page of the crawl (this process and its helper processes:
                    # the archive writer): less swayed by other load than wall time
                    "cpu_ms_per_page": 1000 * (self.cpu_last - self.cpu_first
                                               + self.children_last - self.children_first)
                    / self.responses if self.responses else 0.0,
                    "helper_cpu_ms_per_page": 1000 * (self.children_last - self.children_first)
                    / self.responses if self.responses else 0.0,
                    "stats": {k: v for k, v in self.crawler.stats.get_stats().items()
                              if isinstance(v, (int, float)) and not k.startswith("memusage")}}

    return Timed


def worker_bare(spec: dict) -> None:
    import scrapy
    from scrapy.crawler import CrawlerProcess

    class Bare(_clock_spider(scrapy.Spider)):  # type: ignore[misc]
        name = "bench_bare"

        def parse(self, response, kind=None):  # type: ignore[no-untyped-def]
            return None

    Bare.plan, Bare.label = spec["plan"], spec["label"]
    # Scrapy's HttpProxyMiddleware reads it for every request, robots.txt included.
    os.environ["http_proxy"] = spec["proxy"]
    os.environ.pop("no_proxy", None)
    process = CrawlerProcess(spec["settings"])
    crawler = process.create_crawler(Bare)
    process.crawl(crawler)
    with profiled(spec.get("profile")):
        process.start()
    Path(spec["out"]).write_text(json.dumps(Bare.instances[0].timing()))


def worker_full(spec: dict) -> None:
    """Our crawl as ``xxgk crawl`` runs it (run_crawl), with a spider that asks for the URL
    list instead of discovering a site: same archive, ledger, settings, middlewares."""
    from crawler import run
    from crawler.registry import Site
    from crawler.spiders.base import ArchiveSpider
    from xxgk.base.home import Home

    class Full(_clock_spider(ArchiveSpider)):  # type: ignore[misc]
        name = "bench_full"

        def parse(self, response, kind=None):  # type: ignore[no-untyped-def]
            if kind is not None and response.status == 200:
                yield self.document_item(response, kind)

    Full.plan, Full.label = spec["plan"], spec["label"]
    hosts = tuple(dict.fromkeys(t["url"].split("/")[2] for t in spec["plan"]))
    site = Site(key="bench", name="bench", cms="generic", hosts=hosts,
                home=f"http://{hosts[0]}/")
    run.spider_class = lambda site: Full  # our spider in place of the CMS family's
    home = Home(Path(spec["home"]))
    with profiled(spec.get("profile")):
        result = run.run_crawl([site], home, proxy=spec["proxy"], overrides=spec["settings"],
                               fresh=True)
    out = Full.instances[0].timing()
    out["run"] = {k: getattr(result.runs.get("bench"), k, None)
                  for k in ("requests", "new_payloads", "revisits", "errors", "new_documents")}
    out["archive"] = archive_size(home)
    Path(spec["out"]).write_text(json.dumps(out))


def archive_size(home) -> dict:  # type: ignore[no-untyped-def]
    files = [p for p in home.root.rglob("*") if p.is_file()]
    warc = sum(p.stat().st_size for p in files if ".warc" in p.name)
    with sqlite3.connect(home.database_path) as db:
        records = dict(db.execute("select record_type, count(*) from captures group by 1"))
        warc_files = db.execute("select count(*) from warc_files").fetchone()[0]
    return {"bytes": sum(p.stat().st_size for p in files), "warc_bytes": warc,
            "database_bytes": sum(p.stat().st_size for p in files if "sqlite" in p.name),
            "records": sum(records.values()) + warc_files,  # + one warcinfo per file
            "by_type": records}


# --- the two measurements --------------------------------------------------------------------


def profile_path(base: str | None, mode: str, run: int, repeat: int) -> str | None:
    """Where a part-1 worker writes its profile: FILE for the full crawl, FILE-bare for the
    bare one (the baseline to compare against), -N before the suffix when there are several
    runs."""
    if not base:
        return None
    path = Path(base)
    tag = ("-bare" if mode == "bare" else "") + (f"-{run}" if repeat > 1 else "")
    return str(path.with_name(path.stem + tag + path.suffix))


def bare_vs_full(workdir: Path, pages: int, repeat: int, profile: str | None = None) -> dict:
    with Simulator(workdir) as sim:
        say(f"bare vs full: simulator on {sim.proxy} (seed world, calm); load {load()}")
        targets, ceiling = warm_up(sim, seed_targets(pages))
        hosts = len({t.url.split("/")[2] for t in targets})
        say(f"  {len(targets)} URLs on {hosts} hosts; simulator alone (16 threads of "
            f"http.client): {ceiling:.0f} pages/s")
        plan = [{"url": t.url, "kind": t.kind} for t in targets]
        bare, full = [], []
        for i in range(1, repeat + 1):
            bare.append(run_worker("bare", {"plan": plan, "proxy": sim.proxy,
                                            "settings": bare_settings(),
                                            "profile": profile_path(profile, "bare", i, repeat)},
                                   workdir, f"bare #{i}"))
            say(f"  bare #{i}: {bare[-1]['responses']} pages in {bare[-1]['seconds']:.1f} s, "
                f"{bare[-1]['pages_per_s']:.0f} pages/s, {bare[-1]['cpu_ms_per_page']:.1f} ms "
                f"CPU/page (load {bare[-1]['load']})")
            home = workdir / f"home-{i}"
            full.append(run_worker("full", {"plan": plan, "proxy": sim.proxy,
                                            "settings": full_overrides(), "home": str(home),
                                            "profile": profile_path(profile, "full", i, repeat)},
                                   workdir, f"full #{i}"))
            say(f"  full #{i}: {full[-1]['responses']} pages in {full[-1]['seconds']:.1f} s, "
                f"{full[-1]['pages_per_s']:.0f} pages/s, {full[-1]['cpu_ms_per_page']:.1f} ms "
                f"CPU/page ({full[-1]['helper_cpu_ms_per_page']:.1f} of them in the archive "
                f"writer), archive {full[-1]['archive']['bytes']:,} bytes "
                f"(load {full[-1]['load']})")
            shutil.rmtree(home, ignore_errors=True)
    bare_rate = statistics.median(r["pages_per_s"] for r in bare)
    full_rate = statistics.median(r["pages_per_s"] for r in full)
    return {"urls": len(targets), "hosts": hosts, "simulator_pages_per_s": ceiling,
            "bare_pages_per_s": bare_rate, "full_pages_per_s": full_rate,
            "cpu_ms_per_page": {"bare": statistics.median(r["cpu_ms_per_page"] for r in bare),
                                "full": statistics.median(r["cpu_ms_per_page"] for r in full)},
            "ratio": full_rate / bare_rate if bare_rate else 0.0, "target": TARGET_RATIO,
            "archive": full[-1]["archive"], "runs": {"bare": bare, "full": full}}


def steady_rate(log: list[dict], hosts: set[str]) -> dict:
    """Requests per second the simulator received from the crawl, over its steady part, and
    the gaps between consecutive requests to one host (ideally POLITE_DELAY)."""
    times = sorted(e["t"] for e in log if e["host"] in hosts)
    if len(times) < 2:
        return {"requests": len(times), "pages_per_s": 0.0}
    # Requests to one host come in ticks of POLITE_DELAY, all hosts nearly in phase: the
    # window is a whole number of periods, its edges half-way between ticks.
    lo, hi = times[0] + TRIM + POLITE_DELAY / 2, times[-1] - TRIM
    if hi - lo < POLITE_DELAY:
        lo, hi = times[0], times[-1] + POLITE_DELAY / 2
    hi = lo + max(1, int((hi - lo) / POLITE_DELAY)) * POLITE_DELAY
    inside = sum(lo <= t < hi for t in times)
    gaps: list[float] = []
    by_host: dict[str, list[float]] = {}
    for e in log:
        if e["host"] in hosts:
            by_host.setdefault(e["host"], []).append(e["t"])
    for seen in by_host.values():
        seen.sort()
        gaps += [b - a for a, b in pairwise(seen)]
    gaps.sort()
    return {"requests": len(times), "seconds": times[-1] - times[0], "window": hi - lo,
            "pages_per_s": inside / (hi - lo),
            "gap_median": statistics.median(gaps) if gaps else None,
            "gap_p95": gaps[int(0.95 * (len(gaps) - 1))] if gaps else None,
            "gaps_over_1_2s": sum(g > 1.2 * POLITE_DELAY for g in gaps)}


def many_hosts(workdir: Path, hosts: int, per_host: int, repeat: int) -> dict:
    with Simulator(workdir, scale=hosts) as sim:
        say(f"{hosts} hosts: simulator on {sim.proxy} (--scale {hosts}, time scale 1.0, calm);"
            f" load {load()}")
        targets, _ = warm_up(sim, scale_targets(hosts, per_host))
        names = {t.url.split("/")[2] for t in targets}
        say(f"  {len(targets)} URLs on {len(names)} hosts, {POLITE_DELAY:g} s apart per host")
        plan = [{"url": t.url, "kind": t.kind} for t in targets]
        runs: dict[str, list[dict]] = {"bare": [], "full": []}
        for i in range(1, repeat + 1):
            for mode in ("bare", "full"):
                before = sim.control("status")["requests"]
                home = workdir / f"scale-home-{i}"
                spec = {"plan": plan, "proxy": sim.proxy, "home": str(home),
                        "settings": polite_overrides(hosts) if mode == "full"
                        else polite_bare_settings(hosts)}
                result = run_worker(mode, spec, workdir, f"{hosts} hosts {mode} #{i}")
                result["simulator"] = s = steady_rate(sim.control(f"log?since={before}"), names)
                runs[mode].append(result)
                say(f"  {hosts} hosts {mode} #{i}: {s['requests']} requests in "
                    f"{s['seconds']:.1f} s; steady {s['pages_per_s']:.1f} pages/s; per-host gap "
                    f"median {s['gap_median']:.3f} s, p95 {s['gap_p95']:.3f} s; "
                    f"{result['cpu_ms_per_page']:.1f} ms CPU/page (load {result['load']})")
                shutil.rmtree(home, ignore_errors=True)
    ideal = len(names) / POLITE_DELAY
    rate = {m: statistics.median(r["simulator"]["pages_per_s"] for r in rs)
            for m, rs in runs.items()}
    return {"hosts": len(names), "urls": len(targets), "ideal_pages_per_s": ideal,
            "pages_per_s": rate["full"], "share": rate["full"] / ideal, "target": TARGET_SHARE,
            "bare_pages_per_s": rate["bare"],
            "cpu_ms_per_page": {m: statistics.median(r["cpu_ms_per_page"] for r in rs)
                                for m, rs in runs.items()},
            "runs": runs}


# --- output ----------------------------------------------------------------------------------


def mark(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def pace(pages_per_s: float, cpu_ms: float) -> str:
    return f"{pages_per_s:.1f} pages/s ({cpu_ms:.1f} ms CPU/page)"


def table(result: dict) -> str:
    rows = [("measure", "figure", "target", "")]
    if "bare_vs_full" in result:
        b = result["bare_vs_full"]
        rows += [
            (f"simulator alone ({b['urls']} URLs, {b['hosts']} hosts)",
             f"{b['simulator_pages_per_s']:.0f} pages/s", "", ""),
            ("bare Scrapy spider, politeness off",
             pace(b["bare_pages_per_s"], b["cpu_ms_per_page"]["bare"]), "", ""),
            ("full crawl (archiving on), politeness off",
             pace(b["full_pages_per_s"], b["cpu_ms_per_page"]["full"]), "", ""),
            ("full / bare", f"{b['ratio']:.2f}", f">= {b['target']:.2f}",
             mark(b["ratio"] >= b["target"])),
            ("archive of one full run", (f"{b['archive']['bytes'] / 1e6:.1f} MB, "
                                         f"{b['archive']['records']} records"), "", ""),
        ]
    if "many_hosts" in result:
        m = result["many_hosts"]
        per_host = f"{m['hosts']} hosts at {1 / POLITE_DELAY:g} req/s each"
        rows += [
            (f"bare spider, {per_host} (control)",
             pace(m["bare_pages_per_s"], m["cpu_ms_per_page"]["bare"]), "", ""),
            (f"full crawl, {per_host} (steady, simulator log)",
             pace(m["pages_per_s"], m["cpu_ms_per_page"]["full"]),
             f">= {m['target'] * m['ideal_pages_per_s']:.0f}", ""),
            ("  share of ideal", f"{m['share']:.0%}", f">= {m['target']:.0%}",
             mark(m["share"] >= m["target"])),
        ]
    rows.append(("load average 1/5/15 min (start -> end)",
                 f"{result['load_start']} -> {result['load_end']}", "", ""))
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip()
             for r in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=1500,
                        help="URLs of the bare-vs-full comparison (default 1500)")
    parser.add_argument("--hosts", type=int, default=100,
                        help="generated portals of the politeness run (default 100; 0 skips it)")
    parser.add_argument("--per-host", type=int, default=30,
                        help="URLs per host in the politeness run (default 30)")
    parser.add_argument("--repeat", type=int, default=3,
                        help="runs of each measurement; the median is reported (default 3)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--keep", action="store_true",
                        help="keep the work folder (worker logs and results)")
    parser.add_argument("--profile", metavar="FILE",
                        help="part 1: cProfile the crawl workers (every thread, CPU time) into "
                             "pstats files: FILE for the full crawl, FILE-bare for the bare "
                             "one; the top entries are printed. Slows the crawls down")
    parser.add_argument("--worker", nargs=2, metavar=("MODE", "SPEC"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        mode, spec = args.worker
        {"bare": worker_bare, "full": worker_full}[mode](json.loads(Path(spec).read_text()))
        return 0
    workdir = Path(tempfile.mkdtemp(prefix="xxgk-bench-"))
    result: dict = {"load_start": load()}
    try:
        if args.pages > 0:
            result["bare_vs_full"] = bare_vs_full(workdir, args.pages, args.repeat,
                                                  args.profile)
        if args.hosts > 0:
            result["many_hosts"] = many_hosts(workdir, args.hosts, args.per_host, args.repeat)
    finally:
        result["load_end"] = load()
        if args.keep:
            say(f"work folder kept: {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    if args.json:
        print(json.dumps(result, indent=1, default=str))
    else:
        print(table(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
