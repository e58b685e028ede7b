"""``read_tables``: the statistical tables of one Document as canonical cells.

Order of evidence: OCR grids named by the image extractor are read by position; every other
grid (HTML, DOCX, PDF; one table or many pieces) by its labels; the text of the paragraphs
only for a table no grid gave (reports whose tables were flattened to text by antiword,
pdftotext or a copy-paste). The layout is decided from the labels, before any row is read,
because the same label (（六）其他处理) means different rows in the two layouts.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from parsers.contract import CellValue
from parsers.document import Document, Table
from parsers.tables.cells import norm
from parsers.tables.collect import Collector
from parsers.tables.flattened import FlatText, read_flattened
from parsers.tables.labelled import read_labelled
from parsers.tables.positional import read_positional
from parsers.tables.rows import Row, grid_rows
from parsers.tables.schema import (
    LAYOUT_MARKERS,
    LAYOUTS,
    TABLES,
    VARIANT_ROWS,
    cell_keys,
    table_keys,
)

MISSING_ROWS_SHOWN = 4
SHOWN_MARKERS = 3  # a layout's own labels printed, for tables whose numbers are all lost


@dataclass
class TablesResult:
    layout: str | None  # gb2021 | gb2019 | None: no statistical table found
    cells: list[CellValue] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


@dataclass
class _Inputs:
    positional: list[Table]
    grid: list[Row]
    text: FlatText  # the paragraphs: read only for a table the grids do not give
    hints: list[str]


def read_tables(doc: Document) -> TablesResult:
    """Every canonical cell the document's tables hold, the layout, and what is missing.

    Never raises: a document mangled beyond reading gives no cells and a warning."""
    try:
        return _read(doc)
    except MemoryError:  # the memory limit: the sandbox reports it
        raise
    except Exception as exc:  # noqa: BLE001 - one bad document must not end a parse run
        return TablesResult(None, [], [f"tables unreadable: {type(exc).__name__}: {exc}"])


def _read(doc: Document) -> TablesResult:
    tables = doc.tables
    positional = [t for t in tables if t.source == "ocr" and t.kind_hint in TABLES]
    others = [t for t in tables if not any(t is p for p in positional)]
    para_text = "\n".join(b.text for b in doc.blocks if b.kind == "para")
    inputs = _Inputs(positional, [row for t in others for row in grid_rows(t)],
                     FlatText(para_text),
                     [t.layout_hint for t in tables if t.layout_hint in LAYOUTS])
    markers = _markers(_label_texts(tables, para_text))
    layout = _leader(markers, inputs.hints)
    if layout is not None:
        found = _read_layout(layout, inputs)
    else:  # no label tells: the layout whose rows the document fills best
        tries = [(lay, _read_layout(lay, inputs)) for lay in LAYOUTS]
        # A layout's own rows count, not the other form's rows it also accepts; ties: gb2021.
        layout, found = max(tries, key=lambda t: _own_cells(t[0], t[1]))
    if not found.cells:
        # Tables whose labels are all there but whose numbers were lost or could not be
        # cut apart are still tables of their form; no labels, no tables.
        shown = layout if markers.get(layout, 0) >= SHOWN_MARKERS else None
        return TablesResult(shown, [], [m for _, m in found.warnings]
                            + (_gaps(layout, found) if shown else []))
    order = {key: i for i, key in enumerate(cell_keys(layout))}
    cells = sorted(found.cells.values(), key=lambda c: order.get(c.key, len(order)))
    return TablesResult(layout, cells, [m for _, m in found.warnings] + _gaps(layout, found))


def _own_cells(layout: str, found: Collector) -> int:
    variants = VARIANT_ROWS.get(layout, ())
    return sum(1 for cell in found.cells.values() if cell.row not in variants)


def _label_texts(tables: list[Table], para_text: str) -> list[str]:
    return [para_text, *(c.text for t in tables for row in t.rows for c in row)]


def detect_layout(texts: list[str], hints: list[str]) -> str | None:
    """The layout whose own labels the texts print more of; then the extractors' hints;
    None when neither tells."""
    return _leader(_markers(texts), hints)


def _leader(scores: dict[str, int], hints: list[str]) -> str | None:
    best = max(scores.values())
    leaders = [layout for layout, score in scores.items() if score == best]
    if best and len(leaders) == 1:
        return leaders[0]
    if hints:
        return Counter(hints).most_common(1)[0][0]
    return None


def _markers(texts: list[str]) -> dict[str, int]:
    """How many of each layout's own labels the texts print."""
    folded = norm("".join(texts))
    return {layout: sum(1 for m in markers if norm(m) in folded)
            for layout, markers in LAYOUT_MARKERS.items()}


def _read_layout(layout: str, inputs: _Inputs) -> Collector:
    found = Collector()
    for table in inputs.positional:
        if not read_positional(table, layout, found):
            found.warn(str(table.kind_hint), f"OCR table {table.kind_hint} does not have the "
                                             "template's shape; read by its labels")
            read_labelled(grid_rows(table), layout, found)
    read_labelled(inputs.grid, layout, found)
    present = {cell.table for cell in found.cells.values()}
    missing = [t for t in TABLES if t not in present]
    if missing:
        read_flattened(inputs.text, layout, missing, found)
    return found


def _gaps(layout: str, found: Collector) -> list[str]:
    """A warning for each table that is absent or lacks cells, naming what is missing."""
    out = []
    for table in TABLES:
        keys = table_keys(layout, table)
        missing = found.missing(layout, table)
        if len(missing) == len(keys):
            out.append(f"table {table} not found")
        elif missing:
            rows = list(dict.fromkeys(k.split("/")[1] for k in missing))
            shown = ", ".join(rows[:MISSING_ROWS_SHOWN]) + (" ..." if len(rows) > 4 else "")
            out.append(f"table {table} incomplete: {len(missing)} of {len(keys)} cells "
                       f"missing (rows {shown})")
    return out
