"""A crawl killed again and again on the hostile simulator, then left to finish: what
``tests/test_crawl_crash_hostile.py`` asserts (3 kills) and ``bench/crash_hostile.py``
prints (10 kills).

One portal (wenshang: robots.txt Crawl-delay, 429 when a host gets two requests too close,
transient 503s with Retry-After, a mirror host), killed with SIGKILL of the crawl's process
group (Scrapy, the archive writer, any browser: a power cut) at seeded random moments after
each part's first request, then crawled to its end. Everything is judged from what the
simulator saw (its access log) and what the home holds: every report of the simulator's
truth captured, nothing fetched again that a killed part had archived, `archive verify`
clean, and politeness: the gap between two requests to a host (from one's arrival to the
next's) never below the host's delay, never two requests in flight at once.
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from itertools import pairwise
from pathlib import Path

from tests.portalsim.server import Options, RunningSimulator
from tests.portalsim.truth import truth
from tests.portalsim.world import World

XXGK = Path(sys.executable).with_name("xxgk")
SITE = "wenshang"
TIME_SCALE = 0.05  # the tests' clock: Crawl-delay 2 s -> 0.1 s, the 429 limit 0.025 s
DOWNLOAD_DELAY = 0.02  # below the Crawl-delay: robots.txt must be read on every run
TOLERANCE = 0.005  # seconds: the simulator timestamps arrivals from its event loop


@dataclass
class Figures:
    kills: int = 0
    seconds: float = 0.0  # from the first start to the end of the finishing run
    requests: int = 0
    reports_expected: int = 0  # report URLs (pages, files) of the truth
    reports_captured: int = 0
    missing: list[str] = field(default_factory=list)
    fetched_again: list[str] = field(default_factory=list)  # archived 200s asked for again
    duplicated: list[str] = field(default_factory=list)  # a request with two 200s in the run
    delay: dict[str, float] = field(default_factory=dict)  # per host: what it asks for
    min_gap: dict[str, float] = field(default_factory=dict)  # arrival to arrival
    max_in_flight: dict[str, int] = field(default_factory=dict)
    status_counts: dict[int, int] = field(default_factory=dict)
    runs: list[tuple] = field(default_factory=list)
    final_exit: int | None = None
    verify_exit: int | None = None
    verify_output: str = ""

    def lines(self) -> list[str]:
        hosts = sorted(self.min_gap)
        return [
            f"kills: {self.kills}; time: {self.seconds:.1f} s; requests: {self.requests}; "
            f"statuses: {dict(sorted(self.status_counts.items()))}",
            f"reports captured: {self.reports_captured}/{self.reports_expected} report URLs"
            f" (missing {len(self.missing)}); fetched again: {len(self.fetched_again)}; "
            f"duplicated: {len(self.duplicated)}",
            *((f"{host}: delay {self.delay[host]:.3f} s, min gap {self.min_gap[host]:.3f} s, "
               f"max in flight {self.max_in_flight[host]}") for host in hosts),
            f"runs: {self.runs}; final exit {self.final_exit}; verify exit {self.verify_exit}",
        ]


def _db(home: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(home / "xxgk.sqlite3", timeout=30) as db:
        return db.execute(sql).fetchall()


def _archived_200s(home: Path) -> set[str]:
    """Host and path of every GET archived with a 200 so far (the `log`'s terms)."""
    try:
        rows = _db(home, "select url from captures where status = 200 and "
                         "record_type in ('response', 'revisit')")
    except sqlite3.OperationalError:
        return set()
    return {url.split("://", 1)[1] for (url,) in rows}


def _command(sim: RunningSimulator, home: Path, last_year: int) -> list[str]:
    return [str(XXGK), "crawl", SITE, "--proxy", sim.proxy, "--home", str(home),
            "--last-year", str(last_year), "-s", f"DOWNLOAD_DELAY={DOWNLOAD_DELAY}",
            "-s", "LOG_LEVEL=WARNING", "-s", "XXGK_PROGRESS_INTERVAL=0"]


def crash_and_finish(world: World, home: Path, *, kills: int, seed: int, as_of: date,
                     last_year: int, window: float = 3.0, timeout: float = 600) -> Figures:
    """Start the crawl ``kills`` times, each killed ``uniform(0, window)`` seconds after its
    first request reached the simulator; then once more, to its end."""
    rng = random.Random(seed)
    figures = Figures()
    sim = RunningSimulator(Options(time_scale=TIME_SCALE, as_of=as_of, warm_office=False),
                           world=world).start()
    log = sim.simulator.log
    started = time.monotonic()
    # (log length at a kill, what was archived with a 200 by then): asked for again after it?
    killed_at: list[tuple[int, set[str]]] = []
    try:
        for _ in range(kills):
            before, launched = len(log), time.time()
            process = subprocess.Popen(_command(sim, home, last_year), start_new_session=True,
                                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            deadline = time.monotonic() + 120
            # The simulator logs a request when its answer is sent: the killed part's last
            # one may show up now. This part has begun when a request arrived after its start.
            while not any(e["t"] >= launched for e in list(log)[before:]) \
                    and process.poll() is None and time.monotonic() < deadline:
                time.sleep(0.02)
            time.sleep(rng.uniform(0, window))
            if process.poll() is not None:
                break  # it finished before its kill: no more kills to make
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            figures.kills += 1
            killed_at.append((len(log), _archived_200s(home)))
        final = subprocess.run(_command(sim, home, last_year), capture_output=True, text=True,
                               timeout=timeout, check=False)
        figures.final_exit = final.returncode
        figures.seconds = time.monotonic() - started
        entries = list(log)
        facts = truth(world, as_of, TIME_SCALE)
    finally:
        sim.stop()

    figures.requests = len(entries)
    figures.status_counts = dict(Counter(e["status"] for e in entries))
    _politeness(figures, entries, facts)
    # robots.txt is asked for on every run, by design (its Crawl-delay).
    figures.fetched_again = sorted({
        f"{e['host']}{e['path']}" for k, (start, archived) in enumerate(killed_at)
        for e in entries[start:killed_at[k + 1][0] if k + 1 < len(killed_at) else None]
        if e["method"] == "GET" and e["path"] != "/robots.txt"
        and f"{e['host']}{e['path']}" in archived})
    figures.duplicated = [f"{fp} x{n}" for fp, n in _db(
        home, "select fingerprint, count(*) from captures where status = 200 and record_type "
              "in ('response', 'revisit') group by crawl_run_id, fingerprint having count(*) > 1")]
    got = {url for (url,) in _db(home, "select url from captures where status = 200 and "
                                       "record_type in ('response', 'revisit')")}
    wanted = sorted({u["url"] for r in facts["reports"] if r["portal"] == SITE
                     and r["status"] == "published" for u in r["urls"]})
    figures.reports_expected = len(wanted)
    figures.missing = [url for url in wanted if url not in got]
    figures.reports_captured = len(wanted) - len(figures.missing)
    figures.runs = _db(home, "select site, state, resumed from crawl_runs order by id")
    verify = subprocess.run([str(XXGK), "archive", "verify", "--home", str(home)],
                            capture_output=True, text=True, timeout=300, check=False)
    figures.verify_exit = verify.returncode
    figures.verify_output = (verify.stdout + verify.stderr)[-2000:]
    return figures


def _politeness(figures: Figures, entries: list[dict], facts: dict) -> None:
    """Per host of the site: its delay (robots.txt's Crawl-delay, else DOWNLOAD_DELAY), the
    smallest gap between two requests' arrivals, and the most requests in flight at once (a
    request is in flight from its arrival until the simulator has sent its answer)."""
    portal = next(p for p in facts["portals"] if p["key"] == SITE)
    delay = max(DOWNLOAD_DELAY, portal["robots"]["crawl_delay"] or 0.0)
    for host in portal["hosts"]:
        mine = sorted((e for e in entries if e["host"] == host), key=lambda e: e["t"])
        figures.delay[host] = delay
        figures.min_gap[host] = min((b["t"] - a["t"] for a, b in pairwise(mine)),
                                    default=float("inf"))
        events = sorted([(e["t"], 1) for e in mine] + [(e["t"] + e["ms"] / 1000, -1)
                                                       for e in mine])
        most = now = 0
        for _, change in events:
            now += change
            most = max(most, now)
        figures.max_in_flight[host] = most
