"""National scale on one machine: ``--scale N`` county portals crawled to the end by
``--workers`` distributed workers on PostgreSQL + Redis + an S3 API, against the
politeness-bound ideal.

The world: N generated portals of the simulator (``countyN.sim.gov.cn``, drawn in turn from
its six Hanweb variants, a jpaas, a TRS and an Ucap portal: tests/portalsim/catalog_scale.py;
calm, time scale 1.0), one registry entry each (as ``xxgk sites probe`` writes it, in a temporary
XXGK_SITES_DIR), a moto S3 server over HTTP for the sealed WARC files, a throwaway
PostgreSQL database and a fresh Redis key prefix. ``xxgk crawl --distributed --all`` seeds
the frontier with DOWNLOAD_DELAY ``--delay``; ``xxgk crawl --distributed --wait`` follows the
runs; the workers crawl until the frontier is drained and exit (``--idle-exit``).

Printed, from the simulator's access log and the database:

- wall time of the crawl (first to last request the simulator logged) next to the
  politeness-bound ideal: max over hosts of pages_h x delay (no host can be done sooner)
  and sum_h(pages_h x delay) / min(hosts, slots) (the same work spread over the slots: one
  request in flight per host, every worker has a crawler for every site, so slots = hosts);
  target: within 15 % of the larger. Also the machine's bound: the workers' CPU seconds
  spread over the cores they can have (min(workers, cores)).
- politeness: per host, the smallest gap between two requests and the gaps below the delay
  (minus 10 ms, the simulator's own clock); target 0.
- the frontier's memory per queued request (Redis ``MEMORY USAGE`` of the queues over
  their entries, and of the duplicate filters over their fingerprints), right after seeding
  and at the peak of queued requests (sampled every ``--sample`` seconds).
- CPU seconds of the workers with their archive writer processes, requests per second,
  completeness (every run finished, no incomplete listing, every report URL of the truth
  among the documents found), and an extrapolation to 2,800 portals.

Progress goes to stderr; the figures (or ``--json``) to stdout. Everything it started is
stopped, and the database and the Redis keys dropped, on the way out (Ctrl-C and SIGTERM
included).

    python bench/national.py [--scale 500] [--workers 4] [--delay 1.0] [--json] [--keep]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter, defaultdict
from contextlib import ExitStack, contextmanager, redirect_stdout
from itertools import pairwise
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from crawl_throughput import Simulator, load, say
from distributed import POSTGRES, REDIS_URL, XXGK, Database, tree_cpu, write_sites

NATIONAL = 2800  # county-level portals to extrapolate to
TARGET = 0.15  # measured wall time at most this much above the politeness-bound ideal
TOLERANCE = 0.01  # seconds: the simulator's clock (when its event loop took the request)
BUCKET = "xxgk-bench-national"
CORES = os.cpu_count() or 1


# --- the services ------------------------------------------------------------------------------


@contextmanager
def s3_server():
    """A moto S3 server over HTTP with the bench's bucket; its endpoint."""
    import logging

    import boto3
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # a line per request otherwise
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0)
    with redirect_stdout(sys.stderr):  # its start-up line is progress, not a figure
        server.start()
    try:
        host, port = server.get_host_and_port()
        endpoint = f"http://{host}:{port}"
        boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1",
                     aws_access_key_id="testing", aws_secret_access_key="testing"
                     ).create_bucket(Bucket=BUCKET)
        yield endpoint
    finally:
        server.stop()


@contextmanager
def redis_prefix():
    import redis

    prefix = f"xxgk-bench-{uuid.uuid4().hex[:8]}"
    try:
        yield prefix
    finally:
        client = redis.Redis.from_url(REDIS_URL)
        keys = list(client.scan_iter(f"{prefix}:*", count=1000))
        for i in range(0, len(keys), 1000):
            client.delete(*keys[i:i + 1000])


