"""The PDFium calls made once per character or path segment, bound to take plain addresses.

pypdfium2's bindings check and convert typed pointers on every call, which costs more than
the call itself when it is made for each of thousands of characters on a page; these take
and return integers (addresses) and write into ctypes arrays the caller reads by index.
PDFium is not thread-safe: callers hold ``pdf_pdfium``'s lock.
"""

from __future__ import annotations

import ctypes
from typing import Any

from pypdfium2 import raw


def _bind(function: Any, restype: Any, *argtypes: Any) -> Any:
    """``function`` (a pypdfium2 binding) again, as a prototype on plain addresses."""
    prototype = ctypes.CFUNCTYPE(restype, *argtypes)
    return prototype(ctypes.cast(function, ctypes.c_void_p).value)


_VOID, _INT = ctypes.c_void_p, ctypes.c_int

# text pages: (textpage, index, ...)
text_object = _bind(raw.FPDFText_GetTextObject, _VOID, _VOID, _INT)
char_origin = _bind(raw.FPDFText_GetCharOrigin, _INT, _VOID, _INT, _VOID, _VOID)  # 2 doubles
loose_char_box = _bind(raw.FPDFText_GetLooseCharBox, _INT, _VOID, _INT, _VOID)  # 4 floats
char_matrix = _bind(raw.FPDFText_GetMatrix, _INT, _VOID, _INT, _VOID)  # 6 floats: a b c d e f
char_font_size = _bind(raw.FPDFText_GetFontSize, ctypes.c_double, _VOID, _INT)
is_generated = _bind(raw.FPDFText_IsGenerated, _INT, _VOID, _INT)

# page objects
object_at = _bind(raw.FPDFPage_GetObject, _VOID, _VOID, _INT)
count_objects = _bind(raw.FPDFPage_CountObjects, _INT, _VOID)
form_object_at = _bind(raw.FPDFFormObj_GetObject, _VOID, _VOID, ctypes.c_ulong)
count_form_objects = _bind(raw.FPDFFormObj_CountObjects, _INT, _VOID)
object_type = _bind(raw.FPDFPageObj_GetType, _INT, _VOID)
object_matrix = _bind(raw.FPDFPageObj_GetMatrix, _INT, _VOID, _VOID)  # 6 floats: a b c d e f
# left, bottom, right, top: one float each
object_bounds = _bind(raw.FPDFPageObj_GetBounds, _INT, _VOID, _VOID, _VOID, _VOID, _VOID)
_text_font_size = _bind(raw.FPDFTextObj_GetFontSize, _INT, _VOID, _VOID)

# paths
draw_mode = _bind(raw.FPDFPath_GetDrawMode, _INT, _VOID, _VOID, _VOID)  # 2 ints: fill, stroke
count_segments = _bind(raw.FPDFPath_CountSegments, _INT, _VOID)
segment_at = _bind(raw.FPDFPath_GetPathSegment, _VOID, _VOID, _INT)
segment_point = _bind(raw.FPDFPathSegment_GetPoint, _INT, _VOID, _VOID, _VOID)  # 2 floats
segment_type = _bind(raw.FPDFPathSegment_GetType, _INT, _VOID)
segment_closes = _bind(raw.FPDFPathSegment_GetClose, _INT, _VOID)


def text_font_size(text_object: int) -> float:
    """The font size a text object sets, before its matrix."""
    size = ctypes.c_float()
    _text_font_size(text_object, ctypes.addressof(size))
    return size.value


def address(handle: Any) -> int:
    """The address a pypdfium2 handle (a typed pointer) holds."""
    return ctypes.cast(handle, ctypes.c_void_p).value or 0
