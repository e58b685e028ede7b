"""The readable text of an archived payload, one line per paragraph, for ``diff``.

Two versions of a report differ in what a reader sees, not in markup or PDF object order:
HTML gives the text of its body (scripts and styles dropped, one line per block element),
DOCX its paragraphs and table rows in document order, PDF the text of each page (pdfplumber
keeps Chinese text and table cells intact). Anything else is decoded as text, or stands as
one line naming its type, size and digest, so a changed image still shows as changed.
Extraction that fails is not an error: the note says why, and the text falls back to that
one line.
"""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from dataclasses import dataclass

from archive.read.decoding import declared_charset, to_text

HTML_TYPES = ("text/html", "application/xhtml+xml")
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
TEXT_TYPES = ("application/json", "application/xml", "application/javascript",
              "application/x-javascript", "application/rss+xml", "application/atom+xml")
BLOCK_TAGS = ("address", "article", "aside", "blockquote", "caption", "dd", "div", "dl", "dt",
              "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4",
              "h5", "h6", "header", "hr", "li", "main", "nav", "ol", "p", "pre", "section",
              "table", "tbody", "thead", "tfoot", "tr", "ul", "br")
CELL_TAGS = ("td", "th")
DROPPED_TAGS = ("script", "style", "noscript", "template", "head")
_SPACE = re.compile(r"[ \t\r\f\v\u00a0\u3000]+")


@dataclass(frozen=True)
class Text:
    kind: str  # html | docx | pdf | text | binary
    text: str
    note: str | None = None  # the charset used, or why extraction fell back


def kind_of(body: bytes, mime: str | None) -> str:
    """What the payload is: its magic bytes first (servers mislabel documents as
    application/octet-stream), then the declared type."""
    mime = (mime or "").split(";")[0].strip().lower()
    if body[:1024].lstrip().startswith(b"%PDF-") or mime == "application/pdf":
        return "pdf"
    if body.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(body)) as archive:
                if "word/document.xml" in archive.namelist():
                    return "docx"
        except zipfile.BadZipFile:
            pass
    if mime == DOCX_TYPE:
        return "docx"
    head = body[:512].lstrip().lower()
    if mime in HTML_TYPES or head.startswith((b"<!doctype html", b"<html")):
        return "html"
    if mime.startswith("text/") or mime in TEXT_TYPES:
        return "text"
    if not mime or mime == "application/octet-stream":
        try:
            body.decode("utf-8")
            return "text" if b"\x00" not in body else "binary"
        except UnicodeDecodeError:
            return "binary"
    return "binary"


def clean_lines(text: str) -> str:
    """Collapsed spaces, no empty lines: what a reader would call the same text is."""
    lines = (_SPACE.sub(" ", line).strip() for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def html_text(body: bytes, headers: list[tuple[str, str]]) -> tuple[str, str]:
    import lxml.html

    text, codec = to_text(body, declared_charset(headers, body, html=True))
    # lxml refuses str input that still carries an XML encoding declaration.
    text = re.sub(r"^\s*<\?xml[^>]*\?>", "", text)
    document = lxml.html.document_fromstring(text or "<html></html>")
    for element in document.xpath("|".join(f"//{tag}" for tag in DROPPED_TAGS)):
        element.drop_tree()
    for comment in document.xpath("//comment()"):
        comment.drop_tree()
    for element in document.iter(*BLOCK_TAGS):
        element.text = "\n" + (element.text or "")
        element.tail = "\n" + (element.tail or "")
    for element in document.iter(*CELL_TAGS):
        element.tail = " | " + (element.tail or "")
    body_element = document.find("body")
    root = body_element if body_element is not None else document
    lines = [line.strip(" |") for line in root.text_content().splitlines()]
    return clean_lines("\n".join(lines)), codec


def docx_text(body: bytes) -> str:
    from docx import Document
    from docx.oxml.ns import qn
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    document = Document(io.BytesIO(body))
    lines = []
    for child in document.element.body.iterchildren():
        if child.tag == qn("w:p"):
            lines.append(Paragraph(child, document).text)
        elif child.tag == qn("w:tbl"):
            for row in Table(child, document).rows:
                lines.append(" | ".join(cell.text.strip() for cell in row.cells))
    return clean_lines("\n".join(lines))


def pdf_text(body: bytes) -> str:
    import pdfplumber

    lines = []
    with pdfplumber.open(io.BytesIO(body)) as pdf:
        for number, page in enumerate(pdf.pages, start=1):
            lines.append(f"[page {number}]")
            lines.append(page.extract_text() or "")
    return clean_lines("\n".join(lines))


def describe_bytes(body: bytes, mime: str | None) -> str:
    return (f"[{mime or 'binary'} content, {len(body)} bytes, "
            f"sha256 {hashlib.sha256(body).hexdigest()}]")


def text_of(body: bytes, headers: list[tuple[str, str]], mime: str | None = None) -> Text:
    """The text of a decoded payload (Content-Encoding already undone)."""
    kind = kind_of(body, mime)
    try:
        if kind == "html":
            text, codec = html_text(body, headers)
            return Text(kind, text, f"charset {codec}")
        if kind == "docx":
            return Text(kind, docx_text(body))
        if kind == "pdf":
            return Text(kind, pdf_text(body))
        if kind == "text":
            text, codec = to_text(body, declared_charset(headers, body, html=False))
            return Text(kind, clean_lines(text), f"charset {codec}")
    except Exception as exc:
        return Text(kind, describe_bytes(body, mime), f"could not extract {kind} text: {exc}")
    return Text(kind, describe_bytes(body, mime))
