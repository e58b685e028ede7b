"""Secrets are never stored or shown: with a proxy login, a webhook token and a database
password configured, one run of every command an operator uses (crawl, index, events, a
failing webhook delivery, status, info, export, wacz) leaves none of them in any output,
log, WARC record, export or database dump; and an unreachable database is one line.

The crawl goes through the simulator in its proxy mode with ``u:SECRET@``: Scrapy sends
``Proxy-Authorization: Basic …`` to it, and the archive must not keep it. The database is a
throwaway PostgreSQL one (trust auth: any password is accepted, so it can carry one).
"""

from __future__ import annotations

import base64
import gzip
import json
import os
import secrets
import subprocess
import sys
import zipfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner
from warcio.archiveiterator import ArchiveIterator

from tests.pgdb import SERVER, throwaway_database
from xxgk.cli import app

XXGK = Path(sys.executable).with_name("xxgk")
PROXY_SECRET = "prx" + secrets.token_hex(6)
WEBHOOK_SECRET = "hook" + secrets.token_hex(6)
DATABASE_SECRET = "db" + secrets.token_hex(6)
PROXY_BASIC = base64.b64encode(f"u:{PROXY_SECRET}".encode()).decode()  # as sent to the proxy
FORBIDDEN = (PROXY_SECRET, WEBHOOK_SECRET, DATABASE_SECRET, PROXY_BASIC)
SIMULATED_AT = "2025-01-06T00:00:00"  # the scheduler's simulated clock: no site is due


@dataclass
class Run:
    """Everything the commands printed and wrote."""

    home: Path
    env: dict[str, str]
    outputs: dict[str, str] = field(default_factory=dict)  # command -> stdout + stderr

    def xxgk(self, name: str, *args: str, ok: tuple[int, ...] = (0,)) -> str:
        """The command in a process of its own, as an operator runs it."""
        result = subprocess.run([str(XXGK), *args], capture_output=True, text=True,
                                env=self.env, timeout=240, check=False)
        text = result.stdout + result.stderr
        self.outputs[name] = text
        assert result.returncode in ok, f"{name}: exit {result.returncode}\n{text[-3000:]}"
        return text

    def here(self, name: str, *args: str, ok: tuple[int, ...] = (0,)) -> str:
        """The command in this process (the same root command, seconds cheaper): for
        commands that only read and print."""
        result = CliRunner().invoke(app, list(args), env=self.env, catch_exceptions=False)
        text = result.stdout + result.stderr
        self.outputs[name] = text
        assert result.exit_code in ok, f"{name}: exit {result.exit_code}\n{text[-3000:]}"
        return result.stdout


def _database_url(name_url: str) -> str:
    """The throwaway database's URL with a password in it."""
    user_and_host = SERVER.split("://", 1)[1]
    user, host = user_and_host.split("@", 1)
    return f"postgresql+psycopg://{user}:{DATABASE_SECRET}@{host}/{name_url.rsplit('/', 1)[1]}"


def _add_pending_event(database_url: str, webhook: str) -> None:
    """An event waiting for the webhook, as a scheduled run leaves one."""
    from scheduler.events import add_event
    from scheduler.sinks import WebhookSink
    from xxgk.base.db import create_schema, make_engine, session_factory

    engine = make_engine(database_url)
    try:
        create_schema(engine)
        with session_factory(engine).begin() as session:
            add_event(session, key="site.unreachable|secrets", kind="site.unreachable",
                      at=datetime.fromisoformat(SIMULATED_AT), site="jiaxiang",
                      summary="unreachable: jiaxiang", sinks=["log", WebhookSink(webhook).name])
    finally:
        engine.dispose()


