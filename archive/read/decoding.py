"""From the bytes a server sent to the bytes it meant, and from bytes to text.

The archive keeps bodies exactly as received (gzip, chunking and all); reading a page needs
them undone. Charsets: the HTTP header and ``<meta charset>`` are trusted first, because
charset-normalizer misreads short GBK text as Korean; GB2312 and GBK are read as their
superset GB18030, which portals that declare GB2312 actually write.

Decoding is incremental and capped (:func:`max_decoded_bytes`): the archive keeps whatever a
server sent, a gzip bomb included, and reading it back must cost bounded memory.
"""

from __future__ import annotations

import os
import re
import zlib

from archive.errors import BadSetting, DecodedTooLarge, Undecodable
from archive.read.reader import header_value

GB_FAMILY = {"gb2312", "gbk", "x-gbk", "gb_2312-80", "csgb2312", "cp936", "euc-cn", "gb18030"}
# What charset-normalizer answers for Chinese text it misreads.
CJK_MISREADS = {"cp949", "euc_kr", "euc-kr", "johab", "shift_jis", "cp932", "euc_jp", "big5"}
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_CHARSET = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9_.:-]+)", re.IGNORECASE)


def undo_transfer_encoding(body: bytes, headers: list[tuple[str, str]]) -> bytes:
    """De-chunk a body that still is chunked; one the client already de-chunked (while
    keeping the header) is returned as it is."""
    if "chunked" not in (header_value(headers, "Transfer-Encoding") or "").lower():
        return body
    out, position = bytearray(), 0
    while True:
        line_end = body.find(b"\r\n", position)
        if line_end < 0:
            return body
        try:
            size = int(body[position:line_end].split(b";")[0].strip(), 16)
        except ValueError:
            return body
        if size == 0:
            return bytes(out)
        start = line_end + 2
        if body[start + size:start + size + 2] != b"\r\n":
            return body
        out += body[start:start + size]
        position = start + size + 2


MB = 1024 * 1024
DEFAULT_MAX_DECODED = 100 * MB  # as the parsers' largest input (parsers/extract/limits.py)
MAX_DECODED_ENV = "XXGK_MAX_DECODED_MB"
_PIECE = 64 * 1024  # compressed bytes fed at a time: a piece of a bomb inflates to ~64 MB
_STEP = MB  # decoded bytes asked for at a time


def max_decoded_bytes() -> int:
    """The most a body may decode to (``$XXGK_MAX_DECODED_MB``, default 100 MB): a 2 KB
    gzip member can inflate to gigabytes, and whoever decodes (``archive get --decoded``,
    ``serve``, the indexer) must not follow it there."""
    text = os.environ.get(MAX_DECODED_ENV, "").strip()
    if not text:
        return DEFAULT_MAX_DECODED
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if value <= 0:
        raise BadSetting(f"{MAX_DECODED_ENV}={text!r}: give a positive number of megabytes")
    return int(value * MB)


class _Capped:
    """Decoded output that refuses to grow past ``limit`` bytes."""

    def __init__(self, coding: str, limit: int) -> None:
        self.coding = coding
        self.limit = limit
        self.out = bytearray()

    def add(self, data: bytes) -> None:
        self.out += data
        if len(self.out) > self.limit:
            raise DecodedTooLarge(
                f"the {self.coding} body decodes to more than {self.limit / MB:g} MB (the "
                f"limit, {MAX_DECODED_ENV}): a decompression bomb, or a body too large to "
                "decode here; the archived bytes themselves are intact")


def _inflate_zlib(data: bytes, wbits: int, capped: _Capped) -> None:
    inflater = zlib.decompressobj(wbits)
    for start in range(0, len(data), _PIECE):
        tail = data[start:start + _PIECE]
        while tail:
            capped.add(inflater.decompress(tail, _STEP))
            tail = inflater.unconsumed_tail
        if inflater.eof:
            break
    if not inflater.eof:  # as zlib.decompress: a cut-off body is not valid, not half a page
        raise zlib.error("incomplete or truncated stream")


