"""The ruled grid of a table image, found from its pixels alone (no OCR).

Screenshots of Word tables are drawn with 1px black rules; merged cells are rectangles with
no rule through them. This module finds those rules and turns them into grid positions and
merged cells, so that a table can be rebuilt, and its cells cut out for OCR, before a single
character is read. The method is the one measured in ``tests/portalsim/render_image.py``,
made to survive real screenshots (grey, JPEG, scaled, several tables in one image):

1. A run of >= ``MIN_LINE`` black pixels in a pixel row (column) is part of a horizontal
   (vertical) rule: no glyph at table text size is that long. Runs on neighbouring pixel
   rows (up to GAP_PX apart: double rules, JPEG) form one rule, at most ``MAX_RULE_PX``
   thick, so the filled bars of a chart are not mistaken for rules.
   A run whose ends are not on a rule of the other direction (a "——" typed in a cell) is text.
2. Horizontal rules with no vertical rule between them belong to different tables.
3. In a table, consecutive horizontal rules bound the grid rows, consecutive vertical rules
   the grid columns. Two neighbouring positions belong to one (merged) cell when no rule
   separates them: a vertical rule separates two columns in a row if it crosses that row's
   middle.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from PIL import Image

from parsers.document import ExtractionError

MIN_LINE = 40  # px; the longest glyph at ~150 dpi table text is about 25 px
MAX_RULE_PX = 6  # thicker "rules" are filled areas (chart bars, shading), not grid lines
GAP_PX = 2  # a rule broken by at most this many white pixels (JPEG, anti-aliasing) is one
END_TOLERANCE = 3  # px between a rule's end and the rule it meets
MIN_INK = 4  # black pixels for a cell to count as written on (below: specks, not text)
INSET = 1  # px kept clear of the rules when a cell is cut out
MAX_POSITIONS = 20_000  # the statistical tables have at most 28x15; OCR time grows with it
MIN_THRESHOLD, MAX_THRESHOLD = 128, 224  # bounds of the ink/paper split (ink_threshold)

Box = tuple[int, int, int, int]  # left, top, right, bottom (right/bottom exclusive), pixels


@dataclass
class Rule:
    """A grid line: pixel rows (or columns) ``lo..hi`` and the stretches it is drawn along."""

    lo: int
    hi: int
    spans: list[tuple[int, int]]  # merged (start, end) along the rule, end exclusive

    def covers(self, position: int) -> bool:
        return any(start <= position < end for start, end in self.spans)


@dataclass(frozen=True)
class GridCell:
    """One cell of the grid, merged cells included: its top-left position and extent."""

    row: int
    col: int
    rowspan: int
    colspan: int
    box: Box  # the cell's inside, clear of its rules
    inked: bool  # holds something to read


@dataclass
class RuledGrid:
    """A table's cells over ``n_rows`` x ``n_cols`` grid positions."""

    n_rows: int
    n_cols: int
    cells: list[GridCell]  # in reading order of their top-left positions
    owner: dict[tuple[int, int], int]  # grid position -> index into cells

    def cell_at(self, row: int, col: int) -> GridCell:
        return self.cells[self.owner[row, col]]

    def row_cells(self, row: int) -> list[GridCell]:
        """The distinct cells crossing a grid row, left to right (spans included)."""
        seen: list[int] = []
        for col in range(self.n_cols):
            index = self.owner[row, col]
            if index not in seen:
                seen.append(index)
        return [self.cells[i] for i in seen]


def ink_threshold(grey: Image.Image) -> int:
    """The grey level below which a pixel is ink, from the image's own ink and paper.

    A fixed split at mid-grey loses grey rules and grey text (and rules blurred by scaling);
    Otsu's threshold sits between the ink and the paper the image actually has. Clamped so
    a page of pure black and white splits at 128."""
    return min(max(_otsu(grey.histogram()), MIN_THRESHOLD), MAX_THRESHOLD)


def binarise(grey: Image.Image, threshold: int) -> Image.Image:
    """Mode "L" with only 0 (ink) and 255 (paper)."""
    return grey.point(lambda v: 0 if v < threshold else 255)


def _otsu(histogram: list[int]) -> int:
    """The grey level that best separates two classes of pixels (Otsu, 1979)."""
    total = sum(histogram)
    sum_all = sum(level * n for level, n in enumerate(histogram))
    best, best_level = -1.0, 128
    weight_low = sum_low = 0
    for level, n in enumerate(histogram):
        weight_low += n
        sum_low += level * n
        weight_high = total - weight_low
        if weight_low == 0 or weight_high == 0:
            continue
        mean_low = sum_low / weight_low
        mean_high = (sum_all - sum_low) / weight_high
        between = weight_low * weight_high * (mean_low - mean_high) ** 2
        if between > best:
            best, best_level = between, level + 1  # ink is below the threshold
    return best_level


