"""`xxgk sites probe URL`: a portal's registry entry, read from the portal itself.

About 2,800 county portals: each new one must cost a YAML entry, not code, and the entry
should be what the portal says, not what an operator guesses (a guessed dataproxy path is how
a column read 16 of its 24 records). So the probe fetches the home page, tells the CMS by its
marks (PORTALS.md), finds the disclosure area and the annual-report column(s), reads the
column page's own pager (``crawler.spiders.hanweb_pager``) and asks it for one page of records
(the dry run that proves the entry), and looks for the xxgk platform, its area code and its
annual-report endpoint. The result is an entry ``crawler.registry.parse_site`` accepts, and
the evidence for each value.

One request at a time with a pause between them, through ``--proxy`` like a crawl: a probe
is a handful of requests, never a crawl.
"""

from __future__ import annotations

import html
import re
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode, urljoin, urlsplit

from charset_normalizer import from_bytes

from crawler.middlewares.challenges import CHALLENGE_GONE, cookie_reload, is_ts_challenge
from crawler.reports import anchors
from crawler.spiders.hanweb_pager import Pager, asks, column_pager, count_records

HANWEB, JPAAS, TRS, UCAP, UNKNOWN = "hanweb", "jpaas", "trs", "ucap", "unknown"
USER_AGENT = "Mozilla/5.0 (compatible; xxgk-archive probe)"
PAUSE = 1.0  # seconds between the probe's requests
TIMEOUT = 30.0
MAX_BYTES = 5 * 1024 * 1024
_COLUMN = re.compile(r"/col/col(\d+)/(?:index\.html)?")
_ANNUAL = re.compile(r"年度报告|年报")
_DISCLOSURE = re.compile(r"政府信息公开|信息公开|政务公开")
_XXGK_AREA = re.compile(r"vc_xxgkarea=([0-9A-Za-z]+)")
_TREE = re.compile(r"/module/xxgk/tree\.jsp\?[^'\"<>]*?area=([0-9A-Za-z]+)")
_UNIT = re.compile(r"vc_xxgkarea=([0-9A-Z]{18})")
_SITE_NAME = re.compile(r"<meta\s+name=['\"]SiteName['\"]\s+content=['\"]([^'\"]+)", re.IGNORECASE)
_TITLE = re.compile(r"<title>\s*([^<]+?)\s*</title>", re.IGNORECASE | re.DOTALL)


class ProbeError(RuntimeError):
    """The portal could not be probed (unreachable, not a page, behind a challenge)."""


@dataclass
class Page:
    url: str
    status: int
    text: str
    raw: bytes = b""


@dataclass
class Probe:
    """What the probe found: the entry, and the evidence a reviewer checks it against."""

    url: str
    cms: str
    entry: dict[str, Any]
    evidence: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


class Fetcher:
    """Plain GET/POST through an optional HTTP proxy, one at a time, politely."""

    def __init__(self, proxy: str | None = None, pause: float = PAUSE) -> None:
        handlers: list[urllib.request.BaseHandler] = []
        if proxy:
            handlers.append(urllib.request.ProxyHandler({"http": proxy, "https": proxy}))
        self.opener = urllib.request.build_opener(*handlers)
        self.pause = pause
        self.proxy = proxy
        self._last = 0.0
        self.requests = 0
        self.cookies: dict[str, str] = {}  # a challenge's cookies, sent with every request

    def get(self, url: str, data: dict[str, str] | None = None) -> Page:
        return self.get_with(url, {}, data)

    def get_with(self, url: str, headers: dict[str, str],
                 data: dict[str, str] | None = None) -> Page:
        wait = self._last + self.pause - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        body = urlencode(data).encode() if data is not None else None
        headers = {"User-Agent": USER_AGENT, **headers}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        request = urllib.request.Request(url, data=body, headers=headers)
        self.requests += 1
        try:
            with self.opener.open(request, timeout=TIMEOUT) as answer:
                raw, status, ctype = answer.read(MAX_BYTES), answer.status, answer.headers
                url = answer.geturl()  # after redirects: where the page is
        except urllib.error.HTTPError as exc:
            raw, status, ctype = exc.read(MAX_BYTES), exc.code, exc.headers
        except (urllib.error.URLError, OSError) as exc:
            raise ProbeError(f"{url}: no answer: {getattr(exc, 'reason', exc)}") from exc
        finally:
            self._last = time.monotonic()
        return Page(url, status, _decode(raw, ctype.get_content_charset() if ctype else None),
                    raw)


