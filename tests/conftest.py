"""Shared fixtures: the portal simulator served on a free port, and a plain HTTP client
that uses it as a forward proxy (absolute-form requests, like any proxied client)."""

from __future__ import annotations

import http.client
import json
import os
import signal
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from urllib.parse import urlencode

import pytest

from tests.portalsim.server import Options, RunningSimulator
from tests.portalsim.truth import truth
from tests.portalsim.world import DEFAULT_AS_OF, World, build_world

TEST_TIME_SCALE = 0.05  # every delay, limit and Crawl-delay of the simulator x 0.05

# Every crawl of the suite reaches the simulator on 127.0.0.1 (as a proxy, or by names a
# test machine may map to it): private and loopback hosts are allowed for the whole suite,
# commands run as subprocesses included (crawler.private_hosts). Tests that clear the
# environment give their registry entries `allow_private_hosts: true`;
# tests/test_private_hosts.py checks the refusal without it.
os.environ.setdefault("XXGK_ALLOW_PRIVATE_HOSTS", "1")

# A suite started in the background of a script (`make test &`, `(.ci/run) &`) inherits
# SIGINT ignored, as POSIX shells start background jobs; Python then keeps it ignored, and so
# does every command the tests start, which the tests that stop a command with SIGINT (Ctrl-C)
# read as a command that never stops. Handling SIGINT here (a handler, not SIG_IGN, so exec
# resets it) gives the suite and its commands the disposition of a foreground run. Seen: a
# background clean-clone run failed test_hostile_inputs' two SIGINT tests, every time.
if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)


@dataclass
class Response:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    def header(self, name: str) -> str | None:
        return self.headers.get(name)

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")


class ProxyClient:
    """A minimal real HTTP client speaking to the simulator as its proxy; no redirects are
    followed and no retries are made, so tests see exactly what the portal answered."""

    def __init__(self, port: int, user_agent: str = "xxgk-archive-tests/0.1") -> None:
        self.port = port
        self.user_agent = user_agent

    def request(self, method: str, url: str, *, headers: dict[str, str] | None = None,
                body: bytes | None = None) -> Response:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            conn.request(method, url, body=body,
                         headers={"User-Agent": self.user_agent, **(headers or {})})
            raw = conn.getresponse()
            return Response(raw.status, raw.headers, raw.read())
        finally:
            conn.close()

    def get(self, url: str, **headers: str) -> Response:
        return self.request("GET", url, headers={k.replace("_", "-"): v for k, v in headers.items()})

    def post(self, url: str, form: dict[str, str]) -> Response:
        return self.request("POST", url, body=urlencode(form).encode(),
                            headers={"Content-Type": "application/x-www-form-urlencoded"})

    def control(self, name: str, method: str = "GET") -> object:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            conn.request(method, f"/__portalsim/{name}")
            return json.loads(conn.getresponse().read())
        finally:
            conn.close()


@pytest.fixture(scope="session")
def world() -> World:
    return build_world(0, 0)


@pytest.fixture(scope="session")
def world_truth(world: World) -> dict:
    return truth(world, DEFAULT_AS_OF, TEST_TIME_SCALE)


def _running(world: World | None = None, **options: object) -> RunningSimulator:
    defaults = {"time_scale": TEST_TIME_SCALE, "as_of": DEFAULT_AS_OF}
    return RunningSimulator(Options(**{**defaults, **options}), world=world).start()


@pytest.fixture(scope="session")
def calm_sim(world: World) -> Iterator[RunningSimulator]:
    """The seed world without transient failures, slowness or rate limits."""
    sim = _running(world, calm=True)
    yield sim
    sim.stop()


@pytest.fixture
def hostile_sim(world: World) -> Iterator[RunningSimulator]:
    """A fresh simulator with every hostility on (fresh: failures count per process)."""
    sim = _running(world, warm_office=False)
    yield sim
    sim.stop()


@pytest.fixture
def start_sim():
    """Start simulators with other options (another as-of date, seed, challenge TTL)."""
    started: list[RunningSimulator] = []

    def start(world: World | None = None, **options: object) -> RunningSimulator:
        sim = _running(world, **options)
        started.append(sim)
        return sim

    yield start
    for sim in started:
        sim.stop()


@pytest.fixture(scope="session")
def calm(calm_sim: RunningSimulator) -> ProxyClient:
    return ProxyClient(calm_sim.port)


def as_date(text: str) -> date:
    return date.fromisoformat(text)


# The longest test files first: `make test` runs two processes, whole files each
# (--dist loadfile), and a long file started last would leave the other process idle.
LONGEST_FIRST = ("test_index", "test_crawl", "test_scheduler", "test_distributed",
                 "test_pywb_interop", "test_crawl_listings", "test_crawl_resume",
                 "test_crawl_jpaas", "test_scheduler_failover", "test_crawl_generic",
                 "test_scheduler_distributed", "test_parse_scanned", "test_distributed_listings",
                 "test_home_move", "test_crawl_politeness", "test_crawl_crash_hostile",
                 "test_archive_retrieval", "test_portalsim_http",
                 "test_memento", "test_parse_ocr")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    def rank(item: pytest.Item) -> int:
        name = item.path.stem
        return LONGEST_FIRST.index(name) if name in LONGEST_FIRST else len(LONGEST_FIRST)

    items.sort(key=rank)  # stable: the order within a file is kept
