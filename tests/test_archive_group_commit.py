"""Group commit: exchanges handed to the archive's writer (a thread, or the crawl's writer
process) are archived many at a time with the guarantees of one ``Archive.record``: each
future resolves only once its records are in the file and the index, an exchange that cannot
be archived fails alone, and nothing handed over is dropped, even when the writer dies."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from concurrent.futures import Future, wait
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select
from warcio.archiveiterator import ArchiveIterator

from archive.models import Capture, WarcFile
from archive.write.process import ArchiveWriterProcess, WriterGone
from archive.write.records import Exchange, Resource, Stored
from archive.write.store import Archive
from xxgk.base.home import Home
from xxgk.base.processes import process_alive

T0 = datetime(2025, 3, 4, 5, 6, 7)


def _exchange(n: int, body: bytes | None = None, when: datetime | None = T0) -> Exchange:
    return Exchange(url=f"http://www.example.gov.cn/art/{n}.html", method="GET",
                    request_headers=[("Accept", "*/*")], request_body=b"",
                    protocol="HTTP/1.1", status=200, reason="OK",
                    response_headers=[("Content-Type", "text/html; charset=utf-8")],
                    body=body if body is not None else f"<p>第{n}号报告</p>".encode(),
                    captured_at=when)  # type: ignore[arg-type]


def _archived(home: Home) -> dict[str, bytes]:
    """URL -> payload of every response record in the home's WARC files, read by warcio."""
    found: dict[str, bytes] = {}
    for path in sorted(home.archive_dir.rglob("*.warc.gz*")):
        with path.open("rb") as fh:
            for record in ArchiveIterator(fh):
                if record.rec_type == "response":
                    found[record.rec_headers.get_header("WARC-Target-URI")] = (
                        record.content_stream().read())
    return found


def _index(archive: Archive) -> dict[str, str]:
    with archive.sessions() as session:
        return {c.url: c.record_type for c in session.scalars(
            select(Capture).where(Capture.record_type != "request"))}


@pytest.mark.parametrize("in_process", [True, False], ids=["thread", "process"])
def test_many_exchanges_archived_in_groups(tmp_path: Path, in_process: bool) -> None:
    home = Home(tmp_path)
    archive = Archive(home)
    if not in_process:
        archive.set_writer(ArchiveWriterProcess(home, max_batch=16, max_latency=0.05))
    futures: list[Future[Stored]] = [archive.submit(_exchange(n)) for n in range(200)]
    duplicate = archive.submit(_exchange(1000, body="<p>第0号报告</p>".encode()))
    dom = archive.submit_resource(Resource("http://www.example.gov.cn/", b"<html>dom</html>",
                                           "text/html; charset=utf-8"))
    done, pending = wait([*futures, duplicate, dom], timeout=60)
    assert not pending
    stored = [f.result() for f in futures]
    assert len({s.capture_id for s in stored}) == 200
    assert all(s.record_type == "response" and s.new_payload for s in stored)
    assert duplicate.result().record_type == "revisit"
    assert duplicate.result().payload_capture_id == stored[0].capture_id
    assert isinstance(dom.result(), int)
    # An answer means committed: the index has every one already, before close.
    index = _index(archive)
    assert sum(kind == "response" for kind in index.values()) == 200
    assert index["http://www.example.gov.cn/"] == "resource"
    archive.close()
    payloads = _archived(home)
    assert len(payloads) == 200
    assert payloads["http://www.example.gov.cn/art/7.html"] == "<p>第7号报告</p>".encode()
    with archive.sessions() as session:
        files = session.scalars(select(WarcFile)).all()
    assert files and all(f.sealed for f in files)


@pytest.mark.parametrize("in_process", [True, False], ids=["thread", "process"])
def test_an_exchange_that_cannot_be_archived_fails_alone(tmp_path: Path,
                                                         in_process: bool) -> None:
    home = Home(tmp_path)
    archive = Archive(home)
    if not in_process:
        archive.set_writer(ArchiveWriterProcess(home, max_batch=64, max_latency=0.2))
    good = [archive.submit(_exchange(n)) for n in range(10)]
    bad = archive.submit(_exchange(99, when=None))  # no capture time: no WARC-Date
    good += [archive.submit(_exchange(n)) for n in range(10, 20)]
    wait([*good, bad], timeout=60)
    assert isinstance(bad.exception(), Exception)
    assert all(f.exception() is None for f in good)
    archive.close()
    payloads = _archived(home)
    assert len(payloads) == 20 and "http://www.example.gov.cn/art/99.html" not in payloads
    assert len(_index(Archive(home))) == 20  # the failed batch left no record behind


def test_a_dead_writer_process_fails_what_it_had_not_answered(tmp_path: Path) -> None:
    """The crawl never hangs on a writer that died: what it had not confirmed fails (the
    crawl records failures and a resumed run fetches them again); what it had confirmed is
    in the file and the index, and the next opening of the home repairs and seals the file."""
    home = Home(tmp_path)
    archive = Archive(home)
    writer = ArchiveWriterProcess(home, max_batch=8, max_latency=0.01)
    archive.set_writer(writer)
    first = [archive.submit(_exchange(n)) for n in range(20)]
    wait(first, timeout=60)
    assert all(f.exception() is None for f in first)
    os.kill(writer.pid, signal.SIGKILL)
    failures: list[BaseException] = []
    deadline = time.monotonic() + 10
    while not failures and time.monotonic() < deadline:
        try:
            late = archive.submit(_exchange(500))
        except WriterGone as exc:  # the receiver has seen the writer go
            failures.append(exc)
            break
        wait([late], timeout=10)
        assert late.done()  # answered or failed, never left hanging
        if late.exception() is not None:
            failures.append(late.exception())  # type: ignore[arg-type]
    assert failures and isinstance(failures[0], WriterGone)
    archive.close()
    reopened = Archive(home)  # repairs the dead writer's unsealed file
    assert sum(kind == "response" for kind in _index(reopened).values()) >= 20
    with reopened.sessions() as session:
        assert session.scalar(select(func.count()).select_from(WarcFile).where(
            WarcFile.sealed.is_(False))) == 0
    reopened.close()
    assert len(_archived(home)) >= 20


def test_a_zombie_is_not_alive() -> None:
    """A writer killed with its crawl is a zombie until reaped: not a live writer."""
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        assert process_alive(os.uname().nodename, child.pid)
        os.kill(child.pid, signal.SIGKILL)
        deadline = time.monotonic() + 5
        while process_alive(os.uname().nodename, child.pid) and time.monotonic() < deadline:
            time.sleep(0.02)
        assert not process_alive(os.uname().nodename, child.pid)
        assert Path(f"/proc/{child.pid}").exists()  # not reaped: a zombie
    finally:
        child.wait()
