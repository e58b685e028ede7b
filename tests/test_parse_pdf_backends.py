"""PDFium and pdfplumber read a PDF to the same Document.

PDF attachments are read through PDFium (fast) and fall back to pdfplumber for files PDFium
cannot open, so one report can come out of either path. They share the layout stage
(pdf_layout) but not the reading of glyphs, words and rules: this differential test holds
them to the same blocks, paragraph for paragraph and cell for cell, on simulator PDFs of every
house style and on the real PDFs in fixtures/real_samples.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from archive.write.store import Archive
from parsers.document import Document
from parsers.extract.limits import DEFAULT_LIMITS
from parsers.extract.pdf.document import _extract_with_pdfium, _extract_with_pdfplumber
from parsers.report import parse_document
from tests.portalsim.server import RunningSimulator
from tests.simclient import ArchivingClient
from xxgk.base.home import Home

REAL = Path(__file__).parent / "fixtures" / "real_samples"
EVERY = 3  # every third simulator PDF: pdfplumber takes ~0.3 s a report


@pytest.fixture(scope="module")
def simulator_pdfs(calm_sim: RunningSimulator, world_truth: dict,
                   tmp_path_factory: pytest.TempPathFactory) -> list[tuple[str, bytes]]:
    urls = sorted(u["url"] for r in world_truth["reports"] if r["status"] == "published"
                  for u in r["urls"] if u["role"] == "attachment" and u["rendering"] == "pdf")
    archive = Archive(Home(tmp_path_factory.mktemp("pdfs")))
    client = ArchivingClient(calm_sim.port, archive)  # passes the cookie guards
    try:
        fetched = [(url, client.get(url)) for url in urls[::EVERY]]
    finally:
        archive.close()
    assert all(exchange.status == 200 for _, exchange in fetched)
    return [(url, exchange.body) for url, exchange in fetched]


def _blocks(doc: Document) -> list[tuple]:
    return [(b.kind, b.text, [[(c.text, c.spanned) for c in row] for row in b.table.rows]
             if b.table is not None else None) for b in doc.blocks]


def _assert_same(data: bytes, name: str) -> Document:
    fast = _extract_with_pdfium(data, DEFAULT_LIMITS)
    slow = _extract_with_pdfplumber(data, DEFAULT_LIMITS)
    fast_blocks, slow_blocks = _blocks(fast), _blocks(slow)
    for n, (a, b) in enumerate(zip(fast_blocks, slow_blocks)):
        assert a == b, f"{name}: block {n} differs:\nPDFium     {a}\npdfplumber {b}"
    assert len(fast_blocks) == len(slow_blocks), name
    assert fast.warnings == slow.warnings, name
    return fast


def test_simulator_pdfs_read_the_same_through_both(simulator_pdfs: list[tuple[str, bytes]]
                                                   ) -> None:
    assert len(simulator_pdfs) >= 15
    tables = 0
    for url, data in simulator_pdfs:
        doc = _assert_same(data, url)
        tables += len(doc.tables)
        assert parse_document(doc, url).cells, url
    assert tables >= 3 * len(simulator_pdfs)  # the three statistical tables at least


@pytest.mark.parametrize("name", sorted(p.name for p in REAL.glob("*.pdf")))
def test_real_pdfs_read_the_same_through_both(name: str) -> None:
    doc = _assert_same((REAL / name).read_bytes(), name)
    assert doc.tables and len(doc.text) > 2000
