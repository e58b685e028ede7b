"""The scheduler over simulated months against the portal simulator: every fire time of
every site's cron runs once (crawl, index, events), the simulator's date follows the
scheduler's clock, and the events are exactly what changed on the portals between runs,
delivered to a real local webhook receiver (which refuses its first delivery: retried)."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import threading
from collections import Counter
from datetime import date, datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from crawler.registry import load_registry
from scheduler.clock import SimulatedClock
from scheduler.service import PORTAL_TIMEZONE, SchedulerService, next_fire_after
from scheduler.sinks import LogSink, WebhookSink
from tests.conftest import ProxyClient
from tests.portalsim.truth import truth
from tests.registry_helpers import registry_with_schedule
from xxgk.base.home import Home

SITES = ("jiaxiang", "wenshang")
MONTHLY = "0 3 1 * *"  # 03:00 China time on the 1st: Sep 1, Oct 1, Nov 1 in the period
START = datetime(2024, 8, 25, tzinfo=timezone.utc)
END = datetime(2024, 11, 10, tzinfo=timezone.utc)
CRAWL_ARGS = ["--last-year", "2024", "-s", "DOWNLOAD_DELAY=0.02", "-s", "LOG_LEVEL=WARNING"]


class Receiver(ThreadingHTTPServer):
    """A webhook endpoint that records every POST; its very first answer is a 503."""

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.received: list[dict] = []
        self.refused = 0
        self.lock = threading.Lock()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/hook"


class _Handler(BaseHTTPRequestHandler):
    server: Receiver

    def do_POST(self) -> None:  # noqa: N802 - http.server's name
        body = self.rfile.read(int(self.headers["Content-Length"]))
        with self.server.lock:
            if self.server.refused == 0:
                self.server.refused += 1
                self.send_response(503)
                self.end_headers()
                return
            self.server.received.append(json.loads(body))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def months(tmp_path_factory, world):
    from tests.conftest import _running

    tmp = tmp_path_factory.mktemp("scheduler")
    sites = load_registry(registry_with_schedule(tmp / "sites", SITES, MONTHLY))
    sim = _running(world, calm=True, as_of=START.date())
    client = ProxyClient(sim.port)
    receiver = Receiver()
    threading.Thread(target=receiver.serve_forever, daemon=True).start()
    crawl_dates: list[date] = []

    def follow(now: datetime) -> None:  # the portals live at the scheduler's time
        today = now.astimezone(PORTAL_TIMEZONE).date()
        if not crawl_dates or crawl_dates[-1] != today:
            crawl_dates.append(today)
        client.control(f"as-of?date={today}", "POST")

    clock = SimulatedClock(START, END, on_advance=follow)
    home = Home(tmp / "home")
    service = SchedulerService(home, sites, [LogSink(), WebhookSink(receiver.url)],
                               clock=clock, crawl_args=["--proxy", sim.proxy, *CRAWL_ARGS],
                               env={"XXGK_SITES_DIR": str(tmp / "sites")}, max_parallel=2)
    service.deliverer.backoff = 60.0
    runner = threading.Thread(target=service.run)
    try:
        runner.start()
        runner.join(timeout=1500)
        assert not runner.is_alive(), "the simulated months did not end"
    finally:
        service.stop.set()
        runner.join(timeout=120)
        sim.stop()
        receiver.shutdown()
    return {"home": home.root, "sites": sites, "world": world, "receiver": receiver,
            "dates": crawl_dates}


def _rows(home: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(home / "xxgk.sqlite3") as db:
        return db.execute(sql).fetchall()


def test_every_fire_time_runs_once(months):
    home, sites = months["home"], months["sites"]
    runs = _rows(home, "select site, scheduled_for, state, attempts, crawl_run_id "
                       "from scheduled_runs order by site, scheduled_for")
    for key in SITES:
        wanted = [f.astimezone(timezone.utc).replace(tzinfo=None)
                  for f in next_fire_after(sites[key], START, 10) if f < END]
        assert len(wanted) == 3  # Sep 1, Oct 1, Nov 1 at 03:00 China time
        got = [r for r in runs if r[0] == key]
        assert [datetime.fromisoformat(r[1]) for r in got] == wanted
        assert all(state == "succeeded" and attempts == 1 for _, _, state, attempts, _ in got)
        crawl_runs = _rows(home, f"select id from crawl_runs where site = '{key}'")
        assert sorted(r[4] for r in got) == sorted(r[0] for r in crawl_runs)


def _expected(world, dates: list[date]) -> Counter:
    """(kind, organisation, year) of every event the portals' changes call for."""
    wanted: Counter = Counter()
    announced: dict[tuple[str, int], dict] = {}
    for day in dates:
        reports = {(r["org"], r["year"]): r for r in truth(world, day, 0.05)["reports"]
                   if r["portal"] in SITES}
        for key, report in reports.items():
            before = announced.get(key)
            if report["status"] == "published" and before is None:
                wanted[("report.new", *key)] += 1
                if report["failing_checks"]:
                    wanted[("checks.failed", *key)] += 1
            elif report["status"] == "published" and \
                    len(report["versions"]) > len(before["versions"]):
                wanted[("report.revised", *key)] += 1
                if report["failing_checks"]:
                    wanted[("checks.failed", *key)] += 1
            elif report["status"] == "removed" and before is not None \
                    and before["status"] == "published":
                wanted[("report.removed", *key)] += 1
            announced[key] = report
    return wanted


