"""What every xxgk spider shares: the run it belongs to, and the documents it must revisit.

Known report URLs from earlier runs are asked for again on every run: no listing links to a
report that was taken down, so this is the only way a removal (404) or a move (301) is seen.
"""

from __future__ import annotations

from datetime import date

import scrapy
from scrapy.http import Response

from crawler.listings import ListingTally
from crawler.registry import Site
from crawler.reports import anchors, is_report_title

REPORT_PAGE, FILE = "report_page", "file"
_REDIRECTS = (301, 302, 303, 307, 308)


class ArchiveSpider(scrapy.Spider):
    """A spider bound to one registry site, one Archive and one crawl run."""

    # The registry mapping a site must have for this spider (``hanweb``, ``jpaas``), if any.
    site_mapping: str | None = None

    def __init__(self, site: Site, *args, archive=None, ledger=None,  # type: ignore[no-untyped-def]
                 crawl_run_id: int | None = None, resuming: bool = False,
                 last_year: int | None = None, **kwargs) -> None:
        if self.site_mapping and getattr(site, self.site_mapping, None) is None:
            raise ValueError(f"site {site.key} is not a {self.site_mapping} site")
        super().__init__(*args, **kwargs)
        self.site = site
        self.base = site.home.rstrip("/")
        self.archive = archive
        self.ledger = ledger
        self.crawl_run_id = crawl_run_id
        self.resuming = resuming
        self.allowed_domains = list(site.hosts)
        self.last_year = last_year or date.today().year - 1
        # What each listing says it holds against what was read of it (crawler.listings).
        self.listings = ListingTally()

    def known_documents(self):  # type: ignore[no-untyped-def]
        """Requests for every document earlier runs found (after the entry points)."""
        if self.ledger is None:
            return
        for url, kind, title in self.ledger.known_documents(self.site.key):
            callback = self.parse_report_page if kind == REPORT_PAGE else self.parse_file
            kwargs = {"title": title or ""} if kind == REPORT_PAGE else {}
            # Redirects come to the callback (relocated): the target may already have been
            # found through a listing, and the duplicate filter would drop a followed one.
            yield scrapy.Request(url, callback=callback, cb_kwargs=kwargs, priority=-1,
                                 meta={"xxgk_known": True, "dont_redirect": True,
                                       "handle_httpstatus_all": True})

    def relocated(self, response: Response, callback, **cb_kwargs):  # type: ignore[no-untyped-def]
        """A known document that answers with a redirect: record the move, follow it."""
        location = response.headers.get(b"Location")
        if response.status not in _REDIRECTS or not location:
            return
        target = response.urljoin(location.decode("latin-1"))
        yield {"kind": "relocated", "url": response.url, "to": target,
               "status": response.status}
        yield scrapy.Request(target, callback=callback, cb_kwargs=cb_kwargs)

    def document_item(self, response: Response, kind: str, title: str | None = None, *,
                      gone: bool = False) -> dict:
        """The item the document pipeline turns into a sighting of this URL."""
        meta = response.meta
        return {
            "kind": kind, "url": response.url, "title": title or None,
            "status": response.status, "gone": gone,
            "capture_id": meta.get("xxgk_capture_id"), "digest": meta.get("xxgk_digest"),
            "redirected_from": tuple(meta.get("redirect_urls", ())),
            "content_type": (response.headers.get(b"Content-Type") or b"").decode("latin-1"),
        }

    def known_page_answer(self, response: Response, title: str) -> list | None:
        """What a known report page's redirect (moved) or 404/410 (removed) means; None when
        the response is neither, or the page was not known from earlier runs."""
        if not response.meta.get("xxgk_known"):
            return None
        if 300 <= response.status < 400:
            return list(self.relocated(response, self.parse_report_page, title=title))
        if response.status in (404, 410):
            return [self.document_item(response, REPORT_PAGE, title)]
        return None

    def follow_reports(self, response: Response, text: str):  # type: ignore[no-untyped-def]
        """Links whose full title (the title attribute: list pages cut link texts with …)
        looks like a report, to ``parse_report_page``."""
        for href, title in anchors(text):
            if is_report_title(title):
                yield response.follow(href, callback=self.parse_report_page,
                                      cb_kwargs={"title": title})

    def page_or_answer(self, response: Response, title: str) -> tuple[list, str | None]:
        """What every report-page callback starts with: (the items a known page's move or
        removal means, None), or ([], the page's text), or ([], None) for no usable page."""
        answer = self.known_page_answer(response, title)
        if answer is not None:
            return answer, None
        if response.status != 200 or not hasattr(response, "text"):
            return [], None
        return [], response.text

    def parse_report_page(self, response: Response, title: str = ""):  # type: ignore[no-untyped-def]
        raise NotImplementedError

    def parse_file(self, response: Response):  # type: ignore[no-untyped-def]
        known = response.meta.get("xxgk_known")
        if 300 <= response.status < 400 and known:
            yield from self.relocated(response, self.parse_file)
            return
        if response.status != 200 and not (response.status in (404, 410) and known):
            return
        self.crawler.stats.inc_value("xxgk/items/file")
        yield self.document_item(response, FILE)
