"""Tables a document gives only as text, read two ways; each table kept from the better.

A table no grid gave is looked for in the paragraphs' text. The line reading
(``rows.text_rows``: a row a line, the seeds' tab-led cells, pipe rows, PDF lines) is
narrow and fast; the cell stream (``stream``) reads every flattening real reports show.
The lines are read first, and the stream only when they leave a wanted table incomplete
(most real flattenings, and every truncated excerpt); each table is then taken from the
reading with the more evidence: more numbers, then more cells, then fewer failed
consistency checks.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable

from parsers.tables import checks
from parsers.tables.collect import Collector
from parsers.tables.labelled import read_labelled
from parsers.tables.rows import Row, text_rows
from parsers.tables.stream import stream_rows

# A page's footer a PDF's text keeps between two rows of a table (— 5 —, - 12 -): its
# dashes read as nought, so it would be a row of numbers under the label above it.
PAGE_FOOTER = re.compile(r"^[ \t\u3000]*[—–\-－]{1,2}[ \t\u3000]*[0-9]{1,3}[ \t\u3000]*[—–\-－]{1,2}"
                         r"[ \t\u3000]*$", re.MULTILINE)


class FlatText:
    """The paragraphs' text (page footers aside) and its row streams, each made once, when
    first wanted."""

    def __init__(self, text: str) -> None:
        self.text = PAGE_FOOTER.sub("", text) if "—" in text or "-" in text else text

    @functools.cached_property
    def stream(self) -> list[Row]:
        return stream_rows(self.text)

    @functools.cached_property
    def lines(self) -> list[Row]:
        return text_rows(self.text)


def read_flattened(flat: FlatText, layout: str, tables: list[str], out: Collector) -> None:
    """Add to ``out`` the cells (and warnings) of ``tables`` found in the text."""
    if not flat.text.strip():
        return
    makers: tuple[Callable[[], list[Row]], ...] = (lambda: flat.lines, lambda: flat.stream)
    readings: list[Collector] = []
    for rows in makers:
        reading = Collector()
        read_labelled(rows(), layout, reading)
        readings.append(reading)
        if not any(reading.missing(layout, table) for table in tables):
            break
    if len(readings) == 1:  # the lines gave every wanted table whole
        wanted = set(tables)
        out.cells.update((k, c) for k, c in readings[0].cells.items() if c.table in wanted)
        out.warnings += [(t, m) for t, m in readings[0].warnings if t in wanted]
        return
    for table in tables:
        best = _best(readings, table, layout)
        out.cells.update((k, c) for k, c in best.cells.items() if c.table == table)
        out.warnings += [(t, m) for t, m in best.warnings if t == table]


def _best(readings: list[Collector], table: str, layout: str) -> Collector:
    """The reading with the most numbers of ``table`` (a cell lost by a short row is
    absent, a blank one is no number), then the most cells, then the fewest failed checks
    (counted only to break a tie: they cost more); ties: the first."""
    counts = [_counts(r, table) for r in readings]
    top = max(counts)
    tied = [r for r, c in zip(readings, counts) if c == top]
    if len(tied) == 1 or not top[1]:
        return tied[0]
    return max(tied, key=lambda r: -_failed(r, table, layout))


def _counts(reading: Collector, table: str) -> tuple[int, int]:
    cells = [c for c in reading.cells.values() if c.table == table]
    return sum(1 for c in cells if c.value is not None), len(cells)


def _failed(reading: Collector, table: str, layout: str) -> int:
    cells = [c for c in reading.cells.values() if c.table == table]
    return sum(1 for check in checks.run_checks(cells, layout)
               if not check.ok and check.name.startswith(f"{table}."))
