"""Parser throughput: reports/s per core for HTML, DOCX, PDF and text, and a full re-index.

Prints:
- per format, reports parsed per second by one process (one core): ``extract`` +
  ``parse_document`` of real report documents, all in memory, over at least ``--seconds``
  per format. Targets:
  HTML and text >= 100/s, DOCX >= 50/s, PDF >= 10/s. Judged on CPU time (``process_time``),
  which other load on the shared machine sways less than wall time; the wall-clock rate is
  printed next to it.
- for information (no target): DOC (LibreOffice conversion) and pages whose tables are images
  (OCR), wall seconds per document on a few samples;
- the time to re-index (``Indexer(home).run(everything=True)``, i.e. ``xxgk reindex --all``)
  an archive of ``--reindex`` (default 10,000) distinct report payloads.

Documents come from the portal simulator (started in-process, calm), fetched as a browser
would (tests/simclient.py: challenge solved, cookie stub passed). Usage:
python bench/parse_throughput.py [--seconds 5] [--reindex 10000] [--json]
"""

from __future__ import annotations

import argparse
import gc
import http.client
import inspect
import json
import os
import random
import resource
import statistics
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import crawler.models  # noqa: E402,F401 - the full schema, as in production
from archive.read.reader import header_value  # noqa: E402
from archive.write.records import Exchange  # noqa: E402
from archive.write.store import Archive
from parsers.document import ExtractionError  # noqa: E402
from parsers.extract import extract  # noqa: E402
from parsers.images import read_image_tables  # noqa: E402
from parsers.report import parse_document  # noqa: E402
from xxgk.base.home import Home  # noqa: E402

AS_OF = date(2025, 6, 30)
SEEDS = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "seeds"
SEED_SITE = "http://www.seeds.bench.gov.cn"
FORMATS = ("html", "docx", "pdf", "text")
TARGETS = {"html": 100.0, "docx": 50.0, "pdf": 10.0, "text": 100.0}
T0 = datetime(2025, 7, 1)


def say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


@dataclass
class Sample:
    url: str
    content_type: str
    body: bytes
    headers: list[tuple[str, str]]
    source: str  # what it is: "endpoint/html", "attachment/pdf", "seed", "sim text", ...


# --- collecting documents ---------------------------------------------------------------------


def _truth(port: int) -> dict:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
    conn.request("GET", "/__portalsim/truth")
    data = json.loads(conn.getresponse().read())
    conn.close()
    return data


