"""The HTTP side of the simulator: an aiohttp forward proxy that answers for the portals.

A client configured with ``http://127.0.0.1:PORT`` as its HTTP proxy sends absolute-form
requests (``GET http://www.jiaxiang.gov.cn/... HTTP/1.1``); a client may also connect
directly and name the portal in the Host header. Requests for other hosts get 502, like a
proxy that cannot reach them, and are logged as out of scope. Everything is logged, so tests
can check what a crawler asked for (robots, politeness, scope).

Control endpoints (on ``http://127.0.0.1:PORT/__portalsim/...``): ``status``, ``log``,
``truth``, ``summary`` and ``POST as-of?date=YYYY-MM-DD``.
"""

from __future__ import annotations

import asyncio
import gzip
import hashlib
import json
import logging
import secrets
import threading
import time
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from email.utils import format_datetime, parsedate_to_datetime
from pathlib import Path

from aiohttp import web

from .assets import Assets
from .catalog import CHALLENGE, COOKIE_STUB, RATE_LIMIT
from .hostility import CHALLENGE_COOKIE_SERVER, Challenge, CookieStub, Hostility
from .render_office import OfficeConverter, default_cache_dir
from .routes import Page, PortalRouter, SimRequest
from .world import DEFAULT_AS_OF, World, build_world

log = logging.getLogger(__name__)
_CONTROL_HOSTS = {"127.0.0.1", "localhost", "portalsim", "::1"}
_COMPRESSIBLE = ("text/", "application/javascript", "application/json")
CHINA = timezone.utc  # portal clocks: Last-Modified is sent in GMT as HTTP requires


@dataclass
class Options:
    seed: int = 0
    scale: int = 0
    as_of: date = DEFAULT_AS_OF
    time_scale: float = 1.0
    challenge_ttl: float = 600.0
    cache_dir: Path = field(default_factory=default_cache_dir)
    access_log: Path | None = None
    warm_office: bool = True
    calm: bool = False  # no transient errors, slowness, rate limits or resets (benchmarks)
    extra: tuple[str, ...] = ()  # opt-in portals (catalog_jpaas.OPT_IN_PORTALS), e.g. laishan


