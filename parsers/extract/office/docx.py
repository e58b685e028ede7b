"""Word documents (DOCX) to Documents: paragraphs, tables and pictures in body order.

Tables are read from the XML rather than through python-docx's ``row.cells``: that API
repeats a merged cell at every position it covers without saying which one is the origin,
and LibreOffice exports split grid columns (a 15-column table becomes 16, one value cell
spanning two), so a value would be read twice. Here ``gridSpan``/``hMerge`` (horizontal) and
``vMerge`` (vertical) give each covered position ``spanned=True``. The zip is checked for
bombs before anything is inflated; the package is read by ``ooxml`` (the main document, its
relationships, the core title), not by python-docx, which would parse every part of it.
"""

from __future__ import annotations

import re

from parsers.document import Block, Document, ExtractionError, Image, Table
from parsers.extract.grid import GridBuilder
from parsers.extract.limits import DEFAULT_LIMITS, Limits, check_zip
from parsers.extract.office.ooxml import BadPackage, Package
from parsers.extract.text import stripped_lines

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
A_BLIP = "{http://schemas.openxmlformats.org/drawingml/2006/main}blip"
V_IMAGEDATA = "{urn:schemas-microsoft-com:vml}imagedata"
MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_CJK = re.compile(r"[\u4e00-\u9fff]")
W_T, W_P, W_TR, W_TC, W_TCPR = f"{W}t", f"{W}p", f"{W}tr", f"{W}tc", f"{W}tcPr"
_TEXT_TAGS = {W_T: None, f"{W}tab": "\t", f"{W}br": "\n", f"{W}cr": "\n",
              f"{W}noBreakHyphen": "-"}
_TEXT_TAG_NAMES = tuple(_TEXT_TAGS)
_CONTROLS = (f"{W}sdt", f"{W}customXml")
_GRID_BEFORE = f"{W}trPr/{W}gridBefore"
_GRID_SPAN, _V_MERGE, _H_MERGE, _VAL = f"{W}gridSpan", f"{W}vMerge", f"{W}hMerge", f"{W}val"


def extract_docx(data: bytes, *, limits: Limits = DEFAULT_LIMITS, fmt: str = "docx") -> Document:
    """``fmt`` names the original format when the DOCX was converted from DOC/WPS."""
    check_zip(data, limits, "DOCX")
    try:
        package = Package(data)
        body = package.main_document().find(f"{W}body")
        if body is None:
            raise BadPackage("the main document has no body")
        title = _title_hint(package.core_title())
    except BadPackage as exc:
        raise ExtractionError(f"corrupt DOCX: {exc}"[:300]) from None
    reader = _BodyReader(package, fallbacks=next(body.iter(MC_FALLBACK), None) is not None,
                         pictures=next(body.iter(A_BLIP, V_IMAGEDATA), None) is not None)
    reader.read(body)
    return Document(format=fmt, blocks=reader.blocks, title=title, warnings=reader.warnings)


def _title_hint(title: str) -> str | None:
    """The core-properties title, when it can be a report's: templates and converters
    leave placeholders there ("Word Document", "Document1"); a Chinese report's title has
    Chinese characters."""
    title = title.strip()
    return title if _CJK.search(title) else None