def collect(root: Path) -> tuple[dict[str, list[Sample]], dict[str, list[Sample]],
                                 dict[str, bytes]]:
    """(report documents by format, DOC and image-page samples, table images by URL)."""
    from tests.portalsim.server import Options, RunningSimulator
    from tests.portalsim.world import build_world
    from tests.simclient import ArchivingClient

    wanted: list[tuple[str, str]] = []  # (url, source)
    images: list[str] = []
    with RunningSimulator(Options(as_of=AS_OF, time_scale=0.05, calm=True),
                          world=build_world()) as sim:
        truth = _truth(sim.port)
        for report in truth["reports"]:
            if report["status"] != "published":
                continue
            for entry in report["urls"]:
                role, rendering = entry["role"], entry["rendering"]
                if role in ("endpoint", "article") and rendering in ("html", "prose", "image"):
                    wanted.append((entry["url"], f"{role}/{rendering}"))
                elif role == "attachment" and rendering in ("docx", "pdf", "doc"):
                    wanted.append((entry["url"], f"attachment/{rendering}"))
                elif role == "table_image":
                    images.append(entry["url"])
        # The client archives what it fetches (that is its job in the tests): a scratch home.
        archive = Archive(Home(root / "fetch"))
        client = ArchivingClient(sim.port, archive)
        started = time.perf_counter()
        fetched: list[tuple[Exchange, str]] = []
        for n, (url, source) in enumerate(wanted, start=1):
            exchange = client.get(url)
            if exchange.status == 200:
                fetched.append((exchange, source))
            if n % 100 == 0:
                say(f"  fetched {n}/{len(wanted)} documents")
        image_bytes = {}
        for url in images:
            exchange = client.get(url)
            if exchange.status == 200:
                image_bytes[url] = exchange.body
        archive.close()
        say(f"  {len(fetched)} documents and {len(image_bytes)} table images fetched in "
            f"{time.perf_counter() - started:.0f} s")
    by_format: dict[str, list[Sample]] = {f: [] for f in FORMATS}
    other: dict[str, list[Sample]] = {"doc": [], "image": []}
    for exchange, source in fetched:
        ctype = header_value(exchange.response_headers, "Content-Type") or ""
        sample = Sample(exchange.url, ctype, exchange.body, exchange.response_headers, source)
        rendering = source.split("/")[1]
        if rendering in ("html", "prose"):
            by_format["html"].append(sample)
        elif rendering == "image":
            other["image"].append(sample)
        else:
            (other if rendering == "doc" else by_format)[rendering].append(sample)
    for path in sorted(SEEDS.glob("*.txt")):
        by_format["text"].append(Sample(f"{SEED_SITE}/files/{path.name}",
                                        "text/plain; charset=utf-8", path.read_bytes(),
                                        [("Content-Type", "text/plain; charset=utf-8")], "seed"))
    # Plain-text versions of the simulator's HTML reports: the text the page shows, a table
    # row a line with its cells tab-separated (as text exports of Word files are).
    for sample in by_format["html"]:
        if sample.source.endswith("/html"):  # the ones with tables
            try:
                doc = extract(sample.body, content_type=sample.content_type, url=sample.url,
                              headers=sample.headers)
            except ExtractionError:
                continue
            text = ((doc.title + "\n") if doc.title else "") + doc.text
            url = sample.url.split("?")[0].rsplit(".", 1)[0] + ".txt"
            by_format["text"].append(Sample(url, "text/plain; charset=utf-8",
                                            text.encode("utf-8"),
                                            [("Content-Type", "text/plain; charset=utf-8")],
                                            "sim text"))
    return by_format, other, image_bytes


# --- timing per format ------------------------------------------------------------------------


def parse_one(sample: Sample) -> bool:
    doc = extract(sample.body, content_type=sample.content_type, url=sample.url,
                  headers=sample.headers)
    return parse_document(doc, sample.url).is_report


def screen(samples: list[Sample]) -> tuple[list[Sample], Counter]:
    """The samples that parse as reports (this pass also loads the lazy imports)."""
    kept, dropped = [], Counter()
    for sample in samples:
        try:
            ok = parse_one(sample)
        except ExtractionError as exc:
            dropped[f"failed: {exc.kind}"] += 1
            continue
        if ok:
            kept.append(sample)
        else:
            dropped["not a report"] += 1
    return kept, dropped


def time_format(samples: list[Sample], seconds: float) -> dict:
    """Whole passes over the samples until ``seconds`` of wall time have gone by."""
    wall, cpu = [], []
    gc.collect()
    started = time.perf_counter()
    passes = 0
    while passes == 0 or time.perf_counter() - started < seconds:
        for sample in samples:
            w0, c0 = time.perf_counter(), time.process_time()
            parse_one(sample)
            cpu.append(time.process_time() - c0)
            wall.append(time.perf_counter() - w0)
        passes += 1
    total_wall, total_cpu = sum(wall), sum(cpu)
    return {"documents": len(samples), "parsed": len(wall), "passes": passes,
            "mean_kb": statistics.mean(len(s.body) for s in samples) / 1024,
            "wall_s": total_wall, "cpu_s": total_cpu,
            "reports_per_s_wall": len(wall) / total_wall,
            "reports_per_s_cpu": len(cpu) / total_cpu if total_cpu else float("inf"),
            "cpu_ms_per_doc_mean": 1000 * total_cpu / len(cpu),
            "cpu_ms_per_doc_p50": 1000 * statistics.median(cpu),
            "cpu_ms_per_doc_max": 1000 * max(cpu)}


