"""Hanweb column listings: paging that follows the portal, and a crawl that knows when it
missed something (`xxgk crawl` in a subprocess against the simulator's scale portals).

The registry entries are written as an operator would after reading a home page: the
dataproxy path they guess (the newer one) and the annual-report column, no xxgk platform, so
the column listing is the only way to the reports. The six Hanweb portals differ as
PORTALS.md says real ones do (catalog_scale.HANWEB_VARIANTS): both paths, both forms, a form
refused with 404, 405 or 500, three record markups, the record repeated between groups, 3 to
15 a page, records on a mirror host, no xxgk platform. The probe tests add the three other
families scale portals are drawn from (jpaas, TRS, Ucap).
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
import yaml

from tests.conftest import ProxyClient, _running
from tests.portalsim.catalog import NEW_DATAPROXY
from tests.portalsim.registry_entries import registry_entry
from tests.portalsim.truth import report_urls
from tests.portalsim.world import build_world

XXGK = Path(sys.executable).with_name("xxgk")
AS_OF = date(2025, 6, 30)
SITES = ("county1", "county2", "county3", "county4", "county5", "county6")  # the Hanweb ones
OTHER_FAMILIES = ("county7", "county8", "county9")  # jpaas, TRS, Ucap (catalog_scale.FAMILIES)


def _entries(world, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for key in SITES:
        spec = world.portals[key].spec
        hosts = [spec.host, *([spec.mirror_host] if spec.mirror_host else [])]
        entry = {"key": key, "name": spec.site_name, "cms": "hanweb", "hosts": hosts,
                 "home": f"http://{spec.host}/",
                 "hanweb": {"webid": spec.webid, "dataproxy": NEW_DATAPROXY,
                            "annual_report_columns": [spec.column("annual").id]}}
        (folder / f"{key}.yaml").write_text(yaml.safe_dump(entry, allow_unicode=True),
                                            encoding="utf-8")
    return folder


def _crawl(home: Path, sites: Path, proxy: str, keys: tuple[str, ...] = SITES,
           ) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("XXGK_HOME", "XXGK_DATABASE_URL")}
    return subprocess.run(
        [str(XXGK), "crawl", *keys, "--proxy", proxy, "--home", str(home),
         "--last-year", "2024", "-s", "DOWNLOAD_DELAY=0.01", "-s", "LOG_LEVEL=WARNING"],
        check=False, capture_output=True, text=True, timeout=600,
        env={**env, "XXGK_SITES_DIR": str(sites)})


def _crawl_world(world, tmp_path_factory, sites: Path | None = None,
                 keys: tuple[str, ...] = SITES) -> tuple[Path, subprocess.CompletedProcess[str]]:
    """The sites crawled from a fresh home, against the world as it is now (entries:
    ``sites``, else the Hanweb ones written by hand)."""
    sim = _running(world, calm=True, as_of=AS_OF)
    try:
        home = tmp_path_factory.mktemp("home")
        return home, _crawl(home, sites or _entries(world, tmp_path_factory.mktemp("sites") / "s"),
                            sim.proxy, keys)
    finally:
        sim.stop()


def _column_urls(world, key: str) -> set[str]:
    portal = world.portals[key]
    column = portal.spec.column("annual")
    return {f"http://{article.host}{path}"
            for article, path, _ in portal.column_articles(column.id, AS_OF)
            if article.report is not None}  # the column's other articles are no reports


def _db(home: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(home / "xxgk.sqlite3") as db:
        return db.execute(sql).fetchall()


@pytest.fixture(scope="module")
def world():
    return build_world(0, len(SITES) + len(OTHER_FAMILIES))


def test_every_variant_is_read_whole_and_says_so(world, tmp_path_factory) -> None:
    home, result = _crawl_world(world, tmp_path_factory)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-3000:]
    captured = {url for (url,) in _db(home, "select url from crawl_documents")}
    paged = 0
    for key in SITES:
        wanted = _column_urls(world, key)
        paged += len(wanted) > 3 * world.portals[key].spec.per_page  # beyond the first load
        assert wanted <= captured, f"{key}: missed {sorted(wanted - captured)[:3]}"
    assert paged >= 3
    assert _db(home, "select count(*) from crawl_runs where incomplete > 0") == [(0,)]
    assert _db(home, "select count(*) from crawl_failures where kind = 'incomplete'") == [(0,)]


def test_a_truncated_listing_makes_the_crawl_incomplete(world, tmp_path_factory) -> None:
    cut = world.portals["county2"]
    original = cut.spec
    cut.spec = replace(original, listing_cap=17)  # totalRecord still counts every record
    try:
        home, result = _crawl_world(world, tmp_path_factory)
    finally:
        cut.spec = original
    column = world.portals["county2"].spec.column("annual")
    total = len(world.portals["county2"].column_articles(column.id, AS_OF))  # every record
    assert result.returncode == 1, result.stdout[-2000:]
    out = " ".join((result.stdout + result.stderr).split())
    assert "incomplete: county2" in out, out[-1500:]
    assert f"read 17 of the {total} records" in out, out[-1500:]
    rows = _db(home, "select r.site, f.reason from crawl_failures f join crawl_runs r "
                     "on r.id = f.crawl_run_id where f.kind = 'incomplete'")
    assert [site for site, _ in rows] == ["county2"]
    runs = json.loads(subprocess.run(
        [str(XXGK), "runs", "--home", str(home), "--json"], capture_output=True, text=True,
        check=True, timeout=60).stdout)
    outcomes = {r["site"]: r["outcome"] for r in (runs["runs"] if isinstance(runs, dict) else runs)}
    assert outcomes["county2"] == "incomplete"
    assert {outcomes[k] for k in SITES if k != "county2"} == {"succeeded"}


# --- `xxgk sites probe`: the entry read from the portal itself ------------------------------

SHIPPED = Path(__file__).resolve().parents[1] / "crawler" / "sites"
PROBED = {"jiaxiang": "http://www.jiaxiang.gov.cn/", "wenshang": "http://www.wenshang.gov.cn/",
          "wendeng": "http://www.wendeng.gov.cn/", "yanzhou": "http://www.yanzhou.gov.cn/",
          "hongze": "http://www.hongze.gov.cn/", "shuyang": "http://www.shuyang.gov.cn/",
          **{key: f"http://{key}.sim.gov.cn/" for key in SITES + OTHER_FAMILIES}}


def _where_reports_are(entry: dict) -> dict:
    """The values of an entry that say where the reports are (not its schedule or region)."""
    hanweb = entry.get("hanweb") or {}
    xxgk = hanweb.get("xxgk") or {}
    return {"cms": entry["cms"], "hosts": sorted(entry["hosts"]), "home": entry["home"],
            "entry_points": entry.get("entry_points"), "webid": hanweb.get("webid"),
            "dataproxy": hanweb.get("dataproxy"),
            "columns": hanweb.get("annual_report_columns"), "xxgk": xxgk.get("column"),
            "area": xxgk.get("area"), "endpoint": xxgk.get("annual_report_endpoint")}


@pytest.fixture(scope="module")
def probed(world, tmp_path_factory) -> Path:
    """Every simulated portal probed through the simulator, its entry written (--write)."""
    sites = tmp_path_factory.mktemp("probed-sites")
    env = {**os.environ, "XXGK_SITES_DIR": str(sites)}
    sim = _running(world, calm=True, as_of=AS_OF)
    try:
        for key, url in PROBED.items():
            result = subprocess.run(
                [str(XXGK), "sites", "probe", url, "--proxy", sim.proxy, "--pause", "0",
                 "--write", "--json"], capture_output=True, text=True, timeout=120, env=env,
                check=False)
            assert result.returncode == 0, f"{key}: {result.stdout[-1500:]}{result.stderr[-1500:]}"
            assert json.loads(result.stdout)["entry"]["key"] == key
    finally:
        sim.stop()
    return sites


def test_the_probe_writes_the_entries_we_wrote_by_hand(probed) -> None:
    for key in ("jiaxiang", "wenshang", "wendeng", "yanzhou", "hongze", "shuyang"):
        shipped = yaml.safe_load((SHIPPED / f"{key}.yaml").read_text(encoding="utf-8"))
        written = yaml.safe_load((probed / f"{key}.yaml").read_text(encoding="utf-8"))
        assert _where_reports_are(written) == _where_reports_are(shipped), key


def test_the_probe_reads_each_variants_pager(world, probed) -> None:
    for key in SITES:
        spec = world.portals[key].spec
        entry = yaml.safe_load((probed / f"{key}.yaml").read_text(encoding="utf-8"))
        assert entry["hanweb"]["dataproxy"] == spec.dataproxy_path, key
        assert sorted(entry["hosts"]) == sorted(filter(None, (spec.host, spec.mirror_host)))
        assert entry["hanweb"]["annual_report_columns"] == [spec.column("annual").id]
        if spec.has_platform:
            assert entry["hanweb"]["xxgk"]["area"] == spec.xxgk_alias
        else:  # no platform linked: none in the entry
            assert "xxgk" not in entry["hanweb"]


def test_the_probe_writes_what_benchmarks_crawl_for_every_scale_variant(world, probed) -> None:
    """bench/ writes the entries of hundreds of scale portals without probing them
    (registry_entries.py): they must be the probe's, family by family."""
    for key in SITES + OTHER_FAMILIES:
        written = yaml.safe_load((probed / f"{key}.yaml").read_text(encoding="utf-8"))
        assert written == registry_entry(world.portals[key].spec), key
    assert {world.portals[k].spec.cms for k in OTHER_FAMILIES} == {"jpaas", "trs", "ucap"}


