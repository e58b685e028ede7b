"""Real Scrapy crawls (`xxgk crawl` in a subprocess: Twisted's reactor runs once per process)
against the hostile portal simulator, scored against its ground truth."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from protego import Protego

from tests.conftest import ProxyClient
from tests.portalsim.truth import truth

XXGK = Path(sys.executable).with_name("xxgk")
PORTALS = ("jiaxiang", "wenshang", "wendeng", "yanzhou")


def crawl(home: Path, proxy: str, *sites: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(XXGK), "crawl", *sites, "--proxy", proxy, "--home", str(home), "--last-year", "2024",
         "-s", "DOWNLOAD_DELAY=0.02", "-s", "LOG_LEVEL=WARNING"],
        capture_output=True, text=True, timeout=900)


@pytest.fixture(scope="module")
def crawled(tmp_path_factory, world):
    from tests.conftest import _running

    sim = _running(world, warm_office=False)  # every hostility on
    home = tmp_path_factory.mktemp("crawl-home")
    result = crawl(home, sim.proxy, *PORTALS)
    log = ProxyClient(sim.port).control("log")
    facts = truth(world, sim.simulator.as_of, 0.05)
    sim.stop()
    assert result.returncode == 0, result.stderr[-3000:]
    return home, log, facts, result


def _captures(home: Path) -> list[tuple[str, str | None, int | None, str]]:
    with sqlite3.connect(home / "xxgk.sqlite3") as db:
        return db.execute("select url, mime, status, record_type from captures").fetchall()


def test_every_report_url_is_captured_with_its_content(crawled):
    home, _, facts, _ = crawled
    got = {(url, mime) for url, mime, status, kind in _captures(home)
           if status == 200 and kind in ("response", "revisit")}
    wanted = [(u["url"], u["content_type"]) for r in facts["reports"]
              if r["portal"] in PORTALS and r["status"] == "published" for u in r["urls"]]
    missing = [w for w in wanted if w not in got]
    assert len(wanted) > 400
    assert not missing, f"{len(missing)} of {len(wanted)} report URLs missing: {missing[:5]}"


def test_no_request_outside_scope_or_against_robots(crawled):
    _, log, facts, _ = crawled
    assert not [e for e in log if e["note"] == "out of scope"]
    hosts = {h for p in facts["portals"] if p["key"] in PORTALS for h in p["hosts"]}
    assert {e["host"] for e in log} <= hosts
    for portal in facts["portals"]:
        if portal["key"] not in PORTALS:
            continue
        rules = "User-agent: *\n" + "".join(f"Disallow: {d}\n" for d in portal["robots"]["disallow"])
        robots = Protego.parse(rules)
        bad = [e["path"] for e in log if e["host"] in portal["hosts"]
               and not robots.can_fetch(f"http://{e['host']}{e['path']}", "xxgk")]
        assert not bad, bad[:5]


def test_crawl_delay_of_robots_is_applied(crawled):
    """Scrapy counts a slot's delay from when it hands a request to the downloader; a busy
    reactor (parsing, archiving with fsync) can send one request tens of ms late and the next
    on time, so single gaps fall short by that jitter: large at the test's 0.1 s, negligible
    at real delays (1.5-2 s). Hence: the median gap holds the delay, none is far below it."""
    _, log, facts, _ = crawled
    wenshang = next(p for p in facts["portals"] if p["key"] == "wenshang")
    delay = wenshang["robots"]["crawl_delay"]
    assert delay == pytest.approx(0.1)  # Crawl-delay: 2, at the test time scale 0.05
    times = sorted(e["t"] for e in log if e["host"] == "www.wenshang.gov.cn")[1:]  # robots first
    gaps = sorted(b - a for a, b in zip(times, times[1:]))
    assert gaps[len(gaps) // 2] >= delay, gaps[len(gaps) // 2]
    # Known follow-up (issue 3 note): rare gaps far below the delay remain unexplained.
    assert sum(g < delay / 2 for g in gaps) <= max(2, len(gaps) // 20), gaps[:5]
    # The 429 limit is 0.025 s at this time scale: only that jitter can trip it, rarely.
    assert len([e for e in log if e["host"] == "www.wenshang.gov.cn" and e["status"] == 429]) <= 2


def test_traps_do_not_derail_the_run(crawled):
    _, log, facts, result = crawled
    calendar = [e for e in log if "/module/calendar/" in e["path"]]
    assert len(calendar) < 10
    big = [e for e in log if e["path"] in {urlsplit(u).path + "?" + urlsplit(u).query
                                           for u in facts["traps"]["big_file"]}]
    assert len(big) <= 1


def test_every_warc_file_passes_warcio_check(crawled):
    home, *_ = crawled
    files = sorted((home / "archive").glob("*.warc.gz"))
    assert files and not list((home / "archive").glob("*.open"))
    warcio = Path(sys.executable).with_name("warcio")
    result = subprocess.run([str(warcio), "check", *map(str, files)], capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-2000:]


def test_transient_failures_were_retried_and_archived(crawled):
    home, log, _, _ = crawled
    failed = {e["path"] for e in log if e["note"] == "transient"}
    assert failed
    statuses = {(u, s) for u, _, s, kind in _captures(home) if kind != "request"}
    assert any(s in (500, 503) for _, s in statuses)  # the failures are archived too


def test_js_challenge_is_solved_by_the_browser_and_its_dom_kept_as_a_resource(crawled):
    home, log, _, _ = crawled
    challenged = [e for e in log if e["host"] == "www.wendeng.gov.cn" and e["status"] == 412]
    passed = [e for e in log if e["host"] == "www.wendeng.gov.cn" and e["status"] == 200]
    assert challenged and len(passed) > 100
    assert len(challenged) < 10  # solved once, then cookies reused by plain requests
    with sqlite3.connect(home / "xxgk.sqlite3") as db:
        resources = db.execute("select url, mime from captures where record_type='resource'"
                               ).fetchall()
        responses_412 = db.execute("select count(*) from captures where status=412").fetchone()
    assert resources and all("wendeng" in url for url, _ in resources)
    assert responses_412[0] >= 1  # the challenge page is archived as the server sent it