def time_slow(other: dict[str, list[Sample]], image_bytes: dict[str, bytes],
              count: int) -> dict:
    """DOC (LibreOffice) and image-table pages (OCR): wall seconds each on a few samples;
    the work is in child processes (soffice, tesseract), so CPU time of ours says little."""
    out = {}
    for kind, samples in other.items():
        timings, reports = [], 0
        for sample in samples[:count]:
            started = time.perf_counter()
            try:
                doc = extract(sample.body, content_type=sample.content_type, url=sample.url,
                              headers=sample.headers)
                if kind == "image":
                    read_image_tables(doc, image_bytes.get)
                reports += parse_document(doc, sample.url).is_report
            except ExtractionError as exc:
                say(f"  {kind} {sample.url}: {exc.reason}")
            timings.append(time.perf_counter() - started)
        if timings:
            out[kind] = {"documents": len(timings), "reports": reports,
                         "s_per_doc_mean": statistics.mean(timings),
                         "s_per_doc_max": max(timings)}
    return out


# --- re-index -----------------------------------------------------------------------------------


def distinct(sample: Sample, fmt: str, n: int) -> bytes:
    """The same document with different bytes, still read the same way."""
    body = sample.body
    if fmt == "html":
        return body + f"\n<!-- bench copy {n} -->\n".encode("ascii")
    if fmt == "pdf":  # a comment line after %%EOF: readers ignore it
        return body + f"\n% bench copy {n}\n".encode("ascii")
    if fmt == "docx":  # a zip archive comment (end of central directory record)
        eocd = body.rindex(b"PK\x05\x06")
        comment = f"bench copy {n}".encode("ascii")
        return body[:eocd + 20] + len(comment).to_bytes(2, "little") + comment
    # text: trailing whitespace, the number in binary as spaces and tabs
    return body + b"\n" + format(n, "b").replace("0", " ").replace("1", "\t").encode("ascii")


def check_distinct(by_format: dict[str, list[Sample]]) -> None:
    """Made-distinct payloads must parse to what the originals do."""
    for fmt, samples in by_format.items():
        for sample in samples[:5]:
            copy = Sample(sample.url, sample.content_type, distinct(sample, fmt, 12345),
                          sample.headers, sample.source)
            if _parsed(sample) != _parsed(copy):
                raise SystemExit(f"{fmt}: a made-distinct copy of {sample.url} parses "
                                 "differently")


def _parsed(sample: Sample) -> tuple:
    doc = extract(sample.body, content_type=sample.content_type, url=sample.url,
                  headers=sample.headers)
    return doc.format, parse_document(doc, sample.url).to_json()


