"""Hostile inputs made on the fly, and how to watch a command that meets them.

Generated, not checked in: a bomb is a megabyte to write and gigabytes to read, made here
in about a second at the sizes of issue 14's hostile test. Used by
``tests/test_hostile_inputs.py`` and ``bench/hostile_memory.py``:

- the files: a Flate-bomb PDF, an RTF announcing a 999,999,999-byte ``\\bin`` run, a
  gzip-bomb HTTP body written into an archive by the real writer;
- ``run_measured``: a command's exit, output, wall time and peak RSS (of its largest
  process: itself, its parser children, LibreOffice, even when orphaned);
- ``survivors``: processes started for a command that are still alive after it ended
  (found by a marker in their environment, which every descendant inherits).
"""

from __future__ import annotations

import os
import struct
import subprocess
import sys
import tempfile
import time
import uuid
import zlib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from archive.write.records import Exchange
from archive.write.store import Archive
from xxgk.base.home import Home

MB = 1024 * 1024
SITE = "http://bomb.example.gov.cn"
SEED_REPORT = Path(__file__).parent / "fixtures" / "seeds" / "002_8406eb1d227322eb.txt"
XXGK = Path(sys.executable).with_name("xxgk")
MARKER = "XXGK_HOSTILE_MARK"


# --- the files ----------------------------------------------------------------------------

