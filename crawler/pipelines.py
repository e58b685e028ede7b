"""Item pipeline: each report page or report file a spider saw becomes a sighting in the
ledger, classified against what earlier runs saw at that URL (new, changed, unchanged,
moved, removed)."""

from __future__ import annotations

from crawler.ledger import Sighting


class DocumentPipeline:
    def __init__(self, crawler) -> None:  # type: ignore[no-untyped-def]
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):  # type: ignore[no-untyped-def]
        return cls(crawler)

    def process_item(self, item: dict) -> dict:
        spider = self.crawler.spider
        ledger = getattr(spider, "ledger", None)
        if ledger is None:
            return item
        if item.get("kind") == "relocated":
            change = ledger.relocated(spider.crawl_run_id, spider.site.key, item["url"],
                                      item["to"])
            if change:
                self.crawler.stats.inc_value(f"xxgk/documents/{change}")
            return item
        if item.get("kind") not in ("report_page", "file"):
            return item
        change = ledger.see(spider.crawl_run_id, spider.site.key, Sighting(
            url=item["url"], kind=item["kind"], title=item.get("title"),
            status=item["status"], capture_id=item.get("capture_id"),
            digest=item.get("digest"), gone=item.get("gone", False),
            redirected_from=tuple(item.get("redirected_from", ()))))
        if change:
            self.crawler.stats.inc_value(f"xxgk/documents/{change}")
        item["change"] = change
        return item