class _BodyReader:
    """What the body holds at all, known up front (True is always safe), spares looking for
    it element by element: ``fallbacks``, mc:Fallback copies (without them no element needs
    a look at its ancestors); ``pictures``."""

    def __init__(self, package: Package, *, fallbacks: bool = True,
                 pictures: bool = True) -> None:
        self.package = package
        self.fallbacks = fallbacks
        self.pictures = pictures
        self.blocks: list[Block] = []
        self.warnings: list[str] = []

    def read(self, container) -> None:
        """Paragraphs and tables of a body (or content control) in document order."""
        for child in container:
            if child.tag == W_P:
                self._paragraph(child)
            elif child.tag == f"{W}tbl":
                table, images = self._table(child)
                self.blocks.append(Block("table", table=table))
                self.blocks += [Block("image", image=image) for image in images]
            elif child.tag in _CONTROLS:
                content = child.find(f"{W}sdtContent")
                self.read(content if content is not None else child)

    def _paragraph(self, p) -> None:
        text = stripped_lines(paragraph_text(p, self.fallbacks))
        if text:
            self.blocks.append(Block("para", text=text))
        for image in (self._images(p) if self.pictures else ()):
            self.blocks.append(Block("image", image=image))

    def _images(self, element) -> list[Image]:
        images = []
        for node in _iter_skipping_fallback(element, A_BLIP, V_IMAGEDATA,
                                            fallbacks=self.fallbacks):
            if node.tag == A_BLIP:
                rid, linked = node.get(f"{R}embed"), node.get(f"{R}link")
            elif node.tag == V_IMAGEDATA:
                rid, linked = node.get(f"{R}id"), None
            else:
                continue
            if linked:
                target = self.package.rels.get(linked)
                if target is not None and target.is_external:
                    images.append(Image(src=target.target_ref))
                continue
            related = self.package.rels.get(rid) if rid else None
            blob = (self.package.blob(related.partname)
                    if related is not None and related.partname is not None else None)
            if related is None or related.partname is None or blob is None:
                self.warnings.append(f"picture {rid} has no image part")
                continue
            images.append(Image(src=related.partname.lstrip("/"), data=blob))
        return images

    def _table(self, tbl) -> tuple[Table, list[Image]]:
        """gridSpan/vMerge/hMerge expanded into a rectangular grid, and the table's
        pictures (placed after it: a cell holds text only)."""
        builder = GridBuilder()
        origins: dict[int, tuple[str, tuple[int, int]]] = {}  # column -> cell vMerge continues
        images: list[Image] = []
        pictures = self.pictures and next(tbl.iter(A_BLIP, V_IMAGEDATA), None) is not None
        for r, tr in enumerate(_children(tbl, W_TR)):
            col = _int(tr.find(_GRID_BEFORE), 0)
            for tc in _children(tr, W_TC):
                if pictures:
                    images += self._images(tc)
                span, v_merge, h_merge = _cell_properties(tc)
                if _continues(v_merge) and col in origins:
                    text, origin = origins[col]
                    builder.place(r, col, text, 1, span, continued=True, origin=origin)
                elif _continues(h_merge) and col > 0:
                    builder.place(r, col, builder.text_at(r, col - 1) or "", 1, span,
                                  continued=True, origin=builder.origin_of(r, col - 1))
                else:
                    text = cell_text(tc, self.fallbacks)
                    builder.place(r, col, text, 1, span)
                    for c in range(col, col + span):
                        origins[c] = (text, (r, col))
                col += span
        return Table(rows=builder.rows()), images


def _cell_properties(tc) -> tuple[int, object, object]:
    """(gridSpan, the w:vMerge element, the w:hMerge element) of a cell: the first of each
    in its w:tcPr, in one look at its children."""
    props = tc.find(W_TCPR)
    if props is None:
        return 1, None, None
    span = v_merge = h_merge = None
    for child in props:
        tag = child.tag
        if tag == _GRID_SPAN and span is None:
            span = child
        elif tag == _V_MERGE and v_merge is None:
            v_merge = child
        elif tag == _H_MERGE and h_merge is None:
            h_merge = child
    return _int(span, 1), v_merge, h_merge


def _continues(element) -> bool:
    """Whether a cell continues a merge: <w:vMerge/> without a value means "continue"."""
    return element is not None and element.get(_VAL, "continue") == "continue"


def _children(element, tag: str) -> list:
    """Direct children with ``tag``, looking through content controls (w:sdt)."""
    found = []
    for child in element:
        if child.tag == tag:
            found.append(child)
        elif child.tag in _CONTROLS:
            content = child.find(f"{W}sdtContent")
            found += _children(content if content is not None else child, tag)
    return found


def _int(element, default: int) -> int:
    if element is None:
        return default
    try:
        return max(1, min(int(element.get(_VAL, default)), 1000))
    except ValueError:
        return default


def _iter_skipping_fallback(element, *tags: str, fallbacks: bool = True):
    """Descendants (those with one of ``tags``, if given), except mc:Fallback copies (the
    VML twin of a DrawingML picture or text box), which would repeat their text and images.
    ``fallbacks=False``: the caller knows the document has none."""
    if not fallbacks or next(element.iter(MC_FALLBACK), None) is None:  # lxml's own walk
        return element.iter(*tags)
    return _skipping_fallback(element, tags)


def _skipping_fallback(element, tags: tuple[str, ...]):
    stack = [element]
    while stack:
        node = stack.pop()
        if node.tag == MC_FALLBACK:
            continue
        if not tags or node.tag in tags:
            yield node
        stack.extend(reversed(list(node)))


def paragraph_text(p, fallbacks: bool = True) -> str:
    text_tags = _TEXT_TAGS
    return "".join([(node.text or "") if node.tag == W_T else text_tags[node.tag]
                    for node in _iter_skipping_fallback(p, *_TEXT_TAG_NAMES,
                                                        fallbacks=fallbacks)])


def cell_text(tc, fallbacks: bool = True) -> str:
    """A cell's paragraphs one a line, each stripped at its ends, blank ones dropped."""
    lines = [stripped_lines(paragraph_text(p, fallbacks)) for p in tc.iter(W_P)]
    return "\n".join([line for line in lines if line])