def _decode(raw: bytes, declared: str | None) -> str:
    for charset in (declared, "utf-8"):
        if charset:
            try:
                return raw.decode(charset)
            except (LookupError, UnicodeDecodeError):
                pass
    best = from_bytes(raw).best()
    return str(best) if best is not None else raw.decode("utf-8", "replace")


def detect_cms(text: str) -> str:
    """The CMS family a page's own marks name (PORTALS.md)."""
    if "jpaas-publish-server" in text or "jpaas" in text.lower():
        return JPAAS
    if "大汉版通" in text or "/module/jslib/" in text or _COLUMN.search(text):
        return HANWEB
    if ("<ucapcontent" in text.lower() or "ucap" in text.lower()
            or re.search(r"""href=['"][^'"]+\.shtml""", text)):
        return UCAP
    if "createPageHTML" in text or "TRS_Editor" in text or re.search(r"/t\d{8}_\d+\.html", text):
        return TRS
    return UNKNOWN


def probe(url: str, fetcher: Fetcher, key: str | None = None) -> Probe:
    home = _through_challenge(url, fetcher)
    if home.status >= 400:
        raise ProbeError(f"{url}: answered {home.status}")
    cms = detect_cms(home.text)
    host = urlsplit(home.url).hostname or ""
    name = _site_name(home.text)
    entry: dict[str, Any] = {"key": key or _key(host), "name": name, "cms": cms,
                             "hosts": [host], "home": url}  # as given: a redirect may move
    found = Probe(url, cms, entry, [f"home {home.url}: {home.status}, CMS {cms}"])
    if cms == HANWEB:
        _hanweb(home, fetcher, found)
    elif cms == JPAAS and _jpaas(home, fetcher, found):
        pass
    else:
        entry["cms"] = "generic"
        area = _disclosure_link(home)
        entry["entry_points"] = [area] if area else [home.url]
        found.evidence.append(f"disclosure area: {area or 'not found; the home page is the entry'}")
        if cms == JPAAS:
            found.warnings.append("a jpaas portal: the generic spider follows its links; its "
                                  "listings' count is not compared yet")
    return found


def _through_challenge(url: str, fetcher: Fetcher) -> Page:
    """The home page, past a cookie-setting reload stub or a $_ts challenge (solved by the
    same Chromium the crawler uses; its cookies then go with the probe's plain requests)."""
    home = fetcher.get(url)
    stub = cookie_reload(home.raw)
    if stub is not None:
        fetcher.cookies[stub[0]] = stub[1]
        return fetcher.get(url)
    if is_ts_challenge(home.raw):
        fetcher.cookies.update(browser_cookies(url, fetcher.proxy))
        home = fetcher.get(url)
        if is_ts_challenge(home.raw):
            raise ProbeError(f"{url}: a JavaScript challenge the browser did not pass")
    return home


def browser_cookies(url: str, proxy: str | None, seconds: float = 30) -> dict[str, str]:
    """The cookies a real browser holds once the page's challenge has gone."""
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    from crawler import settings

    try:
        with sync_playwright() as driver:
            browser = driver.chromium.launch(
                executable_path=settings.XXGK_CHROMIUM, args=settings.PLAYWRIGHT_CHROMIUM_ARGS,
                proxy={"server": proxy} if proxy else None)
            try:
                page = browser.new_page(user_agent=USER_AGENT)
                page.goto(url, wait_until="load", timeout=seconds * 1000)
                page.wait_for_function(CHALLENGE_GONE, timeout=seconds * 1000)
                return {c["name"]: c["value"] for c in page.context.cookies()}
            finally:
                browser.close()
    except PlaywrightError as exc:
        raise ProbeError(f"{url}: the browser could not pass its challenge: {exc}") from exc


