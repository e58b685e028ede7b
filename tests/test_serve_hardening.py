"""`xxgk serve` facing hostile clients: its links come from its configured base URL, never
from the Host header; silent connections are dropped after the timeout, so half-sent
requests cannot hold its threads; a 500 page names an incident, not the server's files."""

from __future__ import annotations

import logging
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from http.client import HTTPConnection, HTTPResponse
from pathlib import Path

import pytest
from typer.testing import CliRunner

from archive.read.retrieval import Retrieval
from archive.replay.server import MementoServer
from archive.write.records import Exchange
from archive.write.store import Archive
from xxgk.base.home import Home
from xxgk.cli import app

PAGE = "http://xxgk.example.gov.cn/art/2024/report.html"
EVIL = "evil.example"


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Home:
    home = Home(tmp_path_factory.mktemp("serve-home"))
    archive = Archive(home)
    try:
        archive.record(Exchange(
            url=PAGE, method="GET", request_headers=[("User-Agent", "t")], request_body=b"",
            protocol="HTTP/1.1", status=200, reason="OK",
            response_headers=[("Content-Type", "text/html; charset=utf-8")],
            body="<html><body>年度报告</body></html>".encode(),
            captured_at=datetime(2025, 3, 1, 8, 0, 0)))
    finally:
        archive.close()
    return home


@contextmanager
def serving(home: Home, *, base_url: str | None = None,
            timeout: float = 30.0) -> Iterator[MementoServer]:
    retrieval = Retrieval(home)
    server = MementoServer(("127.0.0.1", 0), retrieval, quiet=True, base_url=base_url,
                           timeout=timeout)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        retrieval.close()
        thread.join(timeout=10)


def get(server: MementoServer, path: str, **headers: str) -> tuple[HTTPResponse, bytes]:
    connection = HTTPConnection("127.0.0.1", server.server_address[1], timeout=10)
    connection.request("GET", path, headers=headers)
    response = connection.getresponse()
    body = response.read()
    connection.close()
    return response, body


def _everything(response: HTTPResponse, body: bytes) -> str:
    return "\n".join(f"{k}: {v}" for k, v in response.getheaders()) + body.decode("latin-1")


@pytest.mark.parametrize("path", [f"/timegate/{PAGE}", f"/timemap/link/{PAGE}",
                                  f"/timemap/json/{PAGE}", f"/web/2025/{PAGE}",
                                  f"/web/20250301080000/{PAGE}"])
def test_links_never_come_from_the_host_header(home: Home, path: str) -> None:
    with serving(home) as server:
        response, body = get(server, path, Host=EVIL)
    shown = _everything(response, body)
    assert EVIL not in shown
    assert server.url in shown  # the default base URL: where it listens


def test_links_start_with_the_configured_base_url(home: Home) -> None:
    with serving(home, base_url="https://archive.example.org/xxgk/") as server:
        response, _ = get(server, f"/timegate/{PAGE}", Host=EVIL)
    assert response.status == 302
    assert response.getheader("Location") == \
        f"https://archive.example.org/xxgk/web/20250301080000/{PAGE}"
    assert EVIL not in response.getheader("Link", "")


def test_a_base_url_that_is_not_http_is_refused() -> None:
    result = CliRunner().invoke(app, ["serve", "--base-url", "javascript:alert(1)"])
    assert result.exit_code == 2 and "--base-url" in result.output


def test_silent_connections_are_dropped_after_the_timeout(home: Home) -> None:
    with serving(home, timeout=0.5) as server:
        before = threading.active_count()
        sockets = []
        for _ in range(30):
            half = socket.create_connection(("127.0.0.1", server.server_address[1]), timeout=10)
            half.sendall(b"GET /timegate/" + PAGE.encode() + b" HTTP/1.1\r\nHost: x\r\n")
            sockets.append(half)
        idle = socket.create_connection(("127.0.0.1", server.server_address[1]), timeout=10)
        sockets.append(idle)  # sends nothing at all
        deadline = time.monotonic() + 8
        for half in sockets:
            half.settimeout(max(0.1, deadline - time.monotonic()))
            assert half.recv(1024) == b""  # the server closed it (before: recv timed out)
            half.close()
        for _ in range(50):  # their threads end with them
            if threading.active_count() <= before:
                break
            time.sleep(0.1)
        assert threading.active_count() <= before
        response, _ = get(server, f"/timemap/link/{PAGE}")  # and it still serves
        assert response.status == 200


def test_the_timeout_is_an_option_with_a_default() -> None:
    result = CliRunner().invoke(app, ["serve", "--help"])
    assert "--timeout" in result.output and "--base-url" in result.output


def test_a_500_page_names_an_incident_not_the_servers_files(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    home = Home(tmp_path / "home")
    archive = Archive(home)
    try:
        archive.record(Exchange(
            url=PAGE, method="GET", request_headers=[], request_body=b"", protocol="HTTP/1.1",
            status=200, reason="OK", response_headers=[("Content-Type", "text/html")],
            body=b"<html>x</html>", captured_at=datetime(2025, 3, 1, 8, 0, 0)))
    finally:
        archive.close()
    for warc in home.archive_dir.rglob("*.warc.gz"):
        warc.write_bytes(b"")  # the bytes are gone: the archive cannot serve the memento
    with caplog.at_level(logging.ERROR), serving(home) as server:
        response, body = get(server, f"/web/20250301080000/{PAGE}")
    assert response.status == 500
    text = body.decode()
    assert "incident" in text
    assert str(tmp_path) not in text and ".warc" not in text
    incident = text.split("incident ", 1)[1].split(":", 1)[0]
    logged = [r.getMessage() for r in caplog.records if incident in r.getMessage()]
    assert logged and str(tmp_path) in logged[0]  # the detail is in the log


def test_a_request_head_trickling_in_is_dropped_at_the_deadline(home: Home) -> None:
    """A byte every 0.1 s never trips a socket timeout of 0.6 s; the head's deadline does."""
    with serving(home, timeout=0.6) as server:
        slow = socket.create_connection(("127.0.0.1", server.server_address[1]), timeout=5)
        started = time.monotonic()
        closed = False
        for byte in b"GET /timemap/link/" + PAGE.encode() * 10:
            try:
                slow.sendall(bytes([byte]))
            except OSError:
                closed = True
                break
            slow.settimeout(0.1)
            try:
                if slow.recv(1024) == b"":
                    closed = True
                    break
            except TimeoutError:
                pass
        slow.close()
        assert closed and time.monotonic() - started < 3
