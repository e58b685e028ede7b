"""Completeness in a distributed crawl: the workers' shares of a run's listings added up in
Redis (crawler.distributed.listings), and the run judged on the sum: two `xxgk worker` processes
crawl Hanweb portals of the simulator, one of which cuts its column listing short; that run
ends ``incomplete`` with the numbers, the others complete."""

from __future__ import annotations

from dataclasses import replace

import pytest
import redis
from sqlalchemy import create_engine, text

from crawler.distributed.listings import SharedListingTally
from tests.conftest import _running
from tests.pgdb import throwaway_database
from tests.portalsim.world import build_world
from tests.test_crawl_listings import AS_OF, SITES, _column_urls, _entries
from tests.test_distributed import (  # noqa: F401 - s3_endpoint is a fixture
    REDIS_URL,
    _environment,
    _redis_prefix,
    _xxgk,
    s3_endpoint,
    start_crawl,
)

CRAWLED = SITES[:3]  # county2 cuts its listing
CUT = "county2"


def test_two_workers_shares_of_a_listing_add_up() -> None:
    client = redis.Redis.from_url(REDIS_URL)
    with _redis_prefix() as prefix:
        key = f"{prefix}:run:7:listings"
        first, second = SharedListingTally(client, key), SharedListingTally(client, key)
        first.expect("column 33760", "http://a.gov.cn/col/col33760/index.html", 24)
        for i in range(10):
            first.saw("column 33760", f"http://a.gov.cn/art/{i}.html")
        first.flush()
        second.expect("column 33760", "", 20)  # a smaller size stated later: the largest stays
        for i in range(8, 18):  # 8 and 9 again: a page read twice counts once
            second.saw("column 33760", f"http://a.gov.cn/art/{i}.html")
        second.note("column 33760", "HTTP 404 from POST /module/web/jpage/dataproxy.jsp")
        assert first.read("column 33760") == 10  # the second's share is not flushed yet
        second.flush()  # what a worker does whenever its crawler goes idle, and at its close
        assert first.read("column 33760") == 18
        (short,) = first.shared().shortfalls()
        assert (short.url, short.read, short.advertised) == (
            "http://a.gov.cn/col/col33760/index.html", 18, 24)
        assert "HTTP 404 from POST" in short.reason
        for i in range(18, 24):
            second.saw("column 33760", f"http://a.gov.cn/art/{i}.html")
        assert first.shared().shortfalls()[0].read == 18
        second.flush()
        assert first.shared().shortfalls() == []
        first.forget()
        assert not list(client.scan_iter(f"{key}*"))


@pytest.fixture(scope="module")
def distributed_crawl(tmp_path_factory, s3_endpoint):  # noqa: F811 - the imported fixture
    world = build_world(0, len(SITES))
    cut = world.portals[CUT]
    original = cut.spec
    cut.spec = replace(original, listing_cap=17)  # totalRecord still counts every record
    work = tmp_path_factory.mktemp("distributed-listings")
    sites = _entries(world, work / "sites")
    sim = _running(world, calm=True, as_of=AS_OF)
    try:
        with throwaway_database("xxgk_listings") as database, _redis_prefix() as prefix:
            env = {**_environment(work, database, prefix, s3_endpoint),
                   "XXGK_SITES_DIR": str(sites)}
            seeded = _xxgk(env, "crawl", "--distributed", *CRAWLED, "--proxy", sim.proxy,
                           "--home", str(work / "coordinator"), "--last-year", "2024",
                           "-s", "DOWNLOAD_DELAY=0.05", timeout=120)
            assert seeded.returncode == 0, seeded.stderr[-3000:]
            waiter, workers = start_crawl(env, CRAWLED, sim.proxy, work,
                                          [("-s", "LOG_LEVEL=WARNING")] * 2)
            codes = [(w.wait(timeout=600), w.stderr.read()) for w in workers]
            out, err = waiter.communicate(timeout=120)
            engine = create_engine(database)
            try:
                with engine.connect() as db:
                    runs = db.execute(text("select site, state, incomplete from crawl_runs "
                                           "order by site")).all()
                    failures = db.execute(text(
                        "select r.site, f.reason from crawl_failures f join crawl_runs r "
                        "on r.id = f.crawl_run_id where f.kind = 'incomplete'")).all()
                    captured = {u for (u,) in db.execute(text("select url from crawl_documents"))}
            finally:
                engine.dispose()
            left = list(redis.Redis.from_url(REDIS_URL).scan_iter(f"{prefix}:run:*:listings*"))
    finally:
        sim.stop()
        cut.spec = original
    column = world.portals[CUT].spec.column("annual")
    total = len(world.portals[CUT].column_articles(column.id, AS_OF))
    return {"codes": codes, "waited": (waiter.returncode, out, err), "runs": runs,
            "failures": failures, "captured": captured, "total": total, "world": world,
            "left": left}


def test_a_cut_listing_makes_the_distributed_run_incomplete(distributed_crawl) -> None:
    crawl = distributed_crawl
    assert [code for code, _ in crawl["codes"]] == [0, 0], [e[-2000:] for _, e in crawl["codes"]]
    runs = {site: (state, incomplete) for site, state, incomplete in crawl["runs"]}
    assert runs[CUT] == ("finished", 1), runs
    assert {runs[s] for s in CRAWLED if s != CUT} == {("finished", 0)}, runs
    (site, reason), = crawl["failures"]
    assert site == CUT and f"read 17 of the {crawl['total']} records" in reason, reason
    code, out, err = crawl["waited"]
    assert code == 1, out[-2000:] + err[-2000:]  # the waiter says so and exits non-zero
    assert f"incomplete: {CUT}" in " ".join((out + err).split()), out[-2000:]
    # The complete portals' reports were all found, by the two workers together.
    for key in CRAWLED:
        if key != CUT:
            wanted = _column_urls(crawl["world"], key)
            assert wanted <= crawl["captured"], sorted(wanted - crawl["captured"])[:3]
    assert crawl["left"] == []  # the finished runs' tallies are gone from Redis
