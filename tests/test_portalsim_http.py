"""The simulator over real HTTP, through its forward proxy: Hanweb pages and lists, the xxgk
platform and the annual-report endpoint, every URL of the truth, attachments that hold the
truth values, robots, rate limits, transient failures, validators, gzip, redirects, the
events between two dates and the traps."""

from __future__ import annotations

import gzip
import html
import http.client
import io
import math
import os
import re
import subprocess
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from http.cookies import SimpleCookie
from urllib.parse import unquote, urlencode, urlsplit

import pytest

from tests.conftest import TEST_TIME_SCALE, ProxyClient, Response, _running
from tests.portalsim.forms import TRADITIONAL, TRADITIONAL_FORMS
from tests.portalsim.hostility import fnv1a32
from tests.portalsim.traditional import traditional_text
from tests.portalsim.world import DEFAULT_AS_OF
from tests.served_cells import td_texts, truth_values, value_cells

BEFORE = date(2024, 6, 30)  # before the 2024 reports, the revision, the removal and the move
HANWEB = ("jiaxiang", "wenshang", "wendeng", "yanzhou")  # TRS/Ucap: test_portalsim_other_cms
PER_PAGE = 15
_RECORD = re.compile(r"<record><!\[CDATA\[(.*?)\]\]></record>", re.S)
_HREF = re.compile(r"""href=['"]([^'"]+)['"]""")
_STUB = re.compile(rb"^<html><body><script>document\.cookie='([^;']+);.*location\.reload\(\)")
# Inline-HTML forms whose <td>s hold the truth's cell texts (tests/portalsim/forms.py).
TD_FORMS = (None, "rowspan_lost", TRADITIONAL)


# --- a client that gets through the wendeng JS challenge like the page's script does -------


class SimClient:
    """ProxyClient plus cookies for challenge hosts, solved by reading the 412 page: the
    token from the <meta r='m'> element and the cookie name from the script."""

    def __init__(self, port: int) -> None:
        self.plain = ProxyClient(port)
        self.cookies: dict[str, str] = {}  # host -> Cookie header

    def _solve(self, page: Response) -> str:
        server = SimpleCookie()
        for header in page.headers.get_all("Set-Cookie") or []:
            server.load(header)
        text = page.text
        token = re.search(r"<meta id=\"[^\"]+\" content=\"([^\"]+)\" r='m'>", text).group(1)
        name = re.search(r"document\.cookie='([^=]+)='", text).group(1)
        proof = f"{token}.{fnv1a32(token + '|' + self.plain.user_agent)}"
        pairs = [f"{k}={m.value}" for k, m in server.items()] + [f"{name}={proof}"]
        return "; ".join(pairs)

    def get(self, url: str, **headers: str) -> Response:
        host = urlsplit(url).hostname or ""
        if host in self.cookies:
            headers = {"Cookie": self.cookies[host], **headers}
        response = self.plain.get(url, **headers)
        if response.status == 412 and b"$_ts" in response.body:
            self.cookies[host] = self._solve(response)
            response = self.plain.get(url, **{"Cookie": self.cookies[host], **headers})
        stub = _STUB.search(response.body) if response.status == 200 else None
        if stub:  # a 200 page that only sets a cookie and reloads: set it, ask again
            pair = stub.group(1).decode()
            self.cookies[host] = f"{self.cookies[host]}; {pair}" if host in self.cookies else pair
            response = self.plain.get(url, **{**headers, "Cookie": self.cookies[host]})
        return response

    def post(self, url: str, form: dict[str, str]) -> Response:
        host = urlsplit(url).hostname or ""
        if host not in self.cookies:
            self.get(f"http://{host}/")  # solves the challenge if the host has one
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        if host in self.cookies:
            headers["Cookie"] = self.cookies[host]
        return self.plain.request("POST", url, body=urlencode(form).encode(), headers=headers)


@pytest.fixture(scope="module")
def client(calm_sim) -> SimClient:
    return SimClient(calm_sim.port)


@pytest.fixture(scope="module")
def sim_before(world):
    """The same world seen at 2024-06-30, calm."""
    sim = _running(world, calm=True, as_of=BEFORE, warm_office=False)
    yield sim
    sim.stop()


@pytest.fixture(scope="module")
def client_before(sim_before) -> SimClient:
    return SimClient(sim_before.port)


def _portal(world_truth: dict, key: str) -> dict:
    return next(p for p in world_truth["portals"] if p["key"] == key)


def _published(world_truth: dict, **where: object) -> list[dict]:
    return [r for r in world_truth["reports"] if r["status"] == "published"
            and all(r[k] == v for k, v in where.items())]


def _url_of(report: dict, role: str) -> str | None:
    return next((u["url"] for u in report["urls"] if u["role"] == role), None)


def _absolute(host: str, href: str) -> str:
    href = html.unescape(href)
    return href if href.startswith("http") else f"http://{host}{href}"


def _decode(response: Response, encoding: str = "utf-8") -> str:
    return response.body.decode(encoding)


