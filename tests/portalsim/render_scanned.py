"""A PDF report as a scanner gives it: every page an image, no text layer.

The one scanner of the tests: tests/fixtures/real/derived/make_scanned.py makes the corpus's
scans with ``scan`` too (the corpus file it was measured on:
js-hongze-county-2023-faf10407-scanned.pdf). The text-layer
PDF (LibreOffice's, ``render_office``) rendered by poppler at 200 dpi, blurred a little,
turned by up to 0.6 degrees and shifted, grey paper and ink, seeded sensor noise, JPEG.
Deterministic per report (seeded by its id), so the served bytes and ETag never change.
"""

from __future__ import annotations

import hashlib
import io
import random
import subprocess
import tempfile
from pathlib import Path

from PIL import Image, ImageFilter

DPI = 200  # office scanners' usual setting for documents
MAX_ANGLE = 0.6  # degrees: a sheet fed a little askew
MAX_SHIFT = 12  # px at DPI
BLUR = 0.6  # px radius: scanner optics
PAPER, INK = 242, 28  # grey levels a scanner gives white paper and black toner
NOISE_SHARE = 0.04  # of uniform noise blended in: sensor noise, +-5 grey levels
JPEG_QUALITY = 50


def _pages(pdf: bytes) -> list[Image.Image]:
    with tempfile.TemporaryDirectory(prefix="portalsim-scan-") as tmp:
        folder = Path(tmp)
        (folder / "in.pdf").write_bytes(pdf)
        subprocess.run(["pdftoppm", "-r", str(DPI), "-gray", "-png", str(folder / "in.pdf"),
                        str(folder / "page")], check=True, timeout=300)
        return [Image.open(p).convert("L").copy() for p in sorted(folder.glob("page-*.png"))]


def scan(page: Image.Image, rng: random.Random) -> Image.Image:
    """A clean rendering made to look like a sheet through a scanner."""
    page = page.filter(ImageFilter.GaussianBlur(BLUR))
    shift = (rng.randint(-MAX_SHIFT, MAX_SHIFT), rng.randint(-MAX_SHIFT, MAX_SHIFT))
    page = page.rotate(rng.uniform(-MAX_ANGLE, MAX_ANGLE), Image.Resampling.BICUBIC,
                       translate=shift, fillcolor=255)
    page = page.point(lambda v: INK + (PAPER - INK) * v // 255)
    # Seeded noise, not Pillow's effect_noise (C rand(), unseeded): the files are reproducible.
    noise = Image.frombytes("L", page.size, rng.randbytes(page.width * page.height))
    return Image.blend(page, noise, NOISE_SHARE).point(
        lambda v: min(255, round((v - 128 * NOISE_SHARE) / (1 - NOISE_SHARE))))


def scanned_pdf(text_pdf: bytes, key: str) -> bytes:
    """The image-only scan of ``text_pdf``; ``key`` (the report id) seeds the scanner."""
    rng = random.Random(int(hashlib.sha256(f"{key}-scanned".encode()).hexdigest()[:8], 16))
    pages = [scan(page, rng) for page in _pages(text_pdf)]
    out = io.BytesIO()
    pages[0].save(out, "PDF", save_all=True, append_images=pages[1:], resolution=DPI,
                  quality=JPEG_QUALITY, creationDate=None, modDate=None)
    return out.getvalue()
