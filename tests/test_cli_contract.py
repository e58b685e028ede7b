"""What every `xxgk` command promises (docs/cli.md), on the real command line
(`python -m xxgk` in a subprocess) over a small real home: one crawl of a portal
this module serves and of a registry site where nothing listens, the index of what was
archived, one event and one queued scheduler job.

Each finding of issue 13 (item 4) has its assertion here: JSON errors, exit codes, option
choices, --home and --config before and after the command, crawl without sites, a crawl
with an unreachable site, status after a crawl by hand, runs / failures / runs release, and
one format for every printed time.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import click
import pytest

SAMPLE = Path(__file__).parent / "fixtures" / "real_samples" / \
    "shuyang_fgj_2023_annual_report_ucap.html"
CRAWL_SETTINGS = ("-s", "DOWNLOAD_DELAY=0", "-s", "RETRY_TIMES=0", "-s", "DOWNLOAD_TIMEOUT=10",
                  "-s", "XXGK_BROWSER_ENABLED=false", "-s", "XXGK_PROGRESS_INTERVAL=0",
                  "-s", "LOG_LEVEL=WARNING")
ONE_FORMAT = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z")
# Anything that looks like a time of day after a date, in any of the forms we once printed.
TIME_LIKE = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?"
                       r"(?:Z|[+-]\d{2}:?\d{2})?")


def xxgk(*args: str, env: dict[str, str] | None = None,
         answer: str | None = None) -> subprocess.CompletedProcess[str]:
    """The command as an operator runs it, with only the environment given here."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("XXGK_", "AWS_"))}
    return subprocess.run([sys.executable, "-m", "xxgk", *args], capture_output=True,
                          text=True, timeout=180, env={**clean, **(env or {})},
                          input=answer if answer is not None else "", check=False)


def json_error(result: subprocess.CompletedProcess[str]) -> dict:
    error = json.loads(result.stdout)["error"]
    assert set(error) == {"code", "kind", "message"} and error["message"]
    return error


class _Portal(BaseHTTPRequestHandler):
    """A county portal: a home page linking a real annual report and a page that is gone."""

    PAGES: ClassVar[dict[str, tuple[str, bytes]]] = {
        "/robots.txt": ("text/plain", b"User-agent: *\nDisallow:\n"),
        "/": ("text/html; charset=utf-8",
              '<html><head><title>某县人民政府</title></head><body>'
              '<a href="/report.html">2023年政府信息公开工作年度报告</a>'
              '<a href="/missing.html">旧栏目</a></body></html>'.encode()),
        "/report.html": ("text/html; charset=utf-8", SAMPLE.read_bytes()),
    }

    def do_GET(self) -> None:
        kind, body = self.PAGES.get(self.path, ("text/plain", b"Not Found"))
        self.send_response(200 if self.path in self.PAGES else 404)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


