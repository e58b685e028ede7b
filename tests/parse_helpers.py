"""Documents for the table tests, built the way the extractors build them but without their
code: seed texts as one paragraph per line, simulator grids as expanded ``Table`` grids
(merged cells copied with ``spanned=True``), OCR grids with unreliable labels, and grids
flattened to the text forms real extractors leave (one cell per line, pipe rows, PDF lines).
"""

from __future__ import annotations

import random
from pathlib import Path

from parsers.document import Block, Cell, Document, Table
from tests.portalsim.tables import Grid, GridCell

SEED_DIR = Path(__file__).resolve().parent / "fixtures" / "seeds"


def seed_text(prefix: str) -> str:
    path = next(SEED_DIR.glob(f"{prefix}_*.txt"))
    return path.read_text(encoding="utf-8")


def text_document(text: str) -> Document:
    """A plain-text extraction: one para block per line."""
    return Document("text", [Block("para", line) for line in text.split("\n")])


def expand(grid: Grid) -> list[list[Cell]]:
    """The grid with every merged cell expanded: the origin holds the text, the covered
    positions a copy marked spanned (what the HTML/DOCX extractors are to produce)."""
    rows: list[list[Cell | None]] = [[None] * grid.n_cols for _ in grid.rows]
    for r, c, cell in grid.positions():
        for dr in range(cell.rowspan):
            for dc in range(cell.colspan):
                rows[r + dr][c + dc] = Cell(cell.text, spanned=(dr, dc) != (0, 0))
    return [[cell or Cell("") for cell in row] for row in rows]


def ocr_table(grid: Grid, layout: str, rng: random.Random) -> Table:
    """A grid as the image extractor returns it: numbers without spaces, label cells
    blank, garbled or kept (Tesseract reads Chinese labels only approximately)."""
    mode = rng.choice(["blank", "garbled", "kept"])
    rows = expand(grid)
    header = _header_positions(grid)
    for r, row in enumerate(rows):
        for c, cell in enumerate(row):
            if (r, c) in header:
                if mode == "blank":
                    cell.text = ""
                elif mode == "garbled":
                    cell.text = "".join(rng.choice("口日目田十丨一乙") for _ in cell.text)
            else:
                cell.text = "".join(cell.text.split())
    hint = None if grid.table == "review_litigation" else layout
    return Table(rows, source="ocr", kind_hint=grid.table, layout_hint=hint)


def _header_positions(grid: Grid) -> set[tuple[int, int]]:
    out = set()
    for r, c, cell in grid.positions():
        if cell.key is None:
            out.update((r + dr, c + dc) for dr in range(cell.rowspan)
                       for dc in range(cell.colspan))
    return out


def grid_tables(grids: dict[str, Grid], variant: int) -> list[Table]:
    """The three grids as an extractor may cut them: whole (0); the applications table
    broken over two pages (1); table 二 one table per block, with a stray empty column and
    empty rows (2)."""
    active, applications, review = (expand(grids[k]) for k in
                                    ("active", "applications", "review_litigation"))
    if variant == 1:
        cut = len(applications) // 2
        return [Table(active), Table(applications[:cut]), Table(applications[cut:]),
                Table(review)]
    if variant == 2:
        blocks: list[list[list[Cell]]] = []
        for row in active:
            if sum(1 for c in row if not c.spanned) == 1 and row[0].text.startswith("第"):
                blocks.append([])
            blocks[-1].append([*row, Cell("")])
        return [*(Table([*b, [Cell("")] * 5]) for b in blocks),
                Table([[Cell("")] * 10, *applications]), Table(review)]
    return [Table(active), Table(applications), Table(review)]


def document_of(tables: list[Table], headings: bool = True) -> Document:
    blocks = [Block("para", "一、总体情况"), Block("para", "本机关2023年收到申请若干件。")]
    titles = {"active": "二、主动公开政府信息情况", "applications": "三、收到和处理政府信息公开申请情况",
              "review_litigation": "四、政府信息公开行政复议、行政诉讼情况"}
    for table in tables:
        if headings and table.kind_hint in titles:
            blocks.append(Block("para", titles[table.kind_hint]))
        blocks.append(Block("table", table=table))
    blocks.append(Block("para", "五、存在的主要问题及改进情况"))
    return Document("html", blocks)


# --- grids flattened to text ------------------------------------------------------------


def _word_rows(grid: Grid) -> list[list[str]]:
    """Cells as a Word table gives them to a text extractor: a merged cell once, a
    vertically merged cell blank in the rows below its first."""
    starts: dict[tuple[int, int], tuple[int, GridCell]] = {}
    for r, c, cell in grid.positions():
        for dr in range(cell.rowspan):
            starts[(r + dr, c)] = (r, cell)
    out = []
    for r in range(len(grid.rows)):
        row: list[str] = []
        c = 0
        while c < grid.n_cols:
            start, cell = starts[(r, c)]
            row.append(cell.text if start == r else "")
            c += cell.colspan
        out.append(row)
    return out