def _text_of(markup: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", markup))


def _meta(page: str, name: str) -> str | None:
    m = re.search(rf"<meta name=[\"']{name}[\"'] content=[\"']([^\"']*)[\"']", page)
    return html.unescape(m.group(1)) if m else None


def _records(xml: str) -> list[str]:
    return [_HREF.search(r).group(1) for r in _RECORD.findall(xml)]


def _as_written(report: dict, text: str) -> str:
    """A traditional page writes its title in traditional characters."""
    return traditional_text(text) if report["form"] in TRADITIONAL_FORMS else text


# --- home, columns and lists ---------------------------------------------------------------


@pytest.mark.parametrize("key", ["jiaxiang", "wenshang", "wendeng", "yanzhou"])
def test_home_page_is_hanweb(client, world_truth, key):
    host = _portal(world_truth, key)["host"]
    r = client.get(f"http://{host}/")
    assert r.status == 200
    page = r.text
    assert "<meta name='Generator' content='大汉版通'>" in page
    assert '<script type="text/javascript" src="/module/jslib/jquery/jquery.js"></script>' in page
    js = client.get(f"http://{host}/module/jslib/jquery/jquery.js")
    assert js.status == 200 and "javascript" in js.header("Content-Type")


def _column_page(client, world, key, role):
    portal = world.portals[key]
    column = portal.spec.column(role)
    r = client.get(f"http://{portal.spec.host}/col/col{column.id}/index.html")
    assert r.status == 200
    return portal, column, r.text


@pytest.mark.parametrize("key", ["jiaxiang", "wenshang", "wendeng", "yanzhou"])
def test_column_page_embeds_first_records(client, world, key):
    portal, column, page = _column_page(client, world, key, "news")
    expected = portal.column_articles(column.id, DEFAULT_AS_OF)
    assert len(expected) > 45  # the news columns need the dataproxy
    assert "<datastore>" in page and "<nextgroup>" in page
    assert len(_RECORD.findall(page)) == 45
    assert re.search(r"jpage\(\{", page)
    assert int(re.search(r"totalRecord:\s*(\d+)", page).group(1)) == len(expected)
    nextgroup = re.search(r"<nextgroup><!\[CDATA\[<a href=\"([^\"]+)\"", page).group(1)
    assert nextgroup.startswith(portal.spec.dataproxy_path + "?")
    assert f"columnid={column.id}" in nextgroup and f"unitid={column.unitid}" in nextgroup
    # Cut link texts carry the full title in @title.
    titles = re.findall(r"title=['\"]([^'\"]+)['\"]", "".join(_RECORD.findall(page)))
    assert [html.unescape(t) for t in titles] == [a.title for a, _, _ in expected[:45]]


def test_dataproxy_post_form(client, world):
    portal = world.portals["jiaxiang"]
    spec, column = portal.spec, portal.spec.column("news")
    total = len(portal.column_articles(column.id, DEFAULT_AS_OF))
    form = {"col": "1", "appid": "1", "webid": str(spec.webid), "path": "/",
            "columnid": str(column.id), "sourceContentType": "1", "unitid": str(column.unitid),
            "webname": spec.site_name, "permissiontype": "0"}
    r = client.post(f"http://{spec.host}{spec.dataproxy_path}?startrecord=46&endrecord=90"
                    f"&perpage=15", form)
    assert r.status == 200 and "xml" in r.header("Content-Type")
    xml = r.text
    assert int(re.search(r"<totalrecord>(\d+)</totalrecord>", xml).group(1)) == total
    assert int(re.search(r"<totalpage>(\d+)</totalpage>", xml).group(1)) == math.ceil(total / 15)
    # jiaxiang repeats the previous group's last record: 45 + 1
    assert len(_records(xml)) == 46


def test_dataproxy_get_form(client, world):
    portal = world.portals["wenshang"]
    spec, column = portal.spec, portal.spec.column("news")
    expected = portal.column_articles(column.id, DEFAULT_AS_OF)
    pages = math.ceil(len(expected) / PER_PAGE)
    for page in (1, 4, pages):
        r = client.get(f"http://{spec.host}{spec.dataproxy_path}?page={page}&appid=1"
                       f"&webid={spec.webid}&path=/&columnid={column.id}&unitid={column.unitid}"
                       f"&permissiontype=0")
        assert r.status == 200
        assert f"<totalrecord>{len(expected)}</totalrecord>" in r.text
        assert f"<totalpage>{pages}</totalpage>" in r.text
        want = [p for _, p, _ in expected[(page - 1) * PER_PAGE: page * PER_PAGE]]
        assert [urlsplit(h).path for h in _records(r.text)] == want


def _walk(client, world, key, role) -> tuple[list[list[str]], object, object]:
    """Every group of records of a column: the embedded one, then dataproxy groups."""
    portal, column, page = _column_page(client, world, key, role)
    spec = portal.spec
    groups = [_records(page)]
    total = int(re.search(r"totalRecord:\s*(\d+)", page).group(1))
    group = PER_PAGE * 3
    if spec.dataproxy_form == "post":
        form = {"col": "1", "appid": "1", "webid": str(spec.webid), "path": "/",
                "columnid": str(column.id), "sourceContentType": "1",
                "unitid": str(column.unitid), "webname": spec.site_name, "permissiontype": "0"}
        for start in range(group + 1, total + 1, group):
            r = client.post(f"http://{spec.host}{spec.dataproxy_path}?startrecord={start}"
                            f"&endrecord={start + group - 1}&perpage={PER_PAGE}", form)
            assert r.status == 200
            groups.append(_records(r.text))
    else:
        for n in range(4, math.ceil(total / PER_PAGE) + 1):
            r = client.get(f"http://{spec.host}{spec.dataproxy_path}?page={n}&appid=1"
                           f"&webid={spec.webid}&path=/&columnid={column.id}"
                           f"&unitid={column.unitid}&permissiontype=0")
            assert r.status == 200
            groups.append(_records(r.text))
    return groups, portal, column


def _normalise(host: str, href: str) -> tuple[str, str]:
    url = urlsplit(_absolute(host, href))
    return url.hostname, re.sub(r"^/col/col\d+(?=/art/)", "", url.path)


@pytest.mark.parametrize("key", ["jiaxiang", "wenshang", "wendeng", "yanzhou"])
@pytest.mark.parametrize("role", ["news", "annual"])
def test_walking_a_column_yields_its_records(client, world, world_truth, key, role):
    groups, portal, column = _walk(client, world, key, role)
    spec = portal.spec
    if role == "news":
        assert len(groups) > 1, "news columns need the dataproxy"
    if spec.repeat_quirk:
        for previous, group in zip(groups, groups[1:]):
            assert group[0] == previous[-1], "the quirk: a group repeats the previous last"
        walked = groups[0] + [h for g in groups[1:] for h in g[1:]]
    else:
        walked = [h for g in groups for h in g]
    assert len(walked) == len(set(walked)), "no duplicates once the quirk is removed"
    expected = [(a.host, p) for a, p, _ in portal.column_articles(column.id, DEFAULT_AS_OF)]
    assert [_normalise(spec.host, h) for h in walked] == expected
    if role == "annual":
        urls = {_absolute(spec.host, h) for h in walked}
        for report in _published(world_truth, portal=key):
            pages = [u["url"] for u in report["urls"] if u["role"] in ("article", "alias")]
            if pages:
                assert urls & set(pages), report["id"]


def test_yanzhou_serves_dataproxy_on_the_old_path_only(client, world):
    spec = world.portals["yanzhou"].spec
    column = spec.column("news")
    query = (f"?page=2&appid=1&webid={spec.webid}&path=/&columnid={column.id}"
             f"&unitid={column.unitid}&permissiontype=0")
    old = client.get(f"http://{spec.host}/module/jslib/jquery/jpage/dataproxy.jsp{query}")
    new = client.get(f"http://{spec.host}/module/web/jpage/dataproxy.jsp{query}")
    assert old.status == 200 and "<totalrecord>" in old.text and len(_records(old.text)) == 15
    assert new.status == 404
    other = world.portals["jiaxiang"].spec
    assert client.get(f"http://{other.host}/module/jslib/jquery/jpage/dataproxy.jsp{query}"
                      ).status == 404


def test_article_page_has_hanweb_meta_and_zoom(client, world):
    for key in ("jiaxiang", "wenshang", "wendeng", "yanzhou"):
        portal = world.portals[key]
        column = portal.spec.column("news")
        article, path, when = portal.column_articles(column.id, DEFAULT_AS_OF)[3]
        r = client.get(f"http://{article.host}{path}")
        assert r.status == 200
        page = r.text
        assert _meta(page, "ArticleTitle") == article.title
        assert _meta(page, "PubDate") == when.strftime("%Y-%m-%d %H:%M")
        assert _meta(page, "ContentSource")
        assert _meta(page, "ColumnName") == column.name
        assert _meta(page, "i_columnid") == str(column.id)
        assert _meta(page, "i_articleid") == path.rsplit("_", 1)[1].removesuffix(".html")
        assert _meta(page, "SiteName") == portal.spec.site_name
        zoom = page.index('<div id="zoom">')
        begin = page.index("<!--ZJEG_RSS.content.begin-->")
        end = page.index("<!--ZJEG_RSS.content.end-->")
        assert zoom < begin < end
        assert "<p>" in page[begin:end]


# --- the xxgk platform and the endpoint ----------------------------------------------------


@pytest.mark.parametrize("key", ["jiaxiang", "wenshang", "wendeng", "yanzhou"])
def test_xxgk_shell_and_tree(client, world_truth, key):
    p = _portal(world_truth, key)
    shell = client.get(f"http://{p['host']}/col/col{p['xxgk_column']}/index.html"
                       f"?vc_xxgkarea={p['xxgk_area']}&jh=263")
    assert shell.status == 200
    assert "loadDynamic(" in shell.text
    src = re.search(r"<iframe[^>]+src=\"([^\"]*tree\.jsp[^\"]*)\"", shell.text).group(1)
    tree = client.get(_absolute(p["host"], src))
    assert tree.status == 200
    listed = set(re.findall(r"vc_xxgkarea=([0-9A-Z]{18})", tree.text))
    on = {u["credit_code"] for u in p["units"] if u["on_platform"]}
    assert listed == on  # column-only units (on_platform false) are not in the tree


def _search(client, host: str, area: str, page: int = 1) -> tuple[list[tuple[str, str]], int]:
    form = {"infotypeId": "ndbg", "jdid": "1", "area": area, "divid": "div4", "vc_title": "",
            "vc_number": "", "vc_filenumber": "", "sortfield": "", "currpage": str(page),
            "texttype": "", "fbtime": "", "standardXxgk": "1", "isAllList": "1"}
    r = client.post(f"http://{host}/module/xxgk/search.jsp", form)
    assert r.status == 200
    rows = re.findall(r'<tr class="(tr_main_value_odd|tr_main_value_even)">(.*?)</tr>', r.text,
                      re.S)
    if rows:
        assert rows[0][0] == "tr_main_value_odd"
    links = []
    for _, row in rows:
        m = re.search(r'<a href="([^"]+)"[^>]*title="([^"]*)"', row)
        links.append((_absolute(host, m.group(1)), html.unescape(m.group(2))))
    pages = int(re.search(r"共(\d+)页", r.text).group(1))
    return links, pages


def _listed_url(report: dict) -> str:
    """search.jsp links a report's article (its canonical URL) if it has one."""
    return _url_of(report, "article") or _url_of(report, "endpoint")


@pytest.mark.parametrize("key", ["jiaxiang", "wenshang", "wendeng", "yanzhou"])
def test_search_lists_each_visible_report_of_a_unit(client, world_truth, key):
    p = _portal(world_truth, key)
    for unit in p["units"]:
        if not unit["on_platform"]:
            # column-only units are unknown to the platform
            assert _search(client, p["host"], unit["credit_code"]) == ([], 1)
            continue
        reports = _published(world_truth, portal=key, credit_code=unit["credit_code"])
        links, pages = _search(client, p["host"], unit["credit_code"])
        assert pages == max(1, math.ceil(len(reports) / PER_PAGE))
        assert sorted(links) == sorted((_listed_url(r), r["title"]) for r in reports), unit


def test_search_of_the_whole_county_pages_through_all_reports(client, world_truth):
    p = _portal(world_truth, "jiaxiang")
    first, pages = _search(client, p["host"], p["xxgk_area"])
    reports = _published(world_truth, portal="jiaxiang")
    on_platform = {u["credit_code"] for u in p["units"] if u["on_platform"]}
    reports = [r for r in reports if r["credit_code"] in on_platform]
    assert len(on_platform) < len(p["units"])  # jiaxiang has a column-only unit
    assert pages == math.ceil(len(reports) / PER_PAGE) > 1
    links = list(first)
    for n in range(2, pages + 1):
        links += _search(client, p["host"], p["xxgk_area"], n)[0]
    assert len(first) == PER_PAGE
    assert sorted(links) == sorted((_listed_url(r), r["title"]) for r in reports)


def test_endpoint_gives_the_report_and_no_data_for_a_missing_year(client, world_truth):
    for key in ("jiaxiang", "wenshang", "yanzhou"):
        report = next(r for r in _published(world_truth, portal=key, year=2022)
                      if _url_of(r, "endpoint"))
        r = client.get(_url_of(report, "endpoint"))
        assert r.status == 200
        body = r.text[r.text.index("<body>"):]
        lines = [line.strip() for line in _text_of(body).split("\n") if line.strip()]
        assert lines[0] == f"{report['org']}2022年政府信息公开工作年度报告"
        assert lines[1] == f"发布时间:{report['published']}"
        missing = client.get(f"http://{_portal(world_truth, key)['host']}/module/xxgk/"
                             f"xxgkAnnualReport.jsp?area={report['credit_code']}&fbtime=2011")
        assert missing.status == 200
        assert "暂无数据" in missing.text and "发布时间" not in missing.text


def test_wendeng_has_no_endpoint(client, world_truth):
    p = _portal(world_truth, "wendeng")
    code = p["units"][1]["credit_code"]
    r = client.get(f"http://{p['host']}/module/xxgk/xxgkAnnualReport.jsp?area={code}&fbtime=2022")
    assert r.status == 404


# --- every URL of the truth ----------------------------------------------------------------


@pytest.fixture(scope="module")
def fetched(client, world_truth) -> dict[str, Response]:
    """Every URL of every published report (all roles), fetched once."""
    urls = sorted({u["url"] for r in _published(world_truth) for u in r["urls"]})
    assert len(urls) > 500
    with ThreadPoolExecutor(8) as pool:
        responses = list(pool.map(client.get, urls))
    return dict(zip(urls, responses))


def test_every_truth_url_answers_with_its_content_type(fetched, world_truth):
    bad = []
    for report in _published(world_truth):
        for u in report["urls"]:
            r = fetched[u["url"]]
            ctype = (r.header("Content-Type") or "").split(";")[0].strip()
            if r.status != 200 or ctype != u["content_type"]:
                bad.append((u["url"], u["role"], r.status, ctype, u["content_type"]))
    assert not bad, f"{len(bad)} bad URLs, e.g. {bad[:5]}"


_MAGIC = {"application/pdf": b"%PDF", "application/msword": b"\xd0\xcf\x11\xe0",
          "application/vnd.openxmlformats-officedocument.wordprocessingml.document": b"PK\x03\x04",
          "image/png": b"\x89PNG\r\n\x1a\n"}


def test_files_are_what_they_say(fetched, world_truth):
    for report in _published(world_truth):
        for u in report["urls"]:
            if u["content_type"] in _MAGIC and fetched[u["url"]].status == 200:
                assert fetched[u["url"]].body.startswith(_MAGIC[u["content_type"]]), u["url"]


def test_report_pages_carry_their_rendering(fetched, world_truth):
    for report in _published(world_truth):
        if report["portal"] not in HANWEB:
            continue  # relative links, other tags: checked in test_portalsim_other_cms.py
        for u in report["urls"]:
            if u["content_type"] != "text/html":
                continue
            page = _decode(fetched[u["url"]], u["encoding"])
            if u["role"] == "endpoint":
                assert f"{report['org']}{report['year']}年政府信息公开工作年度报告" in page
            else:
                assert _meta(page, "ArticleTitle") == _as_written(report, report["title"]), u["url"]
                assert _meta(page, "ContentSource") == report["org"]
            rendering = report["rendering"]
            if rendering == "html":
                # Forms that flatten the tables or respell values: test_portalsim_variety.py.
                if report["form"] in TD_FORMS:
                    assert value_cells(td_texts(page)) == truth_values(report), u["url"]
            elif rendering == "image":
                for image in (x for x in report["urls"] if x["role"] == "table_image"):
                    assert urlsplit(image["url"]).path in page, u["url"]
                assert "<table" not in page
            elif rendering == "prose":
                assert "<table" not in page and "<img" not in page
            else:
                attachment = _url_of(report, "attachment")
                assert urlsplit(attachment).path in html.unescape(page), u["url"]


def test_alias_urls_serve_identical_bytes(fetched, world_truth):
    pairs = [(_url_of(r, "article"), _url_of(r, "alias")) for r in _published(world_truth)
             if _url_of(r, "alias")]
    assert pairs
    for article, alias in pairs:
        assert article != alias
        assert fetched[article].status == fetched[alias].status == 200
        assert fetched[article].body == fetched[alias].body


def test_gbk_article_page(fetched, world_truth):
    gbk = [(r, u) for r in _published(world_truth) for u in r["urls"]
           if u.get("encoding") == "gbk"]
    assert gbk and {r["portal"] for r, _ in gbk} == {"yanzhou"}
    report, u = gbk[0]
    response = fetched[u["url"]]
    assert response.header("Content-Type") == "text/html"
    assert re.search(rb"<meta[^>]+charset=gb2312", response.body)
    with pytest.raises(UnicodeDecodeError):
        response.body.decode("gb2312")
    with pytest.raises(UnicodeDecodeError):
        response.body.decode("utf-8")
    text = response.body.decode("gbk")
    assert response.body.decode("gb18030") == text
    assert "喆" in text
    assert _meta(text, "ArticleTitle") == report["title"]


# --- attachments hold the truth values -----------------------------------------------------


def _attachments(fetched, world_truth, rendering: str) -> list[tuple[dict, bytes]]:
    out = []
    for report in _published(world_truth, rendering=rendering):
        if report["cells"]:
            r = fetched[_url_of(report, "attachment")]
            assert r.status == 200
            out.append((report, r.body))
    assert out
    return out


def test_docx_tables_hold_the_truth_values(fetched, world_truth):
    import docx
    from docx.oxml.ns import qn

    reports = _attachments(fetched, world_truth, "docx")
    assert any(r["seed"] == "003" for r, _ in reports)
    for report, body in reports:
        document = docx.Document(io.BytesIO(body))
        assert len(document.tables) == 3
        texts = ["".join(t.text or "" for t in tc.iter(qn("w:t")))
                 for table in document.tables for tc in table._tbl.iter(qn("w:tc"))]
        assert value_cells(texts) == truth_values(report), report["id"]


def _antiword(body: bytes, tmp_path) -> str:
    path = tmp_path / "report.doc"
    path.write_bytes(body)
    result = subprocess.run(["antiword", "-w", "0", "-m", "UTF-8.txt", str(path)],
                            capture_output=True, env={**os.environ, "LANG": "C.UTF-8"},
                            timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout.decode("utf-8")


def _table_cells(text: str) -> Counter:
    """Value-like cells of antiword's table rows (lines framed by |)."""
    return Counter(value_cells([c for line in text.split("\n") if line.startswith("|")
                                 for c in line.strip("|").split("|")]))


def _missing(report: dict, tables: tuple[str, ...], found: Counter) -> Counter:
    wanted = Counter(re.sub(r"\s", "", c["raw"]) for c in report["cells"]
                     if c["raw"].strip() and c["table"] in tables)
    return wanted - found


def test_doc_is_read_by_antiword(fetched, world_truth, tmp_path):
    for report, body in _attachments(fetched, world_truth, "doc"):
        text = _antiword(body, tmp_path)
        assert re.sub(r"\s", "", report["title"]) in re.sub(r"\s", "", text), report["id"]
        assert "主动公开政府信息情况" in text and "存在的主要问题及改进情况" in text
        missing = _missing(report, ("active",), _table_cells(text))
        assert not missing, (report["id"], missing)


def test_doc_tables_are_recovered_by_libreoffice(fetched, world_truth, tmp_path):
    """antiword reads the prose and table 二 of LibreOffice's .doc export but loses the
    10- and 15-column tables 三 and 四 (its row-end detection fails on them, as it does on
    many real WPS exports); LibreOffice reads every value back. Parsers fall back to it."""
    import docx
    from docx.oxml.ns import qn

    reports = _attachments(fetched, world_truth, "doc")
    for n, (report, body) in enumerate(reports):
        (tmp_path / f"r{n}.doc").write_bytes(body)
    result = subprocess.run(
        ["soffice", f"-env:UserInstallation=file://{tmp_path / 'profile'}", "--headless",
         "--convert-to", "docx", "--outdir", str(tmp_path / "out"),
         *(str(tmp_path / f"r{n}.doc") for n in range(len(reports)))],
        capture_output=True, timeout=300, env={**os.environ, "HOME": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    for n, (report, _) in enumerate(reports):
        document = docx.Document(str(tmp_path / "out" / f"r{n}.docx"))
        texts = ["".join(t.text or "" for t in tc.iter(qn("w:t")))
                 for table in document.tables for tc in table._tbl.iter(qn("w:tc"))]
        assert value_cells(texts) == truth_values(report), report["id"]


def test_pdf_is_read_by_pdfplumber(fetched, world_truth):
    import pdfplumber

    reports = _attachments(fetched, world_truth, "pdf")
    for report, body in reports[::5]:  # a handful: pdfplumber is slow
        with pdfplumber.open(io.BytesIO(body)) as pdf:
            text = "".join(page.extract_text() or "" for page in pdf.pages)
            cells = [cell for page in pdf.pages for table in page.extract_tables()
                     for row in table for cell in row if cell]
        assert re.sub(r"\s", "", report["title"]) in re.sub(r"\s", "", text), report["id"]
        found = Counter(value_cells(cells))
        wanted = Counter(truth_values(report))
        assert not wanted - found, (report["id"], wanted - found)
        nonzero = [re.sub(r"\s", "", c["raw"]) for c in report["cells"] if c["value"]]
        assert all(n in text.replace(" ", "") for n in nonzero[:8]), report["id"]


# --- robots, politeness, hostility ---------------------------------------------------------


@pytest.mark.parametrize("key", ["jiaxiang", "wenshang", "wendeng", "yanzhou"])
def test_robots_txt_matches_truth(client, world_truth, key):
    p = _portal(world_truth, key)
    r = client.plain.get(f"http://{p['host']}/robots.txt")  # no cookie: robots is open
    assert r.status == 200 and r.header("Content-Type").startswith("text/plain")
    lines = r.text.splitlines()
    assert lines[0] == "User-agent: *"
    disallow = [line.split(":", 1)[1].strip() for line in lines if line.startswith("Disallow:")]
    assert disallow == p["robots"]["disallow"]
    delays = [float(line.split(":", 1)[1]) for line in lines if line.startswith("Crawl-delay:")]
    if key == "wenshang":
        assert delays == [pytest.approx(2 * TEST_TIME_SCALE)]
        assert p["robots"]["crawl_delay"] == pytest.approx(2 * TEST_TIME_SCALE)
    else:
        assert delays == [] and p["robots"]["crawl_delay"] is None


def test_rate_limit_on_wenshang(hostile_sim, world_truth):
    assert world_truth["traps"]["rate_limited_hosts"] == ["www.wenshang.gov.cn"]
    c = ProxyClient(hostile_sim.port)
    url = "http://www.wenshang.gov.cn/robots.txt"
    statuses = []
    limited = None
    for _ in range(6):
        r = c.get(url)
        statuses.append(r.status)
        if r.status == 429:
            limited = r
    assert statuses[0] != 429
    assert limited is not None, statuses
    retry = int(limited.header("Retry-After"))
    assert retry >= 1
    time.sleep(retry)
    assert c.get(url).status == 200
    # jiaxiang is not rate limited: back-to-back requests are fine there
    assert all(c.get("http://www.jiaxiang.gov.cn/robots.txt").status == 200 for _ in range(4))
    notes = [e["note"] for e in c.control("log") if e["host"] == "www.wenshang.gov.cn"]
    assert "rate limited" in notes


def test_transient_failure_then_success(hostile_sim, world_truth):
    c = ProxyClient(hostile_sim.port)
    urls = [u["url"] for r in _published(world_truth, portal="jiaxiang") for u in r["urls"]]
    failing = None
    for url in urls:
        r = c.get(url)
        assert r.status in (200, 500, 503), (url, r.status)
        if r.status >= 500:
            failing = url
            break
    assert failing is not None, "no jiaxiang URL failed transiently"
    statuses = [r.status]
    while statuses[-1] != 200 and len(statuses) < 4:
        statuses.append(c.get(failing).status)
    assert statuses[-1] == 200, statuses
    assert 2 <= len(statuses) <= 3, statuses
    assert all(s in (500, 503) for s in statuses[:-1])
    log = [e for e in c.control("log")
           if unquote(f"http://{e['host']}{e['path']}") == unquote(failing)]
    assert [e["status"] for e in log][:len(statuses)] == statuses
    assert all(e["note"] == "transient" for e in log[:len(statuses) - 1])
    # Once working, it keeps working.
    assert c.get(failing).status == 200


def test_calm_simulator_has_no_transient_failures(client, world_truth):
    # the same URLs answer 200 at once on the calm simulator (checked for all in `fetched`)
    urls = [u["url"] for r in _published(world_truth, portal="jiaxiang") for u in r["urls"]]
    assert all(client.get(url).status == 200 for url in urls[:40])


def test_dropped_connection_on_jiaxiang_annual_column(hostile_sim, world):
    c = ProxyClient(hostile_sim.port)
    column = world.portals["jiaxiang"].spec.column("annual")
    url = f"http://www.jiaxiang.gov.cn/col/col{column.id}/index.html"
    with pytest.raises((ConnectionError, http.client.HTTPException)):
        c.get(url)
    statuses = []
    for _ in range(3):
        statuses.append(c.get(url).status)
        if statuses[-1] == 200:
            break
    assert statuses[-1] == 200, statuses
    notes = [e["note"] for e in c.control("log") if e["path"].startswith(f"/col/col{column.id}")]
    assert notes[0] == "connection reset"


# --- validators, gzip, redirects -----------------------------------------------------------


def _assert_conditional(client, url: str) -> Response:
    r = client.get(url)
    assert r.status == 200
    etag, modified = r.header("ETag"), r.header("Last-Modified")
    assert etag and modified
    again = client.get(url, If_None_Match=etag)
    assert again.status == 304 and again.body == b""
    assert again.header("ETag") == etag
    assert client.get(url, If_Modified_Since=modified).status == 304
    assert client.get(url, If_None_Match='W/"something-else"').status == 200
    return r


def test_conditional_requests(client, world, world_truth):
    portal = world.portals["jiaxiang"]
    column = portal.spec.column("news")
    article, path, _ = portal.column_articles(column.id, DEFAULT_AS_OF)[0]
    attachment = next(_url_of(r, "attachment") for r in _published(world_truth, portal="jiaxiang",
                                                                  rendering="docx"))
    for url in (f"http://www.jiaxiang.gov.cn/col/col{column.id}/index.html",
                f"http://{article.host}{path}", attachment):
        _assert_conditional(client, url)


def test_validators_change_with_the_content(client, client_before, world):
    column = world.portals["jiaxiang"].spec.column("annual")
    url = f"http://www.jiaxiang.gov.cn/col/col{column.id}/index.html"
    now = _assert_conditional(client, url)
    then = _assert_conditional(client_before, url)
    assert now.body != then.body
    assert now.header("ETag") != then.header("ETag")
    assert now.header("Last-Modified") != then.header("Last-Modified")
    # The old validators no longer match the new content, and the other way round.
    assert client.get(url, If_None_Match=then.header("ETag")).status == 200
    assert client.get(url, If_Modified_Since=then.header("Last-Modified")).status == 200
    assert client_before.get(url, If_None_Match=now.header("ETag")).status == 200


def test_gzip(client, world, world_truth):
    column = world.portals["yanzhou"].spec.column("news")
    url = f"http://www.yanzhou.gov.cn/col/col{column.id}/index.html"
    plain = client.get(url)
    packed = client.get(url, Accept_Encoding="gzip")
    assert plain.header("Content-Encoding") is None
    assert packed.header("Content-Encoding") == "gzip"
    assert int(packed.header("Content-Length")) == len(packed.body) < len(plain.body)
    assert gzip.decompress(packed.body) == plain.body
    pdf = next(_url_of(r, "attachment") for r in _published(world_truth, rendering="pdf",
                                                             portal="yanzhou"))
    binary = client.get(pdf, Accept_Encoding="gzip")
    assert binary.status == 200 and binary.header("Content-Encoding") is None


@pytest.mark.parametrize("url,status,location", [
    ("http://www.jiaxiang.gov.cn/col/col33760/", 302,
     "http://www.jiaxiang.gov.cn/col/col33760/index.html"),
    ("http://www.wenshang.gov.cn/xxgk/", 301,
     "http://www.wenshang.gov.cn/col/col107290/index.html?vc_xxgkarea=jnswsx&jh=263"),
    ("http://www.yanzhou.gov.cn/index.html", 301, "http://www.yanzhou.gov.cn/"),
])
def test_redirects(client, url, status, location):
    r = client.get(url)
    assert r.status == status
    assert r.header("Location") == location
    assert client.get(location).status == 200


# --- what changes between two dates --------------------------------------------------------


def test_moved_report(client, client_before, world_truth):
    event = world_truth["events"]["moved"]
    old, new = event["from"], event["to"]
    r = client.get(old)
    assert r.status == 301 and r.header("Location") == new
    assert client.get(new).status == 200
    assert client_before.get(old).status == 200
    assert client_before.get(new).status == 404


def _listed(client, world, key: str) -> set[str]:
    groups, portal, _ = _walk(client, world, key, "annual")
    return {_absolute(portal.spec.host, h) for g in groups for h in g}


def test_removed_report(client, client_before, world, world_truth):
    url = world_truth["events"]["removed"]["url"]
    assert client_before.get(url).status == 200
    assert client.get(url).status == 404
    assert url in _listed(client_before, world, "wenshang")
    assert url not in _listed(client, world, "wenshang")


def test_revised_report_served_by_date(client, client_before, world, world_truth):
    from tests.portalsim.truth import truth

    rid = world_truth["events"]["revised"]["report"]
    now = next(r for r in world_truth["reports"] if r["id"] == rid)
    then = next(r for r in truth(world, BEFORE)["reports"] if r["id"] == rid)
    assert truth_values(now) != truth_values(then)
    url = _url_of(now, "endpoint")
    assert url == _url_of(then, "endpoint")
    assert value_cells(td_texts(client.get(url).text)) == truth_values(now)
    assert value_cells(td_texts(client_before.get(url).text)) == truth_values(then)


def test_reports_of_2024_appear_in_2025(client, client_before, world, world_truth):
    reports = _published(world_truth, portal="jiaxiang", year=2024)
    with_article = next(r for r in reports if _url_of(r, "article"))
    with_endpoint = next(r for r in reports if _url_of(r, "endpoint"))
    article = _url_of(with_article, "article")
    endpoint = _url_of(with_endpoint, "endpoint")
    assert client.get(article).status == 200
    assert client_before.get(article).status == 404
    assert "发布时间" in client.get(endpoint).text
    before = client_before.get(endpoint)
    assert before.status == 200 and "暂无数据" in before.text
    column = world.portals["jiaxiang"].spec.column("annual")
    listing = f"http://www.jiaxiang.gov.cn/col/col{column.id}/index.html"
    path = urlsplit(article).path
    assert path in client.get(listing).text
    assert path not in client_before.get(listing).text
    code = with_endpoint["credit_code"]
    now = [u for u, _ in _search(client, "www.jiaxiang.gov.cn", code)[0]]
    then = [u for u, _ in _search(client_before, "www.jiaxiang.gov.cn", code)[0]]
    assert endpoint in now and endpoint not in then


def test_control_as_of_changes_what_is_served(start_sim, world, world_truth):
    sim = start_sim(world, calm=True, warm_office=False)
    c = ProxyClient(sim.port)
    article = next(_url_of(r, "article") for r in _published(world_truth, year=2024)
                   if _url_of(r, "article") and r["portal"] != "wendeng")
    assert c.control("status")["as_of"] == DEFAULT_AS_OF.isoformat()
    assert c.get(article).status == 200
    assert c.control("as-of?date=2024-06-30", method="POST") == {"as_of": "2024-06-30"}
    assert c.control("status")["as_of"] == "2024-06-30"
    assert c.get(article).status == 404
    assert c.control("truth")["as_of"] == "2024-06-30"
    c.control("as-of?date=2025-06-30", method="POST")
    assert c.get(article).status == 200


# --- traps ---------------------------------------------------------------------------------


def test_calendar_trap_is_endless(client, world_truth):
    url = world_truth["traps"]["calendar"][0] + "?year=2024&month=11"
    months = []
    for _ in range(30):
        r = client.get(url)
        assert r.status == 200
        m = re.search(r"<span>(\d{4})年(\d{1,2})月</span>", r.text)
        months.append(int(m.group(1)) * 12 + int(m.group(2)))
        url = _absolute("www.yanzhou.gov.cn",
                        re.search(r'<a href="([^"]+)">下月</a>', r.text).group(1))
    assert months == list(range(months[0], months[0] + 30))
    assert months[-1] > 2026 * 12


def test_big_file(client, world_truth):
    (url,) = world_truth["traps"]["big_file"]
    r = client.get(url)
    assert r.status == 200
    assert int(r.header("Content-Length")) == 20 * 1024 * 1024 == 20971520
    assert len(r.body) == 20971520 and r.body.startswith(b"PK\x03\x04")
    assert r.header("Content-Type") == "application/zip"


def test_soft_404_downloads(client, world_truth):
    urls = world_truth["traps"]["soft_404"]
    assert len(urls) == 4
    made_up = "http://www.jiaxiang.gov.cn/module/download/downfile.jsp?classid=0&filename=" + \
        "0" * 32 + ".pdf&showname=x.pdf"
    for url in urls + [made_up]:
        r = client.get(url)
        assert r.status == 200, url
        assert r.header("Content-Type").startswith("text/html")
        assert "不存在" in r.text


def test_unknown_host_is_out_of_scope(client):
    before = len(client.plain.control("log"))
    r = client.plain.get("http://www.example.com/index.html")
    assert r.status == 502
    entries = client.plain.control(f"log?since={before}")
    assert any(e["host"] == "www.example.com" and e["status"] == 502
               and e["note"] == "out of scope" for e in entries)


def test_connect_is_not_simulated(client):
    r = client.plain.request("CONNECT", "www.jiaxiang.gov.cn:443")
    assert r.status == 501
    assert client.plain.control("log")[-1]["status"] == 501


def test_dead_links_answer_404(client, world_truth):
    for key in ("jiaxiang", "yanzhou"):
        host = _portal(world_truth, key)["host"]
        home = client.get(f"http://{host}/").text
        assert "/col/col99999/index.html" in home
        assert client.get(f"http://{host}/col/col99999/index.html").status == 404


def test_decoys_are_served(client, world_truth):
    for decoy in world_truth["decoys"]:
        page = client.get(decoy["url"])
        assert page.status == 200, decoy["url"]
        ucap = re.search(r"<ucaptitle>(.*?)</ucaptitle>", page.text)  # Ucap has no ArticleTitle
        title = _meta(page.text, "ArticleTitle") or html.unescape(ucap.group(1) if ucap else "")
        assert title == decoy["title"]
        for url in decoy["attachments"]:
            r = client.get(url)
            assert r.status == 200 and not r.header("Content-Type").startswith("text/html"), url


def test_mirror_host_serves_only_its_articles(client, world_truth):
    mirrored = [u["url"] for r in _published(world_truth, portal="wenshang") for u in r["urls"]
                if u["url"].startswith("http://xxgk.wenshang.gov.cn/art/")]
    assert mirrored
    url = mirrored[0]
    assert client.get(url).status == 200
    assert client.get(url.replace("xxgk.wenshang.gov.cn", "www.wenshang.gov.cn")).status == 404
    assert client.get("http://xxgk.wenshang.gov.cn/").status == 404


def test_downloads_behind_a_cookie_stub(world_truth, calm_sim):
    """yanzhou answers a download without its cookie with 200 and a script that sets the
    cookie and reloads: a client that stores any 200 would archive the stub."""
    assert world_truth["traps"]["cookie_stub_hosts"] == ["www.yanzhou.gov.cn",
                                                         "www.shuyang.gov.cn"]
    report = next(r for r in _published(world_truth, portal="yanzhou")
                  if _url_of(r, "attachment"))
    url = _url_of(report, "attachment")
    plain = ProxyClient(calm_sim.port)
    stub = plain.get(url)
    assert stub.status == 200 and stub.header("Content-Type").startswith("text/html")
    match = _STUB.search(stub.body)
    assert match and match.group(1).startswith(b"__jsluid_s=")
    real = plain.get(url, Cookie=match.group(1).decode())
    assert real.status == 200
    assert real.header("Content-Type") == next(u["content_type"] for u in report["urls"]
                                               if u["role"] == "attachment")
    assert plain.get(url, Cookie="__jsluid_s=forged").body == stub.body


def test_wps_attachments_hold_word97_bytes(world_truth, client):
    wps = [(r, u) for r in world_truth["reports"] if r["status"] == "published"
           for u in r["urls"] if u["role"] == "attachment" and "filename=" in u["url"]
           and u["url"].split("filename=")[1].split("&")[0].endswith(".wps")]
    assert wps, "some .doc reports are saved by WPS Office as .wps"
    for report, url in wps[:3]:
        r = client.get(url["url"])
        assert r.status == 200 and r.header("Content-Type") == "application/octet-stream"
        assert r.body.startswith(b"\xd0\xcf\x11\xe0")  # an OLE2 compound file, like .doc
        assert report["rendering"] == "doc"
