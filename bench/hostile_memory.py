"""Peak memory and wall time of `xxgk parse`, `index`, `archive get --decoded` and `serve` on
each class of hostile file of issue 14 (bombs, hangs, special files).

Each command runs as a user would run it, under a wrapper that reports the peak RSS of the
command's whole process tree (its largest process: the command, a parser child, LibreOffice;
``RUSAGE_CHILDREN``), and afterwards every process that carried the run's marker is looked
for: "left" counts those still alive. Target: peak RSS below 1 GB on every file, nothing
left. The files are made on the fly (tests/hostile_files.py) at the hostile test's sizes.

The per-document time limit is ``--seconds`` (default 60, the hostile test's own kill);
the memory limit and the decoding cap are the defaults unless XXGK_PARSE_MEMORY_MB /
XXGK_MAX_DECODED_MB are set. Usage:
python bench/hostile_memory.py [--seconds 60] [--only parse,index,get,serve] [--json]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import sys
import tempfile
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from archive.write.store import Archive  # noqa: E402
from tests.hostile_files import (  # noqa: E402
    MB,
    Measured,
    MeasuredCommand,
    exchange,
    flate_bomb_pdf,
    hostile_home,
    rtf_bin_bomb,
    run_measured,
    survivors,
    xxgk_env,
)
from xxgk.base.home import Home  # noqa: E402

COMMANDS = ("parse", "index", "get", "serve")
SITE = "http://bomb.example.gov.cn"


def say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def files(root: Path) -> dict[str, tuple[Path, str]]:
    """Hostile file classes: (path, Content-Type to archive it with)."""
    made = {
        "PDF Flate bomb (1 GB content stream, 1 MB file)":
            ("bomb.pdf", flate_bomb_pdf(1024 * MB), "application/pdf"),
        "PDF Flate bomb (10 GB content stream, 10 MB file)":
            ("bomb10.pdf", flate_bomb_pdf(10 * 1024 * MB), "application/pdf"),
        "PDF contents 20 x 100 MB (each stream under the stream limit)":
            ("refs.pdf", flate_bomb_pdf(100 * MB, references=20), "application/pdf"),
        "RTF \\bin999999999 (LibreOffice hangs)":
            ("bin.doc", rtf_bin_bomb(), "application/msword"),
    }
    out: dict[str, tuple[Path, str]] = {}
    for label, (name, data, content_type) in made.items():
        path = root / name
        path.write_bytes(data)
        out[label] = (path, content_type)
    fifo = root / "pipe"
    os.mkfifo(fifo)
    out["/dev/zero"] = (Path("/dev/zero"), "")
    out["FIFO"] = (fifo, "")
    return out


def archived(root: Path, path: Path, content_type: str) -> tuple[Path, str]:
    """A home holding the file as a crawl would have archived it; (home, URL)."""
    url = f"{SITE}/2024/{path.name}"
    archive = Archive(Home(root))
    archive.record(exchange(url, content_type, path.read_bytes(), datetime(2025, 3, 1)))
    archive.close()
    return root, url


def row(command: str, label: str, result: Measured) -> dict:
    message = result.text.strip().splitlines()
    try:
        data = json.loads(result.stdout)
        if "failures" in data:
            message = [f"{f['reason']}" for f in data["failures"]] or [
                f"{data['reports']} report(s), {data['failed']} failed"]
    except (ValueError, TypeError):
        pass
    return {"command": command, "file": label, "exit": result.returncode,
            "peak_rss_mb": round(result.peak_rss / MB), "seconds": round(result.seconds, 1),
            "left": len(survivors(result.marker)), "outcome": (message or [""])[-1][:140]}


def serve_once(home: Path, url: str, env: dict[str, str]) -> Measured:
    server = MeasuredCommand("serve", "--port", "0", "--quiet", "--home", str(home), env=env)
    try:
        assert server.process.stdout is not None
        host, port = server.process.stdout.readline().decode().strip()[7:].split(":")
        connection = http.client.HTTPConnection(host, int(port), timeout=120)
        connection.request("GET", f"/web/20250301000000/{url}")
        response = connection.getresponse()
        size = len(response.read())
        status, encoding = response.status, response.getheader("Content-Encoding")
        connection.close()
    finally:
        result = server.stop()
    result.stderr = f"HTTP {status}, Content-Encoding {encoding}, {size} bytes".encode()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", default="60", help="XXGK_PARSE_SECONDS for the runs")
    parser.add_argument("--only", default=",".join(COMMANDS),
                        help=f"commands to measure, of {', '.join(COMMANDS)}")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    wanted = {c.strip() for c in args.only.split(",")}
    env = xxgk_env(XXGK_PARSE_SECONDS=args.seconds, **{
        k: v for k, v in os.environ.items() if k in ("XXGK_PARSE_MEMORY_MB",
                                                      "XXGK_MAX_DECODED_MB")})
    rows: list[dict] = []
    with tempfile.TemporaryDirectory(prefix="xxgk-hostile-") as tmp:
        root = Path(tmp)
        say("making the hostile files ...")
        classes = files(root)
        runs: list[tuple[str, str, Callable[[], Measured]]] = []
        for label, (path, content_type) in classes.items():
            if "parse" in wanted:
                runs.append(("parse", label, lambda p=path: run_measured(
                    "parse", str(p), env=env, timeout=3600)))
            if "index" in wanted and content_type:
                home, _url = archived(root / f"home-{path.name}", path, content_type)
                runs.append(("index", label, lambda h=home: run_measured(
                    "index", "--json", "--home", str(h), env=env, timeout=3600)))
        bomb = hostile_home(root / "home-gzip", rtf=False)
        gzip_label = "gzip-bomb HTTP body in a WARC record (1 GB from 1 MB)"
        if "get" in wanted:
            runs.append(("archive get --decoded", gzip_label, lambda: run_measured(
                "archive", "get", bomb.gzip_bomb, "--decoded", "-o", str(root / "out"),
                "--home", str(bomb.root), env=env, timeout=3600)))
        if "index" in wanted:
            runs.append(("index", gzip_label, lambda: run_measured(
                "index", "--json", "--home", str(bomb.root), env=env, timeout=3600)))
        if "serve" in wanted:
            runs.append(("serve (GET /web/...)", gzip_label,
                         lambda: serve_once(bomb.root, bomb.gzip_bomb, env)))
        for command, label, measure in runs:
            say(f"{command}: {label} ...")
            rows.append(row(command, label, measure()))
            say(f"  {rows[-1]['peak_rss_mb']} MB, {rows[-1]['seconds']} s, exit "
                f"{rows[-1]['exit']}: {rows[-1]['outcome']}")
    figures = {"load_average": os.getloadavg(), "time_limit_s": args.seconds, "runs": rows}
    if args.json:
        print(json.dumps(figures, indent=2, ensure_ascii=False))
        return
    print(f"peak RSS of the whole command tree per hostile file (target < 1024 MB, nothing "
          f"left); XXGK_PARSE_SECONDS={args.seconds}; load average "
          f"{figures['load_average'][0]:.2f}")
    for r in rows:
        print(f"  {r['command']:<22} {r['file']:<62} {r['peak_rss_mb']:>5} MB "
              f"{r['seconds']:>6.1f} s  exit {r['exit']}  left {r['left']}  {r['outcome']}")


if __name__ == "__main__":
    main()
