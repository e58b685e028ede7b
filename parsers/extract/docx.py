"""Word documents (DOCX) to Documents: paragraphs, tables and pictures in body order.

Tables are read from the XML rather than through python-docx's ``row.cells``: that API
repeats a merged cell at every position it covers without saying which one is the origin,
and LibreOffice exports split grid columns (a 15-column table becomes 16, one value cell
spanning two), so a value would be read twice. Here ``gridSpan``/``hMerge`` (horizontal) and
``vMerge`` (vertical) give each covered position ``spanned=True``. The zip is checked for
bombs before python-docx inflates anything.
"""

from __future__ import annotations

import io
import re

from parsers.document import Block, Document, ExtractionError, Image, Table

from .grid import GridBuilder
from .limits import DEFAULT_LIMITS, Limits, check_zip

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
A_BLIP = "{http://schemas.openxmlformats.org/drawingml/2006/main}blip"
V_IMAGEDATA = "{urn:schemas-microsoft-com:vml}imagedata"
MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_CJK = re.compile(r"[\u4e00-\u9fff]")
_TEXT_TAGS = {f"{W}t": None, f"{W}tab": "\t", f"{W}br": "\n", f"{W}cr": "\n",
              f"{W}noBreakHyphen": "-"}


def extract_docx(data: bytes, *, limits: Limits = DEFAULT_LIMITS, fmt: str = "docx") -> Document:
    """``fmt`` names the original format when the DOCX was converted from DOC/WPS."""
    check_zip(data, limits, "DOCX")
    try:
        import docx

        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # noqa: BLE001 - python-docx raises KeyError, XMLSyntaxError...
        raise ExtractionError(f"corrupt DOCX: {type(exc).__name__}: {exc}"[:300]) from None
    reader = _BodyReader(document.part)
    reader.read(document.element.body)
    return Document(format=fmt, blocks=reader.blocks, title=_title_hint(document),
                    warnings=reader.warnings)


def _title_hint(document) -> str | None:
    """The core-properties title, when it can be a report's: templates and converters
    leave placeholders there ("Word Document", "Document1"); a Chinese report's title has
    Chinese characters."""
    title = (document.core_properties.title or "").strip()
    return title if _CJK.search(title) else None


class _BodyReader:
    def __init__(self, part) -> None:
        self.part = part
        self.blocks: list[Block] = []
        self.warnings: list[str] = []

    def read(self, container) -> None:
        """Paragraphs and tables of a body (or content control) in document order."""
        for child in container:
            if child.tag == f"{W}p":
                self._paragraph(child)
            elif child.tag == f"{W}tbl":
                table, images = self._table(child)
                self.blocks.append(Block("table", table=table))
                self.blocks += [Block("image", image=image) for image in images]
            elif child.tag in (f"{W}sdt", f"{W}customXml"):
                content = child.find(f"{W}sdtContent")
                self.read(content if content is not None else child)

    def _paragraph(self, p) -> None:
        text = "\n".join(line.strip() for line in paragraph_text(p).split("\n") if line.strip())
        if text:
            self.blocks.append(Block("para", text=text))
        for image in self._images(p):
            self.blocks.append(Block("image", image=image))

    def _images(self, element) -> list[Image]:
        images = []
        for node in _iter_skipping_fallback(element, A_BLIP, V_IMAGEDATA):
            if node.tag == A_BLIP:
                rid, linked = node.get(f"{R}embed"), node.get(f"{R}link")
            elif node.tag == V_IMAGEDATA:
                rid, linked = node.get(f"{R}id"), None
            else:
                continue
            if linked:
                target = self.part.rels.get(linked)
                if target is not None and target.is_external:
                    images.append(Image(src=target.target_ref))
                continue
            related = self.part.related_parts.get(rid) if rid else None
            if related is None:
                self.warnings.append(f"picture {rid} has no image part")
                continue
            images.append(Image(src=str(related.partname).lstrip("/"), data=related.blob))
        return images

    def _table(self, tbl) -> tuple[Table, list[Image]]:
        """gridSpan/vMerge/hMerge expanded into a rectangular grid, and the table's
        pictures (placed after it: a cell holds text only)."""
        builder = GridBuilder()
        origins: dict[int, tuple[str, tuple[int, int]]] = {}  # column -> cell vMerge continues
        images: list[Image] = []
        for r, tr in enumerate(_children(tbl, f"{W}tr")):
            col = _int(tr.find(f"{W}trPr/{W}gridBefore"), 0)
            for tc in _children(tr, f"{W}tc"):
                images += self._images(tc)
                props = tc.find(f"{W}tcPr")
                span = _int(props.find(f"{W}gridSpan") if props is not None else None, 1)
                if _continues(props, "vMerge") and col in origins:
                    text, origin = origins[col]
                    builder.place(r, col, text, 1, span, continued=True, origin=origin)
                elif _continues(props, "hMerge") and col > 0:
                    builder.place(r, col, builder.text_at(r, col - 1) or "", 1, span,
                                  continued=True, origin=builder.origin_of(r, col - 1))
                else:
                    text = cell_text(tc)
                    builder.place(r, col, text, 1, span)
                    for c in range(col, col + span):
                        origins[c] = (text, (r, col))
                col += span
        return Table(rows=builder.rows()), images


def _continues(props, merge: str) -> bool:
    """Whether a cell continues a merge: <w:vMerge/> without a value means "continue"."""
    element = props.find(f"{W}{merge}") if props is not None else None
    return element is not None and element.get(f"{W}val", "continue") == "continue"


def _children(element, tag: str) -> list:
    """Direct children with ``tag``, looking through content controls (w:sdt)."""
    found = []
    for child in element:
        if child.tag == tag:
            found.append(child)
        elif child.tag in (f"{W}sdt", f"{W}customXml"):
            content = child.find(f"{W}sdtContent")
            found += _children(content if content is not None else child, tag)
    return found


def _int(element, default: int) -> int:
    if element is None:
        return default
    try:
        return max(1, min(int(element.get(f"{W}val", default)), 1000))
    except ValueError:
        return default


def _iter_skipping_fallback(element, *tags: str):
    """Descendants (those with one of ``tags``, if given), except mc:Fallback copies (the
    VML twin of a DrawingML picture or text box), which would repeat their text and images."""
    if next(element.iter(MC_FALLBACK), None) is None:  # the common case: lxml's own walk
        yield from element.iter(*tags)
        return
    stack = [element]
    while stack:
        node = stack.pop()
        if node.tag == MC_FALLBACK:
            continue
        if not tags or node.tag in tags:
            yield node
        stack.extend(reversed(list(node)))


def paragraph_text(p) -> str:
    parts = []
    for node in _iter_skipping_fallback(p, *_TEXT_TAGS):
        tag = node.tag
        if tag in _TEXT_TAGS:
            parts.append(node.text or "" if _TEXT_TAGS[tag] is None else _TEXT_TAGS[tag])
    return "".join(parts)


def cell_text(tc) -> str:
    """A cell's paragraphs one a line, each stripped at its ends, blank ones dropped."""
    lines = []
    for p in tc.iter(f"{W}p"):
        for line in paragraph_text(p).split("\n"):
            if line.strip():
                lines.append(line.strip())
    return "\n".join(lines)