def mix(by_format: dict[str, list[Sample]], total: int) -> dict[str, int]:
    """How many of each format: the simulator's distinct report payloads (text: the seeds
    only, plain-text reports being rare on real portals)."""
    counts = {f: len(s) for f, s in by_format.items()}
    counts["text"] = sum(1 for s in by_format["text"] if s.source == "seed")
    whole = sum(counts.values())
    out = {f: total * c // whole for f, c in counts.items()}
    out["html"] += total - sum(out.values())
    return out


def with_query(url: str, n: int) -> str:
    return f"{url}{'&' if '?' in url else '?'}bench={n}"


def cpu_seconds() -> float:
    """CPU time of this process and of its children that have ended (index workers)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def bench_reindex(root: Path, by_format: dict[str, list[Sample]], total: int,
                  workers: int | None) -> dict:
    import parsers.database.index
    from parsers.database.index import Indexer

    try:
        from crawler.registry import load_registry, region_resolver

        region_of = region_resolver(load_registry())
    except Exception as exc:  # noqa: BLE001 - the registry is optional for the figure
        say(f"  site registry not loaded ({exc}): reports get no region")
        region_of = None
    plan = mix(by_format, total)
    home = Home(root / "reindex")
    archive = Archive(home)
    say(f"writing {total:,} distinct report payloads to an archive: {plan} ...")
    started = time.perf_counter()
    batch: list[Exchange] = []
    stored_bytes = 0
    pools = {f: by_format[f] if f != "text" else [s for s in by_format[f] if s.source == "seed"]
             for f in plan}
    # Formats interleaved as a crawl would capture them (the indexer goes in capture order).
    order = [(fmt, i) for fmt, count in plan.items() for i in range(count)]
    random.Random(7).shuffle(order)
    for n, (fmt, i) in enumerate(order):
        sample = pools[fmt][i % len(pools[fmt])]
        body = distinct(sample, fmt, n)
        stored_bytes += len(body)
        headers = [(k, v) for k, v in sample.headers
                   if k.lower() not in ("content-length", "content-encoding",
                                        "transfer-encoding")]
        headers.append(("Content-Length", str(len(body))))
        batch.append(Exchange(
            url=with_query(sample.url, n), method="GET",
            request_headers=[("User-Agent", "bench")], request_body=b"",
            protocol="HTTP/1.1", status=200, reason="OK", response_headers=headers,
            body=body, captured_at=T0 + timedelta(seconds=n)))
        if len(batch) >= 200:
            archive.record_batch(batch)
            batch.clear()
    if batch:
        archive.record_batch(batch)
    archive.close()
    fill_s = time.perf_counter() - started
    say(f"  written in {fill_s:.0f} s ({stored_bytes / 1e6:.0f} MB of payloads); "
        "re-indexing ...")

    parsed_at = []

    def progress(done: int, todo: int, stats) -> None:  # type: ignore[no-untyped-def]
        if done == todo:
            parsed_at.append(time.perf_counter())
        if done % 500 == 0 or done == todo:
            elapsed = time.perf_counter() - run_started
            say(f"  parsed {done:,}/{todo:,} in {elapsed:.0f} s ({done / elapsed:.1f}/s): "
                f"{stats.reports:,} reports, {stats.not_reports} not, {stats.failed} failed")

    options: dict = {"region_of": region_of}
    if workers is not None:
        if "workers" not in inspect.signature(Indexer).parameters:
            raise SystemExit("--workers: this Indexer has no worker processes")
        options["workers"] = workers
    gc.collect()
    run_started = time.perf_counter()
    cpu_started = cpu_seconds()
    with Indexer(home, **options) as indexer:
        # As many as the indexer starts (it wants MIN_PER_WORKER documents for each).
        per_worker = getattr(parsers.database.index, "MIN_PER_WORKER", 8)
        used = min(getattr(indexer, "workers", 1), max(1, total // per_worker))
        say(f"  {used} worker process(es)" if used > 1 else "  parsing in this process")
        stats = indexer.run(everything=True, progress=progress)
    seconds = time.perf_counter() - run_started
    cpu = cpu_seconds() - cpu_started
    return {"documents": stats.documents, "workers": used, "mix": plan,
            "payload_mb": stored_bytes / 1e6,
            "fill_s": fill_s, "seconds": seconds, "cpu_s": cpu,
            "parse_s": (parsed_at[0] if parsed_at else run_started) - run_started,
            "rebuild_s": run_started + seconds - (parsed_at[0] if parsed_at else run_started),
            "indexer_seconds": stats.seconds, "documents_per_s": stats.documents / seconds,
            "report_documents": stats.reports, "not_reports": stats.not_reports,
            "failed": stats.failed, "skipped": stats.skipped,
            "reports_written": stats.reports_rebuilt,
            "failures": stats.failures[:10]}


# --- main -----------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=5.0,
                        help="minimum timed seconds per format (whole passes over its set)")
    parser.add_argument("--reindex", type=int, default=10_000, metavar="N",
                        help="report payloads in the re-index archive (0: skip that part)")
    parser.add_argument("--workers", type=int, default=None,
                        help="index worker processes for the re-index (default: the "
                             "indexer's, as `xxgk reindex --all`)")
    parser.add_argument("--slow-samples", type=int, default=3,
                        help="DOC and image-table documents timed for information")
    parser.add_argument("--formats", default=",".join(FORMATS),
                        help="comma-separated formats to time (default: all four)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    formats = [f.strip() for f in args.formats.split(",") if f.strip()]
    unknown = sorted(set(formats) - set(FORMATS))
    if unknown:
        parser.error(f"unknown format(s) {', '.join(unknown)}; choose from {', '.join(FORMATS)}")
    figures: dict = {"load_average_start": os.getloadavg()}
    with tempfile.TemporaryDirectory(prefix="xxgk-bench-") as tmp:
        root = Path(tmp)
        os.environ.pop("XXGK_DATABASE_URL", None)
        for name in [n for n in os.environ if n.startswith("XXGK_S3_")]:
            os.environ.pop(name)
        say("fetching report documents from the simulator ...")
        by_format, other, image_bytes = collect(root)
        figures["formats"] = {}
        for fmt in formats:
            say(f"{fmt}: screening {len(by_format[fmt])} documents ...")
            kept, dropped = screen(by_format[fmt])
            by_format[fmt] = kept
            say(f"  {len(kept)} reports ({dict(dropped) or 'none dropped'}); timing ...")
            result = time_format(kept, args.seconds)
            result["dropped"] = dict(dropped)
            result["sources"] = dict(Counter(s.source for s in kept))
            figures["formats"][fmt] = result
            say(f"  {result['reports_per_s_cpu']:.1f} reports/s (CPU), "
                f"{result['reports_per_s_wall']:.1f}/s (wall)")
        if args.slow_samples:
            say("DOC and image-table pages (for information) ...")
        if args.slow_samples:
            figures["slow"] = time_slow(other, image_bytes, args.slow_samples)
        if args.reindex:
            check_distinct(by_format)
            figures["reindex"] = bench_reindex(root, by_format, args.reindex, args.workers)
    figures["load_average"] = os.getloadavg()
    if args.json:
        print(json.dumps(figures, indent=2, ensure_ascii=False))
        return
    print_table(figures)


def print_table(figures: dict) -> None:
    start, end = figures["load_average_start"], figures["load_average"]
    print(f"parser throughput, one process (one core); load average {start[0]:.2f} at start, "
          f"{end[0]:.2f} at end (2 cores shared)")
    for fmt in figures["formats"]:
        f = figures["formats"][fmt]
        value = (f"{f['reports_per_s_cpu']:,.1f}/s CPU ({f['reports_per_s_wall']:,.1f}/s wall)")
        target = TARGETS[fmt]
        detail = (f"{f['documents']} docs x {f['passes']}, {f['mean_kb']:.0f} KB mean, "
                  f"CPU ms/doc mean {f['cpu_ms_per_doc_mean']:.1f} p50 "
                  f"{f['cpu_ms_per_doc_p50']:.1f} max {f['cpu_ms_per_doc_max']:.0f}")
        ok = f["reports_per_s_cpu"] >= target
        print(f"  {fmt.upper():<5} reports/s {value:>34}   target >= {target:<5.0f}/s "
              f"{'PASS' if ok else 'MISS'}   {detail}")
    for kind, f in figures.get("slow", {}).items():
        name = {"doc": "DOC (LibreOffice)", "image": "image tables (OCR)"}[kind]
        print(f"  {name:<19} {f['s_per_doc_mean']:.2f} s/doc wall (max "
              f"{f['s_per_doc_max']:.2f}) over {f['documents']} docs   (for information)")
    r = figures.get("reindex")
    if r:
        mix_text = ", ".join(f"{n:,} {fmt.upper()}" for fmt, n in r["mix"].items())
        print(f"  re-index (xxgk reindex --all) of {r['documents']:,} stored report payloads "
              f"({mix_text}; {r['payload_mb']:.0f} MB), {r['workers']} worker process(es): "
              f"{r['seconds']:.0f} s = {r['seconds'] / 60:.1f} min, "
              f"{r['documents_per_s']:.1f} documents/s, CPU {r['cpu_s']:.0f} s (all processes)")
        print(f"    parsing {r['parse_s']:.0f} s, rebuilding reports {r['rebuild_s']:.0f} s; "
              f"{r['report_documents']:,} report documents, {r['not_reports']} not, "
              f"{r['failed']} failed; {r['reports_written']:,} reports written")
        print(f"    DOC and image-table pages left out of the {r['documents']:,}: a LibreOffice "
              "conversion per DOC and OCR per table image take seconds each (above) and would "
              "swamp the figure")


if __name__ == "__main__":
    main()
