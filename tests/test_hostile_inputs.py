"""Hostile inputs (issue 14): every bomb, hang and special file ends as a clear failure (an
exit code with its reason, or a failure row, the run going on), with the peak memory of the
whole command tree under 1 GB and no process of it left alive, LibreOffice included.

The files are made on the fly at the sizes of the hostile test (tests/hostile_files.py);
time limits are cut to seconds through the settings (XXGK_PARSE_SECONDS) to keep this
quick. The parser children themselves (parsers.sandbox) are tested first, in-process.
"""

from __future__ import annotations

import gzip
import http.client
import json
import os
import signal
import subprocess
import time
import zlib
from pathlib import Path

import pytest

from archive.errors import DecodedTooLarge, Undecodable
from archive.read.decoding import undo_content_encoding
from parsers.sandbox import DocumentLimits, LimitExceeded, Worker, WorkerCrashed, WorkerPool
from tests.hostile_files import (
    MARKER,
    MB,
    XXGK,
    MeasuredCommand,
    flate_bomb_pdf,
    hostile_home,
    rtf_bin_bomb,
    run_measured,
    survivors,
    xxgk_env,
)

GB = 1024 * MB
QUICK = "3"  # seconds: the time limit of a document in these tests


def assert_bounded(result, below: int = GB) -> None:  # type: ignore[no-untyped-def]
    assert 0 < result.peak_rss < below, f"peak RSS {result.peak_rss / MB:.0f} MB"
    assert survivors(result.marker) == []


# --- the parser children ----------------------------------------------------------------------

def test_a_child_past_the_memory_limit_fails_and_the_next_job_gets_a_new_one() -> None:
    with Worker(DocumentLimits(memory=256 * MB, seconds=60)) as worker:
        with pytest.raises(LimitExceeded, match="^memory limit 256 MB exceeded$") as caught:
            worker.call("tests.sandbox_jobs:allocate", GB)
        assert caught.value.kind == "too_large"
        assert worker.pid is None  # killed with its session
        assert worker.call("tests.sandbox_jobs:allocate", 64 * MB) == 64 * MB
        with pytest.raises(WorkerCrashed, match="SIGABRT"):
            worker.call("tests.sandbox_jobs:abort", None)
        assert worker.call("tests.sandbox_jobs:echo", "alive") == "alive"


def test_a_child_past_the_time_limit_is_killed_with_every_process_it_started(
        monkeypatch: pytest.MonkeyPatch) -> None:
    marker = f"sandbox-{os.getpid()}-{time.monotonic_ns()}"
    monkeypatch.setenv(MARKER, marker)  # inherited by the child and its tools
    started = time.monotonic()
    with Worker(DocumentLimits(seconds=1.5)) as worker:
        with pytest.raises(LimitExceeded, match=r"^time limit 1\.5 s exceeded$") as caught:
            worker.call("tests.sandbox_jobs:start_tools_and_hang", 60)
        assert caught.value.kind == "timeout"
    assert time.monotonic() - started < 30
    assert survivors(marker) == []


def test_a_pool_gives_every_item_its_outcome_in_order() -> None:
    jobs = [("echo", 1), ("sleep", 30), ("allocate", 2 * GB), ("echo", 4), ("abort", None),
            ("echo", 6)]
    with WorkerPool(2, DocumentLimits(memory=512 * MB, seconds=3)) as pool:
        outcomes = list(pool.imap("tests.sandbox_jobs:run", jobs))
    assert [o.item for o in outcomes] == jobs
    assert [o.value for o in outcomes if o.error is None] == [1, 4, 6]
    errors = [str(o.error) for o in outcomes if o.error is not None]
    assert errors[0] == "time limit 3 s exceeded"
    assert errors[1] == "memory limit 512 MB exceeded"
    assert "SIGABRT" in errors[2]


# --- decoding -------------------------------------------------------------------------------------

