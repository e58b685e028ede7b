"""The generic spider against the two non-Hanweb portals of the simulator (TRS WCM and
开普云/Ucap), hostile: every report URL found by following links alone, decoys left alone."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from protego import Protego

from tests.conftest import ProxyClient
from tests.portalsim.truth import truth
from tests.test_crawl import crawl

PORTALS = ("hongze", "shuyang")


@pytest.fixture(scope="module")
def generic(tmp_path_factory, world):
    from tests.conftest import _running

    sim = _running(world, warm_office=False)
    home = tmp_path_factory.mktemp("generic-home")
    try:
        result = crawl(home, sim.proxy, *PORTALS)
        log = ProxyClient(sim.port).control("log")
        facts = truth(world, sim.simulator.as_of, 0.05)
    finally:
        sim.stop()
    assert result.returncode == 0, result.stderr[-3000:]
    return home, log, facts


def _rows(home: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(home / "xxgk.sqlite3") as db:
        return db.execute(sql).fetchall()


def test_every_list_is_read_whole_by_its_page_count(generic):
    # TRS lists state their pages in script, Ucap lists in their pager: each one is compared
    # with the pages read (crawler.listings), through the hostile portals' resets and 500s.
    home, _, _ = generic
    assert _rows(home, "select count(*) from crawl_failures where kind = 'incomplete'") == [(0,)]


def test_every_report_url_is_found_by_following_links(generic):
    home, _, facts = generic
    got = set(_rows(home, "select url, mime from captures where status = 200 "
                          "and record_type in ('response', 'revisit')"))
    wanted = [(u["url"], u["content_type"]) for r in facts["reports"]
              if r["portal"] in PORTALS and r["status"] == "published" for u in r["urls"]]
    assert len(wanted) > 200
    missing = [w for w in wanted if w not in got]
    assert not missing, f"{len(missing)} of {len(wanted)} missing: {missing[:5]}"
    documents = {url for (url,) in _rows(home, "select url from crawl_documents")}
    assert {u for u, _ in wanted} <= documents


def test_decoys_are_not_documents_and_fetched_at_most_once(generic):
    home, log, facts = generic
    documents = {url for (url,) in _rows(home, "select url from crawl_documents")}
    decoys = [d for d in facts["decoys"] if d["portal"] in PORTALS]
    assert decoys
    assert not [d["url"] for d in decoys if d["url"] in documents]
    paths = [e["path"] for e in log if e["status"] == 200]
    for decoy in decoys:
        path = "/" + decoy["url"].split("/", 3)[3]
        assert paths.count(path) <= 1, path


def test_scope_robots_and_traps(generic):
    _, log, facts = generic
    hosts = {h for p in facts["portals"] if p["key"] in PORTALS for h in p["hosts"]}
    assert {e["host"] for e in log} <= hosts
    assert not [e for e in log if e["note"] == "out of scope"]
    for portal in facts["portals"]:
        if portal["key"] not in PORTALS:
            continue
        rules = "User-agent: *\n" + "".join(f"Disallow: {d}\n"
                                             for d in portal["robots"]["disallow"])
        robots = Protego.parse(rules)
        bad = [e["path"] for e in log if e["host"] in portal["hosts"]
               and not robots.can_fetch(f"http://{e['host']}{e['path']}", "xxgk")]
        assert not bad, bad[:5]
    calendar = [e for e in log if "calendar" in e["path"]]
    assert len(calendar) < 10
    # Politeness: well under the portals' size, not a blind sweep of every article.
    assert len(log) < 1500, len(log)
