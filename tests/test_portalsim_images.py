"""The simulator's image-only tables can be read back by OCR.

Reports are generated with the real value generator and raw styles, their tables drawn by
``render_image.table_png`` and read with the recipe its docstring gives (grid from the pixels,
each value cell OCR'd by the real ``tesseract``). Cells are compared in reading order: row by
row, and within a row left to right, each OCR'd cell against the value the report printed.
"""

from __future__ import annotations

import hashlib
import io
import os
import random
import re
import shutil
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest
from PIL import Image, ImageOps

from tests.portalsim import render_image
from tests.portalsim.figures import RawStyle, UnitLedger, generate_values, write_cells
from tests.portalsim.render_image import chart_png, cjk_font_path, table_png
from tests.portalsim.tables import GB2019, GB2021, Grid, LabelStyle, build_grids

REPO = Path(__file__).resolve().parents[1]
HEADINGS = {"active": "二、主动公开政府信息情况",
            "applications": "三、收到和处理政府信息公开申请情况",
            "review_litigation": "四、政府信息公开行政复议、行政诉讼情况"}
LABEL_CELLS = {"active": 1, "applications": 1, "review_litigation": 0}  # in the last row
TESSERACT_ARGS = ("-l", "chi_sim+eng", "--psm", "7")
LOOKALIKES = str.maketrans({"一": "—", "了": "7", "工": "1"})
MIN_LINE = 40
BORDER = 20


@dataclass(frozen=True)
class Case:
    seed: int
    kind: str
    layout: str
    raw: RawStyle
    labels: LabelStyle
    headings: bool


CASES = (
    Case(1, "county", GB2021, RawStyle(), LabelStyle(), True),
    Case(2, "county", GB2019, RawStyle(zeros="slash", padding="seedlike", signed_change=True,
                                       amount_style="yuan_suffix"),
         LabelStyle(split_lines=True, halfwidth_parens=True), False),
    Case(3, "township", GB2021, RawStyle(zeros="emdash", padding="seedlike",
                                         fee_unit_suffix=True),
         LabelStyle(split_lines=True, traditional=True), True),
    Case(4, "township", GB2019, RawStyle(zeros="dash", signed_change=True, amount_style="wan"),
         LabelStyle(spaced_short=True), False),
    Case(5, "county", GB2021, RawStyle(zeros="blank_legal", fee_unit_suffix=True),
         LabelStyle(halfwidth_parens=True), False),
    Case(6, "department", GB2019, RawStyle(padding="seedlike", signed_change=True,
                                           amount_style="wan"), LabelStyle(), True),
)


def case_grids(case: Case) -> dict[str, Grid]:
    rng = random.Random(case.seed)
    values = generate_values(rng, case.kind, case.layout, UnitLedger())
    cells = write_cells(values, case.raw, rng)
    return build_grids(case.layout, {k: c.raw for k, c in cells.items()}, case.labels)


# --- reading: the recipe of render_image's docstring ------------------------------------------


def _runs(image: Image.Image) -> list[tuple[int, int, int]]:
    """(row, start, end) of every run of black pixels long enough to be a grid line."""
    width, height = image.size
    data = image.tobytes()
    pattern = re.compile(rb"\x00{%d,}" % MIN_LINE)
    return [(y, m.start() - y * width, m.end() - y * width) for y in range(height)
            for m in pattern.finditer(data, y * width, (y + 1) * width)]


def value_cells(png: bytes, table: str) -> list[list[Image.Image | None]]:
    """Per table row, the value cells left to right (None for a cell without ink)."""
    image = Image.open(io.BytesIO(png)).convert("L").point(lambda v: 0 if v < 128 else 255)
    ys = sorted({y for y, _, _ in _runs(image)})
    columns = _runs(image.transpose(Image.Transpose.TRANSPOSE))  # (x, top, bottom)

    def lines_across(top: int, bottom: int) -> list[int]:
        middle = (top + bottom) // 2
        return sorted({x for x, a, b in columns if a <= middle < b})

    bands = list(zip(ys, ys[1:]))
    last = lines_across(*bands[-1])
    left, right = last[LABEL_CELLS[table]], last[-1]
    rows = []
    for top, bottom in bands:
        xs = [x for x in lines_across(top, bottom) if left <= x <= right]
        row: list[Image.Image | None] = []
        for x0, x1 in zip(xs, xs[1:]):
            cell = image.crop((x0 + 1, top + 1, x1, bottom))
            inked = ImageOps.invert(cell).getbbox() is not None
            row.append(ImageOps.expand(cell, BORDER, fill=255) if inked else None)
        rows.append(row)
    return rows