@pytest.mark.parametrize("coding", ["gzip", "deflate", "raw deflate", "br"])
def test_decoding_stops_at_the_cap_and_still_decodes_what_fits(coding: str) -> None:
    import brotli

    def encode(data: bytes) -> bytes:
        if coding == "br":
            return brotli.compress(data, quality=1)
        if coding == "gzip":
            return gzip.compress(data, mtime=0)
        packer = zlib.compressobj(6, zlib.DEFLATED, -15 if coding == "raw deflate" else 15)
        return packer.compress(data) + packer.flush()

    headers = [("Content-Encoding", coding.split()[-1])]
    page = "<p>政府信息公开工作年度报告</p>".encode() * 1000
    assert undo_content_encoding(encode(page), headers, limit=len(page)) == (page, [headers[0][1]])
    with pytest.raises(DecodedTooLarge, match="decodes to more than 8 MB"):
        undo_content_encoding(encode(bytes(64 * MB)), headers, limit=8 * MB)


def test_a_cut_off_body_is_still_not_valid() -> None:
    with pytest.raises(Undecodable, match="not valid gzip"):
        undo_content_encoding(gzip.compress(b"x" * 100_000)[:-100], [("Content-Encoding", "gzip")])


# --- xxgk parse ---------------------------------------------------------------------------------

@pytest.mark.parametrize("kind", ["device", "fifo", "directory"])
def test_parse_reads_regular_files_only(tmp_path: Path, kind: str) -> None:
    path = {"device": Path("/dev/zero"), "fifo": tmp_path / "pipe", "directory": tmp_path}[kind]
    if kind == "fifo":
        os.mkfifo(path)
    result = run_measured("parse", str(path), "--json", timeout=60)
    assert result.returncode == 2, result.text
    error = json.loads(result.stdout)["error"]
    assert error["code"] == "usage"
    expected = {"device": "is a character device: parse reads regular files only",
                "fifo": "is a FIFO (named pipe): parse reads regular files only",
                "directory": "is a directory"}[kind]
    assert expected in error["message"]
    assert_bounded(result, below=400 * MB)


def test_parse_refuses_a_flate_bomb_pdf_before_inflating_it(tmp_path: Path) -> None:
    pdf = tmp_path / "bomb.pdf"
    pdf.write_bytes(flate_bomb_pdf(GB))  # 1 MB holding a 1 GB content stream
    result = run_measured("parse", str(pdf), "--json")
    assert result.returncode == 1, result.text
    error = json.loads(result.stdout)["error"]
    assert error["kind"] == "too_large"
    assert "PDF decompression bomb" in error["message"], error
    assert_bounded(result, below=400 * MB)


def test_a_pdf_bomb_the_stream_check_cannot_see_ends_at_the_time_limit(tmp_path: Path) -> None:
    pdf = tmp_path / "bomb.pdf"
    pdf.write_bytes(flate_bomb_pdf(100 * MB, references=20))  # 2 GB of contents, 100 KB
    result = run_measured("parse", str(pdf), "--json", env=xxgk_env(XXGK_PARSE_SECONDS=QUICK))
    assert result.returncode == 1, result.text
    error = json.loads(result.stdout)["error"]
    assert error["kind"] == "timeout"
    assert error["message"] == f"bomb.pdf: timeout: time limit {QUICK} s exceeded"
    assert_bounded(result)


def test_an_rtf_that_hangs_libreoffice_ends_at_the_time_limit_leaving_nothing(
        tmp_path: Path) -> None:
    rtf = tmp_path / "bin.rtf"
    rtf.write_bytes(rtf_bin_bomb())
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    result = run_measured("parse", str(rtf), env=xxgk_env(XXGK_PARSE_SECONDS=QUICK,
                                                          TMPDIR=str(scratch)))
    assert result.returncode == 1, result.text
    assert f"bin.rtf: timeout: time limit {QUICK} s exceeded" in result.text
    assert result.seconds < 60
    assert_bounded(result)
    assert list(scratch.iterdir()) == []  # LibreOffice's profile and lock files went too


