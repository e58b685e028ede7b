"""Reading rows by their labels: which canonical row a row of numbers is.

Works on any row stream (``rows``), so grids split over several tables or pages, tables
drawn block by block, and tables flattened to text are read by one loop. A row's own label
is tried first, most specific cell first (the group label 三、本年度办理结果 or （三）不予公开
often shares the row with its first sub-row); then, for labels broken over lines or PDF
rows, the label rows just above it. Table 四 usually has no row labels: its one line of 15
numbers is recognised by its length or by the 行政复议/行政诉讼 headers above it (a table
drawn as three labelled rows of 5 is read by the labels, or by the nearest label above
bare numbers). A column header is no row's label (总计 heads the 15 numbers of 四 and
names table 三's 总计 row too), and prose between tables is no label of what follows it.

Rows of flattened text (``TEXT``) are read with two more cautions: digits run together
are cut apart only where ``runs`` allows, and the row an excerpt ends in loses what the
cut may have taken.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import lru_cache

from parsers.tables.cells import is_blank, norm
from parsers.tables.collect import ENDS, FIRST, LEFT, Collector
from parsers.tables.glued import is_header
from parsers.tables.headers import by_headers, column_headers, starts_block
from parsers.tables.order import Found, place_by_order
from parsers.tables.rows import TEXT, Row
from parsers.tables.runs import spread
from parsers.tables.schema import RowSpec, review_specs, row_specs

_MEMO_TEXT = 200  # longer labels (a paragraph read as a row) are not remembered
REVIEW_MIN_VALUES = 12  # numbers of 15: a row this long is table 四 though a PDF lost blanks
CONTEXT_ROWS = 3  # label-only rows kept as the possible start of a broken label
_REVIEW_HEADERS = re.compile(r"复议|诉讼|维持|纠正|审结")
_BOTH_LITIGATIONS = re.compile(r"未经复议.*复议后|复议后.*未经复议")
# Text no table label holds: a sentence's end, a year (2022年), or a paragraph's length.
_PROSE = re.compile(r"。|(?:19|20)[0-9]{2}年")
MAX_LABEL = 100
# The kinds of action some reports list under 其他对外管理服务事项, one sub-row each.
_SUB_SERVICE = re.compile(r"(?:\d+[.、]?)?(?:行政(?:检查|确认|奖励|裁决|给付|征收|征用|备案)|公共服务(?:事项)?)")
# Last words an excerpt cannot have cut short: 0 and the dashes that mean none (not "-",
# which may be the sign of a cut -4).
_WHOLE = frozenset({"0", "—", "——", "/", "无"})
# A number followed by its remark's bracket (13000000(预算…): cut in the remark, not the number.
_REMARKED = re.compile(r"\s*[+\-]?[0-9][0-9.,]*\s*[(（]")


def read_labelled(rows: Iterable[Row], layout: str, out: Collector) -> None:
    found = list(_identified(rows, layout))
    place_by_order(found, layout, out)
    for item in found:
        if item.target is None:
            continue
        row, values, stray = item.row, item.values, item.stray
        target = item.target
        if (target[0].table == "active" and item.headers and len(target) == 1
                and not row.glued):  # digits run together are cut apart by the form's columns
            placed = by_headers(target[0], values, item.headers, layout)
            if placed is not None:  # one number per header: in the columns they name
                out.add_row((placed[0],), placed[1], row.source)
                continue
        headed = (row.source == TEXT and not row.glued and item.headers is not None
                  and tuple(col for col, _ in item.target[0].columns) == item.headers)
        if (row.piped or headed) and not row.cut and item.target[0].table == "active":
            columns = len(item.target[0].columns)
            if 1 < columns and len([v for v in values if not is_blank(v)]) == len(values) < columns:
                # A whole row of table 二 with a cell lost (or, under its block's headers, a
                # row of a text that dropped blank cells): which one cannot be told.
                out.warn("active", f"active/{item.target[0].row}: {len(values)} cells for "
                                   f"{columns} columns in a whole row: which column each "
                                   "stands in cannot be told; not read")
                continue
        if row.source == TEXT:
            values, reason = _flattened(row, values, item.target)
            if values is None:
                out.warn(item.target[0].table, f"{item.target[0].table}/{item.target[0].row}: "
                                               f"not read: {reason}")
                continue
            stray = [False] * len(values)
        out.add_row(item.target, values, row.source, stray, _short(row, values))


def _identified(rows: Iterable[Row], layout: str) -> Iterable[Found]:
    """Each row with values, and the canonical row(s) it holds if its labels (or the label
    rows just above it) tell; rows of labels only are context, not items."""
    context: list[str] = []
    headers: tuple[str, ...] | None = None  # the column headers of table 二's current block
    open_headers = False  # the header rows are still coming (one header a line, flattened)
    for row in rows:
        labels, values, stray = row.split()
        target, own = identify_how(labels, values, context, layout) if values else (None, False)
        if target is None:
            if labels:
                label = "".join(labels)
                # Prose between tables is no label of the numbers below it: it ends context.
                context = [] if is_prose(label) else [*context, label][-CONTEXT_ROWS:]
                if named := column_headers(labels):
                    headers = (*(headers or ()), *named) if open_headers else named
                    open_headers = True
                elif starts_block(labels):
                    headers, open_headers = None, False
            if not values:
                continue
        else:
            context = []
            if target[0].table != "active":
                headers = None
        open_headers = False
        yield Found(row, labels, values, stray, target, own, headers)


def _flattened(row: Row, values: list[str], target: tuple[RowSpec, ...],
               ) -> tuple[list[str] | None, str]:
    """A text row's values as cells: digits run together cut apart; in the row an excerpt
    ends in, without what the cut may have taken: empty cells at its end, and a number the
    text ends inside (12 of 125?) where that cannot be the report's end (in table 二 or 三:
    reports end after table 四). 0, ``—`` and ``/`` cannot be cut short."""
    if row.cut and not row.closed:
        while values and is_blank(values[-1]):
            values = values[:-1]
        if (row.partial and values and target[0].table != "review_litigation"
                and values[-1].strip() not in _WHOLE and not _REMARKED.match(values[-1])):
            values = values[:-1]
        if not values:
            return None, "the text ends before its numbers"
    spread_ = spread(values, target, row.glued, row.cut)
    return spread_.cells, spread_.reason


def _short(row: Row, values: Sequence[str]) -> str:
    """How a short row of table 三 is placed: it lost blank cells (自然人 and 总计
    known), unless an excerpt ends in it (a report does not end in table 三): then it lost
    its tail (read from the left), and on a line split on spaces maybe blanks too (自然人
    alone known). A cut row that opens with a blank cell (| | 0 |, the shape of the rows above
    it in a merged-cell layout) may have lost either: as a row that lost blanks."""
    if row.source != TEXT or not row.cut or (values and is_blank(values[0])):
        return ENDS
    return FIRST if row.spaced else LEFT


def is_prose(text: str) -> bool:
    """Text that no table label is: a sentence, a date, a paragraph."""
    return len(text) > MAX_LABEL or _PROSE.search(text) is not None


def identify(labels: list[str], values: list[str], context: list[str],
             layout: str) -> tuple[RowSpec, ...] | None:
    """The canonical row(s) a row of numbers holds, or None."""
    return identify_how(labels, values, context, layout)[0]


def identify_how(labels: list[str], values: list[str], context: list[str],
                 layout: str) -> tuple[tuple[RowSpec, ...] | None, bool]:
    """The canonical row(s) a row of numbers holds, or None; and whether its own label
    named it (rather than the label rows above it, or its length)."""
    blank = all(is_blank(v) for v in values)
    own = [norm(labels[-1]), norm("".join(labels))] if labels else []
    found = _match(own, layout)
    # A column header (总计, 复议后起诉) right before numbers is no row label: flattened
    # text puts table 四's 15 numbers, and a header row's blank cells, just after one.
    header = bool(labels) and is_header(labels[-1])
    numbers = sum(1 for v in values if not is_blank(v))
    if numbers >= REVIEW_MIN_VALUES and (
            found is None or header or found[0].table == "review_litigation"):
        return review_specs(), False  # one row of 15, whatever label stands before it
    if blank:  # names nothing by the labels above; nor by a header, which 四's names are too
        # nor by a sentence: a paragraph followed by an empty line of spaces is no row
        none = header or is_prose(labels[-1] if labels else "") or (
            found and found[0].table == "review_litigation")
        return (None, False) if none else (found, found is not None)
    if found is not None:
        return found, True
    if context:
        if labels and _SUB_SERVICE.fullmatch(norm(labels[-1])):
            return None, False  # 行政检查 under 其他对外管理服务事项: a part of that row
        joined = norm("".join([*context, *labels]))
        found = _match([joined], layout)
        if found is not None:
            # Both litigation headers above the numbers: the header of 四's one row of 15.
            both = found[0].table == "review_litigation" and _BOTH_LITIGATIONS.search(joined)
            return (review_specs() if both else found), False
    if labels:
        return None, False
    # Bare numbers: the nearest label above that names a row (### 行政复议 over its table).
    found = _match([norm(c) for c in reversed(context) if not is_header(c)], layout)
    if found is not None:
        return found, False
    if any(_REVIEW_HEADERS.search(norm(c)) for c in context):
        return review_specs(), False
    return None, False


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
