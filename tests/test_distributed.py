"""A distributed crawl on the real engines: `xxgk crawl --distributed` seeds the shared
frontier in Redis, two `xxgk worker` processes crawl two hostile simulated portals from it
into one PostgreSQL database, each into WARC files of its own that go to S3 (a moto server
over HTTP); scored against the simulator's ground truth and its access log."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import boto3
import pytest
import redis
from moto.server import ThreadedMotoServer
from sqlalchemy import create_engine, text

from tests.conftest import ProxyClient
from tests.pgdb import throwaway_database
from tests.portalsim.truth import truth

XXGK = Path(sys.executable).with_name("xxgk")
PORTALS = ("jiaxiang", "wenshang")
AS_OF = date(2024, 6, 30)
DELAY = 0.2  # seconds between requests to one host, whichever worker sends them
TOLERANCE = 0.01  # the simulator's own clock: when its event loop took the request
POSTGRES = os.environ.get("XXGK_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432")
REDIS_URL = os.environ.get("XXGK_TEST_REDIS", "redis://127.0.0.1:6379/0")
BUCKET = "xxgk-distributed-test"


@dataclass
class Run:
    """What one distributed crawl left: the simulator's log, the database, the workers."""

    env: dict[str, str]
    database: str
    prefix: str
    log: list[dict]
    facts: dict
    seeded: subprocess.CompletedProcess[str]
    waited: subprocess.CompletedProcess[str]
    refused: subprocess.CompletedProcess[str]
    workers: list[tuple[int, str]]  # exit code, stderr
    contacts: list[str]  # each worker's contact, in its User-Agent
    seconds: float

    def query(self, sql: str, **params: object) -> list[tuple]:
        engine = create_engine(self.database)
        try:
            with engine.connect() as connection:
                return [tuple(row) for row in connection.execute(text(sql), params)]
        finally:
            engine.dispose()

    def run_ids(self) -> list[int]:
        return [r for (r,) in self.query("select id from crawl_runs order by id")]


def _xxgk(env: dict[str, str], *args: str, timeout: float = 600
          ) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(XXGK), *args], capture_output=True, text=True, env=env,
                          timeout=timeout)


def start_crawl(env: dict[str, str], sites: tuple[str, ...], proxy: str, work: Path,
                settings: list[tuple[str, ...]]) -> tuple[subprocess.Popen, list[subprocess.Popen]]:
    """The coordinator waiting for the seeded runs (``--wait``), and one `xxgk worker` per
    entry of ``settings`` (its extra arguments), each with a home of its own."""
    waiter = subprocess.Popen(
        [str(XXGK), "crawl", "--distributed", "--wait", *sites, "--home",
         str(work / "coordinator")], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True, env={**env, "COLUMNS": "200"})
    workers = [subprocess.Popen(
        [str(XXGK), "worker", "--idle-exit", "4", "--proxy", proxy,
         "--home", str(work / f"worker{i}"), *extra],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env)
        for i, extra in enumerate(settings, 1)]
    return waiter, workers


@contextmanager
def _redis_prefix() -> Iterator[str]:
    prefix = f"xxgk-test-{uuid.uuid4().hex[:8]}"
    try:
        yield prefix
    finally:
        client = redis.Redis.from_url(REDIS_URL)
        keys = list(client.scan_iter(f"{prefix}:*"))
        if keys:
            client.delete(*keys)


@pytest.fixture(scope="module")
def s3_endpoint() -> str:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0)
    server.start()
    host, port = server.get_host_and_port()
    boto3.client("s3", endpoint_url=f"http://{host}:{port}", region_name="us-east-1",
                 aws_access_key_id="testing", aws_secret_access_key="testing"
                 ).create_bucket(Bucket=BUCKET)
    yield f"http://{host}:{port}"
    server.stop()


