"""Fallback spider for portals of other CMS families (TRS WCM, 开普云/Ucap, unknown ones).

Without a CMS's APIs, reports are found by following links, best first: links whose text
looks like a report, then links that lead into the disclosure area (信息公开, 年报, gknb,
xxgk, list pages and their pagers), and other links only near the home page. A page is a
report when its own title says so and it is a detail page (CMS body markers or an article
URL); its attachments and images are fetched. Everything stays within the registry's hosts,
and the trap guard bounds what is left.
"""

from __future__ import annotations

import html
import re
from urllib.parse import urlsplit

import scrapy
from scrapy.http import Response

from crawler.registry import Site
from crawler.reports import anchors, is_attachment_link, is_report_title
from crawler.spiders.base import REPORT_PAGE, ArchiveSpider

_SRC = re.compile(r"""(?:src|href|oldsrc)\s*=\s*['"]([^'"]+)['"]""", re.I)
_TAGS = re.compile(r"<[^>]+>")
# Detail pages: CMS body markers, or URLs shaped like articles.
_DETAIL = re.compile(r'class="TRS_Editor"|<ucapcontent|id="zoom"|name="ArticleTitle"', re.I)
_ARTICLE_URL = re.compile(r"/t\d{8}_\d+\.s?html?$|/art_\d+_\d+\.html$|/[0-9a-f]{32}\.s?html?$")
_PAGE_TITLES = (
    re.compile(r'<meta\s+name="ArticleTitle"\s+content="([^"]*)"', re.I),
    re.compile(r"<ucaptitle>(.*?)</ucaptitle>", re.S | re.I),
    re.compile(r"<h1[^>]*>(.*?)</h1>", re.S | re.I),
    re.compile(r"<title>(.*?)</title>", re.S | re.I),
)
# Where the disclosure area and its lists are.
_NAVIGATION = re.compile(r"信息公开|公开年报|年度报告|年报|公开目录|下一页|尾页|末页|更多")
_NAVIGATION_URL = re.compile(r"xxgk|gknb|ndbg|zfxxgk|/index_\d+\.s?html?$|_\d+\.shtml$", re.I)
_TRS_PAGES = re.compile(r"createPageHTML\(\s*(\d+)\s*,\s*(\d+)\s*,\s*['\"](\w+)['\"]\s*,"
                        r"\s*['\"](\w+)['\"]|var\s+countPage\s*=\s*(\d+)")
_TRS_CURRENT = re.compile(r"var\s+currentPage\s*=\s*(\d+)")  # 0 for index.html
# A list's own pager in the markup (共12页 … <span class="current">3</span>): Ucap and others.
_PAGE_COUNT = re.compile(r"共\s*(\d+)\s*页")
_PAGE_CURRENT = re.compile(r'class="(?:current|curr|cur|active)"[^>]*>\s*(\d+)\s*<')
_LIST_STEM = re.compile(r"^(.*/)([^/_]+?)(?:_(\d+))?\.s?html?$")  # …/gknb_2.shtml: gknb
_SKIP = ("javascript:", "mailto:", "tel:", "#")

REPORT, NAVIGATION, OTHER = 30, 20, 0  # request priorities


def page_title(text: str) -> str:
    for pattern in _PAGE_TITLES:
        match = pattern.search(text)
        if match:
            title = html.unescape(_TAGS.sub("", match.group(1))).strip()
            if title:
                return title
    return ""


def is_detail_page(url: str, text: str) -> bool:
    return bool(_DETAIL.search(text) or _ARTICLE_URL.search(urlsplit(url).path))


