"""Distributed crawl throughput: aggregate pages/s of 1 vs 2 `xxgk worker` processes.

``--scale N`` generated portals of the simulator (``countyN.sim.gov.cn``: Hanweb, jpaas, TRS
and Ucap in turn, calm, time scale 1.0), each a registry site of its own (written to a temporary XXGK_SITES_DIR), crawled
by the real spiders at DOWNLOAD_DELAY 1.0 (one request per second per host, the per-host
turns in Redis): ideally N pages/s whatever the number of workers, as long as the workers
keep up. Each measurement: a fresh PostgreSQL database, a fresh Redis key prefix,
``xxgk crawl --distributed --all``, then the workers; the rate is what the simulator logged
over a window of the steady part (after ``--warm`` seconds, for ``--seconds``), then the
workers are stopped (SIGTERM). A control first: the same sites crawled by one
single-process ``xxgk crawl --all`` (the same database, no Redis). Also printed: the
per-host gaps, CPU ms per page of the crawl's processes (with their archive writer
processes), the simulator's share of a core and the load average. Needs PostgreSQL and
Redis (as the tests: XXGK_TEST_POSTGRES, XXGK_TEST_REDIS); WARC files stay local (S3 only
matters at sealing).

    python bench/distributed.py [--scale 100] [--workers 0 1 2] [--warm 30] [--seconds 30]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from itertools import pairwise
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from crawl_throughput import Simulator, load, say  # noqa: E402 - the bench's simulator

XXGK = Path(sys.executable).with_name("xxgk")
DELAY = 1.0
POSTGRES = os.environ.get("XXGK_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432")
REDIS_URL = os.environ.get("XXGK_TEST_REDIS", "redis://127.0.0.1:6379/0")
_TICK = os.sysconf("SC_CLK_TCK")


def write_sites(directory: Path, scale: int) -> list[str]:
    """One registry entry per generated portal, as ``xxgk sites probe`` writes it (Hanweb,
    jpaas, TRS and Ucap portals in turn: tests/portalsim/catalog_scale.py)."""
    import yaml

    from tests.portalsim.catalog_scale import scale_portal
    from tests.portalsim.registry_entries import registry_entry

    directory.mkdir(parents=True, exist_ok=True)
    keys = []
    for i in range(1, scale + 1):
        entry = registry_entry(scale_portal(i))
        (directory / f"{entry['key']}.yaml").write_text(
            yaml.safe_dump(entry, allow_unicode=True), encoding="utf-8")
        keys.append(entry["key"])
    return keys


def tree_cpu(pids: list[int]) -> float:
    """CPU seconds of these processes and their descendants (the archive writers)."""
    parents: dict[int, int] = {}
    times: dict[int, float] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid = int(stat.parent.name)
        parents[pid] = int(fields[1])
        times[pid] = (int(fields[11]) + int(fields[12])) / _TICK
    wanted = set(pids)
    changed = True
    while changed:
        extra = {pid for pid, parent in parents.items() if parent in wanted} - wanted
        wanted |= extra
        changed = bool(extra)
    return sum(times.get(pid, 0.0) for pid in wanted)


class Database:
    """A throwaway PostgreSQL database."""

    def __init__(self) -> None:
        from sqlalchemy import create_engine

        self.name = f"xxgk_bench_{uuid.uuid4().hex[:8]}"
        self.admin = create_engine(f"{POSTGRES}/postgres", isolation_level="AUTOCOMMIT")
        self.url = f"{POSTGRES}/{self.name}"

    def __enter__(self) -> str:
        from sqlalchemy import text

        with self.admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{self.name}"'))
        return self.url

    def __exit__(self, *exc: object) -> None:
        from sqlalchemy import text

        with self.admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE "{self.name}" WITH (FORCE)'))
        self.admin.dispose()


def crawl_commands(workers: int, sim: Simulator, work: Path) -> list[list[str]]:
    """The processes of one measurement: ``workers`` workers of a seeded frontier, or with
    0 the control, one single-process ``xxgk crawl --all`` (no Redis)."""
    if workers == 0:
        return [[str(XXGK), "crawl", "--all", "--proxy", sim.proxy, "--home",
                 str(work / "single-home"), "--last-year", "2024",
                 "-s", f"DOWNLOAD_DELAY={DELAY}", "-s", "LOG_LEVEL=WARNING"]]
    return [[str(XXGK), "worker", "--proxy", sim.proxy, "--home",
             str(work / f"{workers}-home{i}"), "-s", "LOG_LEVEL=WARNING"]
            for i in range(workers)]


def measure(sim: Simulator, hosts: set[str], workers: int, sites_dir: Path, work: Path,
            warm: float, seconds: float) -> dict:
    import redis

    prefix = f"xxgk-bench-{uuid.uuid4().hex[:8]}"
    with Database() as database:
        env = {k: v for k, v in os.environ.items() if not k.startswith("XXGK_")}
        env.update({"XXGK_DATABASE_URL": database, "XXGK_REDIS_URL": REDIS_URL,
                    "XXGK_REDIS_PREFIX": prefix, "XXGK_SITES_DIR": str(sites_dir)})
        if workers:
            seeded = subprocess.run([str(XXGK), "crawl", "--distributed", "--all", "--proxy",
                                     sim.proxy, "--home", str(work / "coordinator"),
                                     "--last-year", "2024", "-s", f"DOWNLOAD_DELAY={DELAY}"],
                                    env=env, capture_output=True, text=True, timeout=600)
            if seeded.returncode != 0:
                raise RuntimeError(f"seeding failed:\n{seeded.stderr[-3000:]}")
        start = sim.control("status")["requests"]
        commands = crawl_commands(workers, sim, work)
        logs = [(work / f"{workers}-process{i}.log").open("w") for i in range(len(commands))]
        procs = [subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
                 for command, log in zip(commands, logs, strict=True)]
        load_start = load()
        try:
            time.sleep(warm)
            cpu_start, t_start = tree_cpu([p.pid for p in procs]), time.time()
            sim_cpu_start = tree_cpu([sim.proc.pid])
            time.sleep(seconds)
            cpu_end, t_end = tree_cpu([p.pid for p in procs]), time.time()
            sim_cpu = tree_cpu([sim.proc.pid]) - sim_cpu_start
            load_end = load()
        finally:
            for proc in procs:
                proc.send_signal(signal.SIGTERM)
            for proc in procs:
                try:
                    proc.wait(120)
                except subprocess.TimeoutExpired:
                    proc.kill()
            for log in logs:
                log.close()
            client = redis.Redis.from_url(REDIS_URL)
            keys = list(client.scan_iter(f"{prefix}:*"))
            if keys:
                client.delete(*keys)
    log = [e for e in sim.control(f"log?since={start}") if e["host"] in hosts]
    inside = [e for e in log if t_start <= e["t"] < t_end]
    pages = len(inside)
    by_host: dict[str, list[float]] = {}
    for entry in inside:
        by_host.setdefault(entry["host"], []).append(entry["t"])
    gaps = sorted(b - a for times in by_host.values() for a, b in pairwise(sorted(times)))
    return {"workers": workers, "pages_per_s": pages / (t_end - t_start),
            "window_s": t_end - t_start, "requests": len(log),
            "hosts_seen": len(by_host),
            "gap_min": gaps[0] if gaps else None,
            "gap_median": statistics.median(gaps) if gaps else None,
            "gap_p95": gaps[int(0.95 * (len(gaps) - 1))] if gaps else None,
            "cpu_ms_per_page": 1000 * (cpu_end - cpu_start) / pages if pages else 0.0,
            # the simulator's share: one process, one core at most
            "simulator_cpu_share": sim_cpu / (t_end - t_start),
            "simulator_ms_p50": statistics.median(e["ms"] for e in inside) if inside else 0.0,
            "load": f"{load_start} -> {load_end}"}


def label(workers: int) -> str:
    return "single process" if workers == 0 else f"{workers} worker{'s' if workers > 1 else ''}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=int, default=100, help="generated portals (hosts)")
    parser.add_argument("--workers", type=int, nargs="+", default=[0, 1, 2],
                        help="worker counts to measure, in order; 0 is the control, a "
                             "single-process `xxgk crawl --all` (default 0 1 2)")
    parser.add_argument("--warm", type=float, default=30.0,
                        help="seconds left out at the start (start-up, robots.txt)")
    parser.add_argument("--seconds", type=float, default=30.0, help="the measured window")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--keep", action="store_true", help="keep the work folder (logs)")
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="xxgk-bench-distributed-"))
    sites_dir = work / "sites"
    write_sites(sites_dir, args.scale)
    results = []
    with Simulator(work, scale=args.scale) as sim:
        hosts = {h for h in sim.control("status")["hosts"] if h.endswith(".sim.gov.cn")}
        say(f"simulator on {sim.proxy}: {len(hosts)} generated portals, {DELAY:g} s between "
            f"requests per host; load {load()}")
        for workers in args.workers:
            result = measure(sim, hosts, workers, sites_dir, work, args.warm, args.seconds)
            results.append(result)
            say(f"  {label(workers)}: {result['pages_per_s']:.1f} pages/s over "
                f"{result['window_s']:.0f} s ({result['hosts_seen']} hosts; per-host gap min "
                f"{result['gap_min']:.3f} s, median {result['gap_median']:.3f} s, p95 "
                f"{result['gap_p95']:.3f} s), "
                f"{result['cpu_ms_per_page']:.1f} ms CPU/page; simulator "
                f"{result['simulator_cpu_share']:.0%} of a core, {result['simulator_ms_p50']:.0f}"
                f" ms per answer; load {result['load']}")
    ideal = len(hosts) / DELAY
    if args.keep:
        say(f"work folder kept: {work}")
    else:
        shutil.rmtree(work, ignore_errors=True)
    if args.json:
        print(json.dumps({"ideal_pages_per_s": ideal, "runs": results}, indent=1))
        return 0
    print(f"{'crawl':<16}  {'pages/s':>8}  {'of ideal':>8}  {'CPU ms/page':>11}  load 1/5/15")
    for r in results:
        print(f"{label(r['workers']):<16}  {r['pages_per_s']:>8.1f}  {r['pages_per_s'] / ideal:>8.0%}  "
              f"{r['cpu_ms_per_page']:>11.1f}  {r['load']}")
    print(f"ideal: {ideal:.0f} pages/s ({len(hosts)} hosts at {1 / DELAY:g} request/s each)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