@pytest.fixture(scope="module")
def run(calm_sim, tmp_path_factory) -> Run:  # type: ignore[no-untyped-def]
    tmp = tmp_path_factory.mktemp("secrets")
    webhook = f"http://127.0.0.1:9/xxgk-hook?site=all&token={WEBHOOK_SECRET}"  # nobody there
    proxy = f"http://u:{PROXY_SECRET}@127.0.0.1:{calm_sim.port}"
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("XXGK_", "AWS_"))}
    with throwaway_database("xxgk_secrets") as plain_url:
        database_url = _database_url(plain_url)
        env = {**clean, "XXGK_HOME": str(tmp / "home"), "XXGK_DATABASE_URL": database_url,
               "XXGK_WEBHOOKS": webhook, "XDG_STATE_HOME": str(tmp / "state"),
               "XXGK_ALLOW_PRIVATE_HOSTS": "1"}
        run = Run(tmp / "home", env)
        run.xxgk("crawl", "crawl", "jiaxiang", "--proxy", proxy, "--max-pages", "12",
                 "-s", "DOWNLOAD_DELAY=0", "-s", "XXGK_BROWSER_ENABLED=false",
                 "-s", "XXGK_PROGRESS_INTERVAL=0", "-s", f"XXGK_PROXY={proxy}")
        run.xxgk("index", "index", "--workers", "1")
        _add_pending_event(database_url, webhook)
        # The scheduler delivers the pending event (and fails: a warning), then its
        # simulated minute ends; no site is due in it.
        run.xxgk("scheduler", "scheduler", "run", "--simulate-from", SIMULATED_AT,
                 "--simulate-until", "2025-01-06T00:01:00")
        run.here("events", "events", "--json")
        run.here("events-text", "events")
        run.here("status", "status", "--json", ok=(0, 1))
        run.here("status-text", "status", ok=(0, 1))
        run.here("info", "info", "--json")
        run.here("info-text", "info")
        run.here("runs", "runs", "--json")
        run.here("export", "export", "-o", str(tmp / "export"), "--format", "jsonl")
        run.here("wacz", "archive", "wacz", "-o", str(tmp / "archive.wacz"))
        dump = subprocess.run(["pg_dump", "--no-owner", "-d",
                               plain_url.replace("postgresql+psycopg://", "postgresql://")],
                              capture_output=True, text=True, timeout=120, check=True)
        run.outputs["pg_dump"] = dump.stdout
    return run


def _leaks(text: str) -> list[str]:
    return [secret for secret in FORBIDDEN if secret in text]


def _warc_texts(path: Path) -> str:
    return gzip.decompress(path.read_bytes()).decode("latin-1")


def test_no_secret_in_any_output(run: Run) -> None:
    assert "Connection refused" in run.outputs["scheduler"]  # the webhook failed: a warning
    assert "token=***" in run.outputs["scheduler"] and "token=***" in run.outputs["events"]
    assert {name: _leaks(text) for name, text in run.outputs.items() if _leaks(text)} == {}
    info = json.loads(run.outputs["info"])
    assert info["database_url"].startswith("postgresql+psycopg://") and \
        ":***@" in info["database_url"]


def test_no_secret_in_logs_warcs_exports_or_the_wacz(run: Run) -> None:
    files = [p for p in run.home.rglob("*") if p.is_file()]
    assert any(p.name.endswith(".warc.gz") for p in files)
    for path in files:
        text = _warc_texts(path) if path.name.endswith(".warc.gz") else \
            path.read_bytes().decode("latin-1")
        assert not _leaks(text), path
    for path in (run.home.parent / "export").rglob("*"):
        if path.is_file():
            assert not _leaks(path.read_bytes().decode("latin-1")), path
    with zipfile.ZipFile(run.home.parent / "archive.wacz") as wacz:
        for member in wacz.namelist():
            data = wacz.read(member)
            text = gzip.decompress(data).decode("latin-1") if member.endswith(".gz") else \
                data.decode("latin-1")
            assert not _leaks(text), member


def test_request_records_keep_no_credentials_and_stay_valid(run: Run) -> None:
    requests = 0
    for path in run.home.rglob("*.warc.gz"):
        with open(path, "rb") as handle:
            for record in ArchiveIterator(handle, check_digests="raise"):
                record.content_stream().read()  # reads the block: its digest is checked
                assert record.digest_checker.passed is not False
                if record.rec_type == "request":
                    requests += 1
                    names = {name.lower() for name, _ in record.http_headers.headers}
                    assert "proxy-authorization" not in names
                    assert "authorization" not in names
                    assert "user-agent" in names  # the rest of the request is kept
    assert requests >= 5


def test_no_remote_control_in_a_crawl(run: Run) -> None:
    """Scrapy's RemoteControl (code sent over HTTP runs in the crawl) stays off, and leaves
    no job files (port and token) behind."""
    assert "Remote control" not in run.outputs["crawl"]
    job_files = run.home.parent / "state" / "scrapy" / "job_files"
    assert not job_files.exists() or not list(job_files.iterdir())


