"""`xxgk serve`: the archive's Memento TimeGates, TimeMaps and mementos over HTTP.

The standard library's threaded HTTP server is enough for an archivist's tool and adds no
dependency; every answer comes from ``archive.replay.memento``, so this module only moves bytes.
Read-only, like ``Retrieval``: safe to run next to a crawl writing the same archive.

Nothing a client sends decides what the server says about itself: every absolute link
(Location, Link, TimeMaps) is built from the configured base URL, never from the Host
header (which anyone can set); a connection that has not sent a whole request head within
``timeout`` seconds (idle, half-sent, or trickling a byte at a time) is dropped, so such
clients cannot hold the server's threads; a 500 page shows an incident id, the log the
detail.
"""

from __future__ import annotations

import logging
import socket
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Annotated
from urllib.parse import urlsplit

import typer

from archive.cli_output import CliError, ExitCode
from archive.errors import NoArchive
from archive.read.retrieval import Retrieval
from archive.replay.memento import Request, answer, server_error
from xxgk.base.home import HomeOption, resolve_home

log = logging.getLogger(__name__)
EXIT_NOT_FOUND = 3  # as `xxgk archive`: no archive in this home
DEFAULT_TIMEOUT = 30.0  # seconds a connection has to send its request head
_ANY_ADDRESS = ("0.0.0.0", "::", "")


class HeadDeadlines:
    """Connections waiting for their request head, each with its deadline; a thread shuts
    down those past it. A socket timeout alone bounds each read, not the whole head: a
    client sending a byte every few seconds would keep its thread for ever."""

    def __init__(self, timeout: float) -> None:
        self.timeout = timeout
        self._waiting: dict[socket.socket, float] = {}
        self._lock = threading.Lock()
        self._closed = threading.Event()
        threading.Thread(target=self._reap, name="head-deadlines", daemon=True).start()

    def start(self, connection: socket.socket) -> None:
        with self._lock:
            self._waiting[connection] = time.monotonic() + self.timeout

    def done(self, connection: socket.socket) -> None:
        with self._lock:
            self._waiting.pop(connection, None)

    def close(self) -> None:
        self._closed.set()

    def _reap(self) -> None:
        while not self._closed.wait(min(0.25, self.timeout / 4)):
            now = time.monotonic()
            with self._lock:
                late = [c for c, deadline in self._waiting.items() if deadline < now]
                for connection in late:
                    del self._waiting[connection]
            for connection in late:
                try:
                    connection.shutdown(socket.SHUT_RDWR)  # its blocked read returns: it ends
                except OSError:
                    pass


class MementoServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128  # socketserver's 5 makes a burst of clients retry their SYNs

    def __init__(self, address: tuple[str, int], retrieval: Retrieval, quiet: bool = False,
                 *, base_url: str | None = None, timeout: float = DEFAULT_TIMEOUT):
        super().__init__(address, MementoHandler)
        self.retrieval = retrieval
        self.quiet = quiet
        self.request_timeout = timeout
        self.heads = HeadDeadlines(timeout)
        self.base_url = (base_url or self.url).rstrip("/")

    def server_close(self) -> None:
        self.heads.close()
        super().server_close()

    @property
    def url(self) -> str:
        """Where this server listens, as a URL (an any-address bind: this machine's
        loopback address); the default base URL."""
        host, port = self.server_address[:2]
        if host in _ANY_ADDRESS:
            host = "127.0.0.1"
        host = f"[{host}]" if ":" in str(host) else host
        return f"http://{host}:{port}"


class MementoHandler(BaseHTTPRequestHandler):
    server: MementoServer
    server_version = "xxgk-memento"
    protocol_version = "HTTP/1.1"

    def setup(self) -> None:
        # StreamRequestHandler applies it to the socket: every read and write gives up
        # after it; HeadDeadlines bounds the whole head (and the idle time before it).
        self.timeout = self.server.request_timeout
        super().setup()

    def handle_one_request(self) -> None:
        self.server.heads.start(self.connection)
        try:
            super().handle_one_request()
        finally:
            self.server.heads.done(self.connection)

    def _reply(self, send_body: bool) -> None:
        self.server.heads.done(self.connection)  # the head is in: answering takes its time
        request = Request(self.path, self.server.base_url, self.headers.get("Accept-Datetime"))
        try:
            reply = answer(self.server.retrieval, request)
        except Exception as exc:  # noqa: BLE001 - a bug must not end the server: logged, 500
            reply = server_error(self.path, exc)
        self.send_response(reply.status)
        for name, value in reply.headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(reply.body)))
        self.end_headers()
        if send_body:
            self.wfile.write(reply.body)

    def do_GET(self) -> None:
        self._reply(send_body=True)

    def do_HEAD(self) -> None:
        self._reply(send_body=False)

    def log_message(self, format: str, *args: object) -> None:
        if not self.server.quiet:
            super().log_message(format, *args)


def serve(
    host: Annotated[str, typer.Option(help="Address to listen on (127.0.0.1: this machine "
                                           "only).")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on (0: any free port; the URL is "
                                           "printed).")] = 8080,
    quiet: Annotated[bool, typer.Option("--quiet", help="Do not log each request on "
                                                        "stderr.")] = False,
    base_url: Annotated[str | None, typer.Option(
        "--base-url", envvar="XXGK_SERVE_BASE_URL", show_default=False,
        help="The server's public URL, e.g. https://archive.example.org behind a reverse "
             "proxy: every link it gives starts with it (never with the request's Host "
             "header). Default: http://127.0.0.1:PORT.")] = None,
    timeout: Annotated[float, typer.Option(
        "--timeout", envvar="XXGK_SERVE_TIMEOUT",
        help="Seconds a connection has to send a whole request head (idle, half-sent or "
             "trickling: dropped after it); also the limit of any read or write.")]
    = DEFAULT_TIMEOUT,
    home: HomeOption = None,
) -> None:
    """Serve the archive over HTTP as Memento (RFC 7089): /timegate/URL (Accept-Datetime),
    /timemap/link/URL and /timemap/json/URL, and mementos /web/TIMESTAMP/URL (payload
    decoded from Content-Encoding; /web/TIMESTAMPid_/URL byte for byte). Archived HTML is
    sandboxed by Content-Security-Policy. Read-only. Prints the server's URL on stdout."""
    if base_url is not None and urlsplit(base_url).scheme not in ("http", "https"):
        raise CliError(ExitCode.USAGE, f"--base-url {base_url!r}: expected an http(s) URL "
                                       "such as https://archive.example.org", "usage")
    if timeout <= 0:
        raise CliError(ExitCode.USAGE, "--timeout must be more than 0 seconds", "usage")
    try:
        retrieval = Retrieval(resolve_home(home))
    except NoArchive as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(EXIT_NOT_FOUND) from None
    try:
        # A database that cannot be reached is said now, in one line (the root command's
        # error), not as a 500 to every request.
        with retrieval.engine.connect():
            pass
    except Exception:
        retrieval.close()
        raise
    try:
        server = MementoServer((host, port), retrieval, quiet, base_url=base_url,
                               timeout=timeout)
    except OSError as exc:
        retrieval.close()
        typer.echo(f"error: cannot listen on {host}:{port}: {exc.strerror or exc}", err=True)
        raise typer.Exit(1) from None
    typer.echo(server.url)
    sys.stdout.flush()
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        retrieval.close()
