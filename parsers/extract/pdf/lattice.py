"""Ruled tables from the lines and boxes drawn on a PDF page (the "lattice" method).

The same algorithm as pdfplumber's ``TableFinder`` with its "lines" strategy and default
settings, re-implemented on tuples for the fast PDF path: drawn lines, box edges and curve
segments become horizontal and vertical edges; edges within 3 points of one line are snapped
together and joined; where they cross are the intersections; the smallest rectangles whose
corners are joined by edges are the cells; cells sharing corners make a table. The results
must equal pdfplumber's, which the parsers were built on, so its quirks are kept (a slanted
line counts as vertical at its left end).

Two decisions of ours sit on top, used by both PDF paths: which drawings are rules
(``is_rule``) and the rules a table broken by a page lacks (``closing_rules``).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from itertools import groupby

from parsers.extract.page_layout import Box

SNAP = 3.0  # points: edges this close are one line (pdfplumber's snap/join tolerance)
CROSS = 3.0  # points: edges this close to each other intersect
MIN_EDGE = 3.0  # points: shorter edges are no rules
THIN_FILL = 3.0  # points: a filled box thinner than this is a rule drawn as a bar

# (x0, top, x1, bottom, orientation "h" | "v" | ""): one straight piece of a drawing
Edge = tuple[float, float, float, float, str]
Point = tuple[float, float]


@dataclass
class Shape:
    """A drawn path as pdfminer classifies it: a single segment ("line"), an axis-aligned
    rectangle ("rect") or anything else ("curve", with its points)."""

    kind: str
    x0: float
    top: float
    x1: float
    bottom: float
    fill: bool
    stroke: bool
    points: list[Point] = field(default_factory=list)


def is_rule(kind: str, fill: bool, stroke: bool, width: float, height: float) -> bool:
    """Keep what can draw a table rule: lines, stroked boxes and thin filled bars. Filled
    areas (WPS shades every text line with one; backgrounds) are not rules, or every page
    would look like a one-column table."""
    if kind == "rect" and fill and not stroke:
        return min(width, height) < THIN_FILL
    return True


def shape_edges(shapes: list[Shape]) -> list[Edge]:
    """Edges in pdfplumber's order: lines, then the four sides of each box, then curves."""
    lines: list[Edge] = []
    boxes: list[Edge] = []
    curves: list[Edge] = []
    for s in shapes:
        if s.kind == "line":
            lines.append((s.x0, s.top, s.x1, s.bottom, "h" if s.top == s.bottom else "v"))
        elif s.kind == "rect":
            boxes += [(s.x0, s.top, s.x1, s.top, "h"), (s.x0, s.bottom, s.x1, s.bottom, "h"),
                      (s.x0, s.top, s.x0, s.bottom, "v"), (s.x1, s.top, s.x1, s.bottom, "v")]
        else:
            for (ax, ay), (bx, by) in zip(s.points, s.points[1:]):
                curves.append((min(ax, bx), min(ay, by), max(ax, bx), max(ay, by),
                               "v" if ax == bx else ("h" if ay == by else "")))
    return lines + boxes + curves


def closing_rules(edges: list[Edge]) -> list[Edge]:
    """Horizontal rules where a table's vertical rules end in the open: a table broken by a
    page often has no rule above its first row (or below its last), and without one the
    table finder drops that row and it reads as prose."""
    verticals = [e for e in edges if e[4] == "v" and e[3] - e[1] > 5]
    horizontals = [e for e in edges if e[4] == "h"]

    def closed(y: float, x: float) -> bool:
        return any(abs(h[1] - y) <= 3 and h[0] - 3 <= x <= h[2] + 3 for h in horizontals)

    rules: list[Edge] = []
    for end in (1, 3):  # the tops, then the bottoms of the vertical rules
        ends = sorted((e[end], e[0]) for e in verticals if not closed(e[end], e[0]))
        groups: list[list[tuple[float, float]]] = []
        for y, x in ends:
            if groups and y - groups[-1][-1][0] <= 3:
                groups[-1].append((y, x))
            else:
                groups.append([(y, x)])
        for group in groups:
            xs = [x for _y, x in group]
            if len(xs) >= 2:
                y = min(g[0] for g in group) if end == 1 else max(g[0] for g in group)
                rules.append((min(xs), y, max(xs), y, "h"))
    return rules


def find_lattices(shapes: list[Shape]) -> list[list[Box]]:
    """The tables drawn by ``shapes``, top to bottom, each as its cells."""
    edges = shape_edges([s for s in shapes if is_rule(s.kind, s.fill, s.stroke,
                                                    s.x1 - s.x0, s.bottom - s.top)])
    verticals = [e for e in edges if e[4] == "v" and e[3] - e[1] >= 1]
    horizontals = [e for e in edges if e[4] == "h" and e[2] - e[0] >= 1]
    merged = _merge(verticals + horizontals + closing_rules(edges))
    merged = [e for e in merged if (e[3] - e[1] if e[4] == "v" else e[2] - e[0]) >= MIN_EDGE]
    return _tables(_cells(_intersections(merged)))