def ocr_cells(rows: list[list[Image.Image | None]], workdir: Path) -> list[list[str]]:
    """One tesseract process reads every inked cell of a table from a list file."""
    workdir.mkdir(parents=True, exist_ok=True)
    paths = []
    for r, row in enumerate(rows):
        for c, cell in enumerate(row):
            if cell is not None:
                path = workdir / f"r{r:02d}c{c:02d}.png"
                cell.save(path)
                paths.append(path)
    (workdir / "cells.txt").write_text("".join(f"{p}\n" for p in paths))
    # One OpenMP thread per process: the tables are read in parallel instead.
    out = subprocess.run(["tesseract", str(workdir / "cells.txt"), "-", *TESSERACT_ARGS],
                         capture_output=True, text=True, check=True,
                         env={**os.environ, "OMP_THREAD_LIMIT": "1"}).stdout
    pages = out.split("\f")
    assert len(pages) == len(paths), "a form feed between the texts of two cells"
    texts = iter(pages)
    return [["" if cell is None else "".join(next(texts).split()).translate(LOOKALIKES)
             for cell in row] for row in rows]


def expected_rows(grid: Grid) -> dict[int, list[str]]:
    """The printed (stripped) text of the value cells of each row that has any."""
    rows: dict[int, list[str]] = {}
    for r, _, cell in grid.positions():
        if cell.key:
            rows.setdefault(r, []).append(cell.text.strip())
    return rows


@dataclass(frozen=True)
class Result:
    name: str
    cells: int  # non-blank value cells
    misread: list[str]  # "row r: expected 'x', read 'y'"
    png_bytes: int

    @property
    def accuracy(self) -> float:
        return 1 - len(self.misread) / self.cells


def compare(name: str, grid: Grid, read: list[list[str]], png_bytes: int) -> Result:
    assert len(read) == len(grid.rows), f"{name}: grid lines give {len(read)} rows"
    cells, misread = 0, []
    for r, expected in expected_rows(grid).items():
        if len(read[r]) != len(expected):  # the grid was misread: the whole row is lost
            read[r] = [f"<{len(read[r])} cells found>"] * len(expected)
        for want, seen in zip(expected, read[r]):
            if want:
                cells += 1
                if seen != want:
                    misread.append(f"row {r}: expected {want!r}, read {seen!r}")
    return Result(name, cells, misread, png_bytes)


def read_all(tmp: Path) -> tuple[dict[str, Result], float]:
    """Render every table of CASES into tmp and read it back; also the seconds the OCR took."""
    jobs = []
    for case in CASES:
        for table, grid in case_grids(case).items():
            png = table_png(grid, HEADINGS[table] if case.headings else None)
            name = f"{case.seed}-{case.kind}-{case.layout}-{table}"
            (tmp / f"{name}.png").write_bytes(png)
            jobs.append((name, table, grid, png))

    def read(job: tuple[str, str, Grid, bytes]) -> list[list[str]]:
        name, table, _, png = job
        return ocr_cells(value_cells(png, table), tmp / name)

    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        reads = list(pool.map(read, jobs))
    results = {name: compare(name, grid, read, len(png))
               for (name, _, grid, png), read in zip(jobs, reads)}
    return results, time.monotonic() - started


needs_tesseract = pytest.mark.skipif(
    shutil.which("tesseract") is None, reason="apt-get install -y tesseract-ocr-chi-sim")


@pytest.fixture(scope="module")
def readings(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Result]:
    results, _ = read_all(tmp_path_factory.mktemp("ocr"))
    return results


