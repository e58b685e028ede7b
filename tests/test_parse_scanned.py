"""PDFs without a text layer (scans) are read by OCR into the Document every format gives.

The real scans are the corpus's own text-layer PDFs made image-only by
``tests/fixtures/real/derived/make_scanned.py`` (200 dpi, askew, noisy, JPEG), whose values
were typed by reading (their ``.expected.json`` is the source's): the whole parse must give
the organisation, year, layout and the table cells the pages show, every table cell marked
``source: "ocr"``, and no value the page does not show. Only build-split sources are parsed
here (a held-out source's scan stays unseen, like its source). The steps that need no
Tesseract (tinted cells, skew, a table cut by a page break) are checked on drawn pages.
"""

from __future__ import annotations

import hashlib
import io
import json
import shutil
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium
import pytest
from PIL import Image, ImageDraw

from parsers.document import Document, ExtractionError
from parsers.extract import Limits, extract
from parsers.extract.ocr import tesseract as ocr_tesseract
from parsers.extract.ocr.frames import find_frames
from parsers.extract.ocr.grid import find_grids, ink_threshold
from parsers.extract.ocr.page import deskew, flatten
from parsers.extract.ocr.shape import classify
from parsers.extract.pdf.scanned import _Page, _stack, _tables
from parsers.report import parse_document

REAL = Path(__file__).parent / "fixtures" / "real"
DERIVED = REAL / "derived"
MAX_FIXTURE_BYTES = 1_500_000
SCANNED = {p.name.removesuffix(".expected.json"): json.loads(p.read_text(encoding="utf-8"))
           for p in sorted(DERIVED.glob("*-scanned.expected.json"))}
BUILD = sorted(name for name, expected in SCANNED.items() if expected["split"] == "build")
SMALL = "js-hongze-county-2023-faf10407-scanned"  # page 1 title and prose, 5 prose only

needs_tesseract = pytest.mark.skipif(
    shutil.which("tesseract") is None, reason="apt-get install -y tesseract-ocr-chi-sim")


def _pdf(name: str) -> bytes:
    return (DERIVED / f"{name}.pdf").read_bytes()


def _pages(data: bytes, indexes: list[int], *, then: bytes | None = None,
           then_indexes: list[int] | None = None) -> bytes:
    """A PDF of some pages of ``data`` (and then some of ``then``), copied by PDFium."""
    out = pdfium.PdfDocument.new()
    out.import_pages(pdfium.PdfDocument(data), indexes)
    if then is not None:
        out.import_pages(pdfium.PdfDocument(then), then_indexes, len(out))
    buffer = io.BytesIO()
    out.save(buffer)
    return buffer.getvalue()


def _digest(value: Any) -> str:
    """Compared instead of values, so a failing check prints nothing of a held-out file."""
    return hashlib.sha256(json.dumps(value, sort_keys=True).encode()).hexdigest()[:12]


# --- the fixtures ------------------------------------------------------------------------------


def test_every_pdf_of_the_corpus_has_a_scan_that_keeps_its_split_and_values() -> None:
    sources = sorted(p.stem for p in (REAL / "reports").glob("*.pdf"))
    assert sorted(SCANNED) == [f"{s}-scanned" for s in sources]
    for name, expected in SCANNED.items():
        source = json.loads((REAL / "reports" / f"{expected['derived_from']}.expected.json")
                            .read_text(encoding="utf-8"))
        assert expected["split"] == source["split"], name
        assert expected["variants"][-1] == "scanned_pdf" and expected["files"] == [f"{name}.pdf"]
        assert _digest(expected["cells"]) == _digest(source["cells"]), name
        size = (DERIVED / f"{name}.pdf").stat().st_size
        assert size <= MAX_FIXTURE_BYTES, f"{name}.pdf: {size:,} bytes"


def test_the_scans_have_no_text_layer() -> None:
    for name in SCANNED:
        pdf = pdfium.PdfDocument(_pdf(name))
        assert all(pdf[i].get_textpage().count_chars() == 0 for i in range(len(pdf))), name


# --- the whole parse of a real scanned report -------------------------------------------------


@pytest.fixture(scope="module")
def parsed() -> dict[str, tuple[Document, dict[str, Any]]]:
    out = {}
    for name in BUILD:
        doc = extract(_pdf(name), url=f"{name}.pdf")
        out[name] = doc, parse_document(doc).to_json()
    return out


@needs_tesseract
@pytest.mark.slow
@pytest.mark.parametrize("name", BUILD)
def test_a_scanned_report_parses_like_its_text_layer_original(
        parsed: dict[str, tuple[Document, dict[str, Any]]], name: str) -> None:
    doc, report = parsed[name]
    expected = SCANNED[name]
    assert doc.format == "pdf" and any(b.kind == "para" for b in doc.blocks)
    assert expected["organisation"] in (report["org"] or "")
    assert (report["year"], report["layout"]) == (expected["year"], expected["layout"])
    got = {f"{c['table']}/{c['row']}/{c['column']}": c for c in report["cells"]}
    right = [key for key, value in expected["cells"].items()
             if key in got and got[key]["value"] == value]
    assert len(right) >= 0.95 * len(expected["cells"]), f"{len(right)} of {len(expected['cells'])}"
    # Nothing the page does not show: every value given is the one printed (an unreadable
    # cell is left out or null), and table cells say they were read by OCR.
    wrong = {key: (cell["value"], expected["cells"].get(key)) for key, cell in got.items()
             if cell["source"] != "prose" and key in expected["cells"]
             and cell["value"] not in (None, expected["cells"][key])}
    assert not wrong
    assert not [key for key, cell in got.items()
                if cell["source"] != "prose" and key not in expected["cells"]]
    assert {cell["source"] for cell in got.values()} <= {"ocr", "prose"}
    assert any(w.startswith("PDF pages without a text layer read by OCR at 150 dpi: 1-")
               for w in report["warnings"])


