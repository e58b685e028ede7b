"""A running `xxgk serve`, a plain HTTP client that follows no redirects, and a reader of
link-format TimeMaps: what the Memento and pywb tests share."""

from __future__ import annotations

import http.client
import os
import re
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

from tests.archive_fixtures import XXGK
from tests.conftest import Response


def fetch(url: str, method: str = "GET", **headers: str) -> Response:
    """One request, exactly as answered (no redirect followed, no decoding); header names
    as keyword arguments with ``_`` for ``-``."""
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    try:
        target = url[len(f"{parts.scheme}://{parts.netloc}"):] or "/"
        conn.request(method, target, headers={k.replace("_", "-"): v
                                              for k, v in headers.items()})
        raw = conn.getresponse()
        return Response(raw.status, raw.headers, raw.read())
    finally:
        conn.close()


_LINK = re.compile(r'<([^>]*)>((?:\s*;\s*[A-Za-z-]+="[^"]*")*)')
_PARAM = re.compile(r'([A-Za-z-]+)="([^"]*)"')


def parse_links(text: str) -> list[tuple[str, dict[str, str]]]:
    """Links of a link-format document or a Link header: (URI, {param: value})."""
    return [(target, dict(_PARAM.findall(params))) for target, params in _LINK.findall(text)]


def mementos(text: str) -> list[tuple[str, str]]:
    """(URI-M, datetime) of every link whose rel includes "memento", in order."""
    return [(target, params["datetime"]) for target, params in parse_links(text)
            if "memento" in params.get("rel", "").split()]


@contextmanager
def serving(home: Path, log: Path) -> Iterator[str]:
    """`xxgk serve --port 0` on the archive in ``home``; yields its base URL."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("XXGK_", "AWS_"))}
    with open(log, "wb") as errors:
        process = subprocess.Popen([str(XXGK), "serve", "--port", "0", "--home", str(home)],
                                   stdout=subprocess.PIPE, stderr=errors, env=env)
        try:
            assert process.stdout is not None
            base = process.stdout.readline().decode().strip()
            assert base.startswith("http://"), f"xxgk serve did not start: {log.read_text()}"
            yield base
        finally:
            process.terminate()
            process.wait(timeout=30)
