"""The two portals that do not run Hanweb, over real HTTP through the simulator's proxy:
洪泽区 on TRS WCM (relative links, lists paged only by a script) and 沭阳县 on 开普云/Ucap
(the real sample page's markup, a plain pager). Every report URL of the truth answers with
its content type, lists page as their scripts or pagers say, and every report is reachable
from the home page by following links, as a generic spider would."""

from __future__ import annotations

import html
import math
import re
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest

from tests.conftest import ProxyClient, Response
from tests.portalsim.forms import READING_AIDS, TRADITIONAL_FORMS
from tests.portalsim.traditional import traditional_text, with_readings
from tests.served_cells import td_texts, truth_values, value_cells

HOSTS = {"hongze": "www.hongze.gov.cn", "shuyang": "www.shuyang.gov.cn"}
REAL_UCAP_URL = ("http://www.shuyang.gov.cn/sygfj/gknb/202401/"
                 "2ecfb31a335f4d689220a3a23e24a986.shtml")
SAMPLE = Path("/work/shared/real_samples/shuyang_fgj_2023_annual_report_ucap.html")
_STUB = re.compile(rb"^<html><body><script>document\.cookie='([^;']+);.*location\.reload\(\)")
_FILES = (".pdf", ".doc", ".docx", ".wps", ".png", ".jpg", ".zip", ".js", ".css")
_MAGIC = {"application/pdf": b"%PDF", "application/msword": b"\xd0\xcf\x11\xe0",
          "application/vnd.openxmlformats-officedocument.wordprocessingml.document": b"PK\x03\x04",
          "image/png": b"\x89PNG\r\n\x1a\n"}


def _get(client: ProxyClient, url: str) -> Response:
    """GET that passes the 加速乐-style cookie stub in front of shuyang's downloads."""
    response = client.get(url)
    stub = _STUB.search(response.body) if response.status == 200 else None
    if stub:
        response = client.get(url, Cookie=stub.group(1).decode())
    return response


def _portal(world_truth: dict, key: str) -> dict:
    return next(p for p in world_truth["portals"] if p["key"] == key)


def _reports(world_truth: dict, key: str) -> list[dict]:
    return [r for r in world_truth["reports"] if r["portal"] == key and r["status"] == "published"]


