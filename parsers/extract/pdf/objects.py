"""What PDFium's text page leaves out of a PDF page: its drawings and its blank text.

Drawings become the shapes pdfminer makes of them. Tables are found from their rules
(``pdf_lattice``), and which drawings are rules depends on pdfminer's classification, which
the parsers were built on: each subpath separately; a single segment is a line, an
axis-aligned closed four-sided one a rectangle, anything else a curve (its points the
segments' end points). PDFium closes a path with a segment back to its start, as pdfminer
reads ``re``; that redundant segment is dropped before classifying, as pdfminer does.

Blank text: the text page skips a text object without ink (a space alone, as LibreOffice
writes one wherever the font changes: "规" in a CJK font, " " in a Latin one, "章"), but the
space separates words (pdfminer keeps it). Each such object becomes a blank character.

Objects inside form XObjects are included, in page coordinates.
"""

from __future__ import annotations

import ctypes

from pypdfium2 import raw

from parsers.extract.pdf import ffi
from parsers.extract.pdf.lattice import Shape
from parsers.extract.pdf.words import Char

Matrix = tuple[float, float, float, float, float, float]
Point = tuple[float, float]
_IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
_PATH, _FORM, _TEXT = raw.FPDF_PAGEOBJ_PATH, raw.FPDF_PAGEOBJ_FORM, raw.FPDF_PAGEOBJ_TEXT
_INKLESS = 0.01  # points: a text object this narrow draws nothing (PDFium's own cut-off)
_MOVE, _LINE, _CURVE = raw.FPDF_SEGMENT_MOVETO, raw.FPDF_SEGMENT_LINETO, raw.FPDF_SEGMENT_BEZIERTO


def read_objects(page: raw.FPDF_PAGE, height: float) -> tuple[list[Shape], list[Char]]:
    """The page's paths and blank text objects in content order; ``height`` turns PDF
    coordinates top-down."""
    handle = ffi.address(page)
    found = _Found(height)
    found.walk([ffi.object_at(handle, k) for k in range(ffi.count_objects(handle))], _IDENTITY)
    return found.shapes, found.blanks


class _Found:
    def __init__(self, height: float) -> None:
        self.height = height
        self.shapes: list[Shape] = []
        self.blanks: list[Char] = []
        self._matrix = (ctypes.c_float * 6)()
        self._bounds = (ctypes.c_float * 4)()

    def walk(self, objects: list[int], parent: Matrix) -> None:
        m, m_at = self._matrix, ctypes.addressof(self._matrix)
        for obj in objects:
            kind = ffi.object_type(obj)
            if kind == _TEXT:
                self._text(obj, parent)
                continue
            if kind != _PATH and kind != _FORM:
                continue
            ffi.object_matrix(obj, m_at)
            matrix = _multiply((m[0], m[1], m[2], m[3], m[4], m[5]), parent)
            if kind == _FORM:
                self.walk([ffi.form_object_at(obj, k) for k in range(ffi.count_form_objects(obj))],
                          matrix)
            else:
                self.shapes += _path_shapes(obj, matrix, self.height)

    def _text(self, obj: int, parent: Matrix) -> None:
        b = self._bounds
        b_at = ctypes.addressof(b)
        step = ctypes.sizeof(ctypes.c_float)
        ffi.object_bounds(obj, b_at, b_at + step, b_at + 2 * step, b_at + 3 * step)
        if b[2] - b[0] >= _INKLESS:  # left, bottom, right, top
            return
        m = self._matrix
        ffi.object_matrix(obj, ctypes.addressof(m))
        _a, _b, _c, d, e, f = _multiply((m[0], m[1], m[2], m[3], m[4], m[5]), parent)
        size = ffi.text_font_size(obj) * d
        baseline = self.height - f
        self.blanks.append((" ", e, e, baseline - size, baseline))


def _multiply(m: Matrix, n: Matrix) -> Matrix:
    """``m`` then ``n``."""
    a, b, c, d, e, f = m
    na, nb, nc, nd, ne, nf = n
    return (a * na + b * nc, a * nb + b * nd, c * na + d * nc, c * nb + d * nd,
            e * na + f * nc + ne, e * nb + f * nd + nf)


def _path_shapes(path: int, matrix: Matrix, height: float) -> list[Shape]:
    mode = (ctypes.c_int * 2)()
    ffi.draw_mode(path, ctypes.addressof(mode), ctypes.addressof(mode) + ctypes.sizeof(ctypes.c_int))
    fill, stroke = mode[0] != 0, mode[1] != 0
    a, b, c, d, e, f = matrix
    xy = (ctypes.c_float * 2)()
    x_at = ctypes.addressof(xy)
    y_at = x_at + ctypes.sizeof(ctypes.c_float)
    subpaths: list[tuple[list[str], list[Point]]] = []
    curve_points = 0
    for k in range(ffi.count_segments(path)):
        segment = ffi.segment_at(path, k)
        ffi.segment_point(segment, x_at, y_at)
        x, y = xy[0], xy[1]
        point = (a * x + c * y + e, height - (b * x + d * y + f))
        kind = ffi.segment_type(segment)
        if kind == _MOVE:
            subpaths.append((["m"], [point]))
            curve_points = 0
        elif not subpaths:
            continue
        elif kind == _LINE:
            subpaths[-1][0].append("l")
            subpaths[-1][1].append(point)
        elif kind == _CURVE:
            curve_points += 1
            if curve_points % 3 == 0:  # two control points, then the end point
                subpaths[-1][0].append("c")
                subpaths[-1][1].append(point)
        if subpaths and ffi.segment_closes(segment):
            subpaths[-1][0].append("h")
            subpaths[-1][1].append(subpaths[-1][1][0])
    return [_classify("".join(ops), points, fill, stroke) for ops, points in subpaths]



def _classify(shape: str, points: list[Point], fill: bool, stroke: bool) -> Shape:
    if len(shape) > 3 and shape.endswith("lh") and points[-2] == points[0]:
        shape, points = shape[:-2] + "h", points[:-2] + points[-1:]
    xs = [p[0] for p in points]
    ys = [p[1] for p in points]
    kind = "curve"
    if shape in ("ml", "mlh"):
        kind = "line"
        xs, ys = xs[:2], ys[:2]
    elif shape in ("mlllh", "mllll") and points[0] == points[4]:
        (x0, y0), (x1, y1), (x2, y2), (x3, y3) = points[:4]
        if (x0 == x1 and y1 == y2 and x2 == x3 and y3 == y0) or (
                y0 == y1 and x1 == x2 and y2 == y3 and x3 == x0):
            kind = "rect"
    return Shape(kind, min(xs), min(ys), max(xs), max(ys), fill, stroke,
                 points if kind == "curve" else [])