def environment(work: Path, sites: Path, database: str, prefix: str, s3: str) -> dict[str, str]:
    """What every process of the crawl is configured by (as tests/test_distributed.py)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "XXGK_"))}
    env.update({
        "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1", "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_SHARED_CREDENTIALS_FILE": str(work / "none"), "AWS_CONFIG_FILE": str(work / "none"),
        "XXGK_DATABASE_URL": database, "XXGK_REDIS_URL": REDIS_URL, "XXGK_REDIS_PREFIX": prefix,
        "XXGK_S3_BUCKET": BUCKET, "XXGK_S3_ENDPOINT_URL": s3, "XXGK_S3_PREFIX": "warcs/",
        "XXGK_SITES_DIR": str(sites)})
    return env


@contextmanager
def processes():
    """Processes started in sessions of their own (a terminal's Ctrl-C reaches only the
    bench); on the way out SIGTERM (a worker finishes what it holds), then SIGKILL of
    each one's process group."""
    started: list[subprocess.Popen] = []
    try:
        yield started
    finally:
        alive = [p for p in started if p.returncode is None and p.poll() is None]
        for proc in alive:
            proc.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + 60
        for proc in alive:
            try:
                proc.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                pass
        for proc in started:
            try:
                os.killpg(proc.pid, signal.SIGKILL)  # its archive writer too
            except (ProcessLookupError, PermissionError):
                pass


# --- the frontier's memory -----------------------------------------------------------------------


class Sampler(threading.Thread):
    """Every few seconds: the frontier's keys (queued requests, fingerprints, bytes), the
    workers' CPU and the sites left; the sample with the most requests queued is kept."""

    def __init__(self, prefix: str, every: float) -> None:
        super().__init__(daemon=True)
        import redis

        self.client = redis.Redis.from_url(REDIS_URL)
        self.prefix, self.every = prefix, every
        self.pids: list[int] = []
        self.stopped = threading.Event()
        self.peak: dict = {}
        self.cpu = 0.0
        self.drained_at: float | None = None
        self.latest: dict = {}

    def sample(self) -> dict:
        keys = [k.decode() for k in self.client.scan_iter(f"{self.prefix}:*", count=2000)]
        pipe = self.client.pipeline(transaction=False)
        for key in keys:
            pipe.memory_usage(key, samples=0)
            if key.endswith(":requests"):
                pipe.zcard(key)
            elif key.endswith(":dupefilter"):
                pipe.scard(key)
        answers = iter(pipe.execute())
        s = Counter(dict.fromkeys(("bytes", "queue_bytes", "queued", "filter_bytes",
                                   "fingerprints"), 0))
        for key in keys:
            size = next(answers) or 0
            s["bytes"] += size
            if key.endswith(":requests"):
                s["queue_bytes"] += size
                s["queued"] += next(answers)
            elif key.endswith(":dupefilter"):
                s["filter_bytes"] += size
                s["fingerprints"] += next(answers)
        s["sites"] = self.client.hlen(f"{self.prefix}:sites")
        s["used_memory"] = self.client.info("memory")["used_memory"]
        return dict(s)

    def run(self) -> None:
        while not self.stopped.wait(self.every):
            try:
                latest = self.sample()
            except Exception as exc:  # noqa: BLE001 - a missed sample, not a failed bench
                say(f"  (sample failed: {exc})")
                continue
            self.latest = latest
            if self.pids:
                self.cpu = max(self.cpu, tree_cpu(self.pids))
            if latest["queued"] >= self.peak.get("queued", 0):
                self.peak = latest
            if latest["sites"] == 0 and self.drained_at is None:
                self.drained_at = time.time()


def per_request(sample: dict) -> dict:
    queue = sample.get("queue_bytes", 0) / max(sample.get("queued", 0), 1)
    fingerprint = sample.get("filter_bytes", 0) / max(sample.get("fingerprints", 0), 1)
    return {"queued": sample.get("queued", 0), "fingerprints": sample.get("fingerprints", 0),
            "queue_bytes_per_request": queue, "filter_bytes_per_fingerprint": fingerprint,
            "frontier_bytes": sample.get("bytes", 0)}


# --- the crawl ---------------------------------------------------------------------------------