def test_events_are_exactly_what_changed(months):
    home = months["home"]
    assert months["dates"][:3] == [date(2024, 9, 1), date(2024, 10, 1), date(2024, 11, 1)]
    wanted = _expected(months["world"], months["dates"][:3])
    # The seed reports name themselves as their real text does (济宁市汶上县杨店镇人民政府
    # where the simulator's catalog says 汶上县杨店镇人民政府; see tests/test_index.py).
    seeds = {r["org"] for r in truth(months["world"], months["dates"][2], 0.05)["reports"]
             if r["seed"]}

    def named(org: str) -> str:
        return next((seed for seed in seeds if org != seed and org.endswith(seed)), org)

    got = Counter((kind, named(org), year) for kind, org, year in _rows(
        home, "select kind, organisation, year from events"))
    assert {k for k in wanted if k[0] == "report.revised"} and \
        {k for k in wanted if k[0] == "report.removed"}, "the period must hold both changes"
    assert got == wanted, (sorted(set(got) - set(wanted))[:5], sorted(set(wanted) - set(got))[:5])


def test_revised_event_names_the_changed_values(months):
    (detail,) = [json.loads(d) for (d,) in _rows(
        months["home"], "select detail from events where kind = 'report.revised'")]
    assert detail["version"] == 2 and detail["previous_version"] == 1
    assert detail["changes"] and all({"table", "row", "column", "old", "new"} <= set(c)
                                     for c in detail["changes"])


def test_the_webhook_got_every_event_once_after_a_refusal(months):
    home, receiver = months["home"], months["receiver"]
    ids = [e for (e,) in _rows(home, "select id from events order by id")]
    assert receiver.refused == 1
    assert sorted(e["id"] for e in receiver.received) == ids  # each once, none lost
    states = _rows(home, "select state, attempts from event_deliveries "
                         "where sink like 'webhook:%'")
    assert {s for s, _ in states} == {"delivered"}
    assert sorted(a for _, a in states)[-1] == 2  # the refused one, delivered at its retry
    first = receiver.received[0]
    assert {"id", "kind", "at", "site", "organisation", "year", "summary", "detail"} <= set(first)


def test_status_reports_each_site(months):
    out = subprocess.run([sys.executable, "-m", "xxgk", "status", "--json",
                          "--home", str(months["home"])], capture_output=True, text=True,
                         env={**os.environ,
                              "XXGK_SITES_DIR": str(months["home"].parent / "sites")},
                         timeout=120)
    assert out.returncode == 1  # no scheduler is running any more: a problem for monitoring
    health = json.loads(out.stdout)
    assert not health["scheduler_running"]
    by_site = {s["site"]: s for s in health["sites"]}
    assert set(by_site) == set(SITES)
    for key in SITES:
        assert by_site[key]["last_result"] == "succeeded"
        assert by_site[key]["reports_found"] > 10
        assert by_site[key]["next_run_at"] is not None
    assert health["archive_bytes"] > 1_000_000
