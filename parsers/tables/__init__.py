"""The statistical tables of a report (二 主动公开, 三 依申请, 四 复议诉讼) as canonical cells.

``read_tables(doc)`` reads every form a Document can carry them in (grids from HTML, DOCX and
PDF extractors, OCR grids of table images, tables flattened to text) and names each number
with the canonical ids of docs/report-format.md, so later steps never look at a table
again. The ids and labels live in ``schema``; ``checks`` uses them too.
"""

from parsers.tables.reader import TablesResult, detect_layout, read_tables

__all__ = ["TablesResult", "detect_layout", "read_tables"]
