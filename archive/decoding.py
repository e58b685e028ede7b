"""From the bytes a server sent to the bytes it meant, and from bytes to text.

The archive keeps bodies exactly as received (gzip, chunking and all); reading a page needs
them undone. Charsets: the HTTP header and ``<meta charset>`` are trusted first, because
charset-normalizer misreads short GBK text as Korean; GB2312 and GBK are read as their
superset GB18030, which portals that declare GB2312 actually write.
"""

from __future__ import annotations

import re
import zlib

from .errors import Undecodable
from .reader import header_value

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


def _inflate(data: bytes, coding: str) -> bytes:
    if coding in ("gzip", "x-gzip"):
        return zlib.decompress(data, wbits=47)  # gzip or zlib wrapper
    if coding == "deflate":
        try:
            return zlib.decompress(data)
        except zlib.error:
            return zlib.decompress(data, wbits=-15)  # servers that send raw deflate
    if coding == "br":
        try:
            import brotli  # type: ignore[import-not-found]
        except ImportError:
            raise Undecodable("the body is Brotli-compressed (br) and the brotli package is "
                              "not installed") from None
        return brotli.decompress(data)
    raise Undecodable(f"unknown Content-Encoding {coding!r}")


def undo_content_encoding(body: bytes, headers: list[tuple[str, str]]) -> tuple[bytes, list[str]]:
    """The body with chunking and every Content-Encoding undone, and the codings undone."""
    data = undo_transfer_encoding(body, headers)
    codings = [c.strip().lower() for c in (header_value(headers, "Content-Encoding") or "").split(",")]
    undone = []
    for coding in reversed([c for c in codings if c and c != "identity"]):
        try:
            data = _inflate(data, coding)
        except Undecodable:
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