def _free_port() -> int:
    """A port nothing listens on (bound a moment, then let go)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Home:
    path: Path
    env: dict[str, str]  # the test registry: sites live and dead
    crawl: subprocess.CompletedProcess[str]
    runs: dict[str, int]  # site -> its crawl run

    def run(self, *args: str, answer: str | None = None) -> subprocess.CompletedProcess[str]:
        return xxgk(*args, "--home", str(self.path), env=self.env, answer=answer)


@pytest.fixture(scope="module")
def portal() -> Iterator[int]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Portal)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory, portal: int) -> Home:
    sites = tmp_path_factory.mktemp("contract-sites")
    for key, host, port in (("live", "127.0.0.1", portal), ("dead", "localhost", _free_port())):
        entry = {"key": key, "name": f"{key} portal", "cms": "generic", "hosts": [host],
                 "home": f"http://{host}:{port}/", "allow_private_hosts": True}
        (sites / f"{key}.yaml").write_text(json.dumps(entry), encoding="utf-8")  # JSON is YAML
    built = Home(tmp_path_factory.mktemp("contract-home"), {"XXGK_SITES_DIR": str(sites)},
                 subprocess.CompletedProcess([], 0), {})
    built.crawl = built.run("crawl", "live", "dead", *CRAWL_SETTINGS)
    assert "Traceback" not in built.crawl.stderr.split("failed:")[-1], built.crawl.stderr
    indexed = built.run("index", "--workers", "1")
    assert indexed.returncode == 0, indexed.stderr[-2000:]
    assert built.run("scheduler", "trigger", "live").returncode == 0
    with sqlite3.connect(built.path / "xxgk.sqlite3") as db:
        built.runs = dict(db.execute("select site, id from crawl_runs"))
    _add_event(built.path)
    return built


READS = {"status": ("status",), "runs": ("runs",), "events": ("events",),
         "jobs": ("scheduler", "list"), "report": ("report", "1"), "reports": ("reports",)}


@pytest.fixture(scope="module")
def outputs(home: Home) -> dict[str, subprocess.CompletedProcess[str]]:
    """Each read command once for people and once with --json (a Python start costs
    seconds): ``outputs["runs"]``, ``outputs["runs --json"]``, ..."""
    reads = {**READS, "failures": ("failures", str(home.runs["live"])),
             "history": ("archive", "history", f"http://127.0.0.1:{_portal_port(home)}/")}
    found = {}
    for name, args in reads.items():
        for flag in ((), ("--json",)):
            found[" ".join((name, *flag))] = result = home.run(*args, *flag)
            assert result.returncode in (0, 1), (args, result.stderr[-2000:])
    return found


def _add_event(path: Path) -> None:
    """One event, as a scheduled run would have raised it (no scheduler runs here)."""
    from scheduler.events import add_event
    from xxgk.base.db import make_engine, session_factory

    engine = make_engine(f"sqlite:///{path / 'xxgk.sqlite3'}")
    try:
        with session_factory(engine).begin() as session:
            add_event(session, key="site.unreachable|dead|test", kind="site.unreachable",
                      at=datetime.now(UTC).replace(tzinfo=None), site="dead", sinks=["log"],
                      summary="dead unreachable")
    finally:
        engine.dispose()


# --- crawl ------------------------------------------------------------------------------------

def test_a_crawl_with_an_unreachable_site_exits_1_naming_it(home: Home) -> None:
    assert home.crawl.returncode == 1, home.crawl.stderr[-3000:]
    failed = [line for line in home.crawl.stderr.splitlines() if line.startswith("failed:")]
    assert failed and failed[0].startswith("failed: dead: unreachable: no answer below 500")
    assert "localhost" in home.crawl.stderr.split("failed: dead:")[1]  # which request failed
    assert not [line for line in failed if "live" in line.split(":")[1]]


def test_crawl_without_sites_is_a_usage_error_listing_the_registry(home: Home) -> None:
    result = home.run("crawl")
    assert result.returncode == 2
    assert "the registry has: dead, live" in result.stderr and "(none)" not in result.stderr
    unknown = home.run("crawl", "nowhere")
    assert unknown.returncode == 2 and "unknown site(s): nowhere" in unknown.stderr
    assert "dead, live" in unknown.stderr


# --- --home and --config ----------------------------------------------------------------------

def _command_paths() -> list[list[str]]:
    from typer.main import get_command

    from xxgk.cli import app

    def walk(group, prefix: list[str]) -> Iterator[list[str]]:  # type: ignore[no-untyped-def]
        context = click.Context(group)
        for name in group.list_commands(context):  # the root's are imported when asked for
            command = group.get_command(context, name)
            yield [*prefix, name]
            if hasattr(command, "commands"):
                yield from walk(command, [*prefix, name])

    return list(walk(get_command(app), []))


def test_every_command_takes_home_and_config_before_and_after_it(tmp_path: Path) -> None:
    """In this process, on the console script's app (a subprocess per command costs
    seconds): Click parses every option given before the eager --help answers."""
    from typer.testing import CliRunner

    from xxgk.cli import app

    settings = tmp_path / "empty.toml"  # nothing in it: this process's environment stays
    settings.write_text("", encoding="utf-8")
    common = ["--home", str(tmp_path), "--config", str(settings)]
    paths = _command_paths()
    assert {"runs", "failures", "status", "events", "reports", "report"} <= \
        {p[0] for p in paths} and ["runs", "release"] in paths
    runner = CliRunner()
    wrong = {}
    for path in paths:
        for args in ([*common, *path, "--help"], [*path, *common, "--help"]):
            result = runner.invoke(app, args)
            if result.exit_code != 0 or "Exit codes: 0 ok" not in result.output:
                wrong[" ".join(args)] = result.output[-300:]
    assert not wrong, wrong


def test_the_nearest_home_wins(home: Home, tmp_path: Path) -> None:
    elsewhere = str(tmp_path / "nothing-here")
    for args, env in ((["--home", str(home.path), "reports"], {}),
                      (["reports", "--home", str(home.path)], {}),
                      (["--home", elsewhere, "reports", "--home", str(home.path)], {}),
                      (["--home", str(home.path), "reports"], {"XXGK_HOME": elsewhere})):
        result = xxgk(*args, "--json", env=env)
        assert result.returncode == 0, (args, result.stderr)
        assert [r["year"] for r in json.loads(result.stdout)] == [2023]
    nearest = xxgk("--home", str(home.path), "reports", "--home", elsewhere, "--json")
    assert nearest.returncode == 3 and json_error(nearest)["kind"] == "no-archive"


def test_the_nearest_settings_file_wins(home: Home, tmp_path: Path) -> None:
    here, there, broken = (tmp_path / name for name in ("here.toml", "there.toml", "bad.toml"))
    here.write_text(f'home = "{home.path}"\n', encoding="utf-8")
    there.write_text(f'home = "{tmp_path / "nothing-here"}"\n', encoding="utf-8")
    broken.write_text("no_such_key = 1\n", encoding="utf-8")
    nearest = xxgk("--config", str(there), "runs", "--config", str(here), "--json")
    assert nearest.returncode == 0, nearest.stderr
    assert {r["site"] for r in json.loads(nearest.stdout)} == {"live", "dead"}
    over_env = xxgk("info", "--config", str(here), "--json", env={"XXGK_CONFIG": str(broken)})
    assert json.loads(over_env.stdout)["home"] == str(home.path)
    bad = xxgk("status", "--json", "--config", str(broken), env=home.env)
    assert bad.returncode == 2
    assert json_error(bad)["code"] == "usage" and json_error(bad)["kind"] == "config"


# --- JSON errors --------------------------------------------------------------------------------

@pytest.mark.parametrize("args, code, kind", [
    (("report", "99999"), 3, "no-report"),
    (("failures", "99999"), 3, "no-run"),
    (("runs", "release", "99999", "--yes"), 3, "no-run"),
    (("archive", "history", "http://nowhere.example/"), 3, "unknown-url"),
    (("events", "--since", "yesterday"), 2, "usage"),
    (("info", "--bogus"), 2, "usage"),
])
def test_errors_of_read_commands_are_json_on_stdout(home: Home, args: tuple[str, ...],
                                                    code: int, kind: str) -> None:
    result = home.run(*args, "--json")
    assert result.returncode == code, result.stderr
    error = json_error(result)
    assert error["kind"] == kind
    assert error["code"] == {2: "usage", 3: "not_found"}[code]
    assert error["message"] in result.stderr.replace("\n", " ") or "Error" in result.stderr


@pytest.mark.parametrize("args", [("status",), ("events",), ("runs",), ("scheduler", "list")])
def test_a_home_without_data_is_a_json_error_too(home: Home, tmp_path: Path,
                                                 args: tuple[str, ...]) -> None:
    result = xxgk(*args, "--home", str(tmp_path / "empty"), "--json", env=home.env)
    assert result.returncode == 3, result.stderr
    assert json_error(result) | {"message": ""} == {"code": "not_found", "kind": "no-archive",
                                                     "message": ""}
    assert not (tmp_path / "empty").exists()  # reading never creates a home


# --- choices ----------------------------------------------------------------------------------

@pytest.mark.parametrize("command, option, choices", [
    (("events",), "--kind", ("report.new", "site.unreachable", "crawl.failed")),
    (("runs",), "--state", ("running", "finished", "interrupted")),
    (("failures", "1"), "--kind", ("http", "network", "too_large", "archive")),
    (("export",), "--format", ("csv", "jsonl", "parquet")),
])
def test_enumerated_options_show_and_check_their_choices(
        home: Home, command: tuple[str, ...], option: str, choices: tuple[str, ...]) -> None:
    from typer.testing import CliRunner

    from xxgk.cli import app

    shown = CliRunner().invoke(app, [command[0], "--help"])
    assert all(choice in shown.output for choice in choices), shown.output
    with_json = ("--json",) if command[0] != "export" else ()
    refused = home.run(*command, option, "bogus", *with_json)
    assert refused.returncode == 2
    assert "bogus" in refused.stderr and all(c in refused.stderr for c in choices)
    if with_json:
        assert json_error(refused)["code"] == "usage"


# --- status, runs, failures -------------------------------------------------------------------

def test_status_counts_a_crawl_started_by_hand(outputs: dict) -> None:
    result = outputs["status --json"]
    assert result.returncode == 1  # no scheduler runs here: a problem for monitoring
    sites = {s["site"]: s for s in json.loads(result.stdout)["sites"]}
    live, dead = sites["live"], sites["dead"]
    assert live["last_run_at"] is not None and live["last_trigger"] == "manual"
    assert live["last_result"] == "succeeded" and live["last_success_at"] == live["last_run_at"]
    assert live["reports_found"] == 1
    assert dead["last_result"] == "failed" and dead["failures_in_a_row"] == 1
    assert dead["last_success_at"] is None and "unreachable" in dead["last_error"]
    text = outputs["status"]
    assert "manual" in text.stdout and "succeeded" in text.stdout


def test_runs_lists_every_crawl_run_with_its_outcome(home: Home, outputs: dict) -> None:
    runs = {r["site"]: r for r in json.loads(outputs["runs --json"].stdout)}
    assert {site: (r["state"], r["outcome"], r["trigger"]) for site, r in runs.items()} == {
        "live": ("finished", "succeeded", "manual"), "dead": ("finished", "failed", "manual")}
    assert runs["live"]["pages"] >= 3 and runs["dead"]["pages"] == 0
    assert runs["dead"]["failures"] >= 1
    only = json.loads(home.run("runs", "--site", "dead", "--state", "finished", "--json").stdout)
    assert [r["id"] for r in only] == [home.runs["dead"]]
    table = outputs["runs"]
    assert table.returncode == 0 and "succeeded" in table.stdout and "failed" in table.stdout


def test_failures_of_a_run_grouped_by_kind(home: Home, outputs: dict) -> None:
    live = json.loads(outputs["failures --json"].stdout)
    assert set(live["counts"]) == {"http"} and live["run"]["site"] == "live"
    missing = [f for f in live["failures"]["http"] if f["url"].endswith("/missing.html")]
    assert [(f["status"], f["reason"]) for f in missing] == [(404, "HTTP 404 after 0 retries")]
    dead = json.loads(home.run("failures", str(home.runs["dead"]), "--json").stdout)
    assert set(dead["counts"]) == {"network"}
    filtered = home.run("failures", str(home.runs["live"]), "--kind", "network", "--json")
    assert json.loads(filtered.stdout)["counts"] == {}
    text = home.run("failures", str(home.runs["dead"]))
    assert "network (" in text.stdout and "Connection" in text.stdout


def _stuck_run(path: Path, site: str, host: str, pid: int) -> int:
    """A run left "running" by a crawl process, as the ledger writes it."""
    with sqlite3.connect(path / "xxgk.sqlite3") as db:
        cursor = db.execute(
            "insert into crawl_runs (site, state, started_at, host, pid, resumed, requests, "
            "responses, bytes_received, status_counts, new_payloads, revisits, from_archive, "
            "new_documents, changed_documents, unchanged_documents, moved_documents, "
            "removed_documents, errors) values (?, 'running', ?, ?, ?, 0, 0, 0, 0, '{}', 0, "
            "0, 0, 0, 0, 0, 0, 0, 0)", (site, datetime.now(UTC).replace(tzinfo=None).isoformat(
                sep=" "), host, pid))
        assert cursor.lastrowid is not None
        return cursor.lastrowid


def test_runs_release_frees_a_run_left_by_a_machine_that_died(home: Home,
                                                               tmp_path: Path) -> None:
    copy = Home(tmp_path / "home", home.env, home.crawl, home.runs)
    shutil.copytree(home.path, copy.path)
    stuck = _stuck_run(copy.path, "live", "a-machine-that-died", 4242)
    refused = copy.run("crawl", "live", *CRAWL_SETTINGS)
    assert refused.returncode == 5 and f"being crawled by run {stuck}" in refused.stderr

    declined = copy.run("runs", "release", str(stuck), answer="n\n")
    assert declined.returncode == 1 and "Release run" in declined.stderr
    assert json.loads(copy.run("runs", "--state", "running", "--json").stdout)[0]["id"] == stuck
    released = copy.run("runs", "release", str(stuck), answer="y\n")
    assert released.returncode == 0 and f"released run {stuck}" in released.stdout
    again = json.loads(copy.run("runs", "release", str(stuck), "--yes", "--json").stdout)
    assert again["released"] is False and again["run"]["state"] == "interrupted"

    resumed = copy.run("crawl", "live", *CRAWL_SETTINGS)
    assert resumed.returncode == 0, resumed.stderr[-2000:]
    with sqlite3.connect(copy.path / "xxgk.sqlite3") as db:
        assert db.execute("select state, resumed from crawl_runs where id = ?",
                          (stuck,)).fetchall() == [("finished", 1)]
    # What operators are told to do instead of hand-written SQL.
    operations = (Path(__file__).parents[1] / "docs" / "operations.md").read_text("utf-8")
    assert "xxgk runs release" in operations and "update crawl_runs" not in operations.lower()


def test_runs_release_refuses_a_run_whose_process_lives_here(home: Home,
                                                             tmp_path: Path) -> None:
    copy = Home(tmp_path / "home", home.env, home.crawl, home.runs)
    shutil.copytree(home.path, copy.path)
    alive = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])
    try:
        stuck = _stuck_run(copy.path, "dead", socket.gethostname(), alive.pid)
        result = copy.run("runs", "release", str(stuck), "--yes", "--json")
        assert result.returncode == 5 and json_error(result)["code"] == "busy"
        assert f"pid {alive.pid} on this machine" in json_error(result)["message"]
    finally:
        alive.kill()
        alive.wait()


# --- times ------------------------------------------------------------------------------------

def test_every_printed_time_has_the_one_format(outputs: dict) -> None:
    seen = [(name, match.group()) for name, result in outputs.items()
            for text in (result.stdout, result.stderr) for match in TIME_LIKE.finditer(text)]
    wrong = [(name, time) for name, time in seen if not ONE_FORMAT.fullmatch(time)]
    assert not wrong, wrong
    assert {name for name, _ in seen} >= {"status", "status --json", "runs", "runs --json",
                                          "failures", "failures --json", "events",
                                          "events --json", "jobs", "jobs --json", "report",
                                          "report --json", "history", "history --json"}


def _portal_port(home: Home) -> int:
    entry = json.loads((Path(home.env["XXGK_SITES_DIR"]) / "live.yaml").read_text())
    return int(entry["home"].rsplit(":", 1)[1].strip("/"))
