"""Sort-friendly URL keys (SURT), as CDX indexes use them: host reversed, scheme and www.
dropped, lower-cased, query parameters sorted. Close to the `surt` package without its
network-fetched public suffix list."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit


def surt(url: str) -> str:
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower().rstrip(".")
    if host.startswith("www."):
        host = host[4:]
    key = ",".join(reversed(host.split("."))) if host else ""
    if parts.port and parts.port not in (80, 443):
        key += f":{parts.port}"
    path = parts.path or "/"
    query = urlencode(sorted(parse_qsl(parts.query, keep_blank_values=True)))
    return f"{key}){path.lower()}" + (f"?{query.lower()}" if query else "")
