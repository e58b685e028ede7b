"""Guards every extractor runs behind: input size, zip bombs, external tools' time.

Documents come from government servers we do not control and from archives that may hold
anything a server once sent (a 20 MB zip named .doc, an error page named .pdf, a truncated
download). One hostile file must cost a bounded amount of memory and time and end as an
:class:`~parsers.document.ExtractionError` whose reason a person can act on, never as a hung
worker or a traceback. The defaults live here, in one place, and can be overridden per call.
What no check here can see (PDFium or LibreOffice allocating gigabytes, a converter that
never returns) is bounded from outside, by the process a document is parsed in
(``parsers.sandbox``: memory and time limits, the whole process tree killed).
"""

from __future__ import annotations

import io
import os
import signal
import subprocess
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from parsers.document import ExtractionError

KB = 1024
MB = 1024 * KB


@dataclass(frozen=True)
class Limits:
    """Bounds for one extraction. Real reports are 20 KB-5 MB; the defaults leave room for
    pages with pasted images and scanned PDFs while stopping bombs long before they hurt."""

    max_input_bytes: int = 100 * MB  # any format: larger inputs are refused
    max_html_bytes: int = 8 * MB  # HTML beyond this is read up to here, with a warning
    max_zip_uncompressed: int = 300 * MB  # declared total of a DOCX's members
    max_zip_ratio: float = 100.0  # uncompressed/compressed of one large member
    zip_ratio_floor: int = 5 * MB  # members smaller than this are not ratio-checked
    max_zip_members: int = 10_000
    max_pdf_pages: int = 500
    # One Flate stream inflated (pdf_inflate): an A4 page scanned at 600 dpi in colour is
    # 100 MB; a content stream of NULs 1000 times its compressed size.
    max_pdf_stream_bytes: int = 128 * MB
    # PDF pages without a text layer (scans) are read by OCR, a few seconds a page: so many
    # pages at most, so many seconds for all of them, pages rendered to so many pixels.
    max_ocr_pages: int = 30
    ocr_seconds: float = 300.0
    max_ocr_page_pixels: int = 5_000_000  # A4 at 150 dpi is 2.2 Mpx, A3 4.4 Mpx
    soffice_timeout: float = 120.0  # seconds for one LibreOffice conversion
    antiword_timeout: float = 30.0
    max_tool_output: int = 50 * MB  # bytes an external tool may write to stdout


DEFAULT_LIMITS = Limits()


def human_size(n: float) -> str:
    """1536 -> '1.5 KB': sizes in reasons are read by people."""
    for unit in ("bytes", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit in ("bytes", "KB") else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} GB"  # pragma: no cover - the loop always returns


def check_input(data: bytes, limits: Limits) -> None:
    """Refuse what no extractor should see: nothing at all, or too much."""
    if not data or (not data[:65536].strip() and not data.strip()):
        raise ExtractionError("empty file: the payload has no content (0 bytes or only "
                              "whitespace)", "empty")
    if len(data) > limits.max_input_bytes:
        raise ExtractionError(f"file too large: {human_size(len(data))} exceeds the limit of "
                              f"{human_size(limits.max_input_bytes)}", "too_large")


def check_zip(data: bytes, limits: Limits, what: str = "DOCX") -> None:
    """Refuse a zip bomb from its central directory alone, before anything is inflated.

    Python's zipfile never inflates a member beyond its declared size, so the declared sizes
    are what a later reader can be made to allocate: checking them here bounds the whole
    extraction. A corrupt directory is reported as such.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, OSError) as exc:
        raise ExtractionError(f"corrupt {what}: not a readable zip archive ({exc}); the file "
                              "may be truncated or damaged") from None
    if len(infos) > limits.max_zip_members:
        raise ExtractionError(f"{what} is a zip bomb: {len(infos)} members (limit "
                              f"{limits.max_zip_members})", "too_large")
    total = sum(i.file_size for i in infos)
    if total > limits.max_zip_uncompressed:
        raise ExtractionError(f"{what} is a zip bomb: {human_size(total)} uncompressed from "
                              f"{human_size(len(data))}", "too_large")
    for info in infos:
        if info.file_size < limits.zip_ratio_floor:
            continue
        ratio = info.file_size / max(info.compress_size, 1)
        if ratio > limits.max_zip_ratio:
            raise ExtractionError(
                f"{what} is a zip bomb: {info.filename} expands {ratio:.0f}x "
                f"({human_size(info.file_size)} from {human_size(info.compress_size)})",
                "too_large")


def run_tool(cmd: Sequence[str], *, timeout: float, limits: Limits,
             env: Mapping[str, str] | None = None, cwd: str | None = None,
             name: str | None = None) -> subprocess.CompletedProcess[bytes]:
    """Run an external converter with a deadline.

    The tool runs in a process group of its own so a timeout kills the whole group
    (``soffice`` is a launcher that forks ``soffice.bin``; killing only the launcher would
    leave the converter running), but in the caller's session: a parser child
    (``parsers.sandbox``) killed at its own limit takes its whole session with it, tools
    included. Raises ExtractionError kind ``timeout`` on the deadline and kind
    ``unsupported`` when the tool is not installed.
    """
    label = name or os.path.basename(cmd[0])
    try:
        process = subprocess.Popen(list(cmd), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, env=dict(env) if env else None,
                                   cwd=cwd, process_group=0)
    except FileNotFoundError:
        raise ExtractionError(f"{label} is not installed", "unsupported") from None
    try:
        out, err = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill_group(process)
        process.communicate()
        raise ExtractionError(f"{label} did not finish within {timeout:g} s", "timeout") from None
    except BaseException:
        _kill_group(process)
        process.communicate()
        raise
    if len(out) > limits.max_tool_output:
        raise ExtractionError(f"{label} wrote {human_size(len(out))} of output (limit "
                              f"{human_size(limits.max_tool_output)})", "too_large")
    return subprocess.CompletedProcess(process.args, process.returncode, out, err)


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        process.kill()
