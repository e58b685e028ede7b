"""Memento (RFC 7089) over the archive: routes, TimeGate choice, TimeMaps and memento replies.

Plain functions from a request (target, Accept-Datetime, our base URL) to a reply
(status, headers, body), reading through ``Retrieval``; ``archive.replay.server`` puts them on HTTP
and tests call them without a socket. The URIs, Wayback style:

    /timegate/{URI-R}              302 to the memento at or before Accept-Datetime
    /timemap/link/{URI-R}          every memento, application/link-format
    /timemap/json/{URI-R}          the same as JSON
    /web/{timestamp}/{URI-R}       a memento, its payload decoded from Content-Encoding
    /web/{timestamp}id_/{URI-R}    the payload byte for byte as archived (as pywb's id_)

A memento's URI carries a 14-digit timestamp, or 20 digits (with microseconds: our
extension) when another capture of the URL falls in the same second, so every capture has a
URI of its own; any other timestamp redirects to the memento at or before it (else the
first). Memento-Datetime itself is an HTTP date: whole seconds.

Archived pages are someone else's HTML and scripts: they are served sandboxed (CSP) and
with nosniff, so nothing archived can act on this origin.
"""

from __future__ import annotations

import json
import logging
import re
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime
from urllib.parse import quote, unquote, urljoin

from archive.errors import Damaged, RetrievalError, Undecodable, UnknownUrl
from archive.read.decoding import undo_content_encoding
from archive.read.retrieval import Retrieval, Version
from archive.storage import StorageError
from archive.timespec import BadTime, iso, parse_time, timestamp14, timestamp20

SANDBOX = ("sandbox; default-src 'none'; img-src 'self' data:; style-src 'self' "
           "'unsafe-inline'; font-src 'self' data:; media-src 'self'")
# Browsers refuse to show a PDF in a sandboxed document; their PDF viewers run no page
# script on our origin.
UNSANDBOXED_TYPES = ("application/pdf",)
_TIMESTAMP = re.compile(r"(\d{4,20})(id_)?")
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")
_URL_SAFE = ":/?#[]@!$&'()*+,;=%~"
LINK_FORMAT = "application/link-format"
USAGE = (b"xxgk Memento server (RFC 7089)\n\n"
         b"/timegate/{URL}               302 to a memento (header Accept-Datetime)\n"
         b"/timemap/link/{URL}           every memento, application/link-format\n"
         b"/timemap/json/{URL}           every memento, JSON\n"
         b"/web/{timestamp}/{URL}        a memento (14 digits; 20 with microseconds)\n"
         b"/web/{timestamp}id_/{URL}     the payload as archived, Content-Encoding kept\n")


log = logging.getLogger(__name__)


class BadRequest(ValueError):
    """A request we cannot read: a malformed timestamp or Accept-Datetime."""


@dataclass(frozen=True)
class Request:
    target: str  # the request target as sent: /web/20250101120000/http://…?q=1
    base: str  # our own origin, e.g. http://127.0.0.1:8080, for absolute URIs
    accept_datetime: str | None = None


@dataclass
class Reply:
    status: int
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""


@dataclass(frozen=True)
class Route:
    kind: str  # usage | timegate | timemap-link | timemap-json | memento | latest
    url: str = ""
    timestamp: str | None = None
    raw: bool = False


# --- reading requests -------------------------------------------------------------------------

def original_url(text: str) -> str:
    """The URI-R in a path: as typed, percent-decoded if it came whole-encoded
    (``http%3A%2F%2F…``), with the ``http:/`` some proxies leave of ``http://`` repaired."""
    if "://" not in text and re.match(r"[A-Za-z][A-Za-z0-9+.-]*%3[Aa]", text):
        text = unquote(text)
    return re.sub(r"^([A-Za-z][A-Za-z0-9+.-]*):/(?!/)", r"\1://", text)


