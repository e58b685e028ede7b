"""A crawl killed with SIGKILL halfway (process group: Scrapy, the Playwright driver and
its browser all die, as in a power cut) and started again: the run is taken up where it
stopped, nothing archived is lost or fetched again, and the archive verifies."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import time
from pathlib import Path

from tests.conftest import ProxyClient
from tests.portalsim.truth import truth
from tests.test_crawl import XXGK, crawl

SITES = ("jiaxiang", "hongze")  # one Hanweb site, one generic


def _db(home: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(home / "xxgk.sqlite3", timeout=30) as db:
        return db.execute(sql).fetchall()


def _path(url: str) -> str:
    rest = url.split("://", 1)[1]
    return "/" + rest.split("/", 1)[1] if "/" in rest else "/"


def test_killed_crawl_resumes_without_losing_or_refetching(tmp_path, world):
    from tests.conftest import _running

    sim = _running(world, warm_office=False)
    client = ProxyClient(sim.port)
    home = tmp_path / "home"
    try:
        process = subprocess.Popen(
            [str(XXGK), "crawl", *SITES, "--proxy", sim.proxy, "--home", str(home),
             "--last-year", "2024", "-s", "DOWNLOAD_DELAY=0.02", "-s", "LOG_LEVEL=WARNING"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        deadline = time.monotonic() + 300
        archived = 0
        while time.monotonic() < deadline and process.poll() is None:
            time.sleep(0.2)
            if (home / "xxgk.sqlite3").exists():
                try:
                    archived = _db(home, "select count(*) from captures where "
                                         "record_type = 'response'")[0][0]
                except sqlite3.OperationalError:
                    continue
                if archived >= 150:
                    break
        assert process.poll() is None, "the crawl ended before it could be killed"
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        killed_at = len(client.control("log"))

        before = _db(home, "select id, warc_record_id, url, status, record_type from captures")
        assert list((home / "archive").glob("*.open")), "the kill left no open WARC file"
        assert {state for (state,) in _db(home, "select state from crawl_runs")} == {"running"}

        result = crawl(home, sim.proxy, *SITES)
        assert result.returncode == 0, result.stderr[-3000:]
        # The resumed runs are judged: walked again from their start, the pages the killed
        # process had fetched answered from the archive, every listing read whole.
        assert _db(home, "select count(*) from crawl_failures where kind = 'incomplete'") == \
            [(0,)], result.stderr[-3000:]
        assert "incomplete" not in result.stdout + result.stderr
        after_log = client.control("log")[killed_at:]
        facts = truth(world, sim.simulator.as_of, 0.05)
    finally:
        sim.stop()

    runs = _db(home, "select site, state, resumed from crawl_runs order by id")
    assert runs == [(site, "finished", 1) for site in SITES]
    # Nothing lost: every row from before the kill is still there, pointing at whole records.
    after = {row[0]: row for row in _db(home, "select id, warc_record_id, url, status, "
                                              "record_type from captures")}
    assert all(after.get(row[0]) == row for row in before)
    assert not list((home / "archive").glob("*.open"))
    verify = subprocess.run([str(XXGK), "archive", "verify", "--home", str(home)],
                            capture_output=True, text=True, timeout=300)
    assert verify.returncode == 0, verify.stdout[-2000:] + verify.stderr[-2000:]
    # Complete: every report URL of both sites is archived.
    got = {(u, m) for u, m in _db(home, "select url, mime from captures where status = 200 "
                                        "and record_type in ('response', 'revisit')")}
    wanted = [(u["url"], u["content_type"]) for r in facts["reports"]
              if r["portal"] in SITES and r["status"] == "published" for u in r["urls"]]
    assert not [w for w in wanted if w not in got]
    # Not fetched twice: no GET the first part had archived with a 200 went out again, but
    # robots.txt, asked for on every run (its Crawl-delay: tests/test_crawl_politeness.py).
    archived_paths = {_path(url) for _, _, url, status, kind in before
                      if status == 200 and kind in ("response", "revisit")} - {"/robots.txt"}
    again = [e["path"] for e in after_log if e["method"] == "GET"
             and e["path"] in archived_paths]
    assert not again, again[:5]
    served = _db(home, "select sum(from_archive) from crawl_runs")[0][0]
    assert served >= 100  # the resumed part re-read the first part from the archive
