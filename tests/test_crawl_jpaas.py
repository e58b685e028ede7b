"""Hanweb jpaas portals: an annual-report column read whole through the list API, and a crawl
that says so when it is not (`xxgk crawl` in a subprocess against the simulator's opt-in
莱山区 portal, www.laishan.gov.cn).

The registry entry is written by hand, as an operator would after reading a column page's
script: the API's webId, tplSetId and tagId, and the annual-report column (its pageId). The
column page is a shell; the list API answers 403 to requests without a browser's
User-Agent, a Referer and X-Requested-With, and a listing cap makes it serve fewer records
than its count= states.
"""

from __future__ import annotations

import json
import math
import os
import sqlite3
import subprocess
import sys
from dataclasses import replace
from datetime import date
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pytest
import yaml

from crawler.registry import RegistryError, parse_site
from crawler.run import spider_class
from crawler.spiders.jpaas import JpaasSpider
from tests.conftest import ProxyClient, _running
from tests.portalsim.jpaas import UNIT_API
from tests.portalsim.world import build_world

XXGK = Path(sys.executable).with_name("xxgk")
AS_OF = date(2025, 6, 30)
KEY = "laishan"
BROWSER = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/120.0 Safari/537.36"


@pytest.fixture(scope="module")
def world():
    return build_world(0, 0, extra=(KEY,))


def _jpaas_entry(spec, key: str = KEY, **changes: object) -> dict:
    jpaas = {"webid": spec.webid, "tplsetid": spec.tpl_set_id, "tagid": spec.tag_id,
             "annual_report_columns": [spec.column("annual").id], **changes.pop("jpaas", {})}
    return {"key": key, "name": spec.site_name, "cms": "jpaas", "hosts": [spec.host],
            "home": f"http://{spec.host}/", "jpaas": jpaas, **changes}


def _sites(folder: Path, *entries: dict) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for entry in entries:
        (folder / f"{entry['key']}.yaml").write_text(yaml.safe_dump(entry, allow_unicode=True),
                                                     encoding="utf-8")
    return folder


def _crawl(world, tmp_path_factory, *entries: dict,
           ) -> tuple[Path, subprocess.CompletedProcess[str], list[dict]]:
    """The sites crawled from a fresh home; also what the simulator was asked."""
    sites = _sites(tmp_path_factory.mktemp("sites") / "s", *entries)
    home = tmp_path_factory.mktemp("home")
    env = {k: v for k, v in os.environ.items() if k not in ("XXGK_HOME", "XXGK_DATABASE_URL")}
    sim = _running(world, calm=True, as_of=AS_OF)
    try:
        result = subprocess.run(
            [str(XXGK), "crawl", *(e["key"] for e in entries), "--proxy", sim.proxy,
             "--home", str(home), "--last-year", "2024", "-s", "DOWNLOAD_DELAY=0.01",
             "-s", "LOG_LEVEL=WARNING"],
            check=False, capture_output=True, text=True, timeout=600,
            env={**env, "XXGK_SITES_DIR": str(sites)})
        log = ProxyClient(sim.port).control("log")
    finally:
        sim.stop()
    return home, result, log


def _db(home: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(home / "xxgk.sqlite3") as db:
        return db.execute(sql).fetchall()


def _annual(world) -> tuple[int, set[str]]:
    """The annual column's record count and its report articles' URLs."""
    portal = world.portals[KEY]
    rows = portal.column_articles(portal.spec.column("annual").id, AS_OF)
    return len(rows), {f"http://{a.host}{p}" for a, p, _ in rows if a.report is not None}


def _api_url(spec, page_no: int = 1, page_size: int = 30) -> str:
    query = {"parseType": "bulidstatic", "webId": spec.webid, "tplSetId": spec.tpl_set_id,
             "pageType": "column", "tagId": spec.tag_id, "pageId": spec.column("annual").id,
             "paramJson": json.dumps({"pageNo": page_no, "pageSize": page_size})}
    return f"http://{spec.host}{UNIT_API}?{urlencode(query)}"


# --- the registry entry ------------------------------------------------------------------------


def test_a_jpaas_entry_names_what_the_list_api_is_asked_with(world) -> None:
    spec = world.portals[KEY].spec
    site = parse_site(_jpaas_entry(spec), "laishan.yaml")
    assert (site.jpaas.webid, site.jpaas.tplsetid, site.jpaas.tagid) == (
        "87", spec.tpl_set_id, spec.tag_id)
    assert site.jpaas.annual_report_columns == (spec.column("annual").id,)
    assert spider_class(site) is JpaasSpider
    for broken, field in ((_jpaas_entry(spec, jpaas={"tagid": None}), "tagid"),
                          (_jpaas_entry(spec, jpaas={"annual_report_columns": []}),
                           "annual_report_columns"),
                          ({**_jpaas_entry(spec), "jpaas": None}, "jpaas")):
        with pytest.raises(RegistryError, match=f"laishan.yaml.*'{field}'"):
            parse_site(broken, "laishan.yaml")


# --- the simulated portal ----------------------------------------------------------------------


def test_the_list_api_answers_only_what_a_browser_sends(world) -> None:
    spec = world.portals[KEY].spec
    column_page = f"http://{spec.host}/col/col{spec.column('annual').id}/index.html"
    total, _ = _annual(world)
    sim = _running(world, calm=True, as_of=AS_OF)
    try:
        bare, browser = ProxyClient(sim.port), ProxyClient(sim.port, user_agent=BROWSER)
        shell = bare.get(column_page)
        assert shell.status == 200 and "/art/" not in shell.text  # no record in the shell
        for name, value in (("webId", spec.webid), ("tplSetId", spec.tpl_set_id),
                            ("tagId", spec.tag_id), ("pageId", spec.column("annual").id)):
            assert f"'{name}':'{value}'" in shell.text, name
        url = _api_url(spec)
        headers = {"Referer": column_page, "X-Requested-With": "XMLHttpRequest"}
        assert bare.get(url).status == 403
        assert bare.request("GET", url, headers=headers).status == 403  # not a browser
        for left_out in headers:
            partial = {k: v for k, v in headers.items() if k != left_out}
            assert browser.request("GET", url, headers=partial).status == 403, left_out
        answer = browser.request("GET", url, headers=headers)
        assert answer.status == 200, answer.text[:300]
        html = json.loads(answer.text)["data"]["html"]
        assert f'class="pagination" count="{total}"' in html
        assert html.count("<li>") == 30
    finally:
        sim.stop()


# --- crawls ------------------------------------------------------------------------------------


def test_a_crawl_reads_the_annual_column_whole(world, tmp_path_factory) -> None:
    spec = world.portals[KEY].spec
    home, result, log = _crawl(world, tmp_path_factory, _jpaas_entry(spec))
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-3000:]
    total, wanted = _annual(world)
    captured = {url for (url,) in _db(home, "select url from crawl_documents")}
    assert wanted and wanted <= captured, f"missed {sorted(wanted - captured)[:3]}"
    api = [e for e in log if e["host"] == spec.host and urlsplit(e["path"]).path == UNIT_API]
    assert sorted(e["status"] for e in api) == [200] * math.ceil(total / 30)
    assert _db(home, "select count(*) from crawl_runs where incomplete > 0") == [(0,)]
    assert _db(home, "select count(*) from crawl_failures where kind = 'incomplete'") == [(0,)]