def zeros_deflated(size: int, *, wrapper: str = "zlib") -> bytes:
    """``size`` zero bytes (whole megabytes) deflated, about 1000:1, made in well under a
    second: after a full flush deflate starts afresh, so every megabyte of zeros compresses
    to the same byte-aligned block, and the block is repeated instead of recomputed."""
    megabytes = -(-size // MB)
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = packer.compress(b"\0" * MB) + packer.flush(zlib.Z_FULL_FLUSH)
    raw = block * megabytes + packer.flush()
    length = megabytes * MB
    if wrapper == "raw":
        return raw
    if wrapper == "zlib":  # Adler-32 of n zeros: a = 1, b = n
        return b"\x78\xda" + raw + struct.pack(">I", ((length % 65521) << 16) | 1)
    crc, zeros = 0, b"\0" * MB
    for _ in range(megabytes):
        crc = zlib.crc32(zeros, crc)
    header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"
    return header + raw + struct.pack("<II", crc, length % (1 << 32))


def flate_bomb_pdf(inflated: int, references: int = 1) -> bytes:
    """A one-page PDF whose content stream inflates to ``inflated`` bytes of NULs (PDF
    whitespace: a reader must inflate all of it to find there is nothing to draw), as the
    891 KB PDF that took 9.9 GB. With ``references`` > 1 the page's contents are that one
    stream so many times over: each stream passes a per-stream limit, the page does not."""
    stream = zeros_deflated(inflated)
    contents = b"[" + b" ".join([b"4 0 R"] * references) + b"]"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        (b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents %s "
         b"/Resources << >> >>" % contents),
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n%s\nendstream" % (len(stream), stream),
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += (b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n"
            % (len(objects) + 1, xref))
    return bytes(out)


def rtf_bin_bomb() -> bytes:
    """An RTF announcing a 999,999,999-byte binary run (``\\bin``) it does not hold: the
    file that kept LibreOffice busy for minutes, growing."""
    return b"{\\rtf1\\ansi\\deff0 hello \\bin999999999 " + b"A" * 4096 + b"}"


def exchange(url: str, content_type: str, body: bytes, when: datetime,
             extra: list[tuple[str, str]] | None = None) -> Exchange:
    return Exchange(url=url, method="GET", request_headers=[("User-Agent", "test")],
                    request_body=b"", protocol="HTTP/1.1", status=200, reason="OK",
                    response_headers=[("Content-Type", content_type),
                                      ("Content-Length", str(len(body))), *(extra or [])],
                    body=body, captured_at=when)


@dataclass(frozen=True)
class HostileHome:
    root: Path
    gzip_bomb: str  # URL of an HTML response whose gzip body inflates to gigabytes
    rtf: str | None  # URL of the \\bin RTF, named and served as a .doc
    report: str  # URL of a good report archived after them


def hostile_home(root: Path, inflated: int = 1024 * MB, *, rtf: bool = True) -> HostileHome:
    """A home whose archive holds a gzip-bomb HTML response (about ``inflated / 1000``
    bytes stored), optionally the ``\\bin`` RTF, then a good plain-text report; written by
    the real writer, as a crawl would."""
    urls = HostileHome(root, f"{SITE}/2024/bomb.html", f"{SITE}/2024/bin.doc" if rtf else None,
                       f"{SITE}/2024/report.txt")
    exchanges = [exchange(urls.gzip_bomb, "text/html; charset=utf-8",
                          zeros_deflated(inflated, wrapper="gzip"), datetime(2025, 3, 1),
                          [("Content-Encoding", "gzip")])]
    if urls.rtf:
        # Word "documents" that are RTF inside are common; served as what they claim to be.
        exchanges.append(exchange(urls.rtf, "application/msword", rtf_bin_bomb(),
                                  datetime(2025, 3, 2)))
    exchanges.append(exchange(urls.report, "text/plain; charset=utf-8",
                              SEED_REPORT.read_bytes(), datetime(2025, 3, 3)))
    archive = Archive(Home(root))
    archive.record_batch(exchanges)
    archive.close()
    return urls


# --- watching a command -------------------------------------------------------------------

# Runs the command, passes SIGTERM on as SIGINT (a server stops on it), and writes the
# peak RSS of the tree: RUSAGE_CHILDREN, the wrapper having no other children. As a child
# subreaper it also inherits and reaps the orphans of the tree (LibreOffice's soffice.bin
# once its launcher is killed), so they count too.
_MEASURE = """
import ctypes, os, resource, signal, subprocess, sys, time
ctypes.CDLL(None).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER
child = subprocess.Popen(sys.argv[2:])
signal.signal(signal.SIGTERM, lambda *_: child.send_signal(signal.SIGINT))
code = child.wait()
deadline = time.monotonic() + 10
while time.monotonic() < deadline:
    try:
        if os.waitpid(-1, os.WNOHANG)[0] == 0:
            time.sleep(0.05)
    except ChildProcessError:
        break
with open(sys.argv[1], "w") as figure:
    figure.write(str(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss))
sys.exit(code)
"""


@dataclass
class Measured:
    returncode: int
    stdout: bytes
    stderr: bytes
    seconds: float
    peak_rss: int  # bytes: the largest process of the command's tree that was waited for
    marker: str

    @property
    def text(self) -> str:
        return self.stderr.decode("utf-8", "replace")


def xxgk_env(**settings: str) -> dict[str, str]:
    """The environment of a command under test: no XXGK_* of the caller, these settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("XXGK_", "AWS_"))}
    return {**env, **settings}


class MeasuredCommand:
    """``xxgk ARGS`` started under the measuring wrapper; every process of its tree carries
    a fresh marker in its environment (see ``survivors``). ``stop()`` sends SIGTERM (the
    command gets SIGINT) and waits; ``wait()`` waits for the end."""

    def __init__(self, *args: str, env: dict[str, str] | None = None) -> None:
        self.marker = uuid.uuid4().hex
        self._figure = tempfile.NamedTemporaryFile("r", suffix=".rss")  # noqa: SIM115
        env = {**(env if env is not None else xxgk_env()), MARKER: self.marker}
        self.started = time.monotonic()
        self.process = subprocess.Popen(
            [sys.executable, "-c", _MEASURE, self._figure.name, str(XXGK), *args],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)

    def stop(self, timeout: float = 60) -> Measured:
        self.process.terminate()
        return self.wait(timeout)

    def wait(self, timeout: float = 120) -> Measured:
        try:
            stdout, stderr = self.process.communicate(timeout=timeout)
        finally:
            if self.process.poll() is None:
                self.process.kill()
        seconds = time.monotonic() - self.started
        peak = int(self._figure.read() or 0) * 1024
        self._figure.close()
        return Measured(self.process.returncode, stdout, stderr, seconds, peak, self.marker)


def run_measured(*args: str, env: dict[str, str] | None = None,
                 timeout: float = 120) -> Measured:
    """``xxgk ARGS`` run to its end: exit, output, wall time, peak RSS of the tree."""
    return MeasuredCommand(*args, env=env).wait(timeout)


def survivors(marker: str, grace: float = 5.0) -> list[str]:
    """Live processes (zombies do not count: they hold no memory and run nothing) carrying
    ``marker``, after waiting up to ``grace`` seconds for them to go."""
    deadline = time.monotonic() + grace
    while True:
        found = []
        for name in os.listdir("/proc"):
            if not name.isdigit():
                continue
            try:
                with open(f"/proc/{name}/environ", "rb") as environ:
                    if f"{MARKER}={marker}".encode() not in environ.read().split(b"\0"):
                        continue
                with open(f"/proc/{name}/stat", "rb") as stat:
                    if stat.read().rsplit(b")", 1)[1].split()[0] == b"Z":
                        continue
                with open(f"/proc/{name}/cmdline", "rb") as cmdline:
                    command = cmdline.read().replace(b"\0", b" ").decode("utf-8", "replace")
                found.append(f"{name}: {command}")
            except (OSError, IndexError):
                continue
        if not found or time.monotonic() >= deadline:
            return found
        time.sleep(0.2)