def _hanweb(home: Page, fetcher: Fetcher, found: Probe) -> None:
    annual = _annual_columns(home)
    xxgk_link = next((urljoin(home.url, href) for href, _ in anchors(home.text)
                      if _XXGK_AREA.search(href)), None) or _disclosure_link(home)
    pager: Pager | None = None
    for cid, label in annual:
        page = fetcher.get(urljoin(home.url, f"/col/col{cid}/index.html"))
        if page.status >= 400:
            found.warnings.append(f"annual column {cid} ({label}) answered {page.status}")
            continue
        pager = column_pager(page.text, cid, None, "")
        _record_hosts(page.text, found)
        found.evidence.append(f"annual column {cid} ({label}): {pager.first_load} records "
                              f"embedded of {pager.total} advertised; pager "
                              f"{pager.plans[0][1].upper()} {pager.plans[0][0]}")
        if pager.total > pager.first_load:
            _dry_run(home.url, fetcher, pager, found)
    if not annual:
        found.warnings.append("no annual-report column linked from the home page: add "
                              "hanweb.annual_report_columns by hand")
    webid = (pager.common.get("webid") if pager else None) or "1"
    hanweb: dict[str, Any] = {"webid": int(webid) if webid.isdigit() else 1,
                              "dataproxy": pager.plans[0][0] if pager else
                              "/module/web/jpage/dataproxy.jsp",
                              "annual_report_columns": [cid for cid, _ in annual]}
    if xxgk_link:
        xxgk = _xxgk(home.url, xxgk_link, fetcher, found)
        if xxgk:
            hanweb["xxgk"] = xxgk
    else:
        found.evidence.append("no xxgk platform linked from the home page")
    found.entry["hanweb"] = hanweb


_QUERY_DATA = re.compile(r"queryData\s*=\s*(\{[^{}]*\})")
_QUERY_VALUE = re.compile(r"""['"]?(webId|pageId|tagId|tplSetId)['"]?\s*:\s*['"]?([^'",}]+)""")


def _jpaas(home: Page, fetcher: Fetcher, found: Probe) -> bool:
    """A jpaas entry from the annual-report columns' shells (their ``queryData``), proved
    by one request to the list API; False when no annual column names its query."""
    from crawler.registry import JpaasSite
    from crawler.spiders.jpaas import PAGE_SIZE, unit_url  # a spider module: import late

    columns = _annual_columns(home)
    query: dict[str, str] = {}
    for cid, label in columns:
        shell = fetcher.get(urljoin(home.url, f"/col/col{cid}/index.html"))
        data = _QUERY_DATA.search(shell.text)
        if data:
            query = dict(_QUERY_VALUE.findall(data.group(1)))
            found.evidence.append(f"annual column {cid} ({label}): jpaas shell, webId "
                                  f"{query.get('webId')}, tplSetId {query.get('tplSetId')}, "
                                  f"tagId {query.get('tagId')}")
            break
    if not columns or not all(query.get(k) for k in ("webId", "tplSetId", "tagId")):
        found.warnings.append("a jpaas portal whose annual-report column names no queryData: "
                              "a generic entry instead")
        return False
    site = JpaasSite(query["webId"], query["tplSetId"], query["tagId"],
                     tuple(cid for cid, _ in columns))
    column = columns[0][0]
    answer = fetcher.get_with(unit_url(home.url.rstrip("/"), site, column, 1), {
        "X-Requested-With": "XMLHttpRequest",
        "Referer": urljoin(home.url, f"/col/col{column}/index.html")})
    count = re.search(r"""count\s*=\s*\\?['"]?(\d+)""", answer.text)
    found.evidence.append(f"dry run: list API answered {answer.status}, "
                          f"{count.group(1) if count else 'no'} records counted "
                          f"({PAGE_SIZE} a page)")
    if answer.status != 200 or not count:
        found.warnings.append("the list API did not answer with a counted list: check the "
                              "entry by hand")
    found.entry["cms"] = JPAAS
    found.entry["jpaas"] = {"webid": site.webid, "tplsetid": site.tplsetid, "tagid": site.tagid,
                            "annual_report_columns": list(site.annual_report_columns)}
    return True


