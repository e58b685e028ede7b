"""Archive index speed with a realistic volume: 1,000,000 captures in SQLite.

Prints:
- get-at-time (``Retrieval.version_at``: the version of a URL at a moment) p50 and p99,
  targets <= 2 ms and <= 10 ms;
- the history of a URL with 1,000 versions (``Retrieval.history``), target <= 50 ms;
- WARC records written per second through the real writer (WARC + index, fsync before
  commit): ``Archive.record_batch`` (target >= 2,000/s) and, for comparison, ``Archive.record``
  one exchange at a time (one fsync and one commit per exchange). An exchange is two WARC
  records (request and response, each with its index row); both rates are printed, records
  and exchanges, and records are counted from the index rows the run added.

The million index rows are inserted in bulk (they only need to exist for the lookups); the
write rate is measured with real records. Usage: python bench/archive_lookup.py [--captures N]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import insert  # noqa: E402

import crawler.models  # noqa: E402,F401 - the full schema, as in production
from archive.models import Capture, WarcFile  # noqa: E402
from archive.read.retrieval import Retrieval  # noqa: E402
from archive.surt import surt  # noqa: E402
from archive.write.records import Exchange  # noqa: E402
from archive.write.store import Archive
from xxgk.base.home import Home  # noqa: E402

T0 = datetime(2024, 1, 1)
HOSTS = [f"www.county{n:03d}.gov.cn" for n in range(100)]


def say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def url_of(n: int) -> str:
    return f"http://{HOSTS[n % len(HOSTS)]}/art/2024/{n % 12 + 1}/{n % 28 + 1}/art_{n}.html"


def fill_index(archive: Archive, captures: int, deep_url: str, deep_versions: int) -> int:
    """Bulk index rows: URLs with 1-19 versions each, plus one URL with many versions."""
    with archive.sessions.begin() as session:
        warc = WarcFile(name="synthetic.warc.gz", location="/nonexistent/synthetic.warc.gz",
                        created_at=T0, sealed=True, size=0)
        session.add(warc)
        session.flush()
        file_id = warc.id
    rng = random.Random(7)
    rows: list[dict] = []
    made, n, started = 0, 0, time.perf_counter()

    def flush() -> None:
        with archive.engine.begin() as connection:
            connection.execute(insert(Capture), rows)
        rows.clear()

    def add(url: str, key: str, when: datetime, serial: int) -> None:
        rows.append({"url": url, "surt": key, "captured_at": when, "record_type": "response",
                     "status": 200, "mime": "text/html", "payload_digest": f"{serial:064x}",
                     "payload_length": 2048, "warc_record_id": f"<urn:uuid:{serial:032x}>",
                     "warc_file_id": file_id, "offset": serial * 2048, "length": 2048})

    for version in range(deep_versions):
        add(deep_url, surt(deep_url), T0 + timedelta(hours=version), made)
        made += 1
    while made < captures:
        url = url_of(n)
        key = surt(url)
        for version in range(rng.randint(1, 19)):
            if made >= captures:
                break
            add(url, key, T0 + timedelta(days=version, microseconds=rng.randint(0, 999_999)),
                made)
            made += 1
        n += 1
        if len(rows) >= 50_000:
            flush()
            say(f"  {made:,} captures indexed ({made / (time.perf_counter() - started):,.0f}/s)")
    if rows:
        flush()
    return n


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def bench_lookups(home: Home, urls: int, deep_url: str) -> dict:
    rng = random.Random(11)
    with Retrieval(home) as retrieval:
        for _ in range(200):  # warm the page cache, as a running server would be
            retrieval.version_at(url_of(rng.randrange(urls)), T0 + timedelta(days=30))
        timings = []
        for _ in range(5000):
            url = url_of(rng.randrange(urls))
            at = T0 + timedelta(days=rng.uniform(0, 25))
            started = time.perf_counter()
            try:
                retrieval.version_at(url, at)
            except Exception:  # noqa: BLE001 - asked before its first capture: still a lookup
                pass
            timings.append((time.perf_counter() - started) * 1000)
        history = []
        for _ in range(7):
            started = time.perf_counter()
            versions = retrieval.history(deep_url)
            history.append((time.perf_counter() - started) * 1000)
    return {"get_at_time_p50_ms": percentile(timings, 0.5),
            "get_at_time_p99_ms": percentile(timings, 0.99),
            "history_versions": len(versions),
            "history_ms": statistics.median(history)}


def exchanges(count: int, seed: int) -> list[Exchange]:
    rng = random.Random(seed)
    out = []
    for n in range(count):
        body = rng.randbytes(1024).hex().encode()  # 2 KB, distinct: no dedup shortcut
        out.append(Exchange(
            url=url_of(10_000_000 + seed * count + n), method="GET",
            request_headers=[("User-Agent", "bench")], request_body=b"", protocol="HTTP/1.1",
            status=200, reason="OK", response_headers=[("Content-Type", "text/html")],
            body=body, captured_at=T0 + timedelta(seconds=n)))
    return out


def bench_writes(root: Path, batch_records: int, single_records: int) -> dict:
    archive = Archive(Home(root / "writes"))
    batch = exchanges(batch_records, 1)
    started = time.perf_counter()
    for start in range(0, len(batch), 500):
        archive.record_batch(batch[start:start + 500])
    batch_seconds = time.perf_counter() - started
    batch_rows = index_rows(archive)
    single = exchanges(single_records, 2)
    started = time.perf_counter()
    for exchange in single:
        archive.record(exchange)
    single_seconds = time.perf_counter() - started
    single_rows = index_rows(archive) - batch_rows
    archive.close()
    return {"batch_records_per_s": batch_rows / batch_seconds,
            "batch_exchanges_per_s": len(batch) / batch_seconds,
            "single_records_per_s": single_rows / single_seconds,
            "single_exchanges_per_s": len(single) / single_seconds, "batch_size": 500}


def index_rows(archive: Archive) -> int:
    """WARC records written = index rows (one per request/response/revisit record)."""
    from sqlalchemy import func, select

    with archive.sessions() as session:
        return session.scalar(select(func.count()).select_from(Capture)) or 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--captures", type=int, default=1_000_000)
    parser.add_argument("--deep-versions", type=int, default=1000)
    parser.add_argument("--write-records", type=int, default=20_000)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="xxgk-bench-") as tmp:
        root = Path(tmp)
        os.environ.pop("XXGK_DATABASE_URL", None)
        for name in [n for n in os.environ if n.startswith("XXGK_S3_")]:
            os.environ.pop(name)
        home = Home(root / "lookups")
        archive = Archive(home)
        deep_url = "http://www.county000.gov.cn/col/col1/index.html"
        say(f"indexing {args.captures:,} synthetic captures in SQLite ...")
        started = time.perf_counter()
        urls = fill_index(archive, args.captures, deep_url, args.deep_versions)
        fill_s = time.perf_counter() - started
        archive.close()
        say("timing lookups ...")
        figures = {"captures": args.captures, "urls": urls + 1, "fill_s": fill_s,
                   "database_mb": home.database_path.stat().st_size / 1e6}
        figures.update(bench_lookups(home, urls, deep_url))
        say("timing writes ...")
        figures.update(bench_writes(root, args.write_records, min(2000, args.write_records)))
    figures["load_average"] = os.getloadavg()
    if args.json:
        print(json.dumps(figures, indent=2))
        return
    rows = [
        ("get-at-time p50", f"{figures['get_at_time_p50_ms']:.2f} ms", "<= 2 ms",
         figures["get_at_time_p50_ms"] <= 2),
        ("get-at-time p99", f"{figures['get_at_time_p99_ms']:.2f} ms", "<= 10 ms",
         figures["get_at_time_p99_ms"] <= 10),
        (f"history ({figures['history_versions']} versions)", f"{figures['history_ms']:.1f} ms",
         "<= 50 ms", figures["history_ms"] <= 50),
        ("WARC records written (batches of 500 exchanges)",
         f"{figures['batch_records_per_s']:,.0f}/s "
         f"({figures['batch_exchanges_per_s']:,.0f} exchanges/s)",
         ">= 2,000/s", figures["batch_records_per_s"] >= 2000),
        ("WARC records written (one exchange at a time)",
         f"{figures['single_records_per_s']:,.0f}/s "
         f"({figures['single_exchanges_per_s']:,.0f} exchanges/s)", "(for comparison)", True),
    ]
    print(f"archive index: {figures['captures']:,} captures of {figures['urls']:,} URLs, "
          f"{figures['database_mb']:.0f} MB SQLite, filled in {figures['fill_s']:.0f} s; "
          f"load average {figures['load_average'][0]:.2f}")
    for name, value, target, ok in rows:
        print(f"  {name:<48} {value:>30}   target {target:<14} {'PASS' if ok else 'MISS'}")


if __name__ == "__main__":
    main()