def test_crawl_settings_switch_remote_control_and_telnet_off() -> None:
    from crawler.run import build_settings

    settings = build_settings({})
    assert settings.getbool("REMOTE_CONTROL_ENABLED") is False
    assert settings.getbool("TELNETCONSOLE_ENABLED") is False


UNREACHABLE = f"postgresql+psycopg://xxgk:{DATABASE_SECRET}@127.0.0.1:1/x"
ONE_LINE = [("error: database unreachable: postgresql+psycopg://xxgk:***@127.0.0.1:1/x: "
             "Connection refused")]


def test_an_unreachable_database_is_one_line(tmp_path: Path) -> None:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("XXGK_", "AWS_"))}
    env = {**clean, "XXGK_HOME": str(tmp_path), "XXGK_DATABASE_URL": UNREACHABLE}
    result = subprocess.run([str(XXGK), "scheduler", "run"], capture_output=True, text=True,
                            env=env, timeout=60, check=False)
    assert (result.returncode, result.stderr.strip().splitlines()) == (1, ONE_LINE)
    assert DATABASE_SECRET not in result.stdout + result.stderr


@pytest.mark.parametrize("command", [
    ("status",), ("events", "--json"), ("crawl", "jiaxiang"), ("index",),
    ("serve", "--port", "0"), ("reports",), ("runs",), ("archive", "verify"),
    ("archive", "wacz", "-o", "x.wacz"), ("scheduler", "list")])
def test_every_command_says_so_in_one_line(command: tuple[str, ...], tmp_path: Path) -> None:
    """The root command turns the error into its line (in this process: seconds cheaper)."""
    env = {"XXGK_HOME": str(tmp_path), "XXGK_DATABASE_URL": UNREACHABLE}
    result = CliRunner().invoke(app, list(command), env=env)
    assert (result.exit_code, result.stderr.strip().splitlines()) == (1, ONE_LINE), \
        result.output
    assert DATABASE_SECRET not in result.output
    if "--json" in command:
        assert json.loads(result.stdout)["error"]["kind"] == "database"


# --- the pieces, one by one ------------------------------------------------------------------

def test_masks_for_urls_tokens_and_database_urls() -> None:
    from archive.redact import mask_database_url, mask_text, mask_url

    assert mask_url("http://u:secret@proxy:3128") == "http://u:***@proxy:3128"
    assert mask_url("https://h.example/hook?a=1&token=abc&X-Amz-Signature=s&sign=x&page=2") \
        == "https://h.example/hook?a=1&token=***&X-Amz-Signature=***&sign=***&page=2"
    assert mask_url("http://www.example.gov.cn/col/col1/index.html?uid=3&pageNum=2") == \
        "http://www.example.gov.cn/col/col1/index.html?uid=3&pageNum=2"
    assert mask_database_url("postgresql+psycopg://xxgk:p%40ss@db:5432/xxgk") == \
        "postgresql+psycopg://xxgk:***@db:5432/xxgk"
    assert mask_text("POST to https://h/x?access_token=abc failed; pw hunter22",
                     {"hunter22"}) == "POST to https://h/x?access_token=*** failed; pw ***"


def test_the_log_filter_masks_known_secrets_in_messages_and_tracebacks() -> None:
    import logging

    from archive.redact import SecretFilter

    masking = SecretFilter({"XXGK_SMTP_PASSWORD": "smtp-pass-1",
                            "XXGK_REDIS_URL": "redis://:redis-pass-2@r:6379/0"})
    masking.remember("http://u:cli-pass-3@proxy:3128")
    try:
        raise RuntimeError("login smtp-pass-1 refused")
    except RuntimeError:
        import sys as _sys

        record = logging.LogRecord("x", logging.WARNING, __file__, 1, "tried %s and %s",
                                   ("redis-pass-2", "cli-pass-3"), _sys.exc_info())
    assert masking.filter(record)
    assert record.getMessage() == "tried *** and ***"
    assert "smtp-pass-1" not in (record.exc_text or "") and "***" in (record.exc_text or "")