class _Links(HTMLParser):
    """Links a browser would follow without running scripts: <a href>, <iframe/img src>."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[tuple[str, str]] = []  # (url, anchor text)
        self._open: list[int] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "a" and values.get("href"):
            self.links.append((values["href"] or "", ""))
            self._open.append(len(self.links) - 1)
        elif tag in ("iframe", "img", "frame") and values.get("src"):
            self.links.append((values["src"] or "", ""))

    def handle_data(self, data: str) -> None:
        for n in self._open:
            self.links[n] = (self.links[n][0], self.links[n][1] + data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._open:
            self._open.pop()


def _links(base: str, page: str) -> list[tuple[str, str]]:
    parser = _Links()
    parser.feed(page)
    out = []
    for href, text in parser.links:
        if href.startswith(("javascript:", "mailto:", "#")):
            continue
        out.append((urljoin(base, href).split("#")[0], text.strip()))
    return out


def _list_links(base: str, page: str) -> list[str]:
    """The records of a list page (<li><a title=...> followed by a date)."""
    return [urljoin(base, html.unescape(h)) for h in re.findall(
        r'<li><a href="([^"]+)" target="_blank" title="[^"]*">', page)]


# --- the portals in the truth --------------------------------------------------------------


def test_portals_in_the_truth(world_truth):
    hongze, shuyang = _portal(world_truth, "hongze"), _portal(world_truth, "shuyang")
    assert (hongze["cms"], hongze["host"], hongze["home"]) == (
        "trs", "www.hongze.gov.cn", "http://www.hongze.gov.cn/")
    assert (shuyang["cms"], shuyang["host"], shuyang["home_page"]) == (
        "ucap", "www.shuyang.gov.cn", "http://www.shuyang.gov.cn/shuyang/index.shtml")
    for p in (hongze, shuyang):
        assert p["has_endpoint"] is False and p["dataproxy_path"] is None
        assert len(p["units"]) >= 14
        assert {u["kind"] for u in p["units"]} == {"county", "department", "township",
                                                   "institution"}
        reports = _reports(world_truth, p["key"])
        assert len(reports) > 60
        assert Counter(r["rendering"] for r in reports).keys() == {
            "html", "docx", "doc", "pdf", "image", "prose"}
        for r in reports:
            assert [u["role"] for u in r["urls"]][0] == "article"
            assert {u["role"] for u in r["urls"]} <= {"article", "attachment", "table_image",
                                                      "figure"}
    real = next(r for r in _reports(world_truth, "shuyang") if r["year"] == 2023
                and r["unit"] == "县发改局")
    assert real["urls"][0]["url"] == REAL_UCAP_URL
    assert real["title"] == "沭阳县发展和改革局2023年政府信息公开年度报告"
    assert real["published"].startswith("2024-01-17") and real["rendering"] == "html"
    hongze_gov = {r["year"]: r for r in _reports(world_truth, "hongze") if r["kind"] == "county"}
    assert hongze_gov[2023]["rendering"] == hongze_gov[2024]["rendering"] == "pdf"


def test_url_shapes(world_truth):
    trs_article = re.compile(r"^http://www\.hongze\.gov\.cn/[a-z]+/gknb/(\d{6})/t(\d{8})_\d+\.html$")
    trs_file = re.compile(r"^http://www\.hongze\.gov\.cn/[a-z]+/gknb/\d{6}/[PW]0\d{20}\.\w+$")
    ucap_article = re.compile(r"^http://www\.shuyang\.gov\.cn/[a-z]+/gknb/\d{6}/[0-9a-f]{32}\.shtml$")
    for r in _reports(world_truth, "hongze"):
        m = trs_article.match(r["urls"][0]["url"])
        assert m and m.group(2).startswith(m.group(1)), r["urls"][0]["url"]
        assert all(trs_file.match(u["url"]) for u in r["urls"][1:]), r["urls"]
    for r in _reports(world_truth, "shuyang"):
        page = r["urls"][0]["url"]
        assert ucap_article.match(page), page
        folder = page.removesuffix(".shtml")
        for u in r["urls"][1:]:
            assert u["url"].startswith(folder + ("/images/" if u["role"] != "attachment"
                                                 else "/files/")), u["url"]


# --- every URL of the truth ----------------------------------------------------------------


@pytest.mark.parametrize("key", ["hongze", "shuyang"])
def test_every_report_url_answers_with_its_content_type(calm, world_truth, key):
    urls = [u for r in _reports(world_truth, key) for u in r["urls"]]
    with ThreadPoolExecutor(8) as pool:
        responses = list(pool.map(lambda u: _get(calm, u["url"]), urls))
    bad = []
    for u, r in zip(urls, responses):
        ctype = (r.header("Content-Type") or "").split(";")[0].strip()
        if r.status != 200 or ctype != u["content_type"] or (
                ctype in _MAGIC and not r.body.startswith(_MAGIC[ctype])):
            bad.append((u["url"], r.status, ctype, u["content_type"]))
    assert len(urls) > 100
    assert not bad, f"{len(bad)} bad URLs, e.g. {bad[:5]}"


def _title_as_served(report: dict, key: str) -> str:
    """A traditional page's title is traditional; a copy with reading aids writes the
    readings into text, so into shuyang's <ucaptitle>, not into hongze's meta content."""
    if report["form"] not in TRADITIONAL_FORMS:
        return report["title"]
    title = traditional_text(report["title"])
    return with_readings(title) if report["form"] == READING_AIDS and key == "shuyang" else title


@pytest.mark.parametrize("key", ["hongze", "shuyang"])
def test_report_pages_carry_their_rendering(calm, world_truth, key):
    for report in _reports(world_truth, key):
        url = report["urls"][0]["url"]
        page = calm.get(url).text
        title = (re.search(r"<ucaptitle>(.*?)</ucaptitle>", page) if key == "shuyang" else
                 re.search(r'<meta name="ArticleTitle" content="([^"]*)">', page))
        assert html.unescape(title.group(1)) == _title_as_served(report, key), url
        body = page[page.index("<ucapcontent>"):page.index("</ucapcontent>")] if (
            key == "shuyang") else page[page.index('<div class="TRS_Editor">'):]
        linked = {u for u, _ in _links(url, page)}
        for u in report["urls"][1:]:  # attachments and images, relative or not
            assert u["url"] in linked, (url, u["url"])
        # Forms that flatten the tables or respell values: tests/test_portalsim_variety.py.
        if report["rendering"] == "html" and report["form"] in (None, "rowspan_lost",
                                                                 "traditional"):
            assert value_cells(td_texts(body)) == truth_values(report), url
        elif report["rendering"] in ("image", "prose"):
            assert "<table" not in body
        elif report["rendering"] in ("docx", "doc", "pdf"):
            assert "详见附件" in body


# --- lists ---------------------------------------------------------------------------------


def _trs_pages(calm: ProxyClient, first: str) -> list[str]:
    """A TRS list: the page count only in the script; further pages index_1.html ..."""
    page = calm.get(first)
    assert page.status == 200
    count = re.search(r'createPageHTML\((\d+), 0, "index", "html"\)', page.text) or re.search(
        r"var countPage = (\d+)//", page.text)
    pages = int(count.group(1))
    urls = [first] + [urljoin(first, f"index_{n}.html") for n in range(1, pages)]
    assert calm.get(urljoin(first, f"index_{pages}.html")).status == 404
    return urls


@pytest.mark.parametrize("column,per_page", [("/hzqzf/hzyw/", 20), ("/hzqzf/xxgknb/", 20)])
def test_trs_list_pages(calm, world, world_truth, column, per_page):
    first = f"http://www.hongze.gov.cn{column}index.html"
    assert calm.get(f"http://www.hongze.gov.cn{column}").body == calm.get(first).body
    moved = calm.get(f"http://www.hongze.gov.cn{column.rstrip('/')}")
    assert moved.status == 301 and moved.header("Location") == f"http://www.hongze.gov.cn{column}"
    records: list[str] = []
    dates: list[str] = []
    pages = _trs_pages(calm, first)
    assert len(pages) > 1
    for n, url in enumerate(pages):
        text = calm.get(url).text
        pager = text[text.index('<div class="page">'):text.index("</script></div>")]
        assert "createPageHTML" in pager or "countPage" in pager
        assert _links(url, pager) == [], "TRS pagers are scripts, not links"
        found = _list_links(url, text)
        assert len(found) == per_page or n == len(pages) - 1
        records += found
        dates += re.findall(r"</a><span>(\d{4}-\d{2}-\d{2})</span></li>", text)
    assert dates == sorted(dates, reverse=True) and len(records) == len(set(records))
    portal = world.portals["hongze"]
    if column == "/hzqzf/xxgknb/":  # quotes every unit's reports, relative ../../{unit}/...
        assert set(records) == {r["urls"][0]["url"] for r in _reports(world_truth, "hongze")}
    else:
        spec_column = next(c for c in portal.spec.columns if c.path == column)
        expected = portal.column_articles(spec_column.id, world_truth_date(world_truth))
        assert records == [f"http://www.hongze.gov.cn{p}" for _, p, _ in expected]


def world_truth_date(world_truth: dict) -> date:
    return date.fromisoformat(world_truth["as_of"])


@pytest.mark.parametrize("column", ["/shuyang/syyw/", "/shuyang/tzgg/"])
def test_ucap_list_pages(calm, world, world_truth, column):
    name = column.strip("/").split("/")[-1]
    url = f"http://www.shuyang.gov.cn{column}{name}.shtml"
    records: list[str] = []
    seen_pages = []
    while url:
        r = calm.get(url)
        assert r.status == 200, url
        seen_pages.append(url)
        total = int(re.search(r"<span>共(\d+)页</span>", r.text).group(1))
        found = _list_links(url, r.text)
        records += found
        nxt = [u for u, text in _links(url, r.text) if text == "下一页"]
        assert len(found) == 15 or not nxt
        url = nxt[0] if nxt else None
    assert len(seen_pages) == total > 1
    assert seen_pages[1:] == [f"http://www.shuyang.gov.cn{column}{name}_{n}.shtml"
                              for n in range(2, total + 1)]
    assert calm.get(f"http://www.shuyang.gov.cn{column}{name}_{total + 1}.shtml").status == 404
    portal = world.portals["shuyang"]
    spec_column = next(c for c in portal.spec.columns if c.path == column)
    expected = portal.column_articles(spec_column.id, world_truth_date(world_truth))
    assert records == [f"http://www.shuyang.gov.cn{p}" for _, p, _ in expected]
    assert total == math.ceil(len(expected) / 15)


# --- reachable from the home page ----------------------------------------------------------


def _crawl(calm: ProxyClient, portal: dict, traps: set[str], max_depth: int = 5,
           ) -> dict[str, int]:
    """Breadth-first from the home page, in scope, without scripts: URL -> depth found."""
    host = portal["host"]
    disallow = portal["robots"]["disallow"]
    depth: dict[str, int] = {portal["home"]: 0}
    frontier = [portal["home"]]

    def fetch(url: str) -> tuple[str, str | None]:
        for _ in range(5):  # follow redirects: the target is found at the same depth
            r = calm.get(url)
            if r.status in (301, 302):
                url = urljoin(url, r.header("Location"))
                continue
            ok = r.status == 200 and (r.header("Content-Type") or "").startswith("text/html")
            return url, r.body.decode("utf-8") if ok else None
        return url, None

    with ThreadPoolExecutor(8) as pool:
        for level in range(max_depth):
            found = []
            for final, page in pool.map(fetch, frontier):
                depth.setdefault(final, level)
                if page is not None:
                    found += [u for u, _ in _links(final, page)]
            frontier = []
            for url in found:
                parts = urlsplit(url)
                if (parts.hostname != host or url in depth or parts.path in traps
                        or any(parts.path.startswith(d) for d in disallow)):
                    continue
                depth[url] = level + 1
                if not parts.path.endswith(_FILES):
                    frontier.append(url)
    return depth


@pytest.mark.parametrize("key", ["hongze", "shuyang"])
def test_every_report_is_reachable_from_the_home_page(calm, world_truth, key):
    portal = _portal(world_truth, key)
    traps = {urlsplit(u).path for u in world_truth["traps"]["calendar"]}
    depth = _crawl(calm, portal, traps)
    missing = [u["url"] for r in _reports(world_truth, key) for u in r["urls"]
               if u["url"] not in depth]
    assert not missing, f"{len(missing)} report URLs not reachable, e.g. {missing[:5]}"
    deepest = max(depth[u["url"]] for r in _reports(world_truth, key) for u in r["urls"])
    assert deepest <= 5
    # Decoys sit next to the reports (the spider must tell them apart); TRS notices past the
    # first list page are only reachable through the pager script.
    decoys = [d["url"] for d in world_truth["decoys"] if d["portal"] == key]
    assert sum(d in depth for d in decoys) >= 3


# --- the detail pages ----------------------------------------------------------------------


def test_ucap_detail_page_has_the_real_sample_tags(calm, world_truth):
    page = calm.get(REAL_UCAP_URL)
    assert page.status == 200 and page.header("Content-Type") == "text/html; charset=utf-8"
    text = page.text
    sample = SAMPLE.read_text(encoding="utf-8") if SAMPLE.exists() else text
    for tag in ('<meta name="SiteName" content="沭阳县人民政府">',
                '<meta name="SiteDomain" content="http://www.shuyang.gov.cn/">',
                '<meta name="SiteIDCode" content="3213220037">',
                '<meta name="ColumnName" content="头部">',
                '<h2 class="siteTit">沭阳县发改局</h2>',
                '<h3 class="pageTit">政府信息公开</h3>',
                '<td class="c2" align="left">014314799/2024-00002</td>',
                '<td class="c3" align="left"><publishtime>2024-01-17</publishtime></td>',
                "<ucaptitle>沭阳县发展和改革局2023年政府信息公开年度报告</ucaptitle>",
                '<div class="article-content " id="zoomcon" style="margin-right: 0 ;padding:0 0 20px 0">',
                '<iframe src="/shuyang/footer/footer.shtml"'):
        assert tag in text and tag in sample, tag
    labels = re.findall(r'<td class="c1" align="center">([^<]+)</td>', text)
    assert labels == re.findall(r'<td class="c1" align="center">([^<]+)</td>', sample) == [
        "名称", "索引号", "分类", "发布机构", "公开日期", "文号", "关键词", "文件下载", "时效"]
    content = text[text.index("<ucapcontent>"):text.index("</ucapcontent>")]
    assert '<font style="font-family: 微软雅黑;" face="方正仿宋_GBK">' in content
    report = next(r for r in _reports(world_truth, "shuyang")
                  if r["urls"][0]["url"] == REAL_UCAP_URL)
    assert value_cells(td_texts(content)) == truth_values(report)


def test_ucap_attachments_are_in_the_metadata_table(calm, world_truth):
    report = next(r for r in _reports(world_truth, "shuyang") if r["rendering"] == "pdf")
    page = calm.get(report["urls"][0]["url"]).text
    cell = page[page.index("文件下载"):page.index("时效")]
    attachment = next(u["url"] for u in report["urls"] if u["role"] == "attachment")
    assert f'<a href="{urlsplit(attachment).path}" target="_blank">' in cell


def test_trs_detail_page(calm, world_truth):
    report = next(r for r in _reports(world_truth, "hongze") if r["rendering"] == "image")
    url = report["urls"][0]["url"]
    page = calm.get(url).text
    assert '<div class="TRS_Editor">' in page and 'class="CurrChnlCls"' in page
    for image in (u["url"] for u in report["urls"] if u["role"] == "table_image"):
        name = image.rsplit("/", 1)[1]
        assert f'src="./{name}" OLDSRC="{name}"' in page
    crumbs = [urljoin(url, h) for h in re.findall(r'<a href="([^"]+)" title="[^"]*" '
                                                  r'class="CurrChnlCls">', page)]
    assert crumbs[0] == "http://www.hongze.gov.cn/"
    assert all(calm.get(c).status == 200 for c in crumbs)
    pdf = next(r for r in _reports(world_truth, "hongze") if r["rendering"] == "pdf")
    page = calm.get(pdf["urls"][0]["url"]).text
    assert re.search(r'<a href="\./P0\d{20}\.pdf" target="_blank">', page)


# --- hostility -----------------------------------------------------------------------------


def test_robots_redirects_dead_links_and_traps(calm, world_truth):
    for key in ("hongze", "shuyang"):
        p = _portal(world_truth, key)
        robots = calm.get(f"http://{p['host']}/robots.txt").text.splitlines()
        assert [line.split(": ")[1] for line in robots if line.startswith("Disallow")] == \
            p["robots"]["disallow"]
    root = calm.get("http://www.shuyang.gov.cn/")
    assert root.status == 302 and root.header("Location") == _portal(world_truth,
                                                                     "shuyang")["home_page"]
    assert calm.get("http://www.hongze.gov.cn/hzqzf/gknb").status == 301
    assert calm.get("http://www.hongze.gov.cn/hzqzf/ztzl/").status == 404
    assert calm.get("http://www.shuyang.gov.cn/shuyang/ztzl/ztzl.shtml").status == 404
    calendar = next(u for u in world_truth["traps"]["calendar"] if "hongze" in u)
    url = calendar + "?year=2030&month=12"
    for _ in range(3):
        r = calm.get(url)
        assert r.status == 200
        url = urljoin(url, html.unescape(re.search(r'<a href="([^"]+)">下月</a>', r.text).group(1)))
    assert "year=2031&month=3" in url
    assert "www.shuyang.gov.cn" in world_truth["traps"]["cookie_stub_hosts"]
    attachment = next(u["url"] for r in _reports(world_truth, "shuyang") for u in r["urls"]
                      if u["role"] == "attachment")
    stub = calm.get(attachment)
    assert stub.status == 200 and _STUB.search(stub.body)
    # Static servers answer a missing file with a real 404, not Hanweb's 200 "soft 404".
    soft = {urlsplit(u).hostname for u in world_truth["traps"]["soft_404"]}
    assert not soft & set(HOSTS.values())


def test_transient_failures_on_hongze(hostile_sim, world_truth):
    client = ProxyClient(hostile_sim.port)
    urls = [u["url"] for r in _reports(world_truth, "hongze") for u in r["urls"]]
    statuses = {}
    for url in urls:
        first = client.get(url).status
        if first >= 500:
            statuses[url] = [first]
            while statuses[url][-1] != 200 and len(statuses[url]) < 4:
                statuses[url].append(client.get(url).status)
    assert statuses, "no hongze URL failed transiently"
    assert all(s[-1] == 200 and set(s[:-1]) <= {500, 503} for s in statuses.values()), statuses