def test_a_crawl_from_probed_entries_finds_every_report_and_is_complete(world, probed,
                                                                        tmp_path_factory):
    """Every variant, the three other families included, from the probe's entries alone."""
    everything = SITES + OTHER_FAMILIES
    home, result = _crawl_world(world, tmp_path_factory, probed, everything)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-3000:]
    captured = {url for (url,) in _db(home, "select url from crawl_documents")}
    for key in everything:
        wanted = {u["url"] for r in world.portals[key].reports if r.visible(AS_OF)
                  and r.published.date() <= AS_OF
                  for u in report_urls(r, AS_OF) if u["role"] in ("article", "endpoint")}
        assert wanted and wanted <= captured, f"{key}: missed {sorted(wanted - captured)[:3]}"
    assert _db(home, "select count(*) from crawl_runs where incomplete > 0") == [(0,)]


def test_a_platform_unit_without_a_usable_answer_makes_the_crawl_incomplete(
        world, probed, tmp_path_factory) -> None:
    """The xxgk platform counts too: a unit tree.jsp lists whose annual-report endpoint
    answers only errors leaves the run incomplete, naming the endpoint."""
    portal = world.portals["county1"]
    original = portal.spec
    portal.spec = replace(original, platform_errors=1)
    try:
        home, result = _crawl_world(world, tmp_path_factory, probed)
    finally:
        portal.spec = original
    assert result.returncode == 1, result.stdout[-2000:]
    rows = _db(home, "select r.site, f.reason from crawl_failures f join crawl_runs r "
                     "on r.id = f.crawl_run_id where f.kind = 'incomplete'")
    assert [site for site, _ in rows] == ["county1"], rows
    years = range(2018, 2025)  # first_year 2018 to --last-year 2024
    units = sum(1 for u in portal.units if u.spec.on_platform)
    assert (f"xxgk annual-report endpoint (unit-years): read {(units - 1) * len(years)} of "
            f"the {units * len(years)} records") in rows[0][1]


