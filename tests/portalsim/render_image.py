"""The statistical tables of a report drawn as PNG images, as township portals publish them.

Many small bodies paste screenshots of their Word tables into the report instead of the tables
themselves, so the parser has to OCR them. These images imitate such screenshots (white page,
1px black grid honouring merged cells, centred text, long labels wrapped) and are byte-for-byte
deterministic so that the simulated portal serves identical attachments on every run.

Reading them back (measured by tests/test_portalsim_images.py): run Tesseract on the PNG at its
native size, no rescaling, with

    tesseract table.png - -l chi_sim --psm 6

``--psm 6`` (one uniform block) keeps every table row on one output line, so the numbers of a
row come out in column order; split each line on whitespace and ``|`` and keep the tokens that
are whole numbers (``0``, ``+19``, ``103.3879``, ``251000元``, ``35.6万元``, ``-``, ``/``, ``—``).
Tesseract reads a lone ``—`` as ``一``: treat a standalone ``一`` among numbers as a dash.
Labels such as ``1.属于国家秘密`` are not whole-number tokens, so they drop out.
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

FONT_PX = 21  # ~150 dpi 10.5pt Word text: the size Tesseract read best (see ENVIRONMENT.md)
HEADING_PX = 23
LINE_PX = 30  # line pitch inside a cell
PAD_X = 10  # keep glyphs well clear of the grid lines, which Tesseract otherwise reads as 1 or |
PAD_Y = 8
MARGIN = 16
MIN_VALUE_EM = 3.5  # number columns never shrink below this, even for a lone 0
LABEL_CAP_EM = 10  # label columns wrap beyond this width
VALUE_HEADER_CAP_EM = 4  # headers above number columns wrap like 社会公益\n组织
TALL_CAP_EM = 2  # a label spanning many rows is written as a narrow vertical strip
TALL_ROWS = 4
THRESHOLD = 160

# Kinsoku: these never start a line / never end one.
_NO_LINE_START = set("、，。；：）》」』”’％%)]}!！?？.")
_NO_LINE_END = set("（《「『“‘([{")
_ASCII_RUN = re.compile(r"[A-Za-z0-9.+\-%/]+|.", re.S)


@functools.cache
def _fc_match(pattern: str) -> tuple[str, int]:
    """fontconfig's choice of file and face index (a .ttc holds JP/KR/SC/TC faces)."""
    if shutil.which("fc-match") is None:
        raise RuntimeError("fc-match not found: install fontconfig and fonts-noto-cjk "
                           "(apt-get install -y fontconfig fonts-noto-cjk)")
    out = subprocess.run(["fc-match", "-f", "%{file}\t%{index}\t%{family}", pattern],
                         capture_output=True, text=True, check=False).stdout
    path, _, rest = out.partition("\t")
    index, _, family = rest.partition("\t")
    # fc-match always answers, falling back to a Latin font that would draw tofu boxes.
    if not path or "CJK" not in family:
        raise RuntimeError(f"no CJK font found for {pattern!r} (fc-match gave {out!r}): "
                           "install it with apt-get install -y fonts-noto-cjk")
    return path, int(index or 0)


def cjk_font_path() -> str:
    """Path of the Noto Sans CJK SC font file."""
    return _fc_match("Noto Sans CJK SC")[0]


@functools.cache
def _font(px: int) -> ImageFont.FreeTypeFont:
    path, index = _fc_match("Noto Sans CJK SC")
    return ImageFont.truetype(path, px, index=index)


def _width(text: str, font: ImageFont.FreeTypeFont) -> int:
    return round(font.getlength(text))


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
    text: str  # stripped for value cells


def _cap(p: _Placed, value_cols: set[int], em: int) -> int:
    """Widest a header may grow before it wraps."""
    cols = range(p.col, p.col + p.cell.colspan)
    if p.cell.rowspan >= TALL_ROWS and p.cell.colspan == 1:
        per_col = TALL_CAP_EM
    elif all(c in value_cols for c in cols):
        per_col = VALUE_HEADER_CAP_EM
    else:
        per_col = LABEL_CAP_EM
    return per_col * em * p.cell.colspan


def _column_widths(grid: Grid, cells: list[_Placed], font: ImageFont.FreeTypeFont) -> list[int]:
    em = FONT_PX
    value_cols = {p.col for p in cells if p.cell.key and p.cell.colspan == 1}
    widths = [round(MIN_VALUE_EM * em) if c in value_cols else 2 * em + 2 * PAD_X
              for c in range(grid.n_cols)]

    def need(p: _Placed) -> int:
        if p.cell.key:
            return _natural(p.text or "0", font) + 2 * PAD_X
        natural = _natural(p.text, font)
        fit = min(natural, max(_cap(p, value_cols, em), _longest_unit(p.text, font)))
        return fit + 2 * PAD_X

    # Single columns first, then spans only widen what they still do not fit into.
    for p in sorted(cells, key=lambda p: p.cell.colspan):
        cols = range(p.col, p.col + p.cell.colspan)
        extra = need(p) - sum(widths[c] for c in cols)
        if extra > 0:
            share, rest = divmod(extra, len(cols))
            for i, c in enumerate(cols):
                widths[c] += share + (1 if i < rest else 0)
    return widths