def _snap(edges: list[Edge], axis: int) -> list[Edge]:
    """Edges whose positions (x0 of verticals, top of horizontals) chain within SNAP of each
    other move to their mean; the arithmetic is pdfplumber's, so positions compare equal
    exactly where its do."""
    clusters: dict[float, list[Edge]] = {}
    ids: dict[float, float] = {}
    first, last = None, None
    for value in sorted({e[axis] for e in edges}):
        if last is None or value > last + SNAP:
            first = value
        ids[value] = first  # type: ignore[assignment]
        last = value
    for e in edges:
        clusters.setdefault(ids[e[axis]], []).append(e)
    out: list[Edge] = []
    for key in sorted(clusters):
        group = clusters[key]
        mean = sum(e[axis] for e in group) / len(group)
        for x0, top, x1, bottom, orient in group:
            if axis == 0:
                shift = mean - x0
                out.append((x0 + shift, top, x1 + shift, bottom, orient))
            else:
                shift = mean - top
                out.append((x0, top + shift, x1, bottom + shift, orient))
    return out


def _merge(edges: list[Edge]) -> list[Edge]:
    snapped = (_snap([e for e in edges if e[4] == "v"], 0)
               + _snap([e for e in edges if e[4] == "h"], 1))

    def line_of(e: Edge) -> tuple[str, float]:
        return (e[4], e[1] if e[4] == "h" else e[0])

    out: list[Edge] = []
    for (orient, _position), group in groupby(sorted(snapped, key=line_of), key=line_of):
        lo, hi = (0, 2) if orient == "h" else (1, 3)
        joined: list[Edge] = []
        for e in sorted(group, key=lambda e: e[lo]):
            if joined and e[lo] <= joined[-1][hi] + SNAP:
                if e[hi] > joined[-1][hi]:
                    last = list(joined[-1])
                    last[hi] = e[hi]
                    joined[-1] = (last[0], last[1], last[2], last[3], orient)
            else:
                joined.append(e)
        out += joined
    return out


Crossings = dict[Point, tuple[set[Box], set[Box]]]  # point -> (its vertical, horizontal edges)


def _intersections(edges: list[Edge]) -> Crossings:
    """Where a vertical and a horizontal edge cross or nearly meet (within CROSS). Only the
    horizontals at the height of a vertical are tried: drawings of many small paths (text
    set as outlines) would otherwise cost the product of the two counts."""
    verticals = sorted((e for e in edges if e[4] == "v"), key=lambda e: (e[0], e[1]))
    horizontals = sorted((e for e in edges if e[4] == "h"), key=lambda e: (e[1], e[0]))
    heights = [h[1] for h in horizontals]
    points: Crossings = {}
    for v in verticals:
        # a window a little wider than the test below, which alone decides
        start = bisect_left(heights, v[1] - CROSS - 1e-6)
        end = bisect_right(heights, v[3] + CROSS + 1e-6)
        for h in horizontals[start:end]:
            if (v[1] <= h[1] + CROSS and v[3] >= h[1] - CROSS
                    and h[0] - CROSS <= v[0] <= h[2] + CROSS):
                sets = points.setdefault((v[0], h[1]), (set(), set()))
                sets[0].add(v[:4])
                sets[1].add(h[:4])
    return points


def _cells(points: Crossings) -> list[Box]:
    """For each intersection, the smallest cell it is the top-left corner of."""
    def joined(p: Point, q: Point) -> bool:
        return bool((p[0] == q[0] and points[p][0] & points[q][0])
                    or (p[1] == q[1] and points[p][1] & points[q][1]))

    ordered = sorted(points)
    columns: dict[float, list[Point]] = {}
    rows: dict[float, list[Point]] = {}
    for p in ordered:
        columns.setdefault(p[0], []).append(p)
        rows.setdefault(p[1], []).append(p)
    cells = []
    for p in ordered:
        below = [q for q in columns[p[0]] if q > p]
        right = [q for q in rows[p[1]] if q > p]
        cell = next(((p[0], p[1], r[0], b[1]) for b in below if joined(p, b)
                     for r in right if joined(p, r)
                     if (r[0], b[1]) in points and joined((r[0], b[1]), r)
                     and joined((r[0], b[1]), b)), None)
        if cell is not None:
            cells.append(cell)
    return cells


def _tables(cells: list[Box]) -> list[list[Box]]:
    """Cells grouped into tables by shared corners, as pdfplumber's ``cells_to_tables``:
    a table grows pass by pass, in the cells' order, until a pass adds nothing."""
    remaining = list(cells)
    tables: list[list[Box]] = []
    while remaining:
        table: list[Box] = []
        corners: set[Point] = set()
        while True:
            rest = []
            for cell in remaining:
                x0, top, x1, bottom = cell
                mine = ((x0, top), (x0, bottom), (x1, top), (x1, bottom))
                if not table or any(c in corners for c in mine):
                    table.append(cell)
                    corners.update(mine)
                else:
                    rest.append(cell)
            added = len(rest) < len(remaining)
            remaining = rest
            if not added or not remaining:
                break
        tables.append(table)
    tables.sort(key=lambda t: min((c[1], c[0]) for c in t))
    return [t for t in tables if len(t) > 1]


def lattice_rows(cells: list[Box]) -> list[list[Box | None]]:
    """A table's cells as rows (by top) over the columns (distinct left edges); positions
    no cell starts at are None."""
    xs = sorted({c[0] for c in cells})
    rows = []
    for _top, row in groupby(sorted(cells, key=lambda c: (c[1], c[0])), key=lambda c: c[1]):
        by_x = {c[0]: c for c in row}
        rows.append([by_x.get(x) for x in xs])
    return rows
