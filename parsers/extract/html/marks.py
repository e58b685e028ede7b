"""The elements that mark a report page's parts, found in two passes over the page.

Content markers (``<ucapcontent>``, Hanweb's ZJEG_RSS comments, ``.TRS_Editor``, ``#zoom``)
and metadata hints (``<ucaptitle>``, ``<publishtime>``, ``<meta>``, ``<title>``, ``<h1
class=title>``, ``<base>``) used to be looked up one XPath at a time. Each lookup walks the
whole tree, and at a dozen walks that was a fifth of the time to read a page: here one walk
collects the elements by tag (comments included) and one XPath the elements marked by class
or id. Lists are in document order, as XPath returned them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import lxml.etree

ZJEG_BEGIN = "ZJEG_RSS.content.begin"
ZJEG_END = "ZJEG_RSS.content.end"
_TAGS = ("ucapcontent", "ucaptitle", "publishtime", "h1", "title", "meta", "base")
_MARKED = lxml.etree.XPath(
    "//@class[contains(., 'TRS_Editor') or contains(., 'ndbg_')]/parent::* | "
    "//@id[.='zoom' or .='Zoom' or .='zoomcon' or .='UCAP-CONTENT']/parent::*")
_ZOOM_IDS = frozenset(("zoom", "Zoom", "zoomcon", "UCAP-CONTENT"))
# class~="TRS_Editor" as XPath's normalize-space() splits (space, tab, CR, LF only).
_TRS_CLASS = re.compile(r"(?:^|[ \t\r\n])TRS_Editor(?:[ \t\r\n]|$)")


@dataclass
class Landmarks:
    ucapcontent: list = field(default_factory=list)
    ucaptitle: list = field(default_factory=list)
    publishtime: list = field(default_factory=list)
    h1_title: list = field(default_factory=list)  # <h1> whose class mentions "title"
    title: list = field(default_factory=list)
    meta: list = field(default_factory=list)
    base: list = field(default_factory=list)
    zjeg_begins: list = field(default_factory=list)  # comments holding ZJEG_BEGIN
    trs: list = field(default_factory=list)  # class TRS_Editor
    zoom: list = field(default_factory=list)  # id zoom/zoomcon/UCAP-CONTENT, class ndbg_content
    ndbg_title: list = field(default_factory=list)  # class mentions ndbg_title


def find_landmarks(root) -> Landmarks:
    marks = Landmarks()
    by_tag = {"ucapcontent": marks.ucapcontent, "ucaptitle": marks.ucaptitle,
              "publishtime": marks.publishtime, "title": marks.title, "meta": marks.meta,
              "base": marks.base}
    comment = lxml.etree.Comment
    for element in root.iter(*_TAGS, comment):
        tag = element.tag
        if tag is comment:
            if ZJEG_BEGIN in (element.text or ""):
                marks.zjeg_begins.append(element)
        elif tag == "h1":
            if "title" in (element.get("class") or ""):
                marks.h1_title.append(element)
        else:
            by_tag[tag].append(element)
    for element in _MARKED(root):
        classes = element.get("class") or ""
        if "TRS_Editor" in classes and _TRS_CLASS.search(classes):
            marks.trs.append(element)
        if element.get("id") in _ZOOM_IDS or "ndbg_content" in classes:
            marks.zoom.append(element)
        if "ndbg_title" in classes:
            marks.ndbg_title.append(element)
    return marks