def tab_text(grids: dict[str, Grid]) -> str:
    """One cell per line, led by a tab; rows end with a blank line (the seeds' form)."""
    parts = []
    for key, title in (("active", "二、主动公开政府信息情况"),
                       ("applications", "三、收到和处理政府信息公开申请情况"),
                       ("review_litigation", "四、政府信息公开行政复议、行政诉讼情况")):
        parts.append(title)
        for row in _word_rows(grids[key]):
            parts.extend(f"\t{cell}" for cell in row)
            parts.append("")
        parts.append("")
    return "\n".join(parts)


def pipe_text(grids: dict[str, Grid]) -> str:
    """``|a|b|`` rows (antiword): a cell's extra lines go to a row of their own below."""
    lines = []
    for key in ("active", "applications", "review_litigation"):
        lines.append(f"表 {key}")
        for row in _word_rows(grids[key]):
            split = [cell.split("\n") for cell in row]
            for n in range(max(len(s) for s in split)):
                lines.append("|" + "|".join(s[n] if n < len(s) else "" for s in split) + "|")
    return "\n".join(lines)


def pdf_text(grids: dict[str, Grid]) -> str:
    """PDF text lines: a row's cells separated by spaces (blank cells vanish), the second
    line of a wrapped label on a line of its own below."""
    lines = []
    for key in ("active", "applications", "review_litigation"):
        lines.append(f"表 {key}")
        for row in _word_rows(grids[key]):
            split = [cell.split("\n") for cell in row]
            for n in range(max(len(s) for s in split)):
                words = [s[n] for s in split if n < len(s) and s[n].strip()]
                if words:
                    lines.append("  ".join(w.strip() for w in words))
    return "\n".join(lines)


# --- grids flattened the ways real pages are saved as text (tests/fixtures/real) -------------

_TITLES = (("active", "二、主动公开政府信息情况"),
           ("applications", "三、收到和处理政府信息公开申请情况"),
           ("review_litigation", "四、政府信息公开行政复议、行政诉讼情况"))


def _drawn_cells(grids: dict[str, Grid]) -> list[tuple[str, list[list[str]]]]:
    """(heading, rows of cell texts) per table: the cells a page draws, a merged cell once
    and nothing where a cell above spans down (an HTML table's ``td``s)."""
    return [(title, [[cell.text for cell in row] for row in grids[key].rows])
            for key, title in _TITLES]


def cell_pipe_text(grids: dict[str, Grid]) -> str:
    """A cell a line, each ended by `` |``, an empty cell a lone ``|``, a row's end ``||``
    (the shape of jl-erdao-fangwuzhengshouban-department-2022)."""
    lines = []
    for title, rows in _drawn_cells(grids):
        lines.append(title)
        for row in rows:
            lines.extend(f"{cell} |" if cell.strip() else "|" for cell in row)
            lines.append("||")
    return "\n".join(lines)


def pipe_line_text(grids: dict[str, Grid]) -> str:
    """Each cell's lines, then a line ``|`` (the shape of xj-nileke-zhen-township-2023)."""
    lines = []
    for title, rows in _drawn_cells(grids):
        lines.append(title)
        for row in rows:
            for cell in row:
                lines.extend(part for part in cell.split("\n") if part.strip())
                lines.append("|")
    return "\n".join(lines)


def spaced_text(grids: dict[str, Grid]) -> str:
    """Every cell a paragraph followed by an empty one; an empty cell an empty paragraph
    too (the shape of sn-yuyang-tuofenglujiedao-street-2020)."""
    lines = []
    for title, rows in _drawn_cells(grids):
        lines += [title, ""]
        for row in rows:
            for cell in row:
                lines += [cell.strip(), ""]
    return "\n".join(lines)


def run_together_text(grids: dict[str, Grid]) -> str:
    """Each table's cells run together on one line, no separator at all (the shape of
    fj-pingtan-city-2021)."""
    return "\n".join(title + "".join(cell.replace("\n", "").strip()
                                     for row in rows for cell in row)
                     for title, rows in _drawn_cells(grids))


def row_pipe_text(grids: dict[str, Grid]) -> str:
    """A row a line, ``a | b | c |``, an empty cell a blank between pipes, with no leading
    pipe (the shape of sd-weishan-liangchengzhen-township-2020)."""
    lines = []
    for title, rows in _drawn_cells(grids):
        lines.append(title)
        lines.extend(" | ".join(cell.replace("\n", "") for cell in row) + " |" for row in rows)
    return "\n".join(lines)


def tab_row_text(grids: dict[str, Grid]) -> str:
    """A row a line, its cells separated by tabs (a page's text copied out of a browser)."""
    lines = []
    for title, rows in _drawn_cells(grids):
        lines.append(title)
        lines.extend("\t".join(cell.replace("\n", "") for cell in row) for row in rows)
    return "\n".join(lines)


def report_text(blocks: list, grids: dict[str, Grid], form) -> str:
    """A whole report as text: its prose a paragraph a line, its three tables flattened by
    ``form`` where the first of them stands (the forms write all three at once)."""
    parts: list[str] = []
    placed = False
    for block in blocks:
        if block.kind == "table":
            if not placed:
                parts.append(form(grids))
                placed = True
        elif block.kind != "figure" and block.text:
            parts.append(block.text)
    return "\n".join(parts)
