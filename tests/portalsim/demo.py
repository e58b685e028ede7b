"""`make demo`: start the portal simulator and show, through it, what a crawler will meet.

Later stages (crawl, archive, index) are added here as they are built, so the demo always
runs the whole pipeline that exists, offline.
"""

from __future__ import annotations

import http.client
import re
import time

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


def run_demo(port: int, *, keep_serving: bool = False) -> int:
    started = time.monotonic()
    running = RunningSimulator(Options(), port).start()
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
        if keep_serving:
            print(f"\nserving on {running.proxy}; Ctrl-C to stop")
            while True:
                time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        running.stop()
    return 0
