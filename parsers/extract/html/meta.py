"""What a report page states about itself, read from the whole page as hints: its title,
publication date and publishing body.

Sources, in order of trust: the CMS's own elements (``<ucaptitle>``, ``<publishtime>``),
meta tags (ArticleTitle, PubDate, ContentSource), the xxgk metadata table (名称 | X,
发布机构 | Y), the 发布日期/来源 lines printed before the article body, the page <title>.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

import lxml.etree

from parsers.extract.html.flow import text_content
from parsers.extract.html.marks import Landmarks

_WHITESPACE = re.compile(r"\s+")
_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})")
_DATE_TEXT = re.compile(r"(?:发布日期|发布时间|公开日期|成文日期|日期)\s*[:：]\s*(\d{4}\s*[-/.年]\s*\d{1,2}"
                        r"\s*[-/.月]\s*\d{1,2})")
_PUBLISHER_TEXT = re.compile(r"(?:发布机构|信息来源|来源)\s*[:：]\s*([^\s\u3000|｜，,:：]{2,40})")
TITLE_LABELS = ("名称", "标题", "信息名称")
DATE_LABELS = ("公开日期", "发布日期")
PUBLISHER_LABELS = ("发布机构",)
_XPath = lxml.etree.XPath


def _cells_holding(labels: tuple[str, ...]):
    """The cells that may be one of ``labels``: those holding every character of one (a
    cell whose text, whitespace removed, is a label holds them all); the first characters
    are tested first, as fewer cells pass that. Reading the text of every cell of the page
    in Python is what this spares."""
    first = " or ".join(f"contains(., '{c}')" for c in dict.fromkeys(lb[0] for lb in labels))
    every = " or ".join("(" + " and ".join(f"contains(., '{c}')" for c in dict.fromkeys(lb))
                        + ")" for lb in labels)
    return _XPath(f"//td[{first}][{every}] | //th[{first}][{every}]")


_LABEL_CELLS = _cells_holding(TITLE_LABELS + DATE_LABELS + PUBLISHER_LABELS)


@dataclass
class PageMetadata:
    """The hints of one page (``root``), whose article body is ``content``."""

    root: object
    content: object
    marks: Landmarks
    _labels: list[tuple[str, object]] | None = field(default=None, repr=False)

    @property
    def title(self) -> str | None:
        marks = self.marks
        return (_first_text(marks.ucaptitle) or _meta(marks, "ArticleTitle")
                or _first_text(marks.ndbg_title) or _first_text(marks.h1_title)
                or self._labelled(TITLE_LABELS) or _first_text(marks.title))

    def published(self) -> str | None:
        for candidate in (lambda: _first_text(self.marks.publishtime),
                          lambda: _meta(self.marks, "PubDate", "publishdate"),
                          lambda: self._labelled(DATE_LABELS)):
            date = _iso_date(candidate())
            if date:
                return date
        match = _DATE_TEXT.search(self.preamble)
        return _iso_date(match.group(1)) if match else None

    def publisher(self) -> str | None:
        found = _meta(self.marks, "ContentSource") or self._labelled(PUBLISHER_LABELS)
        if found:
            return found
        match = _PUBLISHER_TEXT.search(self.preamble)
        return match.group(1) if match else None

    @functools.cached_property
    def preamble(self) -> str:
        """The page's text before the article body: where portals print 发布日期/来源 lines.
        The body itself is not searched ("来源：" in a report is about something else).
        Read only when the page's own elements and labels do not tell."""
        body = self.root.find("body")
        page = text_content(body if body is not None else self.root)
        first = next((w for w in text_content(self.content)[:2000].split() if len(w) >= 4),
                     "")
        found = page.find(first) if first else -1
        return page[:found] if found > 0 else page[:5000]

    def _labelled(self, labels: tuple[str, ...]) -> str | None:
        """The cell after a label cell of a metadata table (名称 | X, 发布机构 | Y ...)."""
        if self._labels is None:  # the page's label cells, found in one pass
            self._labels = [(_WHITESPACE.sub("", text_content(cell)).rstrip(":："), cell)
                            for cell in _LABEL_CELLS(self.root)]
        for label, cell in self._labels:
            if label in labels:
                following = cell.getnext()
                value = _clean(text_content(following)) if following is not None else None
                if value:
                    return value
        return None


def _clean(text: str | None) -> str | None:
    text = _WHITESPACE.sub(" ", text or "").strip()
    return text or None


def _meta(marks: Landmarks, *names: str) -> str | None:
    wanted = {n.lower() for n in names}
    for meta in marks.meta:
        if (meta.get("name") or "").strip().lower() in wanted:
            value = _clean(meta.get("content"))
            if value:
                return value
    return None


def _first_text(elements: list) -> str | None:
    for element in elements:
        value = _clean(text_content(element))
        if value:
            return value
    return None


def _iso_date(text: str | None) -> str | None:
    match = _DATE.search(text or "")
    if not match:
        return None
    year, month, day = (int(g) for g in match.groups())
    if not (1990 <= year <= 2100 and 1 <= month <= 12 and 1 <= day <= 31):
        return None
    return f"{year:04d}-{month:02d}-{day:02d}"
