"""Report pages (HTML) to Documents: the article body, not the portal around it.

County portals are built with a few CMS families that mark the article body: Ucap
(开普云) ``<ucapcontent>``, Hanweb (大汉) ``<!--ZJEG_RSS.content.begin-->`` comments inside
``#zoom`` (also its xxgkAnnualReport.jsp pages), TRS WCM ``.TRS_Editor``. Without a marker,
the body is the element that holds most of the page's non-link text. The metadata the page
states about itself (ArticleTitle/PubDate/ContentSource meta tags, the xxgk metadata table,
``<ucaptitle>``/``<publishtime>``) is read from the whole page, as hints.
"""

from __future__ import annotations

import copy
import re
from urllib.parse import urljoin

import lxml.etree
import lxml.html

from archive.decoding import declared_charset, to_text
from parsers.document import Document, ExtractionError

from .htmlflow import SKIP_TAGS, Flow, is_layout_table, tag_of
from .limits import DEFAULT_LIMITS, Limits, human_size
from .text import binary_reason

_WHITESPACE = re.compile(r"\s+")
_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})")
_DATE_TEXT = re.compile(r"(?:发布日期|发布时间|公开日期|成文日期|日期)\s*[:：]\s*(\d{4}\s*[-/.年]\s*\d{1,2}"
                        r"\s*[-/.月]\s*\d{1,2})")
_PUBLISHER_TEXT = re.compile(r"(?:发布机构|信息来源|来源)\s*[:：]\s*([^\s\u3000|｜，,:：]{2,40})")
_ZJEG_BEGIN = "ZJEG_RSS.content.begin"
_ZJEG_END = "ZJEG_RSS.content.end"
DESCEND_TAGS = frozenset(("body", "div", "section", "article", "main", "td", "th", "center",
                          "form", "font", "span", "blockquote", "table", "tbody", "tr"))
DOMINANT_SHARE = 0.7  # a child holding this much of its parent's text is the better pick


def extract_html(data: bytes, *, url: str | None = None,
                 headers: list[tuple[str, str]] | None = None,
                 limits: Limits = DEFAULT_LIMITS) -> Document:
    text, warnings = decode_html(data, headers or [], limits)
    root = parse_html(text)
    base = _base_url(root, url)
    content, how = main_content(root)
    flow = Flow(base)
    blocks = flow.walk_content(content)
    warnings += flow.warnings
    if how == "generic":
        warnings.append("no CMS content marker found: the content is the element holding "
                        "most of the page's text")
    preamble = _text_before(root, content)
    return Document(format="html", blocks=blocks, title=_title(root),
                    published=_published(root, preamble), publisher=_publisher(root, preamble),
                    warnings=warnings)


def decode_html(data: bytes, headers: list[tuple[str, str]], limits: Limits
                ) -> tuple[str, list[str]]:
    """The page as text: declared charset first (HTTP header, then <meta>), GB2312/GBK read
    as GB18030 (archive.decoding). Pages beyond the HTML limit are read up to it."""
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
    # lxml refuses str input that still carries an XML encoding declaration.
    text = re.sub(r"^\s*<\?xml[^>]*\?>", "", text)
    try:
        return lxml.html.document_fromstring(text)
    except (lxml.etree.ParserError, ValueError) as exc:
        raise ExtractionError(f"unreadable HTML: {exc}") from None


def _base_url(root, url: str | None) -> str | None:
    base = next((b.get("href") for b in root.iter("base") if b.get("href")), None)
    if base:
        return urljoin(url or "", base.strip())
    return url


# --- the content area -------------------------------------------------------------------

def main_content(root) -> tuple[object, str]:
    """The element holding the article body and the marker that found it."""
    ucap = _richest(root.xpath("//ucapcontent"))
    if ucap is not None:
        return ucap, "ucap"
    hanweb = _between_markers(root)
    if hanweb is not None:
        return hanweb, "hanweb"
    trs = _richest(root.xpath("//*[contains(concat(' ', normalize-space(@class), ' '), "
                              "' TRS_Editor ')]"))
    if trs is not None:
        return trs, "trs"
    zoom = _richest(root.xpath("//*[@id='zoom' or @id='Zoom' or @id='zoomcon' or "
                               "@id='UCAP-CONTENT' or contains(@class, 'ndbg_content')]"))
    if zoom is not None:
        return zoom, "zoom"
    return _generic(root), "generic"


