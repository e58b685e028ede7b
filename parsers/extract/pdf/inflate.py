"""Refuse a PDF whose compressed streams inflate past a limit, before a reader opens it.

Neither PDFium nor pdfminer can be told a maximum decompressed size: PDFium inflates a
page's content stream whole when the page is loaded (and aborts the process when that
allocation fails), pdfminer calls ``zlib.decompress`` on it. A content stream of 1 GB of
NULs is 1 MB of PDF. So every Flate stream is inflated here first, a megabyte at a time
and without keeping the output, and the PDF is refused at the first one past
``Limits.max_pdf_stream_bytes``: about 3 ms for a 300 KB report, since inflating is what
the readers do anyway. Streams that are not zlib data (JPEG, other filters, encrypted
ones) fail at their first bytes and are left to the readers, behind the parser process's
memory limit (``parsers.sandbox``).
"""

from __future__ import annotations

import re
import zlib

from parsers.document import ExtractionError
from parsers.extract.limits import Limits, human_size

_STREAM = re.compile(rb"stream\r?\n")  # "endstream" too: skipped below (a look-behind is 30x slower)
_PIECE = 64 * 1024  # compressed bytes at a time: a bomb's 64 KB inflate to ~64 MB
_STEP = 1024 * 1024  # inflated bytes at a time


def inflated_size(data: memoryview, limit: int) -> int:
    """Bytes the zlib stream at the start of ``data`` inflates to, counted up to just past
    ``limit``; -1 if it is not zlib data."""
    inflater = zlib.decompressobj()
    total = 0
    try:
        for start in range(0, len(data), _PIECE):
            tail: bytes | memoryview = data[start:start + _PIECE]
            while tail and total <= limit:
                total += len(inflater.decompress(tail, _STEP))
                tail = inflater.unconsumed_tail
            if inflater.eof or total > limit:
                break
    except zlib.error:
        return -1 if total == 0 else total  # damaged after a while: what it gave so far
    return total


def check_streams(data: bytes, limits: Limits) -> None:
    """ExtractionError (``too_large``) at the first stream inflating past the limit."""
    view = memoryview(data)
    for match in _STREAM.finditer(data):
        if data[match.start() - 3:match.start()] == b"end":
            continue
        size = inflated_size(view[match.end():], limits.max_pdf_stream_bytes)
        if size > limits.max_pdf_stream_bytes:
            raise ExtractionError(
                f"PDF decompression bomb: a stream at byte {match.start()} inflates to more "
                f"than {human_size(limits.max_pdf_stream_bytes)} (limit for one stream)",
                "too_large")
