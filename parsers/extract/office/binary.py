"""Word 97 (.doc), WPS Office (.wps, the same binary format) and RTF to Documents.

LibreOffice converts the file to DOCX, which the DOCX extractor reads, merged cells and
all. antiword alone is not enough: it reads the prose and narrow tables but loses wide ones
(the 10- and 15-column tables 三 and 四), as it does with many real WPS exports, and their
values are the point. antiword remains the fallback when LibreOffice is missing, fails or
times out; the Document then says so in a warning.

Every conversion runs a fresh ``soffice`` with its own profile in its own temporary
directory: two soffice processes sharing a profile clash (one exits silently), and a fresh
profile costs well under a second, so workers and threads need no coordination.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from parsers.document import Block, Document, ExtractionError
from parsers.extract.limits import DEFAULT_LIMITS, Limits, run_tool
from parsers.extract.office.docx import extract_docx
from parsers.extract.text import binary_reason

WORD_STREAM = "WordDocument".encode("utf-16-le")  # the OLE2 directory entry of Word files


def extract_office(data: bytes, fmt: str, *, limits: Limits = DEFAULT_LIMITS) -> Document:
    """``fmt``: doc | wps | rtf (as sniffed); the Document keeps it as its format."""
    if fmt != "rtf" and WORD_STREAM not in data:
        # Not a Word file: Excel, PowerPoint, Outlook, or junk. LibreOffice would import
        # junk as plain text and "succeed".
        raise ExtractionError("an OLE2 (Office 97) file without a WordDocument stream: not a "
                              "Word/WPS document (Excel, PowerPoint, or damaged)", "unsupported")
    try:
        converted = convert_to_docx(data, fmt, limits)
    except ExtractionError as failure:
        if fmt == "rtf":
            raise
        try:
            document = antiword_document(data, fmt, limits)
        except ExtractionError as second:
            raise ExtractionError(f"{fmt.upper()} unreadable: LibreOffice: {failure.reason}; "
                                  f"antiword: {second.reason}", second.kind) from None
        document.warnings.append(f"LibreOffice could not convert the {fmt.upper()} "
                                 f"({failure.reason}): read with antiword, which loses wide "
                                 "tables")
        return document
    document = extract_docx(converted, limits=limits, fmt="doc" if fmt == "rtf" else fmt)
    junk = binary_reason(document.text)
    if junk:  # LibreOffice imports what it cannot parse as plain text, and "succeeds"
        raise ExtractionError(f"unreadable {fmt.upper()}: LibreOffice could only import it as "
                              f"text, and that text is junk ({junk})")
    return document


def _env(home: str) -> dict[str, str]:
    # A UTF-8 locale: under LANG=C antiword prints '?' for every Chinese character.
    # TMPDIR: soffice's lock files and pipes go in the folder removed after the run.
    return {**os.environ, "HOME": home, "TMPDIR": home, "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"}


def convert_to_docx(data: bytes, fmt: str, limits: Limits) -> bytes:
    """The file converted to DOCX by LibreOffice, or ExtractionError."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise ExtractionError("LibreOffice (soffice) is not installed", "unsupported")
    with tempfile.TemporaryDirectory(prefix="xxgk-office-") as tmp:
        work = Path(tmp)
        # .wps is also Microsoft Works' extension: name WPS Office files .doc, which they are,
        # so LibreOffice picks the Word filter.
        source = work / ("in.rtf" if fmt == "rtf" else "in.doc")
        source.write_bytes(data)
        result = run_tool(
            [soffice, f"-env:UserInstallation={(work / 'profile').as_uri()}", "--headless",
             "--norestore", "--nologo", "--nodefault", "--nolockcheck",
             "--convert-to", "docx", "--outdir", str(work / "out"), str(source)],
            timeout=limits.soffice_timeout, limits=limits, env=_env(tmp), name="LibreOffice")
        produced = work / "out" / "in.docx"
        if not produced.exists():
            detail = result.stderr.decode("utf-8", "replace").strip().splitlines()
            raise ExtractionError(f"LibreOffice produced no DOCX (exit {result.returncode}"
                                  f"{': ' + detail[-1][:200] if detail else ''})")
        return produced.read_bytes()


def antiword_document(data: bytes, fmt: str, limits: Limits) -> Document:
    """The prose (and the tables antiword keeps, as ``|a |b |`` lines) one para a line."""
    antiword = shutil.which("antiword")
    if antiword is None:
        raise ExtractionError("antiword is not installed", "unsupported")
    with tempfile.TemporaryDirectory(prefix="xxgk-antiword-") as tmp:
        source = Path(tmp) / "in.doc"
        source.write_bytes(data)
        result = run_tool([antiword, "-w", "0", "-m", "UTF-8.txt", str(source)],
                          timeout=limits.antiword_timeout, limits=limits, env=_env(tmp))
    if result.returncode != 0:
        detail = result.stderr.decode("utf-8", "replace").strip().replace(str(source), "file")
        raise ExtractionError(f"antiword cannot read it ({detail[:200] or 'exit ' + str(result.returncode)})")
    lines = result.stdout.decode("utf-8", "replace").splitlines()
    blocks = [Block("para", text=line.strip()) for line in lines if line.strip()]
    if not blocks:
        raise ExtractionError(f"the {fmt.upper()} holds no text", "empty")
    return Document(format=fmt, blocks=blocks)
