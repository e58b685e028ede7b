"""Word 97 (.doc) and PDF attachments, converted from our DOCX by LibreOffice.

Real attachments are exported from Word/WPS; LibreOffice gives the same kind of files (a
binary .doc that antiword reads, a PDF with a text layer and ruled tables). Conversion takes
seconds, so it runs in batches, one ``soffice`` per batch with its own profile, and results
are cached on disk by the sha256 of the source: the same world serves the same bytes after a
restart, which keeps ETags honest.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import tempfile
import threading
from pathlib import Path

FORMATS = ("doc", "pdf")


class OfficeUnavailable(RuntimeError):
    pass


def default_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache")
    return Path(base) / "xxgk-portalsim" / "office"


def find_soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


class OfficeConverter:
    """Thread-safe DOCX -> DOC/PDF conversion with a content-addressed disk cache."""

    def __init__(self, cache_dir: Path | None = None, soffice: str | None = None,
                 timeout: float = 300) -> None:
        self.cache_dir = cache_dir or default_cache_dir()
        self.soffice = soffice or find_soffice()
        self.timeout = timeout
        self._lock = threading.Lock()

    def _cached(self, source: bytes, fmt: str) -> Path:
        return self.cache_dir / f"{hashlib.sha256(source).hexdigest()}.{fmt}"

    def convert(self, source: bytes, fmt: str) -> bytes:
        return self.convert_many([(source, fmt)])[0]

    def convert_many(self, jobs: list[tuple[bytes, str]]) -> list[bytes]:
        """Convert every (docx bytes, format); missing ones in one soffice run per format."""
        with self._lock:
            for fmt in FORMATS:
                missing = {hashlib.sha256(src).hexdigest(): src for src, f in jobs
                           if f == fmt and not self._cached(src, f).exists()}
                if missing:
                    self._run_batch(missing, fmt)
        return [self._cached(src, fmt).read_bytes() for src, fmt in jobs]

    def _run_batch(self, sources: dict[str, bytes], fmt: str) -> None:
        if not self.soffice:
            raise OfficeUnavailable("LibreOffice (soffice) is not installed: "
                                    "apt-get install libreoffice-writer-nogui")
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(prefix="portalsim-office-") as tmp:
            work = Path(tmp)
            (work / "in").mkdir()
            for name, src in sources.items():
                (work / "in" / f"{name}.docx").write_bytes(src)
            # One profile per run: two soffice processes sharing a profile clash silently.
            cmd = [self.soffice, f"-env:UserInstallation=file://{work / 'profile'}", "--headless",
                   "--norestore", "--convert-to", fmt, "--outdir", str(work / "out"),
                   *sorted(str(p) for p in (work / "in").iterdir())]
            result = subprocess.run(cmd, capture_output=True, timeout=self.timeout,
                                    env={**os.environ, "HOME": str(work)})
            for name in sources:
                produced = work / "out" / f"{name}.{fmt}"
                if not produced.exists():
                    raise OfficeUnavailable(
                        f"soffice did not produce {name}.{fmt} (exit {result.returncode}): "
                        f"{result.stderr.decode(errors='replace')[-500:]}")
                target = self.cache_dir / produced.name
                tmp_target = target.with_suffix(target.suffix + ".part")
                shutil.copyfile(produced, tmp_target)
                os.replace(tmp_target, target)