def test_a_worker_that_never_read_the_column_falls_back_with_the_pager_it_was_given(
        world, tmp_path) -> None:
    """In a distributed crawl the worker that meets a refused form may not be the one that
    read the column page: the pager travels in the request, and that worker tries the next
    form (the request is taken through the worker's JSON codec on the way, as in Redis)."""
    from scrapy.http import HtmlResponse
    from scrapy.utils.request import request_from_dict
    from scrapy.utils.test import get_crawler
    from twisted.python.failure import Failure

    from crawler.distributed.codec import dumps, loads, request_dict
    from crawler.registry import parse_site
    from crawler.spiders.hanweb import HanwebSpider

    spec = world.portals["county3"].spec  # its pages advertise POST, on the older path
    entry = yaml.safe_load((_entries(world, tmp_path) / "county3.yaml").read_text(encoding="utf-8"))
    site = parse_site(entry, "county3.yaml")
    reader, other = (HanwebSpider.from_crawler(get_crawler(HanwebSpider), site=site)
                     for _ in range(2))
    column = spec.column("annual").id
    url = f"http://{spec.host}/col/col{column}/index.html"
    sim = _running(world, calm=True, as_of=AS_OF)
    try:
        page = ProxyClient(sim.port).get(url)
    finally:
        sim.stop()
    assert page.status == 200
    response = HtmlResponse(url, body=page.body, encoding="utf-8")
    asked = [r for r in reader.parse_column(response, column) if "dataproxy" in r.url]
    assert asked, "the column page's pager asked for nothing"
    first = asked[0]
    travelled = request_from_dict(loads(dumps(request_dict(first, reader))), spider=other)
    failure = Failure(RuntimeError("HTTP 405"))
    failure.request = travelled  # type: ignore[attr-defined]
    retried = list(other.refused(failure))
    assert retried, other.listings._listings
    assert (retried[0].method, retried[0].url) != (first.method, first.url)  # the next form
    assert retried[0].meta["xxgk_pager"]["plan"] == 1