class GenericSpider(ArchiveSpider):
    name = "generic"

    def __init__(self, site: Site, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(site, *args, **kwargs)
        self.explore_depth = 1  # links that look like nothing are followed from the home only

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):  # type: ignore[no-untyped-def]
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.explore_depth = crawler.settings.getint("XXGK_GENERIC_EXPLORE_DEPTH", 1)
        return spider

    async def start(self):
        for url in (self.site.home, *self.site.entry_points):
            yield scrapy.Request(url, callback=self.parse_page, priority=NAVIGATION,
                                 cb_kwargs={"title": ""})
        for request in self.known_documents():
            yield request

    # --- pages ------------------------------------------------------------------------------

    def parse_report_page(self, response: Response, title: str = ""):  # type: ignore[no-untyped-def]
        """Known report pages come back here (see ArchiveSpider.known_documents)."""
        yield from self.parse_page(response, title)

    def parse_page(self, response: Response, title: str = ""):  # type: ignore[no-untyped-def]
        known = response.meta.get("xxgk_known", False)
        items, text = self.page_or_answer(response, title)
        yield from items
        if text is None:
            return
        own_title = page_title(text)
        if is_report_title(own_title) and is_detail_page(response.url, text):
            self.crawler.stats.inc_value("xxgk/items/report_page")
            yield self.document_item(response, REPORT_PAGE, own_title)
            yield from self._files(response, text)
            return
        if known:  # a report page that no longer is one
            yield self.document_item(response, REPORT_PAGE, title, gone=True)
            return
        yield from self._pages(response, text)
        yield from self._links(response, text)

    def _files(self, response: Response, text: str):  # type: ignore[no-untyped-def]
        for link in _SRC.findall(text):
            link = html.unescape(link).strip()
            if link and not link.startswith(_SKIP) and is_attachment_link(link):
                yield response.follow(link, callback=self.parse_file, priority=REPORT)

    def _pages(self, response: Response, text: str):  # type: ignore[no-untyped-def]
        """TRS list pages say how many pages there are only in script: index_1.html ...
        Each list page read is counted against that number (``crawler.listings``): a page
        that failed or answered without its pager leaves the list short, and the run says so."""
        match = _TRS_PAGES.search(text)
        if not match:
            self._count_plain_pager(response, text)
            return
        if match.group(5):  # var countPage = N (and var currentPage = i, from 0)
            current_at = _TRS_CURRENT.search(text)
            count, stem, ext = int(match.group(5)), "index", "html"
            current = int(current_at.group(1)) if current_at else 0
        else:
            count, current = int(match.group(1)), int(match.group(2))
            stem, ext = match.group(3), match.group(4)
        self._count_list_page(response, count, current + 1, stem, ext)
        if current != 0:
            return
        for n in range(1, count):
            yield response.follow(f"{stem}_{n}.{ext}", callback=self.parse_page,
                                  priority=NAVIGATION, cb_kwargs={"title": ""})

    def _count_plain_pager(self, response: Response, text: str) -> None:
        """A list whose pager is markup (共12页, the current page marked): counted too."""
        count, current = _PAGE_COUNT.search(text), _PAGE_CURRENT.search(text)
        path = urlsplit(response.url).path
        named = _LIST_STEM.match(path)
        if count and current and named:
            self._count_list_page(response, int(count.group(1)), int(current.group(1)),
                                  named.group(2), path.rsplit(".", 1)[1])

    def _count_list_page(self, response: Response, count: int, number: int, stem: str,
                         extension: str) -> None:
        """Page ``number`` (from 1) of a list that says it has ``count`` pages; the list is
        named by its first page (``stem.extension`` in the page's directory, which is what a
        bare directory URL answers)."""
        parts = urlsplit(response.url)
        if count < 1:
            return
        first = f"{parts.scheme}://{parts.netloc}{parts.path.rsplit('/', 1)[0]}/{stem}.{extension}"
        self.listings.expect(f"list {first}", first, count, unit="pages")
        self.listings.saw(f"list {first}", str(number))

    def _links(self, response: Response, text: str):  # type: ignore[no-untyped-def]
        depth = response.meta.get("depth", 0)
        for href, label in anchors(text):
            link = href.strip()
            if not link or link.lower().startswith(_SKIP):
                continue
            if not self.site.in_scope(urlsplit(response.urljoin(link)).hostname):
                continue  # the portal's links to gov.cn and friends are not ours to crawl
            if is_report_title(label):
                if is_attachment_link(link):  # a report published as a bare file
                    yield response.follow(link, callback=self.parse_file, priority=REPORT)
                else:
                    yield response.follow(link, callback=self.parse_page, priority=REPORT,
                                          cb_kwargs={"title": label})
            elif is_attachment_link(link):
                continue  # files are fetched from report pages only
            elif _NAVIGATION.search(label) or _NAVIGATION_URL.search(link):
                yield response.follow(link, callback=self.parse_page, priority=NAVIGATION,
                                      cb_kwargs={"title": ""})
            elif depth < self.explore_depth:
                yield response.follow(link, callback=self.parse_page, priority=OTHER,
                                      cb_kwargs={"title": ""})
