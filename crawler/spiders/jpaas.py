"""Spider for Hanweb "jpaas" portals (大汉's newer platform, e.g. the Yantai counties).

A jpaas column page is an empty shell: its records come from the publish server's list API
(PORTALS.md) as JSON around an HTML fragment, ``PAGE_SIZE`` records a page, with
``<div class="pagination" count="N">`` stating the column's total. The API refuses bare
requests (403), so it is asked as the column page's own script asks it: from the column
page (the Referer) with ``X-Requested-With: XMLHttpRequest``, under the crawl's
User-Agent (``Mozilla/5.0 (compatible; xxgk-archive...)``: a browser's form, our contact in
it). Every page of every annual-report column is asked for and every record counted against
the count (``crawler.listings``): a page refused or unreadable is a recorded failure and
leaves the listing short, never an empty column that passes. Report links lead to article
pages (JCMS-shaped) and their files.
"""

from __future__ import annotations

import json
import re
from urllib.parse import urlencode

import scrapy
from scrapy.http import Response

from crawler.middlewares.failures import record
from crawler.registry import JpaasSite
from crawler.reports import anchors, attachment_links, is_report_title
from crawler.spiders.base import REPORT_PAGE, ArchiveSpider

UNIT_API = "/api-gateway/jpaas-publish-server/front/page/build/unit"
PAGE_SIZE = 30  # records per API page, as the platform's pages ask
_PAGINATION = re.compile(r"""<div[^>]*class=['"]pagination['"][^>]*>.*?</div>""", re.IGNORECASE | re.DOTALL)
_COUNT = re.compile(r"""\bcount\s*=\s*['"]?(\d+)""", re.IGNORECASE)
_XHR = {"X-Requested-With": "XMLHttpRequest",
        "Accept": "application/json, text/javascript, */*; q=0.01"}
_SKIP = ("javascript:", "#")


def unit_url(base: str, jpaas: JpaasSite, column: int, page_no: int) -> str:
    """The list API's URL for one page of a column (its ``pageId`` is the column id)."""
    paging = json.dumps({"pageNo": page_no, "pageSize": PAGE_SIZE}, separators=(",", ":"))
    query = {"parseType": "bulidstatic",  # sic: the platform's own spelling
             "webId": jpaas.webid, "tplSetId": jpaas.tplsetid, "pageType": "column",
             "tagId": jpaas.tagid, "pageId": column, "paramJson": paging}
    return f"{base}{UNIT_API}?{urlencode(query)}"


def unit_html(response: Response) -> tuple[str | None, str]:
    """The list fragment of an API answer, or None and why there is none."""
    try:
        answer = json.loads(response.text)
    except (AttributeError, ValueError):
        start = (getattr(response, "text", "") or "")[:80].replace("\n", " ")
        return None, f"not JSON ({start!r})"
    if not isinstance(answer, dict):
        return None, f"not a JSON object ({type(answer).__name__})"
    data = answer.get("data")
    html = data.get("html") if isinstance(data, dict) else None
    if not answer.get("success") or not isinstance(html, str):
        return None, f"no list (success={answer.get('success')!r}, {answer.get('message')!r})"
    return html, ""


