"""Fill an archive straight from the simulator, without a crawl: for parser tests, which need
every report the simulator holds archived, not a test of the crawler (tests/test_crawl*.py).

The client passes the portals' JavaScript guards the way a browser would: it reads the
challenge token from the 412 page and computes the proof the page's script computes, and it
takes the 加速乐-style cookie from the stub's script. Every answer is archived as received,
with the real URL, through the real writer (``Archive.record_batch``).
"""

from __future__ import annotations

import http.client
import re
from datetime import datetime, timezone
from urllib.parse import urlsplit

from archive.write.records import Exchange
from archive.write.store import Archive
from tests.portalsim.hostility import (
    CHALLENGE_COOKIE_CLIENT,
    CHALLENGE_COOKIE_SERVER,
    STUB_COOKIE,
    fnv1a32,
)

USER_AGENT = "xxgk-archive-tests/0.1"
_TOKEN = re.compile(r'<meta id="[^"]+" content="([^"]+)" r=\'m\'>')
_STUB = re.compile(STUB_COOKIE + r"=([0-9a-f]+)")


class ArchivingClient:
    def __init__(self, port: int, archive: Archive) -> None:
        self.port = port
        self.archive = archive
        self.cookies: dict[str, dict[str, str]] = {}  # host -> name -> value

    def _once(self, url: str) -> Exchange:
        host = urlsplit(url).hostname or ""
        headers = [("User-Agent", USER_AGENT), ("Host", host)]
        jar = self.cookies.get(host)
        if jar:
            headers.append(("Cookie", "; ".join(f"{k}={v}" for k, v in jar.items())))
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        try:
            conn.request("GET", url, headers=dict(headers))
            raw = conn.getresponse()
            body = raw.read()
            response_headers = list(raw.getheaders())
            status, reason = raw.status, raw.reason
        finally:
            conn.close()
        for name, value in response_headers:
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                self.cookies.setdefault(host, {})[key.strip()] = rest.split(";")[0]
        return Exchange(url=url, method="GET", request_headers=headers, request_body=b"",
                        protocol="HTTP/1.1", status=status, reason=reason,
                        response_headers=response_headers, body=body,
                        captured_at=datetime.now(timezone.utc).replace(tzinfo=None))

    def get(self, url: str) -> Exchange:
        """GET as a browser would end up: guards passed, redirects not followed (the 301
        itself is archived, like a crawler's)."""
        exchanges = [self._once(url)]
        for _ in range(2):
            last = exchanges[-1]
            host = urlsplit(url).hostname or ""
            if last.status == 412 and CHALLENGE_COOKIE_SERVER in self.cookies.get(host, {}):
                token = _TOKEN.search(last.body.decode("utf-8", "replace"))
                if token is None:
                    break
                self.cookies[host][CHALLENGE_COOKIE_CLIENT] = (
                    f"{token.group(1)}.{fnv1a32(token.group(1) + '|' + USER_AGENT)}")
            elif last.status == 200 and len(last.body) < 400 and STUB_COOKIE.encode() in last.body:
                stub = _STUB.search(last.body.decode("ascii", "replace"))
                if stub is None:
                    break
                self.cookies.setdefault(host, {})[STUB_COOKIE] = stub.group(1)
            else:
                break
            exchanges.append(self._once(url))
        self.archive.record_batch(exchanges)
        return exchanges[-1]

    def get_all(self, urls: list[str]) -> dict[str, Exchange]:
        return {url: self.get(url) for url in urls}
