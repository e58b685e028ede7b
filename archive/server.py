"""`xxgk serve`: the archive's Memento TimeGates, TimeMaps and mementos over HTTP.

The standard library's threaded HTTP server is enough for an archivist's tool and adds no
dependency; every answer comes from ``archive.memento``, so this module only moves bytes.
Read-only, like ``Retrieval``: safe to run next to a crawl writing the same archive.
"""

from __future__ import annotations

import logging
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Annotated

import typer

from .errors import NoArchive
from .home import HomeOption, resolve_home
from .memento import Reply, Request, answer, origin
from .retrieval import Retrieval

log = logging.getLogger(__name__)
EXIT_NOT_FOUND = 3  # as `xxgk archive`: no archive in this home


class MementoServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], retrieval: Retrieval, quiet: bool = False):
        super().__init__(address, MementoHandler)
        self.retrieval = retrieval
        self.quiet = quiet

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        host = f"[{host}]" if ":" in str(host) else host
        return f"http://{host}:{port}"


class MementoHandler(BaseHTTPRequestHandler):
    server: MementoServer
    server_version = "xxgk-memento"
    protocol_version = "HTTP/1.1"

    def _reply(self, send_body: bool) -> None:
        request = Request(self.path, origin(self.headers.get("Host"), self.server.url),
                          self.headers.get("Accept-Datetime"))
        try:
            reply = answer(self.server.retrieval, request)
        except Exception:  # a bug must not end the server: log it, answer 500
            log.exception("while answering %s", self.path)
            reply = Reply(500, [("Content-Type", "text/plain; charset=utf-8")],
                          b"internal error; see the server log\n")
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
    home: HomeOption = None,
) -> None:
    """Serve the archive over HTTP as Memento (RFC 7089): /timegate/URL (Accept-Datetime),
    /timemap/link/URL and /timemap/json/URL, and mementos /web/TIMESTAMP/URL (payload
    decoded from Content-Encoding; /web/TIMESTAMPid_/URL byte for byte). Archived HTML is
    sandboxed by Content-Security-Policy. Read-only. Prints the server's URL on stdout."""
    try:
        retrieval = Retrieval(resolve_home(home))
    except NoArchive as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(EXIT_NOT_FOUND) from None
    try:
        server = MementoServer((host, port), retrieval, quiet)
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
