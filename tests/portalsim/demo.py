"""`make demo`: start the portal simulator, crawl it, index what was archived, list reports.

Later stages (crawl, archive, index) are added here as they are built, so the demo always
runs the whole pipeline that exists, offline.
"""

from __future__ import annotations

import http.client
import re
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from .__main__ import print_summary
from .server import Options, RunningSimulator
from .truth import summary, truth


def _get(port: int, url: str) -> tuple[int, str, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        conn.request("GET", url, headers={"User-Agent": "xxgk-archive-demo"})
        response = conn.getresponse()
        return response.status, response.getheader("Content-Type", ""), response.read()
    finally:
        conn.close()


DEMO_TIME_SCALE = 0.05  # the demo's compressed clock: delays and Crawl-delays x 0.05


def _crawl(proxy: str, home: Path) -> None:
    """The main job: `xxgk crawl --all` through the simulator, then what it archived."""
    print(f"\nCrawling all registry sites through the simulator into {home} "
          f"(politeness delays x {DEMO_TIME_SCALE}):", flush=True)
    xxgk = Path(sys.executable).with_name("xxgk")
    subprocess.run([str(xxgk), "crawl", "--all", "--proxy", proxy, "--home", str(home),
                    "--last-year", "2024", "-s", f"DOWNLOAD_DELAY={1.5 * DEMO_TIME_SCALE}",
                    "-s", "LOG_LEVEL=WARNING"], check=True)


def _recall(home: Path, facts: dict) -> None:
    with sqlite3.connect(home / "xxgk.sqlite3") as db:
        got = set(db.execute("select url, mime from captures where status = 200 and "
                             "record_type in ('response', 'revisit')"))
        files = db.execute("select count(*), sum(size) from warc_files where sealed").fetchone()
    wanted = [(u["url"], u["content_type"]) for r in facts["reports"]
              if r["status"] == "published" for u in r["urls"]]
    found = sum(1 for w in wanted if w in got)
    print(f"archived: {files[0]} sealed WARC files, {(files[1] or 0) / 1e6:.1f} MB; report URLs "
          f"captured: {found}/{len(wanted)} ({100 * found / max(1, len(wanted)):.1f}%)")


def _index(home: Path, facts: dict) -> None:
    """Then `xxgk index` (parse what was archived) and `xxgk reports` (what came out)."""
    xxgk = Path(sys.executable).with_name("xxgk")
    print("\nIndexing the archive (parse every archived document, write the reports):",
          flush=True)
    subprocess.run([str(xxgk), "index", "--home", str(home)], check=True)
    subprocess.run([str(xxgk), "reports", "--home", str(home)], check=True)
    with sqlite3.connect(home / "xxgk.sqlite3") as db:
        reports = db.execute("select count(*) from reports where status = 'published'"
                             ).fetchone()[0]
        failing = db.execute("select count(distinct report_id) from report_overview "
                             "where failed_checks > 0").fetchone()[0]
    published = sum(1 for r in facts["reports"] if r["status"] == "published")
    print(f"reports indexed: {reports} (the simulator publishes {published}); "
          f"{failing} fail their consistency checks (the simulator breaks "
          f"{facts['counts']['inconsistent']} on purpose)")


def run_demo(port: int, *, keep_serving: bool = False, home: Path | None = None) -> int:
    started = time.monotonic()
    running = RunningSimulator(Options(time_scale=DEMO_TIME_SCALE), port).start()
    try:
        print_summary(summary(running.simulator.world, running.simulator.as_of), running.proxy)
        print(f"started in {time.monotonic() - started:.1f} s\n")
        print("What a client gets through the proxy:")
        facts = truth(running.simulator.world, running.simulator.as_of)
        samples = [f"http://{p['host']}/" for p in facts["portals"]]
        by_rendering = {}
        for report in facts["reports"]:
            for url in report["urls"]:
                by_rendering.setdefault((url["role"], url["rendering"]), (report, url["url"]))
        for key in [("endpoint", "html"), ("attachment", "docx"), ("attachment", "pdf"),
                    ("attachment", "doc"), ("table_image", "image")]:
            if key in by_rendering:
                samples.append(by_rendering[key][1])
        for url in samples:
            status, ctype, body = _get(running.port, url)
            title = re.search(rb"<title>(.*?)</title>", body, re.S)
            shown = title.group(1).decode("utf-8", "replace").strip()[:40] if title else ""
            print(f"  {status} {ctype.split(';')[0]:<28} {len(body):>8} B  {url[:90]}  {shown}")
        if home is not None:
            _crawl(running.proxy, home)
            _recall(home, facts)
            _index(home, facts)
        if keep_serving:
            print(f"\nserving on {running.proxy}; Ctrl-C to stop")
            while True:
                time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        running.stop()
    return 0
