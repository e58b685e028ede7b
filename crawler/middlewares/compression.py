"""Scrapy's HttpCompressionMiddleware without a charset guess on compressed bytes.

Scrapy 2.19 builds the decompressed response with ``Response.replace``, which reads every
attribute of the old response first, ``encoding`` included; for a TextResponse whose
Content-Type names no charset (most county portals: the charset is in ``<meta>`` or
nowhere) that decodes the *compressed* body, finds neither ASCII nor UTF-8 and hands the
gzip bytes to charset-normalizer. The answer is thrown away (the new response works its own
encoding out from the decompressed body), yet it was the largest single cost of a worker's
reactor thread after Redis (a tenth of it at 150 portals). Here the compressed response is
handed to Scrapy's middleware as a plain ``Response``, which has no encoding to read; the
response it returns is what Scrapy makes of the decompressed body, as before.
"""

from __future__ import annotations

from scrapy import Request
from scrapy.downloadermiddlewares.httpcompression import HttpCompressionMiddleware
from scrapy.http import Response, TextResponse


class CompressionMiddleware(HttpCompressionMiddleware):
    def process_response(self, request: Request, response: Response,  # type: ignore[override]
                         spider: object = None) -> Request | Response:
        if not (isinstance(response, TextResponse) and response.headers.get("Content-Encoding")):
            return super().process_response(request, response)
        plain = Response(**{name: getattr(response, name) for name in Response.attributes})
        decoded = super().process_response(request, plain)
        return response if decoded is plain else decoded
