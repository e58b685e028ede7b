"""A scanned page as pixels made fit to read, and its prose read by Tesseract.

Two things a scan does that a screenshot does not: the sheet lies a little askew, and the
page holds prose around the tables. ``deskew`` turns the page upright before any rule is
looked for: ``ocr_grid`` finds a rule as runs of ink along one pixel row, and a 0.4 degree
tilt moves a table-wide rule by 6 px at 150 dpi, which breaks it into pieces too thick to be
a rule. ``read_prose`` reads a page (its tables already painted over) as Tesseract's words
with their boxes, gathered into lines the PDF reader joins into paragraphs as it joins the
lines of a text layer.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from itertools import pairwise

from PIL import Image, ImageChops, ImageFilter, ImageOps

from parsers.extract.ocr.grid import binarise, ink_threshold
from parsers.extract.ocr.tesseract import Batch, read_batches
from parsers.extract.page_layout import Line

MAX_SKEW = 2.0  # degrees either way: a sheet fed further askew is not straightened
COARSE_STEP, FINE_STEP = 0.25, 0.05  # degrees
MIN_PAGE_INK = 400  # dark pixels: fewer is a blank sheet (specks, a punched hole)
PAPER_REDUCE, PAPER_WINDOW = 3, 5  # paper: what is left when ink thinner than 15 px goes
PROSE_OCR = ("chi_sim", 3)  # a page: Tesseract finds the blocks and lines itself
MIN_CONFIDENCE = 30.0  # a line whose words all score lower is noise read as text
_ASCII_WORD = re.compile(r"[A-Za-z0-9]")


@dataclass(frozen=True)
class _Word:
    line: tuple[str, str, str]  # block, paragraph, line numbers
    text: str
    box: tuple[int, int, int, int]  # left, top, right, bottom
    confidence: float


def is_blank(grey: Image.Image) -> bool:
    """Nothing printed: a page Word left empty, or the back of a sheet."""
    return sum(grey.histogram()[:128]) < MIN_PAGE_INK


def flatten(grey: Image.Image) -> Image.Image:
    """The page on white: paper, tinted cells and uneven light become 255, ink keeps its
    darkness against the paper around it.

    A scanner gives paper a grey and the template's tinted heading cells (第二十条第（一）项)
    a darker one, as dark as the lax threshold ``ocr_grid`` looks for thin rules with: a
    tinted cell and its rules would be one thick dark block, no rule at all. The paper's
    level at each point is the lightest pixel around it (wider than a glyph's stroke,
    narrower than a cell), worked out on a reduced page: cheap, and it varies slowly."""
    small = grey.reduce(PAPER_REDUCE)
    paper = small.filter(ImageFilter.MaxFilter(PAPER_WINDOW)).filter(
        ImageFilter.MinFilter(PAPER_WINDOW)).resize(grey.size, Image.Resampling.BILINEAR)
    return ImageOps.invert(ImageChops.subtract(paper, grey))


def deskew(grey: Image.Image) -> tuple[Image.Image, float]:
    """The page turned upright, and the angle it was turned by (degrees, anticlockwise).

    The skew is the angle at which the rows of ink are sharpest: lines of text and rules
    then fall on few pixel rows, so the profile of ink per row varies most. Rotations are
    nearest-neighbour, so that no angle is favoured for being blurred less than another."""
    ink = ImageOps.invert(binarise(grey, ink_threshold(grey)))
    coarse = [COARSE_STEP * k for k in range(-round(MAX_SKEW / COARSE_STEP),
                                             round(MAX_SKEW / COARSE_STEP) + 1)]
    half = ink.reduce(2)  # enough to tell steps of COARSE_STEP apart, at a quarter the cost
    best = max(coarse, key=lambda angle: _sharpness(half, angle))
    fine = [best + FINE_STEP * k for k in range(-round(COARSE_STEP / FINE_STEP) + 1,
                                                round(COARSE_STEP / FINE_STEP))]
    angle = max(fine, key=lambda a: _sharpness(ink, a))
    if abs(angle) < FINE_STEP / 2:
        return grey, 0.0
    return grey.rotate(angle, Image.Resampling.BICUBIC, fillcolor=255), angle


def _sharpness(ink: Image.Image, angle: float) -> float:
    turned = ink.rotate(angle, Image.Resampling.NEAREST, fillcolor=0) if angle else ink
    # Shrinking to one pixel column averages every row: the profile without a Python loop.
    profile = turned.resize((1, turned.height), Image.Resampling.BOX).tobytes()
    mean = sum(profile) / len(profile)
    return sum((v - mean) ** 2 for v in profile)


def read_prose(pages: list[Image.Image], timeout: float) -> list[list[Line]]:
    """The text lines of each page, top to bottom, boxes in pixels. One Tesseract process
    a page (TSV output has no separator between images), all at once."""
    outputs = read_batches([Batch([page], *PROSE_OCR, config=("tsv",)) for page in pages],
                           timeout=timeout)
    return [_lines(_words(texts[0])) for texts in outputs]


def _words(tsv: str) -> list[_Word]:
    """The words of Tesseract's TSV (level 5 rows) that hold text."""
    words = []
    rows = csv.reader(tsv.splitlines()[1:], delimiter="\t", quoting=csv.QUOTE_NONE)
    for row in rows:
        if len(row) < 12 or row[0] != "5" or not row[11].strip():
            continue
        left, top, width, height = (int(v) for v in row[6:10])
        words.append(_Word((row[2], row[3], row[4]), row[11].strip(),
                           (left, top, left + width, top + height), float(row[10])))
    return words


def _lines(words: list[_Word]) -> list[Line]:
    grouped: dict[tuple[str, str, str], list[_Word]] = {}
    for word in words:
        grouped.setdefault(word.line, []).append(word)
    lines = [_line(members) for members in grouped.values()
             if max(w.confidence for w in members) >= MIN_CONFIDENCE]
    return sorted(lines, key=lambda line: (line.top, line.x0))


def _line(words: list[_Word]) -> Line:
    text = words[0].text
    for before, word in pairwise(words):
        # Tesseract parts Chinese into words at will: a space only between Latin or digits.
        latin = _ASCII_WORD.match(before.text[-1]) and _ASCII_WORD.match(word.text[0])
        text += (" " if latin else "") + word.text
    return Line(text, min(w.box[0] for w in words), min(w.box[1] for w in words),
                max(w.box[2] for w in words), max(w.box[3] for w in words))