def _runs(ink: Image.Image) -> list[tuple[int, int, int]]:
    """(pixel row, start, end) of every black run of at least MIN_LINE pixels."""
    width, height = ink.size
    data = ink.tobytes()
    pattern = re.compile(rb"\x00{%d,}" % MIN_LINE)
    return [(y, m.start() - y * width, m.end() - y * width) for y in range(height)
            for m in pattern.finditer(data, y * width, (y + 1) * width)]


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1] + GAP_PX:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _rules(runs: list[tuple[int, int, int]]) -> list[Rule]:
    """Group runs on adjacent pixel rows into rules; drop groups too thick to be a line."""
    groups: list[list[tuple[int, int, int]]] = []
    for run in sorted(runs):
        if groups and run[0] - groups[-1][-1][0] <= 1 + GAP_PX:
            groups[-1].append(run)
        else:
            groups.append([run])
    rules = []
    for group in groups:
        lo, hi = group[0][0], group[-1][0]
        if hi - lo + 1 <= MAX_RULE_PX:
            rules.append(Rule(lo, hi, _merge([(start, end) for _, start, end in group])))
    return rules


def _near(positions: list[int], value: int) -> bool:
    i = bisect.bisect_left(positions, value - END_TOLERANCE)
    return i < len(positions) and positions[i] <= value + END_TOLERANCE


def _anchored(rules: list[Rule], across: list[Rule]) -> list[Rule]:
    """Keep the stretches of rules that start and end on a rule of the other direction."""
    edges = sorted({p for rule in across for p in (rule.lo, rule.hi)})
    kept = []
    for rule in rules:
        spans = [(s, e) for s, e in rule.spans if _near(edges, s) and _near(edges, e - 1)]
        if spans:
            kept.append(Rule(rule.lo, rule.hi, spans))
    return kept


def find_rules(grey: Image.Image, threshold: int) -> tuple[list[Rule], list[Rule]]:
    """Every horizontal and every vertical rule of the image (step 1), anchored or not.

    Rules are looked for with a threshold laxer than ``threshold``, halfway to white: a 1px
    rule of a scaled-down screenshot is smeared over two pixel rows, each too light to pass
    for ink."""
    lines = binarise(grey, (threshold + 255) // 2)
    return (_rules(_runs(lines)), _rules(_runs(lines.transpose(Image.Transpose.TRANSPOSE))))


def find_grids(grey: Image.Image, threshold: int) -> list[RuledGrid]:
    """The ruled tables of a grey image, top to bottom (tables of 2x2 positions or more).

    ``threshold`` splits text from paper (``ink_threshold``)."""
    ink = binarise(grey, threshold)
    raw_rows, raw_cols = find_rules(grey, threshold)
    rows = _anchored(raw_rows, raw_cols)
    cols = _anchored(raw_cols, raw_rows)
    grids = []
    for table_rows in _tables(rows, cols):
        top, bottom = table_rows[0].lo, table_rows[-1].hi
        table_cols = [c for c in cols if any(s < bottom and e > top for s, e in c.spans)]
        grid = _grid(table_rows, table_cols, ink)
        if grid is not None:
            grids.append(grid)
    return grids


def _tables(rows: list[Rule], cols: list[Rule]) -> list[list[Rule]]:
    """Horizontal rules split into tables: two neighbouring rules belong to one table when a
    vertical rule runs between them (an image may hold two tables, or a page with text)."""
    tables: list[list[Rule]] = []
    for rule in rows:
        if tables:
            middle = (tables[-1][-1].hi + rule.lo) // 2
            if any(c.covers(middle) for c in cols):
                tables[-1].append(rule)
                continue
        tables.append([rule])
    return [t for t in tables if len(t) >= 3]


def _grid(rows: list[Rule], cols: list[Rule], ink: Image.Image) -> RuledGrid | None:
    """Grid positions between the rules, joined into cells where no rule parts them."""
    if len(rows) < 3 or len(cols) < 3:
        return None
    n_rows, n_cols = len(rows) - 1, len(cols) - 1
    if n_rows * n_cols > MAX_POSITIONS:
        raise ExtractionError(f"ruled grid of {n_rows}x{n_cols} positions is too large to "
                              "read", kind="too_large")
    parent = list(range(n_rows * n_cols))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for r in range(n_rows):
        middle_y = (rows[r].hi + rows[r + 1].lo) // 2
        for c in range(n_cols):
            middle_x = (cols[c].hi + cols[c + 1].lo) // 2
            here = r * n_cols + c
            if c + 1 < n_cols and not cols[c + 1].covers(middle_y):
                parent[find(here + 1)] = find(here)
            if r + 1 < n_rows and not rows[r + 1].covers(middle_x):
                parent[find(here + n_cols)] = find(here)
    members: dict[int, list[tuple[int, int]]] = {}
    for r in range(n_rows):
        for c in range(n_cols):
            members.setdefault(find(r * n_cols + c), []).append((r, c))
    if len(members) < 2:
        return None
    cells: list[GridCell] = []
    owner: dict[tuple[int, int], int] = {}
    # Union-find roots are visited in row-major order of each cell's first position.
    for positions in sorted(members.values()):
        top, left = positions[0]
        bottom = max(r for r, _ in positions) + 1
        right = max(c for _, c in positions) + 1
        box = (cols[left].hi + 1 + INSET, rows[top].hi + 1 + INSET,
               cols[right].lo - INSET, rows[bottom].lo - INSET)
        for position in positions:
            owner[position] = len(cells)
        cells.append(GridCell(top, left, bottom - top, right - left, box, _inked(ink, box)))
    return RuledGrid(n_rows, n_cols, cells, owner)


def _inked(ink: Image.Image, box: Box) -> bool:
    if box[2] <= box[0] or box[3] <= box[1]:
        return False
    return ink.crop(box).histogram()[0] >= MIN_INK
