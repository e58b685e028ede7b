"""Reading rows by their labels: which canonical row a row of numbers is.

Works on any row stream (``rows``), so grids split over several tables or pages, tables
drawn block by block, and tables flattened to text are read by one loop. A row's own label
is tried first, most specific cell first (the group label 三、本年度办理结果 or （三）不予公开
often shares the row with its first sub-row); then, for labels broken over lines or PDF
rows, the label rows just above it. Table 四 usually has no row labels: its one line of 15
numbers is recognised by its length or by the 行政复议/行政诉讼 headers above it (a table
drawn as three labelled rows of 5 is read by the labels).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from .cells import is_blank, norm
from .collect import Collector
from .rows import Row
from .schema import RowSpec, review_specs, row_specs

_MEMO_TEXT = 200  # longer labels (a paragraph read as a row) are not remembered
REVIEW_MIN_VALUES = 12  # of 15: a row this long is table 四 even if a PDF lost a blank
CONTEXT_ROWS = 3  # label-only rows kept as the possible start of a broken label
_REVIEW_HEADERS = re.compile(r"复议|诉讼|维持|纠正|审结")


def read_labelled(rows: Iterable[Row], layout: str, out: Collector) -> None:
    context: list[str] = []
    for row in rows:
        labels, values, stray = row.split()
        target = identify(labels, values, context, layout) if values else None
        if target is None:
            if labels:
                context = [*context, "".join(labels)][-CONTEXT_ROWS:]
            continue
        context = []
        out.add_row(target, values, row.source, stray)


def identify(labels: list[str], values: list[str], context: list[str],
             layout: str) -> tuple[RowSpec, ...] | None:
    """The canonical row(s) a row of numbers holds, or None."""
    own = [norm(labels[-1]), norm("".join(labels))] if labels else []
    found = _match(own, layout)
    if found is not None:
        return found
    if all(is_blank(v) for v in values):
        return None  # a row of blanks names nothing by its labels above
    # Before the rows above: their 未经复议直接起诉 heads the 15 numbers of table 四.
    if len(values) >= REVIEW_MIN_VALUES:
        return review_specs()
    if context:
        found = _match([norm("".join([*context, *labels]))], layout)
        if found is not None:
            return found
    if not labels and any(_REVIEW_HEADERS.search(norm(c)) for c in context):
        return review_specs()
    return None


def _match(texts: list[str], layout: str) -> tuple[RowSpec, ...] | None:
    for text in texts:
        if text:
            spec = _spec_of(text, layout) if len(text) <= _MEMO_TEXT else _search(text, layout)
            if spec is not None:
                return (spec,)
    return None


@lru_cache(maxsize=8192)  # reports print the same few hundred labels
def _spec_of(label: str, layout: str) -> RowSpec | None:
    return _search(label, layout)


def _search(label: str, layout: str) -> RowSpec | None:
    """The first row of the layout whose pattern the folded label matches."""
    for spec in row_specs(layout):
        if spec.pattern.search(label):
            return spec
    return None
