"""The characters of a PDF page through PDFium, boxed as pdfminer boxes them.

A box's left edge is the glyph's origin and its right edge the end of its advance (PDFium's
"loose" box); its bottom is the baseline and it is one font size high. pdfminer lowers the
bottom by the font's declared descent, but LibreOffice declares none and WPS does, and PDFium
does not say which font declared what: on the baseline, every character of a line is level
whatever its font, which is what line grouping wants, and a box's middle (which decides the
table cell it belongs to) lies at most a third of the font size higher, inside the glyph.

Glyphs of a vertical-writing font get a box one em wide, as pdfminer gives them (PDFium's
loose box there is one unscaled em square). Rotated or mirrored text raises ``Unsupported``:
pdfplumber reads it in other directions, and the caller falls back to it.

PDFium's text page differs from pdfminer's characters: it adds spaces of its own where it sees
a gap (left out here: pdfplumber breaks words by its own rule, ``pdf_words``); it leaves out
text objects without ink, spaces alone (``pdf_objects`` puts them back) and a space right
after one of its own (lost: a word break then only where the gap exceeds 3 points, always so
in text of 8 points and more); it drops a glyph drawn twice on itself (fake bold), which
pdfminer would double; it takes a marked-content span's /ActualText.
"""

from __future__ import annotations

import ctypes

from pypdfium2 import raw

from parsers.extract.pdf import ffi
from parsers.extract.pdf.words import Char

# Where PDFium's text holds no character: a glyph without a Unicode value, or a hyphen that
# ends a line (its code then 2)
_SPECIAL = {"\x00", "\ufffe", "\x02"}
_HYPHEN = 2
_VERTICAL = 1e-3  # relative: a loose box this close to an unscaled em square is vertical writing


class Unsupported(Exception):
    """The page holds something only the pdfplumber path reads correctly."""


def read_chars(textpage: raw.FPDF_TEXTPAGE, height: float) -> list[Char]:
    """The page's characters in PDFium's order (content order, each line left to right);
    ``height`` turns PDF coordinates into top-down ones."""
    count = raw.FPDFText_CountChars(textpage)
    if count <= 0:
        return []
    text = _page_text(textpage, count) or [chr(raw.FPDFText_GetUnicode(textpage, i))
                                           for i in range(count)]
    page = ffi.address(textpage)
    xy = (ctypes.c_double * 2)()
    x_at = ctypes.addressof(xy)
    y_at = x_at + ctypes.sizeof(ctypes.c_double)
    box = (ctypes.c_float * 4)()  # left, top, right, bottom
    box_at = ctypes.addressof(box)
    matrix = (ctypes.c_float * 6)()
    sizes: dict[int | None, tuple[float, float]] = {}  # text object -> (size, unscaled size)
    chars: list[Char] = []
    for i, u in enumerate(text):
        if u.isspace() and ffi.is_generated(page, i):
            continue
        if u in _SPECIAL:
            if raw.FPDFText_GetUnicode(textpage, i) != _HYPHEN:
                continue
            u = "-"
        obj = ffi.text_object(page, i)
        size = sizes.get(obj)
        if size is None:
            size = sizes[obj] = _font_size(page, i, matrix)
        ffi.char_origin(page, i, x_at, y_at)
        ffi.loose_char_box(page, i, box_at)
        x0, baseline = xy[0], height - xy[1]
        s, unscaled = size
        right = box[2]
        if (abs(right - box[0] - unscaled) <= _VERTICAL * unscaled
                and abs(box[1] - box[3] - unscaled) <= _VERTICAL * unscaled):
            right = x0 + s
        chars.append((u, x0, right, baseline - s, baseline))
    return chars


def _font_size(page: int, index: int, matrix: ctypes.Array) -> tuple[float, float]:
    """(size on the page, size before the text and page matrices) of a character's text;
    ``matrix`` is a buffer of 6 floats."""
    ffi.char_matrix(page, index, ctypes.addressof(matrix))
    a, b, c, d = matrix[0], matrix[1], matrix[2], matrix[3]
    if b or c or a <= 0 or d <= 0:
        raise Unsupported("rotated or mirrored text")
    unscaled = ffi.char_font_size(page, index)
    return unscaled * d, unscaled


def _page_text(textpage: raw.FPDF_TEXTPAGE, count: int) -> str | None:
    """All characters in one call, or None where the text does not map one to one onto the
    characters (characters outside the BMP, control characters PDFium leaves out)."""
    buffer = (ctypes.c_ushort * (count + 1))()
    written = raw.FPDFText_GetText(textpage, 0, count, buffer)
    text = bytes(buffer)[: 2 * max(written - 1, 0)].decode("utf-16-le", "replace")
    return text if len(text) == count else None