TABLE_IDS = [f"{c.seed}-{c.kind}-{c.layout}-{t}" for c in CASES
             for t in ("active", "applications", "review_litigation")]


@pytest.mark.slow
@needs_tesseract
@pytest.mark.parametrize("name", TABLE_IDS)
def test_ocr_reads_the_value_cells_of_every_table(readings: dict[str, Result], name: str) -> None:
    result = readings[name]
    assert result.cells > 0
    assert result.accuracy >= 0.99, (
        f"{name}: {result.accuracy:.2%} of {result.cells} cells read exactly; "
        + "; ".join(result.misread[:10]))


# --- the images themselves ----------------------------------------------------------------------


def _chunks(png: bytes) -> list[bytes]:
    chunks, pos = [], 8
    while pos < len(png):
        length = int.from_bytes(png[pos:pos + 4], "big")
        chunks.append(png[pos + 4:pos + 8])
        pos += 12 + length
    return chunks


def test_table_png_is_a_small_plain_png() -> None:
    grids = case_grids(CASES[0])
    for table, grid in grids.items():
        png = table_png(grid, HEADINGS[table])
        image = Image.open(io.BytesIO(png))
        image.verify()
        assert image.format == "PNG" and image.mode == "1"
        # No tIME/tEXt/pHYs: nothing that could differ between two renderings.
        assert set(_chunks(png)) == {b"IHDR", b"IDAT", b"IEND"}
        assert len(png) < 150_000, (table, len(png))
    assert Image.open(io.BytesIO(table_png(grids["applications"]))).height > 1000


def test_rendering_is_byte_deterministic_across_processes() -> None:
    grid = case_grids(CASES[2])["applications"]
    png = table_png(grid, HEADINGS["applications"])
    assert table_png(grid, HEADINGS["applications"]) == png
    script = (
        "import hashlib, sys\n"
        "from tests.test_portalsim_images import CASES, HEADINGS, case_grids\n"
        "from tests.portalsim.render_image import table_png\n"
        "grid = case_grids(CASES[2])['applications']\n"
        "sys.stdout.write(hashlib.sha256(table_png(grid, HEADINGS['applications'])).hexdigest())\n")
    other = subprocess.run([sys.executable, "-c", script], cwd=REPO, capture_output=True,
                           text=True, check=True, env={**os.environ, "PYTHONHASHSEED": "7"})
    assert other.stdout == hashlib.sha256(png).hexdigest()


def test_chart_png_is_a_deterministic_figure() -> None:
    values = [("政策文件", 12), ("工作动态", 236), ("通知公告", 48), ("人事信息", 5)]
    png = chart_png("图1 主动公开政府信息情况", values)
    assert png == chart_png("图1 主动公开政府信息情况", values)
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG" and image.width > 300 and image.height > 200
    pixels = image.convert("RGB")
    assert pixels.getpixel((0, 0)) == (255, 255, 255)
    assert len(pixels.getcolors(1 << 16) or []) > 2  # bars in colour, text in black
    assert set(_chunks(png)) <= {b"IHDR", b"PLTE", b"IDAT", b"IEND"}
    assert chart_png("空", []) != png


def test_cjk_font_is_found_and_its_absence_is_explained(monkeypatch: pytest.MonkeyPatch,
                                                        ) -> None:
    path = cjk_font_path()
    assert Path(path).is_file() and "CJK" in path
    render_image._fc_match.cache_clear()
    monkeypatch.setattr(render_image.shutil, "which", lambda _: None)
    try:
        with pytest.raises(RuntimeError, match="fonts-noto-cjk"):
            cjk_font_path()
    finally:
        monkeypatch.undo()
        render_image._fc_match.cache_clear()
    assert cjk_font_path() == path


if __name__ == "__main__":  # python -m tests.test_portalsim_images: accuracy per table
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        found, seconds = read_all(Path(tmp))
    for res in found.values():
        print(f"{res.name:42} {res.accuracy:8.2%} of {res.cells:3} cells "
              f"{res.png_bytes / 1000:6.1f} KB  {'; '.join(res.misread[:3])}")
    print(f"OCR of {sum(r.cells for r in found.values())} cells took {seconds:.1f} s")