def _outcomes(home: Path) -> dict[str, str]:
    runs = json.loads(subprocess.run(
        [str(XXGK), "runs", "--home", str(home), "--json"], capture_output=True, text=True,
        check=True, timeout=60).stdout)
    return {r["site"]: r["outcome"] for r in (runs["runs"] if isinstance(runs, dict) else runs)}


def test_a_truncated_listing_makes_the_crawl_incomplete(world, tmp_path_factory) -> None:
    portal = world.portals[KEY]
    original = portal.spec
    portal.spec = replace(original, listing_cap=40)  # count= still states every record
    try:
        home, result, _ = _crawl(world, tmp_path_factory, _jpaas_entry(original))
    finally:
        portal.spec = original
    total, _ = _annual(world)
    assert result.returncode == 1, result.stdout[-2000:] + result.stderr[-2000:]
    out = " ".join((result.stdout + result.stderr).split())
    assert f"incomplete: {KEY}" in out, out[-1500:]
    assert f"read 40 of the {total} records" in out, out[-1500:]
    rows = _db(home, "select r.site, f.url from crawl_failures f join crawl_runs r "
                     "on r.id = f.crawl_run_id where f.kind = 'incomplete'")
    column_page = f"http://{original.host}/col/col{original.column('annual').id}/index.html"
    assert rows == [(KEY, column_page)]  # the failure names the listing's page
    assert _outcomes(home)[KEY] == "incomplete"


def test_a_refused_or_unreadable_list_is_a_failure_not_an_empty_column(world,
                                                                       tmp_path_factory):
    """A bare User-Agent gets 403 from the API; a wrong tagId gets the publish server's
    failure JSON (a 200): both are recorded failures, and both listings read short."""
    spec = world.portals[KEY].spec
    refused = _jpaas_entry(spec, "laishan_bare", settings={"USER_AGENT": "python-requests/2.32"})
    wrong = _jpaas_entry(spec, "laishan_tag", jpaas={"tagid": "列表新闻"})
    home, result, _ = _crawl(world, tmp_path_factory, refused, wrong)
    assert result.returncode == 1, result.stdout[-2000:] + result.stderr[-2000:]
    out = " ".join((result.stdout + result.stderr).split())
    for key in ("laishan_bare", "laishan_tag"):
        assert f"incomplete: {key}" in out, out[-1500:]
    failures = _db(home, "select r.site, f.kind, f.status, f.url from crawl_failures f "
                         "join crawl_runs r on r.id = f.crawl_run_id")
    api = {(site, kind, status) for site, kind, status, url in failures if UNIT_API in url}
    assert ("laishan_bare", "http", 403) in api
    assert ("laishan_tag", "parse", 200) in api
    incomplete = sorted(site for site, kind, _, _ in failures if kind == "incomplete")
    assert incomplete == ["laishan_bare", "laishan_tag"]
    outcomes = _outcomes(home)
    assert outcomes["laishan_bare"] == outcomes["laishan_tag"] == "incomplete"


def test_the_probe_writes_the_jpaas_entry(world, tmp_path) -> None:
    """`xxgk sites probe` reads the shell's queryData and proves it with one API request."""
    spec = world.portals[KEY].spec
    env = {**{k: v for k, v in os.environ.items() if k != "XXGK_HOME"},
           "XXGK_SITES_DIR": str(tmp_path)}
    sim = _running(world, calm=True, as_of=AS_OF)
    try:
        result = subprocess.run(
            [str(XXGK), "sites", "probe", f"http://{spec.host}/", "--proxy", sim.proxy,
             "--pause", "0", "--write", "--json"], capture_output=True, text=True, timeout=120,
            env=env, check=False)
    finally:
        sim.stop()
    assert result.returncode == 0, result.stdout[-1500:] + result.stderr[-1500:]
    probed = json.loads(result.stdout)
    assert probed["cms"] == "jpaas" and not probed["warnings"]
    written = parse_site(yaml.safe_load((tmp_path / f"{KEY}.yaml").read_text(encoding="utf-8")),
                         "probed")
    assert written.jpaas == parse_site(_jpaas_entry(spec), "by hand").jpaas