def _environment(work: Path, database: str, prefix: str, s3_endpoint: str) -> dict[str, str]:
    """What every process of the crawl is configured by: PostgreSQL, Redis, S3."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "XXGK_"))}
    env.update({
        "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1", "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_SHARED_CREDENTIALS_FILE": str(work / "none"), "AWS_CONFIG_FILE": str(work / "none"),
        "XXGK_DATABASE_URL": database, "XXGK_REDIS_URL": REDIS_URL,
        "XXGK_REDIS_PREFIX": prefix, "XXGK_S3_BUCKET": BUCKET,
        "XXGK_S3_ENDPOINT_URL": s3_endpoint, "XXGK_S3_PREFIX": "warcs/"})
    return env


@pytest.fixture(scope="module")
def postgres_database() -> Iterator[str]:
    with throwaway_database("xxgk_distributed") as url:
        yield url


@pytest.fixture(scope="module")
def redis_prefix() -> Iterator[str]:
    with _redis_prefix() as prefix:
        yield prefix


@pytest.fixture(scope="module")
def crawl(tmp_path_factory, world, postgres_database, redis_prefix, s3_endpoint) -> Run:
    from tests.conftest import _running

    work = tmp_path_factory.mktemp("distributed")
    env = _environment(work, postgres_database, redis_prefix, s3_endpoint)
    sim = _running(world, warm_office=False, as_of=AS_OF)  # every hostility on
    client = ProxyClient(sim.port)
    contacts = [f"worker{i}@example.org" for i in (1, 2)]
    try:
        started = time.monotonic()
        seeded = _xxgk(env, "crawl", "--distributed", *PORTALS, "--proxy", sim.proxy,
                       "--home", str(work / "coordinator"), "--last-year", "2024",
                       "-s", f"DOWNLOAD_DELAY={DELAY}", timeout=120)
        assert seeded.returncode == 0, seeded.stderr[-3000:]
        # While the frontier owns the runs, a single-process crawl of the site is refused.
        refused = _xxgk(env, "crawl", PORTALS[0], "--proxy", sim.proxy,
                        "--home", str(work / "single"), timeout=120)
        waiter, workers = start_crawl(env, PORTALS, sim.proxy, work,
                                      [("-s", f"XXGK_CONTACT={contact}") for contact in contacts])
        outcomes = [(w.wait(timeout=600), w.stderr.read()) for w in workers]
        out, err = waiter.communicate(timeout=60)
        waited = subprocess.CompletedProcess(waiter.args, waiter.returncode, out, err)
        seconds = time.monotonic() - started
        log = client.control("log")
    finally:
        sim.stop()
    return Run(env, postgres_database, redis_prefix, log, truth(world, AS_OF, 0.05), seeded,
               waited, refused, outcomes, contacts, seconds)


def test_two_workers_share_the_crawl_and_the_runs_finish(crawl):
    assert [code for code, _ in crawl.workers] == [0, 0], [e[-3000:] for _, e in crawl.workers]
    runs = crawl.query("select site, state, finish_reason, host, requests, new_documents, "
                       "errors from crawl_runs order by id")
    assert [r[0] for r in runs] == list(PORTALS)
    for site, state, reason, host, requests, documents, _ in runs:
        assert (state, reason) == ("finished", "finished"), (site, state, reason)
        assert host == f"redis:{crawl.prefix}"  # the frontier owns the run, not a process
        assert requests > 150 and documents > 100, (site, requests, documents)
    # The runs count the requests of both workers: what the simulator saw (Twisted's
    # connection pool repeats a request on a reset connection without Scrapy knowing).
    assert abs(sum(r[4] for r in runs) - len(crawl.log)) <= 3
    # Both workers did real work on both sites: requests of each in each site's log (a site's
    # hosts together: wenshang's mirror host alone gets a few dozen requests, too few for a
    # share of them to say anything about how the workers took turns).
    site_of = {host: p["key"] for p in crawl.facts["portals"] for host in p["hosts"]}
    by_worker = Counter((site_of[e["host"]], _worker(crawl, e)) for e in crawl.log)
    for site in PORTALS:
        shares = [by_worker[(site, w)] for w in (0, 1)]
        assert min(shares) >= 0.15 * sum(shares), (site, shares)
    # The waiting coordinator printed the finished runs.
    assert crawl.waited.returncode == 0, crawl.waited.stderr[-2000:]
    assert all(site in crawl.waited.stdout for site in PORTALS)
    assert crawl.waited.stdout.count("finished") == len(PORTALS)


def test_a_single_process_crawl_is_refused_while_the_frontier_has_the_site(crawl):
    assert crawl.refused.returncode == 5, crawl.refused.stderr[-2000:]  # busy
    assert "being crawled" in crawl.refused.stderr


def _worker(crawl: Run, entry: dict) -> int:
    """Which worker sent a request the simulator logged (its contact is in the UA)."""
    return next(i for i, c in enumerate(crawl.contacts) if c in entry["ua"])


def test_every_report_url_is_captured_exactly_once(crawl):
    runs = crawl.run_ids()
    got = Counter()
    mimes: dict[str, str | None] = {}
    for url, mime, fingerprint in crawl.query(
            "select url, mime, fingerprint from captures where crawl_run_id = any(:runs) "
            "and record_type in ('response', 'revisit') and status = 200", runs=runs):
        got[(url, fingerprint)] += 1
        mimes[url] = mime
    wanted = _report_urls(crawl.facts, PORTALS)
    assert len(wanted) > 200
    missing = [(url, kind) for url, kind in wanted if mimes.get(url) != kind]
    assert not missing, f"{len(missing)} of {len(wanted)} report URLs missing: {missing[:5]}"
    # One request (method, URL, body) is answered 200 once in the run, whichever worker
    # took it. robots.txt is each worker's own (each reads it; the second gets a 304).
    twice = {key: n for key, n in got.items() if n > 1 and not key[0].endswith("/robots.txt")}
    assert not twice, list(twice.items())[:5]
    fetched = Counter((e["method"], e["host"], e["path"]) for e in crawl.log
                      if e["status"] == 200 and e["method"] == "GET"
                      and not e["path"].endswith("robots.txt"))
    assert not [k for k, n in fetched.items() if n > 1]


def test_per_host_delay_holds_across_workers(crawl):
    """Gaps between consecutive requests to one host, whichever worker sent them, from the
    simulator's log. A reset connection is repeated at once by Twisted's connection pool:
    the same request, not a new one, so the gap after a reset is not counted."""
    by_host: dict[str, list[dict]] = defaultdict(list)
    for entry in crawl.log:
        by_host[entry["host"]].append(entry)
    switches = 0
    for host, entries in by_host.items():
        entries.sort(key=lambda e: e["t"])
        gaps = [(b["t"] - a["t"], a, b) for a, b in zip(entries, entries[1:])
                if a["note"] != "connection reset"]
        short = [(round(g, 3), a["path"], b["path"]) for g, a, b in gaps
                 if g < DELAY - TOLERANCE]
        assert not short, (host, short[:5])
        switches += sum(_worker(crawl, a) != _worker(crawl, b) for _, a, b in gaps)
    assert switches > 50  # the workers did take turns at the same hosts
    # wenshang's 429 limit (0.025 s at this time scale) is never tripped.
    assert not [e for e in crawl.log if e["status"] == 429]


def test_warc_files_are_per_worker_and_verify_from_s3(crawl, tmp_path):
    files = crawl.query("select name, location, sealed, writer from warc_files")
    assert files and all(sealed for _, _, sealed, _ in files)
    assert all(loc.startswith(f"s3://{BUCKET}/warcs/") for _, loc, _, _ in files)
    prefixes = {re.sub(r"-\d{20}-\d{5}\.warc\.gz$", "", name) for name, *_ in files}
    assert len(prefixes) == 2  # one name prefix per worker (host and pid): no collisions
    verify = _xxgk(crawl.env, "archive", "verify", "--home", str(tmp_path / "reader"))
    assert verify.returncode == 0, verify.stdout[-3000:] + verify.stderr[-3000:]


def test_the_frontier_is_left_clean(crawl):
    client = redis.Redis.from_url(REDIS_URL)
    left = sorted(k.decode() for k in client.scan_iter(f"{crawl.prefix}:*"))
    # What stays: per-host politeness state (it expires by itself).
    assert all(":host:" in key for key in left), left
    assert client.hlen(f"{crawl.prefix}:sites") == 0


def test_requests_travel_through_redis_as_json():
    from scrapy import FormRequest, Spider

    from crawler.distributed import codec as distributed_codec

    class S(Spider):
        name = "s"

        def parse_search(self, response, code, page):  # type: ignore[no-untyped-def]
            return None

    spider = S()
    request = FormRequest("http://www.example.gov.cn/search.jsp", formdata={"page": "2"},
                          callback=spider.parse_search, cb_kwargs={"code": "X1", "page": 2},
                          meta={"redirect_urls": ["http://a/"], "pair": (1, b"\x00"),
                                "xxgk_known": True, "future": object()})
    as_dict = distributed_codec.request_dict(request, spider)
    assert as_dict == request.to_dict(spider=spider)  # Scrapy's, found the quick way
    data = distributed_codec.dumps(as_dict)
    json.loads(data)  # plain JSON
    from scrapy.utils.request import request_from_dict

    back = request_from_dict(distributed_codec.loads(data), spider=spider)
    assert type(back) is FormRequest and back.body == request.body
    assert back.callback == spider.parse_search and back.cb_kwargs == {"code": "X1", "page": 2}
    assert back.meta == {"redirect_urls": ["http://a/"], "pair": (1, b"\x00"),
                         "xxgk_known": True}  # a process's own object stays behind
    forged = data.replace(b"scrapy.http.request.form.FormRequest", b"os.system")
    with pytest.raises(ValueError):
        distributed_codec.loads(forged)


def _report_urls(facts: dict, portals: tuple[str, ...]) -> list[tuple[str, str]]:
    return [(u["url"], u["content_type"]) for r in facts["reports"]
            if r["portal"] in portals and r["status"] == "published" for u in r["urls"]]


def test_what_a_killed_worker_held_goes_back_to_the_queue(tmp_path, world, s3_endpoint):
    """SIGKILL a worker in the middle of a site: the requests it had taken and not finished
    are put back for the others once its busy mark is stale; the run still gets every
    report and finishes, and the archive still verifies (the dead worker's archive writer
    archived what it was given, sealed its file and stored it)."""
    from tests.conftest import _running

    with throwaway_database("xxgk_distributed") as database, _redis_prefix() as prefix:
        env = _environment(tmp_path, database, prefix, s3_endpoint)
        frontier = redis.Redis.from_url(REDIS_URL)
        sim = _running(world, warm_office=False, as_of=AS_OF)
        client = ProxyClient(sim.port)
        try:
            seeded = _xxgk(env, "crawl", "--distributed", "jiaxiang", "--proxy", sim.proxy,
                           "--home", str(tmp_path / "coordinator"), "--last-year", "2024",
                           "-s", "DOWNLOAD_DELAY=0.05", "-s", "XXGK_WORKER_STALE=3",
                           "-s", "XXGK_HOST_TURN_TTL=5", timeout=120)
            assert seeded.returncode == 0, seeded.stderr[-3000:]
            victim = subprocess.Popen([str(XXGK), "worker", "--proxy", sim.proxy, "--home",
                                       str(tmp_path / "victim")], env=env,
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            deadline = time.monotonic() + 120
            while len(client.control("log")) < 60 and time.monotonic() < deadline:
                time.sleep(0.2)
            victim.kill()
            victim.wait()
            held = sum(frontier.hlen(k) for k in
                       frontier.scan_iter(f"{prefix}:site:jiaxiang:held:*"))
            survivor = _xxgk(env, "worker", "--idle-exit", "3", "--proxy", sim.proxy,
                             "--home", str(tmp_path / "survivor"), timeout=300)
            assert survivor.returncode == 0, survivor.stderr[-3000:]
        finally:
            sim.stop()
        assert held > 0  # it died with requests in hand
        assert not list(frontier.scan_iter(f"{prefix}:site:jiaxiang:*"))
        engine = create_engine(database)
        with engine.connect() as connection:
            state = connection.execute(text("select state from crawl_runs")).scalars().all()
            got = {(url, mime) for url, mime in connection.execute(text(
                "select url, mime from captures where status = 200 "
                "and record_type in ('response', 'revisit')"))}
        engine.dispose()
        assert state == ["finished"]
        wanted = _report_urls(truth(world, AS_OF, 0.05), ("jiaxiang",))
        missing = [w for w in wanted if w not in got]
        assert not missing, f"{len(missing)} of {len(wanted)} missing: {missing[:5]}"
        verify = _xxgk(env, "archive", "verify", "--home", str(tmp_path / "reader"))
        assert verify.returncode == 0, verify.stdout[-3000:] + verify.stderr[-3000:]


def test_challenge_cookies_one_worker_got_serve_the_others(tmp_path, world, s3_endpoint):
    """wendeng's JS challenge: the first worker solves it with its browser; a second worker
    meeting it retries with the cookies the first one shared, without a browser of its own
    (one DOM snapshot in the archive: one solve)."""
    from tests.conftest import _running

    with throwaway_database("xxgk_distributed") as database, _redis_prefix() as prefix:
        env = _environment(tmp_path, database, prefix, s3_endpoint)
        sim = _running(world, warm_office=False, as_of=AS_OF)
        client = ProxyClient(sim.port)
        try:
            seeded = _xxgk(env, "crawl", "--distributed", "wendeng", "--proxy", sim.proxy,
                           "--home", str(tmp_path / "coordinator"), "--last-year", "2024",
                           "-s", "DOWNLOAD_DELAY=0.05", timeout=120)
            assert seeded.returncode == 0, seeded.stderr[-3000:]

            def worker(name: str, pages: int) -> subprocess.Popen:
                return subprocess.Popen(
                    [str(XXGK), "worker", "--max-pages", str(pages), "--proxy", sim.proxy,
                     "--home", str(tmp_path / name)], env=env, stdout=subprocess.DEVNULL,
                    stderr=subprocess.PIPE, text=True)

            first = worker("first", 30)
            deadline = time.monotonic() + 180
            while not [e for e in client.control("log") if e["status"] == 200
                       and e["host"] == "www.wendeng.gov.cn" and e["path"] != "/robots.txt"]:
                assert time.monotonic() < deadline and first.poll() is None
                time.sleep(0.5)
            second = worker("second", 20)
            outcomes = [(p.wait(timeout=300), p.stderr.read()) for p in (first, second)]
            log = client.control("log")
        finally:
            sim.stop()
        assert [code for code, _ in outcomes] == [0, 0], [e[-3000:] for _, e in outcomes]
        second_pages = int(re.search(r": (\d+) responses", outcomes[1][1]).group(1))
        assert second_pages >= 10
        challenged = [e for e in log if e["status"] == 412]
        # The first worker's solve (its request, the browser's first load, a request sent
        # meanwhile); the second one sends the shared cookies from its first request on.
        assert 1 <= len(challenged) <= 4
        engine = create_engine(database)
        with engine.connect() as connection:
            snapshots = connection.execute(text(
                "select count(*) from captures where record_type = 'resource'")).scalar()
        engine.dispose()
        assert snapshots == 1  # one browser solve for both workers
