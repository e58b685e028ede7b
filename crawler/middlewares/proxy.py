"""Send every request through the configured forward proxy (``XXGK_PROXY``), e.g. the
portal simulator, without touching the process environment."""

from __future__ import annotations

from scrapy import Request


class ForwardProxyMiddleware:
    def __init__(self, proxy: str | None) -> None:
        self.proxy = proxy

    @classmethod
    def from_crawler(cls, crawler):  # type: ignore[no-untyped-def]
        return cls(crawler.settings.get("XXGK_PROXY"))

    def process_request(self, request: Request) -> None:
        if self.proxy and "proxy" not in request.meta:
            request.meta["proxy"] = self.proxy
