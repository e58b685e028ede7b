"""Which format a payload is: magic bytes first, then the declared type, then the name.

Portal servers mislabel documents all the time: WPS files come as
``application/octet-stream``, a ``.doc`` link may deliver an HTML error page, a PDF may be
sent as ``text/html``. The bytes decide whenever they can; the Content-Type and the file
name (URL path, ``downfile.jsp?filename=``, Content-Disposition) only break ties for
payloads without a signature (HTML, plain text).
"""

from __future__ import annotations

import io
import re
import zipfile
from typing import Literal
from urllib.parse import parse_qsl, unquote, urlsplit

from archive.read.reader import header_value
from parsers.document import ExtractionError

Format = Literal["html", "docx", "doc", "wps", "rtf", "pdf", "image", "text"]

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
IMAGE_MAGIC = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF87a", b"GIF89a")
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
_TYPES: dict[str, Format] = {
    "text/html": "html", "application/xhtml+xml": "html", "application/pdf": "pdf",
    DOCX_TYPE: "docx", "application/msword": "doc", "application/vnd.ms-works": "wps",
    "application/kswps": "wps", "application/wps-office.wps": "wps", "application/rtf": "rtf",
    "text/rtf": "rtf", "text/plain": "text",
}
_EXTENSIONS: dict[str, Format] = {
    "html": "html", "htm": "html", "shtml": "html", "jsp": "html", "php": "html",
    "aspx": "html", "asp": "html", "pdf": "pdf", "docx": "docx", "doc": "doc", "wps": "wps",
    "rtf": "rtf", "txt": "text", "png": "image", "jpg": "image", "jpeg": "image",
    "gif": "image", "bmp": "image",
}
_HTML_START = re.compile(rb"^\s*(<\?xml[^>]*>\s*)?(<!--.*?-->\s*)*<(!doctype\s+html|html|head|body|"
                         rb"meta|title|div|table|p)[\s>/]", re.IGNORECASE | re.DOTALL)
_FILENAME_PARAMS = ("filename", "showname", "fileName", "file", "name")
_DISPOSITION = re.compile(r"filename\*?\s*=\s*(?:[\w-]+'[\w-]*')?\"?([^\";]+)", re.IGNORECASE)


def extension_of(url: str | None, headers: list[tuple[str, str]]) -> str | None:
    """The file extension the server or link states: Content-Disposition first (it names
    the file the user would save), then a download script's filename parameter, then the
    URL path. Lower case, without the dot."""
    names = []
    disposition = header_value(headers, "Content-Disposition")
    if disposition:
        names += [unquote(m) for m in _DISPOSITION.findall(disposition)]
    if url:
        parts = urlsplit(url)
        params = dict(parse_qsl(parts.query))
        names += [params[p] for p in _FILENAME_PARAMS if p in params]
        names.append(unquote(parts.path))
    for name in names:
        base = name.rsplit("/", 1)[-1]
        if "." in base:
            ext = base.rsplit(".", 1)[-1].strip().lower()
            if ext.isalnum() and len(ext) <= 5:
                return ext
    return None


def _mime(content_type: str | None, headers: list[tuple[str, str]]) -> str:
    declared = content_type or header_value(headers, "Content-Type") or ""
    return declared.split(";")[0].strip().lower()


def is_docx_zip(data: bytes) -> bool | None:
    """True for a zip holding word/document.xml, False for another zip, None if the zip's
    directory cannot be read (truncated or corrupt)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "word/document.xml" in archive.namelist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, OSError):
        return None


def _is_bmp(data: bytes) -> bool:
    # "BM" alone is too weak a signature: the header's file size must match too.
    return data[:2] == b"BM" and len(data) > 26 and abs(
        int.from_bytes(data[2:6], "little") - len(data)) <= 16


def sniff_format(data: bytes, *, content_type: str | None = None, url: str | None = None,
          headers: list[tuple[str, str]] | None = None) -> Format:
    """The format to extract ``data`` as, or ExtractionError (``unsupported``) for a payload
    no extractor reads, with what it seems to be."""
    headers = headers or []
    mime = _mime(content_type, headers)
    ext = extension_of(url, headers)
    head = data[:2048]
    if b"%PDF-" in data[:1024]:
        return "pdf"
    if head.startswith(OLE2_MAGIC):
        return "wps" if ext == "wps" or _TYPES.get(mime) == "wps" else "doc"
    if head.startswith(ZIP_MAGIC):
        docx = is_docx_zip(data)
        if docx or (docx is None and (mime == DOCX_TYPE or ext == "docx")):
            return "docx"  # the DOCX extractor reports a corrupt one
        if docx is None:
            raise ExtractionError("corrupt zip archive: its directory cannot be read "
                                  "(truncated download?)", "extract")
        raise ExtractionError("a zip archive that is not a Word document (no "
                              "word/document.xml): not supported", "unsupported")
    if head.startswith(IMAGE_MAGIC) or _is_bmp(data):
        return "image"
    if head.lstrip().startswith(b"{\\rtf"):
        return "rtf"
    if _HTML_START.match(head.lstrip(b"\xef\xbb\xbf")):
        return "html"
    declared = _TYPES.get(mime) or _EXTENSIONS.get(ext or "")
    if declared == "pdf":
        raise ExtractionError("not a PDF: declared as PDF but the file has no %PDF- header "
                              f"(starts with {data[:16]!r})", "extract")
    if declared in ("doc", "wps", "docx", "image", "rtf"):
        raise ExtractionError(f"not a {declared.upper()} file: the bytes carry no {declared} "
                              f"signature (starts with {data[:16]!r})", "unsupported")
    if declared == "html" or (mime.startswith("text/") and b"<" in head and (
            b"</" in data[:65536] or b"<br" in head.lower())):
        return "html"
    return "text"  # the text extractor refuses binary junk