def crawl(args: argparse.Namespace, sim: Simulator, env: dict[str, str], work: Path,
          prefix: str, started: list[subprocess.Popen]) -> dict:
    """Seed, follow, work until drained; the times, CPU, memory samples and exit codes."""
    delay = ["-s", f"DOWNLOAD_DELAY={args.delay}"]
    sampler = Sampler(prefix, args.sample)
    before = sampler.sample()
    say(f"seeding {args.scale} sites (xxgk crawl --distributed --all) ...")
    t_seed = time.time()
    with (work / "seed.log").open("w") as out:
        seeder = subprocess.Popen([str(XXGK), "crawl", "--distributed", "--all", "--proxy",
                                   sim.proxy, "--home", str(work / "coordinator"),
                                   "--last-year", "2024", *delay, "-s", "LOG_LEVEL=WARNING"],
                                  env={**env, "COLUMNS": "200"}, stdout=out,
                                  stderr=subprocess.STDOUT, start_new_session=True)
        started.append(seeder)
        if seeder.wait(args.timeout) != 0:
            raise RuntimeError(f"seeding failed:\n{(work / 'seed.log').read_text()[-3000:]}")
    seeded = sampler.sample()
    t_workers = time.time()
    say(f"  seeded in {t_workers - t_seed:.0f} s: {seeded['queued']} start requests; "
        f"starting the waiter and {args.workers} workers")
    waiter_log = (work / "wait.log").open("w")
    waiter = subprocess.Popen([str(XXGK), "crawl", "--distributed", "--wait", "--all", "--home",
                               str(work / "coordinator")], env={**env, "COLUMNS": "200"},
                              stdout=waiter_log, stderr=subprocess.STDOUT,
                              start_new_session=True)
    started.append(waiter)
    workers = []
    for i in range(args.workers):
        with (work / f"worker{i}.log").open("w") as out:
            workers.append(subprocess.Popen(
                [str(XXGK), "worker", "--idle-exit", str(args.idle_exit), "--proxy", sim.proxy,
                 "--home", str(work / f"worker{i}"), "-s", "LOG_LEVEL=WARNING"],
                env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True))
    started.extend(workers)
    sampler.pids = [w.pid for w in workers]
    sampler.start()
    usage: dict[int, float] = {}
    codes: dict[int, int] = {}
    shown = time.monotonic()
    deadline = time.monotonic() + args.timeout
    while len(codes) < len(workers):
        for proc in workers:
            if proc.pid in codes:
                continue
            pid, status, rusage = os.wait4(proc.pid, os.WNOHANG)
            if pid:  # its CPU with its reaped children (the archive writer)
                proc.returncode = codes[proc.pid] = os.waitstatus_to_exitcode(status)
                usage[proc.pid] = rusage.ru_utime + rusage.ru_stime
        if time.monotonic() > deadline:
            raise RuntimeError(f"the workers did not finish in {args.timeout:g} s")
        if time.monotonic() - shown >= 15:
            shown = time.monotonic()
            s = sampler.latest
            say(f"  {time.time() - t_workers:5.0f} s: {sim.control('status')['requests']} "
                f"requests, {s.get('sites', '?')} sites left, {s.get('queued', '?')} queued, "
                f"workers {sampler.cpu:.0f} CPU s, load {load()}")
        time.sleep(0.5)
    t_end = time.time()
    try:
        waiter.wait(120)
    except subprocess.TimeoutExpired:
        pass
    waiter_log.close()
    sampler.stopped.set()
    sampler.join()
    return {"t_seed": t_seed, "t_workers": t_workers, "t_end": t_end,
            "t_drained": sampler.drained_at, "seed_s": t_workers - t_seed,
            "before": before, "seeded": seeded, "peak": sampler.peak,
            "cpu_s": sum(usage.values()), "cpu_s_drained": sampler.cpu,
            "worker_codes": [codes[w.pid] for w in workers], "waiter_code": waiter.returncode}


# --- the figures -------------------------------------------------------------------------------


