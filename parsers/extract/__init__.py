"""Bytes of one captured document -> :class:`parsers.document.Document`.

``extract`` is the one entry point: it sniffs the format from the bytes (servers mislabel
documents), runs that format's extractor behind the guards of ``limits`` and turns every
failure into an :class:`~parsers.document.ExtractionError` carrying a reason a person
understands, so one bad capture is recorded and the run goes on.

| format | module | how |
|---|---|---|
| HTML | ``html`` | CMS content markers (Ucap, Hanweb, TRS) or the text-richest element |
| DOCX | ``docx`` | body order, merged cells expanded, embedded images |
| DOC / WPS / RTF | ``office`` | LibreOffice -> DOCX; antiword if LibreOffice fails |
| PDF | ``pdf`` | PDFium (pypdfium2), pdfplumber as fallback: lines in paragraphs, ruled tables as grids; pages without a text layer by OCR (``pdf_scanned``) |
| PNG/JPEG/GIF/BMP | ``image`` | OCR of table images (another module) |
| plain text | ``text`` | one para block a line |
"""

from __future__ import annotations

from parsers.document import Document, ExtractionError
from parsers.extract.limits import DEFAULT_LIMITS, Limits, check_input
from parsers.extract.reading_aids import strip_document
from parsers.extract.sniff import Format, sniff_format

__all__ = ["DEFAULT_LIMITS", "ExtractionError", "Limits", "extract", "sniff_format"]


def extract(data: bytes, *, content_type: str | None = None, url: str | None = None,
            headers: list[tuple[str, str]] | None = None,
            limits: Limits | None = None) -> Document:
    """The content of one document (payload already de-chunked and content-decoded).

    ``content_type``, ``url`` and ``headers`` (the HTTP response's) only help: the charset
    of HTML and text, the extension of payloads without a signature, the base URL of
    images. Raises ExtractionError for anything it cannot read, never another exception.
    """
    limits = limits or DEFAULT_LIMITS
    headers = headers or []
    check_input(data, limits)
    fmt = sniff_format(data, content_type=content_type, url=url, headers=headers)
    try:
        return strip_document(_run(fmt, data, url=url, headers=headers, limits=limits))
    except (ExtractionError, MemoryError):  # MemoryError: for the sandbox to report
        raise
    except Exception as exc:  # a parser library's bug must not end the run
        raise ExtractionError(f"{fmt} extraction failed: {type(exc).__name__}: {exc}"[:500],
                              "extract") from exc


def _run(fmt: Format, data: bytes, *, url: str | None, headers: list[tuple[str, str]],
         limits: Limits) -> Document:
    # Imports are lazy: a worker that only ever sees HTML never loads pdfminer or docx.
    if fmt == "html":
        from parsers.extract.html.page import extract_html

        return extract_html(data, url=url, headers=headers, limits=limits)
    if fmt == "docx":
        from parsers.extract.office.docx import extract_docx

        return extract_docx(data, limits=limits)
    if fmt in ("doc", "wps", "rtf"):
        from parsers.extract.office.binary import extract_office

        return extract_office(data, fmt, limits=limits)
    if fmt == "pdf":
        from parsers.extract.pdf.document import extract_pdf

        return extract_pdf(data, limits=limits)
    if fmt == "image":
        return _extract_image(data, url)
    from parsers.extract.text import extract_text

    return extract_text(data, headers=headers)


def _extract_image(data: bytes, url: str | None) -> Document:
    try:
        from parsers.extract.ocr.image import extract_image
    except ModuleNotFoundError as exc:
        if exc.name not in (f"{__name__}.image", "PIL"):
            raise
        raise ExtractionError(f"image extraction is not available ({exc})",
                              "unsupported") from None
    return extract_image(data, url=url)
