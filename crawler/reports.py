"""Which titles and links look like annual reports (政府信息公开工作年度报告) and which only
look like them (notices about compiling reports, work plans, interpretations)."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

# 政府 is often left out (XX局信息公开年度报告); traditional titles (信息公開工作年度報告) too.
_REPORT = re.compile(r"信息公[开開](工作)?(的)?年度[报報]告|信息公[开開](工作)?年[报報]"
                     r"|政府信息公[开開]工作[报報]告")
_NOT_REPORT = re.compile(r"通知|培[训訓]|要[点點]|解[读讀]|指南|模板|[会會][议議]|召[开開]|[报報]送|[编編][制製]|征集|[说說]明[会會]|部署")
ATTACHMENT_EXTENSIONS = (".pdf", ".doc", ".docx", ".wps", ".png", ".jpg", ".jpeg")


# The pinyin a copy site's reading aid writes after some characters: 年度報(bào)告 (the same
# rule as parsers.extract.reading_aids, which the crawler may not import).
_READING_AID = re.compile(r"(?<=[\u3400-\u9fff])[(（][a-zü]*[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ][a-zü]*[)）]")


def is_report_title(title: str) -> bool:
    text = _READING_AID.sub("", re.sub(r"\s+", "", title or ""))
    return bool(_REPORT.search(text)) and not _NOT_REPORT.search(text)


def is_attachment_link(url: str) -> bool:
    lowered = url.lower().split("&showname=")[0]
    return ("downfile.jsp" in lowered or lowered.endswith(ATTACHMENT_EXTENSIONS)
            or "/picture/" in lowered)


_LINK = re.compile(r"""(?:href|src)=['"]([^'"]+)['"]""")


def attachment_links(text: str) -> Iterator[str]:
    """The files a report page links or embeds (downloads, PDFs, table images); a PDF shown
    through pdf.js (``/pdfjs/viewer?file=...``) is the file itself."""
    for link in _LINK.findall(text):
        link = html.unescape(link)
        if link.startswith("/pdfjs/viewer"):
            link = parse_qs(urlsplit(link).query).get("file", [""])[0]
        if link and is_attachment_link(link):
            yield link


_ANCHOR = re.compile(r"<a\s([^>]*)>(.*?)</a>", re.S | re.I)
_HREF = re.compile(r"""href\s*=\s*['"]([^'"]+)['"]""", re.I)
_TITLE = re.compile(r"""title\s*=\s*['"]([^'"]*)['"]""", re.I)
_TAGS = re.compile(r"<[^>]+>")


def anchors(text: str) -> Iterator[tuple[str, str]]:
    """(href, label) of every link with an href. The label is the title attribute when
    there is one (list pages cut long link texts with …), else the link text."""
    for attributes, inner in _ANCHOR.findall(text):
        href = _HREF.search(attributes)
        if not href:
            continue
        title = _TITLE.search(attributes)
        label = html.unescape(title.group(1) if title else _TAGS.sub("", inner)).strip()
        yield html.unescape(href.group(1)), label