# --- TRS and Ucap: the pages of a list, counted against the pager ----------------------------
# (That every list of the hostile hongze and shuyang portals is read whole is
# test_crawl_generic's crawl, which exits 0 only when no list reads short.)


@pytest.mark.parametrize("key,first", [
    ("hongze", "/hzqzf/hzyw/index.html"),  # TRS: createPageHTML(N, i, "index", "html")
    ("shuyang", "/shuyang/syyw/syyw.shtml"),  # Ucap: 共N页 and the current page in the markup
])
def test_a_list_whose_pages_are_not_all_read_is_short(world, key: str, first: str) -> None:
    """The generic spider counts each list page it reads against the page count the list
    states; pages a portal cut (404) leave the list short, by pages; read whole, it is not."""
    from scrapy import Request
    from scrapy.http import HtmlResponse
    from scrapy.utils.test import get_crawler

    from crawler.registry import parse_site
    from crawler.spiders.generic import GenericSpider

    site = parse_site(yaml.safe_load((SHIPPED / f"{key}.yaml").read_text(encoding="utf-8")),
                      f"{key}.yaml")
    portal = world.portals[key]
    original = portal.spec
    directory = f"http://{original.host}{first.rsplit('/', 1)[0]}/"

    def read_list(spec) -> list:  # the list's pages as the spider follows them
        spider = GenericSpider.from_crawler(get_crawler(GenericSpider), site=site)
        portal.spec = spec
        sim = _running(world, calm=True, as_of=AS_OF)
        try:
            client, queue, seen = ProxyClient(sim.port), [directory + first.rsplit("/", 1)[1]], set()
            while queue:
                url = queue.pop(0)
                seen.add(url)
                page = client.get(url)
                if page.status != 200:
                    continue
                response = HtmlResponse(url, body=page.body, encoding="utf-8",
                                        request=Request(url))
                queue += [r.url for r in spider.parse_page(response, title="")
                          if isinstance(r, Request) and r.url.startswith(directory)
                          and "/20" not in r.url and r.url not in seen and r.url not in queue]
        finally:
            sim.stop()
            portal.spec = original
        return spider.listings.shortfalls()

    assert read_list(original) == []
    (short,) = read_list(replace(original, listing_cap=20))  # pages past the cap's page: 404
    assert short.url == directory + first.rsplit("/", 1)[1], short
    assert 0 < short.read < short.advertised and "pages the portal advertises" in short.reason