@needs_tesseract
@pytest.mark.slow
def test_text_pages_and_a_scanned_page_read_in_page_order() -> None:
    original = (REAL / "reports" / "js-hongze-county-2023-faf10407.pdf").read_bytes()
    data = _pages(original, [0], then=_pdf(SMALL), then_indexes=[4])
    doc = extract(data)
    paras = [b.text for b in doc.blocks if b.kind == "para"]
    assert "洪泽区人民政府" in paras[0]  # the text layer of page 1
    assert any("其他需要报告的事项" in p for p in paras[-3:])  # OCR of page 2
    assert doc.warnings[0].startswith("PDF pages without a text layer read by OCR at 150 dpi: 2;")


@needs_tesseract
@pytest.mark.slow
def test_pages_beyond_the_page_limit_are_named_in_a_warning() -> None:
    doc = extract(_pages(_pdf(SMALL), [0, 4]), limits=Limits(max_ocr_pages=1))
    assert any("洪泽区" in b.text for b in doc.blocks if b.kind == "para")
    assert "PDF pages without a text layer not read by OCR (limit of 1 pages): 2" in doc.warnings


def test_past_the_time_limit_a_scan_is_a_timeout_not_a_hang() -> None:
    with pytest.raises(ExtractionError) as caught:
        extract(_pages(_pdf(SMALL), [0]), limits=Limits(ocr_seconds=0))
    assert caught.value.kind == "timeout" and "OCR" in caught.value.reason


@needs_tesseract
def test_without_tesseract_a_scan_is_unsupported(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ocr_tesseract, "TESSERACT", "tesseract-not-installed")
    with pytest.raises(ExtractionError, match="tesseract-ocr") as caught:
        extract(_pages(_pdf(SMALL), [4]))
    assert caught.value.kind == "unsupported"


def test_a_pdf_of_blank_images_is_empty_and_costs_no_ocr() -> None:
    buffer = io.BytesIO()
    Image.new("L", (1240, 1754), 250).save(buffer, "PDF", resolution=150)
    with pytest.raises(ExtractionError) as caught:
        extract(buffer.getvalue())
    assert caught.value.kind == "empty"


# --- the steps before OCR, on drawn pages -----------------------------------------------------

PAPER, TINT, INK = 242, 205, 30


def _table_page(rows: list[int], *, top: int, open_top: bool = False,
                open_bottom: bool = False, tint_first: bool = False) -> Image.Image:
    """An A4 page at 150 dpi on grey paper with a ruled table: rows of the given heights,
    4 columns; its rule along the top/bottom left out where a page break cut it."""
    page = Image.new("L", (1240, 1754), PAPER)
    draw = ImageDraw.Draw(page)
    left, right, columns = 150, 1080, [150, 470, 670, 870, 1080]
    ys = [top]
    for height in rows:
        ys.append(ys[-1] + height)
    if tint_first:
        draw.rectangle((left, ys[0], right, ys[1]), fill=TINT)
    for k, y in enumerate(ys):
        if (k == 0 and open_top) or (k == len(ys) - 1 and open_bottom):
            continue
        draw.rectangle((left, y, right, y + 1), fill=INK)
    for x in columns:
        draw.rectangle((x, ys[0], x + 1, ys[-1]), fill=INK)
    return page


def test_tinted_cells_do_not_hide_the_rules_around_them() -> None:
    page = _table_page([60, 50, 50, 50], top=300, tint_first=True)
    # The threshold of a scanned page of text (toner and paper: 171-183 measured); rules
    # are looked for at a laxer one, which the tint passes: the tint and its rules are one
    # thick block, no rule.
    assert [(g.n_rows, g.n_cols) for g in find_grids(page, 180)] != [(4, 4)]
    flat = flatten(page)
    grids = find_grids(flat, ink_threshold(flat))
    assert [(g.n_rows, g.n_cols) for g in grids] == [(4, 4)]


def test_a_page_fed_askew_is_turned_upright() -> None:
    page = _table_page([50] * 10, top=300)
    draw = ImageDraw.Draw(page)
    for y in range(900, 1600, 40):  # lines of "text" below the table
        draw.rectangle((150, y, 1080, y + 12), fill=INK)
    turned, angle = deskew(flatten(page.rotate(0.5, fillcolor=PAPER)))
    assert abs(angle + 0.5) <= 0.1
    assert [(g.n_rows, g.n_cols) for g in find_grids(turned, ink_threshold(turned))] == [(10, 4)]


def test_a_table_cut_by_a_page_break_is_stacked_into_one_grid() -> None:
    first = flatten(_table_page([60] + [45] * 12, top=1000, open_bottom=True))
    second = flatten(_table_page([45] * 8, top=150, open_top=True))
    pages = [_Page(n, image, 150.0, find_frames(image, ink_threshold(image)))
             for n, image in ((3, first), (4, second))]
    assert [len(p.frames) for p in pages] == [1, 1]
    groups = list(_tables(pages))
    assert [[page.number for page, _ in parts] for parts in groups] == [[3, 4]]
    stacked = _stack(groups[0])
    grids = find_grids(stacked, ink_threshold(stacked))
    assert [(g.n_rows, g.n_cols) for g in grids] == [(13 + 8 - 1, 4)]  # the cut row is one
    assert classify(grids[0]).kind is None  # a drawn grid of no statistical table's shape
