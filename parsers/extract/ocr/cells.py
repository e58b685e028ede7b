"""Reading the cells of a found grid with Tesseract: numbers exactly, labels as best it can.

The method measured in tests/portalsim/render_image.py: every written cell cut out inside
its rules, binarised (numbers; labels stay grey), a 20px white border added, all the cells of a table in one Tesseract
process from a list file. Value cells are read as one line (``--psm 7``) with
``chi_sim+eng`` (``chi_sim`` alone reads a lone ``/`` as ``7``; ``eng`` alone drops minus
signs and cannot read ``万元``); label cells as a block of Chinese (``--psm 6``, which read
labels best of psm 3/4/6, also wrapped and vertical ones).

Two additions for screenshots smaller than the measured 22px text: cells are enlarged until
digits are DIGIT_PX tall (measured on tables scaled to 0.64x, i.e. 14px text as Word shows
it at 100 %: 93 % of values exact as they are, 99.7 % enlarged), and an inked value cell
that Tesseract reads as nothing but whose ink is a flat stroke is a dash (Tesseract drops
lone small dashes as noise).
"""

from __future__ import annotations

from dataclasses import dataclass

from PIL import Image, ImageOps

from parsers.extract.ocr.grid import RuledGrid, binarise
from parsers.extract.ocr.tesseract import TIMEOUT_S, Batch, read_batches

BORDER = 20  # px of white around a cut-out cell: Tesseract misreads glyphs touching the edge
VALUE_OCR = ("chi_sim+eng", 7)
LABEL_OCR = ("chi_sim", 6)
# Glyphs Tesseract confuses and only a number cell can settle: the em dash and 一 are the
# same shape in CJK fonts; 了 and 工 are a 7 and a 1 read with the Chinese model; no Latin
# letter is ever printed in a number cell (small "11" came back as "ll" and "1l", a scanned
# "1" as "i").
LOOKALIKES = str.maketrans({"一": "—", "了": "7", "工": "1", "l": "1", "I": "1", "i": "1",
                            "O": "0", "o": "0"})
# chi_sim reads a full-width （ as 〈 or 《; labels hold no book-title marks.
LABEL_LOOKALIKES = str.maketrans({"〈": "(", "《": "(", "〉": ")", "》": ")"})
SMALL_DIGIT_PX = 16  # digits of the measured 22px text; smaller ones are enlarged ...
DIGIT_PX = 20  # ... to this height (at 0.64x: 16px read 99.5 %, 20px 99.7 %, 24px 98.2 %)
MAX_SCALE = 4.0
MIN_DIGIT_PX = 5  # flatter ink is a dash, not a digit
FLAT = 0.25  # ink no taller than this share of a digit is a dash ...
EM_DASH_WIDTH = 1.0  # ... an em dash if wider than a digit is tall, else a hyphen


@dataclass(frozen=True)
class _Ink:
    width: int
    height: int


def read_cells(grey: Image.Image, threshold: int, grid: RuledGrid, values: frozenset[int],
               labels: bool = True, timeout: float = TIMEOUT_S) -> list[str]:
    """The text of every cell of ``grid`` (indexes as ``grid.cells``): "" for cells without
    ink, numbers as printed for the cells in ``values``, labels without spaces ("" when
    ``labels`` is False). Raises ExtractionError when Tesseract takes over ``timeout`` s."""
    ink = binarise(grey, threshold)
    inked = [i for i, cell in enumerate(grid.cells) if cell.inked]
    value_ids = [i for i in inked if i in values]
    label_ids = [i for i in inked if i not in values] if labels else []
    extents = {i: _extent(ink.crop(grid.cells[i].box)) for i in value_ids}
    digit = _digit_height(list(extents.values()))
    scale = min(DIGIT_PX / digit, MAX_SCALE) if digit and digit < SMALL_DIGIT_PX else 1.0

    def cut(i: int, binary: bool) -> Image.Image:
        # Enlarged from the grey pixels, so glyphs come out smooth rather than blocky.
        # Numbers are then binarised, as measured: JPEG ringing around a grey dash was read
        # as "=". Labels are not: the strokes of small Chinese glyphs that binarising breaks
        # or joins are Tesseract's to weigh (scanned labels, 20 px glyphs: 35 of 37 read
        # right from grey, 17 binarised).
        cell = grey.crop(grid.cells[i].box)
        if scale > 1:
            size = (round(cell.width * scale), round(cell.height * scale))
            cell = cell.resize(size, Image.Resampling.LANCZOS)
        return ImageOps.expand(binarise(cell, threshold) if binary else cell, BORDER,
                               fill=255)

    value_texts, label_texts = read_batches([
        Batch([cut(i, binary=True) for i in value_ids], *VALUE_OCR),
        Batch([cut(i, binary=False) for i in label_ids], *LABEL_OCR),
    ], timeout)
    texts = [""] * len(grid.cells)
    for i, text in zip(value_ids, value_texts, strict=True):
        texts[i] = "".join(text.split()).translate(LOOKALIKES) or _dash(extents[i], digit)
    for i, text in zip(label_ids, label_texts, strict=True):
        # Chinese needs no spaces; Tesseract puts them between characters and lines.
        texts[i] = "".join(text.split()).translate(LABEL_LOOKALIKES)
    return texts


def _extent(cell: Image.Image) -> _Ink:
    box = ImageOps.invert(cell).getbbox()
    return _Ink(0, 0) if box is None else _Ink(box[2] - box[0], box[3] - box[1])


def _digit_height(extents: list[_Ink]) -> int | None:
    """Digits are the least tall ink of the value cells ("/" is taller, dashes flatter); a
    low percentile rather than the minimum, so one speck does not decide."""
    heights = sorted(e.height for e in extents if e.height >= MIN_DIGIT_PX)
    return heights[len(heights) // 20] if heights else None


def _dash(extent: _Ink, digit: int | None) -> str:
    """What an inked cell read as nothing holds, if its ink is a flat stroke; else ""."""
    if digit is None or extent.height > max(2, FLAT * digit):
        return ""
    return "—" if extent.width > EM_DASH_WIDTH * digit else "-"
