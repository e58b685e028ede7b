"""The scheduler as operators run it (`xxgk scheduler run`, real processes, real clock):
killed with -9 in the middle of a crawl and started again, it keeps its job store and runs
the interrupted crawl again to completion with nothing lost or fetched twice; two
schedulers started together run jobs in one only, and the standby takes over when the
active one is killed (SQLite's lock file and PostgreSQL's advisory lock)."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError

from tests.conftest import ProxyClient
from tests.pgdb import throwaway_database
from tests.portalsim.truth import truth
from tests.registry_helpers import registry_with_schedule
from tests.test_crawl_resume import _path

YEARLY = "0 3 1 1 *"  # not due during a test: only triggered runs happen


def _xxgk(*args: str, env: dict[str, str], log: Path | None = None) -> subprocess.Popen:
    out = log.open("ab") if log is not None else subprocess.DEVNULL
    return subprocess.Popen([sys.executable, "-m", "xxgk", *args], env=env,
                            stdout=out, stderr=subprocess.STDOUT, start_new_session=True)


def _db(home: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(home / "xxgk.sqlite3", timeout=30) as db:
        return db.execute(sql).fetchall()


def _wait(condition, timeout: float, what: str) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if condition():
                return
        except (sqlite3.OperationalError, DBAPIError):
            pass  # the database is being created (or migrated) or is busy
        time.sleep(0.3)
    raise AssertionError(f"timed out waiting for {what}")


def test_killed_scheduler_reruns_the_interrupted_crawl(tmp_path, world):
    from tests.conftest import _running

    sim = _running(world, calm=True)
    client = ProxyClient(sim.port)
    home = tmp_path / "home"
    env = {**os.environ, "XXGK_HOME": str(home),
           "XXGK_SITES_DIR": str(registry_with_schedule(tmp_path / "sites", ("jiaxiang",),
                                                        YEARLY))}
    env.pop("XXGK_DATABASE_URL", None)
    run_args = ["scheduler", "run", "--proxy", sim.proxy, "-s", "DOWNLOAD_DELAY=0.02",
                "-s", "LOG_LEVEL=WARNING"]
    log = tmp_path / "scheduler.log"
    try:
        assert subprocess.run([sys.executable, "-m", "xxgk", "scheduler", "trigger",
                               "jiaxiang"], env=env, capture_output=True,
                              timeout=120).returncode == 0
        first = _xxgk(*run_args, env=env, log=log)
        _wait(lambda: _db(home, "select count(*) from captures where record_type = "
                                "'response'")[0][0] >= 150, 300, "150 archived responses")
        jobs_before = _db(home, "select id, next_run_time from apscheduler_jobs")
        os.kill(first.pid, signal.SIGKILL)  # the scheduler alone: its crawl dies with it
        first.wait()
        killed_at = len(client.control("log"))
        # The crawl died with the scheduler; its archive writer drains what it was given
        # and seals its file.
        _wait(lambda: not list((home / "archive").glob("*.open")), 60,
              "the archive writer to finish")
        before = _db(home, "select id, url, status, record_type from captures")
        assert _db(home, "select state from scheduled_runs") == [("running",)]
        # The job store is intact: the site's job and its next fire time are as they were.
        assert _db(home, "select id, next_run_time from apscheduler_jobs") == jobs_before
        assert [job for job, _ in jobs_before] == ["jiaxiang"]  # the manual job was taken

        second = _xxgk(*run_args, env=env, log=log)
        _wait(lambda: _db(home, "select state from scheduled_runs")[0][0] != "running",
              600, "the re-run to finish")
        second.send_signal(signal.SIGTERM)
        assert second.wait(timeout=120) == 0
        after_log = client.control("log")[killed_at:]
        facts = truth(world, sim.simulator.as_of, 0.05)
    finally:
        for process in ("first", "second"):
            running = locals().get(process)
            if running is not None and running.poll() is None:
                os.killpg(running.pid, signal.SIGKILL)
        sim.stop()
    assert _db(home, "select trigger, state, attempts from scheduled_runs") == [
        ("manual", "succeeded", 2)], log.read_text()[-3000:]
    assert _db(home, "select state, resumed from crawl_runs") == [("finished", 1)]
    after = {row[0]: row for row in _db(home, "select id, url, status, record_type "
                                              "from captures")}
    assert all(after.get(row[0]) == row for row in before)  # nothing lost
    archived = {_path(url) for _, url, status, kind in before
                if status == 200 and kind in ("response", "revisit")}
    # Nothing fetched twice, but robots.txt: asked for on every run, for its Crawl-delay.
    again = [e["path"] for e in after_log if e["method"] == "GET" and e["path"] in archived
             and e["path"] != "/robots.txt"]
    assert not again, again[:5]
    got = {(u, m) for u, m in _db(home, "select url, mime from captures where status = 200 "
                                        "and record_type in ('response', 'revisit')")}
    wanted = [(u["url"], u["content_type"]) for r in facts["reports"]
              if r["portal"] == "jiaxiang" and r["status"] == "published" for u in r["urls"]]
    assert wanted and not [w for w in wanted if w not in got]
    # Indexed once, announced once: one report.new per report, no duplicates.
    news = _db(home, "select organisation, year, count(*) from events "
                     "where kind = 'report.new' group by organisation, year")
    assert news and all(count == 1 for _, _, count in news)
    verify = subprocess.run([sys.executable, "-m", "xxgk", "archive", "verify"],
                            env=env, capture_output=True, text=True, timeout=300)
    assert verify.returncode == 0, verify.stdout[-2000:]
    assert _db(home, "select stopped_at is not null from scheduler_leader") == [(1,)]


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request) -> Iterator[str | None]:
    if request.param == "sqlite":
        yield None
        return
    with throwaway_database("xxgk_scheduler") as url:
        yield url


def test_one_scheduler_acts_and_the_standby_takes_over(tmp_path, database):
    home = tmp_path / "home"
    env = {**os.environ, "XXGK_HOME": str(home),
           "XXGK_SITES_DIR": str(registry_with_schedule(
               tmp_path / "sites", ("jiaxiang", "wenshang"), YEARLY))}
    env.pop("XXGK_DATABASE_URL", None)
    if database:
        env["XXGK_DATABASE_URL"] = database
    engine = create_engine(database or f"sqlite:///{home / 'xxgk.sqlite3'}")

    def leader() -> tuple | None:
        with engine.connect() as connection:
            return connection.execute(text(
                "select holder, stopped_at from scheduler_leader")).first()

    logs = [tmp_path / "a.log", tmp_path / "b.log"]
    processes = [_xxgk("scheduler", "run", env=env, log=path) for path in logs]
    try:
        _wait(lambda: leader() is not None, 60, "a scheduler to lead")
        _wait(lambda: all("this scheduler is active" in p.read_text()
                          or "standing by" in p.read_text() for p in logs), 60,
              "both schedulers to have tried the lock")
        holder = leader()[0]
        active = [p for p in processes if holder.endswith(f":{p.pid}")]
        assert len(active) == 1
        standby = next(p for p in processes if p is not active[0])
        texts = [path.read_text() for path in logs]
        assert sum("this scheduler is active" in t for t in texts) == 1
        assert sum("standing by" in t for t in texts) == 1
        with engine.connect() as connection:
            jobs = {r[0] for r in connection.execute(text("select id from apscheduler_jobs"))}
        assert jobs == {"jiaxiang", "wenshang"}  # one job per site, made by the active one

        os.kill(active[0].pid, signal.SIGKILL)
        active[0].wait()
        _wait(lambda: leader()[0].endswith(f":{standby.pid}"), 30, "the standby to take over")
        standby.send_signal(signal.SIGTERM)
        assert standby.wait(timeout=60) == 0
        assert leader()[1] is not None  # a clean stop is recorded
    finally:
        for process in processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
        engine.dispose()
