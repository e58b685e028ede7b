"""Spider for Hanweb (大汉) JCMS portals, driven by a registry entry.

Where reports are (PORTALS.md): the annual-report columns (records embedded in the column
page's <datastore>, more behind dataproxy.jsp in its POST or GET form), and the xxgk
platform: tree.jsp lists the units, xxgkAnnualReport.jsp gives each unit's report per year,
search.jsp lists a unit's reports. Report pages lead to attachments and table images.
"""

from __future__ import annotations

import re
from dataclasses import asdict
from urllib.parse import parse_qs, urlsplit

import scrapy
from scrapy.http import Response

from crawler.registry import Site
from crawler.reports import anchors, attachment_links
from crawler.spiders.base import REPORT_PAGE, ArchiveSpider
from crawler.spiders.hanweb_pager import Pager, asks, column_pager

_RECORD = re.compile(r"<record><!\[CDATA\[(.*?)\]\]></record>", re.DOTALL)
_TOTAL_XML = re.compile(r"<totalrecord>\s*(\d+)\s*</totalrecord>", re.IGNORECASE)
_UNIT = re.compile(r"vc_xxgkarea=([0-9A-Z]{18})")
_NO_DATA = "暂无数据"
_PAGER = "xxgk_pager"  # request meta: the column's pager, as a dict (any worker can fall back)
# The xxgk platform's listings, as the completeness tally names them (crawler/listings.py).
_ENDPOINT, _SEARCH = "xxgk annual-report endpoint (unit-years)", "xxgk search"


class HanwebSpider(ArchiveSpider):
    name = "hanweb"

    site_mapping = "hanweb"

    def __init__(self, site: Site, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(site, *args, **kwargs)
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
        yield from self.follow_reports(response, response.text)

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
        """Records ``start``..``end`` of a column in the pager's current form."""
        for ask in asks(pager, pager.plan, start, end):
            meta = {"column": pager.column, "start": ask.start, "end": ask.end,
                    "plan": pager.plan}
            url = f"{self.base}{ask.target}"
            # The pager travels with its requests: in a distributed crawl another worker, whose
            # spider never read the column page, may be the one to fall back to the next form.
            carried = {_PAGER: asdict(pager)}
            if ask.formdata is None:
                yield scrapy.Request(url, callback=self.parse_dataproxy, errback=self.refused,
                                     cb_kwargs=meta, meta=carried, dont_filter=True)
            else:
                yield scrapy.FormRequest(url, formdata=ask.formdata,
                                         callback=self.parse_dataproxy, errback=self.refused,
                                         cb_kwargs=meta, meta=carried, dont_filter=True)

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
                                       f"no records at {start}-{end} ({response.url})",
                                       response.meta.get(_PAGER))
            return
        yield from self._records(response, records, key)

    def refused(self, failure):  # type: ignore[no-untyped-def]
        """An errback: the pager's request failed (404/405/500, network): the next form."""
        request = failure.request
        kwargs = request.cb_kwargs
        yield from self._fall_back(kwargs["column"], kwargs["start"], kwargs["end"],
                                   kwargs["plan"], f"{_what_failed(failure)} from "
                                                   f"{request.method} {request.url}",
                                   request.meta.get(_PAGER))

    def _fall_back(self, column: int, start: int, end: int, plan: int, why: str,
                   carried: dict | None = None):
        pager = self.pagers.get(column)
        if pager is None and not carried:
            self.listings.note(f"column {column}", f"{why}; no pager to fall back with")
            return
        if pager is None:  # a distributed worker that did not read the column page
            fields = dict(carried)
            fields["plans"] = [tuple(p) for p in fields.get("plans", ())]
            pager = self.pagers[column] = Pager(**fields)
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
            yield from self.follow_reports(response, record)

    # --- the xxgk platform -----------------------------------------------------------------

    def parse_tree(self, response: Response):
        """Every unit tree.jsp lists is asked for its reports, each answer counted: a unit
        whose endpoint or search answered nothing usable leaves its listing short."""
        xxgk = self.site.hanweb.xxgk
        codes = list(dict.fromkeys(_UNIT.findall(response.text)))
        years = range(xxgk.first_year, self.last_year + 1) if xxgk.annual_report_endpoint else ()
        if years:
            self.listings.expect(_ENDPOINT, response.url, len(codes) * len(years))
        self.listings.expect(_SEARCH, response.url, len(codes))
        for code in codes:
            for year in years:
                yield scrapy.Request(
                    f"{self.base}/module/xxgk/xxgkAnnualReport.jsp?area={code}&fbtime={year}",
                    callback=self.parse_report_page, errback=self.platform_refused,
                    cb_kwargs={"title": ""}, meta={"xxgk_answer": (_ENDPOINT, f"{code}/{year}")})
            yield self._search_request(
                f"{self.base}/module/xxgk/search.jsp?standardXxgk=1&infotypeId=ndbg&area={code}",
                code, 1)

    def _search_request(self, url: str, code: str, page: int) -> scrapy.FormRequest:
        return scrapy.FormRequest(
            url, formdata={"infotypeId": "ndbg", "area": code, "currpage": str(page),
                           "divid": "div4"},
            callback=self.parse_search, errback=self.platform_refused,
            cb_kwargs={"code": code, "page": page},
            meta={"xxgk_answer": (_SEARCH if page == 1 else f"{_SEARCH} {code}",
                                  code if page == 1 else str(page))})

    def parse_search(self, response: Response, code: str, page: int):
        self.listings.saw(*response.meta["xxgk_answer"])
        yield from self.follow_reports(response, response.text)
        pages = re.search(r"共(\d+)页", response.text)
        if page == 1 and pages:
            self.listings.expect(f"{_SEARCH} {code}", response.url, int(pages.group(1)) - 1)
            for n in range(2, int(pages.group(1)) + 1):
                yield self._search_request(response.url, code, n)

    def platform_refused(self, failure):  # type: ignore[no-untyped-def]
        """An errback of the xxgk platform's requests: the failure is recorded (the failures
        middleware) and the listing it belongs to reads short, saying why."""
        request = failure.request
        key, _ = request.meta["xxgk_answer"]
        self.listings.note(key, f"{_what_failed(failure)} from {request.url}")
        return []

    # --- report pages and their files ---------------------------------------------------------

    def parse_report_page(self, response: Response, title: str = ""):
        known = response.meta.get("xxgk_known", False)
        items, text = self.page_or_answer(response, title)
        yield from items
        if text is None:
            return
        if urlsplit(response.url).path.endswith("/xxgkAnnualReport.jsp"):
            # The endpoint answered (maybe 暂无数据), asked from tree.jsp or linked by a search
            # result (the duplicate filter lets one of the two through).
            query = parse_qs(urlsplit(response.url).query)
            self.listings.saw(_ENDPOINT, f"{query.get('area', [''])[0]}/"
                                         f"{query.get('fbtime', [''])[0]}")
        if _NO_DATA in text and "ndbg_content" not in text:
            if known:  # the endpoint used to give a report for this unit and year
                yield self.document_item(response, REPORT_PAGE, title, gone=True)
            return
        self.crawler.stats.inc_value("xxgk/items/report_page")
        yield self.document_item(response, REPORT_PAGE, title)
        for link in attachment_links(text):
            yield response.follow(link, callback=self.parse_file)


def _what_failed(failure) -> str:  # type: ignore[no-untyped-def]
    """An errback's failure in a word: ``http 404`` for an answer, else the exception."""
    status = getattr(getattr(failure.value, "response", None), "status", None)
    return f"http {status}" if status else type(failure.value).__name__
