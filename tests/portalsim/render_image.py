"""The statistical tables of a report drawn as PNG images, as township portals publish them.

Many small bodies paste screenshots of their Word tables into the report instead of the tables
themselves, so the parser has to OCR them. These images imitate such screenshots (white page,
1px black grid honouring merged cells, centred text, long labels wrapped) and are byte-for-byte
deterministic so that the simulated portal serves identical attachments on every run.

How to read them back (measured by tests/test_portalsim_images.py, Tesseract 5.3, chi_sim):

1. Find the grid: rows and columns of the 1-bit image with a run of >= 40 black pixels are
   grid lines (no glyph is that long). Consecutive horizontal-line ys bound the table rows;
   in each row, the vertical lines crossing its middle bound its cells.
2. The value cells are the cells right of the label cells of the table's last row (one label
   cell in ``active`` and ``applications``, none in ``review_litigation``). A cell without
   ink is blank.
3. Cut every inked value cell out (inside its lines), add a 20px white border, and OCR all the
   cells of a table in one process, at native size, from a list file (one path per line):

       tesseract cells.txt - -l chi_sim+eng --psm 7

   The output holds one text per image, in list order, separated by form feeds.
4. Drop spaces and map the look-alikes that only a number cell can disambiguate:
   ``一`` -> ``—`` (the em dash and 一 are the same glyph), ``了`` -> ``7``, ``工`` -> ``1``.

That read all 11,002 value cells of 180 randomly styled tables exactly (0, 1234, +19, -4,
103.3879, 251000元, 35.6万元, -, /, —), at about 8 ms of OCR per cell.

What does not work: OCR of the whole image. ``--psm 3/4`` remove the grid but also the
dashes, slashes and lone zeros; ``--psm 6/11`` read the grid lines as ``1`` or ``|``; even with
the grid erased, ``--psm 6`` reads only 65-77 % of the cells, because rows of small glyphs
(- / —) are dropped as noise. A strip of a row's value cells with ``--psm 7`` reads 99.7 % but
loses whole sparse rows such as ``1 - - - 1 - - -``. ``-l chi_sim`` alone reads a lone ``/``
as ``7``; ``-l eng`` alone drops minus signs and cannot read ``万元``.
"""

from __future__ import annotations

import functools
import io
import re
import shutil
import subprocess
from dataclasses import dataclass

from PIL import Image, ImageDraw, ImageFont

from .tables import Grid, GridCell

FONT_PX = 22  # ~150 dpi Word text; 20px already loses slashes, 300 dpi reads digits worse
HEADING_PX = 23
LINE_PX = 31  # line pitch inside a cell
PAD_X = 10  # glyphs clear of the grid lines, which OCR otherwise reads as 1 or |
PAD_Y = 8
MARGIN = 16
MIN_VALUE_EM = 3.5  # number columns never shrink below this, even for a lone 0
LABEL_CAP_EM = 10  # label columns wrap beyond this width
VALUE_HEADER_CAP_EM = 4  # headers above number columns wrap, like 社会公益\n组织
TALL_CAP_EM = 2  # a label spanning many rows is written as a narrow vertical strip
TALL_ROWS = 4
INK_THRESHOLD = 200  # binarise generously: thin strokes (/ -) survive, and OCR read them best
DIGIT_TRACKING = 2  # px between ASCII characters: Noto's footed 1s glue together (11 -> u)

# Kinsoku: these never start a line / never end one.
_NO_LINE_START = frozenset("、，。；：）》」』”’％%)]}!！?？.")
_NO_LINE_END = frozenset("（《「『“‘([{")
_ASCII_RUN = re.compile(r"[A-Za-z0-9.+\-%/]+|.", re.S)


@functools.cache
def _fc_match(pattern: str) -> tuple[str, int]:
    """fontconfig's file and face index (a .ttc holds the JP/KR/SC/TC faces)."""
    if shutil.which("fc-match") is None:
        raise RuntimeError("fc-match not found: apt-get install -y fontconfig fonts-noto-cjk")
    out = subprocess.run(["fc-match", "-f", "%{file}\t%{index}\t%{family}", pattern],
                         capture_output=True, text=True, check=False).stdout
    path, _, rest = out.partition("\t")
    index, _, family = rest.partition("\t")
    # fc-match always answers, falling back to a Latin font that would draw tofu boxes.
    if not path or "CJK" not in family:
        raise RuntimeError(f"no CJK font for {pattern!r} (fc-match gave {out!r}): "
                           "apt-get install -y fonts-noto-cjk")
    return path, int(index or 0)


def cjk_font_path() -> str:
    """Path of a CJK font: Noto Sans CJK SC (apt package fonts-noto-cjk)."""
    return _fc_match("Noto Sans CJK SC")[0]