class Simulator:
    """One simulated world served over HTTP; usable in-process from tests."""

    def __init__(self, options: Options, world: World | None = None) -> None:
        self.options = options
        self.world = world or build_world(options.seed, options.scale, options.extra)
        self.as_of = options.as_of
        self.assets = Assets(self.world, OfficeConverter(options.cache_dir))
        self.router = PortalRouter(self.world, self.assets, time_scale=options.time_scale)
        self.hostility = Hostility(time_scale=options.time_scale)
        self.challenge = Challenge(secrets.token_bytes(16), options.challenge_ttl)
        self.cookie_stub = CookieStub(secrets.token_bytes(16))
        self.log: deque[dict] = deque(maxlen=2_000_000)
        self._log_file = options.access_log.open("a", encoding="utf-8") if options.access_log else None
        self._lock = threading.Lock()
        # Pages are rendered in threads so the event loop takes (and timestamps) requests
        # the moment they arrive: politeness is measured from this log.
        self._pool = ThreadPoolExecutor(max_workers=8, thread_name_prefix="portalsim-render")
        self.app = web.Application(client_max_size=10 * 1024 * 1024,
                                   middlewares=[self._connect_middleware])
        self.app.router.add_route("*", "/{tail:.*}", self.handle)
        self.app.on_response_prepare.append(_server_header)

    def warm(self) -> None:
        if self.options.warm_office:
            self.assets.warm(self.as_of)

    # --- logging ---------------------------------------------------------------------------

    def _record(self, request: web.Request, host: str, status: int, size: int, started: float,
                note: str = "") -> None:
        arrived = time.time() - (time.monotonic() - started)
        entry = {"t": round(arrived, 4), "host": host, "method": request.method,
                 "path": request.path_qs, "status": status, "bytes": size,
                 "ms": round((time.monotonic() - started) * 1000, 1),
                 "ua": request.headers.get("User-Agent", ""),
                 "conditional": bool(request.headers.get("If-None-Match")
                                     or request.headers.get("If-Modified-Since")),
                 "note": note}
        with self._lock:
            entry["n"] = len(self.log)
            self.log.append(entry)
            if self._log_file:
                self._log_file.write(json.dumps(entry, ensure_ascii=False) + "\n")
                self._log_file.flush()

    # --- the request path --------------------------------------------------------------------

    @web.middleware
    async def _connect_middleware(self, request: web.Request, handler) -> web.StreamResponse:
        # CONNECT carries an authority-form target (host:443), which no route matches: the
        # router would answer 404 before ``handle`` could say that HTTPS is not simulated.
        if request.method == "CONNECT":
            return await self.handle(request)
        return await handler(request)

    async def handle(self, request: web.Request) -> web.StreamResponse:
        started = time.monotonic()
        host = (request.host or "").split(":")[0].lower()
        if request.method == "CONNECT":
            self._record(request, host, 501, 0, started, "https not simulated")
            return web.Response(status=501, text="portalsim: HTTPS (CONNECT) is not simulated\n")
        if host in _CONTROL_HOSTS and request.path.startswith("/__portalsim/"):
            return await self._control(request)
        if host not in self.world.hosts:
            self._record(request, host, 502, 0, started, "out of scope")
            return web.Response(status=502, text=f"portalsim: unknown host {host}\n")
        portal = self.world.hosts[host]
        spec = portal.spec
        key = f"{host}{request.path_qs}"
        if CHALLENGE in spec.hostility and request.path != "/robots.txt":
            if not self.challenge.passes(dict(request.cookies), request.headers.get("User-Agent", "")):
                token = self.challenge.issue()
                response = web.Response(status=412, text=self.challenge.page(token),
                                        content_type="text/html", charset="utf-8")
                response.set_cookie(CHALLENGE_COOKIE_SERVER, token, path="/", httponly=True,
                                    max_age=int(self.options.challenge_ttl))
                self._record(request, host, 412, response.content_length or 0, started, "challenge")
                return response
        if (COOKIE_STUB in spec.hostility and self.router.guarded_download(spec, request.path)
                and not self.cookie_stub.passes(dict(request.cookies))):
            body = self.cookie_stub.page()
            self._record(request, host, 200, len(body), started, "cookie stub")
            return web.Response(text=body, content_type="text/html", charset="utf-8")
        calm = self.options.calm
        if RATE_LIMIT in spec.hostility and not calm:
            retry = self.hostility.rate_limited(host)
            if retry is not None:
                self._record(request, host, 429, 0, started, "rate limited")
                return web.Response(status=429, text="Too Many Requests\n",
                                    headers={"Retry-After": str(retry)})
        if not calm and self.hostility.reset_connection(spec, key):
            self._record(request, host, 0, 0, started, "connection reset")
            if request.transport is not None:
                request.transport.abort()
            raise asyncio.CancelledError()
        failure = None if calm else self.hostility.transient_failure(spec, key)
        if failure is not None:
            headers = {"Retry-After": "1"} if failure == 503 else {}
            self._record(request, host, failure, 0, started, "transient")
            return web.Response(status=failure, text=f"{failure} Service temporarily unavailable\n",
                                headers=headers)
        delay = 0.0 if calm else self.hostility.delay(spec, key)
        if delay:
            await asyncio.sleep(delay)
        form = {}
        if request.method == "POST" and request.can_read_body:
            form = {k: v for k, v in (await request.post()).items() if isinstance(v, str)}
        headers = {name.lower(): value for name, value in request.headers.items()}
        sim_request = SimRequest(host, request.method, request.path, dict(request.query), form,
                                 headers)
        try:
            page = await asyncio.get_running_loop().run_in_executor(
                self._pool, self.router.respond, sim_request, self.as_of)
        except Exception as exc:  # a simulator bug must show, not hang the client
            log.exception("portalsim failed on %s", key)
            self._record(request, host, 500, 0, started, f"simulator error: {exc}")
            return web.Response(status=500, text=f"portalsim internal error: {exc}\n")
        response = await self._send(request, page)
        self._record(request, host, response.status, page.stream_size or len(page.body), started,
                     "slow" if delay else "")
        return response

    async def _send(self, request: web.Request, page: Page) -> web.StreamResponse:
        headers = dict(page.headers)
        if page.modified is not None:
            digest = hashlib.sha1(page.body or page.headers.get("Content-Disposition", "").encode()
                                  + str(page.stream_size).encode()).hexdigest()[:20]
            etag = f'W/"{digest}"'
            modified = page.modified.replace(tzinfo=CHINA)
            headers["ETag"] = etag
            headers["Last-Modified"] = format_datetime(modified, usegmt=True)
            if _not_modified(request, etag, modified):
                return web.Response(status=304, headers=headers)
        if page.stream is not None:
            response = web.StreamResponse(status=page.status, headers=headers)
            response.content_type = page.content_type
            response.content_length = page.stream_size
            await response.prepare(request)
            if request.method != "HEAD":
                for chunk in page.stream():
                    await response.write(chunk)
            await response.write_eof()
            return response
        body = page.body
        if (body and page.content_type.startswith(_COMPRESSIBLE)
                and "gzip" in request.headers.get("Accept-Encoding", "")):
            body = gzip.compress(body, mtime=0)
            headers["Content-Encoding"] = "gzip"
            headers["Vary"] = "Accept-Encoding"
        headers["Content-Type"] = page.content_type
        return web.Response(status=page.status, body=body, headers=headers)

    # --- control -------------------------------------------------------------------------

    async def _control(self, request: web.Request) -> web.Response:
        from .truth import summary, truth

        name = request.path[len("/__portalsim/"):]
        if name == "status":
            return web.json_response({
                "as_of": self.as_of.isoformat(), "seed": self.options.seed,
                "scale": self.options.scale, "hosts": sorted(self.world.hosts),
                "requests": len(self.log), "office_error": self.assets.warm_error})
        if name == "log":
            since = int(request.query.get("since", "0"))
            with self._lock:
                entries = [e for e in list(self.log)[since:]]
            return web.json_response(entries)
        if name == "truth":
            return web.json_response(truth(self.world, self.as_of), dumps=_dumps)
        if name == "summary":
            return web.json_response(summary(self.world, self.as_of), dumps=_dumps)
        if name == "as-of" and request.method == "POST":
            self.as_of = date.fromisoformat(request.query["date"])
            return web.json_response({"as_of": self.as_of.isoformat()})
        return web.Response(status=404, text="unknown control endpoint\n")


