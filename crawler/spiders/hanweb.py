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
from crawler.spiders.hanweb_pager import Pager, column_pager

_RECORD = re.compile(r"<record><!\[CDATA\[(.*?)\]\]></record>", re.DOTALL)
_TOTAL_XML = re.compile(r"<totalrecord>\s*(\d+)\s*</totalrecord>", re.IGNORECASE)
_UNIT = re.compile(r"vc_xxgkarea=([0-9A-Z]{18})")
_NO_DATA = "暂无数据"


class HanwebSpider(ArchiveSpider):
    name = "hanweb"

    def __init__(self, site: Site, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        if site.hanweb is None:
            raise ValueError(f"site {site.key} is not a Hanweb site")
        super().__init__(site, *args, **kwargs)
        self.base = site.home.rstrip("/")
        self.pagers: dict[int, Pager] = {}

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
        """The column's first records (embedded), then the rest through the pager the page
        itself advertises; every record counted against the total the page states."""
        text = response.text
        key = f"column {column}"
        pager = column_pager(text, column, self.site.hanweb.dataproxy,
                             str(self.site.hanweb.webid))
        self.listings.expect(key, response.url, pager.total)
        yield from self._records(response, _RECORD.findall(text), key)
        self.pagers[column] = pager
        for start in range(pager.first_load + 1, pager.total + 1, pager.group):
            yield from self._range_requests(pager, start, min(start + pager.group - 1,
                                                                pager.total))

    def _range_requests(self, pager: Pager, start: int, end: int):
        """Records ``start``..``end`` of a column in the pager's current form: one POST
        (startrecord/endrecord) or the GET pages that cover them."""
        path, form = pager.plans[pager.plan]
        url = f"{self.base}{path}"
        meta = {"column": pager.column, "start": start, "end": end, "plan": pager.plan}
        if form == "post":
            query = urlencode({"startrecord": start, "endrecord": end,
                               "perpage": pager.per_page})
            yield scrapy.FormRequest(f"{url}?{query}", formdata=pager.params(form),
                                     callback=self.parse_dataproxy, errback=self.refused,
                                     cb_kwargs=meta, dont_filter=True)
            return
        first, last = (start - 1) // pager.per_page + 1, (end - 1) // pager.per_page + 1
        for page in range(first, last + 1):
            query = urlencode({"page": page, **pager.params(form)})
            page_range = {**meta, "start": (page - 1) * pager.per_page + 1,
                          "end": min(page * pager.per_page, end)}
            yield scrapy.Request(f"{url}?{query}", callback=self.parse_dataproxy,
                                 errback=self.refused, cb_kwargs=page_range, dont_filter=True)

    def parse_dataproxy(self, response: Response, column: int, start: int, end: int,
                        plan: int):
        key = f"column {column}"
        total = _TOTAL_XML.search(response.text)
        if total:
            self.listings.expect(key, "", int(total.group(1)))
        records = _RECORD.findall(response.text)
        if not records:
            # A page of nothing before the advertised end: this form is refused (or the
            # portal cut its listing): the next form is tried, and the tally will tell.
            yield from self._fall_back(column, start, end, plan,
                                       f"no records at {start}-{end} ({response.url})")
            return
        yield from self._records(response, records, key)

    def refused(self, failure):  # type: ignore[no-untyped-def]
        """An errback: the pager's request failed (404/405/500, network): the next form."""
        request = failure.request
        kwargs = request.cb_kwargs
        status = getattr(getattr(failure.value, "response", None), "status", None)
        why = f"http {status}" if status else type(failure.value).__name__
        yield from self._fall_back(kwargs["column"], kwargs["start"], kwargs["end"],
                                   kwargs["plan"], f"{why} from {request.method} {request.url}")

    def _fall_back(self, column: int, start: int, end: int, plan: int, why: str):
        pager = self.pagers[column]
        key = f"column {column}"
        self.listings.note(key, why)
        if pager.plan == plan:  # the first to find this form refused moves the column on
            pager.plan += 1
        if pager.plan < len(pager.plans):
            self.crawler.stats.inc_value("xxgk/pager/fallback")
            yield from self._range_requests(pager, start, end)
        else:
            self.listings.note(key, "every pager form was refused or empty")

    def _records(self, response: Response, records: list[str], key: str | None = None):
        for record in records:
            if key is not None:
                links = [href for href, _ in anchors(record)]
                self.listings.saw(key, response.urljoin(links[0]) if links else record.strip())
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
