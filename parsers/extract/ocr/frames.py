"""Where the ruled tables of a scanned page are, before any grid is built or text read.

A scanned report is a sequence of page images, and its tables run over page breaks: the
table 三 of a county report typically starts halfway down one page and ends on the next.
Neither part alone has the shape ``ocr_shape`` recognises, and the part cut at the bottom of
a page has no rule along the cut, so ``ocr_grid`` (which wants every rule to end on a rule)
does not even see it as a grid. A *frame* is the box of one table part as far as its rules
reach, open ends included: the rules of ``ocr_grid.find_rules`` that touch one another,
joined. Knowing the frames, the scanned-PDF reader can tell a table from the prose around
it, join the parts of a table cut by page breaks into one image, and only then read it.
"""

from __future__ import annotations

from dataclasses import dataclass

from PIL import Image

from parsers.extract.ocr.grid import END_TOLERANCE, Rule, find_rules

MIN_VERTICAL = 3  # rules: a table has two columns at least; a boxed paragraph has 2 rules
FULL_WIDTH = 0.9  # share of a frame's width a rule must run along to close its top/bottom


@dataclass(frozen=True)
class Segment:
    """One stretch of a rule: ``across`` is where it stands (pixel rows of a horizontal
    rule, columns of a vertical one), ``start``-``end`` how far it runs (end exclusive)."""

    lo: int
    hi: int
    start: int
    end: int

    def meets(self, other: Segment) -> bool:
        """Whether a horizontal and a vertical segment touch or cross."""
        reach = END_TOLERANCE + 1
        return (self.start - reach <= other.lo and other.hi <= self.end + reach
                and other.start - reach <= self.lo and self.hi <= other.end + reach)


@dataclass(frozen=True)
class Frame:
    """The box (pixels, right/bottom exclusive) of the rules of one table part, and the
    horizontal rules along its top and bottom edges, if any."""

    left: int
    top: int
    right: int
    bottom: int
    top_rule: Segment | None
    bottom_rule: Segment | None

    @property
    def width(self) -> int:
        return self.right - self.left

    @property
    def closed_top(self) -> bool:
        """Ruled across along its top: the table does not come from above."""
        return self._full(self.top_rule)

    @property
    def closed_bottom(self) -> bool:
        return self._full(self.bottom_rule)

    def _full(self, rule: Segment | None) -> bool:
        return rule is not None and rule.end - rule.start >= FULL_WIDTH * self.width


def find_frames(grey: Image.Image, threshold: int) -> list[Frame]:
    """The frames of a grey page image, top to bottom."""
    rows, cols = find_rules(grey, threshold)
    horizontal, vertical = _segments(rows), _segments(cols)
    frames = [_frame(hs, vs) for hs, vs in _touching(horizontal, vertical)
              if len(vs) >= MIN_VERTICAL and hs]
    return sorted(frames, key=lambda f: (f.top, f.left))


def _segments(rules: list[Rule]) -> list[Segment]:
    return [Segment(rule.lo, rule.hi, start, end) for rule in rules
            for start, end in rule.spans]


def _touching(horizontal: list[Segment], vertical: list[Segment]
              ) -> list[tuple[list[Segment], list[Segment]]]:
    """Groups of segments connected through the ones they meet (union-find)."""
    parent = list(range(len(horizontal) + len(vertical)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for h, across in enumerate(horizontal):
        for v, down in enumerate(vertical):
            if across.meets(down):
                parent[find(len(horizontal) + v)] = find(h)
    groups: dict[int, tuple[list[Segment], list[Segment]]] = {}
    for h, segment in enumerate(horizontal):
        groups.setdefault(find(h), ([], []))[0].append(segment)
    for v, segment in enumerate(vertical):
        groups.setdefault(find(len(horizontal) + v), ([], []))[1].append(segment)
    return list(groups.values())


def _frame(horizontal: list[Segment], vertical: list[Segment]) -> Frame:
    left = min([v.lo for v in vertical] + [h.start for h in horizontal])
    right = max([v.hi + 1 for v in vertical] + [h.end for h in horizontal])
    top = min([h.lo for h in horizontal] + [v.start for v in vertical])
    bottom = max([h.hi + 1 for h in horizontal] + [v.end for v in vertical])
    top_rules = [h for h in horizontal if h.lo <= top + END_TOLERANCE]
    bottom_rules = [h for h in horizontal if h.hi + 1 >= bottom - END_TOLERANCE]
    return Frame(left, top, right, bottom, _longest(top_rules), _longest(bottom_rules))


def _longest(segments: list[Segment]) -> Segment | None:
    return max(segments, key=lambda s: s.end - s.start, default=None)