def test_the_archive_never_writes_credential_headers(tmp_path: Path) -> None:
    from archive.write.records import Exchange
    from archive.write.store import Archive
    from xxgk.base.home import Home

    archive = Archive(Home(tmp_path))
    try:
        archive.record(Exchange(
            url="http://www.example.gov.cn/", method="GET",
            request_headers=[("User-Agent", "t"), ("Proxy-Authorization", f"Basic {PROXY_BASIC}"),
                             ("Authorization", "Bearer tok-1234"), ("Cookie", "a=b")],
            request_body=b"", protocol="HTTP/1.1", status=200, reason="OK",
            response_headers=[("Content-Type", "text/html")], body=b"<html></html>",
            captured_at=datetime(2025, 1, 1)))
    finally:
        archive.close()
    (path,) = tmp_path.rglob("*.warc.gz")
    with open(path, "rb") as handle:
        requests = []
        for record in ArchiveIterator(handle, check_digests="raise"):
            record.content_stream().read()
            if record.rec_type == "request":
                requests.append(record.http_headers.headers)
    assert requests == [[("User-Agent", "t"), ("Cookie", "a=b")]]


def test_the_crawler_also_drops_the_headers_an_operator_marks_secret() -> None:
    import asyncio
    from concurrent.futures import Future

    from scrapy import Request
    from scrapy.http import HtmlResponse
    from scrapy.utils.test import get_crawler

    from archive.write.records import Stored
    from crawler.middlewares.archiving import ArchiveMiddleware

    class Capturing:
        exchange = None

        def submit(self, exchange):  # type: ignore[no-untyped-def]
            self.exchange = exchange
            done: Future = Future()
            done.set_result(Stored(1, "response", None, True, 1))
            return done

    crawler = get_crawler(settings_dict={"XXGK_SECRET_HEADERS": ["Cookie"]})
    archive = Capturing()
    middleware = ArchiveMiddleware(crawler, archive)  # type: ignore[arg-type]
    request = Request("http://www.example.gov.cn/", headers={
        "Cookie": "session=s", "Authorization": "Basic x", "Accept": "text/html"})
    response = HtmlResponse(request.url, body=b"<html></html>", request=request)
    crawler.spider = None
    asyncio.run(middleware.process_response(request, response))
    assert [name for name, _ in archive.exchange.request_headers] == ["Accept"]


def test_the_browser_never_gets_the_proxy_login_on_its_command_line() -> None:
    """Chromium's arguments are visible to every local user (ps) and quoted in Playwright's
    errors; a PAC cannot use a login anyway."""
    from crawler.run import build_settings

    proxy = f"http://u:{PROXY_SECRET}@127.0.0.1:3128"
    args = " ".join(build_settings({"XXGK_PROXY": proxy})["PLAYWRIGHT_LAUNCH_OPTIONS"]["args"])
    pac = base64.b64decode(args.split("base64,", 1)[1].split()[0]).decode()
    assert PROXY_SECRET not in pac and "PROXY 127.0.0.1:3128" in pac


def test_webhook_rows_of_older_versions_lose_their_token(tmp_path: Path) -> None:
    """Older versions named a webhook's rows by its whole URL: the first delivery pass
    renames them (and sends what was pending under the old name)."""
    from sqlalchemy import select

    from scheduler.events import add_event
    from scheduler.models import EventDelivery
    from scheduler.sinks import Deliverer, WebhookSink
    from xxgk.base.db import create_schema, make_engine, session_factory

    url = f"http://127.0.0.1:9/hook?token={WEBHOOK_SECRET}"
    engine = make_engine(f"sqlite:///{tmp_path / 'x.sqlite3'}")
    create_schema(engine)
    sessions = session_factory(engine)
    with sessions.begin() as session:
        add_event(session, key="k", kind="site.unreachable", at=datetime(2025, 1, 1),
                  summary="down", sinks=[f"webhook:{url}"])
    sink = WebhookSink(url, timeout=2)
    assert sink.name == "webhook:http://127.0.0.1:9/hook?token=***"
    Deliverer(sessions, [sink]).deliver(datetime(2025, 1, 1))
    with sessions() as session:
        (row,) = session.scalars(select(EventDelivery)).all()
    assert (row.sink, row.attempts) == (sink.name, 1)
    assert WEBHOOK_SECRET not in (row.last_error or "") and "token=***" in row.last_error
    engine.dispose()