def _visible_size(element) -> int:
    return len(_WHITESPACE.sub("", element.text_content())) + 50 * len(element.xpath(
        ".//img|.//table"))


def _richest(candidates: list):
    """The candidate with the most content; None if all are empty (a template's empty
    marker must not hide the real body elsewhere on the page)."""
    best = max(candidates, key=_visible_size, default=None)
    return best if best is not None and _visible_size(best) > 0 else None


def _between_markers(root):
    """Hanweb's body: the nodes between its begin and end comments, wrapped in a <div>.
    When the comments are not siblings, their common container stands in."""
    begin = next((c for c in root.iter(lxml.etree.Comment) if _ZJEG_BEGIN in (c.text or "")),
                 None)
    if begin is None:
        return None
    wrapper = lxml.html.Element("div")
    wrapper.text = begin.tail
    sibling = begin.getnext()
    while sibling is not None:
        if tag_of(sibling) is None and _ZJEG_END in (sibling.text or ""):
            return wrapper if _visible_size(wrapper) > 0 or len(wrapper) else None
        following = sibling.getnext()
        wrapper.append(copy.deepcopy(sibling))  # with its tail: text between siblings
        sibling = following
    parent = begin.getparent()
    return parent if parent is not None and _visible_size(parent) > 0 else None


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


# --- metadata -----------------------------------------------------------------------------

def _clean(text: str | None) -> str | None:
    text = _WHITESPACE.sub(" ", text or "").strip()
    return text or None


def _meta(root, *names: str) -> str | None:
    wanted = {n.lower() for n in names}
    for meta in root.iter("meta"):
        if (meta.get("name") or "").strip().lower() in wanted:
            value = _clean(meta.get("content"))
            if value:
                return value
    return None


def _first_text(root, xpath: str) -> str | None:
    for element in root.xpath(xpath):
        value = _clean(element.text_content())
        if value:
            return value
    return None


def _labelled(root, *labels: str) -> str | None:
    """The cell after a label cell of a metadata table (名称 | X, 发布机构 | Y ...)."""
    wanted = set(labels)
    for cell in root.xpath("//td|//th"):
        label = _WHITESPACE.sub("", cell.text_content()).rstrip(":：")
        if label in wanted:
            following = cell.getnext()
            value = _clean(following.text_content()) if following is not None else None
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


def _text_before(root, content) -> str:
    """The page's text before the article body: where portals print 发布日期/来源 lines.
    The body itself is not searched ("来源：" in a report is about something else)."""
    body = root.find("body")
    page = (body if body is not None else root).text_content()
    first = next((w for w in content.text_content()[:2000].split() if len(w) >= 4), "")
    found = page.find(first) if first else -1
    return page[:found] if found > 0 else page[:5000]


def _title(root) -> str | None:
    return (_first_text(root, "//ucaptitle") or _meta(root, "ArticleTitle")
            or _first_text(root, "//*[contains(@class, 'ndbg_title')]")
            or _first_text(root, "//h1[contains(@class, 'title')]")
            or _labelled(root, "名称", "标题", "信息名称")
            or _first_text(root, "//title"))


def _published(root, preamble: str) -> str | None:
    for candidate in (_first_text(root, "//publishtime"), _meta(root, "PubDate", "publishdate"),
                      _labelled(root, "公开日期", "发布日期")):
        date = _iso_date(candidate)
        if date:
            return date
    match = _DATE_TEXT.search(preamble)
    return _iso_date(match.group(1)) if match else None


def _publisher(root, preamble: str) -> str | None:
    found = _meta(root, "ContentSource") or _labelled(root, "发布机构")
    if found:
        return found
    match = _PUBLISHER_TEXT.search(preamble)
    return match.group(1) if match else None