@functools.cache
def _font(px: int) -> ImageFont.FreeTypeFont:
    path, index = _fc_match("Noto Sans CJK SC")
    return ImageFont.truetype(path, px, index=index)


def _width(text: str, font: ImageFont.FreeTypeFont) -> int:
    return round(font.getlength(text))


def _gaps(text: str) -> list[int]:
    """Extra space after each character; only between ASCII characters (digits)."""
    return [DIGIT_TRACKING if a.isascii() and b.isascii() else 0
            for a, b in zip(text, text[1:])] + [0]


def _tracked_width(text: str, font: ImageFont.FreeTypeFont) -> int:
    return _width(text, font) + sum(_gaps(text))


def _draw_tracked(draw: ImageDraw.ImageDraw, centre: tuple[float, float], text: str,
                  font: ImageFont.FreeTypeFont) -> None:
    x = centre[0] - _tracked_width(text, font) / 2
    for ch, gap in zip(text, _gaps(text)):
        draw.text((round(x), centre[1]), ch, font=font, fill=0, anchor="lm")
        x += font.getlength(ch) + gap


def _units(paragraph: str) -> list[str]:
    """Unbreakable pieces: ASCII runs stay whole, CJK breaks anywhere except at kinsoku."""
    units: list[str] = []
    for piece in _ASCII_RUN.findall(paragraph):
        if units and (piece[0] in _NO_LINE_START or units[-1][-1] in _NO_LINE_END):
            units[-1] += piece
        else:
            units.append(piece)
    return units


def _wrap(text: str, font: ImageFont.FreeTypeFont, width: int) -> list[str]:
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for unit in _units(paragraph):
            if line and _width(line + unit, font) > width:
                lines.append(line)
                line = unit
            else:
                line += unit
        lines.append(line)
    return lines


def _natural(text: str, font: ImageFont.FreeTypeFont) -> int:
    return max(_width(p, font) for p in text.split("\n"))


def _longest_unit(text: str, font: ImageFont.FreeTypeFont) -> int:
    return max((_width(u, font) for p in text.split("\n") for u in _units(p)), default=0)


@dataclass(frozen=True)
class _Placed:
    row: int
    col: int
    cell: GridCell
    text: str  # stripped for value cells: padding spaces are not drawn


def _cap(p: _Placed, value_cols: set[int]) -> int:
    """Widest a header may grow before it wraps: label columns wide, number columns narrow."""
    if p.cell.rowspan >= TALL_ROWS and p.cell.colspan == 1:
        per_col = TALL_CAP_EM
    elif all(c in value_cols for c in range(p.col, p.col + p.cell.colspan)):
        per_col = VALUE_HEADER_CAP_EM
    else:
        per_col = LABEL_CAP_EM
    return per_col * FONT_PX * p.cell.colspan


def _column_widths(n_cols: int, cells: list[_Placed], font: ImageFont.FreeTypeFont) -> list[int]:
    value_cols = {p.col for p in cells if p.cell.key and p.cell.colspan == 1}
    widths = [round(MIN_VALUE_EM * FONT_PX) if c in value_cols else 2 * FONT_PX + 2 * PAD_X
              for c in range(n_cols)]

    def need(p: _Placed) -> int:
        if p.cell.key:
            return _tracked_width(p.text or "0", font) + 2 * PAD_X
        cap = max(_cap(p, value_cols), _longest_unit(p.text, font))
        return min(_natural(p.text, font), cap) + 2 * PAD_X

    # Single columns first, so a span only widens what its columns do not already give it.
    for p in sorted(cells, key=lambda p: p.cell.colspan):
        cols = range(p.col, p.col + p.cell.colspan)
        _spread_extra(widths, cols, need(p) - sum(widths[c] for c in cols))
    return widths


def _row_heights(n_rows: int, cells: list[_Placed], lines: list[list[str]]) -> list[int]:
    heights = [LINE_PX + 2 * PAD_Y] * n_rows
    for p, cell_lines in sorted(zip(cells, lines), key=lambda pl: pl[0].cell.rowspan):
        rows = range(p.row, p.row + p.cell.rowspan)
        _spread_extra(heights, rows, len(cell_lines) * LINE_PX + 2 * PAD_Y
                      - sum(heights[r] for r in rows))
    return heights


def _spread_extra(sizes: list[int], span: range, extra: int) -> None:
    if extra > 0:
        share, rest = divmod(extra, len(span))
        for i, k in enumerate(span):
            sizes[k] += share + (1 if i < rest else 0)


def _offsets(sizes: list[int], start: int) -> list[int]:
    out = [start]
    for size in sizes:
        out.append(out[-1] + size)
    return out