class JpaasSpider(ArchiveSpider):
    name = "jpaas"
    site_mapping = "jpaas"

    async def start(self):
        yield scrapy.Request(self.site.home, callback=self.parse_home)
        for column in self.site.jpaas.annual_report_columns:
            yield scrapy.Request(f"{self.base}/col/col{column}/index.html",
                                 callback=self.parse_column, errback=self.column_failed,
                                 cb_kwargs={"column": column})
        for request in self.known_documents():
            yield request

    def parse_home(self, response: Response):
        if response.status == 200 and hasattr(response, "text"):
            yield from self.follow_reports(response, response.text)

    # --- columns -----------------------------------------------------------------------------

    def parse_column(self, response: Response, column: int):
        """The shell holds no record (whatever it answered): the API is asked from it."""
        yield self._unit_request(column, response.url, 1)

    def column_failed(self, failure):  # type: ignore[no-untyped-def]
        """No shell (recorded by the failure middleware): the API is asked all the same, from
        the page a browser would be on."""
        request = failure.request
        yield self._unit_request(request.cb_kwargs["column"], request.url, 1)

    def _unit_request(self, column: int, page: str, page_no: int) -> scrapy.Request:
        return scrapy.Request(unit_url(self.base, self.site.jpaas, column, page_no),
                              callback=self.parse_unit, errback=self.unit_failed,
                              headers={**_XHR, "Referer": page},
                              cb_kwargs={"column": column, "page": page, "page_no": page_no})

    def parse_unit(self, response: Response, column: int, page: str, page_no: int):
        """One page of a column's list: its records counted and followed; the count says how
        many pages there are (page 1 asks for the others)."""
        key = f"column {column}"
        if response.status != 200:  # the failure middleware has recorded it
            self._short(key, page, page_no, f"page {page_no}: HTTP {response.status} from "
                                            f"{response.url}")
            return
        html, why = unit_html(response)
        if html is None:
            self._unreadable(response, key, page, page_no, why)
            return
        pagination = _PAGINATION.search(html)
        count = _COUNT.search(pagination.group(0)) if pagination else None
        # First: the listing is the column page's (what its failure row names).
        self.listings.expect(key, page, int(count.group(1)) if count else 0)
        records = [(href, title) for href, title in anchors(_PAGINATION.sub("", html))
                   if not href.strip().lower().startswith(_SKIP)]
        for href, title in records:
            url = response.urljoin(href)
            self.listings.saw(key, url)
            if is_report_title(title):
                yield response.follow(url, callback=self.parse_report_page,
                                      cb_kwargs={"title": title})
        if count is None:
            self._unreadable(response, key, page, page_no, "no pagination count")
            return
        total = int(count.group(1))
        wanted = min(PAGE_SIZE, total - (page_no - 1) * PAGE_SIZE)
        if len(records) < wanted:  # refused or cut short: the tally at the end will tell
            self.listings.note(key, f"page {page_no}: {len(records)} of {wanted} records "
                                    f"({response.url})")
        if page_no == 1:
            for n in range(2, -(-total // PAGE_SIZE) + 1):
                yield self._unit_request(column, page, n)

    def unit_failed(self, failure) -> None:  # type: ignore[no-untyped-def]
        """An errback: no answer at all (recorded by the failure middleware)."""
        kwargs = failure.request.cb_kwargs
        self._short(f"column {kwargs['column']}", kwargs["page"], kwargs["page_no"],
                    f"page {kwargs['page_no']}: {type(failure.value).__name__} from "
                    f"{failure.request.url}")

    def _unreadable(self, response: Response, key: str, page: str, page_no: int,
                    why: str) -> None:
        """A 200 that is not the list (a WAF page, an error JSON): a failure of its own,
        since no middleware sees anything wrong with it."""
        record(self.crawler, response.request, "parse", f"jpaas list API: {why}",
               response.status)
        self._short(key, page, page_no, f"page {page_no}: {why} ({response.url})")

    def _short(self, key: str, page: str, page_no: int, why: str) -> None:
        """A page not read. Past page 1 the column's count is known and the tally will come
        short by itself; without page 1 the size is unknown, and the listing is made to
        expect one record more than was read, so that it reads short rather than empty."""
        self.listings.expect(key, page, self.listings.read(key) + 1 if page_no == 1 else 0)
        self.listings.note(key, why)

    # --- report pages ------------------------------------------------------------------------

    def parse_report_page(self, response: Response, title: str = ""):
        items, text = self.page_or_answer(response, title)
        yield from items
        if text is None:
            return
        self.crawler.stats.inc_value("xxgk/items/report_page")
        yield self.document_item(response, REPORT_PAGE, title)
        for link in attachment_links(text):
            yield response.follow(link, callback=self.parse_file)
