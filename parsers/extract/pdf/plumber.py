"""PDF pages read through pdfplumber (pdfminer): the fallback of the PDF extractor.

pdfminer is slow (it interprets content streams in Python) but reads what the PDFium path
declines (rotated pages and text) and recovers from some damage PDFium refuses; its errors
(``PDFPasswordIncorrect``, ``PSEOF``...) are the ones the extractor reports. This adapter
gives a pdfplumber page the shape the PDF reader asks for (``pdf_layout.PageLayout``), with
the same choice of rules as the fast path (``pdf_lattice``).
"""

from __future__ import annotations

from typing import Any

from parsers.extract.page_layout import Box, CellText, Line
from parsers.extract.pdf.lattice import Edge, closing_rules, is_rule


class PlumberPage:
    def __init__(self, page: Any) -> None:  # a pdfplumber.page.Page
        self._page = page
        self.width: float = page.width
        self.height: float = page.height

    def tables(self) -> list[PlumberTable]:
        ruled = self._page.filter(_is_rule)
        edges: list[Edge] = [(e["x0"], e["top"], e["x1"], e["bottom"], e["orientation"] or "")
                             for e in ruled.edges]
        explicit = [{"object_type": "line", "x0": x0, "x1": x1, "top": top, "bottom": bottom,
                     "width": x1 - x0, "height": 0.0}
                    for x0, top, x1, bottom, _h in closing_rules(edges)]
        found = ruled.find_tables(table_settings={"explicit_horizontal_lines": explicit})
        return [PlumberTable(t) for t in sorted(found, key=lambda t: t.bbox[1])]

    def lines(self) -> list[Line]:
        return [Line(line["text"], line["x0"], line["top"], line["x1"], line["bottom"])
                for line in self._page.extract_text_lines(strip=True)]

    def text_above(self, y: float) -> str:
        return self._page.within_bbox((0, 0, self.width, y)).extract_text()


class PlumberTable:
    def __init__(self, table: Any) -> None:  # a pdfplumber.table.Table
        self._table = table
        self.bbox: Box = table.bbox
        self.n_rows = len(table.rows)
        self.n_columns = max((len(row.cells) for row in table.rows), default=0)

    def cells(self) -> list[CellText]:
        return [CellText(box, text or "")
                for row, texts in zip(self._table.rows, self._table.extract())
                for box, text in zip(row.cells, texts) if box is not None]


def _is_rule(obj: dict) -> bool:
    if obj.get("object_type") != "rect":
        return True
    return is_rule("rect", bool(obj.get("fill")), bool(obj.get("stroke")), obj["width"],
                   obj["height"])