def _row_heights(n_rows: int, cells: list[_Placed], lines: list[list[str]]) -> list[int]:
    heights = [LINE_PX + 2 * PAD_Y] * n_rows
    for i, p in sorted(enumerate(cells), key=lambda ip: ip[1].cell.rowspan):
        rows = range(p.row, p.row + p.cell.rowspan)
        extra = len(lines[i]) * LINE_PX + 2 * PAD_Y - sum(heights[r] for r in rows)
        if extra > 0:
            share, rest = divmod(extra, len(rows))
            for j, r in enumerate(rows):
                heights[r] += share + (1 if j < rest else 0)
    return heights


def _offsets(sizes: list[int], start: int) -> list[int]:
    out = [start]
    for size in sizes:
        out.append(out[-1] + size)
    return out


def _png(image: Image.Image) -> bytes:
    """PNG bytes without metadata chunks, so equal pictures are equal files."""
    buf = io.BytesIO()
    image.save(buf, format="PNG", optimize=True)
    return buf.getvalue()


def _binarise(image: Image.Image) -> Image.Image:
    """A 1-bit picture: screenshots of Word tables compress and OCR best as pure black on white."""
    if not THRESHOLD:
        return image
    return image.point(lambda v: 255 if v >= THRESHOLD else 0, mode="1")


@dataclass(frozen=True)
class _Layout:
    cells: list[_Placed]
    lines: list[list[str]]  # wrapped text of each cell
    xs: list[int]  # x of every vertical grid line, left to right
    ys: list[int]  # y of every horizontal grid line, top to bottom
    size: tuple[int, int]

    def box(self, i: int) -> tuple[int, int, int, int]:
        p = self.cells[i]
        return (self.xs[p.col], self.ys[p.row], self.xs[p.col + p.cell.colspan],
                self.ys[p.row + p.cell.rowspan])


def _layout(grid: Grid, heading: str | None) -> _Layout:
    font = _font(FONT_PX)
    cells = [_Placed(r, c, cell, cell.text.strip() if cell.key else cell.text)
             for r, c, cell in grid.positions()]
    xs = _offsets(_column_widths(grid, cells, font), MARGIN)
    lines = [_wrap(p.text, font, xs[p.col + p.cell.colspan] - xs[p.col] - 2 * PAD_X)
             for p in cells]
    top = MARGIN + (round(HEADING_PX * 2) if heading else 0)
    ys = _offsets(_row_heights(len(grid.rows), cells, lines), top)
    width = max(xs[-1], _width(heading or "", _font(HEADING_PX)) + MARGIN) + MARGIN + 1
    return _Layout(cells, lines, xs, ys, (width, ys[-1] + MARGIN + 1))


def table_png(grid: Grid, heading: str | None = None) -> bytes:
    """PNG of one table, with an optional heading line (e.g. '三、收到和处理政府信息公开申请情况')
    drawn above it."""
    layout = _layout(grid, heading)
    font = _font(FONT_PX)
    image = Image.new("L", layout.size, 255)
    draw = ImageDraw.Draw(image)
    if heading:
        draw.text((MARGIN, MARGIN), heading, font=_font(HEADING_PX), fill=0, anchor="lt")
    for i, lines in enumerate(layout.lines):
        x0, y0, x1, y1 = layout.box(i)
        draw.rectangle((x0, y0, x1, y1), outline=0, width=1)
        first = (y0 + y1) / 2 - (len(lines) - 1) * LINE_PX / 2
        for j, line in enumerate(lines):
            draw.text(((x0 + x1) / 2, first + j * LINE_PX), line, font=font, fill=0, anchor="mm")
    return _png(_binarise(image))


def chart_png(title: str, values: list[tuple[str, int]]) -> bytes:
    """A simple bar chart (a figure that is NOT a table), e.g. 图1 主动公开政府信息情况, for
    reports that embed charts."""
    font, title_font = _font(16), _font(HEADING_PX)
    bar, gap, plot_h = 56, 40, 260
    left, top = 60, MARGIN + 2 * HEADING_PX
    labels = [_wrap(label, font, bar + gap - 8) for label, _ in values]
    label_h = max((len(ls) for ls in labels), default=1) * 22
    width = max(left + len(values) * (bar + gap) + gap,
                _width(title, title_font) + 2 * MARGIN)
    height = top + plot_h + 10 + label_h + MARGIN
    image = Image.new("RGB", (width, height), "white")
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
    return _png(image.quantize(colors=16, dither=Image.Dither.NONE))