async def _server_header(request: web.Request, response: web.StreamResponse) -> None:
    response.headers["Server"] = "Apache-Coyote/1.1"  # what Hanweb's Tomcat front says


def _dumps(obj: object) -> str:
    return json.dumps(obj, ensure_ascii=False)


def _not_modified(request: web.Request, etag: str, modified: datetime) -> bool:
    inm = request.headers.get("If-None-Match")
    if inm is not None:
        tags = {t.strip().removeprefix("W/") for t in inm.split(",")}
        return etag.removeprefix("W/") in tags or "*" in tags
    ims = request.headers.get("If-Modified-Since")
    if ims:
        try:
            since = parsedate_to_datetime(ims)
        except (TypeError, ValueError):
            return False
        return modified.replace(microsecond=0) <= since
    return False


class RunningSimulator:
    """A simulator serving on a port in a background thread (for tests and the demo)."""

    def __init__(self, options: Options, port: int = 0, world: World | None = None) -> None:
        self.simulator = Simulator(options, world)
        self.port = port
        self._loop = asyncio.new_event_loop()
        self._runner: web.AppRunner | None = None
        self._thread = threading.Thread(target=self._loop.run_forever, name="portalsim",
                                        daemon=True)

    @property
    def proxy(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> RunningSimulator:
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._start(), self._loop).result(30)
        self.simulator.warm()
        return self

    async def _start(self) -> None:
        self._runner = web.AppRunner(self.simulator.app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", self.port)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    def stop(self) -> None:
        if self._runner is not None:
            asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self._loop).result(30)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)

    def __enter__(self) -> RunningSimulator:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