def route(target: str) -> Route:
    """What a request target asks for; BadRequest for a timestamp we cannot read."""
    for prefix, kind in (("/timegate/", "timegate"), ("/timemap/link/", "timemap-link"),
                         ("/timemap/json/", "timemap-json")):
        if target.startswith(prefix) and len(target) > len(prefix):
            return Route(kind, original_url(target[len(prefix):]))
    if target.startswith("/web/"):
        rest = target[len("/web/"):]
        if _SCHEME.match(rest):
            return Route("latest", original_url(rest))
        head, slash, url = rest.partition("/")
        match = _TIMESTAMP.fullmatch(head)
        if not slash or not url:
            raise BadRequest("expected /web/{timestamp}/{URL}")
        if match is None:
            raise BadRequest(f"bad timestamp {head!r}: expected 4 to 20 digits "
                             "(14 for a Wayback timestamp, 20 with microseconds)")
        try:
            parse_time(match.group(1))
        except BadTime as exc:
            raise BadRequest(str(exc)) from None
        return Route("memento", original_url(url), match.group(1), match.group(2) is not None)
    if target in ("/", ""):
        return Route("usage")
    return Route("not-found")


def accept_datetime(text: str | None) -> datetime | None:
    """The last microsecond of the second an Accept-Datetime names (naive UTC): an HTTP date
    is the whole second, as a 14-digit timestamp is."""
    if text is None or not text.strip():
        return None
    try:
        moment = parsedate_to_datetime(text.strip())
    except (TypeError, ValueError, IndexError):
        moment = None
    if moment is None or moment.tzinfo is None:
        raise BadRequest(f"bad Accept-Datetime {text!r}: expected an RFC 1123 date such as "
                         "'Thu, 10 Apr 2025 08:00:00 GMT'")
    moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment.replace(microsecond=0) + timedelta(microseconds=999_999)


# --- choosing mementos ------------------------------------------------------------------------

def closest(versions: list[Version], at: datetime | None) -> Version:
    """The newest version at or before ``at`` (None: the latest), else the first."""
    earlier = [v for v in versions if at is None or v.captured_at <= at]
    return earlier[-1] if earlier else versions[0]


def memento_timestamp(version: Version, versions: list[Version]) -> str:
    """14 digits, or 20 when another version shares the second (14 would not tell them
    apart)."""
    second = timestamp14(version.captured_at)
    shared = any(v.capture_id != version.capture_id and timestamp14(v.captured_at) == second
                 for v in versions)
    return timestamp20(version.captured_at) if shared else second


def http_date(moment: datetime) -> str:
    return format_datetime(moment.replace(tzinfo=UTC), usegmt=True)


def uri(url: str) -> str:
    """A URL as it may stand in a header or link: ASCII, percent-encoded where needed."""
    return quote(url, safe=_URL_SAFE)


@dataclass(frozen=True)
class Uris:
    """The Memento URIs of one original URL, absolute on our origin."""

    base: str
    url: str

    @property
    def original(self) -> str:
        return uri(self.url)

    @property
    def timegate(self) -> str:
        return f"{self.base}/timegate/{uri(self.url)}"

    def timemap(self, form: str = "link") -> str:
        return f"{self.base}/timemap/{form}/{uri(self.url)}"

    def memento(self, version: Version, versions: list[Version], raw: bool = False) -> str:
        stamp = memento_timestamp(version, versions) + ("id_" if raw else "")
        return f"{self.base}/web/{stamp}/{uri(version.url)}"


def _link(target: str, rel: str, **params: str) -> str:
    return f'<{target}>; rel="{rel}"' + "".join(f'; {k}="{v}"' for k, v in params.items())


def _neighbour_links(uris: Uris, version: Version, versions: list[Version]) -> list[str]:
    """first/prev/next/last memento links; one link per memento, its relations joined."""
    index = next(i for i, v in enumerate(versions) if v.capture_id == version.capture_id)
    rels: dict[int, list[str]] = {}
    for name, position in (("first", 0), ("prev", index - 1), ("next", index + 1),
                           ("last", len(versions) - 1)):
        if 0 <= position < len(versions) and position != index:
            rels.setdefault(position, []).append(name)
    return [_link(uris.memento(versions[p], versions), " ".join(names) + " memento",
                  datetime=http_date(versions[p].captured_at))
            for p, names in sorted(rels.items())]