def _inflate_brotli(data: bytes, capped: _Capped) -> None:
    try:
        import brotli  # type: ignore[import-not-found]
    except ImportError:
        raise Undecodable("the body is Brotli-compressed (br) and the brotli package is "
                          "not installed") from None
    decompressor = brotli.Decompressor()
    for start in range(0, len(data), _PIECE):
        capped.add(decompressor.process(data[start:start + _PIECE], output_buffer_limit=_STEP))
        while not decompressor.can_accept_more_data():
            capped.add(decompressor.process(b"", output_buffer_limit=_STEP))


def _inflate(data: bytes, coding: str, limit: int) -> bytes:
    """One coding undone, a megabyte at a time, refused past ``limit`` decoded bytes."""
    capped = _Capped(coding, limit)
    if coding in ("gzip", "x-gzip"):
        _inflate_zlib(data, 47, capped)  # gzip or zlib wrapper
    elif coding == "deflate":
        try:
            _inflate_zlib(data, 15, capped)
        except zlib.error:
            capped = _Capped(coding, limit)
            _inflate_zlib(data, -15, capped)  # servers that send raw deflate
    elif coding == "br":
        _inflate_brotli(data, capped)
    else:
        raise Undecodable(f"unknown Content-Encoding {coding!r}")
    return bytes(capped.out)


def undo_content_encoding(body: bytes, headers: list[tuple[str, str]],
                          limit: int | None = None) -> tuple[bytes, list[str]]:
    """The body with chunking and every Content-Encoding undone, and the codings undone.

    Decoding stops with :class:`DecodedTooLarge` once the result would pass ``limit``
    bytes (default :func:`max_decoded_bytes`), so memory stays bounded on any body."""
    limit = max_decoded_bytes() if limit is None else limit
    data = undo_transfer_encoding(body, headers)
    codings = [c.strip().lower() for c in (header_value(headers, "Content-Encoding") or "").split(",")]
    undone = []
    for coding in reversed([c for c in codings if c and c != "identity"]):
        try:
            data = _inflate(data, coding, limit)
        except (Undecodable, MemoryError):  # MemoryError: a parser child's memory limit
            raise
        except Exception as exc:
            raise Undecodable(f"the body is not valid {coding} ({exc})") from exc
        undone.append(coding)
    return data, undone


def declared_charset(headers: list[tuple[str, str]], body: bytes, html: bool) -> str | None:
    """The charset the server declared: HTTP header first, then <meta> for HTML."""
    match = _CHARSET.search(header_value(headers, "Content-Type") or "")
    if match:
        return match.group(1)
    if html:
        meta = _META_CHARSET.search(body[:4096])
        if meta:
            return meta.group(1).decode("ascii", "replace")
    return None


def normal_codec(name: str) -> str:
    lowered = name.strip().lower()
    return "gb18030" if lowered in GB_FAMILY else lowered


def to_text(body: bytes, declared: str | None) -> tuple[str, str]:
    """(text, codec used): the declared charset if it decodes, else UTF-8, else detection
    (preferring GB18030 over the CJK charsets detection confuses it with)."""
    if body.startswith(b"\xef\xbb\xbf"):
        return body[3:].decode("utf-8", "replace"), "utf-8"
    for codec in ([normal_codec(declared)] if declared else []) + ["utf-8"]:
        try:
            return body.decode(codec), codec
        except (UnicodeDecodeError, LookupError):
            continue
    from charset_normalizer import from_bytes

    best = from_bytes(body).best()
    guess = best.encoding if best is not None else "gb18030"
    if guess.lower() in CJK_MISREADS:
        try:
            return body.decode("gb18030"), "gb18030"
        except UnicodeDecodeError:
            pass
    return body.decode(guess, "replace"), guess
