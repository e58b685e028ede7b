"""Extractor for table images (PNG, JPEG, GIF, BMP): the statistical tables that township
portals publish as screenshots of their Word tables.

The table is rebuilt from its rules before anything is read (``ocr_grid``), named from its
shape (``ocr_shape``: which of the three tables, which layout), and only then read by
Tesseract cell by cell (``ocr_cells``, ``ocr_tesseract``), the method measured on the
simulator's images (tests/portalsim/render_image.py). Numbers are read exactly; labels are
best effort, which is why the table's identity comes from its shape, not its labels.

Each ruled table becomes a ``Table`` (source "ocr"): the full grid with merged cells
expanded (the top-left position ``spanned=False``, covered positions copies with
``spanned=True``), every cell in its grid position (labels too, so tables can be mapped by
position), and ``kind_hint`` / ``layout_hint`` from the shape. A table of another shape is
kept with no hints, every cell read as text, and a warning.
"""

from __future__ import annotations

import io
import warnings

from PIL import Image

from parsers.document import Block, Document, ExtractionError, Table
from parsers.extract.grid import GridBuilder
from parsers.extract.ocr.cells import read_cells
from parsers.extract.ocr.grid import RuledGrid, find_grids, ink_threshold
from parsers.extract.ocr.shape import classify
from parsers.extract.ocr.tesseract import TIMEOUT_S

MAX_PIXELS = 40_000_000  # an A4 page at 300 dpi is 8.7 Mpx; beyond this, a decompression bomb
ENLARGE_MAX_PIXELS = 16_000_000  # small screenshots are looked at again at double size
NO_TABLE = "image holds no ruled table"
UNKNOWN_TABLE = "image table is none of the three statistical tables (shape not recognised)"


def extract_image(data: bytes, url: str | None = None) -> Document:
    """A Document with a table block per ruled table in the image (top to bottom), or no
    block and a warning.

    ``url`` is taken like every extractor takes it; an image has no links to resolve."""
    document = Document(format="image")
    tables = read_image_tables(data)
    if not tables:
        document.warnings.append(NO_TABLE)
    for table in tables:
        document.blocks.append(Block("table", table=table))
        if table.kind_hint is None:
            document.warnings.append(UNKNOWN_TABLE)
    return document


def read_table_image(data: bytes, labels: bool = True) -> Table | None:
    """The ruled table in an image, read by OCR; None if the image holds no ruled table.

    Of several tables, the first that is one of the three statistical tables, else the
    first (``read_image_tables`` gives them all). Raises ExtractionError for bytes that are no
    decodable image, images above MAX_PIXELS, and when Tesseract is missing, fails or times
    out. ``labels=False`` leaves the label cells of a table whose shape identified it
    unread (empty): the values are mapped by position, and label OCR is most of the cost."""
    tables = read_image_tables(data, labels)
    return next((t for t in tables if t.kind_hint), tables[0] if tables else None)


def read_image_tables(data: bytes, labels: bool = True) -> list[Table]:
    """Every ruled table in an image, top to bottom, read by OCR (see read_table_image)."""
    return read_grey_tables(decode(data), labels)


def read_grey_tables(grey: Image.Image, labels: bool = True,
                     timeout: float = TIMEOUT_S) -> list[Table]:
    """Every ruled table in decoded grey pixels (a table cut out of a scanned page, say);
    ``timeout``: seconds for the OCR of each table."""
    threshold = ink_threshold(grey)
    grey, grids = _locate(grey, threshold)
    return [_read(grey, threshold, grid, labels, timeout) for grid in grids]


def _read(grey: Image.Image, threshold: int, grid: RuledGrid, labels: bool,
          timeout: float) -> Table:
    shape = classify(grid)
    texts = read_cells(grey, threshold, grid, shape.values,
                       labels=labels or shape.kind is None, timeout=timeout)
    builder = GridBuilder()  # merged cells expanded the way every extractor expands them
    for cell, text in zip(grid.cells, texts, strict=True):
        builder.place(cell.row, cell.col, text, cell.rowspan, cell.colspan)
    return Table(builder.rows(), source="ocr", kind_hint=shape.kind, layout_hint=shape.layout)


def _locate(grey: Image.Image, threshold: int) -> tuple[Image.Image, list[RuledGrid]]:
    """The grids, and the image their boxes are in: the image itself, or twice its size.

    In a small screenshot (rows under MIN_LINE px) some rules are too short to be found,
    and a table comes out as no table or as none of the three. Looking again at double
    size finds them, where lowering MIN_LINE would let glyph strokes (口) pass for rules."""
    grids = find_grids(grey, threshold)
    known = sum(classify(g).kind is not None for g in grids)
    if (grids and known == len(grids)) or grey.width * grey.height * 4 > ENLARGE_MAX_PIXELS:
        return grey, grids
    larger = grey.resize((grey.width * 2, grey.height * 2), Image.Resampling.LANCZOS)
    larger_grids = find_grids(larger, threshold)
    if sum(classify(g).kind is not None for g in larger_grids) > known or not grids:
        return larger, larger_grids
    return grey, grids


def decode(data: bytes) -> Image.Image:
    """The image as 8-bit grey on a white background, refusing bombs before decoding."""
    if not data:
        raise ExtractionError("empty image", kind="empty")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))  # reads the header only
            width, height = image.size
            if width * height > MAX_PIXELS:
                raise ExtractionError(f"image of {width}x{height} pixels is above the "
                                      f"{MAX_PIXELS:,} pixel limit", kind="too_large")
            image.load()
            return _on_white(image)
    except (ExtractionError, MemoryError):
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ExtractionError(f"image too large: {exc}", kind="too_large") from exc
    # Pillow's decoders are third-party parsers of untrusted bytes: they raise OSError,
    # SyntaxError, ValueError, struct.error, EOFError and worse; all mean "not readable".
    except Exception as exc:
        raise ExtractionError(f"undecodable image: {type(exc).__name__}: {exc}") from exc


def _on_white(image: Image.Image) -> Image.Image:
    """Grey pixels; transparent areas become paper (a bare convert would make them black)."""
    if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
        rgba = image.convert("RGBA")
        paper = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(paper, rgba).convert("L")
    return image.convert("L")