def _dry_run(base: str, fetcher: Fetcher, pager: Pager, found: Probe) -> None:
    """One listing request past the embedded records, in each form until one answers."""
    start = pager.first_load + 1
    end = min(start + pager.group - 1, pager.total)
    for plan, (path, form) in enumerate(pager.plans):
        ask = asks(pager, plan, start, end)[0]  # the crawler's first request in that form
        page = fetcher.get(urljoin(base, ask.target), data=ask.formdata)
        records = count_records(page.text) if page.status == 200 else 0
        if records:
            _record_hosts(page.text, found)
            found.evidence.append(f"dry run: {form.upper()} {path} gave {records} records "
                                  f"from record {start}")
            if (path, form) != pager.plans[0]:
                found.warnings.append(f"the page advertises {pager.plans[0][1].upper()} "
                                      f"{pager.plans[0][0]} but only {form.upper()} {path} "
                                      "answered: the crawler falls back the same way")
            return
        found.evidence.append(f"dry run: {form.upper()} {path} refused ({page.status}, "
                              f"{records} records)")
    found.warnings.append(f"no pager form answered past record {pager.first_load}: the column "
                          "will read short (the crawl reports it incomplete)")


def _xxgk(base: str, link: str, fetcher: Fetcher, found: Probe) -> dict[str, Any] | None:
    page = fetcher.get(link)  # an old path may redirect to the platform's column
    tree = _TREE.search(page.text)
    column = _COLUMN.search(urlsplit(page.url).path)
    if not tree or not column:
        found.evidence.append(f"xxgk link {link}: no tree.jsp area in its page")
        return None
    area = tree.group(1)
    found.evidence.append(f"xxgk platform: column {column.group(1)}, area {area}")
    units = fetcher.get(urljoin(base, f"/module/xxgk/tree.jsp?standardXxgk=1&area={area}"
                                      "&divid=div4"))
    codes = list(dict.fromkeys(_UNIT.findall(units.text)))
    endpoint = False
    if codes:
        year = time.gmtime().tm_year - 1
        answer = fetcher.get(urljoin(base, f"/module/xxgk/xxgkAnnualReport.jsp?area={codes[0]}"
                                           f"&fbtime={year}"))
        endpoint = answer.status == 200
        found.evidence.append(f"xxgk: {len(codes)} units in tree.jsp; annual-report endpoint "
                              f"answered {answer.status}")
    return {"column": int(column.group(1)), "area": area, "annual_report_endpoint": endpoint,
            "first_year": 2018}


def _record_hosts(text: str, found: Probe) -> None:
    """Hosts the column's records live on besides the home's (a mirror such as
    xxgk.wenshang.gov.cn): the same registered domain, added to the entry's scope."""
    hosts: list[str] = found.entry["hosts"]
    domain = ".".join(hosts[0].split(".")[-3:]) if hosts[0].endswith(".gov.cn") else \
        ".".join(hosts[0].split(".")[-2:])
    for href, _ in anchors(text):
        host = (urlsplit(href).hostname or "").lower()
        if host and host not in hosts and (host == domain or host.endswith(f".{domain}")):
            hosts.append(host)
            found.evidence.append(f"records on another host of {domain}: {host}")


def _annual_columns(home: Page) -> list[tuple[int, str]]:
    """(id, label) of the annual-report columns the home page links."""
    return [(cid, label) for cid, label in _columns(home) if _ANNUAL.search(label)]


def _columns(home: Page) -> list[tuple[int, str]]:
    found: dict[int, str] = {}
    for href, label in anchors(home.text):
        match = _COLUMN.search(href)
        if match and "vc_xxgkarea" not in href:
            found.setdefault(int(match.group(1)), html.unescape(label))
    return list(found.items())


def _disclosure_link(home: Page) -> str | None:
    """The link to the disclosure area: 政府信息公开 itself first, then a link that names
    disclosure (not the annual-report column, which names it too)."""
    links = [(href, label.strip()) for href, label in anchors(home.text)
             if not href.startswith(("javascript:", "#")) and not _ANNUAL.search(label)]
    for href, label in sorted(links, key=lambda link: link[1] != "政府信息公开"):
        if _DISCLOSURE.search(label):
            return urljoin(home.url, href)
    return None


def _site_name(text: str) -> str:
    meta = _SITE_NAME.search(text)
    if meta:
        return html.unescape(meta.group(1)).strip()
    title = _TITLE.search(text)
    return html.unescape(title.group(1)).split("-")[0].split("_")[0].strip() if title else ""


def _key(host: str) -> str:
    """jiaxiang from www.jiaxiang.gov.cn, county7 from county7.sim.gov.cn."""
    parts = [p for p in host.split(".") if p not in ("www", "gov", "cn", "com", "net", "org")]
    return re.sub(r"[^a-z0-9_-]", "", (parts[0] if parts else host).lower()) or "site"
