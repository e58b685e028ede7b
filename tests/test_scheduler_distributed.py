"""The scheduler hands its crawls to the distributed workers (`xxgk scheduler run
--distributed`): a fire time seeds the shared frontier in Redis, two `xxgk worker` processes
crawl the site into one PostgreSQL database and S3, the scheduled run waits for the site to
drain, then indexes and raises its events as it does for a local crawl."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.exc import ProgrammingError

from tests.pgdb import throwaway_database
from tests.portalsim.truth import truth
from tests.registry_helpers import registry_with_schedule
from tests.test_distributed import _environment, _redis_prefix, s3_endpoint  # noqa: F401

XXGK = Path(sys.executable).with_name("xxgk")
SITE = "jiaxiang"
AS_OF = date(2024, 6, 30)
FIRE = "0 3 1 * *"  # once in the simulated period: 2024-07-01 03:00 China time


def _query(database: str, sql: str) -> list[tuple]:
    engine = create_engine(database)
    try:
        with engine.connect() as connection:
            return [tuple(row) for row in connection.execute(text(sql))]
    finally:
        engine.dispose()


def test_a_scheduled_crawl_runs_on_the_workers(tmp_path, world, s3_endpoint) -> None:  # noqa: F811
    from tests.conftest import _running

    sites = registry_with_schedule(tmp_path / "sites", (SITE,), FIRE)
    sim = _running(world, calm=True, as_of=AS_OF)
    with throwaway_database("xxgk_scheduled") as database, _redis_prefix() as prefix:
        env = {**_environment(tmp_path, database, prefix, s3_endpoint),
               "XXGK_SITES_DIR": str(sites), "XXGK_DISTRIBUTED": "true"}
        workers = [subprocess.Popen(
            [str(XXGK), "worker", "--proxy", sim.proxy, "--home", str(tmp_path / f"worker{i}")],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env)
            for i in (1, 2)]
        scheduler = subprocess.Popen(
            [str(XXGK), "scheduler", "run", "--home", str(tmp_path / "scheduler"),
             "--proxy", sim.proxy, "-s", "DOWNLOAD_DELAY=0.02", "-s", "LOG_LEVEL=WARNING",
             "--simulate-from", "2024-06-28T00:00:00", "--simulate-until", "2024-07-05T00:00:00"],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env)
        try:
            deadline = time.monotonic() + 420
            done: list[tuple] = []
            while time.monotonic() < deadline and not done:
                time.sleep(2)
                # The scheduler may end by itself once its simulated period is over (then
                # its run is in the database already); it must not have ended in error.
                assert scheduler.poll() in (None, 0), scheduler.stderr.read()[-3000:]
                try:
                    done = _query(database, "select state, error, crawl_exit_code, "
                                            "index_exit_code, crawl_run_id from scheduled_runs "
                                            "where state <> 'running'")
                except ProgrammingError:  # the scheduler has not made its tables yet
                    continue
            facts = truth(world, AS_OF, 0.05)
            documents = {u for (u,) in _query(database, "select url from crawl_documents")}
            runs = _query(database, "select host, state, incomplete from crawl_runs")
            reports = _query(database, "select count(*) from reports")
        finally:
            for process in (scheduler, *workers):
                process.send_signal(signal.SIGTERM)
            for process in (scheduler, *workers):
                try:
                    process.wait(timeout=60)
                except subprocess.TimeoutExpired:
                    process.kill()
            sim.stop()
    assert done, "the scheduled run did not finish"
    ((state, error, crawl_code, index_code, _crawl_run),) = done
    assert (state, crawl_code, index_code) == ("succeeded", 0, 0), error
    (host, run_state, incomplete), = runs
    assert host.startswith("redis:") and run_state == "finished" and incomplete == 0
    wanted = {u["url"] for r in facts["reports"] if r["portal"] == SITE for u in r["urls"]
              if u["role"] in ("article", "endpoint")}
    assert wanted and wanted <= documents, sorted(wanted - documents)[:3]
    assert reports[0][0] > 0