def _wait_for_libreoffice(marker: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        if any("soffice.bin" in line for line in survivors(marker, grace=0)):
            return
        time.sleep(0.2)
    raise AssertionError("LibreOffice never started")


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGKILL])
def test_killing_parse_while_libreoffice_converts_leaves_no_process(
        tmp_path: Path, sig: signal.Signals) -> None:
    rtf = tmp_path / "bin.rtf"
    rtf.write_bytes(rtf_bin_bomb())
    marker = f"kill-{sig.name}-{time.monotonic_ns()}"
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    process = subprocess.Popen([str(XXGK), "parse", str(rtf)], stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL,
                               env={**xxgk_env(TMPDIR=str(scratch)), MARKER: marker})
    try:
        _wait_for_libreoffice(marker, process)
        process.send_signal(sig)
        process.wait(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    assert survivors(marker) == []
    assert list(scratch.iterdir()) == []  # the child's folder, LibreOffice's profile: gone


# --- the archive: get --decoded, index, serve ----------------------------------------------------

@pytest.fixture(scope="module")
def bomb_home(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    return hostile_home(tmp_path_factory.mktemp("hostile"))  # a 1 GB gzip bomb, the RTF


def test_archive_get_decoded_stops_at_the_decoding_cap(bomb_home) -> None:  # type: ignore[no-untyped-def]
    home = ("--home", str(bomb_home.root))
    result = run_measured("archive", "get", bomb_home.gzip_bomb, "--decoded", "--json", *home)
    assert result.returncode == 1, result.text
    error = json.loads(result.stdout)["error"]
    assert error["kind"] == "too-large"
    assert "decodes to more than 100 MB" in error["message"]
    assert "XXGK_MAX_DECODED_MB" in error["message"]
    assert_bounded(result, below=500 * MB)


def test_index_records_each_hostile_document_and_goes_on(tmp_path: Path) -> None:
    home = hostile_home(tmp_path)
    result = run_measured("index", "--json", "--home", str(tmp_path),
                          env=xxgk_env(XXGK_PARSE_SECONDS=QUICK))
    assert result.returncode == 0, result.text
    figures = json.loads(result.stdout)
    reasons = {f["url"]: f["reason"] for f in figures["failures"]}
    assert reasons[home.gzip_bomb].startswith("too_large: the gzip body decodes to more than "
                                              "100 MB")
    assert reasons[home.rtf] == f"timeout: time limit {QUICK} s exceeded"
    assert (figures["documents"], figures["failed"], figures["reports"]) == (3, 2, 1)
    assert_bounded(result)


def test_index_a_document_past_the_memory_limit_is_a_failure_row(tmp_path: Path) -> None:
    home = hostile_home(tmp_path, rtf=False)
    env = xxgk_env(XXGK_MAX_DECODED_MB="4096", XXGK_PARSE_MEMORY_MB="200")
    result = run_measured("index", "--json", "--home", str(tmp_path), env=env)
    assert result.returncode == 0, result.text
    figures = json.loads(result.stdout)
    reasons = {f["url"]: f["reason"] for f in figures["failures"]}
    assert reasons == {home.gzip_bomb: "too_large: memory limit 200 MB exceeded"}
    assert figures["reports"] == 1  # the next document, in a new child
    assert_bounded(result, below=500 * MB)


def test_serve_answers_a_gzip_bomb_without_decoding_it(bomb_home) -> None:  # type: ignore[no-untyped-def]
    server = MeasuredCommand("serve", "--port", "0", "--quiet", "--home", str(bomb_home.root))
    try:
        assert server.process.stdout is not None
        base = server.process.stdout.readline().decode().strip()
        host, port = base.removeprefix("http://").split(":")
        connection = http.client.HTTPConnection(host, int(port), timeout=60)
        connection.request("GET", f"/web/20250301000000/{bomb_home.gzip_bomb}")
        response = connection.getresponse()
        body = response.read()
        connection.close()
    finally:
        result = server.stop()
    # Served as archived, its Content-Encoding kept: the client decodes it, if it dares.
    assert response.status == 200
    assert response.getheader("Content-Encoding") == "gzip"
    assert body[:2] == b"\x1f\x8b" and len(body) < 2 * MB
    assert_bounded(result, below=500 * MB)
