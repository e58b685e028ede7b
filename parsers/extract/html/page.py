"""Report pages (HTML) to Documents: the article body, not the portal around it.

County portals are built with a few CMS families that mark the article body: Ucap
(开普云) ``<ucapcontent>``, Hanweb (大汉) ``<!--ZJEG_RSS.content.begin-->`` comments inside
``#zoom`` (also its xxgkAnnualReport.jsp pages), TRS WCM ``.TRS_Editor``. Without a marker,
the body is the element that holds most of the page's non-link text. The metadata the page
states about itself is read from the whole page, as hints (``htmlmeta``).
"""

from __future__ import annotations

import re
from urllib.parse import urljoin

import lxml.etree

from archive.read.decoding import declared_charset, to_text
from parsers.document import Document, ExtractionError
from parsers.extract.html.flow import SKIP_TAGS, Flow, is_layout_table, tag_of, text_content
from parsers.extract.html.marks import ZJEG_END, Landmarks, find_landmarks
from parsers.extract.html.meta import PageMetadata
from parsers.extract.limits import DEFAULT_LIMITS, Limits, human_size
from parsers.extract.text import binary_reason

_WHITESPACE = re.compile(r"\s+")
DESCEND_TAGS = frozenset(("body", "div", "section", "article", "main", "td", "th", "center",
                          "form", "font", "span", "blockquote", "table", "tbody", "tr"))
DOMINANT_SHARE = 0.7  # a child holding this much of its parent's text is the better pick
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
_PARSER = lxml.etree.HTMLParser()  # lxml.html's, without its Python element classes
_XPath = lxml.etree.XPath
_MEDIA_COUNT = _XPath("count(.//img|.//table)")
_HAS_MEDIA = _XPath("boolean(.//img|.//table)")


def extract_html(data: bytes, *, url: str | None = None,
                 headers: list[tuple[str, str]] | None = None,
                 limits: Limits = DEFAULT_LIMITS) -> Document:
    text, warnings = decode_html(data, headers or [], limits)
    root = parse_html(text)
    marks = find_landmarks(root)
    base = _base_url(marks, url)
    content, how = main_content(root, marks)
    flow = Flow(base)
    blocks = flow.walk_content(content)
    warnings += flow.warnings
    if how == "generic":
        warnings.append("no CMS content marker found: the content is the element holding "
                        "most of the page's text")
    meta = PageMetadata(root, content, marks)
    return Document(format="html", blocks=blocks, title=meta.title,
                    published=meta.published(), publisher=meta.publisher(),
                    warnings=warnings)


def decode_html(data: bytes, headers: list[tuple[str, str]], limits: Limits
                ) -> tuple[str, list[str]]:
    """The page as text: declared charset first (HTTP header, then <meta>), GB2312/GBK read
    as GB18030 (archive.read.decoding). Pages beyond the HTML limit are read up to it."""
    warnings = []
    if len(data) > limits.max_html_bytes:
        # Cut before a tag: '<' never occurs inside a UTF-8 or GB18030 multi-byte character.
        cut = data.rfind(b"<", 0, limits.max_html_bytes)
        cut = cut if cut > 0 else limits.max_html_bytes
        warnings.append(f"HTML too large: {human_size(len(data))}; only the first "
                        f"{human_size(cut)} were read (limit {human_size(limits.max_html_bytes)})")
        data = data[:cut]
    text, _codec = to_text(data, declared_charset(headers, data, html=True))
    reason = binary_reason(text)
    if reason:
        raise ExtractionError(f"not HTML: binary data ({reason})", "unsupported")
    return text, warnings


def parse_html(text: str):
    """The page's tree of plain ``lxml.etree`` elements: lxml.html's element classes would
    cost a Python call for every element the walk touches, and nothing here needs them."""
    # lxml refuses str input that still carries an XML encoding declaration.
    text = _XML_DECLARATION.sub("", text)
    try:
        root = lxml.etree.fromstring(text, _PARSER)
    except (lxml.etree.ParserError, ValueError) as exc:
        raise ExtractionError(f"unreadable HTML: {exc}") from None
    if root is None:
        raise ExtractionError("unreadable HTML: Document is empty") from None
    return root