def politeness(log: list[dict], delay: float) -> dict:
    by_host: dict[str, list[float]] = defaultdict(list)
    for entry in log:
        by_host[entry["host"]].append(entry["t"])
    gaps = [b - a for times in by_host.values() for a, b in pairwise(sorted(times))]
    short = [g for g in gaps if g < delay - TOLERANCE]
    return {"pages_by_host": {h: len(t) for h, t in by_host.items()},
            "gap_min": min(gaps) if gaps else None, "violations": len(short),
            "gaps": len(gaps)}


def completeness(database: str, scale: int) -> dict:
    from sqlalchemy import create_engine, text

    from tests.portalsim.truth import report_urls
    from tests.portalsim.world import DEFAULT_AS_OF, build_world

    engine = create_engine(database)
    try:
        with engine.connect() as connection:
            runs = connection.execute(text(
                "select state, finish_reason, incomplete, errors from crawl_runs")).all()
            kinds = connection.execute(text(
                "select kind, coalesce(status, 0), count(*) from crawl_failures "
                "group by 1, 2 order by 3 desc")).all()
            examples = connection.execute(text(
                "select distinct on (kind) kind, url, left(reason, 200) from crawl_failures "
                "order by kind, id")).all()
            found = {(site, url) for site, url in connection.execute(text(
                "select site, url from crawl_documents"))}
    finally:
        engine.dispose()
    world = build_world(0, scale)
    wanted = {(p.spec.key, u["url"]) for p in world.portals.values() if p.spec.is_scale
              for r in p.reports for u in report_urls(r, DEFAULT_AS_OF)}
    missing = sorted(wanted - found)
    return {"runs": len(runs),
            "finished": sum(1 for s, r, _, _ in runs if (s, r) == ("finished", "finished")),
            "incomplete": sum(i for _, _, i, _ in runs), "failures": sum(e for *_, e in runs),
            "failure_kinds": {f"{kind} {status}" if status else kind: n
                              for kind, status, n in kinds},
            "failure_examples": [list(row) for row in examples],
            "report_urls": len(wanted), "missing": len(missing), "missing_first": missing[:5]}


def figures(args: argparse.Namespace, run: dict, log: list[dict], done: dict) -> dict:
    polite = politeness(log, args.delay)
    pages = polite["pages_by_host"]
    total = sum(pages.values())
    hosts = len(pages)
    span = max(e["t"] for e in log) - min(e["t"] for e in log) if log else 0.0
    per_host = max(pages.values(), default=0) * args.delay
    # One request in flight per host (the turns in Redis), and every worker runs a crawler
    # of every site: the slots are one per host and site, whatever the workers.
    slots = hosts * min(args.workers, 1)
    spread = total * args.delay / max(min(hosts, slots), 1)
    ideal = max(per_host, spread)
    cpu_per_page = run["cpu_s"] / total if total else 0.0
    cores = min(args.workers, CORES)
    mean_pages = total / hosts if hosts else 0.0
    # 2,800 portals: the same pages per portal, delay and workers; each worker a core.
    national_work = NATIONAL * mean_pages * cpu_per_page
    return {
        "scale": args.scale, "workers": args.workers, "delay": args.delay, "cores": CORES,
        "hosts": hosts, "requests": total, "pages_per_host_mean": mean_pages,
        "pages_per_host_max": max(pages.values(), default=0),
        "pages_per_host_min": min(pages.values(), default=0),
        "wall_crawl_s": span, "wall_total_s": run["t_end"] - run["t_seed"],
        "seed_s": run["seed_s"],
        "drained_after_s": (run["t_drained"] - run["t_workers"]) if run["t_drained"] else None,
        "ideal_per_host_s": per_host, "ideal_spread_s": spread, "ideal_s": ideal,
        "ratio": span / ideal if ideal else None,
        "cpu_bound_s": run["cpu_s"] / cores, "requests_per_s": total / span if span else 0.0,
        "cpu_s": run["cpu_s"], "cpu_s_when_drained": run["cpu_s_drained"],
        "cpu_ms_per_request": 1000 * cpu_per_page,
        "gap_min_s": polite["gap_min"], "gaps": polite["gaps"],
        "violations": polite["violations"],
        "frontier_seeded": per_request(run["seeded"]), "frontier_peak": per_request(run["peak"]),
        "redis_used_memory_delta_seeding": run["seeded"]["used_memory"]
        - run["before"]["used_memory"],
        "worker_exit_codes": run["worker_codes"], "waiter_exit_code": run["waiter_code"],
        **{f"runs_{k}" if k in ("finished", "incomplete", "failures") else k: v
           for k, v in done.items()},
        "national": {"portals": NATIONAL, "requests": NATIONAL * mean_pages,
                     "per_host_bound_s": per_host, "work_s": national_work / args.workers,
                     "wall_s": max(per_host, national_work / args.workers),
                     "here_s": max(per_host, national_work / cores),
                     "at_rate_here_s": NATIONAL * mean_pages / (total / span) if span else 0.0,
                     "seed_s": run["seed_s"] * NATIONAL / args.scale,
                     "frontier_peak_bytes": run["peak"].get("bytes", 0) * NATIONAL / args.scale},
    }