@dataclass(frozen=True)
class _Layout:
    cells: list[_Placed]
    lines: list[list[str]]  # the wrapped text of each cell
    xs: list[int]  # every vertical grid line, left to right
    ys: list[int]  # every horizontal grid line, top to bottom
    size: tuple[int, int]

    def box(self, i: int) -> tuple[int, int, int, int]:
        p = self.cells[i]
        return (self.xs[p.col], self.ys[p.row], self.xs[p.col + p.cell.colspan],
                self.ys[p.row + p.cell.rowspan])


def _layout(grid: Grid, heading: str | None) -> _Layout:
    font = _font(FONT_PX)
    cells = [_Placed(r, c, cell, cell.text.strip() if cell.key else cell.text)
             for r, c, cell in grid.positions()]
    xs = _offsets(_column_widths(grid.n_cols, cells, font), MARGIN)
    lines = [_wrap(p.text, font, xs[p.col + p.cell.colspan] - xs[p.col] - 2 * PAD_X)
             for p in cells]
    top = MARGIN + (2 * HEADING_PX if heading else 0)
    ys = _offsets(_row_heights(len(grid.rows), cells, lines), top)
    width = max(xs[-1], _width(heading or "", _font(HEADING_PX)) + MARGIN) + MARGIN + 1
    return _Layout(cells, lines, xs, ys, (width, ys[-1] + MARGIN + 1))


def _png(image: Image.Image) -> bytes:
    """PNG without metadata chunks (no time, no dpi), so equal pictures are equal files."""
    buf = io.BytesIO()
    image.save(buf, format="PNG", optimize=True)
    return buf.getvalue()


def table_png(grid: Grid, heading: str | None = None) -> bytes:
    """PNG of one table, with an optional heading line (e.g. '三、收到和处理政府信息公开申请情况')
    drawn above it."""
    layout = _layout(grid, heading)
    font = _font(FONT_PX)
    image = Image.new("L", layout.size, 255)
    draw = ImageDraw.Draw(image)
    if heading:
        draw.text((MARGIN, MARGIN), heading, font=_font(HEADING_PX), fill=0, anchor="lt")
    for i, (p, lines) in enumerate(zip(layout.cells, layout.lines)):
        x0, y0, x1, y1 = layout.box(i)
        # Every cell draws its own border, so merged cells never get a line through them.
        draw.rectangle((x0, y0, x1, y1), outline=0, width=1)
        first = (y0 + y1) / 2 - (len(lines) - 1) * LINE_PX / 2
        for j, line in enumerate(lines):
            centre = ((x0 + x1) / 2, first + j * LINE_PX)
            if p.cell.key:
                _draw_tracked(draw, centre, line, font)
            else:
                draw.text(centre, line, font=font, fill=0, anchor="mm")
    # 1-bit like a fax-grade scan: about 20 KB for the 28-row table instead of about 100 KB.
    return _png(image.point(lambda v: 255 if v >= INK_THRESHOLD else 0, mode="1"))


def chart_png(title: str, values: list[tuple[str, int]]) -> bytes:
    """A simple bar chart (a figure that is NOT a table), e.g. 图1 主动公开政府信息情况, for
    reports that embed charts."""
    font, title_font = _font(16), _font(HEADING_PX)
    bar, gap, plot_h, left = 56, 40, 260, 60
    top = MARGIN + 2 * HEADING_PX
    labels = [_wrap(label, font, bar + gap - 8) for label, _ in values]
    label_h = max((len(ls) for ls in labels), default=1) * 22
    width = max(left + len(values) * (bar + gap) + gap, _width(title, title_font) + 2 * MARGIN)
    image = Image.new("RGB", (width, top + plot_h + 10 + label_h + MARGIN), "white")
    draw = ImageDraw.Draw(image)
    draw.text((width / 2, MARGIN), title, font=title_font, fill="black", anchor="mt")
    base = top + plot_h
    draw.line((left, top, left, base), fill="black")
    draw.line((left, base, width - MARGIN, base), fill="black")
    peak = max((v for _, v in values), default=0) or 1
    for i, ((_, value), label_lines) in enumerate(zip(values, labels)):
        x0 = left + gap + i * (bar + gap)
        h = round((plot_h - 30) * value / peak)
        draw.rectangle((x0, base - h, x0 + bar, base), fill=(68, 114, 196))
        draw.text((x0 + bar / 2, base - h - 4), str(value), font=font, fill="black", anchor="mb")
        for j, line in enumerate(label_lines):
            draw.text((x0 + bar / 2, base + 8 + j * 22), line, font=font, fill="black",
                      anchor="mt")
    # A handful of flat colours: a palette keeps the chart a few KB.
    return _png(image.quantize(colors=16, dither=Image.Dither.NONE))
