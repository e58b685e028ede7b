"""The compression middleware: Scrapy's answers, without a charset guess on gzip bytes."""

from __future__ import annotations

import gzip

import pytest
import scrapy.http.response.text as text_module
from scrapy import Request
from scrapy.http import HtmlResponse, Response, TextResponse
from scrapy.utils.test import get_crawler

from crawler.middlewares.compression import CompressionMiddleware

PAGE = ('<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">'
        '</head><body><h1>嘉祥县2023年政府信息公开工作年度报告</h1></body></html>')


@pytest.fixture
def middleware() -> CompressionMiddleware:
    return CompressionMiddleware.from_crawler(get_crawler())


def _gzipped(body: bytes, content_type: bytes = b"text/html") -> HtmlResponse:
    return HtmlResponse("http://www.jiaxiang.gov.cn/art/1.html", body=gzip.compress(body),
                        headers={"Content-Type": content_type, "Content-Encoding": "gzip"})


def test_a_gzipped_page_without_a_charset_header_is_never_guessed_at(middleware, monkeypatch):
    def no_guess(data: bytes):  # what Scrapy calls when neither ASCII nor UTF-8 decodes
        raise AssertionError(f"charset guessed on {len(data)} bytes")

    monkeypatch.setattr(text_module, "from_bytes", no_guess)
    request = Request("http://www.jiaxiang.gov.cn/art/1.html")
    got = middleware.process_response(request, _gzipped(PAGE.encode("gbk")))
    assert isinstance(got, HtmlResponse)
    assert got.encoding == "gb18030"  # from <meta>, on the decompressed body
    assert "年度报告" in got.text
    assert "Content-Encoding" not in got.headers


def test_other_responses_are_scrapys(middleware):
    request = Request("http://www.jiaxiang.gov.cn/a.pdf")
    body = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n\x00\x01"
    pdf = Response(request.url, body=gzip.compress(body),
                   headers={"Content-Type": "application/pdf", "Content-Encoding": "gzip"})
    got = middleware.process_response(request, pdf)
    assert got.body == body and not isinstance(got, TextResponse)
    plain = HtmlResponse(request.url, body=b"<p>x</p>", headers={"Content-Type": "text/html"})
    assert middleware.process_response(request, plain) is plain
    # An encoding Scrapy cannot undo: the body as it came.
    odd = HtmlResponse(request.url, body=b"\x00\x01", headers={
        "Content-Type": "text/html", "Content-Encoding": "x-unknown"})
    got = middleware.process_response(request, odd)
    assert got.body == b"\x00\x01"