def minutes(seconds: float) -> str:
    return f"{seconds:,.0f} s ({seconds / 60:.1f} min)"


def report(f: dict) -> None:
    verdict = "met" if f["ratio"] is not None and f["ratio"] <= 1 + TARGET else "NOT met"
    seeded, peak, nat = f["frontier_seeded"], f["frontier_peak"], f["national"]
    lines = [
        (f"national bench: {f['scale']} portals ({f['hosts']} hosts), {f['workers']} workers, "
         f"delay {f['delay']:g} s, {f['cores']} cores, load {load()}"),
        (f"requests logged        {f['requests']:,} ({f['pages_per_host_mean']:.1f} per host; "
         f"min {f['pages_per_host_min']}, max {f['pages_per_host_max']})"),
        f"ideal, per host        {minutes(f['ideal_per_host_s'])}  max_h pages_h x delay",
        (f"ideal, spread          {minutes(f['ideal_spread_s'])}  sum_h pages_h x delay / "
         f"min(hosts, slots = hosts)"),
        f"measured wall (crawl)  {minutes(f['wall_crawl_s'])}  first to last request",
        (f"ratio                  {f['ratio']:.2f} x the ideal (target <= {1 + TARGET:.2f}: "
         f"{verdict})"),
        (f"machine bound          {minutes(f['cpu_bound_s'])}  workers' CPU / "
         f"min({f['workers']} workers, {f['cores']} cores)"),
        (f"end to end             {minutes(f['wall_total_s'])} (seeding {f['seed_s']:.0f} s; "
         f"frontier drained {f['drained_after_s'] or 0:.0f} s after the workers started)"),
        (f"rate                   {f['requests_per_s']:.1f} requests/s (ideal "
         f"{f['hosts'] / f['delay']:.0f}/s: every host at 1 per {f['delay']:g} s)"),
        (f"politeness             smallest gap {f['gap_min_s']:.3f} s; {f['violations']} of "
         f"{f['gaps']:,} gaps below {f['delay']:g} s - {TOLERANCE:g} s (target 0)"),
        (f"frontier after seeding {seeded['queued']:,} queued: "
         f"{seeded['queue_bytes_per_request']:,.0f} B/request in the queues + "
         f"{seeded['filter_bytes_per_fingerprint']:,.0f} B/fingerprint; "
         f"{seeded['frontier_bytes'] / 1e6:.1f} MB in all (used_memory "
         f"{f['redis_used_memory_delta_seeding'] / 1e6:+.1f} MB)"),
        (f"frontier at its peak   {peak['queued']:,} queued: "
         f"{peak['queue_bytes_per_request']:,.0f} B/request + "
         f"{peak['filter_bytes_per_fingerprint']:,.0f} B/fingerprint "
         f"({peak['fingerprints']:,}); {peak['frontier_bytes'] / 1e6:.1f} MB in all"),
        (f"CPU                    {f['cpu_s']:,.0f} s workers + archive writers "
         f"({f['cpu_ms_per_request']:.1f} ms/request; {f['cpu_s_when_drained']:,.0f} s when the "
         f"frontier drained)"),
        (f"completeness           runs {f['runs_finished']}/{f['runs']} finished, "
         f"{f['runs_incomplete']} incomplete listings, {f['runs_failures']} failures recorded "
         f"({', '.join(f'{k}: {n}' for k, n in f['failure_kinds'].items()) or 'none'}); "
         f"report URLs of the truth found {f['report_urls'] - f['missing']:,}/"
         f"{f['report_urls']:,}; exit codes workers {f['worker_exit_codes']}, waiter "
         f"{f['waiter_exit_code']}"),
    ]
    if f["missing"]:
        lines.append(f"  missing, first: {f['missing_first']}")
    for kind, url, reason in f["failure_examples"]:
        lines.append(f"  a failure of kind {kind}: {url}: {reason}")
    lines += [
        (f"extrapolation to {nat['portals']:,} portals ({f['pages_per_host_mean']:.0f} requests "
         f"per portal as measured, delay {f['delay']:g} s, {f['workers']} workers, "
         f"{f['cpu_ms_per_request']:.1f} CPU ms/request as measured, no other limit):"),
        (f"  {nat['requests']:,.0f} requests; per-host bound {minutes(nat['per_host_bound_s'])}; "
         f"work / workers {minutes(nat['work_s'])} (a core per worker)"),
        (f"  wall = max(per-host bound, work / workers) = {minutes(nat['wall_s'])}; on this "
         f"machine ({min(f['workers'], f['cores'])} cores for the workers): "
         f"{minutes(nat['here_s'])}; at the rate measured here: {minutes(nat['at_rate_here_s'])}"),
        (f"  seeding (as measured per site, one coordinator): {minutes(nat['seed_s'])}; frontier "
         f"at its peak (as measured per portal): {nat['frontier_peak_bytes'] / 1e6:,.0f} MB"),
    ]
    print("\n".join(lines))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=int, default=500, help="generated portals (hosts)")
    parser.add_argument("--workers", type=int, default=4, help="`xxgk worker` processes")
    parser.add_argument("--delay", type=float, default=1.0, help="DOWNLOAD_DELAY per host (s)")
    parser.add_argument("--idle-exit", type=float, default=10.0,
                        help="a worker exits after the frontier had no site this long (s)")
    parser.add_argument("--sample", type=float, default=5.0,
                        help="seconds between samples of the frontier")
    parser.add_argument("--timeout", type=float, default=4 * 3600.0,
                        help="give up after this long (s)")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--keep", action="store_true", help="keep the work folder (logs)")
    args = parser.parse_args(argv)
    # SIGTERM unwinds like Ctrl-C: every context below cleans up.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    work = Path(tempfile.mkdtemp(prefix="xxgk-bench-national-"))
    sites = work / "sites"
    write_sites(sites, args.scale)
    try:
        with ExitStack() as stack:
            sim = stack.enter_context(Simulator(work, scale=args.scale))
            hosts = {h for h in sim.control("status")["hosts"] if h.endswith(".sim.gov.cn")}
            s3 = stack.enter_context(s3_server())
            database = stack.enter_context(Database())
            prefix = stack.enter_context(redis_prefix())
            started = stack.enter_context(processes())
            say(f"simulator {sim.proxy} ({len(hosts)} generated portals), S3 {s3}, PostgreSQL "
                f"{POSTGRES.rsplit('@', 1)[-1]}/{database.rsplit('/', 1)[-1]}, Redis prefix "
                f"{prefix}; load {load()}")
            start = sim.control("status")["requests"]
            run = crawl(args, sim, environment(work, sites, database, prefix, s3), work,
                        prefix, started)
            log = [e for e in sim.control(f"log?since={start}") if e["host"] in hosts]
            say(f"checking the {len(log):,} requests and the database ...")
            result = figures(args, run, log, completeness(database, args.scale))
    finally:
        if args.keep:
            say(f"work folder kept: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    if args.json:
        print(json.dumps(result, indent=1))
    else:
        report(result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