def _common_links(uris: Uris, timegate: bool = True) -> list[str]:
    return [_link(uris.original, "original"),
            *([_link(uris.timegate, "timegate")] if timegate else []),
            _link(uris.timemap(), "timemap", type=LINK_FORMAT),
            _link(uris.timemap("json"), "timemap", type="application/json")]


def timemap_link(uris: Uris, versions: list[Version]) -> bytes:
    """RFC 7089 section 5 TimeMap: original, self, timegate, then every memento."""
    last = len(versions) - 1
    lines = [_link(uris.original, "original"),
             _link(uris.timemap(), "self", type=LINK_FORMAT,
                   **{"from": http_date(versions[0].captured_at),
                      "until": http_date(versions[-1].captured_at)}),
             _link(uris.timegate, "timegate")]
    for index, version in enumerate(versions):
        rel = " ".join([*(["first"] if index == 0 else []), *(["last"] if index == last else []),
                        "memento"])
        lines.append(_link(uris.memento(version, versions), rel,
                           datetime=http_date(version.captured_at)))
    return (",\n".join(lines) + "\n").encode()


def timemap_json(uris: Uris, versions: list[Version]) -> bytes:
    """The Memento aggregator's JSON TimeMap layout, each memento also with its exact time,
    20-digit timestamp, status, type and payload digest."""
    def entry(version: Version) -> dict[str, object]:
        return {"datetime": version.captured_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
                "uri": uris.memento(version, versions), "time": iso(version.captured_at),
                "timestamp": timestamp20(version.captured_at), "status": version.status,
                "mime": version.mime, "record_type": version.record_type,
                "digest": version.payload_digest}

    listed = [entry(v) for v in versions]
    data = {"original_uri": uris.url, "timegate_uri": uris.timegate,
            "timemap_uri": {"link_format": uris.timemap(), "json_format": uris.timemap("json")},
            "mementos": {"first": listed[0], "last": listed[-1], "list": listed}}
    return (json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode()


# --- serving a memento -------------------------------------------------------------------------

def header_value(value: str) -> str:
    """An archived header value as latin-1 text http.server can send: line breaks dropped,
    and text warcio read as UTF-8 turned back into its original bytes."""
    value = value.replace("\r", " ").replace("\n", " ")
    try:
        value.encode("latin-1")
        return value
    except UnicodeEncodeError:
        return value.encode("utf-8").decode("latin-1")


def _archived(headers: list[tuple[str, str]], name: str) -> str | None:
    name = name.lower()
    return next((v for k, v in headers if k.lower() == name), None)


def _header_name(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9!#$%&'*+.^_`|~-]", "-", name.strip()) or "-"


def memento_reply(retrieval: Retrieval, uris: Uris, version: Version,
                  versions: list[Version], raw: bool) -> Reply:
    """The archived response: its status (a 304's payload is served as the 200 it
    confirmed), its Content-Type, the body decoded unless ``raw``, every archived header
    again as X-Archive-Orig-*, and the Memento headers."""
    payload = retrieval.payload_of(version)
    status, entity = payload.status or 200, payload.http_headers
    if status == 304:  # server-not-modified: body, type and encoding are the original's
        status, entity = payload.source.status or 200, payload.body_headers
    body, encoding = payload.body, _archived(entity, "Content-Encoding")
    if not raw:
        try:
            body, _ = undo_content_encoding(payload.body, entity)
            encoding = None
        except Undecodable:
            pass  # served as archived, Content-Encoding kept: the client may still read it
    headers = [(f"X-Archive-Orig-{_header_name(k)}", header_value(v))
               for k, v in payload.http_headers]
    content_type = _archived(entity, "Content-Type")
    if content_type:
        headers.append(("Content-Type", header_value(content_type)))
    if encoding:
        headers.append(("Content-Encoding", header_value(encoding)))
    location = _archived(payload.http_headers, "Location")
    if 300 <= status < 400 and location:
        target = urljoin(version.url, location.strip())
        stamp = timestamp14(version.captured_at) + ("id_" if raw else "")
        headers.append(("Location", f"{uris.base}/web/{stamp}/{uri(target)}"))
    headers += [("Memento-Datetime", http_date(version.captured_at)),
                ("Link", ", ".join(_common_links(uris)
                                   + _neighbour_links(uris, version, versions))),
                ("X-Content-Type-Options", "nosniff")]
    mime = (content_type or "").split(";")[0].strip().lower()
    if mime not in UNSANDBOXED_TYPES:
        headers.append(("Content-Security-Policy", SANDBOX))
    return Reply(status, headers, body)


# --- answering --------------------------------------------------------------------------------

def _text(status: int, message: str, headers: list[tuple[str, str]] | None = None) -> Reply:
    body = (message.rstrip("\n") + "\n").encode()
    return Reply(status, [*(headers or []), ("Content-Type", "text/plain; charset=utf-8"),
                          ("X-Content-Type-Options", "nosniff")], body)


def _redirect(location: str, headers: list[tuple[str, str]] | None = None) -> Reply:
    return Reply(302, [("Location", location), *(headers or [])])


def answer(retrieval: Retrieval, request: Request) -> Reply:
    """The reply to one request (the body even for HEAD: its length is a header); never
    raises for anything a client or the archive can cause."""
    try:
        return _answer(retrieval, request)
    except BadRequest as exc:
        return _text(400, str(exc))
    except UnknownUrl as exc:
        return _text(404, str(exc))
    except (Damaged, StorageError, RetrievalError) as exc:
        return server_error(request.target, exc)


def server_error(target: str, exc: BaseException) -> Reply:
    """A 500 that tells the client an incident id and nothing of the server (the detail
    names WARC files by their absolute paths); the log has the detail under that id."""
    incident = uuid.uuid4().hex[:12]
    log.error("incident %s while answering %s: %s: %s", incident, target,
              type(exc).__name__, exc, exc_info=not isinstance(exc, (Damaged, StorageError,
                                                                     RetrievalError)))
    return _text(500, f"the archive cannot serve this (incident {incident}: the server's "
                      "log has the detail)")


def _answer(retrieval: Retrieval, request: Request) -> Reply:
    asked = route(request.target)
    if asked.kind == "usage":
        return Reply(200, [("Content-Type", "text/plain; charset=utf-8")], USAGE)
    if asked.kind == "not-found":
        return _text(404, f"no such page: {request.target}\n\n{USAGE.decode()}")
    versions = retrieval.history(asked.url)
    original = asked.url if any(v.url == asked.url for v in versions) else versions[-1].url
    uris = Uris(request.base, original)
    if asked.kind == "timemap-link":
        return Reply(200, [("Content-Type", LINK_FORMAT)], timemap_link(uris, versions))
    if asked.kind == "timemap-json":
        return Reply(200, [("Content-Type", "application/json")], timemap_json(uris, versions))
    if asked.kind == "timegate":
        chosen = closest(versions, accept_datetime(request.accept_datetime))
        return _redirect(uris.memento(chosen, versions),
                         [("Vary", "accept-datetime"),
                          ("Link", ", ".join(_common_links(uris, timegate=False)))])
    if asked.kind == "latest":
        return _redirect(uris.memento(versions[-1], versions))
    assert asked.timestamp is not None
    chosen = closest(versions, parse_time(asked.timestamp).end)
    if asked.timestamp != memento_timestamp(chosen, versions):
        return _redirect(uris.memento(chosen, versions, asked.raw))
    return memento_reply(retrieval, uris, chosen, versions, asked.raw)
