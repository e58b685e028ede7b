"""Spider for Hanweb (大汉) JCMS portals, driven by a registry entry.

Where reports are (PORTALS.md): the annual-report columns (records embedded in the column
page's <datastore>, more behind dataproxy.jsp in its POST or GET form), and the xxgk
platform: tree.jsp lists the units, xxgkAnnualReport.jsp gives each unit's report per year,
search.jsp lists a unit's reports. Report pages lead to attachments and table images.
"""

from __future__ import annotations

import html
import re
from urllib.parse import parse_qs, urlencode, urlsplit

import scrapy
from scrapy.http import Response

from crawler.registry import Site
from crawler.reports import anchors, is_attachment_link, is_report_title
from crawler.spiders.base import REPORT_PAGE, ArchiveSpider

_RECORD = re.compile(r"<record><!\[CDATA\[(.*?)\]\]></record>", re.S)
_TOTAL = re.compile(r"totalRecord\s*:\s*(\d+)")
_AJAX_TYPE = re.compile(r"ajaxType\s*:\s*'(get|post)'", re.I)
_UNIT = re.compile(r"vc_xxgkarea=([0-9A-Z]{18})")
_PER_PAGE = 15
_GROUP = 45  # records per first load / POST group
_NO_DATA = "暂无数据"


class HanwebSpider(ArchiveSpider):
    name = "hanweb"

    def __init__(self, site: Site, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        if site.hanweb is None:
            raise ValueError(f"site {site.key} is not a Hanweb site")
        super().__init__(site, *args, **kwargs)
        self.base = site.home.rstrip("/")

    async def start(self):
        hanweb = self.site.hanweb
        yield scrapy.Request(self.site.home, callback=self.parse_home)
        for column in hanweb.annual_report_columns:
            yield scrapy.Request(f"{self.base}/col/col{column}/index.html",
                                 callback=self.parse_column, cb_kwargs={"column": column})
        if hanweb.xxgk is not None:
            area = hanweb.xxgk.area
            yield scrapy.Request(f"{self.base}/module/xxgk/tree.jsp?standardXxgk=1&area={area}"
                                 f"&divid=div4", callback=self.parse_tree)
        for request in self.known_documents():
            yield request

    def parse_home(self, response: Response):
        yield from self._follow_report_links(response, response.text)

    # --- columns -----------------------------------------------------------------------------

    def parse_column(self, response: Response, column: int):
        text = response.text
        yield from self._records(response, _RECORD.findall(text))
        total_match = _TOTAL.search(text)
        total = int(total_match.group(1)) if total_match else 0
        form_kind = (_AJAX_TYPE.search(text).group(1).lower() if _AJAX_TYPE.search(text) else "post")
        proxy = f"{self.base}{self.site.hanweb.dataproxy}"
        common = {"appid": "1", "webid": str(self.site.hanweb.webid), "path": "/",
                  "columnid": str(column), "permissiontype": "0"}
        unitid = re.search(r"\$\('#(\d+)'\)\.jpage", text)
        if unitid:
            common["unitid"] = unitid.group(1)
        if form_kind == "get":
            for page in range(_GROUP // _PER_PAGE + 1, (total + _PER_PAGE - 1) // _PER_PAGE + 1):
                query = urlencode({"page": page, **common})
                yield scrapy.Request(f"{proxy}?{query}", callback=self.parse_dataproxy)
        else:
            for start in range(_GROUP + 1, total + 1, _GROUP):
                query = urlencode({"startrecord": start, "endrecord": start + _GROUP - 1,
                                   "perpage": _PER_PAGE})
                yield scrapy.FormRequest(f"{proxy}?{query}", callback=self.parse_dataproxy,
                                         formdata={"col": "1", "sourceContentType": "1", **common})

    def parse_dataproxy(self, response: Response):
        yield from self._records(response, _RECORD.findall(response.text))

    def _records(self, response: Response, records: list[str]):
        for record in records:
            yield from self._follow_report_links(response, record)

    # --- the xxgk platform -----------------------------------------------------------------

    def parse_tree(self, response: Response):
        xxgk = self.site.hanweb.xxgk
        for code in dict.fromkeys(_UNIT.findall(response.text)):
            if xxgk.annual_report_endpoint:
                for year in range(xxgk.first_year, self.last_year + 1):
                    yield scrapy.Request(
                        f"{self.base}/module/xxgk/xxgkAnnualReport.jsp?area={code}&fbtime={year}",
                        callback=self.parse_report_page, cb_kwargs={"title": ""})
            yield scrapy.FormRequest(
                f"{self.base}/module/xxgk/search.jsp?standardXxgk=1&infotypeId=ndbg&area={code}",
                formdata={"infotypeId": "ndbg", "area": code, "currpage": "1", "divid": "div4"},
                callback=self.parse_search, cb_kwargs={"code": code, "page": 1})

    def parse_search(self, response: Response, code: str, page: int):
        yield from self._follow_report_links(response, response.text)
        pages = re.search(r"共(\d+)页", response.text)
        if page == 1 and pages:
            for n in range(2, int(pages.group(1)) + 1):
                yield scrapy.FormRequest(
                    response.url, formdata={"infotypeId": "ndbg", "area": code,
                                            "currpage": str(n), "divid": "div4"},
                    callback=self.parse_search, cb_kwargs={"code": code, "page": n})

    def _follow_report_links(self, response: Response, text: str):
        """Links whose full title (the title attribute: link texts are cut with …) looks
        like a report."""
        for href, title in anchors(text):
            if is_report_title(title):
                yield response.follow(href, callback=self.parse_report_page,
                                      cb_kwargs={"title": title})

    # --- report pages and their files ---------------------------------------------------------

    def parse_report_page(self, response: Response, title: str = ""):
        known = response.meta.get("xxgk_known", False)
        answer = self.known_page_answer(response, title)
        if answer is not None:
            yield from answer
            return
        if response.status != 200 or not hasattr(response, "text"):
            return
        text = response.text
        if _NO_DATA in text and "ndbg_content" not in text:
            if known:  # the endpoint used to give a report for this unit and year
                yield self.document_item(response, REPORT_PAGE, title, gone=True)
            return
        self.crawler.stats.inc_value("xxgk/items/report_page")
        yield self.document_item(response, REPORT_PAGE, title)
        for link in re.findall(r"""(?:href|src)=['"]([^'"]+)['"]""", text):
            link = html.unescape(link)
            if link.startswith("/pdfjs/viewer"):
                link = parse_qs(urlsplit(link).query).get("file", [""])[0]
            if link and is_attachment_link(link):
                yield response.follow(link, callback=self.parse_file)
