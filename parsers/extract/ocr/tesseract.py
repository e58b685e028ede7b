"""Tesseract as a subprocess: many small images per process, several processes at once.

Starting Tesseract and loading chi_sim costs far more than reading one table cell, so the
cells of a table go to one process through a list file (one image path per line) and come
back as one text per image, separated by form feeds. Cells that need different settings
(numbers: one line, chi_sim+eng; labels: blocks of Chinese) are separate batches, run in
parallel. Every failure becomes an ``ExtractionError``: OCR never ends a parse run.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from parsers.document import ExtractionError

TESSERACT = "tesseract"
TIMEOUT_S = 120.0  # for all batches of one table; the 28-row table 三 takes 1-3 s
INSTALL_HINT = "apt-get install -y tesseract-ocr tesseract-ocr-chi-sim"


@dataclass(frozen=True)
class Batch:
    images: list[Image.Image]
    lang: str  # e.g. "chi_sim+eng"
    psm: int  # Tesseract page segmentation mode: 7 one line, 6 a block, 3 a page
    # Tesseract config files: ("tsv",) for words with boxes; TSV puts no form feed between
    # images, so a TSV batch holds one image.
    config: tuple[str, ...] = ()


def tesseract_path() -> str:
    path = shutil.which(TESSERACT)
    if path is None:
        raise ExtractionError(f"tesseract not found: {INSTALL_HINT}", kind="unsupported")
    return path


def read_batches(batches: list[Batch], timeout: float = TIMEOUT_S) -> list[list[str]]:
    """The raw text Tesseract reads in each image of each batch, in order."""
    todo = [(i, b) for i, b in enumerate(batches) if b.images]
    results: list[list[str]] = [[] for _ in batches]
    if not todo:
        return results
    exe = tesseract_path()
    # One OpenMP thread each: the batches themselves are the parallelism, and the machine
    # is shared with other work.
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    with tempfile.TemporaryDirectory(prefix="xxgk-ocr-") as tmp:
        procs: list[tuple[int, Batch, Path, subprocess.Popen[bytes]]] = []
        try:
            for i, batch in todo:
                folder = Path(tmp) / f"b{i}"
                procs.append((i, batch, folder, _start(exe, folder, batch, env)))
            deadline = time.monotonic() + timeout
            for i, batch, folder, proc in procs:
                out, _ = proc.communicate(timeout=max(0.0, deadline - time.monotonic()))
                err_text = (folder / "stderr.txt").read_bytes()
                results[i] = _split(out, err_text, proc.returncode, len(batch.images))
        except subprocess.TimeoutExpired as exc:
            raise ExtractionError(f"tesseract did not finish within {timeout:g} s",
                                  kind="timeout") from exc
        except OSError as exc:  # the cell images or the output could not be written/read
            raise ExtractionError(f"OCR of the cells failed: {exc}") from exc
        finally:
            for _, _, _, proc in procs:
                if proc.poll() is None:
                    proc.kill()
                    proc.wait()
    return results


def _start(exe: str, folder: Path, batch: Batch, env: dict[str, str],
           ) -> subprocess.Popen[bytes]:
    listing = _write_batch(folder, batch.images)
    # stderr to a file: a chatty process must not block on a full pipe while the other
    # batch is being waited for.
    with open(folder / "stderr.txt", "wb") as err:
        try:
            return subprocess.Popen(
                [exe, str(listing), "-", "-l", batch.lang, "--psm", str(batch.psm),
                 *batch.config],
                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=err, env=env)
        except OSError as exc:
            raise ExtractionError(f"tesseract could not be started: {exc} ({INSTALL_HINT})",
                                  kind="unsupported") from exc


def _write_batch(folder: Path, images: list[Image.Image]) -> Path:
    folder.mkdir()
    paths = []
    for n, image in enumerate(images):
        path = folder / f"{n:04d}.png"
        image.save(path, compress_level=1)  # read once, at once: speed over size
        paths.append(f"{path}\n")
    listing = folder / "list.txt"
    listing.write_text("".join(paths), encoding="utf-8")
    return listing


def _split(out: bytes, err: bytes, returncode: int | None, expected: int) -> list[str]:
    message = err.decode("utf-8", "replace")
    if returncode != 0:
        if "Failed loading language" in message or "Error opening data file" in message:
            raise ExtractionError(f"tesseract lacks a language ({INSTALL_HINT}): "
                                  f"{_last_line(message)}", kind="unsupported")
        raise ExtractionError(f"tesseract failed ({returncode}): {_last_line(message)}")
    # Tesseract writes a form feed between the texts of two images, also around empty ones.
    texts = out.decode("utf-8", "replace").split("\f")
    if len(texts) != expected:
        raise ExtractionError(f"tesseract returned {len(texts)} texts for {expected} images")
    return texts


def _last_line(message: str) -> str:
    lines = [line for line in message.splitlines() if line.strip()]
    return lines[-1] if lines else "no message"