def _base_url(marks: Landmarks, url: str | None) -> str | None:
    base = next((b.get("href") for b in marks.base if b.get("href")), None)
    if base:
        return urljoin(url or "", base.strip())
    return url


# --- the content area -------------------------------------------------------------------

def main_content(root, marks: Landmarks) -> tuple[object, str]:
    """The element holding the article body and the marker that found it."""
    ucap = _richest(marks.ucapcontent)
    if ucap is not None:
        return ucap, "ucap"
    hanweb = _between_markers(marks.zjeg_begins)
    if hanweb is not None:
        return hanweb, "hanweb"
    trs = _richest(marks.trs)
    if trs is not None:
        return trs, "trs"
    zoom = _richest(marks.zoom)
    if zoom is not None:
        return zoom, "zoom"
    return _generic(root), "generic"


def _visible_size(element) -> int:
    return len(_WHITESPACE.sub("", text_content(element))) + 50 * int(_MEDIA_COUNT(element))


def _has_content(element) -> bool:
    """``_visible_size(element) > 0``, without measuring the whole text."""
    return bool(text_content(element).strip()) or bool(_HAS_MEDIA(element))


def _richest(candidates: list):
    """The candidate with the most content; None if all are empty (a template's empty
    marker must not hide the real body elsewhere on the page)."""
    if len(candidates) == 1:  # the usual case: nothing to compare
        return candidates[0] if _has_content(candidates[0]) else None
    best, best_size = None, -1
    for candidate in candidates:
        size = _visible_size(candidate)
        if size > best_size:  # the first of equals, as max() picks
            best, best_size = candidate, size
    return best if best_size > 0 else None


def _between_markers(begins: list):
    """Hanweb's body: the nodes between its begin and end comments, gathered into a <div>
    put where they stood (moved, not copied: the page's text and order stay as they were,
    and copying the whole article cost more than reading it). When the comments are not
    siblings, their common container stands in."""
    if not begins:
        return None
    begin = begins[0]
    parent = begin.getparent()
    if parent is None:  # a comment outside <html>: nothing to gather
        return None
    between, end = [], begin.getnext()
    while end is not None and not (tag_of(end) is None and ZJEG_END in (end.text or "")):
        between.append(end)
        end = end.getnext()
    if end is None:
        return parent if _has_content(parent) else None
    if not any(tag_of(node) is not None for node in between) and not "".join(
            [begin.tail or "", *(node.tail or "" for node in between)]).strip():
        return None  # only comments and blanks between the markers
    wrapper = lxml.etree.Element("div")
    wrapper.text, begin.tail = begin.tail, None
    begin.addnext(wrapper)
    wrapper.extend(between)  # each with its tail: the text between siblings
    return wrapper


def _generic(root):
    """Descend from <body> while one child holds most of the text (link text does not
    count): the walk stops where the text spreads over many children, the article's
    paragraphs, and never enters a data table."""
    body = root.find("body")
    node = body if body is not None else root
    nodes = list(node.iter())  # keeps the element proxies (dict keys) alive
    weights: dict = {}
    for element in reversed(nodes):  # descendants before their ancestors
        tag = tag_of(element)
        if tag is None or tag in SKIP_TAGS or tag == "a":
            weights[element] = 0
            continue
        total = len(_WHITESPACE.sub("", element.text or ""))
        for child in element:
            total += weights.get(child, 0) + len(_WHITESPACE.sub("", child.tail or ""))
        weights[element] = total
    while weights.get(node):
        children = [c for c in node if tag_of(c) in DESCEND_TAGS]
        best = max(children, key=lambda c: weights.get(c, 0), default=None)
        if best is None or weights.get(best, 0) < DOMINANT_SHARE * weights[node]:
            break
        if tag_of(best) == "table" and not is_layout_table(best):
            break
        node = best
    return node
