"""kill -9 while the archive writes: nothing the writer reported as committed is lost, the
abandoned file is repaired (whole records kept and indexed, a torn tail cut) and sealed when
the archive is opened again, and `xxgk archive verify` passes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from archive.models import Capture, WarcFile
from archive.write.store import Archive
from tests.test_cli import XXGK
from xxgk.base.home import Home

WRITER = r"""
import os, sys
from datetime import datetime, timedelta
from xxgk.base.home import Home
from archive.write.store import Archive
from archive.write.records import Exchange
archive = Archive(Home(__import__("pathlib").Path(sys.argv[1])))
n = 0
while True:
    batch = []
    for _ in range(int(sys.argv[2])):
        n += 1
        body = os.urandom(3000 + n % 5000)  # big enough that a kill can land mid-record
        batch.append(Exchange(url=f"http://www.example.gov.cn/{n}.pdf", method="GET",
                              request_headers=[("User-Agent", "t")], request_body=b"",
                              protocol="HTTP/1.1", status=200, reason="OK",
                              response_headers=[("Content-Type", "application/pdf")], body=body,
                              captured_at=datetime(2025, 1, 1) + timedelta(microseconds=n)))
    for stored in archive.record_batch(batch):
        print(stored.capture_id, flush=True)
"""


@pytest.mark.parametrize("batch", [1, 25])
def test_kill_9_during_writes_loses_nothing_committed(tmp_path: Path, batch: int) -> None:
    home = tmp_path / "home"
    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(home), str(batch)],
                              stdout=subprocess.PIPE, text=True, cwd=Path(__file__).parents[1])
    committed: list[int] = []
    deadline = time.monotonic() + 120
    while len(committed) < 300 and time.monotonic() < deadline:
        line = writer.stdout.readline()
        if not line:
            break
        committed.append(int(line))
    os.kill(writer.pid, signal.SIGKILL)
    writer.wait()
    committed.extend(int(line) for line in writer.stdout.read().split())
    assert len(committed) >= 300, "the writer died on its own"
    assert list((home / "archive").glob("*.open"))

    archive = Archive(Home(home))  # repairs the abandoned file
    assert len(archive.repaired) == 1
    with archive.sessions() as session:
        ids = set(session.scalars(select(Capture.id)))
        files = list(session.scalars(select(WarcFile)))
    archive.close()
    assert set(committed) <= ids
    assert all(f.sealed and f.sha256 for f in files)
    assert not list((home / "archive").glob("*.open"))
    verify = subprocess.run([str(XXGK), "archive", "verify", "--home", str(home)],
                            capture_output=True, text=True, timeout=300)
    assert verify.returncode == 0, verify.stdout[-2000:] + verify.stderr[-2000:]
